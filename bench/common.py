"""Shared by the benchmarks: run a command and measure it, and the no-orchestration "floor".

`measure` runs one command as a child process and reads that child's own resource usage with
`os.wait4` (wall time, user+system CPU, peak resident memory), so figures do not mix runs.

`floor.py` (this directory) is the floor: the same raw bodies a refresh archived, parsed by the
project's own parsers and loaded into a fresh DuckDB file, then the same SQL models and blocking
checks, with no Dagster, no HTTP and no publish copy. refresh time / floor time is the
orchestration overhead.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
FIXTURE_MIRROR = REPO / "tests" / "fixtures" / "mirror"
REAL_MIRROR = (REPO.parent / "shared" / "sources" / "mirror").resolve()


@dataclass
class Measured:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str

    def ok(self) -> bool:
        return self.returncode == 0


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> Measured:
    """Run `cmd`; wall clock, CPU (user+sys) and peak RSS of that child (and its waited children)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            wall_s=wall,
            cpu_s=usage.ru_utime + usage.ru_stime,
            peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
            returncode=proc.returncode,
            stdout=out.read(),
            stderr=err.read(),
        )


def clean_env(**settings: str) -> dict[str, str]:
    """The caller's environment without any TLW_/DAGSTER_ setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TLW_", "DAGSTER_"))}
    env.update(settings)
    return env


def fixture_fred_series(mirror: Path = FIXTURE_MIRROR) -> str:
    folder = mirror / "fred.stlouisfed.org" / "graph"
    return ",".join(sorted(p.name.split("?id=", 1)[1] for p in folder.glob("fredgraph.csv?id=*")))


def refresh(env: dict[str, str], *args: str) -> Measured:
    return measure([PYTHON, "-m", "pipelines.cli", "refresh", *args], env)


def floor(home: Path) -> tuple[Measured, dict]:
    """The floor for the raw bodies a refresh archived under `home` (see floor.py)."""
    with tempfile.TemporaryDirectory(prefix="tlw-floor-") as scratch:
        measured = measure([PYTHON, str(REPO / "bench" / "floor.py"), str(home), str(Path(scratch) / "floor.duckdb")])
    if not measured.ok():
        raise RuntimeError(f"floor failed:\n{measured.stderr[-3000:]}")
    return measured, json.loads(measured.stdout.strip().splitlines()[-1])


def same_work(env: dict[str, str]) -> tuple[Measured, dict]:
    """A cold refresh's whole work without Dagster (see same_work.py), on an empty TLW_HOME of its
    own and the mirror settings of `env`."""
    with tempfile.TemporaryDirectory(prefix="tlw-same-work-") as scratch:
        measured = measure([PYTHON, str(REPO / "bench" / "same_work.py")], {**env, "TLW_HOME": str(Path(scratch) / "home")})
    if not measured.ok():
        raise RuntimeError(f"same_work failed:\n{measured.stderr[-3000:]}")
    return measured, json.loads(measured.stdout.strip().splitlines()[-1])


def sources_line(measured: Measured) -> str:
    for line in measured.stdout.splitlines():
        if line.startswith("sources "):
            return line.split(None, 1)[1]
        if line.startswith("nothing changed"):
            return "(none: nothing changed)"
    return "?"


def machine() -> str:
    cpus = os.cpu_count()
    try:
        mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        mem = "RAM unknown"
    load = os.getloadavg()
    return (f"{platform.node()}: {cpus} CPUs, {mem}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def copy_mirror(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def row(*cells, widths=(34, 9, 9, 10, 9, 9, 9)) -> str:
    out = []
    for cell, width in zip(cells, widths):
        text = f"{cell:.2f}" if isinstance(cell, float) else str(cell)
        out.append(text.ljust(width) if not out else text.rjust(width))
    return " ".join(out)
