"""Scheduled refreshes, the release sensor and the freshness policies, all from `pipelines.calendars`.

- One schedule per publisher calendar, `<calendar>_release` (e.g. `tic_release`), firing at the
  calendar's cron in the publisher's time zone. A tick probes the calendar's sources against the
  published warehouse (one conditional request per file, `pipelines.probe.changed_sources`) and launches
  the changed staging assets plus everything downstream of them; nothing new -> SkipReason.
  The first tick with no published warehouse launches all of the calendar's sources.
- `release_sensor`, every hour: the same probe for every source (TLW_SKIP_SOURCES excepted). It
  launches ONE run whose selection is exactly the changed staging assets and their downstream
  assets (core, marts, published_warehouse, and the checks on them); an unchanged source costs
  one request and yields no run. Its cursor is a digest of the changed content (the raw archive
  sha256 of each body the probe saw, the content digest for reference data kept in code), so the
  same content is launched once, not every tick, even while its run is queued, running, or
  failed. A failed run is retried by the run-retry policy (dagster.yaml), by the next calendar
  tick, or by `tlw refresh`; new content relaunches at once.
- Freshness (Dagster `FreshnessPolicy.time_window`, counted from the last materialization, which
  only happens when a probe found something new): a source asset fails after its calendar's
  `stale_after` and warns after `warn_after`; reference data after a year (it changes with the
  code). A core or mart table, and `published_warehouse`, may be no older than its freshest input
  allows: the shortest `stale_after` among the sources upstream of it (reference data only when
  nothing else is upstream).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence

import dagster as dg

from pipelines import calendars
from pipelines.config import Settings
from pipelines.ingest import SeedSource, Source
from pipelines.probe import changed_sources
from pipelines.raw_archive import RawArchive
from pipelines.sql_files import models

RELEASE_SENSOR_NAME = "release_sensor"
RELEASE_SENSOR_INTERVAL_S = 3600
IDLE_CURSOR = "idle"  # nothing waiting to be published
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


def _run_request(
    changed: Sequence[Source],
    assets: Sequence[dg.AssetsDefinition],
    *,
    trigger: str,
    run_key: str | None = None,
    tags: dict[str, str] | None = None,
) -> dg.RunRequest:
    selection = downstream_of([s.name for s in changed], assets)
    return dg.RunRequest(
        run_key=run_key,
        asset_selection=sorted(selection, key=lambda k: k.to_user_string()),
        asset_check_keys=checks_on(selection, assets),
        tags={"tlw/trigger": trigger, "tlw/changed": ",".join(s.name for s in changed), **(tags or {})},
    )


# ---------------------------------------------------------------- schedules


def _schedule(
    calendar: calendars.ReleaseCalendar,
    sources: list[Source],
    assets: Sequence[dg.AssetsDefinition],
) -> dg.ScheduleDefinition:
    selection = dg.AssetSelection.assets(*(staging_key(s.name) for s in sources)).downstream()

    @dg.schedule(
        name=f"{calendar.name}_release",
        cron_schedule=calendar.cron,
        execution_timezone=calendar.timezone,
        target=selection,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=(
            f"{calendar.publisher}: {calendar.rule}. Probes {', '.join(s.name for s in sources)} and refreshes "
            "what changed plus everything downstream; no run when nothing changed."
        ),
        tags={"tlw/calendar": calendar.name},
    )
    def _release(context: dg.ScheduleEvaluationContext):
        settings = Settings.from_env()
        active = [s for s in sources if s.name not in settings.skip_sources]
        if not active:
            return dg.SkipReason(f"{calendar.name}: every source is switched off by TLW_SKIP_SOURCES")
        changed, unreachable = changed_sources(settings, active)
        if not changed:
            why = f"; not asked: {', '.join(sorted(unreachable))}" if unreachable else ""
            return dg.SkipReason(f"{calendar.name}: nothing new since the published warehouse{why}")
        when = context.scheduled_execution_time or datetime.now(timezone.utc)
        return _run_request(
            changed,
            assets,
            trigger=f"schedule:{calendar.name}",
            run_key=f"{calendar.name}:{when.isoformat()}",
            tags={
                "tlw/last_expected_release": calendar.previous_release(when).isoformat(),
                "tlw/next_expected_release": calendar.next_release(when).isoformat(),
            },
        )

    return _release


def build_schedules(
    sources: Sequence[Source],
    assets: Sequence[dg.AssetsDefinition],
) -> list[dg.ScheduleDefinition]:
    """One schedule per calendar that has at least one source defined."""
    by_name = {s.name: s for s in sources}
    out = []
    for calendar in calendars.CALENDARS:
        present = [by_name[n] for n in calendar.sources if n in by_name]
        if present:
            out.append(_schedule(calendar, present, assets))
    return out


# ---------------------------------------------------------------- release sensor


def _index_size(settings: Settings) -> int:
    index = RawArchive(settings.raw_dir).index_path
    return index.stat().st_size if index.exists() else 0


def _records_since(settings: Settings, offset: int) -> list[dict]:
    """The raw archive index lines appended after byte `offset` (what the probe just fetched)."""
    index = RawArchive(settings.raw_dir).index_path
    if not index.exists():
        return []
    with open(index, "rb") as handle:
        handle.seek(offset)
        tail = handle.read().decode("utf-8", errors="replace")
    out = []
    for line in tail.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def content_fingerprint(changed: Sequence[Source], probed: list[dict]) -> str:
    """sha256 over what the probe saw of each changed source: body sha256 per URL, or the seed digest."""
    parts: dict[str, object] = {}
    for source in changed:
        if isinstance(source, SeedSource):
            try:
                parts[source.name] = source._content()[1]
            except Exception as exc:  # noqa: BLE001 - a register that does not validate: the run will fail on it
                parts[source.name] = f"unreadable: {exc}"
            continue
        latest = {r["url"]: r["sha256"] for r in probed if r.get("source") == source.name}
        parts[source.name] = sorted(latest.items()) or "no body (probe failed or nothing published yet)"
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def build_release_sensor(
    sources: Sequence[Source],
    assets: Sequence[dg.AssetsDefinition],
) -> dg.SensorDefinition:
    @dg.sensor(
        name=RELEASE_SENSOR_NAME,
        minimum_interval_seconds=RELEASE_SENSOR_INTERVAL_S,
        target=dg.AssetSelection.all(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "Probes every source (one conditional request per file) against the published warehouse and "
            "launches one run of exactly the changed staging assets plus everything downstream; "
            "the same content is launched once (cursor = digest of the changed content)."
        ),
    )
    def release_sensor(context: dg.SensorEvaluationContext):
        settings = Settings.from_env()
        active = [s for s in sources if s.name not in settings.skip_sources]
        offset = _index_size(settings)
        changed, unreachable = changed_sources(settings, active)
        if not changed:
            why = f" (not asked: {', '.join(sorted(unreachable))})" if unreachable else ""
            # Cleared: content seen again later (say, after a rollback) is launched again.
            return dg.SensorResult(skip_reason=dg.SkipReason(f"nothing new in {len(active)} sources{why}"), cursor=IDLE_CURSOR)
        fingerprint = content_fingerprint(changed, _records_since(settings, offset))
        names = ", ".join(s.name for s in changed)
        if fingerprint == context.cursor:
            return dg.SkipReason(f"already launched for this content of {names}; waiting for it to be published")
        request = _run_request(changed, assets, trigger=RELEASE_SENSOR_NAME, tags={"tlw/content": fingerprint[:16]})
        context.log.info(f"new content in {names}: launching {len(request.asset_selection)} assets")
        return dg.SensorResult(run_requests=[request], cursor=fingerprint)

    return release_sensor
