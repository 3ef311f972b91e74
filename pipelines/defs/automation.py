"""Scheduled probes, the release sensor and the freshness policies, all from `pipelines.calendars`.

- One schedule per publisher calendar, `<calendar>_release` (e.g. `tic_release`), firing at the
  calendar's cron in the publisher's time zone. A tick launches a `probe_sources` run of the
  calendar's sources (pipelines/defs/probe_run.py: evaluations never touch the network); what
  it finds changed is refreshed with everything downstream, and nothing new -> no refresh. The
  first tick with no published warehouse refreshes all of the calendar's sources.
- `release_sensor`, every hour: a probe run of every source (TLW_SKIP_SOURCES excepted), unless
  one is still waiting; `launch_what_changed` then launches ONE run whose selection is exactly
  the changed staging assets and their downstream assets (core, marts, published_warehouse, and
  the checks on them); an unchanged source costs one request and yields no run. The same content
  is launched once (its run key is the content digest), even while its run is queued, running,
  or failed. A failed run is retried by the run-retry policy (dagster.yaml), by the next calendar
  tick, or by `tlw refresh`; new content relaunches at once.
- `dead_refresh_sweeper` (pipelines/defs/dead_runs.py), every minute: the runs of a killed
  `tlw refresh` marked failed, so nothing queues behind them.
- Freshness (Dagster `FreshnessPolicy.time_window`, counted from the last materialization, which
  only happens when a probe found something new): a source asset fails after its calendar's
  `stale_after` and warns after `warn_after`; reference data after a year (it changes with the
  code). A core or mart table, and `published_warehouse`, may be no older than its freshest input
  allows: the shortest `stale_after` among the sources upstream of it (reference data only when
  nothing else is upstream).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence

import dagster as dg

from pipelines import calendars
from pipelines.config import Settings
from pipelines.defs.probe_run import (
    CHANGED_TAG,
    CONTENT_TAG,
    LAUNCH_SENSOR,
    PROBE_JOB,
    RELEASE_TAGS,
    TICK_TAG,
    TRIGGER_TAG,
    probe_run_config,
)
from pipelines.ingest import Source
from pipelines.sql_files import models

RELEASE_SENSOR_NAME = "release_sensor"
RELEASE_SENSOR_INTERVAL_S = 3600
OWNER = "team:data-platform"
PUBLISHED = "published_warehouse"


def staging_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["staging", source])


# ---------------------------------------------------------------- freshness


def _policy(fail: timedelta, warn: timedelta) -> dg.FreshnessPolicy:
    return dg.FreshnessPolicy.time_window(fail_window=fail, warn_window=min(warn, fail - timedelta(hours=1)))


def source_freshness(source: str) -> dg.FreshnessPolicy:
    return _policy(calendars.stale_after(source), calendars.warn_after(source))


def upstream_sources() -> dict[str, set[str]]:
    """For each core and mart model (qualified name), the source names upstream of it."""
    found = {m.qualified: m for layer in ("core", "marts") for m in models(layer)}
    memo: dict[str, set[str]] = {}

    def sources_of(name: str) -> set[str]:
        if name.startswith("staging."):
            return {name.split(".", 1)[1]}
        if name not in memo:
            memo[name] = set()  # a cycle is reported by sql_files.models, not here
            model = found.get(name)
            memo[name] = set().union(*(sources_of(d) for d in model.depends_on)) if model else set()
        return memo[name]

    return {name: sources_of(name) for name in found}


def _freshest(sources: Iterable[str]) -> dg.FreshnessPolicy:
    """The policy of the input whose calendar allows the least age (reference data: a year)."""
    timed = [s for s in sources if calendars.calendar_for(s) is not None]
    if not timed:
        return _policy(calendars.REFERENCE_STALE_AFTER, calendars.warn_after("countries"))
    return _policy(min(calendars.stale_after(s) for s in timed), min(calendars.warn_after(s) for s in timed))


def freshness_policies(sources: Sequence[Source]) -> dict[str, dg.FreshnessPolicy]:
    """Keyed by source name, by model (`core.x`, `marts.y`), and `published_warehouse`."""
    policies: dict[str, dg.FreshnessPolicy] = {s.name: source_freshness(s.name) for s in sources}
    upstream = upstream_sources()
    for model, names in upstream.items():
        policies[model] = _freshest(names)
    policies[PUBLISHED] = _freshest([s.name for s in sources])
    return policies


# ---------------------------------------------------------------- selections


def downstream_of(
    source_names: Iterable[str], assets: Sequence[dg.AssetsDefinition]
) -> set[dg.AssetKey]:
    """The staging assets of these sources plus every asset downstream of them."""
    keys = [staging_key(n) for n in source_names]
    return set(dg.AssetSelection.assets(*keys).downstream().resolve(assets))


def checks_on(keys: set[dg.AssetKey], assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetCheckKey]:
    """The checks on these assets (each layer step carries the checks of its tables)."""
    return sorted(
        (ck for a in assets for ck in a.check_keys if ck.asset_key in keys),
        key=lambda ck: (ck.asset_key.to_user_string(), ck.name),
    )


def run_request(
    changed: Sequence[str],
    assets: Sequence[dg.AssetsDefinition],
    *,
    trigger: str,
    run_key: str | None = None,
    tags: dict[str, str] | None = None,
) -> dg.RunRequest:
    """The refresh run of the changed sources' staging assets plus everything downstream, with their checks."""
    selection = downstream_of(changed, assets)
    return dg.RunRequest(
        run_key=run_key,
        asset_selection=sorted(selection, key=lambda k: k.to_user_string()),
        asset_check_keys=checks_on(selection, assets),
        tags={TRIGGER_TAG: trigger, CHANGED_TAG: ",".join(changed), **(tags or {})},
    )


