"""`tlw`: the command line, thin over Dagster and DuckDB.

    tlw refresh [--all] [--full-history] [--wait]   refresh what changed and publish
    tlw sql "SELECT ..."                            read-only query of the published warehouse
    tlw status                                      freshness of every source and the checks
    tlw report                                      self-contained HTML report under $TLW_HOME/reports
    tlw dev [--port N]                              Dagster UI with schedules and sensors
    tlw lake maintain [--keep-days N]               expire old lake snapshots, merge and clean files

Every command validates every setting first (`Settings.from_env`) and stops with one line per bad
setting. Problems print one line on the terminal; a traceback, when there is one, goes to a file
under `$TLW_HOME/logs/` that the line names.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

from pipelines import readers
from pipelines.config import REPO_ROOT, ConfigError, Settings, declared, unknown_variables

EXIT_CODES = {
    "refresh": "0 published (or nothing changed), 1 a source or a blocking check failed (nothing published), "
    "2 a setting is invalid or the warehouse is held by another process, 3 another refresh is running",
    "sql": "0 rows printed, 2 an error (a refused write, no warehouse, a setting, a lock) or a timeout",
    "status": "0 every source fresh (or skipped) and no blocking check failing, 1 something stale, failing or "
    "never fetched, a blocking check failing, or the last `tlw refresh` failed, 2 cannot tell (no warehouse, a lock, a setting)",
    "report": "0 report written (its path printed), 2 no warehouse, a lock or a setting",
    "dev": "does not return while the UI runs; 2 a setting is invalid",
    "lake": "0 maintained (each step and its count printed), 2 no lake configured, a lake error or a setting",
}


def write_log(settings: Settings, command: str, text: str) -> Path:
    """Write `text` (a traceback, Dagster's error chain) to $TLW_HOME/logs/<command>-<UTC time>.log."""
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = settings.logs_dir / f"{command}-{stamp}.log"
    path.write_text(text, encoding="utf-8")
    return path


def _refresh(args: argparse.Namespace, settings: Settings) -> int:
    from pipelines.refresh import DISK_FULL_MARKERS, run_refresh
    from pipelines.refresh_lock import RefreshBusy
    from pipelines.refresh_record import record_refresh
    from pipelines.warehouse import NoSpace, no_space_message

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
    log = write_log(settings, "refresh", outcome.log_text()) if outcome.failures else None
    for line in outcome.summary_lines(settings, log):
        print(line, file=sys.stderr if line.startswith(("error", "NOT published", "refused")) else sys.stdout)
    return outcome.exit_code


def _sql(args: argparse.Namespace, settings: Settings) -> int:
    import threading

    import duckdb

    from pipelines.lake import LakeError
    from pipelines.warehouse import read_only_connection

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


def dev_command(settings: Settings, port: int) -> tuple[Path, list[str]]:
    """Where `dagster dev` runs and its argv. It runs in DAGSTER_HOME, the folder of the dagster.yaml
    it uses: started beside the repository's dagster.yaml it would warn that that file "will not
    be used" (it is copied into DAGSTER_HOME, so it is used); the code comes from the repository."""
    from pipelines.defs.cli_run import write_instance_config

    write_instance_config(settings)
    dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
    return settings.dagster_home, [
        dagster, "dev", "-m", "pipelines.definitions", "-d", str(REPO_ROOT), "-p", str(port),
    ]


def _dev(args: argparse.Namespace, settings: Settings) -> int:
    folder, argv = dev_command(settings, args.port)
    print(f"tlw dev: Dagster UI on http://127.0.0.1:{args.port} (DAGSTER_HOME={folder})", file=sys.stderr, flush=True)
    os.chdir(folder)
    os.execve(argv[0], argv, {**os.environ, "DAGSTER_HOME": str(folder)})


def _status(args: argparse.Namespace, settings: Settings) -> int:
    from pipelines.status import run_status

    return run_status(settings)


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from pipelines.report import run_report

    return run_report(settings)


def _lake_maintain(args: argparse.Namespace, settings: Settings) -> int:
    from pipelines.lake import LakeError, maintain

    try:
        keep_days = settings.lake_keep_days if args.keep_days is None else args.keep_days
        steps = maintain(settings, keep_days=keep_days, file_grace_hours=args.file_grace_hours)
    except LakeError as exc:
        print(f"tlw lake maintain: {exc}", file=sys.stderr)
        return 2
    for label, count in steps:
        print(f"{label:<24} {count}")
    return 0


def settings_help(command: str | None = None) -> str:
    """The settings a command reads (all of them without a command), one per line, for --help."""
    rows = [f for f in declared() if command is None or command in f.metadata["used_by"]]
    width = max(len(f.metadata["env"]) for f in rows)
    lines = [
        f"  {f.metadata['env'].ljust(width)}  {f.metadata['doc']}"
        + (f" (default {f.metadata['default']})" if f.metadata["default"] and f.name != "home" else "")
        for f in rows
    ]
    return (
        "settings read (environment, else $TLW_HOME/tlw.toml, else tlw.toml in the repository; README, Configuration):\n"
        + "\n".join(lines)
    )


def _epilog(command: str | None) -> str:
    if command is None:
        codes = "\n".join(f"  {name}: {text}" for name, text in EXIT_CODES.items())
        return f"{settings_help()}\n\nexit codes:\n{codes}"
    return f"{settings_help(command)}\n\nexit codes: {EXIT_CODES[command]}"


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="tlw", description="Treasury Leverage Warehouse", epilog=_epilog(None), formatter_class=formatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=summary, epilog=_epilog(name), formatter_class=formatter)

    refresh = command("refresh", "refresh changed sources, run checks, publish tlw.duckdb")
    refresh.add_argument("--all", action="store_true", help="run every source even if nothing changed")
    refresh.add_argument("--full-history", action="store_true", help="re-request the full history of incremental APIs (implies --all)")
    refresh.add_argument("--wait", action="store_true", help="wait for a running refresh instead of exiting")
    refresh.set_defaults(handler=_refresh)
    sql = command("sql", "read-only SQL on the published warehouse")
    sql.add_argument("query")
    sql.add_argument("--timeout", type=float, help="stop the query after this many seconds (default TLW_SQL_TIMEOUT, 60)")
    sql.add_argument("--max-rows", type=int, help="print at most this many rows (default TLW_SQL_MAX_ROWS, 10000)")
    sql.set_defaults(handler=_sql)
    status = command("status", "freshness of every source from its newest observation, and the checks")
    status.set_defaults(handler=_status)
    report = command("report", "write the HTML report under $TLW_HOME/reports")
    report.set_defaults(handler=_report)
    dev = command("dev", "start the Dagster UI with schedules and sensors")
    dev.add_argument("--port", type=int, default=3000, help="UI port (default 3000; `make dev PORT=...`)")
    dev.set_defaults(handler=_dev)
    lake = command("lake", "the DuckLake lakehouse (TLW_LAKE_CATALOG, TLW_LAKE_DATA_PATH)")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        for line in exc.lines:
            print(f"tlw {args.command}: configuration: {line}", file=sys.stderr)
        return 2
    for name in unknown_variables(os.environ):
        print(f"tlw {args.command}: warning: {name} is not a tlw setting and is ignored (tlw --help lists them)", file=sys.stderr)
    import duckdb

    try:
        return args.handler(args, settings)
    except duckdb.Error as exc:
        locked = readers.lock_holder(exc)
        if locked is None:
            return _unexpected(args.command, settings, exc)
        print(f"tlw {args.command}: {locked}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the one place an unexpected error becomes one line
        return _unexpected(args.command, settings, exc)


def _unexpected(command: str, settings: Settings, exc: BaseException) -> int:
    log = write_log(settings, command, traceback.format_exc())
    first = (str(exc).splitlines() or [type(exc).__name__])[0]
    print(f"tlw {command}: {type(exc).__name__}: {first} (traceback in {log})", file=sys.stderr)
    return 2


def run() -> None:
    """The `tlw` command (and `python -m pipelines.cli`): main(), then exit without a last walk of
    the heap."""
    # A `tlw` command is one bounded job. In a refresh the cycle collector ran about 680 times
    # (0.6 s of a 6 s cold refresh) walking what Dagster allocates, to free almost nothing: with
    # it off, the peak memory of a cold refresh grew by 6 MB (435 to 442 MB), and at 100x the
    # data not at all (1,077 MB either way). Reference counting still frees everything acyclic.
    gc.disable()
    code = main()
    # Everything is closed and flushed by now; what is left is freed with the process. Python's
    # shutdown would first run the cycle collector over every object imported, which after a
    # Dagster run is about 0.9 s of a 7 s refresh (bench/refresh_bench.py). Frozen objects are
    # skipped by it. Neither is in main(), which tests call in-process.
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
