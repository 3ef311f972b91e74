"""Treasury Debt to the Penny API pages: URLs, paging, real responses and fixtures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.mirror import mirror_relpath
from pipelines.sources import debt_to_penny
from tests.parser_errors import expect_format_error

BASE = debt_to_penny.BASE_URL
FIELDS = "fields=record_date,debt_held_public_amt,intragov_hold_amt,tot_pub_debt_out_amt"


def test_page_url_is_canonical():
    assert debt_to_penny.page_url(None) == (
        f"{BASE}?{FIELDS}&filter=record_date:gte:1993-01-01&sort=record_date"
        "&page%5Bnumber%5D=1&page%5Bsize%5D=10000"
    )
    assert debt_to_penny.page_url(date(2024, 11, 26), page_size=100, page_number=3) == (
        f"{BASE}?{FIELDS}&filter=record_date:gt:2024-11-26&sort=record_date"
        "&page%5Bnumber%5D=3&page%5Bsize%5D=100"
    )
    with pytest.raises(ValueError):
        debt_to_penny.page_url(None, page_number=0)


def test_page_url_mirror_name_is_readable():
    # short enough that the mirror keeps the query in the file name (no sha256 shortening)
    rel = mirror_relpath(debt_to_penny.page_url(date(2024, 11, 26), page_number=12345))
    assert rel.startswith(mirror_relpath(BASE) + "?fields=")
    assert "sha256" not in rel


# ---------------------------------------------------------------- fixtures: three pages


def test_fixture_pages_walk(fixture_mirror: Path):
    url: str | None = debt_to_penny.page_url(None, page_size=3)
    frames, urls = [], []
    while url is not None:
        urls.append(url)
        frame, url, _ = debt_to_penny.parse_page((fixture_mirror / mirror_relpath(urls[-1])).read_bytes(), urls[-1])
        frames.append(frame)
    assert urls == [debt_to_penny.page_url(None, page_size=3, page_number=n) for n in (1, 2, 3)]
    assert [f.height for f in frames] == [3, 3, 2]
    frame = pl.concat(frames)
    assert frame.schema == pl.Schema(debt_to_penny.SCHEMA)
    assert frame["record_date"].is_sorted() and frame["record_date"].n_unique() == 8

    rows = {r["record_date"]: r for r in frame.to_dicts()}
    assert rows[date(2001, 9, 10)] == {"record_date": date(2001, 9, 10), "debt_held_public_usd": None,
                                      "intragov_hold_usd": None, "tot_pub_debt_out_usd": 5773172068291.89}
    assert rows[date(2005, 3, 30)]["debt_held_public_usd"] is None  # last day without the split
    assert rows[date(2005, 3, 31)]["debt_held_public_usd"] == 4572715640119.20
    assert (rows[date(2015, 1, 2)]["debt_held_public_usd"], rows[date(2015, 1, 2)]["intragov_hold_usd"],
            rows[date(2015, 1, 2)]["tot_pub_debt_out_usd"]) == (13000209721920.03, 5080402933324.23, 18080612655244.26)
    assert rows[date(2023, 9, 29)]["tot_pub_debt_out_usd"] == 33167334044723.16
    assert rows[date(2023, 12, 29)]["tot_pub_debt_out_usd"] == 34001493655565.48
    assert rows[date(2024, 11, 26)]["tot_pub_debt_out_usd"] == 36113570535802.53
    split = frame.drop_nulls()
    assert split.height == 6
    gap = (split["debt_held_public_usd"] + split["intragov_hold_usd"] - split["tot_pub_debt_out_usd"]).abs()
    assert (gap < 0.01).all()


# ---------------------------------------------------------------- real responses


# The saved real responses asked for fewer fields, a different filter and newest first.
REAL_URL = (f"{BASE}?fields=record_date,record_fiscal_year,tot_pub_debt_out_amt"
            "&filter=record_calendar_year:eq:2023&sort=-record_date&page[number]=1&page[size]=1")


@pytest.mark.parametrize("name, day, total", [
    ("debt_to_penny_api_cal2023_page1.json", date(2023, 12, 29), 34001493655565.48),
    ("debt_to_penny_api_fy2023_page1.json", date(2023, 9, 29), 33167334044723.16),
])
def test_real_responses(real_sources: Path, name: str, day: date, total: float):
    frame, next_url, _ = debt_to_penny.parse_page((real_sources / "fiscaldata" / name).read_bytes(), REAL_URL)
    assert frame.to_dicts() == [{"record_date": day, "debt_held_public_usd": None,
                                 "intragov_hold_usd": None, "tot_pub_debt_out_usd": total}]
    # links.next "&page%5Bnumber%5D=2&page%5Bsize%5D=1" applied to the request's own query
    assert next_url == (f"{BASE}?fields=record_date,record_fiscal_year,tot_pub_debt_out_amt"
                        "&filter=record_calendar_year:eq:2023&sort=-record_date"
                        "&page%5Bnumber%5D=2&page%5Bsize%5D=1")


# ---------------------------------------------------------------- errors


def _page(**overrides) -> dict:
    doc = {
        "data": [{"record_date": "2024-11-26", "debt_held_public_amt": "28736542181892.50",
                  "intragov_hold_amt": "7377028353910.03", "tot_pub_debt_out_amt": "36113570535802.53"}],
        "meta": {"count": 1, "total-count": 2, "total-pages": 2},
        "links": {"self": "&page%5Bnumber%5D=1&page%5Bsize%5D=1", "prev": None,
                  "next": "&page%5Bnumber%5D=2&page%5Bsize%5D=1"},
    }
    doc.update(overrides)
    return doc


URL = debt_to_penny.page_url(date(2024, 11, 25), page_size=1)


def _raises(body: bytes, line: int | None, *words: str) -> None:
    expect_format_error(debt_to_penny.parse_page, body, URL, "debt_to_penny", line, *words)

def _bytes(doc) -> bytes:
    return json.dumps(doc, indent=1).encode()


def test_error_template_is_valid():
    frame, next_url, _ = debt_to_penny.parse_page(_bytes(_page()), URL)
    assert frame.height == 1 and next_url == debt_to_penny.page_url(date(2024, 11, 25), page_size=1, page_number=2)


def test_error_not_json():
    _raises(b'{\n "data": [\n  {"record_date": "2024-11-26",\n', 4, "not JSON")


def test_error_html():
    _raises(b"<html><body>503 Service Unavailable</body></html>", 1, "not JSON")


@pytest.mark.parametrize("key", ["data", "meta", "links"])
def test_error_missing_top_level_key(key: str):
    doc = _page()
    del doc[key]
    _raises(_bytes(doc), None, repr(key))


def test_error_non_numeric_amount():
    doc = _page()
    doc["data"][0]["debt_held_public_amt"] = "$28,736,542,181,892.50"
    _raises(_bytes(doc), None, "data[0].debt_held_public_amt", "2024-11-26")


def test_error_total_out_of_range():
    doc = _page()
    doc["data"][0]["tot_pub_debt_out_amt"] = "36113570.54"  # millions, not dollars
    _raises(_bytes(doc), None, "outside 1..100 trillion", "2024-11-26")


def test_error_missing_total_field():
    doc = _page()
    del doc["data"][0]["tot_pub_debt_out_amt"]
    _raises(_bytes(doc), None, "data[0] lacks")


def test_error_next_missing_before_last_page():
    doc = _page()
    doc["links"]["next"] = None
    _raises(_bytes(doc), None, "page 1 of 2", "links.next")


def test_error_next_skips_a_page():
    doc = _page()
    doc["links"]["next"] = "&page%5Bnumber%5D=3&page%5Bsize%5D=1"
    _raises(_bytes(doc), None, "expected 2")


def test_last_page_by_meta():
    doc = _page()
    doc["meta"]["total-pages"] = 1
    _, next_url, _ = debt_to_penny.parse_page(_bytes(doc), URL)
    assert next_url is None
