"""tic_mfh_history.parse on the real mfhhis01.txt (when available) and on our own fixture.

The fixture (tests/fixtures/mirror/.../mfhhis01.txt) keeps the real figures of the rows it
includes, except: `All Other` is constructed (it absorbs the real country rows left out, so that
countries + All Other = Grand Total), and Netherlands 2002-05, printed `0` in the real file, is
printed `*` (less than $50 million) to exercise that flag.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from pipelines.sources import tic_mfh_history
from pipelines.sources.errors import SourceFormatError
from pipelines.sources.tic_common import clean_label
from tests.parser_errors import edit

DOCS = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents"
URL = f"https://{DOCS}/mfhhis01.txt"
SOURCE = "tic_mfh_history"

COLUMNS = {
    "raw_label": pl.Utf8, "label": pl.Utf8, "iso3": pl.Utf8, "aggregate": pl.Utf8,
    "ref_month": pl.Date, "series": pl.Utf8, "is_comparison_series": pl.Boolean,
    "value_usd_bn": pl.Float64, "value_flag": pl.Utf8, "line_no": pl.Int32, "file_date": pl.Date,
    "revised_on": pl.Date,
}
# Row groups that partition Grand Total (regional groups stood in for their members before 2016).
SUMMANDS = ["all_other", "oil_exporters", "carib_banking_centers", "belgium_luxembourg"]


def d(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def cell(df: pl.DataFrame, key: str, month: dt.date, comparison: bool = False) -> dict:
    """The one row for an iso3 or aggregate code, month and series role."""
    rows = df.filter(
        ((pl.col("iso3") == key) | (pl.col("aggregate") == key))
        & (pl.col("ref_month") == month)
        & (pl.col("is_comparison_series") == comparison)
    )
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def assert_source_error(exc: pytest.ExceptionInfo, line: int | None) -> None:
    err = exc.value
    assert err.source == SOURCE and err.url == URL and err.line == line
    msg = str(err)
    assert f"[{SOURCE}]" in msg and URL in msg
    if line is not None:
        assert f", line {line}: " in msg


def line_of(text: str, prefix: str) -> int:
    """1-based number of the first line starting with prefix."""
    for i, line in enumerate(re.split(r"\r\n|\n", text), 1):
        if line.startswith(prefix):
            return i
    raise AssertionError(f"no line starts with {prefix!r}")


# ----------------------------------------------------------------------------- real file

@pytest.fixture
def real_body(real_sources) -> bytes:
    return (real_sources / "mirror" / DOCS / "mfhhis01.txt").read_bytes()


@pytest.fixture
def real(real_body) -> pl.DataFrame:
    return tic_mfh_history.parse(real_body, URL)


def test_real_spot_values(real):
    assert cell(real, "JPN", d(2025, 2))["value_usd_bn"] == 1125.9
    assert cell(real, "grand_total", d(2025, 12))["value_usd_bn"] == 9271.0
    assert cell(real, "GBR", d(2025, 12))["value_usd_bn"] == 866.0
    assert cell(real, "BEL", d(2019, 2))["value_usd_bn"] == 181.3
    assert cell(real, "SLV", d(2025, 3))["value_usd_bn"] == 85.0
    assert cell(real, "CHN", d(2009, 12))["value_usd_bn"] == 894.8
    assert cell(real, "foreign_official", d(2025, 12))["value_usd_bn"] == 3887.0
    assert cell(real, "belgium_luxembourg", d(2001, 12))["value_usd_bn"] == 22.4


def test_real_series_break_2011(real):
    new, old = cell(real, "JPN", d(2011, 6)), cell(real, "JPN", d(2011, 6), comparison=True)
    assert (new["value_usd_bn"], new["series"]) == (881.5, "XII")
    assert (old["value_usd_bn"], old["series"]) == (911.1, "XI")
    assert cell(real, "grand_total", d(2011, 6))["value_usd_bn"] == 4690.6
    assert cell(real, "grand_total", d(2011, 6), comparison=True)["value_usd_bn"] == 4533.6
    assert cell(real, "JPN", d(2011, 12))["series"] == "XIII"


def test_real_series_break_2000(real):
    new, old = cell(real, "JPN", d(2000, 3)), cell(real, "JPN", d(2000, 3), comparison=True)
    assert (new["value_usd_bn"], new["series"]) == (307.6, "II")
    assert (old["value_usd_bn"], old["series"]) == (325.8, "I")
    assert cell(real, "grand_total", d(2000, 3))["value_usd_bn"] == 1085.0
    assert cell(real, "grand_total", d(2000, 3), comparison=True)["value_usd_bn"] == 1252.1


def test_real_korea_with_trailing_space(real):
    kor = real.filter(pl.col("raw_label") == "Korea, South ")
    assert kor.height > 0
    assert set(kor["iso3"]) == {"KOR"} and set(kor["label"]) == {"Korea, South"}
    assert set(kor["ref_month"].dt.year()) == {2000, 2001, 2002, 2003}
    assert cell(real, "KOR", d(2002, 12))["value_usd_bn"] == 38.0


def test_real_luxembourg_na(real):
    lux = cell(real, "LUX", d(2002, 5))
    assert lux["value_usd_bn"] is None and lux["value_flag"] == "n.a."
    bel = cell(real, "BEL", d(2002, 5))
    assert (bel["raw_label"], bel["value_usd_bn"]) == ("Belgium  5/", 21.7)


def test_real_japan_has_every_month(real):
    jpn = real.filter(pl.col("iso3") == "JPN")
    months = pl.date_range(d(2000, 3), d(2025, 12), interval="1mo", eager=True)
    assert sorted(jpn.filter(~pl.col("is_comparison_series"))["ref_month"]) == months.to_list()
    # one comparison column per break: March 2000 and June 2002 ... June 2011
    comparison = jpn.filter(pl.col("is_comparison_series"))["ref_month"].sort().to_list()
    assert comparison == [d(2000, 3)] + [d(y, 6) for y in range(2002, 2012)]


def test_real_footer_yields_no_rows(real, real_body):
    text = real_body.decode()
    footer = line_of(text, "Department of the Treasury/Federal Reserve Board")
    assert real["line_no"].max() < footer
    assert set(real["file_date"]) == {dt.date(2026, 3, 18)}
    assert "Of which:" not in set(real["label"])


def test_real_every_row_maps(real):
    assert real.schema == pl.Schema(COLUMNS)
    assert real.filter(pl.col("iso3").is_null() == pl.col("aggregate").is_null()).height == 0
    unexplained_null = pl.col("value_usd_bn").is_null() & pl.col("value_flag").is_null()
    assert real.filter(unexplained_null).height == 0


def test_real_line_endings_do_not_matter(real, real_body):
    assert b"\r" not in real_body and not real_body.endswith(b"\n")
    crlf = real_body.replace(b"\n", b"\r\n")
    assert tic_mfh_history.parse(crlf, URL).equals(real)
    assert tic_mfh_history.parse(real_body + b"\n", URL).equals(real)
    assert tic_mfh_history.parse(crlf + b"\r\n", URL).equals(real)


# ----------------------------------------------------------------------------- fixture

@pytest.fixture
def body(fixture_mirror) -> bytes:
    return (fixture_mirror / DOCS / "mfhhis01.txt").read_bytes()


@pytest.fixture
def fx(body) -> pl.DataFrame:
    return tic_mfh_history.parse(body, URL)


def test_fixture_schema_and_size(fx):
    assert fx.schema == pl.Schema(COLUMNS)
    assert list(fx.columns) == list(COLUMNS)
    # each block: 8 named rows + All Other + Grand Total + 3 official rows = 13 rows, times
    # 12 columns (2025), 13 (2011 and 2002, June twice) and 11 (2000: Apr-Dec, March twice)
    assert fx.height == 13 * (12 + 13 + 13 + 11)
    assert fx.filter(pl.col("iso3").is_null() == pl.col("aggregate").is_null()).height == 0


def test_fixture_columns_newest_first_and_trailing_tab(fx):
    japan = fx.filter((pl.col("iso3") == "JPN") & (pl.col("ref_month").dt.year() == 2025))
    assert japan["ref_month"].to_list() == [d(2025, m) for m in range(12, 0, -1)]
    assert cell(fx, "JPN", d(2025, 12))["value_usd_bn"] == 1185.5
    assert cell(fx, "JPN", d(2025, 1))["value_usd_bn"] == 1079.3  # the field before the last TAB
    assert cell(fx, "JPN", d(2025, 2))["value_usd_bn"] == 1125.9


def test_fixture_2000_block_has_11_columns(fx):
    japan = fx.filter((pl.col("iso3") == "JPN") & (pl.col("ref_month").dt.year() == 2000))
    assert japan.height == 11
    assert japan["ref_month"].min() == d(2000, 3)  # no Jan/Feb 2000, no padding into them
    assert (cell(fx, "JPN", d(2000, 3))["value_usd_bn"],
            cell(fx, "JPN", d(2000, 3), True)["value_usd_bn"]) == (307.6, 325.8)
    assert cell(fx, "JPN", d(2000, 3))["series"] == "II"  # printed "  II"
    assert cell(fx, "JPN", d(2000, 3), True)["series"] == "I"
    assert cell(fx, "JPN", d(2000, 4))["series"] is None


def test_fixture_2011_series_labels(fx):
    assert cell(fx, "JPN", d(2011, 12))["series"] == "XIII"
    assert cell(fx, "JPN", d(2011, 11))["series"] == "XII"
    assert cell(fx, "JPN", d(2011, 10))["series"] is None
    new, old = cell(fx, "JPN", d(2011, 6)), cell(fx, "JPN", d(2011, 6), True)
    assert (new["value_usd_bn"], new["series"], old["value_usd_bn"], old["series"]) == (
        881.5, "XII", 911.1, "XI")
    assert cell(fx, "JPN", d(2011, 5))["value_usd_bn"] == 912.4  # after the duplicate, no shift
    assert cell(fx, "JPN", d(2011, 1))["value_usd_bn"] == 886.0
    assert cell(fx, "GBR", d(2011, 6), True)["value_usd_bn"] == 347.0


def test_fixture_labels_cleaned(fx):
    by_raw = {r["raw_label"]: r for r in fx.unique("raw_label").iter_rows(named=True)}
    expected = {
        "China, Mainland": ("China, Mainland", "CHN", None),
        "Korea, South ": ("Korea, South", "KOR", None),
        "Spain ": ("Spain", "ESP", None),
        "Belgium  5/": ("Belgium", "BEL", None),
        "Belgium-Luxembourg ": ("Belgium-Luxembourg", None, "belgium_luxembourg"),
        "United Kingdom 2/": ("United Kingdom", "GBR", None),
        "Oil Exporters 3/": ("Oil Exporters", None, "oil_exporters"),
        "Carib Bnkng Ctrs 4/": ("Carib Bnkng Ctrs", None, "carib_banking_centers"),
        "  For. Official": ("For. Official", None, "foreign_official"),
        "    Treasury Bills": ("Treasury Bills", None, "foreign_official_bills"),
        "    T-Bonds & Notes": ("T-Bonds & Notes", None, "foreign_official_bonds_notes"),
        "For. Official": ("For. Official", None, "foreign_official"),
        "Treasury Bills": ("Treasury Bills", None, "foreign_official_bills"),
    }
    for raw, want in expected.items():
        got = by_raw[raw]
        assert (got["label"], got["iso3"], got["aggregate"]) == want, raw
    assert not any('"' in r for r in by_raw)


def test_fixture_values_and_flags(fx):
    assert cell(fx, "GBR", d(2025, 12))["value_usd_bn"] == 866.0  # printed "866"
    assert cell(fx, "grand_total", d(2025, 12))["value_usd_bn"] == 9271.0
    lux = cell(fx, "LUX", d(2002, 5))
    assert (lux["value_usd_bn"], lux["value_flag"]) == (None, "n.a.")
    assert cell(fx, "LUX", d(2002, 6))["value_flag"] is None  # new series has a value
    assert cell(fx, "LUX", d(2002, 6), True)["value_flag"] == "n.a."
    nld = cell(fx, "NLD", d(2002, 5))
    assert (nld["value_usd_bn"], nld["value_flag"]) == (None, "*")
    assert cell(fx, "NLD", d(2002, 4))["value_usd_bn"] == 0.0
    assert fx.filter(pl.col("value_flag").is_not_null()).height == 7


def test_fixture_line_numbers_and_prose(fx, body):
    text = body.decode()
    assert cell(fx, "JPN", d(2025, 12))["line_no"] == 10 == line_of(text, "Japan\t1185.5")
    of_which = [i for i, ln in enumerate(text.split("\n"), 1) if ln.startswith("Of which:")]
    assert len(of_which) == 4 and not set(of_which) & set(fx["line_no"])
    assert fx["line_no"].max() < line_of(text, "Department of the Treasury")
    assert fx["line_no"].min() == 10
    assert set(fx["file_date"]) == {dt.date(2026, 3, 18)}


def test_fixture_is_internally_consistent(fx):
    """What the warehouse checks: countries + All Other = Grand Total; official = bills + bonds."""
    key = ["ref_month", "is_comparison_series"]
    parts = (fx.filter(pl.col("iso3").is_not_null() | pl.col("aggregate").is_in(SUMMANDS))
             .group_by(key).agg(total=pl.col("value_usd_bn").sum(), n=pl.len()))
    grand = fx.filter(pl.col("aggregate") == "grand_total").select(*key, grand="value_usd_bn")
    joined = parts.join(grand, on=key)
    assert joined.height == 46 + 3  # months + comparison columns
    assert joined.filter((pl.col("total") - pl.col("grand")).abs()
                         > 0.05 * pl.col("n") + 0.1).height == 0
    official = fx.filter(pl.col("aggregate").str.starts_with("foreign_official")).pivot(
        "aggregate", index=key, values="value_usd_bn")
    diff = (official["foreign_official"] - official["foreign_official_bills"]
            - official["foreign_official_bonds_notes"]).abs()
    assert official.height == 49 and diff.max() <= 0.15


@pytest.mark.parametrize(("raw", "label"), [
    ("Belgium  5/", "Belgium"),
    ("United Kingdom 2/", "United Kingdom"),
    ("Carib Bnkng Ctrs 4/", "Carib Bnkng Ctrs"),
    ("Korea, South ", "Korea, South"),
    ("    T-Bonds & Notes", "T-Bonds & Notes"),
    ("Cayman  Islands", "Cayman Islands"),
    ("Trinidad and  Tobago 12/ ", "Trinidad and Tobago"),
    ("Grand Total", "Grand Total"),
])
def test_clean_label(raw, label):
    assert clean_label(raw) == label


def test_fixture_inner_spaces_collapsed(body):
    got = tic_mfh_history.parse(body.replace(b"Cayman Islands\t", b"Cayman  Islands\t"), URL)
    cayman = got.filter(pl.col("raw_label") == "Cayman  Islands")
    assert cayman.height == 12 and set(cayman["label"]) == {"Cayman Islands"}
    assert set(cayman["iso3"]) == {"CYM"}


@pytest.mark.parametrize("variant", ["crlf", "final_lf", "crlf_final", "cr"])
def test_fixture_line_endings(fx, body, variant):
    changed = {
        "crlf": body.replace(b"\n", b"\r\n"),
        "final_lf": body + b"\n",
        "crlf_final": body.replace(b"\n", b"\r\n") + b"\r\n",
        "cr": body.replace(b"\n", b"\r"),
    }[variant]
    assert tic_mfh_history.parse(changed, URL).equals(fx)


# ----------------------------------------------------------------------------- errors

def parse_error(data: bytes) -> pytest.ExceptionInfo:
    with pytest.raises(SourceFormatError) as exc:
        tic_mfh_history.parse(data, URL)
    return exc


def test_error_unknown_label(body):
    data = edit(body, "El Salvador\t", "Atlantis\t")
    exc = parse_error(data)
    assert_source_error(exc, line_of(data.decode(), "Atlantis"))
    assert "'Atlantis'" in str(exc.value)


def test_error_missing_month_header(body):
    text = body.decode()
    data = edit(body, "\tDec\tNov\tOct\tSep\tAug\tJul\tJun\tMay\tApr\tMar\tFeb\tJan\t\n", "")
    exc = parse_error(data)
    assert_source_error(exc, line_of(text, "Country\t2025") - 1)
    assert "without a month header" in str(exc.value)


def test_error_missing_year_header(body):
    text = body.decode()
    data = edit(body, "Country\t2011\t2011\t2011\t2011\t2011\t2011\t2011\t2011\t2011\t2011\t2011"
                      "\t2011\t2011\n", "")
    exc = parse_error(data)
    assert_source_error(exc, line_of(text, "Country\t2011"))
    assert "missing 'Country' year header" in str(exc.value)


def test_error_unreadable_header_months(body):
    text = body.decode()
    data = edit(body, "Country\t2025\t2025", "Country\t2025\t20x5")
    exc = parse_error(data)
    assert_source_error(exc, line_of(text, "Country\t2025"))
    assert "header months cannot be read" in str(exc.value)


def test_error_no_header_at_all(body):
    text = body.decode()
    lines = text.split("\n")
    first_header = line_of(text, "\tDec")
    del lines[first_header - 1:first_header + 2]  # month row, year row, dashes
    data = "\n".join(lines).encode()
    exc = parse_error(data)
    assert_source_error(exc, line_of(data.decode(), "Japan"))
    assert "before any month header" in str(exc.value)


def test_error_unit_change(body):
    exc = parse_error(edit(body, "(in billions of dollars)", "(in millions of dollars)"))
    assert_source_error(exc, 2)
    assert "millions of dollars" in str(exc.value)


def test_error_missing_unit_line(body):
    exc = parse_error(edit(body, "(in billions of dollars)", "(amounts)"))
    assert_source_error(exc, 6)


def test_error_extra_value_column(body):
    # 2000 block rows end in two empty fields; a value in one of them has no month.
    data = edit(body, "Spain \t19\t19.8\t20.1\t21\t21.1\t21.7\t20.2\t19.6\t20.6\t19.5\t22.1\t\t",
                "Spain \t19\t19.8\t20.1\t21\t21.1\t21.7\t20.2\t19.6\t20.6\t19.5\t22.1\t22.0\t")
    exc = parse_error(data)
    assert_source_error(exc, line_of(data.decode(), "Spain \t19\t"))
    assert "12 values but the header has 11 months" in str(exc.value)


def test_error_missing_value(body):
    data = edit(body, "\t1079.3\t", "\t\t")
    exc = parse_error(data)
    assert_source_error(exc, 10)
    assert "11 values but the header has 12 months" in str(exc.value)


@pytest.mark.parametrize("bad", ["n/a", "1185.5x", "--", "1.185,5"])
def test_error_bad_number(body, bad):
    exc = parse_error(edit(body, "Japan\t1185.5\t", f"Japan\t{bad}\t"))
    assert_source_error(exc, 10)
    assert "is not a number" in str(exc.value)


@pytest.mark.parametrize(
    ("old", "new", "line_prefix"),
    [
        ("Japan\t1185.5\t", "Japan\t11855\t", "Japan\t11855"),  # country above 5,000 bn
        ("Japan\t1185.5\t", "Japan\t-1185.5\t", "Japan\t-1185.5"),  # negative holdings
        ("Grand Total\t9271\t", "Grand Total\t92710\t", "Grand Total\t92710"),  # > 50,000 bn
    ],
)
def test_error_out_of_range(body, old, new, line_prefix):
    data = edit(body, old, new)
    exc = parse_error(data)
    assert_source_error(exc, line_of(data.decode(), line_prefix))


def test_error_known_label_without_values(body):
    values = "\t93.8\t92.2\t91.6\t88.6\t82.2\t82\t89.5\t88.4\t86.3\t85\t1.1\t1.1\t"
    data = edit(body, "El Salvador" + values, "El Salvador" + "\t" * 13)
    exc = parse_error(data)
    assert_source_error(exc, line_of(data.decode(), "El Salvador"))


def test_error_repeated_block(body):
    text = body.decode()
    lines = text.split("\n")
    start, end = line_of(text, "\tDec"), line_of(text, "\tSeries 17/")
    data = "\n".join(lines[:end - 1] + lines[start - 1:end - 1] + lines[end - 1:]).encode()
    exc = parse_error(data)
    assert "printed twice" in str(exc.value)
    assert_source_error(exc, end - 1 + (10 - start + 1))  # the repeated Japan row


def test_error_values_after_footer(body):
    exc = parse_error(body + b"\nJapan\t1.0\t2.0")
    assert_source_error(exc, body.count(b"\n") + 2)
    footer = line_of(body.decode(), "Department of the Treasury")
    assert f"began at line {footer} ('Department of the Treasury" in str(exc.value)


def test_error_no_data(body):
    text = body.decode()
    preamble = "\n".join(text.split("\n")[:5]).encode()
    exc = parse_error(preamble)
    assert_source_error(exc, None)
    assert "no data rows" in str(exc.value)


def test_revision_stamps_give_revised_on_per_year(fixture_mirror):
    """The footer's "(2025 revised March 18, 2026)" is the file's own word that 2025 was restated:
    tic_files_agree lets such a cell move beyond the tolerance (a Table 5 never says so)."""
    body = (fixture_mirror / "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/mfhhis01.txt").read_bytes()
    body = body.replace(b'"(2011 revised August 15, 2018)"', b'"(2011, 2010 and 2007 revised Aug 15, 2018)"')
    df = tic_mfh_history.parse(body, "https://example/mfhhis01.txt")
    by_year = dict(df.select(pl.col("ref_month").dt.year().alias("y"), "revised_on").unique().iter_rows())
    assert by_year[2025] == dt.date(2026, 3, 18)
    assert by_year[2011] == dt.date(2018, 8, 15)
    assert by_year.get(2000) is None
