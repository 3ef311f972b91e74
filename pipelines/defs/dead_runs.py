"""Dagster runs of a killed `tlw refresh`, marked failed so nothing queues behind them for good.

`tlw refresh` runs its Dagster run in its own process (`dg.materialize`), not through a run
launcher, so the daemon's run monitoring cannot ask a worker for its health: killed with SIGKILL,
the run stays STARTED, and with `max_concurrent_runs: 1` every scheduled and sensor run would
queue behind it. Each CLI run is tagged with its host, `$TLW_HOME` and pid. A run so tagged that
is still STARTING or STARTED while the refresh lock of that home on that host can be taken has
no live process (the lock is held for a refresh's whole run and the kernel drops it at death), so
it is marked failed. Two places sweep: every `tlw refresh` before it starts its own run, and the
`dead_refresh_sweeper` sensor in the daemon, every `SWEEP_INTERVAL_S`.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import dagster as dg

from pipelines.config import Settings
from pipelines.refresh_lock import RefreshBusy, refresh_lock

CLI_TRIGGER_TAG = "tlw/trigger"
PID_TAG = "tlw/pid"
HOST_TAG = "tlw/host"
HOME_TAG = "tlw/home"
SWEEPER_NAME = "dead_refresh_sweeper"
# As often as the daemon's run monitoring polls (dagster.yaml run_monitoring.poll_interval_seconds).
SWEEP_INTERVAL_S = 60


def cli_run_tags(settings: Settings) -> dict[str, str]:
    """The tags a CLI refresh puts on its run: what the sweep needs to know the run is dead."""
    return {CLI_TRIGGER_TAG: "cli", PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), HOME_TAG: str(settings.home)}


def _unfinished_cli_runs(instance: dg.DagsterInstance, home: Path) -> list[dg.DagsterRun]:
    return list(
        instance.get_runs(
            filters=dg.RunsFilter(
                statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
                tags={CLI_TRIGGER_TAG: "cli", HOST_TAG: socket.gethostname(), HOME_TAG: str(home)},
            )
        )
    )


def mark_dead_cli_runs_failed(instance: dg.DagsterInstance, home: Path, *, by: str) -> list[str]:
    """Mark failed the unfinished CLI runs of `home` on this host. Call holding its refresh lock
    (the caller's own run, if any, has not started yet). Returns their run ids."""
    runs = _unfinished_cli_runs(instance, home)
    for run in runs:
        instance.report_run_failed(
            run, message=f"tlw refresh (pid {run.tags.get(PID_TAG, 'unknown')}) died before the run ended; marked failed by {by}"
        )
    return [run.run_id for run in runs]


def build_dead_run_sweeper() -> dg.SensorDefinition:
    @dg.sensor(
        name=SWEEPER_NAME,
        minimum_interval_seconds=SWEEP_INTERVAL_S,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "Marks failed the Dagster runs of a killed tlw refresh (STARTED, but no process holds the "
            "refresh lock), so scheduled and sensor runs do not queue behind them. No network, no run."
        ),
    )
    def dead_refresh_sweeper(context: dg.SensorEvaluationContext):
        home = Settings.from_env().home
        if not _unfinished_cli_runs(context.instance, home):
            return dg.SkipReason("no unfinished tlw refresh run")
        try:
            with refresh_lock(home, holder=SWEEPER_NAME):
                dead = mark_dead_cli_runs_failed(context.instance, home, by=f"the {SWEEPER_NAME} sensor")
        except RefreshBusy:
            return dg.SkipReason("a tlw refresh is running: its run is alive")
        context.log.warning(f"marked failed {len(dead)} run(s) of a killed tlw refresh: {', '.join(dead)}")
        return dg.SkipReason(f"marked failed {len(dead)} run(s) of a killed tlw refresh: {', '.join(dead)}")

    return dead_refresh_sweeper
