"""The curated register of U.S. tariff events (`pipelines/data/tariff_events.csv`).

The register is data the project maintains and reviews like code: one row per tariff step that the
warehouse joins to holdings. Federal Register metadata is the authority for what it covers; the
register adds what the Federal Register does not carry (partners, sectors, rates, announcements
without a legal instrument, court rulings). `validate_register` and `compare_with_feed` check it
against the Federal Register feed; nothing here overwrites the register.

Columns (CSV, UTF-8, one header line):
* `event_id`: stable slug, `YYYY-MM-DD-<instrument>-<what>`; never renamed once used.
* `title`: the official title where the event has an FR document (so it can be compared with the
  feed), otherwise a short description.
* `announced_on`, `signed_on`, `published_on` (FR publication), `effective_on`: ISO dates, empty
  when unknown. A court ruling's decision date is `announced_on`.
* `authority`: ieepa | section_232 | section_301 | section_122 | section_338 | section_201 |
  agreement (a deal announced with no legal instrument of its own) | court.
* `action`: impose | increase | decrease | pause | exempt | terminate | agreement | ruling.
* `partner_scope`: `all` (every partner, less `excluded_partners`) or `listed` (only `partners`).
* `partners`, `excluded_partners`: ISO 3166 alpha-3 codes separated by `;`. The European Union is
  written out as its 27 member states (no EU pseudo-code), so every code joins to country data.
  They follow the order's own text: EO 14257 sec. 3(d)-(e) keeps goods of Canada and Mexico out of
  the reciprocal tariff, and the orders modifying its rates apply "subject to all applicable
  exceptions set forth in Executive Order 14257", so every reciprocal row excludes CAN and MEX;
  sec. 3(j) applies China's rates "equally to articles of both the Hong Kong Special
  Administrative Region and the Macau Special Administrative Region", so every China reciprocal
  row lists CHN, HKG and MAC (and the pauses exclude all three).
* `scope_evidence`: the clause(s) that set the partners and exemptions, quoted verbatim (markdown
  escapes and line breaks removed, several quotes separated by ` […] `); `scope_source`: where each
  quote is, in the same order, separated by `; `: a file under `../shared/sources`
  (`tariffs/whitehouse/<order>.md`, the order's own text) or, where no text of the order is
  stored, `tariffs/EVENTS_FACTS.md` (a secondary fact table: its row is quoted). The blocking check
  `tariff_event_scope_has_evidence` refuses a row without either.
* `sectors`: `;`-separated snake_case labels (`all`, `autos`, `steel`, ...).
* `rate_before_pct`, `rate_after_pct`: the additional ad valorem duty of the measure in force, in
  percent, before and after the event; empty when not a single number. `rate_threatened_pct`: a
  rate only threatened (a letter, an announcement) and never in force, kept apart: the 2025-07-22
  U.S.-Japan deal lowered the rate in force (10%), not the 25% of the 2025-07-07 letter.
* `fr_document_number`: the Federal Register document the event rests on; `source_url`; `notes`
  (disagreements between sources ⚠, values not confirmed in a second source "unverified (†)", and
  the word "retroactive" when an order takes effect before it was signed).
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.countries import ISO3166_ALPHA3
from pipelines.sources.errors import SourceFormatError

SOURCE = "tariff_register"

REGISTER_PATH = Path(__file__).parent / "data" / "tariff_events.csv"

COLUMNS = (
    "event_id", "title", "announced_on", "signed_on", "published_on", "effective_on",
    "authority", "action", "partner_scope", "partners", "excluded_partners", "scope_evidence", "scope_source",
    "sectors", "rate_before_pct", "rate_after_pct", "rate_threatened_pct", "fr_document_number", "source_url", "notes",
)
DATE_COLUMNS = ("announced_on", "signed_on", "published_on", "effective_on")
RATE_COLUMNS = ("rate_before_pct", "rate_after_pct", "rate_threatened_pct")
LIST_COLUMNS = ("partners", "excluded_partners", "sectors")

AUTHORITIES = frozenset(
    {"ieepa", "section_232", "section_301", "section_122", "section_338", "section_201", "agreement", "court"}
)
ACTIONS = frozenset({"impose", "increase", "decrease", "pause", "exempt", "terminate", "agreement", "ruling"})
PARTNER_SCOPES = frozenset({"all", "listed"})

SCHEMA = {
    **{c: pl.Utf8 for c in COLUMNS},
    **{c: pl.Date for c in DATE_COLUMNS},
    **{c: pl.Float64 for c in RATE_COLUMNS},
    **{c: pl.List(pl.Utf8) for c in LIST_COLUMNS},
    "csv_line": pl.Int64,  # where the row starts in the file, for messages a reviewer can follow
}


def _parse(value: str, column: str, path: str, line: int) -> object:
    value = value.strip()
    if column in LIST_COLUMNS:
        return [part.strip() for part in value.split(";") if part.strip()]
    if not value:
        return None
    if column in DATE_COLUMNS:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise SourceFormatError(SOURCE, path, f"{column} {value!r} is not a YYYY-MM-DD date", line)
    if column in RATE_COLUMNS:
        try:
            return float(value)
        except ValueError:
            raise SourceFormatError(SOURCE, path, f"{column} {value!r} is not a number", line) from None
    return value


def load_register(path: str | Path | None = None) -> pl.DataFrame:
    """The register as a typed frame (dates Date, rates Float64, code lists List(Utf8), `csv_line`).

    Raises SourceFormatError on a file that is not the register's layout or a cell that cannot be
    read; whether the values make sense is `validate_register`'s job.
    """
    path = Path(path) if path is not None else REGISTER_PATH
    where = str(path)
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise SourceFormatError(SOURCE, where, f"header {reader.fieldnames} is not {list(COLUMNS)}", 1)
        previous_end = 1
        for record in reader:
            line = previous_end + 1  # a quoted cell may span lines: report where the row starts
            previous_end = reader.line_num
            if None in record or any(value is None for value in record.values()):
                raise SourceFormatError(SOURCE, where, f"expected {len(COLUMNS)} fields", line)
            row = {column: _parse(record[column], column, where, line) for column in COLUMNS}
            if not row["event_id"]:
                raise SourceFormatError(SOURCE, where, "empty event_id", line)
            rows.append({**row, "csv_line": line})
    return pl.DataFrame(rows, schema=SCHEMA)


def _where(row: dict) -> str:
    line = row.get("csv_line")
    return f"{row['event_id']} (line {line})" if line is not None else str(row["event_id"])


def _row_problems(row: dict) -> list[str]:
    problems = []
    order = [c for c in ("announced_on", "signed_on", "published_on") if row.get(c) is not None]
    for earlier, later in zip(order, order[1:]):
        if row[earlier] > row[later]:
            problems.append(f"{earlier} {row[earlier]} is after {later} {row[later]}")
    signed, effective = row.get("signed_on"), row.get("effective_on")
    if signed and effective and effective < signed and "retroactive" not in (row.get("notes") or "").lower():
        problems.append(f"effective_on {effective} is before signed_on {signed} and notes do not say retroactive")
    for column, allowed in (("authority", AUTHORITIES), ("action", ACTIONS), ("partner_scope", PARTNER_SCOPES)):
        if row.get(column) not in allowed:
            problems.append(f"unknown {column} {row.get(column)!r} (allowed: {', '.join(sorted(allowed))})")
    partners, excluded = row.get("partners") or [], row.get("excluded_partners") or []
    for column, codes in (("partners", partners), ("excluded_partners", excluded)):
        unknown = [c for c in codes if c not in ISO3166_ALPHA3]
        if unknown:
            problems.append(f"{column} not ISO 3166 alpha-3: {', '.join(unknown)}")
    if row.get("partner_scope") == "all" and partners:
        problems.append("partner_scope is all but partners are listed (use excluded_partners)")
    if row.get("partner_scope") == "listed":
        if not partners:
            problems.append("partner_scope is listed but no partners are given")
        if excluded:
            problems.append("excluded_partners only make sense with partner_scope all")
    return problems


def validate_register(events: pl.DataFrame, feed: pl.DataFrame | None = None) -> list[str]:
    """Every problem in the register, one message each, naming the event (and its CSV line).

    With `feed` (Federal Register documents as parsed by `federal_register.parse_page`), every
    `fr_document_number` whose `published_on` falls inside the feed's publication-date range must be
    in the feed: outside that range the feed cannot tell.
    """
    messages = []
    rows = events.to_dicts()
    seen: dict[str, dict] = {}
    for row in rows:
        if row["event_id"] in seen:
            messages.append(f"{_where(row)}: duplicate event_id, first at {_where(seen[row['event_id']])}")
        seen.setdefault(row["event_id"], row)
        messages += [f"{_where(row)}: {problem}" for problem in _row_problems(row)]
    if feed is not None and feed.height:
        first, last = feed["publication_date"].min(), feed["publication_date"].max()
        known = set(feed["document_number"].to_list())
        for row in rows:
            number, published = row.get("fr_document_number"), row.get("published_on")
            if number and published and first <= published <= last and number not in known:
                messages.append(
                    f"{_where(row)}: FR document {number} (published {published}) is not in the feed,"
                    f" which covers {first} to {last}"
                )
    return messages


def _normalise_title(title: str | None) -> str:
    """Titles compared without case, punctuation or spacing ("Into The" vs "into the", ’ vs ')."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", (title or "").casefold()).split())


COMPARE_SCHEMA = {
    "event_id": pl.Utf8,
    "csv_line": pl.Int64,
    "fr_document_number": pl.Utf8,
    "field": pl.Utf8,
    "register_value": pl.Utf8,
    "feed_value": pl.Utf8,
}


def compare_with_feed(events: pl.DataFrame, feed: pl.DataFrame) -> pl.DataFrame:
    """Register rows whose `published_on` or `title` disagree with the Federal Register feed.

    One row per disagreement (`field` is published_on or title), for a reviewer to resolve in the
    CSV. Events whose document is not in the feed are `validate_register`'s concern, not listed.
    Numbers were reused before 2016, so when the feed holds several documents with the number, the
    one published on the register's date is compared (else the earliest).
    """
    by_number: dict[str, list[dict]] = {}
    columns = ["document_number", "publication_date", "title"]
    for doc in feed.select(columns).unique().sort("publication_date").iter_rows(named=True):
        by_number.setdefault(doc["document_number"], []).append(doc)
    out = []
    for row in events.to_dicts():
        candidates = by_number.get(row.get("fr_document_number") or "")
        if not candidates:
            continue
        same_day = [d for d in candidates if d["publication_date"] == row.get("published_on")]
        doc = (same_day or candidates)[0]
        base = {
            "event_id": row["event_id"],
            "csv_line": row.get("csv_line"),
            "fr_document_number": doc["document_number"],
        }
        if doc["publication_date"] != row.get("published_on"):
            register = row.get("published_on")
            register_value = str(register) if register else None
            out.append({**base, "field": "published_on", "register_value": register_value,
                        "feed_value": str(doc["publication_date"])})
        if doc["title"] and _normalise_title(doc["title"]) != _normalise_title(row.get("title")):
            out.append({**base, "field": "title", "register_value": row.get("title"), "feed_value": doc["title"]})
    return pl.DataFrame(out, schema=COMPARE_SCHEMA)
