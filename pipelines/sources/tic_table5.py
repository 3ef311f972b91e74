"""Parser for TIC `slt_table5.txt`: Major Foreign Holders of Treasury Securities (current Table 5,
which replaced mfh.txt in April 2023).

Layout (NOTES_tic_and_debt.md B1): TAB-separated, CRLF; prose title lines (`Table 5: ...`,
`Holdings at end of time period`, `Billions of dollars`, `Link: ...`) padded with TABs; ONE header
row `Country` + 13 ISO `YYYY-MM` months newest first; country rows (unquoted names), `All Other`,
`Grand Total` and the three `Of Which: Foreign Official ...` memo rows; then notes. USD billions.

Output: one row per printed cell, columns `CELL_SCHEMA` in tic_common; `series` is always null and
`is_comparison_series` False (the table has no series breaks), `file_date` null (no footer date).
"""

from __future__ import annotations

import polars as pl

from pipelines.sources.tic_common import (
    Column,
    Ctx,
    cell_rows,
    cells_frame,
    check_unit,
    is_blank,
    label_only_row,
    parse_iso_month,
    split_lines,
    trimmed,
    values_after_footer,
)

SOURCE = "tic_table5"
UNIT = "billions"


def parse(body: bytes, url: str) -> pl.DataFrame:
    ctx = Ctx(SOURCE, url)
    rows: list[dict] = []
    columns: list[Column] | None = None
    unit_seen = False
    footer: tuple[int, str] | None = None  # (line, text) where the notes began

    for line, fields in split_lines(ctx, body):
        if is_blank(fields):
            continue
        first, values = fields[0].strip(), trimmed(fields[1:])
        if footer:
            if values:
                raise values_after_footer(ctx, footer, line)
            continue
        if first == "Country":
            if columns is not None:
                raise ctx.error("a second 'Country' header row", line)
            if not unit_seen:
                raise ctx.error("no 'Billions of dollars' unit line before the header", line)
            columns = _header(ctx, line, values)
            continue
        if columns is None:
            if values:
                raise ctx.error("data row before the 'Country' header row", line)
            unit_seen |= check_unit(ctx, fields, line, UNIT)
            continue
        if not values:
            if label_only_row(ctx, fields[0], line) == "footer":
                footer = (line, first)
            continue
        rows += cell_rows(ctx, line, fields, columns)

    if columns is None:
        raise ctx.error("missing 'Country' header row")
    return cells_frame(ctx, rows)


def _header(ctx: Ctx, line: int, values: list[str]) -> list[Column]:
    """`Country\\t2026-03\\t2026-02...`: every column must be an ISO month, one month apart, newest
    first.

    A year-only header (`2025`, the mfhhis01 layout) is refused rather than read as a month. Two
    swapped month labels would silently move every value of two columns to the other month, and
    the table is always printed newest first without gaps, so anything else is refused too.
    """
    months = []
    for text in values:
        month = parse_iso_month(text)
        if month is None:
            raise ctx.error(f"header months cannot be read: {text!r} is not YYYY-MM", line)
        months.append(month)
    if not months:
        raise ctx.error("header months cannot be read: the 'Country' row has no months", line)
    if len(set(months)) != len(months):
        raise ctx.error("header months cannot be read: a month is printed twice", line)
    for newer, older in zip(months, months[1:]):
        if (newer.year * 12 + newer.month) - (older.year * 12 + older.month) != 1:
            raise ctx.error(
                f"header months are not consecutive newest first: {older:%Y-%m} follows {newer:%Y-%m}", line
            )
    return [Column(m) for m in months]
