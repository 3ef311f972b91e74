"""The floor of a refresh: its raw bodies parsed and loaded with no orchestration.

    python bench/floor.py TLW_HOME OUT.duckdb

Reads `TLW_HOME/raw/index.jsonl` (what a refresh fetched), takes the last body held for every URL,
parses it with the source's own parser (`FileSource.parse`, `PagedSource.parse_page`), loads it
with `warehouse.load_staging` into a fresh DuckDB file, loads the reference data the same way
(`SeedSource.ingest`), builds every SQL model in dependency order and runs the blocking checks.
No Dagster, no HTTP, no publish copy, no Parquet export. Prints one JSON line with the seconds
spent in each phase and the rows loaded.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import duckdb

from pipelines import warehouse
from pipelines.catalog import ALL_SOURCES
from pipelines.config import Settings
from pipelines.ingest import FileSource, PagedSource
from pipelines.sql_files import models


def latest_bodies(home: Path) -> dict[str, list[dict]]:
    """source -> the last good record of each URL it fetched, in fetch order."""
    last: dict[str, dict] = {}
    for line in (home / "raw" / "index.jsonl").read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record["outcome"] != "rejected" and record.get("stored_path"):
            last.pop(record["url"], None)
            last[record["url"]] = record
    by_source: dict[str, list[dict]] = {}
    for record in last.values():
        by_source.setdefault(record["source"], []).append(record)
    return by_source


def build_models(con: duckdb.DuckDBPyConnection) -> float:
    """Every core model, then every mart, each layer in its own dependency order (as the refresh's
    layer steps build them); returns the seconds taken."""
    started = time.perf_counter()
    for layer in ("core", "marts"):
        for model in models(layer):
            warehouse.build_model(con, model)
    return time.perf_counter() - started


def main(home: Path, out: Path) -> None:
    os.environ["TLW_HOME"] = str(out.parent / "home")  # settings for the seed sources; never written
    settings = Settings.from_env()
    bodies = latest_bodies(home)
    timings = {"parse_s": 0.0, "load_s": 0.0, "seeds_s": 0.0, "models_s": 0.0, "checks_s": 0.0}
    rows = 0
    raw_bytes = 0
    con = duckdb.connect(str(out))
    warehouse.ensure_structure(con)
    for source in ALL_SOURCES:
        if not isinstance(source, (FileSource, PagedSource)):
            started = time.perf_counter()
            rows += source.ingest(None, con, settings).rows_loaded
            timings["seeds_s"] += time.perf_counter() - started
            continue
        for record in bodies.get(source.name, []):
            body = (home / "raw" / record["stored_path"]).read_bytes()
            raw_bytes += len(body)
            started = time.perf_counter()
            if isinstance(source, FileSource):
                frame = source.parse(body, record["url"])
            else:
                frame = source.parse_page(body, record["url"]).rows
            parsed = time.perf_counter()
            rows += warehouse.load_staging(
                con, source.name, frame, url=record["url"], raw_sha256=record["sha256"],
                fetched_at=record["fetched_at"], changed=True,
            )
            timings["parse_s"] += parsed - started
            timings["load_s"] += time.perf_counter() - parsed
    timings["models_s"] = build_models(con)
    started = time.perf_counter()
    outcomes = warehouse.run_all_checks(con)
    timings["checks_s"] = time.perf_counter() - started
    con.execute("CHECKPOINT")
    con.close()
    failed = [o.check.name for o in outcomes if not o.passed and o.check.blocking]
    print(json.dumps({**timings, "rows_loaded": rows, "raw_bytes": raw_bytes, "failed_checks": failed,
                      "dagster_imported": "dagster" in sys.modules}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
