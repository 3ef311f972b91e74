"""U.S. tariff actions: the Federal Register feed and the curated event register.

Sources (the names are the `TLW_SKIP_SOURCES` names):

- `federal_register`: the Federal Register API searches of `federal_register.search_urls`
  (presidential documents, USTR notices, deal-implementing notices), oldest first, every page
  followed through `next_page_url` (through the mirror mapping) until a page has none. Incremental:
  the first refresh, or any refresh with `TLW_FULL_HISTORY=1` (`tlw refresh --full-history`), asks
  for everything published since `TLW_FR_SINCE`; later refreshes ask only for documents published
  since the latest publication date already held in `staging.federal_register`, less
  `TLW_FR_OVERLAP_DAYS`, so late corrections and republications are caught. Every body is kept in
  staging; `core.fct_federal_register_documents` keeps the latest fetched version of each document.
  A mirror (`TLW_MIRROR`) holds the searches someone saved, which are the full ones from
  `TLW_FR_SINCE`, never tomorrow's incremental one: when the mirror lacks an incremental search (not
  in a directory mirror, HTTP 404 from an HTTP mirror), the full search is asked of the mirror
  instead, and pages already loaded cost no parsing. Without a mirror a 404 is an error as ever.
- `tariff_register`: the curated register `pipelines/data/tariff_events.csv` (see
  `pipelines/tariff_register.py`), validated on load. A register with a problem (dates out of
  order, unknown code or enum value, duplicate id) fails the refresh with an error naming the CSV
  line and event, so nothing is published from it.

Settings used only here (declared in `pipelines.config.Settings` like every other):

- `TLW_FR_PER_PAGE`: results per Federal Register page, 1..1000, default 1000 (the documented
  maximum). Tests and the fixture mirror use 5, the page size the fixture pages were written for.
- `TLW_TARIFF_REGISTER`: path of the register CSV to load instead of the one in the package
  (`pipelines/data/tariff_events.csv`), e.g. to try an edit before committing it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from pipelines import tariff_register, warehouse
from pipelines.config import REPO_ROOT, Settings
from pipelines.fetch import Fetcher, FetchError, FetchResult
from pipelines.ingest import IncompleteSearch, IngestReport, PagedSource, SeedSource, count_page, load_page
from pipelines.sources import federal_register
from pipelines.sources.errors import SourceFormatError
from pipelines.sources.pages import Page

REGISTER_ENV = "TLW_TARIFF_REGISTER"


def latest_publication_held(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest publication date in `staging.federal_register`, or None when nothing is held."""
    row = con.execute("SELECT max(publication_date) FROM staging.federal_register").fetchone()
    return row[0] if row else None


def fr_since(settings: Settings, con: duckdb.DuckDBPyConnection) -> date:
    """First publication date to ask for: the full history, or what is held less the overlap."""
    held = None if settings.full_history else latest_publication_held(con)
    if held is None:
        return settings.fr_since
    return max(settings.fr_since, held - timedelta(days=settings.fr_overlap_days))


def federal_register_urls(settings: Settings, con: duckdb.DuckDBPyConnection) -> list[str]:
    return federal_register.search_urls(fr_since(settings, con), per_page=settings.fr_per_page)


def full_history_urls(settings: Settings, con: duckdb.DuckDBPyConnection) -> list[str]:
    return federal_register.search_urls(settings.fr_since, per_page=settings.fr_per_page)


