"""How a source is fetched and parsed into staging: one file per URL, or pages followed to the end.

A `FileSource` is a fixed list of official files (TIC tables, MOF CSVs, FRED series). A
`PagedSource` is an API searched from what the warehouse already holds (Debt to the Penny, the
Federal Register), following each response's link to the next page.

A paged source proves it got everything: per search, the rows collected over all pages must reach
what the API announced for the search (`pipelines.sources.pages.Page.announced`), else the source
fails with `IncompleteSearch` naming the search, its window, and both counts. One rule, here, for
every paged client.

Both answer two questions the same way: `probe` (is there anything new? one conditional request
per file or per search, used by `tlw refresh` and the `probe_sources` run to launch nothing when
nothing changed) and `ingest` (fetch, parse and load into `staging.<name>`, skipping bodies already
loaded, so a re-run costs requests but no parsing).
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterator, Sequence

import duckdb
import polars as pl

from pipelines import warehouse
from pipelines.config import Settings
from pipelines.fetch import Fetcher, FetchError, FetchResult
from pipelines.fetch_policy import check_page_link
from pipelines.paging import PageBound
from pipelines.sources.errors import SourceFormatError
from pipelines.sources.pages import Page

Parser = Callable[[bytes, str], pl.DataFrame]
PageParser = Callable[[bytes, str], Page]
# A function of the settings and the working copy (read only) giving the URLs to request.
UrlPlan = Callable[[Settings, duckdb.DuckDBPyConnection], Sequence[str]]


def single_url(url: str) -> UrlPlan:
    """The URL plan of a source that is one fixed official file."""
    return lambda settings, con: [url]


def in_code(frame: Callable[[], pl.DataFrame]) -> Callable[[Settings], pl.DataFrame]:
    """The rows of reference data kept in code: no setting changes them."""
    return lambda settings: frame()


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
                rows = load_page(con, self.name, result, _parsed(fetcher, result, self.parse))
            report = count_page(report, result, rows)
        return report


class IncompleteSearch(RuntimeError):
    """A search whose pages held fewer rows than the API announced for it."""

    def __init__(self, source: str, search: str, expected: int, collected: int):
        self.source, self.search, self.expected, self.collected = source, search, expected, collected
        super().__init__(
            f"[{source}] {search}: the API announced {expected:,} rows, {collected:,} collected over its pages; "
            "nothing from this source is published until a refresh collects them all"
        )


def prove_complete(source: str, search: str, expected: int, collected: int) -> None:
    if collected < expected:
        raise IncompleteSearch(source, search, expected, collected)


def _whole_url(url: str) -> str:
    return url


@dataclass(frozen=True)
class PagedSource:
    """An API searched incrementally. `full_urls` is the plan from the start of the history: what a
    mirror holds (someone saved the full searches, never tomorrow's incremental one). When a mirror
    lacks the incremental search (not in a directory mirror, HTTP 404 from an HTTP mirror), the full
    search is asked of the mirror instead, and pages already loaded cost no parsing."""

    name: str
    family: str
    description: str
    first_urls: UrlPlan
    parse_page: PageParser
    full_urls: UrlPlan | None = None
    # Names the search and its window in an error, from the search's first URL.
    describe: Callable[[str], str] = _whole_url

    def probe(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
        return self._from_mirror_or_full("_probe", fetcher, con, settings)

    def ingest(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> IngestReport:
        return self._from_mirror_or_full("_ingest", fetcher, con, settings)

    def _probe(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
        results = [fetcher.fetch(self.name, url) for url in self.first_urls(settings, con)]
        return any(not warehouse.is_loaded(con, self.name, r.sha256) for r in results)

    def _ingest(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> IngestReport:
        report = IngestReport(self.name)
        for first in self.first_urls(settings, con):
            report = self.collect(fetcher, con, first, report)
        return report

    def _from_mirror_or_full(self, step: str, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings):
        try:
            return getattr(self, step)(fetcher, con, settings)
        except FetchError as exc:
            missing = exc.missing_in_mirror or exc.status == 404
            if not (settings.mirror and missing and self.full_urls is not None):
                raise
            if list(self.first_urls(settings, con)) == list(self.full_urls(settings, con)):
                raise
            print(
                f"tlw: {self.name}: the mirror lacks the incremental search ({exc.problem}); "
                "asking it for the full search instead",
                file=sys.stderr, flush=True,
            )
            full = dataclasses.replace(self, first_urls=self.full_urls, full_urls=None)
            return getattr(full, step)(fetcher, con, settings)

    def fetch_page(self, fetcher: Fetcher, url: str) -> tuple[FetchResult, Page]:
        result = fetcher.fetch(self.name, url)
        return result, _parsed(fetcher, result, self.parse_page)

    def collect(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, first_url: str, report: IngestReport,
                first: tuple[FetchResult, Page] | None = None) -> IngestReport:
        """Every page of one search, loaded, then the completeness proof. `first` is its first page
        when the caller fetched it already (to read the announced count before deciding to split).

        Each next-page link must stay on the publisher's hosts (`check_page_link`), and the pages
        followed are bounded by the first page's announced count (`PageBound`): a server that
        links on for ever, or elsewhere, fails the source naming the link."""
        url = first_url
        bound = PageBound(self.name, first_url)
        bound.advance(first_url)
        result, page = first or self.fetch_page(fetcher, first_url)
        bound.announce(page.announced, page.rows.height)
        collected, announced = 0, page.announced
        while True:
            # Parse even a page loaded before: its link to the next page is needed.
            rows = 0 if warehouse.is_loaded(con, self.name, result.sha256) else load_page(con, self.name, result, page.rows)
            report = count_page(report, result, rows)
            collected += page.rows.height
            announced = max(announced, page.announced)
            if page.next_url is None:
                break
            url = check_page_link(self.name, url, page.next_url)
            bound.advance(url)
            result, page = self.fetch_page(fetcher, url)
        prove_complete(self.name, self.describe(first_url), announced, collected)
        return report


@dataclass(frozen=True)
class SeedSource:
    """Reference data the project maintains in code (country dimension, tariff register).

    Not fetched and never switched off: the table is replaced whole when its content changes.
    """

    name: str
    family: str
    description: str
    frame: Callable[[Settings], pl.DataFrame]  # the rows; a source whose file is a setting reads it here
    origin: str  # the file or module the rows come from, recorded as their source_url

    def _content(self, settings: Settings) -> tuple[pl.DataFrame, str]:
        frame = self.frame(settings)
        digest = hashlib.sha256(frame.write_ndjson().encode()).hexdigest()
        return frame, digest

    def probe(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
        """Changed when the content is new, and when it cannot be read or validated: the run then
        fails on it with the full message, as for a source it cannot reach."""
        try:
            return not warehouse.is_loaded(con, self.name, self._content(settings)[1])
        except SourceFormatError:
            return True

    def ingest(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> IngestReport:
        frame, digest = self._content(settings)
        if warehouse.is_loaded(con, self.name, digest):
            return IngestReport(self.name, bodies=1)
        rows = warehouse.load_staging(
            con, self.name, frame, url=self.origin, raw_sha256=digest,
            fetched_at=datetime.now(timezone.utc).isoformat(), changed=True, replace_all=True,
        )
        return IngestReport(self.name, bodies=1, new_bodies=1, rows_loaded=rows)


Source = FileSource | PagedSource | SeedSource


def _parsed(fetcher: Fetcher, result: FetchResult, parse: Callable):
    """`parse(body, url)`. A body the parser refuses is marked `rejected` in the raw archive with
    the parser's reason (its bytes stay there)."""
    try:
        return _parse_or_refuse(result, parse)
    except SourceFormatError as exc:
        fetcher.archive.record_refusal(result.record, str(exc))
        raise


def _parse_or_refuse(result: FetchResult, parse: Callable):
    """A body nested too deeply for Python's parsers (JSON `[[[[...`) is reported like any other
    bad file instead of as a bare RecursionError."""
    try:
        return parse(result.body, result.url)
    except RecursionError:
        raise SourceFormatError(
            result.source, result.url, "nested too deeply to parse (a hostile or broken body); it is kept in the raw archive"
        ) from None


def load_page(con: duckdb.DuckDBPyConnection, source: str, result: FetchResult, frame: pl.DataFrame) -> int:
    return warehouse.load_staging(
        con,
        source,
        frame,
        url=result.url,
        raw_sha256=result.sha256,
        fetched_at=result.record.fetched_at,
        changed=result.changed,
    )


def count_page(report: IngestReport, result: FetchResult, rows: int) -> IngestReport:
    return dataclasses.replace(
        report,
        bodies=report.bodies + 1,
        new_bodies=report.new_bodies + int(result.changed),
        bytes=report.bytes + len(result.body),
        rows_loaded=report.rows_loaded + rows,
    )
