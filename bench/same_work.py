"""A cold refresh's whole work without Dagster: the second floor of bench/refresh_bench.py.

    python bench/same_work.py      (settings from the environment, as `tlw refresh`; an empty TLW_HOME)

What the steps of a cold `tlw refresh` call, called in order by hand: every source not skipped
(`pipelines.skips`) fetched, archived, parsed and loaded by its own `ingest` (the staging step's
call), every SQL model in dependency order, then `warehouse.publish` (every check, the shrink
gate, the copy, the Parquet exports, the rename). No Dagster (it is not even imported), so the
difference to a refresh is orchestration alone: Dagster's import, planning and event log.
bench/floor.py is the narrower floor (no fetch, no archive, no publish). Prints one JSON line of
phase seconds.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from floor import build_models  # noqa: E402

from pipelines import skips, warehouse  # noqa: E402
from pipelines.catalog import ALL_SOURCES  # noqa: E402
from pipelines.config import Settings  # noqa: E402
from pipelines.fetch import Fetcher, FetchError  # noqa: E402


def main() -> None:
    settings = Settings.from_env()
    skipped = skips.skipped_sources(settings, ALL_SOURCES)
    timings = {"ingest_s": 0.0, "models_s": 0.0, "publish_s": 0.0}
    started = time.perf_counter()
    with Fetcher(settings) as fetcher, warehouse.build_connection(settings) as con:
        for source in ALL_SOURCES:
            if source.name in skipped:
                continue
            try:
                source.ingest(fetcher, con, settings)
            except FetchError as exc:  # as the staging step: a source the mirror lacks is passed over
                if not (exc.missing_in_mirror and settings.skip_missing_in_mirror):
                    raise
        timings["ingest_s"] = time.perf_counter() - started
        timings["models_s"] = build_models(con)
    started = time.perf_counter()
    result = warehouse.publish(settings)
    timings["publish_s"] = time.perf_counter() - started
    print(json.dumps({**timings, "checks_passed": result["checks_passed"], "dagster_imported": "dagster" in sys.modules}))


if __name__ == "__main__":
    main()
