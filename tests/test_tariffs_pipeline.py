"""Tariff events end to end: the Federal Register feed and the curated register through real Dagster runs.

The fixture mirror (`fixtures/mirror/www.federalregister.gov/`, pages of `search_urls(2018-01-01,
per_page=5)`) is served by a real HTTP server on loopback, so the fetcher follows `next_page_url`
over real sockets and the server's request log shows what was asked. Later refreshes ask for other
publication dates than the fixture pages cover; the server answers those with pages built here from
the fixture results, in the API's response shape.

Without Dagster: the document links (core.fct_federal_register_links, the one implementation of
the linking rules) against the links written out by hand for the fixture feed and for hand-made
texts; the SQL date check with `validate_register`; the first-URL plan and the register loader
with their rules.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import duckdb
import polars as pl
import pytest

from pipelines import cli, tariff_register, warehouse
from pipelines.catalog import tariffs
from pipelines.config import Settings
from pipelines.mirror import mirror_relpath
from pipelines.refresh import run_refresh
from pipelines.sources import federal_register as fr
from pipelines.sources.errors import SourceFormatError
from pipelines.sql_files import checks, models
from tests.conftest import FIXTURE_MIRROR
from tests.loopback import LoopbackServer, Reply

FIXTURE_SINCE = date(2018, 1, 1)
PER_PAGE = 5  # the page size the fixture pages were written for
# The sources of other families, but for the TIC history (every core TIC table builds from it, and
# models downstream of the country dimension need those tables); countries and fred_series are
# reference data kept in code.
OTHER_SOURCES = "tic_table5,tic_table3,mof_reserves,mof_interventions,fred,debt_to_penny"
FR_PREFIX = "/www.federalregister.gov/"
TARIFF_TABLES = (
    "core.fct_federal_register_documents", "core.fct_federal_register_links",
    "core.dim_tariff_event", "core.bridge_tariff_event_country",
)


# --- the fixture feed and API-shaped pages -----------------------------------------------------


def fixture_searches() -> list[tuple[str, list[str], list[dict]]]:
    """For each search: its first URL, every page URL (next_page_url followed), and its raw results."""
    out = []
    for first in fr.search_urls(FIXTURE_SINCE, per_page=PER_PAGE):
        urls, results, url = [], [], first
        while url:
            urls.append(url)
            payload = json.loads((FIXTURE_MIRROR / mirror_relpath(url)).read_bytes())
            results += payload.get("results", [])
            url = payload.get("next_page_url")
        out.append((first, urls, results))
    return out


def fixture_feed() -> pl.DataFrame:
    frames = []
    for _, urls, _ in fixture_searches():
        for url in urls:
            frames.append(fr.parse_page((FIXTURE_MIRROR / mirror_relpath(url)).read_bytes(), url)[0])
    return pl.concat(frames)


def served_path(url: str) -> str:
    """The request path the fetcher sends to an HTTP mirror for an official URL."""
    return "/" + quote(mirror_relpath(url))


def api_pages(first_url: str, results: list[dict], per_page: int = PER_PAGE) -> list[tuple[str, bytes]]:
    """The pages the API would answer for `first_url` with these results: (URL, body), next_page_url linked."""
    if not results:
        return [(first_url, json.dumps({"count": 0, "description": "Documents matching the search"}).encode())]
    chunks = [results[i:i + per_page] for i in range(0, len(results), per_page)]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        url = first_url if number == 1 else fr.page_url(first_url, number)
        payload = {"count": len(results), "description": "Documents matching the search",
                   "total_pages": len(chunks), "results": chunk}
        if number < len(chunks):
            payload["next_page_url"] = fr.page_url(first_url, number + 1)
        pages.append((url, json.dumps(payload).encode()))
    return pages


def serve_searches_since(server: LoopbackServer, since: date, extra: list[dict] = ()) -> dict[str, str]:
    """Script the server to answer the searches from `since` with the fixture results published since
    then (plus `extra` results for the first search). Returns {request path: official URL}."""
    paths = {}
    for index, ((_, _, results), first) in enumerate(zip(fixture_searches(), fr.search_urls(since, per_page=PER_PAGE))):
        chosen = [r for r in results if date.fromisoformat(r["publication_date"]) >= since]
        if index == 0:
            chosen += list(extra)
        for url, body in api_pages(first, chosen):
            server.script(served_path(url), Reply(200, body))
            paths[served_path(url)] = url
    return paths


def fr_requests(server: LoopbackServer, start: int = 0) -> list[str]:
    return [r.path for r in server.requests[start:] if r.path.startswith(FR_PREFIX)]


def gte_of(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query))["conditions[publication_date][gte]"]


# --- a refresh against the loopback server -------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def frame(settings: Settings, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        return con.execute(sql).pl()


def run_check_on_published(settings: Settings, name: str) -> warehouse.CheckOutcome:
    [check] = [c for c in checks() if c.name == name]
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        return warehouse.run_check(con, check)


@pytest.fixture
def server():
    with LoopbackServer(root=FIXTURE_MIRROR) as running:
        yield running


@pytest.fixture
def fr_env(monkeypatch, tmp_path, server):
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TLW_MIRROR", server.base_url)
    monkeypatch.setenv("TLW_FR_PER_PAGE", str(PER_PAGE))
    monkeypatch.setenv("TLW_SKIP_SOURCES", OTHER_SOURCES)
    monkeypatch.setenv("TLW_HTTP_RETRIES", "0")
    for name in ("TLW_MIRROR_MISSING", "TLW_TARIFF_REGISTER", "TLW_FULL_HISTORY", "TLW_FR_SINCE", "TLW_FR_OVERLAP_DAYS"):
        monkeypatch.delenv(name, raising=False)
    return server


def test_first_refresh_follows_every_page_and_publishes_the_tariff_tables(fr_env):
    server = fr_env
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures

    # Every fixture page was asked for exactly once, through next_page_url, and nothing else.
    searches = fixture_searches()
    expected = [served_path(url) for _, urls, _ in searches for url in urls]
    assert [len(urls) for _, urls, _ in searches] == [9, 1, 1]
    assert sorted(fr_requests(server)) == sorted(expected)
    feed = fixture_feed()
    assert query(settings, "SELECT count(*) FROM core.fct_federal_register_documents") == [(feed.height,)]

    # The tariff checks ran; the blocking ones and the warning passed on the seeded register.
    ran = {name: passed for name, passed, _ in outcome.checks}
    for name in ("federal_register_documents_unique", "tariff_register_documents_in_feed",
                 "tariff_event_dates_in_order", "tariff_register_agrees_with_feed"):
        assert ran[name], name

    # Liberation Day: EO 14257, signed 2025-04-02, its FR document 2025-06063 published 2025-04-07.
    [eo14257] = frame(settings, "SELECT * FROM core.dim_tariff_event WHERE event_id = '2025-04-02-eo14257-reciprocal'").to_dicts()
    assert (eo14257["announced_on"], eo14257["signed_on"]) == (date(2025, 4, 2), date(2025, 4, 2))
    assert eo14257["fr_document_number"] == "2025-06063" and eo14257["fr_in_feed"]
    assert eo14257["published_on"] == eo14257["fr_publication_date"] == date(2025, 4, 7)
    assert eo14257["published_on_agrees_with_feed"] and eo14257["title_agrees_with_feed"]
    assert (eo14257["fr_executive_order_number"], eo14257["fr_citation"]) == (14257, "90 FR 15041")
    # The U.S.-Japan deal: an announcement with no Federal Register document.
    [deal] = frame(settings, "SELECT * FROM core.dim_tariff_event WHERE event_id = '2025-07-22-us-japan-deal'").to_dicts()
    assert deal["announced_on"] == date(2025, 7, 22)
    assert deal["fr_document_number"] is None and not deal["fr_in_feed"] and deal["published_on"] is None
    # The Supreme Court ruling on the IEEPA tariffs.
    [ruling] = frame(settings, "SELECT * FROM core.dim_tariff_event WHERE authority = 'court'").to_dicts()
    assert (ruling["event_id"], ruling["announced_on"], ruling["action"]) == (
        "2026-02-20-scotus-ieepa-ruling", date(2026, 2, 20), "ruling",
    )
    register = tariff_register.load_register()
    assert query(settings, "SELECT count(*) FROM core.dim_tariff_event") == [(register.height,)]

    # Japan: on every partner_scope all event that does not exclude it, and on its own listed ones.
    scope_all = register.filter(
        (pl.col("partner_scope") == "all") & ~pl.col("excluded_partners").list.contains("JPN")
    )["event_id"].to_list()
    japan = dict(query(settings, "SELECT event_id, via_scope_all FROM core.bridge_tariff_event_country WHERE iso3 = 'JPN'"))
    assert {e for e, via_all in japan.items() if via_all} == set(scope_all)
    assert japan["2025-07-22-us-japan-deal"] is False
    # EO 14345 (2025-17389), implementing the Japan agreement, is linked to JPN.
    assert query(
        settings,
        """SELECT b.iso3, b.via_scope_all FROM core.dim_tariff_event e JOIN core.bridge_tariff_event_country b USING (event_id)
           WHERE e.fr_document_number = '2025-17389'""",
    ) == [("JPN", False)]
    # Scope all: every country of dim_country less the excluded ones.
    countries = query(settings, "SELECT count(*) FROM core.dim_country")[0][0]
    excluded = query(settings, "SELECT count(*) FROM core.dim_country WHERE iso3 IN ('CAN', 'CHN', 'HKG', 'MAC', 'MEX')")[0][0]
    assert excluded >= 4  # Macau is not a TIC holder
    assert query(settings, "SELECT count(*) FROM core.bridge_tariff_event_country WHERE event_id = '2025-04-09-eo14266-pause'") == [(countries - excluded,)]
    assert query(settings, "SELECT count(*) FROM core.bridge_tariff_event_country WHERE event_id = '2025-04-09-eo14266-pause' AND iso3 IN ('CHN', 'HKG', 'CAN', 'MEX')") == [(0,)]
    assert query(
        settings,
        """SELECT count(*) FROM core.dim_tariff_event e
           LEFT JOIN (SELECT event_id, count(*) AS n FROM core.bridge_tariff_event_country GROUP BY ALL) b USING (event_id)
           WHERE e.affected_countries IS DISTINCT FROM coalesce(b.n, 0)""",
    ) == [(0,)]

    # The republication R1-2026-03829 links to 2026-03829, among the links the feed has.
    assert query(
        settings,
        "SELECT linked_document_number, link_kind, linked_executive_order_number FROM core.fct_federal_register_links WHERE document_number = 'R1-2026-03829'",
    ) == [("2026-03829", "corrects", 14388)]
    assert query(settings, "SELECT * FROM core.fct_federal_register_links") == FEED_LINKS

    # Every tariff table and column is described.
    assert query(
        settings,
        """SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns()
           WHERE schema_name || '.' || table_name IN (SELECT unnest(?)) AND comment IS NULL
           UNION ALL
           SELECT schema_name || '.' || table_name FROM duckdb_tables()
           WHERE schema_name || '.' || table_name IN (SELECT unnest(?)) AND comment IS NULL""",
        [list(TARIFF_TABLES), list(TARIFF_TABLES)],
    ) == []


def test_later_refreshes_ask_only_from_the_last_publication_held_less_the_overlap(fr_env):
    server = fr_env
    settings = Settings.from_env()
    assert run_refresh(settings).success
    last_held = max(fixture_feed()["publication_date"])  # 2026-06-04
    since = last_held - timedelta(days=settings.fr_overlap_days)
    documents = "SELECT * EXCLUDE (pages_listing, source_url, fetched_at, raw_sha256) FROM core.fct_federal_register_documents"
    before = frame(settings, documents)

    # Second refresh: only the searches from `since`, and the documents stay what they were.
    incremental = serve_searches_since(server, since)
    start = len(server.requests)
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    asked = fr_requests(server, start)
    assert asked and set(asked) <= set(incremental)
    assert {gte_of(incremental[path]) for path in asked} == {since.isoformat()}
    assert not set(asked) & {served_path(url) for _, urls, _ in fixture_searches() for url in urls}
    assert frame(settings, documents).equals(before)

    # Third refresh, nothing changed: one request per search, nothing run, the file untouched.
    published = sha256(settings.published_db)
    start = len(server.requests)
    again = run_refresh(settings)
    assert again.success and not again.ran and again.selected_sources == []
    asked = fr_requests(server, start)
    assert sorted(asked) == sorted(served_path(u) for u in fr.search_urls(since, per_page=PER_PAGE))
    assert sha256(settings.published_db) == published

    # A late correction published inside the overlap is caught, and linked to what it corrects.
    correction = {field: None for field in fr.FIELDS} | {
        "document_number": "C1-2026-11314", "publication_date": last_held.isoformat(),
        "title": "Further Adjusting the Tariff Regimes for Imports of Aluminum (Correction)",
        "type": "Presidential Document", "subtype": "Proclamation", "proclamation_number": "11032",
    }
    serve_searches_since(server, since, extra=[correction])
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    assert outcome.selected_sources == ["federal_register"]
    assert query(
        settings,
        "SELECT linked_document_number, link_kind, linked_proclamation_number FROM core.fct_federal_register_links WHERE document_number = 'C1-2026-11314'",
    ) == [("2026-11314", "corrects", "11032")]
    assert query(settings, "SELECT count(*) FROM core.fct_federal_register_documents") == [(before.height + 1,)]


def test_a_mirror_without_the_incremental_search_is_asked_for_the_full_one(fr_env, capsys):
    server = fr_env
    settings = Settings.from_env()
    assert run_refresh(settings).success
    since = max(fixture_feed()["publication_date"]) - timedelta(days=settings.fr_overlap_days)
    incremental = [served_path(u) for u in fr.search_urls(since, per_page=PER_PAGE)]
    full_first = [served_path(u) for u in fr.search_urls(FIXTURE_SINCE, per_page=PER_PAGE)]
    published = sha256(settings.published_db)
    # The fixture mirror has only the full searches: the probe is answered 404 for the incremental
    # one, asks for the full one, finds its pages loaded already, and nothing runs.
    start = len(server.requests)
    capsys.readouterr()
    outcome = run_refresh(settings)
    assert outcome.success and not outcome.ran
    assert fr_requests(server, start) == [incremental[0], *full_first]
    assert "the mirror lacks the incremental search" in capsys.readouterr().err
    assert sha256(settings.published_db) == published
    # A forced run falls back the same way, follows every page and loads nothing new.
    start = len(server.requests)
    outcome = run_refresh(settings, everything=True)
    assert outcome.success, outcome.failures
    asked = fr_requests(server, start)
    assert asked[0] == incremental[0]
    assert sorted(asked[1:]) == sorted(served_path(url) for _, urls, _ in fixture_searches() for url in urls)
    assert query(settings, "SELECT count(*) FROM staging.federal_register") == [(fixture_feed().height,)]


def test_without_a_mirror_404_is_an_empty_window_and_400_an_error(monkeypatch, tmp_path, server):
    from pipelines.fetch import Fetcher, FetchError

    monkeypatch.setenv("TLW_HOME", str(tmp_path))
    monkeypatch.setenv("TLW_FR_PER_PAGE", str(PER_PAGE))
    monkeypatch.setenv("TLW_HTTP_RETRIES", "0")
    monkeypatch.delenv("TLW_MIRROR", raising=False)
    settings = Settings.from_env()
    source = next(s for s in tariffs.SOURCES if s.name == "federal_register")
    con = duckdb.connect()
    warehouse.ensure_structure(con)
    con.execute("INSERT INTO staging.federal_register (document_number, publication_date) VALUES ('x', DATE '2026-06-04')")
    # An official search answered 404 (the loopback server stands in for the API; no mirror mapping):
    # the API's answer to a search with no match, so nothing new and nothing to load.
    source = replace(source, first_urls=lambda s, c: [server.url("api/v1/documents.json?missing=1")])
    with Fetcher(settings) as fetcher:
        assert source.probe(fetcher, con, settings) is False
        report = source.ingest(fetcher, con, settings)
    assert (report.bodies, report.rows_loaded) == (0, 0)
    # A bad request (400, e.g. past the API's result window) is an error, naming the search.
    server.script("/api/v1/documents.json?missing=1", Reply(400, b'{"errors": {"page": "too far"}}'))
    with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="HTTP 400"):
        source.probe(fetcher, con, settings)


def test_full_history_asks_from_fr_since_again(fr_env, monkeypatch):
    server = fr_env
    settings = Settings.from_env()
    assert run_refresh(settings).success
    # `tlw refresh --full-history`: run config of the staging step, not the environment.
    monkeypatch.delenv("TLW_FULL_HISTORY", raising=False)
    start = len(server.requests)
    outcome = run_refresh(Settings.from_env(), everything=True, full_history=True)
    assert outcome.success, outcome.failures
    asked = fr_requests(server, start)
    assert sorted(asked) == sorted(served_path(url) for _, urls, _ in fixture_searches() for url in urls)


def test_malformed_page_fails_the_refresh_naming_the_page(fr_env):
    server = fr_env
    settings = Settings.from_env()
    _, urls, _ = fixture_searches()[0]
    server.script(served_path(urls[2]), Reply(200, b'{"count": 3, "results": [{"title": "no number"}]}'))
    outcome = run_refresh(settings)
    assert not outcome.success
    [failure] = [f for f in outcome.failures if "federal_register" in f]
    assert urls[2] in failure and "no document_number" in failure
    assert not settings.published_db.exists()


def _register_copy(tmp_path: Path, edit) -> Path:
    """The seeded register with `edit(rows)` applied to its rows (lists of cells), written as CSV."""
    import csv

    with tariff_register.REGISTER_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    edit(header, body)
    path = tmp_path / "tariff_events.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *body])
    return path


def _set(header: list[str], body: list[list[str]], which: str, **cells: str) -> int:
    """Set cells of the row of event `which`; returns its CSV line (header is line 1)."""
    for index, row in enumerate(body):
        if row[0] == which:
            for column, value in cells.items():
                row[header.index(column)] = value
            return index + 2
    raise KeyError(which)


def test_register_gaps_come_from_the_feed_disagreements_warn_and_a_bad_register_blocks(fr_env, monkeypatch, tmp_path, capsys):
    server = fr_env
    lines = {}

    def gaps_and_disagreement(header, body):
        lines["eo14257"] = _set(header, body, "2025-04-02-eo14257-reciprocal", published_on="", title="")
        lines["japan"] = _set(header, body, "2025-09-04-eo14345-japan", title="Implementing the Japan Deal")

    (tmp_path / "a").mkdir()
    good = _register_copy(tmp_path / "a", gaps_and_disagreement)
    monkeypatch.setenv("TLW_TARIFF_REGISTER", str(good))
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures  # a disagreement warns, it does not block

    [eo14257] = frame(settings, "SELECT * FROM core.dim_tariff_event WHERE event_id = '2025-04-02-eo14257-reciprocal'").to_dicts()
    assert (eo14257["published_on"], eo14257["published_on_source"]) == (date(2025, 4, 7), "feed")
    assert eo14257["title_source"] == "feed" and eo14257["title"].startswith("Regulating Imports With a Reciprocal Tariff")
    assert eo14257["published_on_agrees_with_feed"] is None
    assert eo14257["register_file"] == str(good.resolve())
    [japan] = frame(settings, "SELECT * FROM core.dim_tariff_event WHERE event_id = '2025-09-04-eo14345-japan'").to_dicts()
    assert (japan["title"], japan["title_source"], japan["title_agrees_with_feed"]) == (
        "Implementing the Japan Deal", "register", False,
    )  # kept as the register says, not overwritten
    assert ("tariff_register_agrees_with_feed", False, "WARN") in outcome.checks
    warning = run_check_on_published(settings, "tariff_register_agrees_with_feed")
    [problem] = [row["problem"] for row in warning.sample]
    assert "2025-09-04-eo14345-japan" in problem and f"line {lines['japan']}" in problem and "2025-17389" in problem

    # Now a register whose row has its dates out of order: `tlw refresh` fails, names the line,
    # and the published warehouse stays byte for byte what it was.
    published = sha256(settings.published_db)
    since = max(fixture_feed()["publication_date"]) - timedelta(days=settings.fr_overlap_days)
    serve_searches_since(server, since)

    def bad_dates(header, body):
        lines["bad"] = _set(header, body, "2025-08-06-eo14329-india", signed_on="2025-08-20")

    (tmp_path / "b").mkdir()
    bad = _register_copy(tmp_path / "b", bad_dates)
    monkeypatch.setenv("TLW_TARIFF_REGISTER", str(bad))
    capsys.readouterr()
    assert cli.main(["refresh"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}, line {lines['bad']}" in err
    assert "2025-08-06-eo14329-india" in err and "signed_on 2025-08-20 is after published_on 2025-08-11" in err
    assert "NOT published" in err
    assert sha256(settings.published_db) == published


# --- without Dagster: the register as a source, the URL plan ------------------------------------


def test_register_frame_is_the_validated_register(monkeypatch):
    monkeypatch.delenv("TLW_TARIFF_REGISTER", raising=False)
    staged = tariffs.register_frame(tariff_register.REGISTER_PATH)
    register = tariff_register.load_register()
    assert staged.height == register.height
    assert "event_source_url" in staged.columns  # staging's source_url is where the rows came from
    assert staged["event_source_url"].to_list() == register["source_url"].to_list()
    assert tariffs.register_origin(tariff_register.REGISTER_PATH) == "pipelines/data/tariff_events.csv"


@pytest.mark.parametrize("cells, expected", [
    ({"signed_on": "2025-08-20"}, "signed_on 2025-08-20 is after published_on 2025-08-11"),
    ({"effective_on": "2025-08-01"}, "effective_on 2025-08-01 is before signed_on 2025-08-06"),
    ({"partners": "IND;XYZ"}, "partners not ISO 3166 alpha-3: XYZ"),
    ({"authority": "section_999"}, "unknown authority 'section_999'"),
    ({"event_id": "2025-07-30-eo14323-brazil"}, "duplicate event_id"),
])
def test_a_bad_register_row_fails_naming_its_line_and_event(monkeypatch, tmp_path, cells, expected):
    line = {}

    def edit(header, body):
        line["n"] = _set(header, body, "2025-08-06-eo14329-india", **cells)

    path = _register_copy(tmp_path, edit)
    monkeypatch.setenv("TLW_TARIFF_REGISTER", str(path))
    source = next(s for s in tariffs.SOURCES if s.name == "tariff_register")
    with pytest.raises(SourceFormatError) as info:
        source.frame(Settings.from_env())
    assert (info.value.source, info.value.url, info.value.line) == ("tariff_register", str(path), line["n"])
    assert f"(line {line['n']})" in str(info.value) and expected in str(info.value)
    # The refresh's probe does not raise on it: the run itself fails, with the full message.
    assert source.probe(None, None, Settings.from_env()) is True


def test_the_register_path_comes_from_the_settings_not_the_environment(monkeypatch, tmp_path):
    """The staging step is handed its settings as the run's resource: the register it loads is
    the one those settings name, whatever the process environment says."""
    import dataclasses

    path = _register_copy(tmp_path, lambda header, body: _set(header, body, "2025-08-06-eo14329-india", partners="IND;XYZ"))
    monkeypatch.delenv("TLW_TARIFF_REGISTER", raising=False)
    source = next(s for s in tariffs.SOURCES if s.name == "tariff_register")
    assert source.frame(Settings.from_env()).height == tariff_register.load_register().height
    with pytest.raises(SourceFormatError) as info:
        source.frame(dataclasses.replace(Settings.from_env(), tariff_register=path))
    assert info.value.url == str(path) and "partners not ISO 3166 alpha-3: XYZ" in str(info.value)


def test_a_register_path_that_does_not_exist_is_a_configuration_error(monkeypatch, tmp_path):
    """Named before anything runs, like every TLW_* setting (pipelines/config.py)."""
    from pipelines.config import ConfigError

    monkeypatch.setenv("TLW_TARIFF_REGISTER", str(tmp_path / "missing.csv"))
    with pytest.raises(ConfigError) as caught:
        Settings.from_env()
    assert caught.value.lines == [f"TLW_TARIFF_REGISTER={tmp_path / 'missing.csv'}: expected an existing file"]


def test_first_urls_from_fr_since_then_from_the_last_held_less_the_overlap(monkeypatch, tmp_path):
    monkeypatch.setenv("TLW_HOME", str(tmp_path))
    monkeypatch.delenv("TLW_FULL_HISTORY", raising=False)
    monkeypatch.delenv("TLW_FR_PER_PAGE", raising=False)
    con = duckdb.connect()
    warehouse.ensure_structure(con)
    settings = Settings.from_env()
    assert tariffs.federal_register_urls(settings, con) == fr.search_urls(settings.fr_since, per_page=1000)
    con.execute("INSERT INTO staging.federal_register (document_number, publication_date) VALUES ('x', DATE '2026-06-04')")
    assert tariffs.fr_since(settings, con) == date(2026, 6, 4) - timedelta(days=settings.fr_overlap_days)
    paged = replace(settings, fr_per_page=5)
    assert {gte_of(u) for u in tariffs.federal_register_urls(paged, con)} == {"2026-05-21"}
    assert all("per_page=5" in u for u in tariffs.federal_register_urls(paged, con))
    monkeypatch.setenv("TLW_FULL_HISTORY", "1")
    assert tariffs.fr_since(Settings.from_env(), con) == settings.fr_since


# --- without Dagster: the SQL models on small warehouses ----------------------------------------


def _model(name: str):
    [model] = [m for layer in ("core", "marts") for m in models(layer) if m.qualified == name]
    return model


LINK_COLUMNS = [
    ("document_number", "VARCHAR"), ("publication_date", "DATE"), ("linked_document_number", "VARCHAR"),
    ("linked_proclamation_number", "VARCHAR"), ("linked_executive_order_number", "BIGINT"),
    ("link_kind", "VARCHAR"), ("evidence", "VARCHAR"),
]


def sql_links(docs: pl.DataFrame) -> list[tuple]:
    """The rows of core.fct_federal_register_links built from `docs` loaded as one staging body."""
    con = duckdb.connect()
    warehouse.ensure_structure(con)
    warehouse.load_staging(con, "federal_register", docs, url="https://example.test/page", raw_sha256="0" * 64,
                           fetched_at="2026-01-01T00:00:00+00:00", changed=True)
    warehouse.build_model(con, _model("core.fct_federal_register_documents"))
    warehouse.build_model(con, _model("core.fct_federal_register_links"))
    assert con.execute("""SELECT column_name, data_type FROM duckdb_columns()
                          WHERE schema_name = 'core' AND table_name = 'fct_federal_register_links'
                          ORDER BY column_index""").fetchall() == LINK_COLUMNS
    return con.execute("SELECT * FROM core.fct_federal_register_links").fetchall()


def _doc(number: str, published: str = "2099-01-02", **values) -> dict:
    return {"document_number": number, "publication_date": date.fromisoformat(published), **values}


def _link(number: str, published: str, target: str | None, proclamation: str | None, eo: int | None,
          kind: str, evidence: str) -> tuple:
    return (number, date.fromisoformat(published), target, proclamation, eo, kind, evidence)


# The fixture feed's links, read from its texts: EO 14259 and EO 14266 amend EO 14257 (and 14266
# also EO 14259) in their disposition notes; "Further Modifying the Reciprocal Tariff Rates" names
# no order, so its notes' EO 14257 takes the title's verb; the republication R1-2026-03829 corrects
# 2026-03829, which the feed does not hold, so the link carries the republication's own EO 14388.
# EO 14345 (2025-17389) only cites EO 14257 ("See:") and its title has no verb: no link.
FEED_LINKS = [
    _link("2025-06378", "2025-04-14", "2025-06063", None, 14257, "amends", "Amends: EO 14257"),
    _link("2025-06462", "2025-04-15", "2025-06063", None, 14257, "amends", "Amends: EO 14257"),
    _link("2025-06462", "2025-04-15", "2025-06378", None, 14259, "amends", "Amends: EO 14257, April 2, 2025, and EO 14259"),
    _link("2025-15010", "2025-08-06", "2025-06063", None, 14257, "modifies",
          "title: Further Modifying the Reciprocal Tariff Rates; disposition_notes: EO 14257"),
    _link("R1-2026-03829", "2026-04-09", "2026-03829", None, 14388, "corrects", "document number R1-2026-03829"),
]


def test_links_of_the_fixture_feed():
    assert sql_links(fixture_feed()) == FEED_LINKS


HAND_MADE = [
    _doc("2025-05930", "2025-04-03", proclamation_number="10908"),
    _doc("2025-06063", "2025-04-07", executive_order_number=14257),
    _doc("2099-00002", "2099-01-05", correction_of="2025-05930"),
    _doc("2099-00003", "2099-02-01", proclamation_number="99999",
         abstract="This proclamation amends Proclamation 10908 of March 26, 2025, to add parts."),
    _doc("2099-00004", "2099-02-02", abstract="Section 2 of Executive Order 14257 is hereby amended to read as follows."),
    _doc("2099-00005", executive_order_number=14999,
         abstract="Duties under Executive Order 14257, as amended by Executive Order 14259, continue. "
                  "This order amends Executive Order 14999 only in name."),
    _doc("2099-00006", abstract="This proclamation further amends Proc. 10908, as set out below."),
    _doc("2099-00007", abstract="Supersedes Executive Orders 14193 and 14194."),
    _doc("2099-00008", abstract="Revoking E.O. 14257. It modifies the tariff schedule. Proclamation 10908 is only cited."),
    _doc("2099-00009", title="Further Modifying the Reciprocal Tariff Rates",
         disposition_notes="See: EO 14257, April 2, 2025; EO 14266"),
    _doc("2099-00010", title="Amendment to Duties", abstract="Terminates the U.S. measures of Executive Order No. 14195; see Proclamation 10908."),
    _doc("R1-2099-00010", "2099-03-01", title="Amendment to Duties", executive_order_number=14400),
    _doc("C1-2099-00099", "2099-03-02"),
    _doc("2099-00011", abstract="Amends Executive Orders 14257, 14259, and 14266; modifies Proclamation Nos. 10908 & 10909."
                                " " + "x" * 200 + " Executive Order 14000 is far away."),
    _doc("2099-00012", abstract="Modifying\u00a0Executive\u00a0Order\u00a014257\u2009and Proclamation 9704 (Steel)."),
    _doc("2099-00013", abstract="The order amendsEO 14257; revokes E. O. 14193 of Feb. 1."),
    _doc("2099-00014", abstract="It mod\u0131fies Proclamation 10908; \u017fupersedes EO 14193; \u00e9EO 14257 is cited."),
]

HAND_MADE_LINKS = [
    # 2099-01-02, by document number and link kind:
    # "further amends Proc. 10908": the full stop of "Proc." ends no sentence
    _link("2099-00006", "2099-01-02", "2025-05930", "10908", None, "amends", "amends Proc. 10908"),
    # one reference, two numbers; neither order is held
    _link("2099-00007", "2099-01-02", None, None, 14193, "supersedes", "Supersedes Executive Orders 14193 and 14194"),
    _link("2099-00007", "2099-01-02", None, None, 14194, "supersedes", "Supersedes Executive Orders 14193 and 14194"),
    # "E.O." is not a sentence end; "It modifies the tariff schedule." ends before Proclamation 10908
    _link("2099-00008", "2099-01-02", "2025-06063", None, 14257, "revokes", "Revoking E.O. 14257"),
    # the title's verb names no order: every reference of the notes takes it
    _link("2099-00009", "2099-01-02", "2025-06063", None, 14257, "modifies",
          "title: Further Modifying the Reciprocal Tariff Rates; disposition_notes: EO 14257"),
    _link("2099-00009", "2099-01-02", None, None, 14266, "modifies",
          "title: Further Modifying the Reciprocal Tariff Rates; disposition_notes: EO 14266"),
    # "terminates" is a revocation; "U.S." ends no sentence, the `;` does (Proclamation 10908 is cited);
    # the abstract names a target, so the title's "Amendment to" takes none
    _link("2099-00010", "2099-01-02", None, None, 14195, "revokes", "Terminates the U.S. measures of Executive Order No. 14195"),
    # lists of numbers ("14257, 14259, and 14266", "Nos. 10908 & 10909"); EO 14000 is past 160 characters
    _link("2099-00011", "2099-01-02", "2025-06063", None, 14257, "amends", "Amends Executive Orders 14257, 14259, and 14266"),
    _link("2099-00011", "2099-01-02", None, None, 14259, "amends", "Amends Executive Orders 14257, 14259, and 14266"),
    _link("2099-00011", "2099-01-02", None, None, 14266, "amends", "Amends Executive Orders 14257, 14259, and 14266"),
    _link("2099-00011", "2099-01-02", "2025-05930", "10908", None, "modifies", "modifies Proclamation Nos. 10908 & 10909"),
    _link("2099-00011", "2099-01-02", None, "10909", None, "modifies", "modifies Proclamation Nos. 10908 & 10909"),
    # Unicode spaces are spaces, also inside "Executive\u00a0Order" (evidence collapses them)
    _link("2099-00012", "2099-01-02", "2025-06063", None, 14257, "modifies", "Modifying Executive Order 14257"),
    _link("2099-00012", "2099-01-02", None, "9704", None, "modifies", "Modifying Executive Order 14257 and Proclamation 9704"),
    # "amendsEO" is no word; "E. O." is
    _link("2099-00013", "2099-01-02", None, None, 14193, "revokes", "revokes E. O. 14193"),
    # verbs spelt with a dotless ı or a long ſ are those verbs; "éEO" is no word
    _link("2099-00014", "2099-01-02", "2025-05930", "10908", None, "modifies", "mod\u0131fies Proclamation 10908"),
    _link("2099-00014", "2099-01-02", None, None, 14193, "supersedes", "\u017fupersedes EO 14193"),
    # correction_of, with the corrected document's proclamation
    _link("2099-00002", "2099-01-05", "2025-05930", "10908", None, "corrects", "correction_of 2025-05930"),
    # an active verb in the abstract; its own proclamation 99999 is not named
    _link("2099-00003", "2099-02-01", "2025-05930", "10908", None, "amends", "amends Proclamation 10908"),
    # the passive "is hereby amended" after the reference
    _link("2099-00004", "2099-02-02", "2025-06063", None, 14257, "amends", "Executive Order 14257 is hereby amended"),
    # a republication of a held document takes its numbers (none), not its own EO 14400
    _link("R1-2099-00010", "2099-03-01", "2099-00010", None, None, "corrects", "document number R1-2099-00010"),
    # a correction of a document not held
    _link("C1-2099-00099", "2099-03-02", "2099-00099", None, None, "corrects", "document number C1-2099-00099"),
    # no links: 2025-05930 and 2025-06063 (nothing in their texts); 2099-00005 ("as amended by" is
    # someone else's amendment, and it names its own EO 14999)
]


def test_links_of_hand_made_cases():
    assert sql_links(pl.DataFrame(HAND_MADE, schema=fr.SCHEMA)) == HAND_MADE_LINKS


def test_links_of_no_documents_is_an_empty_table():
    assert sql_links(pl.DataFrame(schema=fr.SCHEMA)) == []


def _register_warehouse(events: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    """A working copy holding `events` as the staged register (unvalidated), the fixture feed, the countries."""
    from pipelines import countries

    con = duckdb.connect()
    warehouse.ensure_structure(con)
    stamp = dict(fetched_at="2026-01-01T00:00:00+00:00", changed=True)
    warehouse.load_staging(con, "tariff_register", events.rename({"source_url": "event_source_url"}),
                           url="test", raw_sha256="1" * 64, **stamp)
    warehouse.load_staging(con, "federal_register", fixture_feed(), url="feed", raw_sha256="2" * 64, **stamp)
    warehouse.load_staging(con, "countries", countries.dim_country_frame(), url="countries", raw_sha256="3" * 64, **stamp)
    for name in ("core.dim_country", "core.fct_federal_register_documents", "core.dim_tariff_event",
                 "core.bridge_tariff_event_country"):
        warehouse.build_model(con, _model(name))
    return con


def _check(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    [check] = [c for c in checks() if c.name == name]
    body = check.sql.strip().rstrip(";")
    return [row[0] for row in con.execute(f"SELECT problem FROM ({body})").fetchall()]


def test_sql_date_check_mirrors_validate_register():
    register = tariff_register.load_register()
    line_of = dict(register.select("event_id", "csv_line").iter_rows())
    d = date.fromisoformat
    broken = {
        "2025-08-06-eo14329-india": {"signed_on": d("2025-08-20")},  # after published
        "2025-07-30-eo14323-brazil": {"announced_on": d("2025-08-01")},  # after signed
        "2025-07-22-us-japan-deal": {"announced_on": d("2025-07-22"), "effective_on": d("2025-07-01"), "signed_on": d("2025-07-10")},
        "2025-02-01-eo14193-canada": {"effective_on": d("2025-01-01")},  # before signed, not retroactive
        "2025-09-04-eo14345-japan": {"effective_on": d("2025-08-07")},  # before signed, but retroactive: fine
        "2026-02-20-scotus-ieepa-ruling": {"published_on": d("2026-02-01")},  # announced after published, no signing
    }
    events = pl.DataFrame(
        [{**row, **broken.get(row["event_id"], {})} for row in register.to_dicts()], schema=tariff_register.SCHEMA
    )
    python = [m for m in tariff_register.validate_register(events) if " is after " in m or " is before " in m]
    con = _register_warehouse(events)
    sql = _check(con, "tariff_event_dates_in_order")
    expected_ids = {m.split(" ")[0] for m in python}
    assert expected_ids == set(broken) - {"2025-09-04-eo14345-japan"}
    assert {p.split(" ")[0] for p in sql} == expected_ids
    for problem in sql:
        event_id = problem.split(" ")[0]
        assert f"(line {line_of[event_id]})" in problem
        for message in python:
            if message.startswith(event_id + " "):
                assert message.split(": ", 1)[1] in problem


def test_sql_register_checks_on_a_planted_gap_and_disagreement():
    register = tariff_register.load_register()
    changes = {
        # not in the fixture feed although the feed covers its date: blocking
        "2025-08-06-eo14329-india": {"fr_document_number": "2025-99999"},
        # disagreements: a warning naming them
        "2025-04-08-eo14259-china": {"published_on": date(2025, 4, 15)},
        "2025-09-04-eo14345-japan": {"title": "Implementing the Japan Deal"},
        # outside the feed's coverage: the feed cannot tell
        "2026-07-15-brazil-s301": {"published_on": date(2026, 7, 20)},
    }
    events = pl.DataFrame(
        [{**row, **changes.get(row["event_id"], {})} for row in register.to_dicts()], schema=tariff_register.SCHEMA
    )
    con = _register_warehouse(events)
    [missing] = _check(con, "tariff_register_documents_in_feed")
    assert missing.startswith("2025-08-06-eo14329-india (line ") and "2025-99999" in missing
    python = [m for m in tariff_register.validate_register(events, fixture_feed()) if "not in the feed" in m]
    assert [m.split(":")[0] for m in python] == [missing.split(":")[0]]
    disagreements = _check(con, "tariff_register_agrees_with_feed")
    compared = tariff_register.compare_with_feed(events, fixture_feed())
    assert len(disagreements) == compared.height == 2
    assert any("2025-04-08-eo14259-china" in p and "2025-04-15" in p and "2025-04-14" in p for p in disagreements)
    assert any("2025-09-04-eo14345-japan" in p and "Implementing the Japan Deal" in p for p in disagreements)
    assert _check(con, "federal_register_documents_unique") == []
    # The disagreeing register value is kept, not overwritten by the feed.
    assert con.execute(
        "SELECT published_on, published_on_source, fr_publication_date FROM core.dim_tariff_event WHERE event_id = '2025-04-08-eo14259-china'"
    ).fetchall() == [(date(2025, 4, 15), "register", date(2025, 4, 14))]


def test_bridge_follows_the_orders_scope():
    con = _register_warehouse(tariff_register.load_register())

    def countries(event_id: str) -> set[str]:
        rows = con.execute("SELECT iso3 FROM core.bridge_tariff_event_country WHERE event_id = ?", [event_id]).fetchall()
        return {iso3 for (iso3,) in rows}

    # EO 14257 sec. 3(d)-(e): Canada and Mexico are not under the reciprocal tariff.
    liberation_day = countries("2025-04-02-eo14257-reciprocal")
    assert {"JPN", "CHN", "HKG", "GBR"} <= liberation_day and not {"CAN", "MEX"} & liberation_day
    # Sec. 3(j), EO 14266: China's rates include Hong Kong and Macau (Macau joins no holdings).
    assert countries("2025-04-09-eo14266-china") == {"CHN", "HKG", "MAC"}
    assert con.execute("SELECT in_dim_country FROM core.bridge_tariff_event_country WHERE event_id = '2025-04-09-eo14266-china' AND iso3 = 'HKG'").fetchall() == [(True,)]
    assert not {"CHN", "HKG", "CAN", "MEX"} & countries("2025-04-09-eo14266-pause")
    # The border orders still name their country.
    assert countries("2025-02-01-eo14193-canada") == {"CAN"}
    # The evidence travels with the event.
    [(evidence, source)] = con.execute(
        "SELECT scope_evidence, scope_source FROM core.dim_tariff_event WHERE event_id = '2025-04-02-eo14257-reciprocal'").fetchall()
    assert "articles imported from Canada or Mexico under the terms of this order shall not apply" in evidence
    assert source.startswith("tariffs/whitehouse/2025-04-02-regulating-imports-with-a-reciprocal-tariff")


def test_scope_evidence_check_blocks_a_row_without_evidence():
    register = tariff_register.load_register()
    line_of = dict(register.select("event_id", "csv_line").iter_rows())
    assert _check(_register_warehouse(register), "tariff_event_scope_has_evidence") == []
    changes = {"2025-04-02-eo14257-reciprocal": {"scope_evidence": ""},
               "2025-08-06-eo14329-india": {"scope_evidence": None, "scope_source": "  "}}
    events = pl.DataFrame(
        [{**row, **changes.get(row["event_id"], {})} for row in register.to_dicts()], schema=tariff_register.SCHEMA
    )
    problems = sorted(_check(_register_warehouse(events), "tariff_event_scope_has_evidence"))
    assert problems == [
        f"2025-04-02-eo14257-reciprocal (line {line_of['2025-04-02-eo14257-reciprocal']}): partner scope all has no scope_evidence (the quoted clause)",
        f"2025-08-06-eo14329-india (line {line_of['2025-08-06-eo14329-india']}): partner scope listed has no scope_evidence (the quoted clause) and scope_source (file or URL)",
    ]
    [check] = [c for c in checks() if c.name == "tariff_event_scope_has_evidence"]
    assert check.blocking and check.asset == "core.dim_tariff_event"


def test_feed_uniqueness_check_reads_staging():
    con = duckdb.connect()
    warehouse.ensure_structure(con)  # no core table: the check must run without it
    feed = fixture_feed()
    at = "2026-01-01T00:00:00+00:00"
    warehouse.load_staging(con, "federal_register", feed, url="feed", raw_sha256="a" * 64, fetched_at=at, changed=True)
    assert _check(con, "federal_register_documents_unique") == []
    # A later fetch that changes a document is its new version, not a duplicate.
    newer = feed.head(1).with_columns(pl.lit("Corrected title").alias("title"))
    warehouse.load_staging(con, "federal_register", newer, url="later", raw_sha256="b" * 64,
                           fetched_at="2026-02-01T00:00:00+00:00", changed=True)
    assert _check(con, "federal_register_documents_unique") == []
    # Two pages fetched at the same moment that disagree, and a page listing a document twice.
    rival = feed.filter(pl.col("document_number") == "2025-06063").with_columns(pl.lit("Another title").alias("title"))
    warehouse.load_staging(con, "federal_register", rival, url="rival", raw_sha256="c" * 64, fetched_at=at, changed=True)
    twice = feed.filter(pl.col("document_number") == "2025-17389")
    warehouse.load_staging(con, "federal_register", pl.concat([twice, twice]), url="twice", raw_sha256="d" * 64,
                           fetched_at="2026-03-01T00:00:00+00:00", changed=True)
    problems = sorted(_check(con, "federal_register_documents_unique"))
    assert problems == [
        "document 2025-06063 published 2025-04-07: the pages fetched last (2026-01-01 00:00:00+00) give 2 different versions",
        "document 2025-17389 published 2025-09-09: listed 2 times on one page (twice)",
    ]
