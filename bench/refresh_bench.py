"""Refresh benchmark: cold, no-op and one-changed-source refreshes, each beside its floor.

    .venv/bin/python bench/refresh_bench.py [--real-mirror PATH] [--skip-real] [--repeat N]

Every refresh is `python -m pipelines.cli refresh` in a child process on a temporary TLW_HOME,
measured with os.wait4: wall time, CPU time (user+system) and peak RSS of that child. Figures:

1. the fixture mirror (tests/fixtures/mirror, copied to a temporary directory): a cold full
   refresh (empty TLW_HOME), a no-op refresh (nothing changed: no asset should run), and a refresh
   after one file changed (one new FRED observation: only `fred` and its downstream should run);
2. the real mirror (../shared/sources/mirror, read in place, TLW_MIRROR_MISSING=skip for the
   sources it lacks): a cold full refresh and a no-op refresh.

Beside each cold refresh: the floor (bench/floor.py: the same raw bodies parsed and loaded by the
project's parsers into a fresh DuckDB, SQL models and blocking checks, no Dagster) and the ratio
refresh / floor, the orchestration overhead. Each cold refresh is run `--repeat` times (3), each
time with its floor and same work right after it, and the medians are compared: short figures on
this machine move by a third from one minute to the next. Assets run = ASSET_MATERIALIZATION
events in the run's Dagster event log. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    FIXTURE_MIRROR,
    REAL_MIRROR,
    Measured,
    clean_env,
    copy_mirror,
    fixture_fred_series,
    floor,
    machine,
    refresh,
    row,
    same_work,
    sources_line,
)

HEADER = row("refresh", "wall s", "CPU s", "peak MB", "floor s", "ratio", "vs same") + "  assets run / sources"


def assets_run(home: Path, before: set[str]) -> int | str:
    """ASSET_MATERIALIZATION events in the Dagster run(s) started since `before` was listed."""
    runs = home / "dagster" / "history" / "runs"
    new = [p for p in runs.glob("*.db") if p.name != "index.db" and p.name not in before] if runs.is_dir() else []
    if not new:
        return 0
    total = 0
    for db in new:
        with sqlite3.connect(db) as con:
            total += con.execute("SELECT count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'").fetchone()[0]
    return total


def run_dbs(home: Path) -> set[str]:
    runs = home / "dagster" / "history" / "runs"
    return {p.name for p in runs.glob("*.db")} if runs.is_dir() else set()


def report(label: str, measured: Measured, home: Path, before: set[str], floor_s: float | None = None,
           same_s: float | None = None) -> None:
    status = "" if measured.ok() else f"  EXIT {measured.returncode}"
    ratio = f"{measured.wall_s / floor_s:.1f}x" if floor_s else ""
    floor_text = f"{floor_s:.2f}" if floor_s else ""
    same_ratio = f"{measured.wall_s / same_s:.1f}x" if same_s else ""
    print(row(label, measured.wall_s, measured.cpu_s, f"{measured.peak_rss_mb:.0f}", floor_text, ratio, same_ratio)
          + f"  {assets_run(home, before)} / {sources_line(measured)}{status}", flush=True)
    if not measured.ok():
        errors = [line for line in (measured.stdout + measured.stderr).splitlines() if line.startswith(("error", "  FAILED"))]
        for line in errors[:5]:
            print(f"    {line[:200]}")


def skipped_sources(measured: Measured) -> list[str]:
    """Sources a refresh skipped: TLW_SKIP_SOURCES (stdout) or not in the mirror (Dagster warnings)."""
    names = [line.split()[1].rstrip(":") for line in measured.stdout.splitlines() if line.startswith("skipped")]
    for line in measured.stderr.splitlines():
        if "skipped, not in mirror" in line:
            names.append(line.split(" - ")[-1].split(":", 1)[0].strip())
    return sorted(set(names))


def print_floor(label: str, home: Path) -> float:
    measured, phases = floor(home)
    detail = ", ".join(f"{k[:-2]} {v:.2f}" for k, v in phases.items() if k.endswith("_s"))
    failed = f"; failed checks: {phases['failed_checks']}" if phases["failed_checks"] else ""
    print(f"    floor of {label}: {measured.wall_s:.2f} s wall (process incl. imports), {measured.cpu_s:.2f} s CPU, "
          f"{measured.peak_rss_mb:.0f} MB peak; in-process phases s: {detail}; {phases['rows_loaded']} rows from "
          f"{phases['raw_bytes'] / 1e6:.2f} MB raw{failed}", flush=True)
    return measured.wall_s


def print_same_work(env: dict[str, str]) -> float:
    measured, phases = same_work(env)
    detail = ", ".join(f"{k[:-2]} {v:.2f}" for k, v in phases.items() if k.endswith("_s"))
    print(f"    same work without Dagster: {measured.wall_s:.2f} s wall, {measured.cpu_s:.2f} s CPU, "
          f"{measured.peak_rss_mb:.0f} MB peak; phases s: {detail}; Dagster imported: {phases['dagster_imported']}", flush=True)
    return measured.wall_s


def cold_refreshes(env: dict[str, str], home: Path, repeat: int) -> tuple[Measured, float | None, float | None]:
    """`repeat` cold refreshes, each on an empty TLW_HOME and followed by its floor and the same
    work, so a slow minute of this machine lands on all three; the first home is kept for the
    refreshes that follow. Returns the median refresh (by wall) and the median floor and same work."""
    trials: list[tuple[Measured, float | None, float | None]] = []
    for trial in range(repeat):
        trial_home = home if trial == 0 else home.with_name(f"{home.name}-trial{trial}")
        trial_env = {**env, "TLW_HOME": str(trial_home)}
        cold = refresh(trial_env)
        floor_s = print_floor(f"cold {trial + 1}", trial_home) if cold.ok() else None
        same_s = print_same_work(trial_env) if cold.ok() else None
        print(f"    cold {trial + 1}: {cold.wall_s:.2f} s wall" + ("" if cold.ok() else f", EXIT {cold.returncode}"), flush=True)
        trials.append((cold, floor_s, same_s))
        if trial_home != home:
            shutil.rmtree(trial_home, ignore_errors=True)
    ok = [t for t in trials if t[0].ok()]
    if not ok:
        return trials[0]
    return (
        sorted((t[0] for t in ok), key=lambda m: m.wall_s)[len(ok) // 2],
        statistics.median(t[1] for t in ok),
        statistics.median(t[2] for t in ok),
    )


def add_fred_observation(mirror: Path) -> str:
    """One more daily observation at the end of DEXJPUS: a changed source whose data stay valid."""
    path = mirror / "fred.stlouisfed.org" / "graph" / "fredgraph.csv?id=DEXJPUS"
    text = path.read_text()
    last = [line for line in text.splitlines() if line.strip()][-1]
    day = date.fromisoformat(last.split(",")[0]) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    newline = "\r\n" if "\r\n" in text else "\n"
    path.write_text(text.rstrip("\r\n") + newline + f"{day.isoformat()},{last.split(',')[1] or '150.00'}" + newline)
    return f"fred (DEXJPUS + {day})"


def bench_fixture(scratch: Path, repeat: int) -> None:
    mirror = copy_mirror(FIXTURE_MIRROR, scratch / "fixture-mirror")
    home = scratch / "fixture-home"
    env = clean_env(
        TLW_HOME=str(home), TLW_MIRROR=str(mirror), TLW_MIRROR_MISSING="skip", TLW_FR_PER_PAGE="5",
        TLW_FRED_SERIES=fixture_fred_series(mirror),
    )
    print(f"\nfixture mirror (tests/fixtures/mirror copied to {mirror})")
    print(HEADER)
    cold, floor_s, same_s = cold_refreshes(env, home, repeat)
    report(f"cold full refresh (median of {repeat})", cold, home, set(), floor_s, same_s)
    print(f"    skipped (not in this mirror): {', '.join(skipped_sources(cold)) or 'none'}"
          " (the fixture debt pages are written for page size 3, the default is 10000)")
    before = run_dbs(home)
    report("no-op refresh", refresh(env), home, before)
    changed = add_fred_observation(mirror)
    before = run_dbs(home)
    print(f"    changed file: {changed}")
    report("one changed source (fred)", refresh(env), home, before)


def bench_real(scratch: Path, mirror: Path, repeat: int) -> None:
    if not mirror.is_dir():
        print(f"\nreal mirror: {mirror} not found, skipped")
        return
    home = scratch / "real-home"
    # The FRED series this mirror holds (the default list starts with one it lacks, and a FileSource
    # with a missing file is skipped whole).
    env = clean_env(TLW_HOME=str(home), TLW_MIRROR=str(mirror), TLW_MIRROR_MISSING="skip",
                    TLW_FRED_SERIES=fixture_fred_series(mirror))
    print(f"\nreal mirror ({mirror}, read in place; TLW_MIRROR_MISSING=skip for what it lacks; "
          f"TLW_FRED_SERIES={env['TLW_FRED_SERIES']})")
    print(HEADER)
    cold, floor_s, same_s = cold_refreshes(env, home, repeat)
    report(f"cold full refresh (median of {repeat})", cold, home, set(), floor_s, same_s)
    print(f"    skipped (not in this mirror): {', '.join(skipped_sources(cold)) or 'none'}")
    before = run_dbs(home)
    report("no-op refresh", refresh(env), home, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-mirror", type=Path, default=REAL_MIRROR)
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="cold refreshes (each with its floor and same work) per mirror; the medians are compared")
    args = parser.parse_args()
    print("== refresh benchmark ==")
    print(machine())
    with tempfile.TemporaryDirectory(prefix="tlw-bench-") as scratch:
        bench_fixture(Path(scratch), args.repeat)
        if not args.skip_real:
            bench_real(Path(scratch), args.real_mirror, args.repeat)
    print("\nratio = refresh wall / floor wall; vs same = refresh wall / the same work without Dagster (fetch, archive,"
          " parse, load, SQL, checks, publish, exports: bench/same_work.py); all whole processes, imports included. "
          "Targets (issue 7): cold <= 20 s, no-op <= 5 s with no asset run, one change runs only its downstream.")


if __name__ == "__main__":
    main()
