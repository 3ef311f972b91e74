"""tic_table5.parse on our own slt_table5.txt fixture (no real copy of the .txt exists).

The fixture's country rows are the real 2026-03 vintage figures excerpted in NOTES B1. The
`All Other`, `Grand Total` and three `Of Which: Foreign Official ...` rows are CONSTRUCTED for the
tests (consistent with the country rows and with our slt_table3.txt fixture), not official.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.sources import tic_table5
from pipelines.sources.errors import SourceFormatError
from tests.parser_errors import edit, expect_format_error

DOCS = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents"
URL = f"https://{DOCS}/slt_table5.txt"
SOURCE = "tic_table5"
MONTHS = [dt.date(2026, m, 1) for m in (3, 2, 1)] + [dt.date(2025, m, 1) for m in range(12, 2, -1)]
COLUMNS = {
    "raw_label": pl.Utf8, "label": pl.Utf8, "iso3": pl.Utf8, "aggregate": pl.Utf8,
    "ref_month": pl.Date, "series": pl.Utf8, "is_comparison_series": pl.Boolean,
    "value_usd_bn": pl.Float64, "value_flag": pl.Utf8, "line_no": pl.Int32, "file_date": pl.Date,
    "revised_on": pl.Date,
}


@pytest.fixture
def body(fixture_mirror) -> bytes:
    return (fixture_mirror / DOCS / "slt_table5.txt").read_bytes()


@pytest.fixture
def fx(body) -> pl.DataFrame:
    return tic_table5.parse(body, URL)


def value(df: pl.DataFrame, key: str, month: dt.date) -> float | None:
    rows = df.filter(((pl.col("iso3") == key) | (pl.col("aggregate") == key))
                     & (pl.col("ref_month") == month))
    assert rows.height == 1, rows
    return rows["value_usd_bn"].item()


def line_of(text: str, prefix: str) -> int:
    for i, line in enumerate(text.split("\r\n"), 1):
        if line.startswith(prefix):
            return i
    raise AssertionError(prefix)


def test_schema_and_shape(fx, body):
    assert body.count(b"\r\n") == body.count(b"\n")  # the fixture is CRLF like the real file
    assert fx.schema == pl.Schema(COLUMNS)
    assert fx.height == 23 * 13  # 18 countries + All Other + Grand Total + 3 official rows
    assert fx.filter(pl.col("iso3").is_null() == pl.col("aggregate").is_null()).height == 0
    assert fx["series"].null_count() == fx.height
    assert not fx["is_comparison_series"].any()
    assert fx["file_date"].null_count() == fx.height
    assert fx["value_flag"].null_count() == fx.height


def test_months_newest_first(fx):
    japan = fx.filter(pl.col("iso3") == "JPN")
    assert japan["ref_month"].to_list() == MONTHS


def test_real_2026_03_vintage_values(fx):
    assert value(fx, "JPN", dt.date(2025, 3, 1)) == 1130.8
    assert value(fx, "JPN", dt.date(2026, 3, 1)) == 1191.6
    assert value(fx, "JPN", dt.date(2025, 10, 1)) == 1200.0
    assert value(fx, "GBR", dt.date(2025, 9, 1)) == 862.5  # revised from 862.1 in 2026-02
    assert value(fx, "CHN", dt.date(2025, 12, 1)) == 683.5
    assert value(fx, "KOR", dt.date(2026, 3, 1)) == 136.8


def test_labels(fx):
    labels = fx.unique("label", maintain_order=True).select("raw_label", "label", "iso3",
                                                             "aggregate").rows()
    assert ("China, Mainland", "China, Mainland", "CHN", None) in labels
    assert ("Korea, South", "Korea, South", "KOR", None) in labels
    assert labels[-5:] == [
        ("All Other", "All Other", None, "all_other"),
        ("Grand Total", "Grand Total", None, "grand_total"),
        ("Of Which: Foreign Official", "Of Which: Foreign Official", None, "foreign_official"),
        ("Of Which: Foreign Official Treasury Bills", "Of Which: Foreign Official Treasury Bills",
         None, "foreign_official_bills"),
        ("Of Which: Foreign Official T-Bonds & Notes",
         "Of Which: Foreign Official T-Bonds & Notes", None, "foreign_official_bonds_notes"),
    ]


def test_bills_row_is_not_foreign_official(fx):
    bills = fx.filter(pl.col("label") == "Of Which: Foreign Official Treasury Bills")
    assert bills.height == 13 and set(bills["aggregate"]) == {"foreign_official_bills"}
    assert fx.filter(pl.col("aggregate") == "foreign_official").height == 13
    march = dt.date(2026, 3, 1)
    assert value(fx, "foreign_official", march) == 3898.1
    assert value(fx, "foreign_official_bills", march) == 394.1
    assert value(fx, "foreign_official_bonds_notes", march) == 3504.0


def test_prose_and_notes_yield_no_rows(fx, body):
    text = body.decode()
    assert fx["line_no"].min() == line_of(text, "Country") + 1 == 7
    assert fx["line_no"].max() == line_of(text, "Of Which: Foreign Official T-Bonds")
    assert fx["line_no"].n_unique() == 23


def test_internally_consistent(fx):
    parts = (fx.filter(pl.col("iso3").is_not_null() | (pl.col("aggregate") == "all_other"))
             .group_by("ref_month").agg(total=pl.col("value_usd_bn").sum(), n=pl.len()))
    grand = (fx.filter(pl.col("aggregate") == "grand_total")
             .select("ref_month", grand="value_usd_bn"))
    joined = parts.join(grand, on="ref_month")
    assert joined.height == 13
    assert joined.filter((pl.col("total") - pl.col("grand")).abs()
                         > 0.05 * pl.col("n") + 0.1).height == 0
    official = fx.filter(pl.col("aggregate").str.starts_with("foreign_official")).pivot(
        "aggregate", index="ref_month", values="value_usd_bn")
    diff = (official["foreign_official"] - official["foreign_official_bills"]
            - official["foreign_official_bonds_notes"]).abs()
    assert diff.max() <= 0.15


def test_line_endings(fx, body):
    lf = body.replace(b"\r\n", b"\n")
    assert tic_table5.parse(lf, URL).equals(fx)
    assert tic_table5.parse(body.rstrip(b"\r\n"), URL).equals(fx)


# ----------------------------------------------------------------------------- errors

def parse_error(data: bytes, line: int | None) -> SourceFormatError:
    return expect_format_error(tic_table5.parse, data, URL, SOURCE, line)


def test_error_year_only_header(body):
    header = "Country\t" + "\t".join(f"{m:%Y-%m}" for m in MONTHS)
    years = "Country\t" + "\t".join(f"{m:%Y}" for m in MONTHS)
    err = parse_error(edit(body, header, years), 6)
    assert "header months cannot be read" in str(err) and "'2026'" in str(err)


def test_error_unit_change(body):
    err = parse_error(edit(body, "Billions of dollars", "Millions of dollars"), 3)
    assert "millions" in str(err).lower()


def test_error_missing_header(body):
    header = "Country\t" + "\t".join(f"{m:%Y-%m}" for m in MONTHS) + "\r\n"
    err = parse_error(edit(body, header, ""), 6)  # Japan moves up to line 6
    assert "before the 'Country' header" in str(err)


def test_error_unknown_label(body):
    err = parse_error(edit(body, "Saudi Arabia\t", "Saudia\t"), 23)
    assert "'Saudia'" in str(err)


def test_error_prefix_label_is_unknown(body):
    # a near-miss of an aggregate label is refused, not matched by prefix
    parse_error(edit(body, "Of Which: Foreign Official Treasury Bills\t",
                     "Of Which: Foreign Official Bills\t"), 28)


def test_error_extra_value_column(body):
    err = parse_error(edit(body, "\t1130.8\r\n", "\t1130.8\t1125.9\r\n"), 7)
    assert "14 values but the header has 13 months" in str(err)


def test_error_bad_number(body):
    err = parse_error(edit(body, "\t1191.6\t", "\t1191.6.0\t"), 7)
    assert "'1191.6.0'" in str(err)


@pytest.mark.parametrize(("old", "new", "line"), [
    ("Japan\t1191.6\t", "Japan\t11916.0\t", 7),
    ("Japan\t1191.6\t", "Japan\t-1191.6\t", 7),
    ("Grand Total\t9347.2\t", "Grand Total\t934720.0\t", 26),
])
def test_error_out_of_range(body, old, new, line):
    parse_error(edit(body, old, new), line)


def test_error_values_after_notes(body):
    parse_error(body + b"Japan\t1.0\r\n", body.count(b"\r\n") + 1)


def test_error_swapped_header_months(body):
    """Two month labels swapped: every value of both columns would land in the other month."""
    err = parse_error(edit(body, "\t2025-11\t2025-10\t", "\t2025-10\t2025-11\t"), 6)
    assert "not consecutive newest first: 2025-10 follows 2025-12" in str(err)

