"""Run every benchmark in turn (what `make bench` calls): refresh, scale, query.

    .venv/bin/python bench/run_all.py [--quick]

--quick runs the scale benchmark at 1x and 10x only and the query benchmark with 50 runs.
Each benchmark is a child process with this interpreter, so one failing does not hide the others;
the exit code is the number of benchmarks that failed. Prints figures only.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    runs = [
        ["refresh_bench.py"],
        ["scale_bench.py", "--scales", "1,10" if quick else "1,10,100"],
        ["query_bench.py", "--runs", "50" if quick else "200"],
    ]
    failed = 0
    started = time.perf_counter()
    for script, *args in runs:
        print(f"\n######## {script} {' '.join(args)}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / script), *args], cwd=HERE.parent)
        if code:
            print(f"######## {script} exited {code}", flush=True)
            failed += 1
    print(f"\nall benchmarks done in {time.perf_counter() - started:.0f} s ({failed} failed)")
    return failed


if __name__ == "__main__":
    sys.exit(main())
