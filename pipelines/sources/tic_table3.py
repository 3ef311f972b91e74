"""Parser for TIC `slt_table3.txt`: U.S. Treasury securities held by foreign residents, by country,
in USD millions, long format (one row per country and month).

Layout: prose title lines (`Table 3: ...`, `Millions of dollars`, `Link: ...`) in any number, then
ONE machine-readable, TAB-separated header row `country, country_code, date, for_treas_pos, ...`
(found by content, never by position; names may carry spaces around them, and a single
comma-separated header field is accepted too), data rows `Japan<TAB><code><TAB>2026-03<TAB>...`,
regional and memo rows (`Total Europe`, `Memo: Euro Area`, `Of Which: Foreign Official`,
`Grand Total`, ...), then a `Notes:` footer. `n.a.` (and TIC's `*`) cells become null.

Columns (prefix `for_` = held by foreign residents; `lt`/`st` = long-/short-term securities):
- `for_*_pos`: holdings (positions) at end of month; never negative.
- `for_*_net`: net transactions in the month. TIC sign convention: POSITIVE = net foreign
  PURCHASES of U.S. Treasuries (foreigners bought more than they sold); negative = net sales.
- `for_lt_treas_valchg`: change in value of long-term holdings not due to transactions (price and
  other changes), so LT position(t) ~ position(t-1) + net(t) + valchg(t).

Plausible ranges (tic_common caps, converted to millions): positions 0 to 5,000,000 for a country
and 50,000,000 for an aggregate; flows and valuation changes within plus or minus the same caps.
"""

from __future__ import annotations

import polars as pl

from pipelines.sources.tic_common import (
    Ctx,
    check_range,
    check_unit,
    clean_label,
    is_blank,
    label_only_row,
    parse_iso_month,
    parse_value,
    resolve,
    split_lines,
    trimmed,
    values_after_footer,
)

SOURCE = "tic_table3"
UNIT = "millions"
MILLIONS_PER_BILLION = 1_000.0  # the plausibility caps in tic_common are in billions

HEADER = (
    "country", "country_code", "date",
    "for_treas_pos", "for_treas_net", "for_lt_treas_pos", "for_lt_treas_net",
    "for_lt_treas_valchg", "for_st_treas_pos", "for_st_treas_net",
)
VALUE_NAMES = HEADER[3:]
OUT_SCHEMA: dict[str, pl.DataType] = {
    "raw_label": pl.Utf8,
    "label": pl.Utf8,
    "country_code": pl.Utf8,
    "iso3": pl.Utf8,
    "aggregate": pl.Utf8,
    "ref_month": pl.Date,
    **{f"{name}_usd_mn": pl.Float64 for name in VALUE_NAMES},
    "line_no": pl.Int32,
}


def parse(body: bytes, url: str) -> pl.DataFrame:
    ctx = Ctx(SOURCE, url)
    rows: list[dict] = []
    header_line: int | None = None
    unit_seen = False
    footer: tuple[int, str] | None = None  # (line, text) where the notes began

    for line, fields in split_lines(ctx, body):
        if is_blank(fields):
            continue
        if header_line is None:
            if _header_names(fields) == HEADER:
                if not unit_seen:
                    raise ctx.error("no 'Millions of dollars' unit line before the header", line)
                header_line = line
                continue
            cells = trimmed(fields)
            if len(cells) >= 3 and parse_iso_month(cells[2]) is not None:
                raise ctx.error("data row before the machine-readable header row", line)
            unit_seen |= check_unit(ctx, fields, line, UNIT)
            continue
        cells = trimmed(fields)
        if footer:
            if len(cells) > 1:
                raise values_after_footer(ctx, footer, line)
            continue
        if len(cells) == 1:
            if label_only_row(ctx, fields[0], line) == "footer":
                footer = (line, cells[0])
            continue
        rows.append(_row(ctx, line, fields[0], cells))

    if header_line is None:
        raise ctx.error("missing the machine-readable header row (country, country_code, ...)")
    if not rows:
        raise ctx.error("no data rows found", header_line)
    _check_unique(ctx, rows)
    return pl.DataFrame(rows, schema=OUT_SCHEMA)


def _header_names(fields: list[str]) -> tuple[str, ...]:
    names = [f.strip().lower() for f in trimmed(fields)]
    if len(names) == 1 and "," in names[0]:
        names = [n.strip() for n in names[0].split(",")]
    return tuple(names)


def _row(ctx: Ctx, line: int, raw_label: str, cells: list[str]) -> dict:
    if len(cells) != len(HEADER):
        raise ctx.error(f"row has {len(cells)} fields, the header has {len(HEADER)}", line)
    label = clean_label(raw_label)
    iso3, aggregate = resolve(ctx, label, line)
    ref_month = parse_iso_month(cells[2])
    if ref_month is None:
        raise ctx.error(f"date {cells[2]!r} is not YYYY-MM or YYYY-MM-DD", line)
    row = {"raw_label": raw_label, "label": label, "country_code": cells[1] or None,
           "iso3": iso3, "aggregate": aggregate, "ref_month": ref_month, "line_no": line}
    for name, text in zip(VALUE_NAMES, cells[3:]):
        what = f"{label} {ref_month:%Y-%m} {name}"
        value, _flag = parse_value(ctx, text, line, what)
        if value is not None:
            # Positions are stocks (>= 0); net flows and valuation changes may be negative.
            check_range(ctx, value, aggregate is not None, line, what,
                        scale=MILLIONS_PER_BILLION, signed=not name.endswith("_pos"))
        row[f"{name}_usd_mn"] = value
    return row


def _check_unique(ctx: Ctx, rows: list[dict]) -> None:
    seen: set[tuple] = set()
    for r in rows:
        key = (r["iso3"] or r["aggregate"], r["ref_month"])
        if key in seen:
            raise ctx.error(f"{r['label']!r} {r['ref_month']:%Y-%m} is printed twice", r["line_no"])
        seen.add(key)
