"""`tlw status`: how fresh each source's data is, whether the checks pass, when the warehouse was published.

One line per source:

    source  state  newest observation  expected  last fetch  next release

- newest observation: the newest month or date the published `staging.<source>` table holds
  (`LATEST_HELD` below; FRED: its daily series), or the row count for reference data.
- expected: the newest observation the publisher's latest release carries by its calendar
  (`ReleaseCalendar.expected_newest`: TIC the month before last after the mid-month release, MOF
  reserves last month after the 5th Tokyo business day, daily series the last business day).
- last fetch: the last successful fetch (raw archive index: outcome new, unchanged or not_modified);
  for reference data kept in code, when its current content was loaded (meta.load_log).
- next release: the publisher's next expected release (`pipelines.calendars`), in its time zone.
- state, in this order of precedence:
  `skipped (why)`  switched off by TLW_SKIP_SOURCES, or not in the directory mirror
                   (`pipelines.skips`, the same answer `tlw refresh` acts on); not counted;
  `never`    nothing fetched or loaded yet;
  `failing`  the last fetch was rejected (an HTML page, a body over the limit) after the last good
             one, or the source's last Dagster step failed after its last materialization, or a
             reference register no longer validates;
  `stale`    the newest observation is older than expected; for event data without an expected
             date (interventions, Federal Register) no new content within the calendar's
             `stale_after`; reference data: the code holds content the published warehouse lacks;
  `fresh`    otherwise.

Then the checks: every SQL check under sql/checks is re-run, read-only, on the published file
(`warehouse.run_check`). That was chosen over reading Dagster's last check evaluations because it
says what the published warehouse holds now, needs no Dagster instance, and cannot disagree with
the file readers open. A failing warning check is listed but does not fail the status. Last, the
last publish time and its check count (meta.publish_log).

Exit code: 0 when every source is fresh (or skipped) and no blocking check fails; 1 when anything is
stale, failing or never fetched, or a blocking check fails or cannot run; 2 when it cannot tell (no
published warehouse, or another process holds it for writing: `pipelines.readers`).
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TextIO
from zoneinfo import ZoneInfo

import duckdb

from pipelines import calendars, skips, warehouse
from pipelines.config import Settings
from pipelines.ingest import SeedSource, Source
from pipelines.raw_archive import ArchiveRecord, RawArchive
from pipelines.refresh_record import last_refresh
from pipelines.sql_files import checks

# The latest reference period each staging table holds, as a SQL expression over it.
LATEST_HELD: dict[str, str] = {
    "tic_mfh_history": "max(ref_month)",
    "tic_table5": "max(ref_month)",
    "tic_table3": "max(ref_month)",
    "mof_reserves": "max(ref_month)",
    # The last intervention day, or the last quarter MOF printed a total for, whichever is later.
    "mof_interventions": "greatest(max(intervention_date), max(quarter_start))",
    # The daily series: they are what a release brings every business day.
    "fred": "max(obs_date) FILTER (WHERE value IS NOT NULL AND series_id IN "
            "(SELECT series_id FROM staging.fred_series WHERE frequency = 'daily'))",
    "debt_to_penny": "max(record_date)",
    "mspd": "max(record_date)",
    "mof_weekly_securities": "max(week_end)",
    "federal_register": "max(publication_date)",
}
GOOD_OUTCOMES = ("new", "unchanged", "not_modified")
PROBLEM_STATES = ("never", "failing", "stale")


@dataclass
class SourceStatus:
    name: str
    state: str
    last_fetch: datetime | None
    last_change: datetime | None
    latest_held: str
    next_release: datetime | None
    why: str = ""
    expected: date | None = None

    @property
    def state_cell(self) -> str:
        """`skipped (why)` with a short why (the URLs a mirror lacks are on the detail line)."""
        if self.state != "skipped":
            return self.state
        return f"skipped ({skips.short_reason(self.why)})"


def _parse(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _local(moment: datetime | None, zone: str | None) -> str:
    if moment is None:
        return "-"
    local = moment.astimezone(ZoneInfo(zone)) if zone else moment
    return local.strftime("%Y-%m-%d %H:%M %Z")


def _age(now: datetime, since: datetime) -> str:
    days = (now - since).total_seconds() / 86400
    return f"{days:.0f} days" if days >= 2 else f"{days * 24:.0f} hours"


def _latest_held(con: duckdb.DuckDBPyConnection, source: Source) -> str:
    expression = LATEST_HELD.get(source.name)
    try:
        if expression is None:
            rows = con.execute(f"SELECT count(*) FROM staging.{source.name}").fetchone()[0]
            return f"{rows} rows"
        value = con.execute(f"SELECT {expression} FROM staging.{source.name}").fetchone()[0]
        return str(value) if value is not None else "-"
    except duckdb.Error:
        return "-"


def _loaded_at(con: duckdb.DuckDBPyConnection, source: str) -> datetime | None:
    try:
        row = con.execute("SELECT max(fetched_at) FROM meta.load_log WHERE source = ?", [source]).fetchone()
    except duckdb.Error:
        return None
    value = row[0] if row else None
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def dagster_step_failures(settings: Settings) -> dict[str, tuple[int, float]]:
    """Staging assets whose last Dagster step failed after their last materialization.

    Returns {source: (storage id, timestamp)} from the instance under $TLW_HOME/dagster, or {}
    when there is no instance (status never needs one).
    """
    home = settings.dagster_home
    if not (home / "dagster.yaml").exists():
        return {}
    try:
        import dagster as dg

        from pipelines.defs.cli_run import dagster_instance
        from pipelines.defs.factory import failed_assets

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Through tlw's own opening, which writes dagster.yaml for this home first: a copied
            # home's file still names the history of the one it was copied from.
            with dagster_instance(settings) as instance:
                records = instance.get_event_records(
                    dg.EventRecordsFilter(event_type=dg.DagsterEventType.STEP_FAILURE), limit=500, ascending=False
                )
                latest: dict[str, tuple[int, float]] = {}
                for record in records:
                    entry = record.event_log_entry
                    # The staging step loads every source; its error names each one that failed.
                    for key in failed_assets(entry.dagster_event.event_specific_data.error):
                        if key.startswith("staging/"):
                            name = key.removeprefix("staging/")
                            if entry.timestamp > latest.get(name, (0, 0.0))[1]:
                                latest[name] = (record.storage_id, entry.timestamp)
                if not latest:
                    return {}
                keys = [dg.AssetKey(["staging", name]) for name in latest]
                # Timestamps, not storage ids: SQLite storage numbers events per run.
                materialized = {
                    r.asset_entry.asset_key.path[-1]: r.asset_entry.last_materialization_record.timestamp
                    for r in instance.get_asset_records(keys)
                    if r.asset_entry.last_materialization_record is not None
                }
        return {name: failure for name, failure in latest.items() if failure[1] > materialized.get(name, 0.0)}
    except Exception:  # noqa: BLE001 - a damaged or foreign instance must not break `tlw status`
        return {}


def source_status(
    settings: Settings,
    source: Source,
    records: list[ArchiveRecord],
    con: duckdb.DuckDBPyConnection,
    skipped: dict[str, str],
    now: datetime,
    step_failures: dict[str, tuple[int, float]],
) -> SourceStatus:
    calendar = calendars.calendar_for(source.name)
    next_release = calendar.next_release(now) if calendar else None
    held = _latest_held(con, source)
    if isinstance(source, SeedSource):
        loaded = _loaded_at(con, source.name)
        status = SourceStatus(source.name, "fresh", loaded, loaded, held, next_release)
    else:
        mine = [r for r in records if r.source == source.name]
        good = [_parse(r.fetched_at) for r in mine if r.outcome in GOOD_OUTCOMES]
        new = [_parse(r.fetched_at) for r in mine if r.outcome == "new"]
        rejected = [r for r in mine if r.outcome == "rejected"]
        status = SourceStatus(source.name, "fresh", max(good, default=None), max(new, default=None), held, next_release)
        status.expected = calendar.expected_newest(now) if calendar else None
        if rejected and (status.last_fetch is None or _parse(rejected[-1].fetched_at) > status.last_fetch):
            status.state = "failing"
            status.why = f"last fetch rejected at {_utc(_parse(rejected[-1].fetched_at))} UTC: {rejected[-1].note}"
    if source.name in skipped:
        status.state, status.why = "skipped", skipped[source.name]
        return status
    if status.state == "failing":
        return status
    if source.name in step_failures:
        status.state = "failing"
        status.why = f"its last Dagster step failed at {_utc(datetime.fromtimestamp(step_failures[source.name][1], timezone.utc))} UTC"
        return status
    if status.last_fetch is None:
        status.state, status.why = "never", "nothing fetched or loaded yet: run `tlw refresh`"
        return status
    if isinstance(source, SeedSource):
        try:
            digest = source._content(settings)[1]
        except Exception as exc:  # noqa: BLE001 - any error loading reference data is reported as failing
            status.state, status.why = "failing", f"the reference data in the code does not load: {exc}"
            return status
        if not warehouse.is_loaded(con, source.name, digest):
            status.state, status.why = "stale", "the code holds reference data the published warehouse lacks: run `tlw refresh`"
        return status
    if status.expected is not None:
        newest = _as_date(held)
        if newest is None or newest < status.expected:
            status.state = "stale"
            status.why = (
                f"newest observation {held}, expected {status.expected} or later "
                f"({calendar.publisher}: {calendar.newest_rule}; latest release {_local(calendar.previous_release(now), calendar.timezone)})"
            )
    elif calendar is not None:
        since = status.last_change or status.last_fetch
        if now - since > calendar.stale_after:
            status.state = "stale"
            status.why = (
                f"no new content for {_age(now, since)} (allowed: {calendar.stale_after.days} days; "
                f"publisher: {calendar.rule})"
            )
    return status


def _as_date(held: str) -> date | None:
    try:
        return date.fromisoformat(held[:10])
    except ValueError:
        return None


def run_status(settings: Settings, now: datetime | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    if not settings.published_db.exists():
        print(f"tlw status: no published warehouse at {settings.published_db}: run `tlw refresh` (or `make refresh`) first", file=out)
        return 2
    from pipelines.catalog import ALL_SOURCES

    records = RawArchive(settings.raw_dir).records()
    step_failures = dagster_step_failures(settings)
    skipped = skips.skipped_sources(settings, ALL_SOURCES)
    with warehouse.read_only_connection(settings) as con:
        statuses = [source_status(settings, s, records, con, skipped, now, step_failures) for s in ALL_SOURCES]
        check_lines, blocking_problems, passed, check_total = _checks(con)
        publish = _last_publish(con)

    print(f"tlw status at {_utc(now)} UTC, warehouse {settings.published_db}", file=out)
    header = ("source", "state", "newest observation", "expected", "last fetch (UTC)", "next expected release")
    rows = []
    for s in statuses:
        calendar = calendars.calendar_for(s.name)
        rows.append((
            s.name,
            s.state_cell,
            s.latest_held,
            str(s.expected) if s.expected else ("-" if calendar else "- (reference data)"),
            _utc(s.last_fetch),
            _local(s.next_release, calendar.timezone) if calendar and s.next_release else "-",
        ))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(), file=out)
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip(), file=out)
    for s in statuses:
        if s.why:
            print(f"  {s.name}: {s.state}: {s.why}", file=out)

    print(f"checks (re-run read-only on the published warehouse): {warehouse.checks_line(passed, check_total)}", file=out)
    for line in check_lines:
        print(f"  {line}", file=out)
    if publish:
        moment, version, published_passed, published_run = publish
        count = warehouse.checks_line(published_passed, published_run) if published_run is not None else f"{published_passed} blocking passed"
        print(f"last publish: {_utc(moment)} UTC, code {version}, checks {count}", file=out)
    else:
        print("last publish: none recorded in meta.publish_log", file=out)
    refresh_failed = _print_last_refresh(settings, out)
    source_problems = sum(1 for s in statuses if s.state in PROBLEM_STATES)
    code = 1 if source_problems or blocking_problems or refresh_failed else 0
    fresh = sum(1 for s in statuses if s.state == "fresh")
    print(f"{fresh} fresh, {source_problems} stale/failing/never, {sum(1 for s in statuses if s.state == 'skipped')} skipped, "
          f"{blocking_problems} blocking check(s) failing; exit {code}", file=out)
    return code



def _print_last_refresh(settings: Settings, out: TextIO) -> bool:
    """Say how the last `tlw refresh` ended; True when it failed (the published warehouse is then
    older than what that refresh set out to publish, whatever the sources' dates say)."""
    record = last_refresh(settings)
    if record is None:
        return False
    if record.get("success"):
        print(f"last refresh: succeeded at {record.get('finished_at')}", file=out)
        return False
    failures = record.get("failures") or ["no reason recorded"]
    print(f"last refresh: FAILED at {record.get('finished_at')}: {failures[0]}", file=out)
    return True


def _checks(con: duckdb.DuckDBPyConnection) -> tuple[list[str], int, int, int]:
    """Lines for each check that did not pass, blocking ones that failed, checks passed, checks run."""
    lines: list[str] = []
    blocking_problems = passed = 0
    defined = checks()
    for check in defined:
        kind = "blocking" if check.blocking else "warning, not blocking"
        try:
            outcome = warehouse.run_check(con, check, sample_size=1)
        except duckdb.Error as exc:
            blocking_problems += check.blocking
            lines.append(f"ERROR    {check.name} ({kind}): could not run: {str(exc).splitlines()[0]}")
            continue
        if outcome.passed:
            passed += 1
            continue
        blocking_problems += check.blocking
        label = "FAILED " if check.blocking else "warning"
        lines.append(f"{label}  {check.name} ({kind}): {outcome.violations} rows, e.g. {outcome.sample[:1]}")
    return lines, blocking_problems, passed, len(defined)


def _last_publish(con: duckdb.DuckDBPyConnection) -> tuple[datetime, str, int, int | None] | None:
    try:
        cursor = con.execute("SELECT * FROM meta.publish_log ORDER BY published_at DESC LIMIT 1")
        row = cursor.fetchone()
    except duckdb.Error:
        return None
    if not row:
        return None
    entry = dict(zip((d[0] for d in cursor.description), row))
    moment = entry["published_at"] if entry["published_at"].tzinfo else entry["published_at"].replace(tzinfo=timezone.utc)
    # checks_run: absent from warehouses published before it was recorded.
    return moment, entry["code_version"], entry["checks_passed"], entry.get("checks_run")
