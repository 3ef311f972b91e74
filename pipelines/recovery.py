"""Getting back to a state a refresh can run from, at the start of every refresh.

- A corrupt working copy (`build/work.duckdb` that DuckDB cannot open or read) is moved aside and
  rebuilt; a missing one is rebuilt too when the raw archive holds bodies. Rebuilt means: every
  body the raw archive holds (every vintage, not only the newest per URL, which is all a refetch
  would give) is parsed and loaded into staging again, with the fetch time it was first archived
  at, so the vintages and the warehouse built from them are the ones published before.

(The Dagster runs a killed refresh leaves STARTED are swept by pipelines/defs/dead_runs.py.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb

from pipelines import warehouse
from pipelines.config import Settings
from pipelines.ingest import FileSource, PagedSource, Source
from pipelines.raw_archive import RawArchive
from pipelines.sources.errors import SourceFormatError


@dataclass(frozen=True)
class Rebuilt:
    why: str
    moved_to: str | None
    bodies: int
    sources: int
    refused: int  # archived bodies the parsers refuse (never loaded the first time either)

    def describe(self) -> str:
        aside = f"; the damaged file was moved to {self.moved_to}" if self.moved_to else ""
        return (f"working copy {self.why}: rebuilt from the raw archive, {self.bodies} bodies of {self.sources} "
                f"sources reloaded with every vintage ({self.refused} refused by their parser, as when fetched){aside}")


def working_copy_problem(settings: Settings) -> str | None:
    """Why the working copy cannot be used (None when it can, or when there is none)."""
    if not settings.build_db.exists():
        return None
    try:
        with duckdb.connect(str(settings.build_db)) as con:
            con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()
            if con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = 'load_log'").fetchone()[0]:
                con.execute("SELECT count(*), max(loaded_at) FROM meta.load_log").fetchone()
    except duckdb.Error as exc:
        return f"{settings.build_db} is corrupt ({str(exc).splitlines()[0]})"
    return None


def recover_working_copy(settings: Settings, sources: list[Source]) -> Rebuilt | None:
    """Rebuild a corrupt or missing working copy from the raw archive; None when there is nothing
    to do. Call under the refresh lock (no other writer)."""
    archive = RawArchive(settings.raw_dir)
    problem = working_copy_problem(settings)
    moved_to = None
    if problem is not None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        aside = settings.build_db.with_name(f"{settings.build_db.name}.corrupt-{stamp}")
        os.replace(settings.build_db, aside)
        wal = settings.build_db.with_name(settings.build_db.name + ".wal")
        if wal.exists():
            os.replace(wal, aside.with_name(aside.name + ".wal"))
        moved_to = str(aside)
    elif settings.build_db.exists():
        return None
    records = [r for r in archive.records() if r.outcome != "rejected" and r.stored_path]
    if problem is None and not records:
        return None  # a first refresh: nothing to rebuild from
    by_name = {s.name: s for s in sources if isinstance(s, (FileSource, PagedSource))}
    loaded, refused, seen = 0, 0, set()
    names = set()
    with warehouse.build_connection(settings) as con:
        for record in records:  # oldest first: each body keeps the time it was first archived at
            source = by_name.get(record.source)
            if source is None or (record.source, record.sha256) in seen:
                continue
            seen.add((record.source, record.sha256))
            body = archive.read_body(record)
            try:
                frame = source.parse(body, record.url) if isinstance(source, FileSource) else source.parse_page(body, record.url)[0]
            except SourceFormatError:
                refused += 1
                continue
            warehouse.load_staging(
                con, record.source, frame, url=record.url, raw_sha256=record.sha256,
                fetched_at=record.fetched_at, changed=True,
            )
            loaded += 1
            names.add(record.source)
    why = problem or f"{settings.build_db} was missing"
    return Rebuilt(why, moved_to, loaded, len(names), refused)


def free_space_for_refresh(settings: Settings) -> None:
    """A refresh needs room for one publish copy of the working copy: refuse in one line before
    starting when the disk cannot hold it, instead of a DuckDB "disk I/O error" half way."""
    if settings.build_db.exists():
        warehouse.ensure_space(settings.home, settings.build_db.stat().st_size)
