"""Japan MOF weekly International Transactions in Securities (week.csv): our cp932 fixture.

No copy of the official file exists here: the fixture is written to MOF's published layout (see
the parser's docstring) with CONSTRUCTED amounts. It has 23 weeks from 2024-12-29 to 2025-06-07,
a header cell stacking two labels on two lines (so physical lines run two ahead of CSV records),
full-width digits in the first week label, a space after the tilde in the second, a year-crossing
first week, and a residents' long-term debt net of -21,000 (100 million yen) in the week of
2025-04-06.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.catalog.markets import MOF_WEEKLY_URL
from pipelines.mirror import mirror_relpath
from pipelines.sources import mof_weekly_securities as mws
from tests.parser_errors import expect_format_error

URL = MOF_WEEKLY_URL
FIRST_WEEK_LINE = 17  # 14 header records on 16 physical lines


@pytest.fixture
def body(fixture_mirror: Path) -> bytes:
    return (fixture_mirror / mirror_relpath(URL)).read_bytes()


def _cell(frame: pl.DataFrame, week: date, side: str, instrument: str) -> dict:
    [row] = frame.filter((pl.col("week_start") == week) & (pl.col("investor_side") == side)
                         & (pl.col("instrument") == instrument)).to_dicts()
    return row


def _text(body: bytes) -> str:
    return body.decode("cp932")


def _with(body: bytes, old: str, new: str) -> bytes:
    text = _text(body)
    assert old in text, old
    return text.replace(old, new, 1).encode("cp932")


def _raises(data: bytes, line: int, *words: str) -> None:
    expect_format_error(mws.parse, data, URL, "mof_weekly_securities", line, *words)


def test_fixture_layout_and_values(body: bytes):
    assert body.count(b"\r\n") > 40  # CRLF, cp932
    frame = mws.parse(body, URL)
    assert frame.schema == pl.Schema(mws.SCHEMA)
    assert frame.height == 23 * 2 * 5
    assert frame["final_update"].unique().to_list() == [date(2025, 6, 12)]
    weeks = frame["week_start"].unique().sort().to_list()
    assert weeks[0] == date(2024, 12, 29) and weeks[-1] == date(2025, 6, 1)
    assert all(d.weekday() == 6 for d in weeks)
    bonds = _cell(frame, date(2025, 4, 6), "residents_foreign_securities", "long_term_debt")
    assert bonds == {
        "week_start": date(2025, 4, 6), "week_end": date(2025, 4, 12),
        "investor_side": "residents_foreign_securities", "instrument": "long_term_debt",
        "acquisition_100m_jpy": 21_954.0, "disposition_100m_jpy": 42_954.0,
        "net_printed_100m_jpy": -21_000.0, "net_acquisition_100m_jpy": -21_000.0,
        "final_update": date(2025, 6, 12), "line_no": FIRST_WEEK_LINE + 14,
    }
    total = _cell(frame, date(2025, 4, 6), "residents_foreign_securities", "total")
    assert (total["acquisition_100m_jpy"], total["net_acquisition_100m_jpy"]) == (None, -20_232.0)
    inward = _cell(frame, date(2025, 4, 6), "nonresidents_japanese_securities", "long_term_debt")
    assert inward["net_acquisition_100m_jpy"] == -400.0


def test_week_labels_full_width_spaced_and_year_crossing():
    assert mws.week_label("2026．9．6～9．12") == (date(2026, 9, 6), date(2026, 9, 12))
    assert mws.week_label("２０２４．１２．２９～２０２５．１．４") == (date(2024, 12, 29), date(2025, 1, 4))
    assert mws.week_label("2005．1．2～ 1．8") == (date(2005, 1, 2), date(2005, 1, 8))
    with pytest.raises(ValueError, match="Sunday-to-Saturday"):
        mws.week_label("2026．9．7～9．13")  # Monday to Sunday
    with pytest.raises(ValueError, match="not a week label"):
        mws.week_label("2026年9月6日～12日")
    with pytest.raises(ValueError, match="does not exist"):
        mws.week_label("2026．2．29～3．7")


def test_pre_2014_residents_sign_is_normalised(body: bytes):
    # Before 2014 MOF printed residents' net as disposition - acquisition (note 1). A constructed
    # 2013 file: the printed net keeps MOF's sign, net_acquisition is always acquisition - disposition.
    records = _text(body).split("\r\n")  # the two-line header cell holds a bare \n
    header, footer = records[:mws.HEADER_RECORDS], records[mws.HEADER_RECORDS + 23:]
    def num(v: int) -> str:
        return f'"{v:,} "' if abs(v) >= 1000 else str(v)
    assets = [100, 60, -40, 500, 800, 300, 260, 10, 30, 20, 280]  # printed old sign: sales positive
    liabilities = [200, 150, 50, 700, 600, 100, 150, 40, 10, 30, 180]
    week = "2013．12．1～12．7," + ",".join(num(v) for v in assets + liabilities)
    old = "\r\n".join(header + [week] + footer).replace("Final Update June 12, 2025", "Final Update December 12, 2013")
    frame = mws.parse(old.encode("cp932"), URL)
    bonds = _cell(frame, date(2013, 12, 1), "residents_foreign_securities", "long_term_debt")
    assert (bonds["net_printed_100m_jpy"], bonds["net_acquisition_100m_jpy"]) == (300.0, -300.0)
    total = _cell(frame, date(2013, 12, 1), "residents_foreign_securities", "total")
    assert total["net_acquisition_100m_jpy"] == -280.0
    inward = _cell(frame, date(2013, 12, 1), "nonresidents_japanese_securities", "long_term_debt")
    assert inward["net_acquisition_100m_jpy"] == 100.0  # liabilities kept their sign


# ---------------------------------------------------------------- errors, each naming the line


def test_error_unknown_japanese_header(body: bytes):
    _raises(_with(body, "中長期債", "中長期債券"), 13, "unknown header text", "中長期債券")


def test_error_unit_changed(body: bytes):
    _raises(_with(body, "Unit: 100 million Yen", "Unit: billion Yen"), 5, "Unit: 100 million Yen", "billion")


def test_error_english_instrument_renamed(body: bytes):
    _raises(_with(body, "Short-term debt securities", "Money market instruments"), 14, "Short-term debt securities")


def test_error_unknown_week_label(body: bytes):
    _raises(_with(body, "2025．4．6～4．12", "2025年4月第2週"), FIRST_WEEK_LINE + 14, "not a week label")


def test_error_missing_week(body: bytes):
    records = _text(body).split("\r\n")
    del records[mws.HEADER_RECORDS + 13]  # the week of 2025-03-30
    _raises("\r\n".join(records).encode("cp932"), FIRST_WEEK_LINE + 13, "does not follow the week ending 2025-03-29")


def test_error_net_is_not_acquisition_minus_disposition(body: bytes):
    _raises(_with(body, '"-21,000 "', '"-20,000 "'), FIRST_WEEK_LINE + 14, "long_term_debt", "not acquisition")


def test_error_subtotal_does_not_add_up(body: bytes):
    _raises(_with(body, '"-20,304 "', '"-20,310 "'), FIRST_WEEK_LINE + 14, "subtotal")


def test_error_number_with_a_unit(body: bytes):
    _raises(_with(body, '"21,954 "', '"21,954億円"'), FIRST_WEEK_LINE + 14, "not a number")


def test_error_extra_column(body: bytes):
    _raises(_with(body, "Period,Acquisition", "Period,,Acquisition"), 16, "expected 23 columns")


def test_error_sign_note_gone(body: bytes):
    _raises(_with(body, "net acquisition with a plus sign", "net purchases"), FIRST_WEEK_LINE + 24,
            "(Note 3)", "sign convention")


def test_error_week_after_final_update(body: bytes):
    _raises(_with(body, "Final Update June 12, 2025", "Final Update June 2, 2025"), FIRST_WEEK_LINE + 22,
            "after the file's final update 2025-06-02")


def test_error_not_cp932():
    _raises(b"Period,\x82\xff\n", 1, "not cp932")


def test_error_html_page():
    _raises(b"<html><body>Not Found</body></html>\n", 1, "expected 23 columns")
