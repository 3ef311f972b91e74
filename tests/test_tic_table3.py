"""tic_table3.parse on our own slt_table3.txt fixture (no real copy exists).

Fixture: country positions agree with the slt_table5.txt fixture (millions that round to the real
2026-03 vintage billions); net flows, valuation changes, regional/memo totals, All Other and the
official row are CONSTRUCTED (LT pos(t) = LT pos(t-1) + net + valchg for 2026-03; totals = sum of
members plus a constructed rest-of-region). The country codes are illustrative, not checked
against Treasury's code list.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.sources import tic_table3, tic_table5
from pipelines.sources.errors import SourceFormatError
from tests.parser_errors import edit, expect_format_error

DOCS = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents"
URL = f"https://{DOCS}/slt_table3.txt"
SOURCE = "tic_table3"
MAR, FEB = dt.date(2026, 3, 1), dt.date(2026, 2, 1)
VALUES = ["for_treas_pos_usd_mn", "for_treas_net_usd_mn", "for_lt_treas_pos_usd_mn",
          "for_lt_treas_net_usd_mn", "for_lt_treas_valchg_usd_mn", "for_st_treas_pos_usd_mn",
          "for_st_treas_net_usd_mn"]
COLUMNS = {"raw_label": pl.Utf8, "label": pl.Utf8, "country_code": pl.Utf8, "iso3": pl.Utf8,
           "aggregate": pl.Utf8, "ref_month": pl.Date, **{v: pl.Float64 for v in VALUES},
           "line_no": pl.Int32}
HEADER = ("country\tcountry_code\tdate\tfor_treas_pos\tfor_treas_net\tfor_lt_treas_pos\t"
          "for_lt_treas_net\tfor_lt_treas_valchg\tfor_st_treas_pos\tfor_st_treas_net")


@pytest.fixture
def body(fixture_mirror) -> bytes:
    return (fixture_mirror / DOCS / "slt_table3.txt").read_bytes()


@pytest.fixture
def fx(body) -> pl.DataFrame:
    return tic_table3.parse(body, URL)


def row(df: pl.DataFrame, key: str, month: dt.date) -> dict:
    rows = df.filter(((pl.col("iso3") == key) | (pl.col("aggregate") == key))
                     & (pl.col("ref_month") == month))
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_schema_and_shape(fx):
    assert fx.schema == pl.Schema(COLUMNS)
    assert fx.height == 2 * 26
    assert fx.filter(pl.col("iso3").is_null() == pl.col("aggregate").is_null()).height == 0
    assert set(fx["ref_month"]) == {MAR, FEB}


def test_values(fx):
    japan = row(fx, "JPN", MAR)
    assert [japan[v] for v in VALUES] == [1191595, -30661, 1060520, -25415, -17027, 131075, -5246]
    assert (japan["raw_label"], japan["label"], japan["country_code"], japan["line_no"]) == (
        "Japan", "Japan", "42609", 24)
    china = row(fx, "CHN", FEB)
    assert (china["label"], china["for_treas_pos_usd_mn"]) == ("China, Mainland", 693347)


def test_na_is_null(fx):
    saudi = row(fx, "SAU", FEB)
    assert saudi["for_lt_treas_valchg_usd_mn"] is None
    assert saudi["for_lt_treas_pos_usd_mn"] == 136343
    assert row(fx, "total_caribbean", FEB)["for_lt_treas_valchg_usd_mn"] is None
    assert fx.null_count().select(VALUES).sum_horizontal().item() == 2


def test_regional_and_memo_rows_are_aggregates(fx):
    codes = dict(fx.filter(pl.col("ref_month") == MAR).select("label", "aggregate").iter_rows())
    assert codes["Total Europe"] == "total_europe"
    assert codes["Memo: Euro Area"] == "euro_area"
    assert codes["Total Asia"] == "total_asia"
    assert codes["Total Latin America"] == "total_latin_america"
    assert codes["Total Caribbean"] == "total_caribbean"
    assert codes["All Other"] == "all_other"
    assert codes["Grand Total"] == "grand_total"
    assert codes["Of Which: Foreign Official"] == "foreign_official"
    assert row(fx, "total_europe", MAR)["for_treas_pos_usd_mn"] == 3584894


def test_header_found_after_varying_prose(fx, body):
    fewer = body.replace(b"Holdings at end of month; net transactions during month\t\t\t\r\n", b"")
    more = body.replace(b"Millions of dollars", b"Millions of dollars\r\nRevised series\r\n\r\n"
                        b"Source: TIC\t\t\t\r\nfor_treas_pos is end-of-month holdings", 1)
    for data, shift in ((fewer, -1), (more, 4)):
        got = tic_table3.parse(data, URL)
        assert got.drop("line_no").equals(fx.drop("line_no"))
        assert (got["line_no"] - fx["line_no"]).unique().to_list() == [shift]


@pytest.mark.parametrize("header", [
    HEADER.replace("\t", "\t "),  # spaces around names
    " " + HEADER.replace("\t", " \t") + " \t\t",
    HEADER.replace("\t", ", "),  # one comma-separated field
    HEADER.upper(),
])
def test_header_spellings(fx, body, header):
    assert tic_table3.parse(body.replace(HEADER.encode(), header.encode()), URL).equals(fx)


def test_full_dates_accepted(fx, body):
    data = body.replace(b"\t2026-03\t", b"\t2026-03-31\t")
    data = data.replace(b"\t2026-02\t", b"\t2026-02-28\t")
    assert tic_table3.parse(data, URL).equals(fx)


def test_footer_ignored(fx, body):
    assert fx["line_no"].max() == body.count(b"\r\n") - 5  # last data line, before the notes
    assert "Notes:" not in set(fx["label"])


def test_line_endings(fx, body):
    assert tic_table3.parse(body.replace(b"\r\n", b"\n"), URL).equals(fx)


def test_internally_consistent(fx):
    pos = pl.col("for_treas_pos_usd_mn")
    assert fx.filter(pos != pl.col("for_lt_treas_pos_usd_mn") + pl.col("for_st_treas_pos_usd_mn")
                     ).height == 0
    assert fx.filter(pl.col("for_treas_net_usd_mn") != pl.col("for_lt_treas_net_usd_mn")
                     + pl.col("for_st_treas_net_usd_mn")).height == 0
    parts = (fx.filter(pl.col("iso3").is_not_null() | (pl.col("aggregate") == "all_other"))
             .group_by("ref_month").agg(pos.sum()))
    grand = fx.filter(pl.col("aggregate") == "grand_total").select("ref_month", grand=pos)
    assert parts.join(grand, on="ref_month").filter(pos != pl.col("grand")).height == 0
    # LT positions roll forward with net purchases and valuation changes
    for key in ("JPN", "GBR", "grand_total"):
        new, old = row(fx, key, MAR), row(fx, key, FEB)
        assert new["for_lt_treas_pos_usd_mn"] == (old["for_lt_treas_pos_usd_mn"]
                                                  + new["for_lt_treas_net_usd_mn"]
                                                  + new["for_lt_treas_valchg_usd_mn"])


def test_agrees_with_table5_fixture(fx, fixture_mirror):
    t5 = tic_table5.parse((fixture_mirror / DOCS / "slt_table5.txt").read_bytes(),
                          f"https://{DOCS}/slt_table5.txt")
    joined = t5.join(fx, on=["iso3", "aggregate", "ref_month"], nulls_equal=True)
    assert joined.height == 2 * 21  # 18 countries + All Other + Grand Total + official
    diff = (joined["value_usd_bn"] - joined["for_treas_pos_usd_mn"] / 1000).abs()
    assert diff.max() < 0.05
    bills = t5.filter(pl.col("aggregate") == "foreign_official_bills").join(
        fx.filter(pl.col("aggregate") == "foreign_official"), on="ref_month")
    assert ((bills["value_usd_bn"] - bills["for_st_treas_pos_usd_mn"] / 1000).abs() < 0.05).all()


# ----------------------------------------------------------------------------- errors

def parse_error(data: bytes, line: int | None) -> SourceFormatError:
    return expect_format_error(tic_table3.parse, data, URL, SOURCE, line)


def test_error_not_millions(body):
    err = parse_error(edit(body, "Millions of dollars", "Billions of dollars"), 3)
    assert "billions" in str(err).lower()


def test_error_no_unit_line(body):
    parse_error(edit(body, "Millions of dollars", "Amounts"), 6)


def test_error_missing_header(body):
    err = parse_error(edit(body, HEADER + "\r\n", ""), 6)
    assert "before the machine-readable header" in str(err)


def test_error_missing_header_no_data(body):
    preamble = b"\r\n".join(body.split(b"\r\n")[:5]) + b"\r\n"
    err = parse_error(preamble, None)
    assert "missing the machine-readable header" in str(err)


def test_error_unknown_label(body):
    err = parse_error(edit(body, "Norway\t", "Norge\t"), 11)
    assert "'Norge'" in str(err)


def test_error_extra_value_column(body):
    japan = "Japan\t42609\t2026-03\t1191595\t-30661\t1060520\t-25415\t-17027\t131075\t-5246"
    err = parse_error(edit(body, japan, japan + "\t7"), 24)
    assert "11 fields" in str(err)


def test_error_bad_number(body):
    err = parse_error(edit(body, "\t1191595\t", "\t1191595?\t"), 24)
    assert "'1191595?'" in str(err)


def test_error_bad_date(body):
    err = parse_error(edit(body, "Japan\t42609\t2026-03", "Japan\t42609\tMar 2026"), 24)
    assert "'Mar 2026'" in str(err)


@pytest.mark.parametrize(("old", "new"), [
    ("\t1191595\t", "\t-1191595\t"),  # negative position
    ("\t1191595\t", "\t11915950\t"),  # a country above 5,000 bn
    ("\t-30661\t", "\t-6000000\t"),  # a net flow beyond the cap
])
def test_error_out_of_range(body, old, new):
    parse_error(edit(body, old, new), 24)


def test_error_heading_row_inside_table(body):
    # a label-only row is taken as the start of the notes; the data after it must not be lost
    belgium = "Belgium\t10057\t2026-03"
    err = parse_error(edit(body, belgium, "Europe:\r\n" + belgium), 8)
    assert "began at line 7 ('Europe:')" in str(err)


def test_negative_net_is_allowed(fx):
    assert row(fx, "JPN", MAR)["for_treas_net_usd_mn"] < 0


def test_error_values_after_notes(body):
    parse_error(body + b"Japan\t42609\t2026-04\t1\t1\t1\t1\t1\t1\t1\r\n", body.count(b"\r\n") + 1)
