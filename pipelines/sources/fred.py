"""FRED `fredgraph.csv` downloads: one series per file.

Two layouts exist: the current `observation_date,<SERIES_ID>` (missing = empty cell) and the old
`DATE,VALUE` (missing = `.`), where the series id is only in the URL's `id=`. Units are never
inferred from values: `SERIES` below is the table of what each series we load means.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlsplit

import polars as pl

from pipelines.sources.errors import SourceFormatError

SOURCE = "fred"

GRAPH_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"


@dataclass(frozen=True)
class SeriesInfo:
    unit: str  # usd_mn | usd_bn | jpy_per_usd | percent
    iso3: str | None  # the reporting economy, None for non-country series
    measure: str | None  # what is measured, e.g. total_excl_gold
    frequency: str  # monthly | quarterly | daily | weekly (dated the Wednesday of the week)
    title: str


def _reserves(iso3: str, name: str) -> SeriesInfo:
    return SeriesInfo(
        unit="usd_mn",
        iso3=iso3,
        measure="total_excl_gold",
        frequency="monthly",
        title=f"Total Reserves excluding Gold for {name} (IMF IFS via FRED, millions of US dollars)",
    )


# Total reserves excluding gold (IMF IFS, `TRESEG<ISO2>M052N`) for the largest foreign holders of
# Treasuries that IFS covers. Not here: Taiwan (not an IMF member, so not in IFS) and the Cayman
# Islands (a territory, no IFS reserves series); their holdings are joined without reserves.
# The HK, BE and LU ids follow the documented pattern but no downloaded copy was available here
# to confirm them; an id FRED does not serve fails at download, not silently.
_RESERVE_HOLDERS = (
    ("JP", "JPN", "Japan"),
    ("CN", "CHN", "China"),
    ("GB", "GBR", "United Kingdom"),
    ("CH", "CHE", "Switzerland"),
    ("IN", "IND", "India"),
    ("BR", "BRA", "Brazil"),
    ("KR", "KOR", "Korea"),
    ("SA", "SAU", "Saudi Arabia"),
    ("SG", "SGP", "Singapore"),
    ("HK", "HKG", "Hong Kong"),
    ("NO", "NOR", "Norway"),
    ("CA", "CAN", "Canada"),
    ("FR", "FRA", "France"),
    ("BE", "BEL", "Belgium"),
    ("LU", "LUX", "Luxembourg"),
    ("IE", "IRL", "Ireland"),
)

SERIES: dict[str, SeriesInfo] = {
    **{f"TRESEG{iso2}M052N": _reserves(iso3, name) for iso2, iso3, name in _RESERVE_HOLDERS},
    "FDHBFIN": SeriesInfo(
        unit="usd_bn",
        iso3=None,
        measure="federal_debt_held_by_foreign_investors",
        frequency="quarterly",
        title="Federal Debt Held by Foreign and International Investors (billions of dollars)",
    ),
    "DEXJPUS": SeriesInfo(
        unit="jpy_per_usd",
        iso3=None,
        measure="usd_jpy_noon_buying_rate",
        frequency="daily",
        title="Japanese Yen to U.S. Dollar Spot Exchange Rate (H.10 noon buying rate, NY)",
    ),
    # Daily Treasury market series (percent per annum). FRED prints no value on days the market
    # is closed (U.S. federal holidays, SIFMA closes): those rows are missing, never zero.
    **{
        series_id: SeriesInfo(unit="percent", iso3=None, measure=measure, frequency="daily", title=title)
        for series_id, measure, title in (
            ("DGS2", "treasury_yield_2y", "Market Yield on U.S. Treasury Securities at 2-Year Constant Maturity (H.15, percent)"),
            ("DGS10", "treasury_yield_10y", "Market Yield on U.S. Treasury Securities at 10-Year Constant Maturity (H.15, percent)"),
            ("DGS30", "treasury_yield_30y", "Market Yield on U.S. Treasury Securities at 30-Year Constant Maturity (H.15, percent)"),
            ("DFII10", "tips_real_yield_10y", "Market Yield on U.S. Treasury Securities at 10-Year Constant Maturity, Inflation-Indexed (H.15, percent)"),
            ("T10YIE", "breakeven_inflation_10y", "10-Year Breakeven Inflation Rate (DGS10 - DFII10, percent)"),
            ("THREEFYTP10", "term_premium_10y", "Term Premium on a 10 Year Zero Coupon Bond (Kim-Wright model, Federal Reserve Board, percent)"),
        )
    },
    # Federal Reserve H.4.1, Wednesday levels (millions of dollars): securities the New York Fed holds
    # in custody for foreign official and international accounts. All such accounts together, not
    # one country; custody at the New York Fed only, not every official holding.
    "WMTSECL1": SeriesInfo(
        unit="usd_mn",
        iso3=None,
        measure="custody_foreign_official_marketable_treasuries",
        frequency="weekly",
        title="Assets: Securities Held in Custody for Foreign Official and International Accounts: Marketable U.S. Treasury Securities, Wednesday Level (H.4.1, millions of dollars)",
    ),
    "WSEFINTL1": SeriesInfo(
        unit="usd_mn",
        iso3=None,
        measure="custody_foreign_official_total",
        frequency="weekly",
        title="Assets: Securities Held in Custody for Foreign Official and International Accounts, Wednesday Level (H.4.1, millions of dollars; marketable and nonmarketable Treasuries, agency and other securities)",
    ),
}

DEFAULT_SERIES: tuple[str, ...] = tuple(SERIES)

SCHEMA: dict[str, pl.DataType] = {
    "series_id": pl.Utf8(),
    "obs_date": pl.Date(),
    "value": pl.Float64(),
    "line_no": pl.Int32(),
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_MISSING = ("", ".")  # new format leaves the cell empty, the old one prints "."


def series_url(series_id: str) -> str:
    if series_id not in SERIES:
        raise KeyError(f"unknown FRED series {series_id!r}: add it to fred.SERIES first")
    return f"{GRAPH_CSV_URL}?id={series_id}"


def _url_series_id(url: str) -> str | None:
    ids = parse_qs(urlsplit(url).query).get("id")
    return ids[0] if ids else None


def parse(body: bytes, url: str) -> pl.DataFrame:
    def fail(problem: str, line: int | None) -> SourceFormatError:
        return SourceFormatError(SOURCE, url, problem, line)

    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail("not UTF-8 text", 1) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise fail("empty file", 1)

    header = [cell.strip() for cell in rows[0]]
    url_id = _url_series_id(url)
    if header == ["DATE", "VALUE"]:
        series_id = url_id
        if not series_id:
            raise fail("old DATE,VALUE layout and no id= in the URL to name the series", 1)
    elif len(header) == 2 and header[0] == "observation_date":
        series_id = header[1]
        if url_id and url_id != series_id:
            raise fail(f"file holds {series_id} but the URL asked for {url_id}", 1)
    else:
        # An HTML error page, a multi-series download or a new layout.
        raise fail(f"unrecognised header {rows[0][:3]!r}", 1)
    info = SERIES.get(series_id)
    if info is None:
        raise fail(f"unknown series {series_id!r}: not in fred.SERIES", 1)

    records = []
    previous: date | None = None
    for line, row in enumerate(rows[1:], start=2):  # FRED never quotes line breaks
        if not row or row == [""]:
            continue
        if len(row) != 2 or not _DATE.fullmatch(row[0]):
            raise fail(f"expected DATE,VALUE, got {row!r}", line)
        try:
            obs_date = date.fromisoformat(row[0])
        except ValueError:
            raise fail(f"not a date: {row[0]!r}", line) from None
        if previous is not None and obs_date <= previous:
            raise fail(f"{obs_date} is not after the previous observation {previous}", line)
        previous = obs_date
        _check_frequency(info, obs_date, lambda p, line=line: fail(p, line))
        cell = row[1].strip()
        if cell in _MISSING:
            value = None
        elif _NUMBER.fullmatch(cell):
            value = float(cell)
        else:
            raise fail(f"value is not a number: {cell!r}", line)
        records.append((series_id, obs_date, value, line))
    return pl.DataFrame(records, schema=SCHEMA, orient="row")


def _check_frequency(info: SeriesInfo, obs_date: date, fail) -> None:
    """FRED dates a period by its first day and a Wednesday level by its Wednesday; anything else
    means SERIES is wrong about the series."""
    if info.frequency == "monthly" and obs_date.day != 1:
        raise fail(f"{obs_date} is not the first of a month for a monthly series")
    if info.frequency == "quarterly" and (obs_date.day != 1 or obs_date.month not in (1, 4, 7, 10)):
        raise fail(f"{obs_date} is not the first day of a quarter for a quarterly series")
    if info.frequency == "weekly" and obs_date.weekday() != 2:
        raise fail(f"{obs_date} is not a Wednesday for a series of Wednesday levels")
    if info.frequency == "daily" and obs_date.weekday() >= 5:
        raise fail(f"{obs_date} is a weekend day for a business-day series")
