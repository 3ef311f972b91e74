"""How a source is fetched and parsed into staging: one file per URL, or pages followed to the end.

A `FileSource` is a fixed list of official files (TIC tables, MOF CSVs, FRED series). A
`PagedSource` is an API searched from what the warehouse already holds (Debt to the Penny, the
Federal Register), following each response's link to the next page.

Both answer two questions the same way: `probe` (is there anything new? one conditional request
per file or per search, used by `tlw refresh` and the release sensor to launch nothing when
nothing changed) and `ingest` (fetch, parse and load into `staging.<name>`, skipping bodies already
loaded, so a re-run costs requests but no parsing).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterator, Sequence

import duckdb
import polars as pl

from pipelines import warehouse
from pipelines.config import Settings
from pipelines.fetch import Fetcher, FetchError, FetchResult

Parser = Callable[[bytes, str], pl.DataFrame]
PageParser = Callable[[bytes, str], tuple[pl.DataFrame, "str | None"]]
# A function of the settings and the working copy (read only) giving the URLs to request.
UrlPlan = Callable[[Settings, duckdb.DuckDBPyConnection], Sequence[str]]


def single_url(url: str) -> UrlPlan:
    """The URL plan of a source that is one fixed official file."""
    return lambda settings, con: [url]


@dataclass(frozen=True)
class IngestReport:
    source: str
    bodies: int = 0
    new_bodies: int = 0
    bytes: int = 0
    rows_loaded: int = 0
    # URLs a directory mirror lacks, passed over under TLW_MIRROR_MISSING=skip.
    missing_in_mirror: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileSource:
    name: str
    family: str
    description: str
    urls: UrlPlan
    parse: Parser

    def _fetch_each(self, fetcher: Fetcher, settings: Settings, urls: list[str]) -> Iterator[tuple[str, FetchResult | None]]:
        """Fetch every URL. A partial mirror (FRED: 3 of 18 series) still gives what it has: under
        TLW_MIRROR_MISSING=skip a URL the directory mirror lacks yields None, unless it lacks them
        all, which fails like any other fetch and lets the caller skip the whole source."""
        missing = 0
        for url in urls:
            try:
                result = fetcher.fetch(self.name, url)
            except FetchError as exc:
                missing += 1
                if not (exc.missing_in_mirror and settings.skip_missing_in_mirror) or missing == len(urls):
                    raise
                result = None
            yield url, result

    def probe(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
        fetched = self._fetch_each(fetcher, settings, list(self.urls(settings, con)))
        return any(r is not None and not warehouse.is_loaded(con, self.name, r.sha256) for _, r in fetched)

    def ingest(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> IngestReport:
        report = IngestReport(self.name)
        for url, result in self._fetch_each(fetcher, settings, list(self.urls(settings, con))):
            if result is None:
                report = dataclasses.replace(report, missing_in_mirror=(*report.missing_in_mirror, url))
                continue
            rows = 0
            if not warehouse.is_loaded(con, self.name, result.sha256):
                rows = _load(con, self.name, result, self.parse(result.body, url))
            report = _add(report, result, rows)
        return report


@dataclass(frozen=True)
class PagedSource:
    name: str
    family: str
    description: str
    first_urls: UrlPlan
    parse_page: PageParser
    max_pages: int = 10_000

    def probe(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
        results = [fetcher.fetch(self.name, url) for url in self.first_urls(settings, con)]
        return any(not warehouse.is_loaded(con, self.name, r.sha256) for r in results)

    def ingest(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> IngestReport:
        report = IngestReport(self.name)
        for first in self.first_urls(settings, con):
            url: str | None = first
            seen: set[str] = set()
            while url is not None:
                if url in seen or len(seen) >= self.max_pages:
                    raise RuntimeError(f"[{self.name}] pagination loops or exceeds {self.max_pages} pages at {url}")
                seen.add(url)
                result = fetcher.fetch(self.name, url)
                # Parse even a page loaded before: its link to the next page is needed.
                frame, next_url = self.parse_page(result.body, url)
                rows = 0
                if not warehouse.is_loaded(con, self.name, result.sha256):
                    rows = _load(con, self.name, result, frame)
                report = _add(report, result, rows)
                url = next_url
        return report


@dataclass(frozen=True)
class SeedSource:
    """Reference data the project maintains in code (country dimension, tariff register).

    Not fetched and never switched off: the table is replaced whole when its content changes.
    """

    name: str
    family: str
    description: str
    frame: Callable[[], pl.DataFrame]
    origin: str  # the file or module the rows come from, recorded as their source_url

    def _content(self) -> tuple[pl.DataFrame, str]:
        frame = self.frame()
        digest = hashlib.sha256(frame.write_ndjson().encode()).hexdigest()
        return frame, digest

    def probe(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
        return not warehouse.is_loaded(con, self.name, self._content()[1])

    def ingest(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> IngestReport:
        frame, digest = self._content()
        if warehouse.is_loaded(con, self.name, digest):
            return IngestReport(self.name, bodies=1)
        rows = warehouse.load_staging(
            con, self.name, frame, url=self.origin, raw_sha256=digest,
            fetched_at=datetime.now(timezone.utc).isoformat(), changed=True, replace_all=True,
        )
        return IngestReport(self.name, bodies=1, new_bodies=1, rows_loaded=rows)


Source = FileSource | PagedSource | SeedSource


def _load(con: duckdb.DuckDBPyConnection, source: str, result: FetchResult, frame: pl.DataFrame) -> int:
    return warehouse.load_staging(
        con,
        source,
        frame,
        url=result.url,
        raw_sha256=result.sha256,
        fetched_at=result.record.fetched_at,
        changed=result.changed,
    )


def _add(report: IngestReport, result: FetchResult, rows: int) -> IngestReport:
    return dataclasses.replace(
        report,
        bodies=report.bodies + 1,
        new_bodies=report.new_bodies + int(result.changed),
        bytes=report.bytes + len(result.body),
        rows_loaded=report.rows_loaded + rows,
    )