@dataclass(frozen=True)
class FederalRegisterSource(PagedSource):
    """The Federal Register searches, partitioned so that no window exceeds the API's result window.

    Each search is first asked whole. One announcing more than `RESULT_WINDOW` documents is split
    (`federal_register.split`: by year, then halves, down to one day, then by document type) until
    every window fits; each window is then paged to its end and proven complete against its own
    `count`. The page of a window that was split is recorded as loaded with no rows (its documents
    come from the narrower windows), so an unchanged search probes as unchanged. Without a mirror,
    HTTP 404 is the API's answer to a search with no match: an empty window, not an error.
    """

    def _first_page(self, fetcher: Fetcher, url: str, settings: Settings) -> tuple[FetchResult, Page] | None:
        try:
            return self.fetch_page(fetcher, url)
        except FetchError as exc:
            if settings.mirror or exc.status != 404:
                raise  # behind a mirror a 404 means the mirror lacks the search (PagedSource falls back)
            return None

    def _probe(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
        firsts = [self._first_page(fetcher, url, settings) for url in self.first_urls(settings, con)]
        return any(not warehouse.is_loaded(con, self.name, first[0].sha256) for first in firsts if first)

    def _ingest(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> IngestReport:
        report = IngestReport(self.name)
        for url in self.first_urls(settings, con):
            report = self._window(fetcher, con, settings, url, report)
        return report

    def _window(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings, url: str,
                report: IngestReport) -> IngestReport:
        first = self._first_page(fetcher, url, settings)
        if first is None:
            return report
        result, page = first
        if page.announced <= federal_register.RESULT_WINDOW:
            return self.collect(fetcher, con, url, report, first=first)
        parts = federal_register.split(url, date.today())
        if not parts:
            raise IncompleteSearch(self.name, federal_register.describe(url) + " (cannot be split further; the API "
                                   f"serves only the first {federal_register.RESULT_WINDOW:,})", page.announced, 0)
        loaded = warehouse.is_loaded(con, self.name, result.sha256)
        report = count_page(report, result, 0 if loaded else load_page(con, self.name, result, page.rows.clear()))
        for part in parts:
            report = self._window(fetcher, con, settings, part, report)
        return report


def register_path(settings: Settings) -> Path:
    """The register CSV: `TLW_TARIFF_REGISTER` when set, else the one in the package."""
    return settings.tariff_register or tariff_register.REGISTER_PATH


def register_origin(path: Path) -> str:
    """The register's path as recorded in staging (`source_url`): relative to the repository if inside it."""
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def register_frame(path: Path) -> pl.DataFrame:
    """The validated register, as staged: one row per event, code lists as VARCHAR[].

    The register's own `source_url` (the document an event rests on) is renamed `event_source_url`,
    because staging's `source_url` says where the rows were loaded from. Raises SourceFormatError,
    naming the first offending CSV line and every problem (each with its event and line), when
    `validate_register` finds anything: a bad register must fail the refresh.
    """
    if not path.is_file():
        raise SourceFormatError(tariff_register.SOURCE, str(path), f"no such file (is {REGISTER_ENV} right?)")
    events = tariff_register.load_register(path)
    problems = tariff_register.validate_register(events)
    if problems:
        lines = _problem_lines(events, problems)
        raise SourceFormatError(
            tariff_register.SOURCE,
            str(path),
            f"{len(problems)} problem(s) in the tariff register: " + "; ".join(problems),
            lines[0] if lines else None,
        )
    return events.rename({"source_url": "event_source_url"})


def _problem_lines(events: pl.DataFrame, problems: list[str]) -> list[int]:
    """The CSV lines the problems name, in message order (each message starts `<event_id> (line N)`)."""
    found = []
    for message in problems:
        for event_id, line in events.select("event_id", "csv_line").iter_rows():
            if message.startswith(f"{event_id} (line {line})"):
                found.append(line)
                break
    return found


@dataclass(frozen=True)
class RegisterSource(SeedSource):
    """A SeedSource whose file is validated on load and whose path can be overridden.

    A register that cannot be read or validated probes as changed (SeedSource.probe), so the run
    itself fails on it, in Dagster, with the full message; `ingest` records the path actually
    loaded as the rows' `source_url`.
    """

    def ingest(self, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings) -> IngestReport:
        return SeedSource.ingest(replace(self, origin=register_origin(register_path(settings))), fetcher, con, settings)


SOURCES = [
    FederalRegisterSource(
        name="federal_register",
        family="tariffs",
        description=(
            "Federal Register API documents.json: presidential documents on tariffs, duties and imports, "
            "USTR tariff notices and deal-implementing notices since TLW_FR_SINCE (2018-01-01), every page "
            "followed through next_page_url; incremental from the latest publication date held less "
            "TLW_FR_OVERLAP_DAYS (a mirror lacking that search is asked for the full one). Every body kept."
        ),
        first_urls=federal_register_urls,
        full_urls=full_history_urls,
        parse_page=federal_register.parse_page,
        describe=federal_register.describe,
    ),
    RegisterSource(
        name="tariff_register",
        family="tariffs",
        description=(
            "The curated register of U.S. tariff events (pipelines/data/tariff_events.csv, or "
            "TLW_TARIFF_REGISTER): announced, signed, published and effective dates kept apart, authority, "
            "action, partners, sectors, rates, Federal Register document. Validated on load: a bad row "
            "fails the refresh, naming its CSV line."
        ),
        # The register the settings the step is handed name (the run's resource), never the
        # process environment.
        frame=lambda settings: register_frame(register_path(settings)),
        origin="pipelines/data/tariff_events.csv",
    ),
]
