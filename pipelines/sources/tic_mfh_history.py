"""Parser for TIC `mfhhis01.txt`: Major Foreign Holders of Treasury Securities, March 2000 on.

Layout (see NOTES_tic_and_debt.md A1/E): TAB-separated Excel export, annual blocks newest first,
columns newest first. Each block has a month row (`\\tDec\\tNov...`) over a `Country` + years row,
zipped per column; 2000-2011 blocks also carry `Series N/` and Roman-numeral rows above the month
row, and print the break month twice (new series first, then the old one "for comparison only").
Blocks have 11-13 value columns and may or may not end lines with a TAB. Units: USD billions.

Output: one row per printed cell, columns `CELL_SCHEMA` in tic_common (`file_date` from the footer
date such as `3/18/26`, `revised_on` from the footer's revision lines such as
`"(2024 and 2023 revised January 15, 2026)"`: the file's own word that a year was restated).
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from pipelines.sources.tic_common import (
    MONTH_ABBR,
    Column,
    Ctx,
    cell_rows,
    cells_frame,
    check_unit,
    is_blank,
    label_only_row,
    split_lines,
    trimmed,
    values_after_footer,
    with_duplicates_marked,
)

SOURCE = "tic_mfh_history"
UNIT = "billions"

_ROMAN = re.compile(r"[IVXLC]+")
_YEAR = re.compile(r"(19|20)\d\d")
_DASHES = re.compile(r"-+")
_FOOTER_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
# `(2025 revised March 18, 2026)`, `(2011, 2010, 2007 and 2006 revised Aug 15, 2018)`.
_REVISED = re.compile(r'"?\((?P<years>(?:(?:19|20)\d\d(?:, | and )?)+) revised (?P<date>[A-Za-z]+\.? \d{1,2}, \d{4})\)"?')


def parse(body: bytes, url: str) -> pl.DataFrame:
    ctx = Ctx(SOURCE, url)
    lines = split_lines(ctx, body)
    rows: list[dict] = []
    columns: list[Column] | None = None  # header of the block being read
    block_line, block_rows = 0, 0
    pending: list[tuple[int, str, list[str]]] = []  # Series / Roman rows above the next month row
    unit_seen = False
    footer: tuple[int, str] | None = None  # (line, text) where the footer began
    file_date: dt.date | None = None
    revised: dict[int, dt.date] = {}

    i = 0
    while i < len(lines):
        line, fields = lines[i]
        i += 1
        if is_blank(fields):
            continue
        first, values = fields[0].strip(), trimmed(fields[1:])

        if footer:
            # Footer prose and footnotes sit in the first field only.
            if values:
                raise values_after_footer(ctx, footer, line)
            m = _FOOTER_DATE.fullmatch(first)
            if m and file_date is None:
                file_date = _footer_date(ctx, m, line)
            revised.update(_revision_stamp(first))
            continue

        if first == "":
            kind = _unlabelled_kind(values)
            if kind == "months":
                if not unit_seen:
                    raise ctx.error("no '(in billions of dollars)' unit line before the header",
                                    line)
                if columns is not None and block_rows == 0:
                    raise ctx.error("header block has no data rows", block_line)
                year_line, year_fields = lines[i] if i < len(lines) else (line + 1, [])
                i += 1
                columns = _block_columns(ctx, line, values, year_line, year_fields, pending)
                pending, block_line, block_rows = [], line, 0
            elif kind in ("series", "roman"):
                pending.append((line, kind, values))
            elif kind == "dashes" and columns is not None and block_rows == 0:
                pass  # the `------` rule under the year row
            elif columns is None:
                unit_seen |= check_unit(ctx, fields, line, UNIT)  # title lines start with TABs
            else:
                raise ctx.error("row has values but no label", line)
            continue

        if first == "Country":
            raise ctx.error("'Country' year header row without a month header row above it", line)
        if not values:
            if columns is None:
                unit_seen |= check_unit(ctx, fields, line, UNIT)
            elif label_only_row(ctx, fields[0], line) == "footer":
                footer = (line, first)
            continue
        if columns is None:
            raise ctx.error("data row before any month header row", line)
        if pending:
            raise ctx.error("series rows not followed by a month header row", pending[0][0])
        rows += cell_rows(ctx, line, fields, columns)
        block_rows += 1

    if pending:
        raise ctx.error("series rows not followed by a month header row", pending[0][0])
    if columns is not None and block_rows == 0:
        raise ctx.error("header block has no data rows", block_line)
    return cells_frame(ctx, rows, file_date, revised)


def _unlabelled_kind(values: list[str]) -> str:
    """What a row with an empty first field is: months / series / roman / dashes / prose."""
    filled = [v for v in values if v]
    if all(v in MONTH_ABBR for v in filled):
        return "months"
    if all(v.startswith("Series") for v in filled):
        return "series"
    if all(_ROMAN.fullmatch(v) for v in filled):
        return "roman"
    if all(_DASHES.fullmatch(v) for v in filled):
        return "dashes"
    return "prose"


def _block_columns(ctx: Ctx, line: int, months: list[str], year_line: int, year_fields: list[str],
                   pending: list[tuple[int, str, list[str]]]) -> list[Column]:
    """Zip the month row with the `Country` + years row (and any Roman-numeral row) per column."""
    if "" in months:
        raise ctx.error("header months cannot be read: the month row has an empty column", line)
    if not year_fields or year_fields[0].strip() != "Country":
        raise ctx.error("missing 'Country' year header row below the month row", year_line)
    years = trimmed(year_fields[1:])
    if len(years) != len(months) or not all(_YEAR.fullmatch(y) for y in years):
        raise ctx.error(
            f"header months cannot be read: {len(months)} months {months} but years {years}",
            year_line)
    dates = [dt.date(int(y), MONTH_ABBR[m], 1) for m, y in zip(months, years)]

    series: list[str | None] = [None] * len(dates)
    romans = [(ln, vals) for ln, kind, vals in pending if kind == "roman"]
    if len(romans) > 1:
        raise ctx.error("more than one series numeral row above the header", romans[1][0])
    if romans:
        ln, vals = romans[0]
        if len(vals) > len(dates):
            raise ctx.error("series numeral printed over a column with no month", ln)
        series = [v or None for v in vals] + [None] * (len(dates) - len(vals))
    return with_duplicates_marked(ctx, dates, series, line)


def _footer_date(ctx: Ctx, m: re.Match, line: int) -> dt.date:
    month, day, year = int(m[1]), int(m[2]), int(m[3])
    if year < 100:
        year += 2000  # the file starts in 2000, so a two-digit year is 20yy
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ctx.error(f"footer date {m[0]!r} is not a valid date", line) from None


def _revision_stamp(text: str) -> dict[int, dt.date]:
    """The years a footer revision line names, each with its revision date; {} for other lines
    (and for a date that cannot be read: a stamp we cannot read declares nothing)."""
    m = _REVISED.fullmatch(text.strip())
    if not m:
        return {}
    for form in ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y"):
        try:
            when = dt.datetime.strptime(m["date"], form).date()
            break
        except ValueError:
            continue
    else:
        return {}
    return {int(year): when for year in re.findall(r"(?:19|20)\d\d", m["years"])}
