"""Which sources a refresh will not run, and why: one answer for `tlw refresh`, `tlw status` and Dagster.

A source is skipped when
- `TLW_SKIP_SOURCES` names it ("switched off by TLW_SKIP_SOURCES"), or
- `TLW_MIRROR` is a directory that holds none of its files and `TLW_MIRROR_MISSING=skip`
  ("not in mirror <dir>: <every URL, whole>").

The mirror question is asked of the source's URL plan against an empty warehouse, which is the
full history: a mirror holds what someone saved, the full searches, never tomorrow's incremental
one (the paged sources fall back to the full search when the incremental one is absent). It only
looks for files; nothing is fetched. A skipped source is not selected in the Dagster run, so it is
never shown as materialized; its (empty, or last loaded) staging table stays as it was.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines import warehouse
from pipelines.config import Settings
from pipelines.ingest import FileSource, PagedSource, SeedSource, Source
from pipelines.mirror import MirrorPathError, mirror_relpath

SWITCHED_OFF = "switched off by TLW_SKIP_SOURCES"
NOT_IN_MIRROR = "not in mirror"


def _planned_urls(source: Source, settings: Settings, empty: duckdb.DuckDBPyConnection) -> list[str]:
    if isinstance(source, FileSource):
        return list(source.urls(settings, empty))
    if isinstance(source, PagedSource):
        return list(source.first_urls(settings, empty))
    return []


def _in_mirror(root: Path, url: str) -> bool:
    try:
        return (root / mirror_relpath(url)).is_file()
    except MirrorPathError:
        return False  # the fetch will refuse it and say why


def skipped_sources(settings: Settings, sources: list[Source]) -> dict[str, str]:
    """{source name: why} for every source a refresh skips, in catalogue order."""
    skipped = {s.name: SWITCHED_OFF for s in sources if s.name in settings.skip_sources}
    mirror = settings.mirror
    if not mirror or not settings.skip_missing_in_mirror or "://" in mirror:
        return skipped
    root = Path(mirror).expanduser()
    with duckdb.connect(":memory:") as empty:
        warehouse.ensure_structure(empty)
        for source in sources:
            if source.name in skipped or isinstance(source, SeedSource):
                continue
            urls = _planned_urls(source, settings, empty)
            if urls and not any(_in_mirror(root, url) for url in urls):
                skipped[source.name] = f"{NOT_IN_MIRROR} {root}: " + ", ".join(urls)
    return skipped


def short_reason(why: str) -> str:
    """`TLW_SKIP_SOURCES` or `not in mirror`: the why in a table cell (the detail line has it whole)."""
    if why == SWITCHED_OFF:
        return "TLW_SKIP_SOURCES"
    return NOT_IN_MIRROR if why.startswith(NOT_IN_MIRROR) else why


def fetched_sources(sources: list[Source]) -> list[Source]:
    """The sources fetched from a publisher (not reference data kept in the repository)."""
    return [s for s in sources if not isinstance(s, SeedSource)]
