"""Japan MOF official reserve assets (`historical.csv`): real file and our cp932 fixture."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.mirror import mirror_relpath
from pipelines.sources import mof_reserves
from pipelines.sources.errors import SourceFormatError
from tests.parser_errors import expect_format_error

URL = "https://www.mof.go.jp/policy/international_policy/reference/official_reserve_assets/historical.csv"
REL = mirror_relpath(URL)


def _month(frame: pl.DataFrame, year: int, month: int) -> dict:
    rows = frame.filter(pl.col("ref_month") == date(year, month, 1)).to_dicts()
    assert len(rows) == 1, f"{year}-{month:02d}: {len(rows)} rows"
    return rows[0]


def _assert_identities(frame: pl.DataFrame) -> None:
    filled = frame.fill_null(0)
    parts = (filled["fx_reserves_usd_mn"] + filled["imf_position_usd_mn"] + filled["sdr_usd_mn"]
             + filled["gold_usd_mn"] + filled["other_reserve_assets_usd_mn"])
    assert (filled["total_reserves_usd_mn"] == parts).all()
    assert (filled["fx_reserves_usd_mn"]
            == filled["securities_usd_mn"] + filled["deposits_usd_mn"]).all()


# ---------------------------------------------------------------- real file


@pytest.fixture
def real(real_sources: Path) -> pl.DataFrame:
    return mof_reserves.parse((real_sources / "mirror" / REL).read_bytes(), URL)


def test_real_shape_and_schema(real):
    assert real.schema == pl.Schema(mof_reserves.SCHEMA)
    assert real.height == 317
    months = real["ref_month"].to_list()
    assert months[0] == date(2000, 4, 1) and months[-1] == date(2026, 8, 1)
    # contiguous: every month from 2000-04 to 2026-08 exactly once
    expected = pl.date_range(date(2000, 4, 1), date(2026, 8, 1), "1mo", eager=True).to_list()
    assert months == expected
    assert real["line_no"].to_list() == list(range(20, 337))


def test_real_identities_on_every_row(real):
    _assert_identities(real)


def test_real_2025_03(real):
    row = _month(real, 2025, 3)
    assert row == {
        "ref_month": date(2025, 3, 1),
        "total_reserves_usd_mn": 1_272_511,
        "fx_reserves_usd_mn": 1_103_340,
        "securities_usd_mn": 943_250,
        "deposits_usd_mn": 160_090,
        "imf_position_usd_mn": 10_265,
        "sdr_usd_mn": 58_537,
        "gold_usd_mn": 84_728,
        "other_reserve_assets_usd_mn": 15_641,
        "sdr_basket_currencies_usd_mn": 1_254_216,
        "other_currencies_usd_mn": 18_295,
        "gold_moz": 27.2,
        "line_no": 319,
    }


def test_real_other_spot_months(real):
    assert _month(real, 2025, 4)["total_reserves_usd_mn"] == 1_298_249
    assert _month(real, 2026, 8)["total_reserves_usd_mn"] == 1_207_524
    assert _month(real, 2026, 8)["gold_usd_mn"] == 124_103
    # 2026-02 is the `Feburuary` row: the month comes from `2月`
    feb = _month(real, 2026, 2)
    assert feb["total_reserves_usd_mn"] == 1_410_699 and feb["line_no"] == 330
    sep22 = _month(real, 2022, 9)
    assert (sep22["total_reserves_usd_mn"], sep22["securities_usd_mn"], sep22["other_reserve_assets_usd_mn"]) == (
        1_238_056, 985_272, 3_920)
    first = _month(real, 2000, 4)
    assert (first["total_reserves_usd_mn"], first["gold_moz"]) == (338_582, 24.23)


def test_real_era_switch_and_missing_gregorian_year(real):
    # 平成31年 runs to 2019-04, 令和元年 starts at 2019-05 (a row with no Gregorian year)
    assert _month(real, 2019, 4)["total_reserves_usd_mn"] == 1_293_499
    assert _month(real, 2019, 5)["total_reserves_usd_mn"] == 1_307_975


def test_real_nulls_are_documented_ones(real):
    # other reserve assets first reported 2006-03
    other = real.filter(pl.col("other_reserve_assets_usd_mn").is_null())["ref_month"]
    assert other.min() == date(2000, 4, 1) and other.max() == date(2006, 2, 1) and other.len() == 71
    # currency composition: every March, plus the first row 2000-04
    comp = real.filter(pl.col("sdr_basket_currencies_usd_mn").is_not_null())
    assert comp.height == 27
    assert set(comp["ref_month"].dt.month().to_list()) == {3, 4}
    assert comp.filter(pl.col("ref_month").dt.month() == 4)["ref_month"].to_list() == [date(2000, 4, 1)]
    # 2005-03 gives the SDR-basket figure but leaves "other" blank: nil -> 0, and the pair adds up
    mar05 = _month(real, 2005, 3)
    assert mar05["other_currencies_usd_mn"] == 0
    assert mar05["sdr_basket_currencies_usd_mn"] == mar05["total_reserves_usd_mn"] == 837_718
    for col in ("total_reserves_usd_mn", "fx_reserves_usd_mn", "securities_usd_mn", "deposits_usd_mn",
                "imf_position_usd_mn", "sdr_usd_mn", "gold_usd_mn", "gold_moz"):
        assert real[col].null_count() == 0, col


# ---------------------------------------------------------------- fixture


@pytest.fixture
def body(fixture_mirror: Path) -> bytes:
    return (fixture_mirror / REL).read_bytes()


def test_fixture_bytes_have_the_official_quirks(body):
    assert body.count(b"\r\n") == body.count(b"\n") == 31  # CRLF only, 19 header + 12 data rows
    text = body.decode("cp932")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert {len(r) for r in rows} == {143}
    assert "Feburuary" in text and "令和元年" in text and "平成31年" in text


def test_fixture_parses(body):
    frame = mof_reserves.parse(body, URL)
    assert frame.schema == pl.Schema(mof_reserves.SCHEMA)
    assert frame["ref_month"].to_list() == [
        date(2000, 4, 1), date(2000, 5, 1), date(2019, 3, 1), date(2019, 4, 1), date(2019, 5, 1),
        date(2019, 6, 1), date(2022, 9, 1), date(2022, 10, 1), date(2025, 3, 1), date(2025, 4, 1),
        date(2026, 1, 1), date(2026, 2, 1),
    ]
    assert frame["line_no"].to_list() == list(range(20, 32))
    _assert_identities(frame)
    oct22 = _month(frame, 2022, 10)
    assert (oct22["total_reserves_usd_mn"], oct22["deposits_usd_mn"], oct22["gold_usd_mn"]) == (
        1_194_568, 137_017, 44_580)
    assert _month(frame, 2026, 2)["total_reserves_usd_mn"] == 1_410_699  # the `Feburuary` row
    assert _month(frame, 2019, 5)["sdr_usd_mn"] == 19_203  # 令和元年, no Gregorian year
    assert _month(frame, 2025, 3)["other_currencies_usd_mn"] == 18_295
    assert _month(frame, 2025, 4)["other_currencies_usd_mn"] is None
    assert _month(frame, 2000, 5)["other_reserve_assets_usd_mn"] is None
    assert _month(frame, 2000, 4)["sdr_basket_currencies_usd_mn"] == 338_474


# ---------------------------------------------------------------- errors


def _edit(body: bytes, line: int, col: int, value: str) -> bytes:
    """The fixture with one cell of one (1-based) line replaced, still cp932 + CRLF."""
    rows = list(csv.reader(io.StringIO(body.decode("cp932"), newline="")))
    rows[line - 1][col] = value
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp932")


def _raises(body: bytes, line: int | None, *words: str) -> SourceFormatError:
    return expect_format_error(mof_reserves.parse, body, URL, "mof_reserves", line, *words)

def test_error_column_count(body):
    rows = body.split(b"\r\n")
    rows[24] = rows[24] + b",extra"
    _raises(b"\r\n".join(rows), 25, "expected 143 columns, found 144")


def test_error_header_label_moved(body):
    _raises(_edit(body, 13, 14, "(2) Something else"), 13, "IMF reserve position")


def test_error_units_changed(body):
    _raises(_edit(body, 6, 0, "（US$ billions)"), 6, "US$ millions")


def test_error_unknown_era(body):
    _raises(_edit(body, 30, 0, "新元8年"), 30, "unknown Japanese era")


def test_error_month_does_not_follow(body):
    # 2026-01 without its era label would carry 2025 forward: 2025-01 after 2025-04
    _raises(_edit(body, 30, 0, ""), 30, "2025-01 does not follow", "2025-04")


def test_error_gregorian_year_disagrees(body):
    _raises(_edit(body, 26, 2, "2021"), 26, "Gregorian year 2021")


def test_error_non_numeric_cell(body):
    _raises(_edit(body, 27, 15, "n.a."), 27, "column 15 is not a number")


def test_error_total_out_of_range(body):
    _raises(_edit(body, 31, 4, "1410"), 31, "outside 100000..3000000")


def test_error_identity_broken(body):
    _raises(_edit(body, 28, 6, "943251"), 28, "securities + deposits")


def test_error_not_cp932(body):
    broken = body.replace("令和7年".encode("cp932"), b"\x81\xff7\x94N")
    _raises(broken, 28, "not cp932")


def test_nil_headline_item_is_zero(body):
    # MOF prints nil (`-` on the web page, empty here) for a true zero; a 2000-05 row with no
    # SDR holdings (and the total reduced to match) reads as 0, not null.
    edited = _edit(_edit(body, 21, 15, ""), 21, 4, str(341_136 - 2_496))
    row = _month(mof_reserves.parse(edited, URL), 2000, 5)
    assert row["sdr_usd_mn"] == 0 and row["total_reserves_usd_mn"] == 338_640
