"""Japan MOF "International Transactions in Securities (Weekly; based on reports from designated
major investors)", `week.csv` (対外及び対内証券売買契約等の状況（週次・指定報告機関ベース）).

No copy of this file was available when this parser was written: it follows MOF's published
layout as described in the source notes and public descriptions of the file, and the first live
run is its first real test. It is strict so that such a run fails loudly, naming the line, rather
than loading something misread.

Layout (cp932, 23 columns in every CSV record):
* 14 header records, bilingual. The English ones are checked cell by cell: record 2 (1-based)
  holds the English title in column 1 and `Final Update <Month> <day>, <year>` in column 20,
  record 5 `Unit: 100 million Yen` in column 20, record 9 the two sections (`1. Portfolio
  Investment Assets` in column 2, `2. Portfolio Investment Liabilities` in column 13), record 12
  the instruments and record 14 the measures. Every other non-empty header cell must be one of the
  Japanese labels in `_JAPANESE_LABELS` (compared after NFKC normalisation).
* One record per week, Sunday to Saturday, labelled with full-width digits and separators:
  `2026．9．6～9．12`, `2024．12．29～2025．1．4` across a year end, `2005．1．2～ 1．8` with a space.
  Then 22 numbers, 100 million yen, `"1,689 "` quoted with thousands separators and a trailing
  space: for each section, equity and investment fund shares (acquisition, disposition, net),
  long-term debt securities (acquisition, disposition, net), their subtotal (net), short-term debt
  securities (acquisition, disposition, net), total (net).
* A blank record, then footnotes (`(注1)`.., `(Note 1)`..). Note 1 says the sign of residents' net
  foreign securities changed in January 2014; note 3 that net acquisition carries a plus sign. If
  either sentence is gone the sign convention may have changed, so the file is refused.

Sign: from January 2014, net = acquisition - disposition in both sections. Before 2014, residents'
(assets) net was printed with the opposite sign (net sales positive). `net_acquisition_100m_jpy`
is always acquisition minus disposition (positive = net purchases); `net_printed_100m_jpy` keeps
what MOF printed. Every net, subtotal and total is checked against its parts, to within the 1 unit
MOF's separate rounding allows.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import polars as pl

from pipelines.sources import mof_common
from pipelines.sources.errors import SourceFormatError

SOURCE = "mof_weekly_securities"

N_COLUMNS = 23
HEADER_RECORDS = 14
ROUNDING_TOLERANCE = 1  # 100 million yen: each printed figure is rounded on its own
SIGN_CHANGE = date(2014, 1, 1)

TITLE_EN = "International Transactions in Securities (Weekly; based on reports from designated major investors)"
UNIT_EN = "Unit: 100 million Yen"
# (0-based record, 0-based column) -> the exact English text there.
_ENGLISH_CELLS: dict[tuple[int, int], str] = {
    (1, 0): TITLE_EN,
    (4, 19): UNIT_EN,
    (8, 1): "1. Portfolio Investment Assets",
    (8, 12): "2. Portfolio Investment Liabilities",
    **{
        (11, offset + column): label
        for offset in (1, 12)
        for column, label in (
            (0, "Equity and investment fund shares"),
            (3, "Long-term debt securities"),
            (6, "Subtotal"),
            (7, "Short-term debt securities"),
            (10, "Total"),
        )
    },
}
_MEASURES = ["Acquisition", "Disposition", "Net", "Acquisition", "Disposition", "Net", "Net",
             "Acquisition", "Disposition", "Net", "Net"]
_MEASURE_RECORD = 13
_UPDATE_CELL = (1, 19)
_UPDATE_EN = re.compile(r"Final Update ([A-Z][a-z]+) (\d{1,2}) ?, ?(\d{4})")

# Japanese header labels as MOF prints them, after NFKC (full-width brackets and digits to ASCII).
_JAPANESE_LABELS = frozenset(
    mof_common.nfkc(text)
    for text in (
        "対外及び対内証券売買契約等の状況（週次・指定報告機関ベース）",
        "（単位：億円）",
        "期間",
        "Period",
        "1．対外証券投資",
        "2．対内証券投資",
        "【居住者による取得・処分】",
        "【非居住者による取得・処分】",
        "株式・投資ファンド持分",
        "中長期債",
        "小計",
        "短期債",
        "合計",
        "取得",
        "処分",
        "ネット",
    )
)
_UPDATE_JA = re.compile(r"最終更新日:?(\d{4})年(\d{1,2})月(\d{1,2})日")

# `2026．9．6～9．12` after NFKC: `2026.9.6~9.12` (NFKC maps the full-width tilde to `~`).
_WEEK = re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2}) ?~ ?(?:(\d{4})\.)?(\d{1,2})\.(\d{1,2})")
_NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)")

SIDES = ("residents_foreign_securities", "nonresidents_japanese_securities")
# The 11 columns of one section: (instrument, measure) in MOF's order.
_SECTION = (
    ("equity_and_fund_shares", "acquisition"), ("equity_and_fund_shares", "disposition"),
    ("equity_and_fund_shares", "net"),
    ("long_term_debt", "acquisition"), ("long_term_debt", "disposition"), ("long_term_debt", "net"),
    ("equity_and_long_term_debt", "net"),
    ("short_term_debt", "acquisition"), ("short_term_debt", "disposition"), ("short_term_debt", "net"),
    ("total", "net"),
)

SCHEMA: dict[str, pl.DataType] = {
    "week_start": pl.Date(),
    "week_end": pl.Date(),
    "investor_side": pl.Utf8(),
    "instrument": pl.Utf8(),
    "acquisition_100m_jpy": pl.Float64(),
    "disposition_100m_jpy": pl.Float64(),
    "net_printed_100m_jpy": pl.Float64(),
    "net_acquisition_100m_jpy": pl.Float64(),
    "final_update": pl.Date(),
    "line_no": pl.Int32(),
}


def parse(body: bytes, url: str) -> pl.DataFrame:
    def fail(problem: str, line: int | None) -> SourceFormatError:
        return SourceFormatError(SOURCE, url, problem, line)

    records = list(mof_common.csv_rows(mof_common.decode_cp932(body, SOURCE, url)))
    for line, row in records:
        if len(row) != N_COLUMNS:
            raise fail(f"expected {N_COLUMNS} columns, found {len(row)}", line)
    if len(records) <= HEADER_RECORDS:
        raise fail("file ends inside the header", records[-1][0] if records else 1)
    final_update = _check_header(records[:HEADER_RECORDS], fail)

    rows: list[dict] = []
    previous_end: date | None = None
    footer_at = None
    for index, (line, row) in enumerate(records[HEADER_RECORDS:], start=HEADER_RECORDS):
        if not any(cell.strip() for cell in row):
            footer_at = index + 1
            break
        try:
            start, end = week_label(row[0])
        except ValueError as exc:
            raise fail(str(exc), line) from None
        if previous_end is not None and start != previous_end + timedelta(days=1):
            raise fail(f"week {start} to {end} does not follow the week ending {previous_end}", line)
        if end > final_update:
            raise fail(f"week ending {end} is after the file's final update {final_update}", line)
        previous_end = end
        try:
            rows += _week_rows(start, end, row[1:], final_update, line)
        except ValueError as exc:
            raise fail(f"week {start} to {end}: {exc}", line) from None
    if not rows:
        raise fail("no week rows after the header", records[HEADER_RECORDS][0])
    if footer_at is None:
        raise fail("no blank line and footnotes after the last week", records[-1][0])
    _check_footer(records[footer_at:], fail)
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def week_label(label: str) -> tuple[date, date]:
    """`2026．9．6～9．12` -> (2026-09-06, 2026-09-12); a Sunday-to-Saturday week or ValueError."""
    match = _WEEK.fullmatch(mof_common.nfkc(label))
    if not match:
        raise ValueError(f"not a week label: {label!r}")
    y1, m1, d1, y2, m2, d2 = match.groups()
    try:
        start = date(int(y1), int(m1), int(d1))
        end = date(int(y2 or y1), int(m2), int(d2))
    except ValueError:
        raise ValueError(f"week label {label!r} names a day that does not exist") from None
    if start.weekday() != 6 or end - start != timedelta(days=6):
        raise ValueError(f"week label {label!r} is not a Sunday-to-Saturday week")
    return start, end


def _number(cell: str) -> float:
    text = cell.strip()
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"not a number of 100 million yen: {cell!r}")
    return float(text.replace(",", ""))


def _week_rows(start: date, end: date, cells: list[str], final_update: date, line: int) -> list[dict]:
    out = []
    for side, offset in zip(SIDES, (0, 11)):
        values: dict[tuple[str, str], float] = {}
        for (instrument, measure), cell in zip(_SECTION, cells[offset:offset + 11]):
            values[instrument, measure] = _number(cell)
        # Residents' net was printed as disposition minus acquisition before 2014 (note 1).
        sign = -1.0 if side == SIDES[0] and start < SIGN_CHANGE else 1.0
        net = {}
        for instrument in ("equity_and_fund_shares", "long_term_debt", "short_term_debt"):
            acquired, disposed = values[instrument, "acquisition"], values[instrument, "disposition"]
            net[instrument] = acquired - disposed
            if abs(sign * values[instrument, "net"] - net[instrument]) > ROUNDING_TOLERANCE:
                raise ValueError(
                    f"{side} {instrument}: net {values[instrument, 'net']:g} is not acquisition "
                    f"{acquired:g} - disposition {disposed:g}" + (" (pre-2014 sign)" if sign < 0 else ""))
        subtotal = sign * values["equity_and_long_term_debt", "net"]
        total = sign * values["total", "net"]
        # Printed subtotal and total against the printed nets (each rounded separately).
        if abs(subtotal - sign * (values["equity_and_fund_shares", "net"] + values["long_term_debt", "net"])) > ROUNDING_TOLERANCE:
            raise ValueError(f"{side}: subtotal {values['equity_and_long_term_debt', 'net']:g} is not equity + long-term debt")
        if abs(total - (subtotal + sign * values["short_term_debt", "net"])) > ROUNDING_TOLERANCE:
            raise ValueError(f"{side}: total {values['total', 'net']:g} is not subtotal + short-term debt")
        net["equity_and_long_term_debt"] = subtotal
        net["total"] = total
        for instrument in ("equity_and_fund_shares", "long_term_debt", "equity_and_long_term_debt", "short_term_debt", "total"):
            out.append({
                "week_start": start,
                "week_end": end,
                "investor_side": side,
                "instrument": instrument,
                "acquisition_100m_jpy": values.get((instrument, "acquisition")),
                "disposition_100m_jpy": values.get((instrument, "disposition")),
                "net_printed_100m_jpy": values[instrument, "net"],
                "net_acquisition_100m_jpy": net[instrument],
                "final_update": final_update,
                "line_no": line,
            })
    return out


def _check_header(header: list[tuple[int, list[str]]], fail) -> date:
    final_update = None
    for index, (line, row) in enumerate(header):
        for column, raw in enumerate(row):
            cell = " ".join(raw.split())  # header cells may hold line breaks
            expected = _ENGLISH_CELLS.get((index, column))
            if index == _MEASURE_RECORD and column > 0:
                expected = (_MEASURES * 2)[column - 1]
            if expected is not None:
                if cell != expected:
                    raise fail(f"header column {column + 1} should read {expected!r}, found {cell!r}", line)
                continue
            if not cell:
                continue
            if (index, column) == _UPDATE_CELL:
                final_update = _english_update(cell, fail, line)
            else:
                # A Japanese cell may stack two labels on two lines, each must be known.
                for part in (mof_common.nfkc(p) for p in raw.splitlines() if p.strip()):
                    if not (part in _JAPANESE_LABELS or _UPDATE_JA.fullmatch(part.replace(" ", ""))):
                        raise fail(f"unknown header text {part!r} in column {column + 1}", line)
    if final_update is None:
        raise fail(f"no 'Final Update <Month> <day>, <year>' in column {_UPDATE_CELL[1] + 1}", header[_UPDATE_CELL[0]][0])
    return final_update


def _english_update(cell: str, fail, line: int) -> date:
    match = _UPDATE_EN.fullmatch(cell)
    if not match:
        raise fail(f"expected 'Final Update <Month> <day>, <year>', found {cell!r}", line)
    try:
        return datetime.strptime(" ".join(match.groups()), "%B %d %Y").date()
    except ValueError:
        raise fail(f"not a date: {cell!r}", line) from None


# Sentences whose loss would mean the sign convention may have changed (English notes).
_REQUIRED_NOTES = {
    "(Note 1)": ("starting from January 2014",),
    "(Note 3)": ("net acquisition with a plus sign", "net disposition with a minus sign"),
}


def _check_footer(footer: list[tuple[int, list[str]]], fail) -> None:
    seen: dict[str, str] = {}
    for line, row in footer:
        first = mof_common.nfkc(row[0])
        if not any(c.strip() for c in row):
            continue
        if _WEEK.fullmatch(first):
            raise fail("a week row after the footnotes", line)
        if not first.startswith(("(注", "(Note")):
            raise fail(f"unexpected footer text {row[0]!r}", line)
        label = re.match(r"\((?:Note \d+|注\d+)\)", first)
        if label:
            seen[label[0]] = " ".join(" ".join(c.split()) for c in row if c.strip())
    for label, phrases in _REQUIRED_NOTES.items():
        text = seen.get(label, "")
        missing = [p for p in phrases if p not in text]
        if missing:
            raise fail(f"footnote {label} no longer says {missing[0]!r}: the sign convention may have changed", footer[0][0])
