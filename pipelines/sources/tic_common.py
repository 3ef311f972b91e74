"""Pieces shared by the TIC text parsers (mfhhis01, slt_table5, slt_table3).

The TIC .txt files are Excel exports saved as TAB-separated text: Excel quotes fields containing
commas (`"China, Mainland"`), drops trailing `.0` (`866`), pads lines with TABs, and mixes title
prose, header rows, data rows and footnotes in one stream. Everything here is strict: anything
not recognised raises SourceFormatError with the 1-based line, so nothing is guessed or dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

from pipelines.countries import resolve_label
from pipelines.sources.errors import SourceFormatError

# Plausible ranges, USD billions. The largest single holder has never reached 1,400 bn and all
# foreign holdings are below 10,000 bn (2026); a factor of ~4-5 of headroom still catches a unit
# slip (millions read as billions is x1000). Holdings are stocks, so never negative.
COUNTRY_MAX_BN = 5_000.0
AGGREGATE_MAX_BN = 50_000.0

VALUE_FLAGS = ("n.a.", "*")  # n.a. = not available; * = less than $50 million (TIC footer)
OF_WHICH_LABELS = ("Of which:", "Of Which:")  # label-only lead-in rows, no data

MONTH_ABBR = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}

_NUMBER = re.compile(r"-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?")
_FOOTNOTE = re.compile(r"\s+\d{1,2}/$")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_UNIT = re.compile(r"\b(thousands|millions|billions|trillions)\s+of\s+dollars\b", re.IGNORECASE)

# Output of the two "one row per printed cell" parsers (mfhhis01 and Table 5).
CELL_SCHEMA: dict[str, pl.DataType] = {
    "raw_label": pl.Utf8,
    "label": pl.Utf8,
    "iso3": pl.Utf8,
    "aggregate": pl.Utf8,
    "ref_month": pl.Date,
    "series": pl.Utf8,
    "is_comparison_series": pl.Boolean,
    "value_usd_bn": pl.Float64,
    "value_flag": pl.Utf8,
    "line_no": pl.Int32,
    "file_date": pl.Date,
    "revised_on": pl.Date,
}


@dataclass(frozen=True)
class Ctx:
    """Which file we are reading, so every error names it."""

    source: str
    url: str

    def error(self, problem: str, line: int | None = None) -> SourceFormatError:
        return SourceFormatError(self.source, self.url, problem, line)


@dataclass(frozen=True)
class Column:
    """One value column of a header: its month, benchmark series label, and whether it is the
    older duplicate printed 'for comparison only' at a series break."""

    ref_month: dt.date
    series: str | None = None
    is_comparison_series: bool = False


def split_lines(ctx: Ctx, body: bytes) -> list[tuple[int, list[str]]]:
    """(1-based line number, fields) for every line; LF, CRLF or CR, final newline optional."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise ctx.error(f"not UTF-8/ASCII text ({exc.reason})", line) from exc
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()  # a final newline ends the last line, it does not start another
    return [(i, [unquote(f) for f in line.split("\t")]) for i, line in enumerate(lines, 1)]


def unquote(field: str) -> str:
    """Undo Excel's CSV-style quoting of one field: doubled quotes inside, one pair around."""
    if len(field) >= 2 and field[0] == '"' and field[-1] == '"':
        return field[1:-1].replace('""', '"')
    return field


def clean_label(raw: str) -> str:
    """Outer whitespace and a trailing footnote marker (` 2/`, `  5/`) removed, spaces collapsed."""
    return " ".join(_FOOTNOTE.sub("", raw.strip()).split())


def is_blank(fields: list[str]) -> bool:
    return not any(f.strip() for f in fields)


def trimmed(values: list[str]) -> list[str]:
    """Values with trailing empty fields (Excel's TAB padding) removed; inner empties kept."""
    out = [v.strip() for v in values]
    while out and out[-1] == "":
        out.pop()
    return out


def parse_value(ctx: Ctx, text: str, line: int, what: str) -> tuple[float | None, str | None]:
    """(value, flag): a number, or None with the flag for `n.a.` / `*`. Anything else raises."""
    text = text.strip()
    if text in VALUE_FLAGS:
        return None, text
    if not _NUMBER.fullmatch(text):
        raise ctx.error(f"value {text!r} for {what} is not a number, 'n.a.' or '*'", line)
    return float(text.replace(",", "")), None


def parse_iso_month(text: str) -> dt.date | None:
    """First of month for `YYYY-MM` or `YYYY-MM-DD`; None if the text is not such a date."""
    m = _ISO_MONTH.fullmatch(text.strip())
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2]), m[3]
    try:
        if day is not None:
            dt.date(year, month, int(day))  # validate the day, then keep the month only
        return dt.date(year, month, 1)
    except ValueError:
        return None


def check_unit(ctx: Ctx, fields: list[str], line: int, expected: str) -> bool:
    """True if the line states the unit (`... billions of dollars`); raises if it states another."""
    m = _UNIT.search(" ".join(fields))
    if not m:
        return False
    if m[1].lower() != expected:
        raise ctx.error(f"unit line says {m[0]!r}; this parser expects {expected} of dollars", line)
    return True


