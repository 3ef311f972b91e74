"""One refresh: decide what changed, run those assets and everything downstream in Dagster, report.

`tlw refresh` and the tests call `run_refresh`. A refresh holds the refresh lock
(pipelines/refresh_lock.py) so two refreshes never write the working copy at once; the second one
exits with a clear message (or waits, when asked). Dagster is imported only when something runs
(pipelines/defs/cli_run.py): a refresh that finds nothing new answers in well under a second.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import skips, warehouse
from pipelines.catalog import ALL_SOURCES
from pipelines.config import Settings
from pipelines.ingest import Source
from pipelines.probe import changed_sources
from pipelines.recovery import free_space_for_refresh, recover_working_copy
from pipelines.refresh_lock import refresh_lock

# How DuckDB, SQLite and the OS say a write failed for want of space.
DISK_FULL_MARKERS = ("No space left on device", "database or disk is full")


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


def run_refresh(
    settings: Settings, *, everything: bool = False, wait: bool = False, full_history: bool = False
) -> RefreshOutcome:
    """`full_history` re-requests the incremental APIs' whole history in this run (run config of the
    staging step; TLW_FULL_HISTORY=1 does it for every run)."""
    started = time.monotonic()
    with refresh_lock(settings.home, wait=wait):
        notices, rebuilt = recover(settings, ALL_SOURCES)
        run_marker = _run_marker(settings)
        instance = None
        if run_marker.exists():
            # The last refresh died inside its Dagster run: mark that run failed now, even when
            # nothing is to run, so no scheduled run waits behind it.
            from pipelines.defs import cli_run

            instance = cli_run.dagster_instance(settings)
            notices += cli_run.sweep_dead_runs(settings, instance)
            run_marker.unlink()
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
        everything = everything or first_time or rebuilt
        if everything:
            # Every model is built, also those whose only sources are skipped (their staging
            # tables exist, empty or as last loaded), but the skipped sources do not run.
            selected = active
        else:
            selected, unreachable = changed_sources(settings, active)
            skipped.update(unreachable)
        outcome.selected_sources = [s.name for s in selected]
        if not selected:
            outcome.seconds = time.monotonic() - started
            return outcome
        from pipelines.defs import cli_run

        instance = instance or cli_run.dagster_instance(settings)
        run_marker.write_text(str(os.getpid()), encoding="utf-8")
        try:
            result = cli_run.run_selected(
                settings, instance, all_but=list(skipped) if everything else None,
                changed=outcome.selected_sources, full_history=full_history,
            )
        finally:
            run_marker.unlink()
        outcome.ran = True
        cli_run.read_events(result, outcome)
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


def _run_marker(settings: Settings) -> Path:
    """Present while a CLI refresh is inside its Dagster run: found by the next refresh, it says
    the last one died there, without opening Dagster's storage to find out."""
    return settings.dagster_home / "cli-run-in-progress"


def recover(settings: Settings, sources: list[Source]) -> tuple[list[str], bool]:
    """Repair what a killed or failed refresh left, before this one starts (under the refresh
    lock). Returns what was done, one line each, and whether the working copy was rebuilt. (The
    Dagster runs a killed refresh left are swept when this refresh starts its own run, and by the
    daemon: pipelines/defs/dead_runs.py.)"""
    notices = []
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
