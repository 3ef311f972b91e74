"""Japan MOF "Foreign Exchange Intervention Operations" (daily amounts and quarter totals).

cp932 + CRLF, 14 header lines then 9 columns: era-year, 月, 日, Year, Month, Day, amount
(100 million yen; `"28,382"` quoted with thousands separators), Japanese pair, English pair.
Year and month are printed only when they change, so both are carried forward. A quarter total
row (`平成3年4～6月期計,,,April - June 1991,,,563,,`) has no day. Two footnotes close the file.

Amounts stay as printed (100 million yen, Float64). For pairs without the yen (USD sold for
DEM or IDR) MOF converts to yen at the day's BOJ rate (note 1); such rows have no yen side, so
`side` is null for them as well as for quarter totals.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl

from pipelines.sources import mof_common
from pipelines.sources.errors import SourceFormatError

SOURCE = "mof_interventions"

N_COLUMNS = 9
HEADER_LINES = 14
_UNITS = ((10, "(単位:億円)"), (11, "(amount:100 million Yen)"))
_COLUMN_HEADER = ["年", "月", "日", "Year", "Month", "Day", "金額(amount)", "売買通貨", "Currency pairs"]

# Names as MOF prints them -> ISO 4217. DEM (German mark) ended with the euro in 1999.
_JA_CURRENCY = {"米ドル": "USD", "日本円": "JPY", "独マルク": "DEM", "ユーロ": "EUR",
                "インドネシアルピア": "IDR"}
_EN_CURRENCY = {"US dollar": "USD", "Japanese yen": "JPY", "German mark": "DEM", "Euro": "EUR",
                "Indonesian rupiah": "IDR"}
# Market quoting order: the currency earlier in this list is the base (EUR/JPY, USD/DEM, ...).
_BASE_ORDER = ("EUR", "USD", "DEM", "IDR", "JPY")

_JA_PAIR = re.compile(r"(?P<a>.+?)(?P<a_side>売り|買い)・(?P<b>.+?)(?P<b_side>売り|買い)")
_EN_PAIR = re.compile(
    r"the (?P<a>.+?) \((?P<a_side>sold|bought)\) the (?P<b>.+?) \((?P<b_side>sold|bought)\)"
)
_DAY = re.compile(r"(\d{1,2})日")
# `平成3年4～6月期計`, `令和5年1月～3月期計`, `平成31年4月～令和元年6月期計`
_JA_QUARTER = re.compile(
    r"(?P<era>\D+?)(?P<n>元|\d+)年(?P<m1>\d+)月?[～~](?:\D+?(?:元|\d+)年)?(?P<m2>\d+)月期計"
)
# `April - June 1991`, `April -June 1995`, `October- December 2002`, `April - June 200１`
_EN_QUARTER = re.compile(
    r"(?P<m1>January|April|July|October) ?- ?(?P<m2>March|June|September|December) (?P<y>\d{4})"
)
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_AMOUNT = re.compile(r"\d{1,3}(,\d{3})*|\d+")

SCHEMA: dict[str, pl.DataType] = {
    "row_kind": pl.Utf8(),
    "intervention_date": pl.Date(),
    "quarter_start": pl.Date(),
    "amount_100m_jpy": pl.Float64(),
    "side": pl.Utf8(),
    "currency_pair": pl.Utf8(),
    "sold_currency": pl.Utf8(),
    "bought_currency": pl.Utf8(),
    "line_no": pl.Int32(),
}


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def parse(body: bytes, url: str) -> pl.DataFrame:
    def fail(problem: str, line: int | None) -> SourceFormatError:
        return SourceFormatError(SOURCE, url, problem, line)

    rows = list(mof_common.csv_rows(mof_common.decode_cp932(body, SOURCE, url)))
    if len(rows) < HEADER_LINES:
        raise fail("file ends inside the header", len(rows) or 1)
    for line, row in rows:
        if len(row) != N_COLUMNS:
            raise fail(f"expected {N_COLUMNS} columns, found {len(row)}", line)
    for line, text in _UNITS:
        if rows[line - 1][1][0].strip() != text:
            raise fail(f"units line should read {text!r}", line)
    if [c.strip() for c in rows[HEADER_LINES - 1][1]] != _COLUMN_HEADER:
        raise fail("column header changed", HEADER_LINES)

    records: list[dict] = []
    year = month = None
    last_day: date | None = None
    last_quarter: date | None = None
    pending: list[dict] = []  # daily rows since the last quarter total
    in_notes = False
    for line, row in rows[HEADER_LINES:]:
        first = row[0].strip()
        if not any(c.strip() for c in row):
            continue
        if mof_common.nfkc(first).startswith(("(注", "(note")) or in_notes:
            # Footnotes close the file; nothing but footnotes may follow the first one.
            if any(c.strip() for c in row[1:]):
                raise fail("unexpected data after the footnotes", line)
            in_notes = True
            continue
        try:
            if row[2].strip():
                if first:
                    year = mof_common.parse_era_year(first)
                if row[1].strip():
                    month = mof_common.parse_month(row[1])
                rec = _daily(row, year, month, line)
            else:
                rec = _quarter_total(row, line)
        except ValueError as exc:
            raise fail(str(exc), line) from None

        if rec["row_kind"] == "daily":
            day = rec["intervention_date"]
            if last_day is not None and day < last_day:
                raise fail(f"{day} comes before the previous operation {last_day}", line)
            if last_quarter is not None and rec["quarter_start"] <= last_quarter:
                raise fail(f"{day} falls in a quarter already totalled", line)
            last_day = day
            pending.append(rec)
        else:
            q = rec["quarter_start"]
            if last_quarter is not None and q <= last_quarter:
                raise fail(f"quarter total {q} does not follow {last_quarter}", line)
            stray = [p for p in pending if p["quarter_start"] != q]
            if stray:
                raise fail(
                    f"operation on {stray[0]['intervention_date']} (line {stray[0]['line_no']}) "
                    f"is not in the quarter this total closes ({q})", line)
            last_quarter, pending = q, []
        records.append(rec)
    return pl.DataFrame(records, schema=SCHEMA)


def _amount(cell: str) -> float:
    text = cell.strip()
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"amount is not a number of 100 million yen: {cell!r}")
    return float(text.replace(",", ""))


def _daily(row: list[str], year: int | None, month: int | None, line: int) -> dict:
    if year is None or month is None:
        raise ValueError("operation row before any year/month label")
    match = _DAY.fullmatch(mof_common.nfkc(row[2]))
    if not match:
        raise ValueError(f"not a day label: {row[2]!r}")
    day = date(year, month, int(match[1]))  # ValueError on 2月30日
    # The English date columns repeat the same carry-forward pattern; check what is printed.
    if row[3].strip() and mof_common.nfkc(row[3]) != str(year):
        raise ValueError(f"Year column {row[3]!r} disagrees with era year {year}")
    if row[5].strip() and mof_common.nfkc(row[5]) != str(day.day):
        raise ValueError(f"Day column {row[5]!r} disagrees with {row[2]!r}")

    sold, bought = _pair(row[7], row[8])
    side = "buy_jpy" if bought == "JPY" else "sell_jpy" if sold == "JPY" else None
    base, quote = sorted((sold, bought), key=_BASE_ORDER.index)
    return {
        "row_kind": "daily",
        "intervention_date": day,
        "quarter_start": quarter_start(day),
        "amount_100m_jpy": _amount(row[6]),
        "side": side,
        "currency_pair": f"{base}/{quote}",
        "sold_currency": sold,
        "bought_currency": bought,
        "line_no": line,
    }


def _pair(japanese: str, english: str) -> tuple[str, str]:
    """(sold, bought) ISO codes; the Japanese and English columns must say the same thing."""
    ja = _JA_PAIR.fullmatch(mof_common.nfkc(japanese))
    en = _EN_PAIR.fullmatch(mof_common.nfkc(english))
    if not ja or not en:
        raise ValueError(f"unrecognised currency pair {japanese!r} / {english!r}")
    try:
        ja_sides = {_JA_CURRENCY[ja["a"]]: ja["a_side"] == "売り",
                    _JA_CURRENCY[ja["b"]]: ja["b_side"] == "売り"}
        en_sides = {_EN_CURRENCY[en["a"]]: en["a_side"] == "sold",
                    _EN_CURRENCY[en["b"]]: en["b_side"] == "sold"}
    except KeyError as exc:
        raise ValueError(f"unknown currency {exc.args[0]!r} in {japanese!r} / {english!r}") from None
    if ja_sides != en_sides or len(ja_sides) != 2 or sorted(ja_sides.values()) != [False, True]:
        raise ValueError(f"inconsistent currency pair {japanese!r} / {english!r}")
    sold = next(c for c, is_sold in ja_sides.items() if is_sold)
    bought = next(c for c, is_sold in ja_sides.items() if not is_sold)
    return sold, bought


def _quarter_total(row: list[str], line: int) -> dict:
    ja = _JA_QUARTER.fullmatch(mof_common.nfkc(row[0]))
    en = _EN_QUARTER.fullmatch(mof_common.nfkc(row[3]))
    if not ja or not en:
        raise ValueError(f"row has no day and is not a quarter total: {row[0]!r} / {row[3]!r}")
    year = mof_common.era_to_gregorian(ja["era"], ja["n"])
    m1, m2 = int(ja["m1"]), int(ja["m2"])
    if m1 not in (1, 4, 7, 10) or m2 != m1 + 2:
        raise ValueError(f"{row[0]!r} is not a calendar quarter")
    if (int(en["y"]), _EN_MONTHS.index(en["m1"]) + 1) != (year, m1):
        raise ValueError(f"Japanese {row[0]!r} and English {row[3]!r} name different quarters")
    if any(c.strip() for c in row[1:3] + row[4:6] + row[7:]):
        raise ValueError("quarter total row has unexpected cells")
    return {
        "row_kind": "quarter_total",
        "intervention_date": None,
        "quarter_start": date(year, m1, 1),
        "amount_100m_jpy": _amount(row[6]),
        "side": None,
        "currency_pair": None,
        "sold_currency": None,
        "bought_currency": None,
        "line_no": line,
    }


def check_quarter_totals(frame: pl.DataFrame) -> list[str]:
    """One message per quarter whose daily rows do not add up to its printed total.

    Exact within rounding: MOF rounds each daily figure and the total separately to 100 million
    yen (note 2), so n daily rows may legitimately miss the total by up to (n + 1) / 2 units; the
    real file has 16 quarters off by 1-2 units. Anything beyond that bound is a real discrepancy.
    Daily rows in a quarter that has no total row are reported too.
    """
    daily = (
        frame.filter(pl.col("row_kind") == "daily")
        .group_by("quarter_start")
        .agg(pl.col("amount_100m_jpy").sum().alias("daily_sum"), pl.len().alias("n_daily"))
    )
    totals = frame.filter(pl.col("row_kind") == "quarter_total").select(
        "quarter_start", pl.col("amount_100m_jpy").alias("total"), "line_no"
    )
    joined = totals.join(daily, on="quarter_start", how="full", coalesce=True).sort("quarter_start")
    messages = []
    for row in joined.iter_rows(named=True):
        q, total = row["quarter_start"], row["total"]
        daily_sum, n = row["daily_sum"] or 0.0, row["n_daily"] or 0
        if total is None:
            messages.append(f"quarter {q}: {n} daily rows ({daily_sum:g}) but no quarter total row")
        elif abs(daily_sum - total) > (n + 1) / 2:
            messages.append(
                f"quarter {q}: daily rows sum to {daily_sum:g} but the total (line "
                f"{row['line_no']}) is {total:g} (100 million yen, {n} daily rows)"
            )
    return messages