def resolve(ctx: Ctx, label: str, line: int) -> tuple[str | None, str | None]:
    """(iso3, aggregate) for a cleaned label, or SourceFormatError naming the line."""
    try:
        return resolve_label(label)
    except KeyError:
        raise ctx.error(
            f"unknown row label {label!r}: add it to pipelines/countries.py if it is real", line
        ) from None


def check_range(ctx: Ctx, value: float, is_aggregate: bool, line: int, what: str,
                scale: float = 1.0, signed: bool = False) -> None:
    """Refuse implausible values. `scale` converts the caps from billions to the file's unit;
    `signed` allows negatives (net flows), capped by absolute value."""
    cap = (AGGREGATE_MAX_BN if is_aggregate else COUNTRY_MAX_BN) * scale
    if value < 0 and not signed:
        raise ctx.error(f"negative holdings {value} for {what}", line)
    if abs(value) > cap:
        raise ctx.error(f"value {value} for {what} is outside the plausible range (|v| <= {cap:g})",
                        line)


def label_only_row(ctx: Ctx, raw_label: str, line: int) -> str:
    """Classify a row with a label and no values: 'skip' for `Of which:`, 'footer' for prose.

    A known country/aggregate label without values is an error (an empty data row), not prose.
    """
    label = clean_label(raw_label)
    if label in OF_WHICH_LABELS:
        return "skip"
    try:
        resolve_label(label)
    except KeyError:
        return "footer"
    raise ctx.error(f"row {label!r} has no values", line)


def values_after_footer(ctx: Ctx, footer: tuple[int, str], line: int) -> SourceFormatError:
    """The footer began at a label-only row; a later row with values means that row was not prose
    (e.g. a section heading inside the table), so stop rather than lose the rest of the data."""
    start, text = footer
    return ctx.error(f"values after the footer/notes that began at line {start} ({text!r})", line)


def cell_rows(ctx: Ctx, line: int, fields: list[str], columns: list[Column]) -> list[dict]:
    """The cells of one wide data row (label then one value per header column)."""
    raw_label = fields[0]
    label = clean_label(raw_label)
    iso3, aggregate = resolve(ctx, label, line)
    values = trimmed(fields[1:])
    if len(values) > len(columns):
        raise ctx.error(f"row {label!r} has {len(values)} values but the header has "
                        f"{len(columns)} months", line)
    if len(values) < len(columns):
        raise ctx.error(
            f"row {label!r} has {len(values)} values but the header has {len(columns)} months; "
            "refusing to guess which months are missing", line)
    out = []
    for col, text in zip(columns, values):
        what = f"{label} {col.ref_month:%Y-%m}"
        value, flag = parse_value(ctx, text, line, what)
        if value is not None:
            check_range(ctx, value, aggregate is not None, line, what)
        out.append({
            "raw_label": raw_label, "label": label, "iso3": iso3, "aggregate": aggregate,
            "ref_month": col.ref_month, "series": col.series,
            "is_comparison_series": col.is_comparison_series,
            "value_usd_bn": value, "value_flag": flag, "line_no": line,
        })
    return out


def with_duplicates_marked(ctx: Ctx, months: list[dt.date], series: list[str | None],
                           line: int) -> list[Column]:
    """Columns for a header; the second printing of a month is the comparison-only old series."""
    seen: dict[dt.date, int] = {}
    columns = []
    for month, ser in zip(months, series):
        seen[month] = seen.get(month, 0) + 1
        if seen[month] > 2:
            raise ctx.error(f"month {month:%Y-%m} appears more than twice in the header", line)
        columns.append(Column(month, ser, seen[month] == 2))
    return columns


def check_unique_cells(ctx: Ctx, rows: list[dict]) -> None:
    """One value per (row code, month, series role): a repeated row or block would double count."""
    seen: set[tuple] = set()
    for r in rows:
        key = (r["iso3"] or r["aggregate"], r["ref_month"], r["is_comparison_series"])
        if key in seen:
            raise ctx.error(f"{r['label']!r} {r['ref_month']:%Y-%m} is printed twice", r["line_no"])
        seen.add(key)


def cells_frame(
    ctx: Ctx, rows: list[dict], file_date: dt.date | None = None, revised: dict[int, dt.date] | None = None
) -> pl.DataFrame:
    """The typed output frame; `file_date` (read from the footer, after the data) on every row, and
    `revised_on`, the date the file says the cell's year was revised (footer `(2025 revised March
    18, 2026)`), on the cells of the years it names."""
    if not rows:
        raise ctx.error("no data rows found")
    check_unique_cells(ctx, rows)
    computed = ("file_date", "revised_on")
    frame = pl.DataFrame(rows, schema={k: v for k, v in CELL_SCHEMA.items() if k not in computed})
    revised_on = pl.col("ref_month").dt.year().replace_strict(
        list((revised or {}).keys()), list((revised or {}).values()), default=None, return_dtype=pl.Date
    )
    return frame.with_columns(pl.lit(file_date, dtype=pl.Date).alias("file_date"), revised_on.alias("revised_on"))
