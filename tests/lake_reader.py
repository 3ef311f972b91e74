"""A lake reader in its own process, as a notebook or BI tool on another machine would be.

Plain DuckDB and the standard ATTACH statement; from the project it takes only the location of
the extension files the PyPI wheels installed. Runs its queries in a loop until the stop file
appears (or --max-seconds pass: the loop is bounded), then prints one JSON line: reads, errors,
the distinct answers, the snapshot ids it saw and each read's latency.

    python -m tests.lake_reader --catalog "host=... dbname=lake" --data-path DIR --stop-file F \
        --query "SELECT ..." [--query ...] [--max-seconds 120]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import duckdb

from pipelines.lake import extension_files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--data-path", required=True)
    parser.add_argument("--stop-file", required=True, type=Path)
    parser.add_argument("--query", action="append", required=True)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--pause", type=float, default=0.01, help="seconds between rounds")
    args = parser.parse_args()

    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    with extension_files() as files:
        for path in files.values():
            con.execute(f"LOAD '{path}'")
    con.execute(f"ATTACH 'ducklake:postgres:{args.catalog}' AS lake (DATA_PATH '{args.data_path}', READ_ONLY)")
    con.execute("USE lake")
    print("ready", flush=True)

    answers: set[str] = set()
    snapshots: set[int] = set()
    errors: list[str] = []
    latencies_ms: list[float] = []
    deadline = time.monotonic() + args.max_seconds
    while not args.stop_file.exists() and time.monotonic() < deadline:
        for sql in args.query:
            started = time.perf_counter()
            try:
                answers.add(repr(con.execute(sql).fetchall()))
            except duckdb.Error as exc:
                errors.append(str(exc).splitlines()[0])
            latencies_ms.append((time.perf_counter() - started) * 1000)
        try:
            snapshots.add(con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0])
        except duckdb.Error as exc:
            errors.append(str(exc).splitlines()[0])
        time.sleep(args.pause)
    con.close()
    print(json.dumps({
        "reads": len(latencies_ms), "errors": len(errors), "first_errors": errors[:5],
        "answers": sorted(answers), "snapshots": sorted(snapshots), "latencies_ms": latencies_ms,
    }), flush=True)


if __name__ == "__main__":
    main()
