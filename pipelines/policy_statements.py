"""The curated register of official statements (`pipelines/data/policy_statements.csv`).

Statements about using Treasury holdings in the tariff talks, and the U.S.-Japan talks rounds, as
events the market windows are built on. Reviewed like code, validated like the tariff register: a
bad row fails the refresh with an error naming its CSV line.

Columns (CSV, UTF-8, one header line):
* `statement_id`: stable slug `YYYY-MM-DD-<speaker>-<what>`; never renamed once used.
* `statement_date`: the local date of the first public moment, ISO `YYYY-MM-DD`.
* `date_precision`: `day`, or `approximate` when the sources give only a part of a month ("mid-May");
  an approximate date is kept for the record but no market window is built on it.
* `time_local`: `HH:MM` in `time_zone` when the sources give it, else empty (the marts then assume
  09:00 local, the start of the official working day, and say so in `time_assumed`).
* `time_zone`: IANA name (`Asia/Tokyo`, `America/New_York`): where the statement was made.
* `speaker`, `office`: who spoke, and in which office at the time.
* `country`: ISO 3166 alpha-3 of the speaker's government.
* `kind`: one of `KINDS` (see there).
* `quote`: a short quote, at most 300 characters; the words of the source, not a summary.
* `source_url`: an `https://` URL of the record, or `shared:news/<file>` for the stored news
  article when no official transcript is available (secondary reporting, say so in notes).
* `notes`: what the source is and what it does not settle.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from pipelines.countries import ISO3166_ALPHA3
from pipelines.sources.errors import SourceFormatError

SOURCE = "policy_statements"

REGISTER_PATH = Path(__file__).parent / "data" / "policy_statements.csv"

COLUMNS = (
    "statement_id", "statement_date", "date_precision", "time_local", "time_zone", "speaker", "office",
    "country", "kind", "quote", "source_url", "notes",
)
# rules_out: rules out using the holdings; hints: presents them as a possible lever; talks_round: a
# round of negotiations held (or its outcome announced); denies_selling: denies that selling took place.
KINDS = frozenset({"rules_out", "hints", "talks_round", "denies_selling"})
PRECISIONS = frozenset({"day", "approximate"})
MAX_QUOTE = 300

SCHEMA = {
    **{c: pl.Utf8 for c in COLUMNS},
    "statement_date": pl.Date,
    "csv_line": pl.Int64,
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_SLUG = re.compile(r"\d{4}-\d{2}-\d{2}-[a-z0-9]+(-[a-z0-9]+)*")
_SHARED_NEWS = re.compile(r"shared:news/[A-Za-z0-9._-]+\.txt")


def load_statements(path: str | Path | None = None) -> pl.DataFrame:
    """The register as a typed frame with `csv_line`; every problem found raises one
    SourceFormatError naming the first offending line and listing each problem with its line."""
    path = Path(path) if path is not None else REGISTER_PATH
    where = str(path)
    rows, problems = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise SourceFormatError(SOURCE, where, f"header {reader.fieldnames} is not {list(COLUMNS)}", 1)
        previous_end = 1
        seen: dict[str, int] = {}
        for record in reader:
            line = previous_end + 1  # a quoted cell may span lines: report where the row starts
            previous_end = reader.line_num
            if None in record or any(value is None for value in record.values()):
                problems.append((line, f"expected {len(COLUMNS)} fields"))
                continue
            row = {column: record[column].strip() for column in COLUMNS}
            found = _row_problems(row)
            if row["statement_id"] in seen:
                found.append(f"duplicate statement_id, first at line {seen[row['statement_id']]}")
            seen.setdefault(row["statement_id"], line)
            problems += [(line, f"{row['statement_id'] or '(no id)'}: {p}") for p in found]
            if not found:
                rows.append({**row, "statement_date": date.fromisoformat(row["statement_date"]),
                             "time_local": row["time_local"] or None, "notes": row["notes"] or None,
                             "csv_line": line})
    if problems:
        listed = "; ".join(f"line {line}: {problem}" for line, problem in problems)
        raise SourceFormatError(SOURCE, where, f"{len(problems)} problem(s) in the statements register: {listed}",
                                problems[0][0])
    return pl.DataFrame(rows, schema=SCHEMA)


def _row_problems(row: dict[str, str]) -> list[str]:
    problems = []
    if not _SLUG.fullmatch(row["statement_id"]):
        problems.append(f"statement_id {row['statement_id']!r} is not YYYY-MM-DD-<slug>")
    if not _DATE.fullmatch(row["statement_date"]):
        problems.append(f"statement_date {row['statement_date']!r} is not a YYYY-MM-DD date")
    else:
        try:
            day = date.fromisoformat(row["statement_date"])
        except ValueError:
            problems.append(f"statement_date {row['statement_date']!r} is not a day of the calendar")
        else:
            if not row["statement_id"].startswith(day.isoformat()):
                problems.append(f"statement_id does not start with its statement_date {day}")
    if row["date_precision"] not in PRECISIONS:
        problems.append(f"unknown date_precision {row['date_precision']!r} (allowed: {', '.join(sorted(PRECISIONS))})")
    if row["time_local"] and not _TIME.fullmatch(row["time_local"]):
        problems.append(f"time_local {row['time_local']!r} is not HH:MM (24-hour)")
    try:
        ZoneInfo(row["time_zone"])
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"time_zone {row['time_zone']!r} is not an IANA time zone")
    if row["country"] not in ISO3166_ALPHA3:
        problems.append(f"country {row['country']!r} is not ISO 3166 alpha-3")
    if row["kind"] not in KINDS:
        problems.append(f"unknown kind {row['kind']!r} (allowed: {', '.join(sorted(KINDS))})")
    for column in ("speaker", "office", "quote"):
        if not row[column]:
            problems.append(f"empty {column}")
    if len(row["quote"]) > MAX_QUOTE:
        problems.append(f"quote is {len(row['quote'])} characters (at most {MAX_QUOTE}: a short quote)")
    url = row["source_url"]
    if not (url.startswith("https://") or _SHARED_NEWS.fullmatch(url)):
        problems.append(f"source_url {url!r} is neither an https:// URL nor shared:news/<file>.txt")
    if url.startswith("shared:") and "secondary" not in row["notes"].lower():
        problems.append("a statement taken from the stored news article must say 'secondary' reporting in notes")
    return problems


def statements_frame() -> pl.DataFrame:
    """The validated register as staged (SeedSource frame). The register's `source_url` (the record
    a statement rests on) is staged as `statement_source_url`: staging's `source_url` says where the
    rows were loaded from."""
    return load_statements().rename({"source_url": "statement_source_url"})
