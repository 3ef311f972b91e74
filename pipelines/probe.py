"""The probe: which sources have something the published warehouse lacks.

One conditional request per file or search (`Source.probe`), against the published file opened
read-only, so it can run while a refresh writes the working copy. `tlw refresh` asks it what to
run; the `probe_sources` run the schedules and the release sensor launch asks it too
(pipelines/defs/probe_run.py).
"""

from __future__ import annotations

import duckdb

from pipelines.config import Settings
from pipelines.fetch import Fetcher, FetchError
from pipelines.ingest import Source


def changed_sources(settings: Settings, sources: list[Source]) -> tuple[list[Source], dict[str, str]]:
    """The sources with something the published warehouse lacks (one conditional request each).

    Compares against the published file, opened read-only, so it can run while a refresh writes
    the working copy (a probe run does exactly that). Returns also the sources that could
    not be asked because a directory mirror lacks them and TLW_MIRROR_MISSING=skip.
    """
    if not settings.published_db.exists():
        return list(sources), {}
    changed: list[Source] = []
    unreachable: dict[str, str] = {}
    with Fetcher(settings) as fetcher, duckdb.connect(str(settings.published_db), read_only=True) as con:
        for source in sources:
            try:
                if source.probe(fetcher, con, settings):
                    changed.append(source)
            except FetchError as exc:
                if exc.missing_in_mirror and settings.skip_missing_in_mirror:
                    unreachable[source.name] = f"not in mirror ({exc.url})"
                else:
                    # Let the run itself fail on it, with the full error in Dagster.
                    changed.append(source)
            except duckdb.CatalogException:
                # A source added since the last publish: its tables are not there yet.
                changed.append(source)
            except Exception:  # noqa: BLE001 - a bad setting (unknown FRED series) or answer
                # Let the run fail on it: Dagster then records the error against the source's
                # asset and the summary names it, instead of a traceback from the probe.
                changed.append(source)
    return changed, unreachable
