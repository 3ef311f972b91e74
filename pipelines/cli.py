"""`tlw`: the command line, thin over Dagster and DuckDB.

    tlw refresh [--all] [--full-history] [--wait]   refresh what changed and publish
    tlw sql "SELECT ..."                            read-only query of the published warehouse
    tlw status                                      freshness of every source (exit 1 if stale/failing)
    tlw report                                      self-contained HTML report under $TLW_HOME/reports
    tlw dev                                         Dagster UI with schedules and sensors
    tlw lake maintain [--keep-days N]               expire old lake snapshots, merge and clean files
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from pipelines.config import REPO_ROOT, Settings


def _refresh(args: argparse.Namespace) -> int:
    from pipelines.refresh import DISK_FULL_MARKERS, RefreshBusy, record_refresh, run_refresh
    from pipelines.warehouse import NoSpace, no_space_message

    settings = Settings.from_env()
    try:
        # --full-history is run config of this run, not an environment variable.
        outcome = run_refresh(settings, everything=args.all or args.full_history, wait=args.wait, full_history=args.full_history)
    except RefreshBusy as exc:
        print(f"tlw refresh: {exc}", file=sys.stderr)
        return 3
    except NoSpace as exc:
        print(f"tlw refresh: {exc}", file=sys.stderr)
        record_refresh(settings, False, [str(exc)])
        return 1
    except Exception as exc:
        if not any(marker in str(exc) for marker in DISK_FULL_MARKERS):
            raise
        # Dagster's own storage (SQLite) or DuckDB ran out of room outside a step.
        message = no_space_message(settings.home, shutil.disk_usage(settings.home).free,
                                   settings.build_db.stat().st_size if settings.build_db.exists() else 0)
        print(f"tlw refresh: {message}", file=sys.stderr)
        record_refresh(settings, False, [message])
        return 1
    record_refresh(settings, outcome.success, outcome.failures)
    for notice in outcome.notices:
        print(f"recovered {notice}")
    for name, why in sorted(outcome.skipped_sources.items()):
        print(f"skipped  {name}: {why if len(why) < 160 else why[:157] + '...'}")
    if not outcome.ran:
        print(f"nothing changed; nothing run ({outcome.seconds:.1f} s)")
        return 0
    print(f"sources  {', '.join(outcome.selected_sources)}")
    passed = sum(1 for _, ok, _ in outcome.checks if ok)
    print(f"checks   {passed}/{len(outcome.checks)} passed")
    for name, ok, severity in outcome.checks:
        if not ok:
            print(f"  {'FAILED' if severity == 'ERROR' else 'warning'}  {name}")
    for failure in outcome.failures:
        print(f"error    {failure}", file=sys.stderr)
    for shrink in outcome.shrunk:
        print(f"shrunk   {shrink}")
    if outcome.success:
        also = " and a lake snapshot (TLW_LAKE_CATALOG)" if settings.lake_catalog else ""
        print(f"published {settings.published_db}{also} in {outcome.seconds:.1f} s")
    else:
        print(f"NOT published: the last good warehouse at {settings.published_db} is unchanged ({outcome.seconds:.1f} s)", file=sys.stderr)
    return outcome.exit_code


def _sql(args: argparse.Namespace) -> int:
    import threading

    import duckdb

    from pipelines.lake import LakeError
    from pipelines.warehouse import read_only_connection

    settings = Settings.from_env()
    timeout_s = args.timeout if args.timeout is not None else settings.sql_timeout_s
    max_rows = args.max_rows if args.max_rows is not None else settings.sql_max_rows
    try:
        con = read_only_connection(settings)
    except (FileNotFoundError, LakeError) as exc:
        print(f"tlw sql: {exc}", file=sys.stderr)
        return 2
    # DuckDB has no statement timeout: interrupting the connection from a timer is its way.
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.start()
    try:
        relation = con.sql(args.query)
        if relation is None:
            print("tlw sql: the statement returned no rows (only queries are allowed)", file=sys.stderr)
            return 2
        # One row more than shown tells whether the result was cut, without computing all of it.
        rows = relation.limit(max_rows + 1).fetchall()
        _print_table(relation.columns, rows[:max_rows])
        if len(rows) > max_rows:
            print(f"(cut at {max_rows:,} rows: the result has more; raise --max-rows or TLW_SQL_MAX_ROWS, or add LIMIT)")
    except duckdb.InterruptException:
        print(f"tlw sql: query stopped after {timeout_s:g} s (--timeout, TLW_SQL_TIMEOUT)", file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        print(f"tlw sql: {exc}", file=sys.stderr)
        return 2
    finally:
        timer.cancel()
        con.close()
    return 0


def _format(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def _print_table(columns: list[str], rows: list[tuple]) -> None:
    cells = [[_format(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def _dev(args: argparse.Namespace) -> int:
    from pipelines.refresh import dagster_instance

    settings = Settings.from_env()
    dagster_instance(settings)  # writes DAGSTER_HOME/dagster.yaml and sets DAGSTER_HOME
    os.chdir(REPO_ROOT)
    dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
    os.execv(dagster, [dagster, "dev", "-m", "pipelines.definitions", "-p", str(args.port)])


def _status(args: argparse.Namespace) -> int:
    from pipelines.status import run_status

    return run_status(Settings.from_env())


def _report(args: argparse.Namespace) -> int:
    from pipelines.report import run_report

    return run_report(Settings.from_env())


def _lake_maintain(args: argparse.Namespace) -> int:
    from pipelines.lake import LakeError, maintain

    settings = Settings.from_env()
    try:
        keep_days = settings.lake_keep_days if args.keep_days is None else args.keep_days
        steps = maintain(settings, keep_days=keep_days, file_grace_hours=args.file_grace_hours)
    except LakeError as exc:
        print(f"tlw lake maintain: {exc}", file=sys.stderr)
        return 2
    for label, count in steps:
        print(f"{label:<24} {count}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tlw", description="Treasury Leverage Warehouse")
    commands = parser.add_subparsers(dest="command", required=True)
    refresh = commands.add_parser("refresh", help="refresh changed sources, run checks, publish tlw.duckdb")
    refresh.add_argument("--all", action="store_true", help="run every source even if nothing changed")
    refresh.add_argument("--full-history", action="store_true", help="re-request the full history of incremental APIs (implies --all)")
    refresh.add_argument("--wait", action="store_true", help="wait for a running refresh instead of exiting")
    refresh.set_defaults(handler=_refresh)
    sql = commands.add_parser("sql", help="read-only SQL on the published warehouse")
    sql.add_argument("query")
    sql.add_argument("--timeout", type=float, help="stop the query after this many seconds (default TLW_SQL_TIMEOUT, 60)")
    sql.add_argument("--max-rows", type=int, help="print at most this many rows (default TLW_SQL_MAX_ROWS, 10000)")
    sql.set_defaults(handler=_sql)
    status = commands.add_parser("status", help="freshness of every source; exit 1 when stale or failing")
    status.set_defaults(handler=_status)
    report = commands.add_parser("report", help="write the HTML report under $TLW_HOME/reports")
    report.set_defaults(handler=_report)
    dev = commands.add_parser("dev", help="start the Dagster UI with schedules and sensors")
    dev.add_argument("--port", type=int, default=3000)
    dev.set_defaults(handler=_dev)
    lake = commands.add_parser("lake", help="the DuckLake lakehouse (TLW_LAKE_CATALOG, TLW_LAKE_DATA_PATH)")
    lake_commands = lake.add_subparsers(dest="lake_command", required=True)
    maintain = lake_commands.add_parser(
        "maintain",
        help="flush inlined data, expire snapshots older than --keep-days, merge small files, delete files freed more than --file-grace-hours ago",
    )
    maintain.add_argument("--keep-days", type=float, default=None,
                          help="keep every snapshot (time travel) younger than this many days (default TLW_LAKE_KEEP_DAYS or 90)")
    maintain.add_argument("--file-grace-hours", type=float, default=24.0,
                          help="delete freed data files only this long after they were freed, so running readers finish (default 24)")
    maintain.set_defaults(handler=_lake_maintain)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
