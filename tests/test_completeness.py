"""Every paged client proves it got everything: a search whose pages hold fewer rows than the API
announced fails the source, naming the search, its window and both counts; a Federal Register
window too large for the API's 2,000-result window is split (here: one day, split by document
type) over real HTTPS through the loopback proxy, against the emulation."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from urllib.parse import quote

import duckdb
import pytest

from pipelines import warehouse
from pipelines.catalog import debt, tariffs
from pipelines.config import Settings
from pipelines.fetch import Fetcher
from pipelines.ingest import IncompleteSearch
from pipelines.mirror import mirror_relpath
from pipelines.sources import debt_to_penny
from pipelines.sources import federal_register as fr
from tests.loopback import LoopbackServer, Reply

SINCE = date(2025, 1, 1)


def _connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.ensure_structure(con)
    return con


def test_a_fiscaldata_shortfall_fails_naming_search_window_and_counts(monkeypatch, tmp_path):
    url = debt_to_penny.page_url(None, page_size=10)
    page = {"data": [{"record_date": f"2024-11-2{d}", "tot_pub_debt_out_amt": "36113570535802.53"} for d in (5, 6, 7)],
            "meta": {"count": 3, "total-count": 5, "total-pages": 1},
            "links": {"self": "&page%5Bnumber%5D=1&page%5Bsize%5D=10", "next": None}}
    with LoopbackServer() as server:
        server.script("/" + quote(mirror_relpath(url)), Reply(200, json.dumps(page).encode()))
        monkeypatch.setenv("TLW_HOME", str(tmp_path))
        monkeypatch.setenv("TLW_MIRROR", server.base_url)
        monkeypatch.setenv("TLW_HTTP_RETRIES", "0")
        settings = Settings.from_env()
        [source] = [s for s in debt.SOURCES if s.name == "debt_to_penny"]
        source = replace(source, first_urls=lambda s, c: [url])
        with Fetcher(settings) as fetcher, pytest.raises(IncompleteSearch) as caught:
            source.ingest(fetcher, _connection(), settings)
    message = str(caught.value)
    assert message.startswith("[debt_to_penny] search v2/accounting/od/debt_to_penny, window filter=record_date:gte:1993-01-01")
    assert "announced 5 rows, 3 collected" in message
    assert (caught.value.expected, caught.value.collected) == (5, 3)


def _notice(n: int, kind: str) -> dict:
    return {**{f: None for f in fr.FIELDS}, "document_number": f"D2025-{n:05d}", "publication_date": "2025-03-03",
            "title": f"Notice of Implementation of Additional Duties, item {n}", "type": kind, "agencies": []}


def _implementing(settings) -> tariffs.FederalRegisterSource:
    [source] = [s for s in tariffs.SOURCES if s.name == "federal_register"]
    return replace(source, first_urls=lambda s, c: [fr.search_urls(SINCE)[2]])


def test_one_day_over_the_result_window_is_split_by_document_type(behind_proxy):
    register, _, _, _ = behind_proxy
    register.documents = [_notice(n, "Notice") for n in range(1100)] + [_notice(n, "Rule") for n in range(1100, 2100)]
    settings = Settings.from_env()
    con = _connection()
    with Fetcher(settings) as fetcher:
        report = _implementing(settings).ingest(fetcher, con, settings)
    assert con.execute("SELECT count(DISTINCT document_number) FROM staging.federal_register").fetchone() == (2100,)
    assert report.rows_loaded == 2100
    one_day = [dict(s) for s in register.searches if dict(s).get("conditions[publication_date][lte]") == "2025-03-03"
               and dict(s).get("conditions[publication_date][gte]") == "2025-03-03"]
    assert {s.get("conditions[type][]") for s in one_day} == {None, *fr.DOCUMENT_TYPES}


def test_a_window_that_cannot_be_split_fails_naming_it(behind_proxy):
    register, _, _, _ = behind_proxy
    register.documents = [_notice(n, "Notice") for n in range(2100)]
    settings = Settings.from_env()
    with Fetcher(settings) as fetcher, pytest.raises(IncompleteSearch) as caught:
        _implementing(settings).ingest(fetcher, _connection(), settings)
    message = str(caught.value)
    assert "type=NOTICE, window publication_date 2025-03-03..2025-03-03 (cannot be split further" in message
    assert "announced 2,100 rows, 0 collected" in message


def test_split_by_year_then_halves_then_types():
    search = fr.search_urls(date(2018, 1, 1))[2]
    years = fr.split(search, date(2026, 12, 2))
    assert [fr.window_of(u) for u in years] == [
        *[(date(y, 1, 1), date(y, 12, 31)) for y in range(2018, 2026)], (date(2026, 1, 1), None)]
    assert [fr.window_of(u) for u in fr.split(years[-1], date(2026, 12, 2))] == [
        (date(2026, 1, 1), date(2026, 6, 17)), (date(2026, 6, 18), None)]
    day = fr.narrowed(search, date(2025, 3, 3), date(2025, 3, 3))
    assert [dict(fr._params(u))["conditions[type][]"] for u in fr.split(day, date(2026, 1, 1))] == list(fr.DOCUMENT_TYPES)
    presidential = fr.narrowed(fr.search_urls(date(2018, 1, 1))[0], date(2025, 3, 3), date(2025, 3, 3))
    assert [dict(fr._params(u))["conditions[presidential_document_type][]"] for u in fr.split(presidential, date(2026, 1, 1))] == list(
        fr.PRESIDENTIAL_DOCUMENT_TYPES)
