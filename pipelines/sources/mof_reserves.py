"""Japan MOF "International Reserves / Foreign Currency Liquidity" history (`historical.csv`).

One row per month-end, USD millions (gold volume in million fine troy ounces). The file is cp932
with CRLF, 19 bilingual header rows and 143 columns on every row. The year is written only as a
Japanese era year on the first row of each year (and of the file, and 令和元年 on 2019-05), so
it is carried forward. The Gregorian year column is only a cross-check: it is empty on the
令和元年 row and on every row from 2023. The English month column mixes abbreviations and has
typos (`Feburuary`), so the month comes from the `N月` column only.

Months must come in increasing order; a gap is accepted (our fixtures are excerpts), while a
January row that lost its era label shows up as a month going backwards.

Empty cells are MOF's nil (the web page shows `-`). Nil is:
- 0 for the headline items MOF reports every month (total, FX reserves and their parts, IMF
  position, SDRs, gold), so a nil there is a real zero;
- null for `other_reserve_assets_usd_mn`, an item first reported in 2006-03 (nil before it means
  "not reported", not "zero");
- null for the currency composition pair on rows where neither is given (MOF fills them once a
  year, for March, and on the very first row 2000-04); when one of the pair is given, a nil
  partner is 0.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl

from pipelines.sources import mof_common
from pipelines.sources.errors import SourceFormatError

SOURCE = "mof_reserves"

N_COLUMNS = 143
HEADER_ROWS = 19

# 0-based column -> output column, for the columns we keep.
_INT_COLUMNS: dict[int, str] = {
    4: "total_reserves_usd_mn",
    5: "fx_reserves_usd_mn",
    6: "securities_usd_mn",
    8: "deposits_usd_mn",
    14: "imf_position_usd_mn",
    15: "sdr_usd_mn",
    16: "gold_usd_mn",
    18: "other_reserve_assets_usd_mn",
    141: "sdr_basket_currencies_usd_mn",
    142: "other_currencies_usd_mn",
}
_NIL_IS_ZERO = {4, 5, 6, 8, 14, 15, 16}
_GOLD_MOZ = 17
_DEPOSIT_PARTS = (9, 10, 12)

# (1-based line, 0-based column, text the cell must contain): the English labels that pin the
# column map and the units. If MOF inserts or moves a column, one of these stops matching.
_HEADER_CHECKS: tuple[tuple[int, int, str], ...] = (
    (5, 0, "百万ドル"),
    (6, 0, "US$ millions"),
    (11, 4, "A. Official reserve assets"),
    (13, 5, "(1) Foreign currency reserves"),
    (13, 14, "(2) IMF reserve position"),
    (13, 15, "(3) SDRs"),
    (13, 16, "(4) Gold"),
    (13, 18, "(5) other reserve assets"),
    (15, 6, "(a) Securities"),
    (15, 8, "(b) Deposits with"),
    (15, 17, "million fine troy ounces"),
    (15, 141, "currencies in SDR basket"),
    (15, 142, "currencies not in SDR basket"),
)

# Japan's reserves have been between ~$340bn and ~$1.4tn since 2000; outside this band the
# column or the unit has changed.
TOTAL_MIN, TOTAL_MAX = 100_000, 3_000_000

_NUMBER = re.compile(r"-?\d+(\.\d+)?")

SCHEMA: dict[str, pl.DataType] = {
    "ref_month": pl.Date(),
    "total_reserves_usd_mn": pl.Int64(),
    "fx_reserves_usd_mn": pl.Int64(),
    "securities_usd_mn": pl.Int64(),
    "deposits_usd_mn": pl.Int64(),
    "imf_position_usd_mn": pl.Int64(),
    "sdr_usd_mn": pl.Int64(),
    "gold_usd_mn": pl.Int64(),
    "other_reserve_assets_usd_mn": pl.Int64(),
    "sdr_basket_currencies_usd_mn": pl.Int64(),
    "other_currencies_usd_mn": pl.Int64(),
    "gold_moz": pl.Float64(),
    "line_no": pl.Int32(),
}


def parse(body: bytes, url: str) -> pl.DataFrame:
    def fail(problem: str, line: int | None) -> SourceFormatError:
        return SourceFormatError(SOURCE, url, problem, line)

    rows = list(mof_common.csv_rows(mof_common.decode_cp932(body, SOURCE, url)))

    for line, row in rows:
        if len(row) != N_COLUMNS:
            raise fail(f"expected {N_COLUMNS} columns, found {len(row)}", line)
    if len(rows) <= HEADER_ROWS:
        raise fail(f"no data rows after the {HEADER_ROWS} header rows", len(rows) or 1)
    for line, col, expected in _HEADER_CHECKS:
        if expected not in rows[line - 1][1][col]:
            raise fail(f"header column {col} should contain {expected!r}", line)

    records: list[dict] = []
    year: int | None = None
    previous: tuple[int, int] | None = None
    for line, row in rows[HEADER_ROWS:]:
        if not any(cell.strip() for cell in row):
            continue  # a trailing empty row is not data
        try:
            if row[0].strip():
                year = mof_common.parse_era_year(row[0])
            month = mof_common.parse_month(row[1])
        except ValueError as exc:
            raise fail(str(exc), line) from None
        if year is None:
            raise fail("first data row has no era year", line)
        # A January row that lost its era label would carry last year forward and go backwards.
        if previous is not None and (year, month) <= previous:
            raise fail(
                f"{year}-{month:02d} does not follow the previous month "
                f"{previous[0]}-{previous[1]:02d}",
                line,
            )
        previous = (year, month)
        gregorian = row[2].strip()
        if gregorian and gregorian != str(year):
            raise fail(f"Gregorian year {gregorian} disagrees with era year {year}", line)

        for col in range(4, N_COLUMNS):
            cell = row[col].strip()
            if cell and not _NUMBER.fullmatch(cell):
                raise fail(f"column {col} is not a number: {cell!r}", line)
        records.append(_record(row, year, month, line, fail))
    return pl.DataFrame(records, schema=SCHEMA)


def _record(row: list[str], year: int, month: int, line: int, fail) -> dict:
    def integer(col: int) -> int | None:
        cell = row[col].strip()
        if not cell:
            return 0 if col in _NIL_IS_ZERO else None
        if "." in cell:
            raise fail(f"column {col} should be whole US$ millions: {cell!r}", line)
        return int(cell)

    values = {name: integer(col) for col, name in _INT_COLUMNS.items()}
    comp = ("sdr_basket_currencies_usd_mn", "other_currencies_usd_mn")
    if any(values[name] is not None for name in comp):
        for name in comp:
            values[name] = values[name] or 0

    total = values["total_reserves_usd_mn"]
    if not TOTAL_MIN <= total <= TOTAL_MAX:
        raise fail(f"Japan total reserves {total} outside {TOTAL_MIN}..{TOTAL_MAX} US$ mn", line)
    # The published identities: a column shift or unit change breaks them at once.
    parts = ("fx_reserves_usd_mn", "imf_position_usd_mn", "sdr_usd_mn", "gold_usd_mn",
             "other_reserve_assets_usd_mn")
    if total != sum(values[p] or 0 for p in parts):
        raise fail("total reserves != FX + IMF + SDR + gold + other", line)
    if values["fx_reserves_usd_mn"] != values["securities_usd_mn"] + values["deposits_usd_mn"]:
        raise fail("FX reserves != securities + deposits", line)
    if values["deposits_usd_mn"] != sum(int(row[c].strip() or 0) for c in _DEPOSIT_PARTS):
        raise fail("deposits != central banks/BIS + banks in Japan + banks abroad", line)

    gold_moz = row[_GOLD_MOZ].strip()
    return {
        "ref_month": date(year, month, 1),
        **values,
        "gold_moz": float(gold_moz) if gold_moz else None,
        "line_no": line,
    }
