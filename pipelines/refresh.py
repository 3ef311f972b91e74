"""One refresh: decide what changed, run those assets and everything downstream in Dagster, report.

`tlw refresh` and the tests call `run_refresh`. A refresh holds an exclusive lock on
`$TLW_HOME/.refresh.lock` so two refreshes never write the working copy at once; the second one
exits with a clear message (or waits, when asked).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import dagster as dg

from pipelines import skips, warehouse
from pipelines.catalog import ALL_SOURCES
from pipelines.config import REPO_ROOT, Settings
from pipelines.defs.factory import error_lines, failed_assets, own_error
from pipelines.ingest import Source
from pipelines.probe import changed_sources
from pipelines.recovery import (
    CLI_TRIGGER_TAG,
    PID_TAG,
    free_space_for_refresh,
    mark_dead_cli_runs_failed,
    recover_working_copy,
)

# How DuckDB, SQLite and the OS say a write failed for want of space.
DISK_FULL_MARKERS = ("No space left on device", "database or disk is full")


class RefreshBusy(RuntimeError):
    pass


@dataclass
class RefreshOutcome:
    ran: bool
    success: bool
    selected_sources: list[str] = field(default_factory=list)
    skipped_sources: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    # The whole error chain of each failed step (Dagster's and ours), for the log file.
    failure_details: list[str] = field(default_factory=list)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)  # (name, passed, severity)
    materialized: list[str] = field(default_factory=list)
    # What the refresh repaired before it started (a rebuilt working copy, dead runs, stale
    # exports) and tables the publish let shrink because their source did: said in the summary.
    notices: list[str] = field(default_factory=list)
    shrunk: list[str] = field(default_factory=list)
    # What the publish recorded in meta.publish_log: the one check count everyone repeats.
    published: dict = field(default_factory=dict)
    refused: str | None = None
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 0 if self.success else 1

    def log_text(self) -> str:
        return "\n\n".join(self.failure_details or self.failures) + "\n"

    def summary_lines(self, settings: Settings, log: Path | None) -> list[str]:
        """What ran, what was skipped (URLs whole), the checks, the errors and the verdict."""
        lines = [f"recovered {notice}" for notice in self.notices]
        for name, why in self.skipped_sources.items():
            head, _, urls = why.partition(": ") if why.startswith(skips.NOT_IN_MIRROR) else (why, "", "")
            lines.append(f"skipped  {name}: {head}")
            lines += [f"           {url}" for url in urls.split(", ") if url]  # whole, one per line
        if self.refused:
            kept = f"{settings.published_db} unchanged" if settings.published_db.exists() else f"no {settings.published_db} created"
            return [*lines, f"refused  {self.refused}; nothing published, {kept}"]
        if not self.ran:
            return [*lines, f"nothing changed; nothing run ({self.seconds:.1f} s)"]
        ran = [s for s in self.selected_sources if s not in self.skipped_sources]
        lines.insert(len(self.notices), f"ran      {', '.join(ran) if ran else '(no source)'}")
        if self.published:
            lines.append(f"checks   {warehouse.checks_line(self.published['checks_passed'], self.published['checks_run'])}")
        else:
            passed = sum(1 for _, ok, _ in self.checks if ok)
            ran_checks = f"{passed}/{len(self.checks)} run in this refresh passed" if self.checks else "none run"
            lines.append(f"checks   {ran_checks}; nothing published, so no count recorded")
        for name, ok, severity in self.checks:
            if not ok:
                lines.append(f"  {'FAILED' if severity == 'ERROR' else 'warning'}  {name}")
        where = f" (details: {log})" if log else ""
        lines += [f"error    {failure}{where}" for failure in self.failures]
        lines += [f"shrunk   {shrink}" for shrink in self.shrunk]
        if self.success:
            also = " and a lake snapshot (TLW_LAKE_CATALOG)" if settings.lake_catalog else ""
            lines.append(f"published {settings.published_db}{also} in {self.seconds:.1f} s")
        else:
            lines.append(f"NOT published: the last good warehouse at {settings.published_db} is unchanged ({self.seconds:.1f} s)")
        return lines


@contextmanager
def refresh_lock(settings: Settings, wait: bool = False) -> Iterator[None]:
    settings.home.mkdir(parents=True, exist_ok=True)
    path = settings.home / ".refresh.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RefreshBusy(f"another refresh is running on {settings.home} ({holder}); try again when it ends, or use --wait") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S%z')}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Added to dagster.yaml when TLW_DAGSTER_PG_URL is set. Dagster reads the URL from the environment
# of each process (daemon, webserver, run workers), so it is never written to a file.
POSTGRES_STORAGE = """
# Added by `tlw` because TLW_DAGSTER_PG_URL is set: run, event-log and schedule storage in PostgreSQL.
storage:
  postgres:
    postgres_url:
      env: TLW_DAGSTER_PG_URL
