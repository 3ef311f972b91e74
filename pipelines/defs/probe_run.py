"""The probe as a run of its own: schedules and the release sensor launch it, never probe themselves.

Dagster times sensor and schedule evaluations out (60 s by default) and a probe is one network
request per file or search, so evaluation only asks for a `probe_sources` run (no network). That
run's one step, `probe`, asks each source whether the published warehouse lacks something
(`pipelines.probe.changed_sources`) and writes the answer on its own run as tags. When it
succeeds, the `launch_what_changed` run-status sensor (pipelines/defs/automation.py) reads those
tags (no network either) and launches ONE run of the `refresh` job whose selection is exactly the changed staging assets plus
everything downstream, with the checks on them; nothing new -> no run.

The same content is launched once: the run key of a sensor-started refresh is the digest of the
changed content (the raw archive sha256 of each body the probe saw, the content digest for
reference data kept in code), and Dagster never runs a run key twice, so a probe that sees the
same content again while its run is queued, running or failed launches nothing. A calendar tick
is its own key (the calendar and the scheduled time), so each expected release retries.
"""

import hashlib
import json
from typing import Sequence

import dagster as dg

from pipelines import calendars
from pipelines.config import Settings
from pipelines.defs.resources import WarehouseResource
from pipelines.ingest import SeedSource, Source
from pipelines.probe import changed_sources
from pipelines.raw_archive import RawArchive

PROBE_JOB = "probe_sources"
REFRESH_JOB = "refresh"
LAUNCH_SENSOR = "launch_what_changed"
TRIGGER_TAG = "tlw/trigger"
CHANGED_TAG = "tlw/changed"
CONTENT_TAG = "tlw/content"
TICK_TAG = "tlw/tick"  # `<calendar>:<scheduled time>` on a probe run a schedule launched
# Said by a schedule's probe run and carried over to the refresh it causes.
RELEASE_TAGS = ("tlw/last_expected_release", "tlw/next_expected_release")


class ProbeConfig(dg.Config):
    # The publisher calendar whose sources to probe (pipelines/calendars.py); empty: every source.
    calendar: str = ""


def probe_run_config(calendar: str = "") -> dict:
    return {"ops": {"probe": {"config": {"calendar": calendar}}}}


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
            continue  # a torn line: the archive skips it on read too
    return out


def content_fingerprint(settings: Settings, changed: Sequence[Source], probed: list[dict]) -> str:
    """sha256 over what the probe saw of each changed source: body sha256 per URL, or the seed digest."""
    parts: dict[str, object] = {}
    for source in changed:
        if isinstance(source, SeedSource):
            try:
                parts[source.name] = source._content(settings)[1]
            except Exception as exc:  # noqa: BLE001 - a register that does not validate: the run will fail on it
                parts[source.name] = f"unreadable: {exc}"
            continue
        latest = {r["url"]: r["sha256"] for r in probed if r.get("source") == source.name}
        parts[source.name] = sorted(latest.items()) or "no body (probe failed or nothing published yet)"
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def build_probe_job(sources: Sequence[Source]) -> dg.JobDefinition:
    by_calendar = {c.name: set(c.sources) for c in calendars.CALENDARS}

    @dg.op(name="probe", description="One conditional request per file or search: which sources have something new.")
    def probe(context: dg.OpExecutionContext, config: ProbeConfig, warehouse_settings: WarehouseResource) -> None:
        settings = warehouse_settings.settings()
        wanted = [s for s in sources if not config.calendar or s.name in by_calendar[config.calendar]]
        active = [s for s in wanted if s.name not in settings.skip_sources]
        offset = _index_size(settings)
        changed, unreachable = changed_sources(settings, active)
        not_asked = f" (not asked: {', '.join(sorted(unreachable))})" if unreachable else ""
        if not changed:
            context.log.info(f"nothing new in {len(active)} sources{not_asked}")
            return
        names = ",".join(s.name for s in changed)
        fingerprint = content_fingerprint(settings, changed, _records_since(settings, offset))
        context.instance.add_run_tags(context.run_id, {CHANGED_TAG: names, CONTENT_TAG: fingerprint})
        context.log.info(f"new content in {names}{not_asked}")

    @dg.job(name=PROBE_JOB, description="Probes the sources (all, or one calendar's) for what the published warehouse lacks; launches nothing itself.")
    def probe_sources():
        probe()

    return probe_sources
