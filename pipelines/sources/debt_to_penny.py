"""Treasury fiscaldata "Debt to the Penny" API pages (JSON).

A page is `{"data": [...], "meta": {..., "total-pages": N}, "links": {"next": "&page%5B...", ...}}`.
Amounts arrive as strings in dollars with cents, and `"null"` where the public /
intragovernmental split was not published (before 2005-03-31). `links.next` is a relative query
fragment, not a URL, so the next page's URL is rebuilt here from the current one.

The page URLs are also mirror file names (`pipelines.mirror.mirror_relpath`), so `page_url` has
one canonical spelling: parameters in a fixed order, brackets percent-encoded as `%5B`/`%5D`
(the API's own `links` spelling), commas and colons literal.
"""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import unquote, urlsplit, urlunsplit

import polars as pl

from pipelines.sources.errors import SourceFormatError

SOURCE = "debt_to_penny"

BASE_URL = (
    "https://api.fiscaldata.treasury.gov/services/api/fiscal_service/v2/accounting/od/debt_to_penny"
)
FIELDS = ("record_date", "debt_held_public_amt", "intragov_hold_amt", "tot_pub_debt_out_amt")
FIRST_DATE = date(1993, 1, 1)  # before the first record (1993-04-01): "everything"

# API field -> output column. The total is required; the split may be absent from pages that
# asked for other fields (the saved real responses asked only for the total).
_AMOUNTS = {
    "debt_held_public_amt": "debt_held_public_usd",
    "intragov_hold_amt": "intragov_hold_usd",
    "tot_pub_debt_out_amt": "tot_pub_debt_out_usd",
}
_REQUIRED = ("record_date", "tot_pub_debt_out_amt")
# Total public debt was $4.2tn in 1993 and under $40tn in 2026; outside this band the unit changed.
TOTAL_MIN, TOTAL_MAX = 1e12, 100e12

_PAGE_NUMBER, _PAGE_SIZE = "page%5Bnumber%5D", "page%5Bsize%5D"
_AMOUNT = re.compile(r"-?\d+(\.\d+)?")

SCHEMA: dict[str, pl.DataType] = {
    "record_date": pl.Date(),
    "debt_held_public_usd": pl.Float64(),
    "intragov_hold_usd": pl.Float64(),
    "tot_pub_debt_out_usd": pl.Float64(),
}


def page_url(after: date | None, page_size: int = 10000, page_number: int = 1) -> str:
    """Records strictly after `after` (all records when None), oldest first."""
    flt = f"record_date:gt:{after.isoformat()}" if after else f"record_date:gte:{FIRST_DATE}"
    rest = f"fields={','.join(FIELDS)}&filter={flt}&sort=record_date"
    return f"{BASE_URL}?{_page_query(rest, page_number, page_size)}"


def _page_query(query_without_page: str, number: int, size: int) -> str:
    """The query with the page parameters last, number before size (the API's own order)."""
    if number < 1 or size < 1:
        raise ValueError(f"page number and size must be >= 1, got {number}, {size}")
    return f"{query_without_page}&{_PAGE_NUMBER}={number}&{_PAGE_SIZE}={size}"


def _split_page_params(query: str) -> tuple[list[str], dict[str, str]]:
    """(the query's other `k=v` parts as written, {"number"/"size": value})."""
    kept, page = [], {}
    for part in filter(None, query.split("&")):
        key, _, value = part.partition("=")
        match = re.fullmatch(r"page\[(number|size)\]", unquote(key))
        if match:
            page[match[1]] = unquote(value)
        else:
            kept.append(part)
    return kept, page


def parse_page(body: bytes, url: str) -> tuple[pl.DataFrame, str | None]:
    def fail(problem: str, line: int | None = None) -> SourceFormatError:
        return SourceFormatError(SOURCE, url, problem, line)

    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise fail("not UTF-8 text", 1) from None
    except json.JSONDecodeError as exc:
        raise fail(f"not JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(doc, dict):
        raise fail("top level is not a JSON object", 1)
    for key, kind in (("data", list), ("meta", dict), ("links", dict)):
        if not isinstance(doc.get(key), kind):
            raise fail(f"missing or malformed {key!r}")

    records = [_record(i, rec, fail) for i, rec in enumerate(doc["data"])]
    frame = pl.DataFrame(records, schema=SCHEMA)
    return frame, _next_url(url, doc, fail)


def _record(i: int, rec: object, fail) -> dict:
    if not isinstance(rec, dict) or any(k not in rec for k in _REQUIRED):
        raise fail(f"data[{i}] lacks {', '.join(_REQUIRED)}")
    try:
        record_date = date.fromisoformat(rec["record_date"])
    except (TypeError, ValueError):
        raise fail(f"data[{i}].record_date is not a date: {rec['record_date']!r}") from None
    out: dict = {"record_date": record_date}
    for field, column in _AMOUNTS.items():
        raw = rec.get(field)
        if raw is None or raw == "null":
            out[column] = None
        elif isinstance(raw, str) and _AMOUNT.fullmatch(raw):
            out[column] = float(raw)
        else:
            raise fail(f"data[{i}].{field} is not an amount: {raw!r} ({record_date})")
    total = out["tot_pub_debt_out_usd"]
    if total is not None and not TOTAL_MIN <= total <= TOTAL_MAX:
        raise fail(f"data[{i}] total public debt {total:,.2f} outside 1..100 trillion ({record_date})")
    return out


def _next_url(url: str, doc: dict, fail) -> str | None:
    total_pages = doc["meta"].get("total-pages")
    if not isinstance(total_pages, int):
        raise fail("meta.total-pages is missing or not an integer")
    parts = urlsplit(url)
    kept, page = _split_page_params(parts.query)
    current = int(page.get("number", "1"))
    if current >= total_pages:
        return None  # meta is the authority on the end; links.next is null there anyway
    fragment = doc["links"].get("next")
    if not isinstance(fragment, str):
        raise fail(f"page {current} of {total_pages} but links.next is {fragment!r}")
    _, nxt = _split_page_params(fragment)
    if set(nxt) != {"number", "size"} or not all(v.isdigit() for v in nxt.values()):
        raise fail(f"links.next is not a page fragment: {fragment!r}")
    if int(nxt["number"]) != current + 1:
        raise fail(f"links.next points to page {nxt['number']}, expected {current + 1}")
    query = _page_query("&".join(kept), int(nxt["number"]), int(nxt["size"]))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