# ---------------------------------------------------------------- schedules


def _schedule(calendar: calendars.ReleaseCalendar, sources: list[Source], probe_job: dg.JobDefinition) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=f"{calendar.name}_release",
        cron_schedule=calendar.cron,
        execution_timezone=calendar.timezone,
        job=probe_job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=(
            f"{calendar.publisher}: {calendar.rule}. Launches a probe of {', '.join(s.name for s in sources)}; "
            "what changed is then refreshed with everything downstream; no refresh when nothing changed."
        ),
        tags={"tlw/calendar": calendar.name},
    )
    def _release(context: dg.ScheduleEvaluationContext):
        settings = Settings.from_env()  # reads the environment only: no network in an evaluation
        if not [s for s in sources if s.name not in settings.skip_sources]:
            return dg.SkipReason(f"{calendar.name}: every source is switched off by TLW_SKIP_SOURCES")
        when = context.scheduled_execution_time or datetime.now(timezone.utc)
        tick = f"{calendar.name}:{when.isoformat()}"
        return dg.RunRequest(
            run_key=tick,
            run_config=probe_run_config(calendar.name),
            tags={
                TRIGGER_TAG: f"schedule:{calendar.name}",
                TICK_TAG: tick,
                "tlw/last_expected_release": calendar.previous_release(when).isoformat(),
                "tlw/next_expected_release": calendar.next_release(when).isoformat(),
            },
        )

    return _release


def build_schedules(sources: Sequence[Source], probe_job: dg.JobDefinition) -> list[dg.ScheduleDefinition]:
    """One schedule per calendar that has at least one source defined."""
    by_name = {s.name: s for s in sources}
    out = []
    for calendar in calendars.CALENDARS:
        present = [by_name[n] for n in calendar.sources if n in by_name]
        if present:
            out.append(_schedule(calendar, present, probe_job))
    return out


# ---------------------------------------------------------------- release sensor

PROBE_IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def build_release_sensor(probe_job: dg.JobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name=RELEASE_SENSOR_NAME,
        minimum_interval_seconds=RELEASE_SENSOR_INTERVAL_S,
        job=probe_job,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "Every hour, launches a probe of every source (one conditional request per file); "
            f"{LAUNCH_SENSOR} then launches one refresh of exactly what changed plus everything downstream."
        ),
    )
    def release_sensor(context: dg.SensorEvaluationContext):
        waiting = context.instance.get_runs(filters=dg.RunsFilter(job_name=PROBE_JOB, statuses=PROBE_IN_FLIGHT), limit=1)
        if waiting:
            # Probes queued behind a long run would pile up hourly; one waiting is enough.
            return dg.SkipReason(f"probe run {waiting[0].run_id} has not finished yet")
        return dg.RunRequest(run_config=probe_run_config(), tags={TRIGGER_TAG: RELEASE_SENSOR_NAME})

    return release_sensor


# ---------------------------------------------------------------- launch sensor


def build_launch_sensor(probe_job: dg.JobDefinition, refresh_job, assets: Sequence[dg.AssetsDefinition]) -> dg.SensorDefinition:
    """When a probe run succeeds: the refresh of what it found changed (pipelines/defs/probe_run.py).
    `refresh_job` is `define_asset_job`'s job over every asset, subset by each run request."""

    @dg.run_status_sensor(
        name=LAUNCH_SENSOR,
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[probe_job],
        request_job=refresh_job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="When a probe_sources run succeeds: one refresh run of what it found changed plus everything downstream.",
    )
    def launch_what_changed(context: dg.RunStatusSensorContext):
        probe = context.dagster_run
        changed = [name for name in probe.tags.get(CHANGED_TAG, "").split(",") if name]
        if not changed:
            return dg.SkipReason(f"probe run {probe.run_id}: nothing new")
        content = probe.tags[CONTENT_TAG]
        tick = probe.tags.get(TICK_TAG)
        return run_request(
            changed,
            assets,
            trigger=probe.tags.get(TRIGGER_TAG, PROBE_JOB),
            run_key=f"schedule:{tick}" if tick else f"content:{content}",
            tags={CONTENT_TAG: content[:16], "tlw/probe_run": probe.run_id,
                  **{k: probe.tags[k] for k in RELEASE_TAGS if k in probe.tags}},
        )

    return launch_what_changed
