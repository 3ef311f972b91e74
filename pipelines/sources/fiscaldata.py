"""The Treasury fiscaldata API's page envelope, shared by its datasets (Debt to the Penny, MSPD).

A page is `{"data": [...], "meta": {"count", "total-count", "total-pages", ...}, "links": {"next":
"&page%5Bnumber%5D=2&page%5Bsize%5D=...", ...}}`; amounts arrive as strings. `links.next` is a
relative query fragment, not a URL, so the next page's URL is rebuilt here from the current one.
Query parameters (fiscaldata API documentation): `fields` (comma list), `filter`
(`field:op:value`, comma-joined, ops lt/lte/gt/gte/eq/in), `sort` (`-field` descending),
`page[number]` (1-based), `page[size]` (at most 10,000). A bad query is HTTP 400 with
`{"error": ..., "message": ...}`.

Page URLs are also mirror file names (`pipelines.mirror.mirror_relpath`), so `page_url` has one
canonical spelling: parameters in a fixed order, brackets percent-encoded as `%5B`/`%5D` (the API's
own `links` spelling), commas and colons literal.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Callable
from urllib.parse import unquote, urlsplit, urlunsplit

import polars as pl

from pipelines.sources.errors import SourceFormatError
from pipelines.sources.pages import Page

API_ROOT = "https://api.fiscaldata.treasury.gov/services/api/fiscal_service"
MAX_PAGE_SIZE = 10_000

_PAGE_NUMBER, _PAGE_SIZE = "page%5Bnumber%5D", "page%5Bsize%5D"
AMOUNT = re.compile(r"-?\d+(\.\d+)?")

Fail = Callable[..., SourceFormatError]


def page_url(endpoint: str, fields: tuple[str, ...], filter_: str, sort: str, page_number: int = 1,
             page_size: int = MAX_PAGE_SIZE) -> str:
    """`endpoint` (e.g. `v1/debt/mspd/mspd_table_1`) queried in the canonical parameter order."""
    rest = f"fields={','.join(fields)}&filter={filter_}&sort={sort}"
    return f"{API_ROOT}/{endpoint}?{_page_query(rest, page_number, page_size)}"


def records_after(endpoint: str, fields: tuple[str, ...], first_date: date, after: date | None,
                  page_size: int = MAX_PAGE_SIZE, page_number: int = 1) -> str:
    """Records dated strictly after `after` (all from `first_date` when None), oldest first: the
    incremental query of every dataset keyed by `record_date`."""
    flt = f"record_date:gt:{after.isoformat()}" if after else f"record_date:gte:{first_date}"
    return page_url(endpoint, fields, flt, "record_date", page_number, page_size)


def page_parser(source: str, schema: dict, record: Callable[[int, object, Fail], dict]) -> Callable[[bytes, str], Page]:
    """The page parser of one dataset: the shared envelope, then `record(i, rec, fail)` per record."""
    def parse_page(body: bytes, url: str) -> Page:
        fail = failer(source, url)
        records, next_url, total = read_page(body, url, fail)
        return Page(pl.DataFrame([record(i, rec, fail) for i, rec in enumerate(records)], schema=schema), next_url, total)
    return parse_page


def _page_query(query_without_page: str, number: int, size: int) -> str:
    """The query with the page parameters last, number before size (the API's own order)."""
    if number < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"page number must be >= 1 and size 1..{MAX_PAGE_SIZE}, got {number}, {size}")
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


def query_of(url: str) -> dict[str, str]:
    """The query's parameters other than paging, unquoted (`{"filter": ..., "sort": ...}`)."""
    kept, _ = _split_page_params(urlsplit(url).query)
    return {unquote(k): unquote(v) for k, _, v in (p.partition("=") for p in kept)}


def failer(source: str, url: str) -> Fail:
    def fail(problem: str, line: int | None = None) -> SourceFormatError:
        return SourceFormatError(source, url, problem, line)
    return fail


def read_page(body: bytes, url: str, fail: Fail) -> tuple[list, str | None, int]:
    """(the page's `data` records, the next page's URL or None, `meta.total-count`)."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise fail("not UTF-8 text", 1) from None
    except json.JSONDecodeError as exc:
        raise fail(f"not JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(doc, dict):
        raise fail("top level is not a JSON object", 1)
    if "error" in doc and "data" not in doc:
        raise fail(f"the API answered with an error: {doc.get('error')!r}: {doc.get('message')!r}")
    for key, kind in (("data", list), ("meta", dict), ("links", dict)):
        if not isinstance(doc.get(key), kind):
            raise fail(f"missing or malformed {key!r}")
    total = doc["meta"].get("total-count")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise fail(f"meta.total-count is missing or not a count: {total!r}")
    return doc["data"], _next_url(url, doc, fail), total


def amount(raw: object, where: str, fail: Fail) -> float | None:
    """A string amount (`"34001493655565.48"`); None for null / `"null"` (not published)."""
    if raw is None or raw == "null":
        return None
    if isinstance(raw, str) and AMOUNT.fullmatch(raw):
        return float(raw)
    raise fail(f"{where} is not an amount: {raw!r}")


def _next_url(url: str, doc: dict, fail: Fail) -> str | None:
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


def describe(url: str) -> str:
    """The search and window of a query, for a completeness error: `v1/debt/... filter record_date:gt:...`."""
    endpoint = urlsplit(url).path.split("/fiscal_service/", 1)[-1]
    return f"search {endpoint}, window filter={query_of(url).get('filter', '')}"
