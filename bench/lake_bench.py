"""Lakehouse benchmark: publish time file vs lake, readers during publishes, lake size and maintenance.

    .venv/bin/python bench/lake_bench.py [--readers 20] [--publishes 10] [--reader-publishes 5]

Needs PostgreSQL's server binaries (Debian: `apt-get install postgresql`); starts a throwaway
server (tests/postgres.py) on 127.0.0.1 and works in temporary directories. Data: the fixture
mirror's TIC sources (tests/fixtures/mirror). Every publish follows a real change: one more
`slt_table5.txt` body (same figures, new bytes, so the TIC core tables and marts are rebuilt),
refreshed into the working copy by a real refresh; then, on that working copy:

1. publish time: `warehouse.publish` without the lake (tlw.duckdb swap + Parquet exports) and
   then with it (the same + one DuckLake snapshot), wall seconds of each, per publish;
2. readers: `--readers` processes (tests/lake_reader.py: plain DuckDB, the standard ATTACH)
   querying two marts in a loop while the last `--reader-publishes` publishes commit; errors and
   latency percentiles over every query;
3. size: the lake's data files (bytes, files) and the catalog database (pg_database_size) after
   `--publishes` publishes, then after `tlw lake maintain --keep-days 0 --file-grace-hours 0`.

Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import FIXTURE_MIRROR, machine  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

TABLE5 = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/slt_table5.txt"
NOT_TIC = "mof_reserves,mof_interventions,fred,debt_to_penny,federal_register"
READER_QUERIES = [
    "SELECT iso3, holdings_usd_bn, share_of_foreign_pct FROM marts.leverage_monthly "
    "WHERE ref_month = (SELECT max(ref_month) FROM marts.leverage_monthly) ORDER BY rank_by_holdings LIMIT 10",
    "SELECT verdict, count(*) FROM marts.claim_checks GROUP BY verdict ORDER BY verdict",
]


def directory_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def catalog_size(dsn: str) -> int:
    import psycopg2

    with psycopg2.connect(dsn) as con, con.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else (values[0] if values else float("nan"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--publishes", type=int, default=10)
    parser.add_argument("--reader-publishes", type=int, default=5)
    args = parser.parse_args()

    print(machine(), flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="tlw-lake-bench-"))
    server = PostgresServer.start()
    try:
        return run(args, scratch, server)
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace, scratch: Path, server: PostgresServer) -> int:
    mirror = scratch / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    catalog = server.create_database("bench_lake")
    data_path = scratch / "lake-data"
    for name in [k for k in os.environ if k.startswith(("TLW_", "DAGSTER_"))]:
        del os.environ[name]
    os.environ.update({"TLW_HOME": str(scratch / "home"), "TLW_MIRROR": str(mirror), "TLW_SKIP_SOURCES": NOT_TIC,
                       "DAGSTER_HOME": str(scratch / "home" / "dagster")})

    from pipelines import warehouse
    from pipelines.config import Settings
    from pipelines.lake import maintain
    from pipelines.refresh import run_refresh

    file_only = Settings.from_env()
    with_lake = dataclasses.replace(file_only, lake_catalog=catalog, lake_data_path=str(data_path))
    assert run_refresh(file_only).success, "initial refresh failed"
    print(f"warehouse: {file_only.published_db.stat().st_size / 1e6:.1f} MB tlw.duckdb (fixture mirror, TIC sources)\n", flush=True)

    stop = scratch / "stop-readers"
    readers: list[subprocess.Popen] = []
    timings: list[tuple[int, float, float, int, bool]] = []
    print(f"{'publish':>7} {'file s':>8} {'file+lake s':>12} {'lake s':>8} {'tables rewritten':>17} {'readers':>8}", flush=True)
    for number in range(1, args.publishes + 1):
        table5 = mirror / TABLE5
        table5.write_bytes(table5.read_bytes() + b"\r\n")  # a new body: the TIC tables are rebuilt
        assert run_refresh(file_only).success, f"refresh {number} failed"
        reading = number > args.publishes - args.reader_publishes
        if reading and not readers:
            readers = start_readers(args.readers, catalog, data_path, stop)
        started = time.perf_counter()
        warehouse.publish(file_only)
        file_s = time.perf_counter() - started
        started = time.perf_counter()
        result = warehouse.publish(with_lake)
        both_s = time.perf_counter() - started
        rewritten = result["lake"]["tables_rewritten"]
        timings.append((number, file_s, both_s, rewritten, reading))
        print(f"{number:>7} {file_s:>8.2f} {both_s:>12.2f} {both_s - file_s:>8.2f} {rewritten:>10}/{result['lake']['tables']:<6} {'yes' if reading else '':>8}", flush=True)
    stop.touch()
    reports = [json.loads(r.communicate(timeout=300)[0].strip().splitlines()[-1]) for r in readers]

    file_times = [t[1] for t in timings]
    lake_times = [t[2] - t[1] for t in timings]
    print(f"\npublish, median of {len(timings)}: file {statistics.median(file_times):.2f} s, "
          f"file + lake {statistics.median([t[2] for t in timings]):.2f} s (lake part {statistics.median(lake_times):.2f} s)")

    latencies = [ms for r in reports for ms in r["latencies_ms"]]
    errors = sum(r["errors"] for r in reports)
    snapshots = sorted({s for r in reports for s in r["snapshots"]})
    print(f"\nreaders: {len(reports)} processes during {args.reader_publishes} publishes: {len(latencies)} queries, {errors} errors"
          + (f" (first: {next(e for r in reports for e in r['first_errors'])})" if errors else ""))
    if latencies:
        print(f"  latency ms: p50 {percentile(latencies, 50):.1f}, p95 {percentile(latencies, 95):.1f}, "
              f"p99 {percentile(latencies, 99):.1f}, max {max(latencies):.1f}; snapshots seen {snapshots[0]}..{snapshots[-1]}")

    data_bytes, data_files = directory_size(data_path)
    catalog_bytes = catalog_size(catalog)
    print(f"\nlake after {args.publishes} publishes, no maintenance: data {data_bytes / 1e6:.2f} MB in {data_files} files, "
          f"catalog database {catalog_bytes / 1e6:.2f} MB")
    started = time.perf_counter()
    steps = maintain(with_lake, keep_days=0, file_grace_hours=0)
    took = time.perf_counter() - started
    data_bytes, data_files = directory_size(data_path)
    catalog_bytes = catalog_size(catalog)
    print(f"after tlw lake maintain --keep-days 0 --file-grace-hours 0 ({took:.1f} s; {', '.join(f'{label} {n}' for label, n in steps)}): "
          f"data {data_bytes / 1e6:.2f} MB in {data_files} files, catalog database {catalog_bytes / 1e6:.2f} MB")
    return 0


def start_readers(count: int, catalog: str, data_path: Path, stop: Path) -> list[subprocess.Popen]:
    queries = [arg for sql in READER_QUERIES for arg in ("--query", sql)]
    readers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.lake_reader", "--catalog", catalog, "--data-path", str(data_path),
             "--stop-file", str(stop), "--max-seconds", "900", "--pause", "0.05", *queries],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        )
        for _ in range(count)
    ]
    for reader in readers:
        line = reader.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"a reader did not start: {line} {reader.stderr.read()[-2000:]}")
    return readers


if __name__ == "__main__":
    sys.exit(main())