"""


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    """The Dagster instance under $TLW_HOME/dagster, configured by the repository's dagster.yaml
    (plus PostgreSQL storage with TLW_DAGSTER_PG_URL; otherwise SQLite files under it)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = (REPO_ROOT / "dagster.yaml").read_text(encoding="utf-8")
    if settings.dagster_pg_url:
        config += POSTGRES_STORAGE
    partial = home / ".dagster.yaml.partial"
    partial.write_text(config, encoding="utf-8")
    os.replace(partial, home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()


def run_refresh(
    settings: Settings, *, everything: bool = False, wait: bool = False, full_history: bool = False
) -> RefreshOutcome:
    """`full_history` re-requests the incremental APIs' whole history in this run (run config of the
    staging step; TLW_FULL_HISTORY=1 does it for every run)."""
    started = time.monotonic()
    with refresh_lock(settings, wait=wait):
        instance = dagster_instance(settings)
        notices, rebuilt = recover(settings, instance, ALL_SOURCES)
        skipped = skips.skipped_sources(settings, ALL_SOURCES)
        active = [s for s in ALL_SOURCES if s.name not in skipped]
        first_time = not settings.published_db.exists() or not settings.build_db.exists()
        outcome = RefreshOutcome(ran=False, success=True, skipped_sources=skipped, notices=notices)
        if not skips.fetched_sources(active):
            # A first publish would hold reference data only and look complete; a later refresh
            # would do nothing and say so with exit 0. Either way the setup is wrong: say it.
            outcome.success = False
            outcome.refused = "every source was skipped (listed above), so there is nothing to refresh"
            return outcome
        if everything or first_time or rebuilt:
            selected = active
            # Every model is built, also those whose only sources are skipped (their staging
            # tables exist, empty or as last loaded), but the skipped sources do not run.
            selection = dg.AssetSelection.all() - dg.AssetSelection.assets(*(_key(n) for n in skipped))
        else:
            selected, unreachable = changed_sources(settings, active)
            skipped.update(unreachable)
            selection = dg.AssetSelection.assets(*(_key(s.name) for s in selected)).downstream()
        outcome.selected_sources = [s.name for s in selected]
        if not selected:
            outcome.seconds = time.monotonic() - started
            return outcome
        # Built only when something runs: building the definitions is most of a no-op refresh's time.
        from pipelines.definitions import defs

        result = dg.materialize(
            list(defs.assets),
            selection=selection,
            instance=instance,
            raise_on_error=False,
            tags={CLI_TRIGGER_TAG: "cli", PID_TAG: str(os.getpid())},
            # Dagster's own log lines (and the tracebacks of failed steps) would bury the summary:
            # the summary names each failure in one line and the log file holds the details.
            run_config={
                "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
                "ops": {"staging": {"config": {"full_history": full_history}}},
            },
        )
        outcome.ran = True
        _read_events(result, outcome)
        from pipelines import warehouse

        for failure in outcome.failures:
            # The disk filled during the run (a staging load, Dagster's storage, the publish copy):
            # the one cause worth saying, in the same line as the check before the run.
            if warehouse.NO_SPACE in failure:
                raise warehouse.NoSpace(failure[failure.index(warehouse.NO_SPACE):])
            if any(marker in failure for marker in DISK_FULL_MARKERS):
                needed = settings.build_db.stat().st_size if settings.build_db.exists() else 0
                raise warehouse.NoSpace(warehouse.no_space_message(settings.home, shutil.disk_usage(settings.home).free, needed))
        outcome.success = result.success and not outcome.failures and "published_warehouse" in outcome.materialized
        outcome.seconds = time.monotonic() - started
        return outcome


def recover(settings: Settings, instance: dg.DagsterInstance, sources: list[Source]) -> tuple[list[str], bool]:
    """Repair what a killed or failed refresh left, before this one starts (under the refresh
    lock). Returns what was done, one line each, and whether the working copy was rebuilt."""
    from pipelines import warehouse

    notices = []
    dead = mark_dead_cli_runs_failed(instance)
    if dead:
        notices.append(f"{len(dead)} Dagster run(s) of a killed tlw refresh marked failed: {', '.join(dead)}")
    with warehouse.writer_lock(settings):
        removed = warehouse.remove_stale_temporaries(settings)
    if removed:
        notices.append(f"removed {len(removed)} temporary file(s) a failed publish left: {', '.join(p.name for p in removed)}")
    rebuilt = recover_working_copy(settings, sources)
    if rebuilt:
        notices.append(rebuilt.describe())
    free_space_for_refresh(settings)
    stale = warehouse.repair_exports(settings)
    if stale:
        notices.append(f"exports were stale ({stale}): rebuilt from {settings.published_db}")
    return notices, rebuilt is not None


def _key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["staging", source])


