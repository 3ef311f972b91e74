"""Federal Register API: URL builder and page parser (on our fixture mirror). The links between
documents are core.fct_federal_register_links, tested in tests/test_tariffs_pipeline.py.

The fixture pages under `fixtures/mirror/www.federalregister.gov/api/v1/` are our own JSON in the
API's response shape, one file per page of `search_urls(date(2018, 1, 1), per_page=5)` (9 pages of
presidential documents, 1 of USTR notices, 1 of implementing notices), named by `mirror_relpath`.
Their document numbers, publication and signing dates, EO and proclamation numbers, citations and
titles are the real ones from EVENTS_FACTS.md / federal_register_sources.csv (titles as in the
register). Where the stored sources do not give a value it is null: citations of most documents,
the title of 2026-06960, the agencies of the implementing notices (`[]`), agency ids. `description`
and the `disposition_notes` ("Amends: EO 14257 ...", from the orders' own text) are written by us.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import polars as pl
import pytest

from pipelines.mirror import mirror_relpath
from pipelines.sources import federal_register as fr
from pipelines.sources.errors import SourceFormatError

FIXTURE_SINCE = date(2018, 1, 1)
FIXTURE_PER_PAGE = 5  # the fixture pages were written for this page size, to get several pages


def read_search(mirror: Path, first_url: str) -> tuple[pl.DataFrame, list[dict]]:
    """Follow `next_page_url` from `first_url` through the mirror: what the fetcher will do over HTTP."""
    frames, pages, url = [], [], first_url
    while url:
        body = (mirror / mirror_relpath(url)).read_bytes()
        frame, next_url, _ = fr.parse_page(body, url)
        frames.append(frame)
        pages.append(json.loads(body))
        assert next_url != url
        url = next_url
    return pl.concat(frames), pages


@pytest.fixture
def feed(fixture_mirror: Path) -> pl.DataFrame:
    urls = fr.search_urls(FIXTURE_SINCE, per_page=FIXTURE_PER_PAGE)
    return pl.concat([read_search(fixture_mirror, url)[0] for url in urls])


def _query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _page(results: list[dict], **extra) -> bytes:
    page = {"count": len(results), "description": "test", "total_pages": 1, "results": results, **extra}
    return json.dumps(page).encode()


def _result(**values) -> dict:
    base = {field: None for field in fr.FIELDS}
    base.update(document_number="2099-00001", publication_date="2099-01-02", title="A test document")
    base.update(values)
    return base


# --- search_urls ------------------------------------------------------------------------------


def test_search_urls_cover_presidential_ustr_and_implementing_notices():
    urls = fr.search_urls(date(2018, 1, 1))
    assert len(urls) == 3
    presidential, ustr, implementing = (dict_list(u) for u in urls)
    for url, params in zip(urls, (presidential, ustr, implementing)):
        assert url.startswith(fr.API_URL + "?")
        assert params["order"] == ["oldest"]
        assert params["per_page"] == ["1000"]
        assert params["conditions[publication_date][gte]"] == ["2018-01-01"]
        assert params["fields[]"] == list(fr.FIELDS)
        # Not a result field: asking for it would make the API answer 400.
        assert "presidential_document_type" not in params["fields[]"]
    assert presidential["conditions[type][]"] == ["PRESDOCU"]
    assert presidential["conditions[presidential_document_type][]"] == [
        "determination", "executive_order", "memorandum", "notice", "proclamation",
    ]
    assert "tariff" in presidential["conditions[term]"][0] and "imports" in presidential["conditions[term]"][0]
    assert ustr["conditions[agencies][]"] == ["trade-representative-office-of-united-states"]
    assert ustr["conditions[type][]"] == ["NOTICE"]
    assert '"tariff related elements"' in implementing["conditions[term]"][0]


def dict_list(url: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in _query(url):
        out.setdefault(key, []).append(value)
    return out


def test_search_urls_are_stable_and_canonically_ordered():
    first = fr.search_urls(date(2025, 1, 20))
    assert fr.search_urls(date(2025, 1, 20)) == first
    for url in first:
        keys = [k for k, _ in _query(url)]
        assert keys == sorted(keys)  # sort is stable, so repeated fields[] keep their order
    # Only the parameters asked for change.
    small = fr.search_urls(date(2025, 1, 20), per_page=5)
    assert [u.replace("per_page=5", "per_page=1000") for u in small] == first
    assert fr.search_urls(date(2018, 1, 1)) != first


def test_search_urls_reject_page_sizes_the_api_does_not_document():
    with pytest.raises(ValueError):
        fr.search_urls(date(2018, 1, 1), per_page=1001)
    with pytest.raises(ValueError):
        fr.search_urls(date(2018, 1, 1), per_page=0)


def test_page_url_sets_page_in_canonical_position():
    first = fr.search_urls(date(2018, 1, 1), per_page=5)[0]
    second = fr.page_url(first, 2)
    assert second.endswith("&order=oldest&page=2&per_page=5")
    assert fr.page_url(second, 3) == fr.page_url(first, 3)
    assert mirror_relpath(second) != mirror_relpath(first)


# --- parse_page on the fixture mirror ----------------------------------------------------------


def test_fixture_pages_carry_real_metadata(feed: pl.DataFrame):
    assert feed.schema == pl.Schema(fr.SCHEMA)
    by_number = {row["document_number"]: row for row in feed.iter_rows(named=True)}
    eo14257 = by_number["2025-06063"]
    assert eo14257["publication_date"] == date(2025, 4, 7)
    assert eo14257["signing_date"] == date(2025, 4, 2)
    assert eo14257["executive_order_number"] == 14257
    assert eo14257["citation"] == "90 FR 15041"
    assert eo14257["subtype"] == "Executive Order"
    assert eo14257["presidential_document_type"] == "executive_order"
    assert eo14257["agency_slugs"] == "executive-office-of-the-president"
    autos = by_number["2025-05930"]
    assert (autos["publication_date"], autos["proclamation_number"], autos["citation"]) == (
        date(2025, 4, 3), "10908", "90 FR 14705",
    )
    assert autos["presidential_document_type"] == "proclamation"
    assert by_number["2025-15010"]["executive_order_number"] == 14326
    assert by_number["2025-17389"]["executive_order_number"] == 14345
    assert by_number["2025-17389"]["publication_date"] == date(2025, 9, 9)
    assert by_number["2026-03824"]["publication_date"] == date(2026, 2, 25)
    assert by_number["R1-2026-03829"]["executive_order_number"] == 14388
    aluminum_2018 = by_number["2018-05477"]
    assert (aluminum_2018["proclamation_number"], aluminum_2018["publication_date"]) == ("9704", date(2018, 3, 15))
    ustr = by_number["2024-21217"]
    assert ustr["agency_slugs"] == fr.USTR_AGENCY and ustr["type"] == "Notice"
    assert ustr["presidential_document_type"] is None
    assert by_number["2025-17908"]["effective_on"] == date(2025, 9, 16)


def test_following_next_page_url_reads_every_page(fixture_mirror: Path):
    presidential = fr.search_urls(FIXTURE_SINCE, per_page=FIXTURE_PER_PAGE)[0]
    frame, pages = read_search(fixture_mirror, presidential)
    assert len(pages) >= 3
    assert len(pages) == pages[0]["total_pages"]
    assert frame.height == pages[0]["count"]
    assert frame["document_number"].n_unique() == frame.height
    assert "next_page_url" not in pages[-1]
    # Oldest first across pages, and result_index is the position within each page.
    assert frame["publication_date"].is_sorted()
    assert frame["result_index"].to_list()[:6] == [0, 1, 2, 3, 4, 0]


def test_empty_search_has_no_results_key_and_gives_an_empty_frame():
    frame, next_url, announced = fr.parse_page(b'{"count":0,"description":"Documents matching xyz"}', fr.API_URL)
    assert frame.is_empty() and frame.schema == pl.Schema(fr.SCHEMA)
    assert next_url is None and announced == 0


# --- parse_page refuses what it does not recognise ---------------------------------------------


def test_html_page_served_with_200_is_refused():
    body = b"\n<!DOCTYPE html><html><head><title>Federal Register :: Site Maintenance</title></head></html>"
    with pytest.raises(SourceFormatError, match="got HTML, not JSON") as info:
        fr.parse_page(body, fr.API_URL)
    assert info.value.source == "federal_register" and info.value.url == fr.API_URL


def test_text_that_is_not_json_is_refused():
    with pytest.raises(SourceFormatError, match="not JSON"):
        fr.parse_page(b"count,results\n1,2\n", fr.API_URL)


def test_api_error_object_is_refused():
    with pytest.raises(SourceFormatError, match="error.*unknown field"):
        fr.parse_page(b'{"status":400,"message":"unknown field: presidential_document_type"}', fr.API_URL)


def test_missing_count_or_results_is_refused():
    with pytest.raises(SourceFormatError, match="no usable `count`"):
        fr.parse_page(b'{"results": []}', fr.API_URL)
    with pytest.raises(SourceFormatError, match="`count` is 3 but the page has no `results`"):
        fr.parse_page(b'{"count": 3, "description": "x"}', fr.API_URL)


def test_result_without_document_number_names_the_result():
    body = _page([_result(), _result(document_number=None)])
    with pytest.raises(SourceFormatError, match=r"result 1 \(results\[1\]\): no document_number") as info:
        fr.parse_page(body, fr.API_URL)
    assert info.value.line == 1


def test_result_without_publication_date_is_refused():
    with pytest.raises(SourceFormatError, match="result 0 .*no publication_date"):
        fr.parse_page(_page([_result(publication_date=None)]), fr.API_URL)


@pytest.mark.parametrize("field, value", [
    ("publication_date", "04/07/2025"),
    ("signing_date", "2025-02-30"),
    ("effective_on", "2025-04-07T00:00:00-04:00"),
])
def test_malformed_dates_are_refused(field: str, value: str):
    with pytest.raises(SourceFormatError, match=f"result 0 .*{field} '{value}' is not a YYYY-MM-DD date"):
        fr.parse_page(_page([_result(**{field: value})]), fr.API_URL)


def test_unexpected_value_types_are_refused():
    with pytest.raises(SourceFormatError, match="executive_order_number 'EO 14257'"):
        fr.parse_page(_page([_result(executive_order_number="EO 14257")]), fr.API_URL)
    with pytest.raises(SourceFormatError, match="title should be text"):
        fr.parse_page(_page([_result(title=["not", "text"])]), fr.API_URL)


def test_correction_of_url_is_read_as_the_corrected_document_number():
    # `correction_of` is an API URL; core.fct_federal_register_links links by number
    # (tests/test_tariffs_pipeline.py, test_links_of_hand_made_cases).
    body = _page([
        _result(document_number="2025-05930", publication_date="2025-04-03", proclamation_number="10908"),
        _result(document_number="2099-00002", publication_date="2099-01-05",
                correction_of="https://www.federalregister.gov/api/v1/documents/2025-05930.json"),
    ])
    docs, _, _ = fr.parse_page(body, fr.API_URL)
    assert docs["correction_of"].to_list() == [None, "2025-05930"]