def _read_events(result: dg.ExecuteInProcessResult, outcome: RefreshOutcome) -> None:
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.event_specific_data.error
            outcome.failures.extend(_failures(event.step_key, error))
            outcome.failure_details.append(f"step {event.step_key}:\n{error.to_string()}")
        elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            outcome.materialized.append(event.asset_key.to_user_string())
            metadata = event.event_specific_data.materialization.metadata
            shrunk = metadata.get("shrunk")
            if shrunk is not None:
                outcome.shrunk = list(shrunk.value)
            skipped = metadata.get("skipped")
            if skipped is not None:
                outcome.skipped_sources[event.asset_key.path[-1]] = skipped.value
            if event.asset_key == dg.AssetKey("published_warehouse"):
                outcome.published = {k: v.value for k, v in metadata.items()}
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            outcome.checks.append((evaluation.check_name, evaluation.passed, evaluation.severity.value))
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                outcome.failures.append(
                    f"blocking check {evaluation.check_name} failed on {evaluation.asset_key.to_user_string()}"
                    + _first_problem(evaluation.metadata)
                )


def _first_problem(metadata: dict) -> str:
    """`: <problem> (and N more)` from a failed check's sample, so the summary names the cells."""
    sample = metadata.get("sample")
    violations = metadata.get("violations")
    rows = sample.value if sample is not None and isinstance(sample.value, list) else []
    if not rows or "problem" not in rows[0]:
        return ""
    more = (violations.value - 1) if violations is not None else len(rows) - 1
    return f": {rows[0]['problem']}" + (f" (and {more} more)" if more > 0 else "")


def _failures(step_key: str, error) -> list[str]:
    """One line per failed asset of a failed step (`<asset key>: <first line of its error>`).

    A step failed by a blocking check adds nothing: the check's own evaluation already says which
    check failed on which table. Any other error (a publish refused) is one line, its first.
    """
    if error.cls_name == "DagsterAssetCheckFailedError":
        return []
    per_asset = failed_assets(error)
    if per_asset:
        return [f"{key}: {message}" for key, message in per_asset.items()]
    lines = error_lines(own_error(error))
    return [f"{step_key}: {lines[0] if lines else own_error(error).cls_name}"]
