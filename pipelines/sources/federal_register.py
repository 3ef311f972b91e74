"""Federal Register API (`documents.json`): search URLs and one response page as a frame. The links
between documents (corrections, amendments) are read from these frames in SQL, by
sql/core/fct_federal_register_links.sql only. Pure: no HTTP here; the fetcher downloads the pages and
follows `next_page_url`, these functions only build URLs and read bytes.

What was confirmed, and where (checked 2026-11):
* Endpoint `GET https://www.federalregister.gov/api/v1/documents.json`; query parameters `per_page`
  (default 20, maximum 1000), `page`, `order` (relevance | newest | oldest | executive_order_number),
  `fields[]`, `conditions[term]`, `conditions[publication_date][gte|lte|is|year]`,
  `conditions[type][]` (RULE | PRORULE | NOTICE | PRESDOCU), `conditions[agencies][]` (agency slug),
  `conditions[presidential_document_type][]`: the OFR developer documentation as transcribed in the
  api-evangelist OpenAPI files, the rOpenGov `federalregister` reference (`fr_search`), and the API's
  own source (usnationalarchives/federalregister-api-core).
* `presidential_document_type` identifiers: determination, executive_order, memorandum, notice,
  proclamation (and presidential_order): the `PresidentialDocumentType` table in the API source. Its
  display name ("Executive Order", "Proclamation", ...) is what the `subtype` field returns.
* `conditions[term]` syntax: `a | b` is OR, `-a` NOT, `&` AND, parentheses group, quotes make a
  phrase (federalregister.gov reader aid "Utilizing complex search terms").
* Response (`ApiController#render_search`): `count` and `description` always; `total_pages`,
  `results`, `next_page_url` and `previous_page_url` only when something matched, and
  `next_page_url` only when there is a next page. A bad request is HTTP 400 with `errors` or
  `status`/`message`; asking for a field that does not exist is such a 400 (`FieldNotFound`).
* Result fields (`EntryApiRepresentation`, and a full 2025 document response): document_number,
  title, type ("Rule" | "Proposed Rule" | "Notice" | "Presidential Document"), subtype,
  executive_order_number, proclamation_number, signing_date, publication_date, effective_on,
  citation ("90 FR 15041"), html_url, pdf_url, abstract, agencies (a list of {raw_name, name, id,
  url, json_url, parent_id, slug}; only `raw_name` when the agency is not recognised),
  disposition_notes (the EO disposition text), correction_of (the *API URL* of the corrected
  document, e.g. `.../api/v1/documents/2026-03829.json`, not its number). Dates are `YYYY-MM-DD`.
* NOT a result field: `presidential_document_type` (a search condition only). Requesting it would
  turn every search into a 400, so it is not in `fields[]`; the column is derived from `subtype`.
* Not confirmed: a third-party blog reports `per_page` capped at 100 and a 2,000-result window. The
  documentation says 1,000 per page; the fetcher should compare the rows it collected with `count`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, timedelta
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit

import polars as pl

from pipelines.sources.errors import SourceFormatError
from pipelines.sources.pages import Page

SOURCE = "federal_register"

API_URL = "https://www.federalregister.gov/api/v1/documents.json"

USTR_AGENCY = "trade-representative-office-of-united-states"

# Asked for explicitly, so a change in the API's default field list cannot change our columns.
FIELDS = (
    "document_number",
    "title",
    "type",
    "subtype",
    "executive_order_number",
    "proclamation_number",
    "signing_date",
    "publication_date",
    "effective_on",
    "citation",
    "html_url",
    "pdf_url",
    "abstract",
    "agencies",
    "disposition_notes",
    "correction_of",
)

PRESIDENTIAL_DOCUMENT_TYPES = ("determination", "executive_order", "memorandum", "notice", "proclamation")

# Full-text terms (the site's OR syntax). Stemming is not documented, so plurals are spelt out.
PRESIDENTIAL_TERM = "tariff | tariffs | duties | imports"
USTR_TERM = "tariff | tariffs | duties"
# Deal-implementing notices ("Implementing Certain Tariff-Related Elements of ...") and CBP's "Notice
# of Implementation of Additional Duties ..." come from different agencies (the stored material does
# not say which for each), so they are found by their recurring title phrases, for any agency.
IMPLEMENTING_TERM = '"tariff related elements" | "implementation of additional duties"'

# subtype (display name) -> presidential_document_type identifier, from the API's own table.
_SUBTYPE_IDS = {
    "Determination": "determination",
    "Executive Order": "executive_order",
    "Memorandum": "memorandum",
    "Notice": "notice",
    "Proclamation": "proclamation",
    "Presidential Order": "presidential_order",
}

SCHEMA = {
    "document_number": pl.Utf8,
    "publication_date": pl.Date,
    "signing_date": pl.Date,
    "effective_on": pl.Date,
    "title": pl.Utf8,
    "type": pl.Utf8,
    "subtype": pl.Utf8,
    "presidential_document_type": pl.Utf8,
    "executive_order_number": pl.Int64,
    "proclamation_number": pl.Utf8,
    "citation": pl.Utf8,
    "html_url": pl.Utf8,
    "pdf_url": pl.Utf8,
    "abstract": pl.Utf8,
    "agency_slugs": pl.Utf8,
    "correction_of": pl.Utf8,
    "disposition_notes": pl.Utf8,
    "result_index": pl.Int32,
}


# --- URLs -------------------------------------------------------------------------------------


def _canonical_url(params: Iterable[tuple[str, str]]) -> str:
    """The URL with parameters in sorted key order, repeated keys (`x[]`) keeping their order.

    Mirror file names are derived from the query string, so the order must never depend on how a
    caller happened to build the list. Sorted keys are also the order Rails' `to_query` gives the
    API's own `next_page_url`, so later pages should differ from our first page only by `page`.
    """
    ordered = sorted(params, key=lambda kv: quote_plus(kv[0]))  # stable: arrays keep their order
    return f"{API_URL}?{urlencode(ordered)}"


def _search(conditions: list[tuple[str, str]], per_page: int) -> str:
    params = [(f"conditions{key}", value) for key, value in conditions]
    params += [("fields[]", f) for f in FIELDS]
    params += [("order", "oldest"), ("per_page", str(per_page))]
    return _canonical_url(params)


def search_urls(published_since: date, per_page: int = 1000) -> list[str]:
    """First-page URLs of the searches that together cover the tariff documents since a date.

    1. Presidential documents (proclamations, executive orders, memoranda, determinations, notices)
       whose text mentions tariffs, duties or imports.
    2. USTR notices mentioning tariffs or duties (Section 301 actions and modifications).
    3. Deal-implementing and duty-implementation notices of any agency (see IMPLEMENTING_TERM).
    All oldest first, so a re-run appends pages at the end instead of reshuffling them.
    """
    if not 1 <= per_page <= 1000:
        raise ValueError(f"per_page must be 1..1000 (the documented maximum), got {per_page}")
    since = published_since.isoformat()
    presidential = [("[presidential_document_type][]", t) for t in PRESIDENTIAL_DOCUMENT_TYPES]
    presidential += [
        ("[publication_date][gte]", since),
        ("[term]", PRESIDENTIAL_TERM),
        ("[type][]", "PRESDOCU"),
    ]
    ustr = [
        ("[agencies][]", USTR_AGENCY),
        ("[publication_date][gte]", since),
        ("[term]", USTR_TERM),
        ("[type][]", "NOTICE"),
    ]
    implementing = [("[publication_date][gte]", since), ("[term]", IMPLEMENTING_TERM)]
    return [_search(c, per_page) for c in (presidential, ustr, implementing)]


def page_url(url: str, page: int) -> str:
    """`url` asking for page `page` (1-based), in the same canonical parameter order."""
    if page < 1:
        raise ValueError(f"page must be >= 1, got {page}")
    params = [(k, v) for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k != "page"]
    return _canonical_url(params + [("page", str(page))])


# --- windows: how a search too large for the API's result window is split ----------------------

# The API serves at most the first 2,000 results of one search (a later page is HTTP 400), and its
# `count` stops at 10,000: a search announcing more than this is split into narrower windows.
RESULT_WINDOW = 2000
DOCUMENT_TYPES = ("PRESDOCU", "RULE", "PRORULE", "NOTICE")
_GTE, _LTE = "conditions[publication_date][gte]", "conditions[publication_date][lte]"


def _params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def window_of(url: str) -> tuple[date, date | None]:
    """(first, last) publication date a search asks for; last None = open-ended (up to today)."""
    params = dict(_params(url))
    last = params.get(_LTE)
    return date.fromisoformat(params[_GTE]), date.fromisoformat(last) if last else None


def narrowed(url: str, first: date, last: date | None, **only: str) -> str:
    """`url` limited to publications first..last (open-ended when None), and to one value of a
    repeated condition (`type="NOTICE"`, `presidential_document_type="proclamation"`)."""
    kept = [(k, v) for k, v in _params(url) if k not in (_GTE, _LTE, "page")]
    for name, value in only.items():
        key = f"conditions[{name}][]"
        kept = [(k, v) for k, v in kept if k != key] + [(key, value)]
    kept.append((_GTE, first.isoformat()))
    if last is not None:
        kept.append((_LTE, last.isoformat()))
    return _canonical_url(kept)


def split(url: str, today: date) -> list[str]:
    """Narrower searches that together cover `url`, in publication order (so mirrors stay stable):
    an open search spanning years -> one per calendar year; a window of several days -> its two
    halves; one day -> one search per document type, or per presidential document type for a search
    of presidential documents. [] when the search cannot be narrowed further."""
    first, last = window_of(url)
    end = last or max(today, first)
    if last is None and end.year > first.year:
        years = [(max(first, date(y, 1, 1)), date(y, 12, 31)) for y in range(first.year, end.year)]
        return [narrowed(url, a, b) for a, b in years] + [narrowed(url, date(end.year, 1, 1), None)]
    if end > first:
        middle = first + (end - first) // 2
        return [narrowed(url, first, middle), narrowed(url, middle + timedelta(days=1), last)]
    params = _params(url)
    types = [v for k, v in params if k == "conditions[type][]"]
    if not types:
        return [narrowed(url, first, last, type=t) for t in DOCUMENT_TYPES]
    kinds = [v for k, v in params if k == "conditions[presidential_document_type][]"]
    if types == ["PRESDOCU"] and len(kinds) > 1:
        return [narrowed(url, first, last, presidential_document_type=k) for k in kinds]
    return []


def describe(url: str) -> str:
    """A search and its window in words, for errors: `search term='...' type=PRESDOCU, window ...`."""
    params = _params(url)
    term = dict(params).get("conditions[term]", "")
    repeated = {k[len("conditions["):-len("][]")]: [v for kk, v in params if kk == k]
                for k, _ in params if k.startswith("conditions[") and k.endswith("][]")}
    named = " ".join(f"{k}={','.join(v)}" for k, v in repeated.items())
    first, last = window_of(url)
    return f"search term={term!r} {named}, window publication_date {first}..{last or 'open'}"


# --- one response page ------------------------------------------------------------------------


def _fail(url: str, problem: str, index: int | None = None) -> SourceFormatError:
    # JSON has no lines; the position in `results` is the location an operator can open with
    # `jq '.results[N]'`, so it is what goes in the error's line slot.
    if index is not None:
        problem = f"result {index} (results[{index}]): {problem}"
    return SourceFormatError(SOURCE, url, problem, line=index)


def _load(body: bytes, url: str) -> dict:
    head = body.lstrip()[:200]
    if head[:1] == b"<":
        # The site answers some failures (maintenance, rate limiting) with an HTML page and 200.
        snippet = head[:60].decode("utf-8", "replace")
        raise _fail(url, f"got HTML, not JSON (an error page served as a success?): {snippet!r}")
    try:
        payload = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(url, f"not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise _fail(url, f"expected a JSON object, got {type(payload).__name__}")
    if "errors" in payload or ("status" in payload and "message" in payload):
        raise _fail(url, f"the API answered with an error: {payload.get('errors') or payload.get('message')!r}")
    return payload


def _text(result: dict, key: str, url: str, index: int) -> str | None:
    value = result.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _fail(url, f"{key} should be text, got {value!r}", index)


def _date(result: dict, key: str, url: str, index: int) -> date | None:
    value = result.get(key)
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(url, f"{key} {value!r} is not a YYYY-MM-DD date", index)


def _eo_number(result: dict, url: str, index: int) -> int | None:
    value = result.get("executive_order_number")
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise _fail(url, f"executive_order_number {value!r} is not a whole number", index)


def _proclamation_number(result: dict, url: str, index: int) -> str | None:
    value = result.get("proclamation_number")
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    raise _fail(url, f"proclamation_number {value!r} is neither text nor a number", index)


def _agency_slugs(result: dict, url: str, index: int) -> str | None:
    agencies = result.get("agencies")
    if agencies is None:
        return None
    if not isinstance(agencies, list) or not all(isinstance(a, dict) for a in agencies):
        raise _fail(url, f"agencies should be a list of objects, got {agencies!r}", index)
    # An agency the site could not match has only `raw_name`, no slug: it is skipped, not invented.
    slugs = [a["slug"] for a in agencies if isinstance(a.get("slug"), str) and a["slug"]]
    return ",".join(slugs) if slugs else None


def _document_number_of(reference: str) -> str:
    """`correction_of` is an API URL (`.../documents/2026-03829.json`); keep only the number."""
    last = reference.rstrip("/").split("?")[0].rsplit("/", 1)[-1]
    return last.removesuffix(".json")


def _row(result: object, index: int, url: str) -> dict:
    if not isinstance(result, dict):
        raise _fail(url, f"expected an object, got {type(result).__name__}", index)
    number = result.get("document_number")
    if not isinstance(number, str) or not number.strip():
        raise _fail(url, "no document_number", index)
    published = _date(result, "publication_date", url, index)
    if published is None:
        raise _fail(url, f"document {number} has no publication_date", index)
    subtype = _text(result, "subtype", url, index)
    correction_of = _text(result, "correction_of", url, index)
    return {
        "document_number": number.strip(),
        "publication_date": published,
        "signing_date": _date(result, "signing_date", url, index),
        "effective_on": _date(result, "effective_on", url, index),
        "title": _text(result, "title", url, index),
        "type": _text(result, "type", url, index),
        "subtype": subtype,
        "presidential_document_type": (
            _SUBTYPE_IDS.get(subtype, subtype.lower().replace(" ", "_")) if subtype else None
        ),
        "executive_order_number": _eo_number(result, url, index),
        "proclamation_number": _proclamation_number(result, url, index),
        "citation": _text(result, "citation", url, index),
        "html_url": _text(result, "html_url", url, index),
        "pdf_url": _text(result, "pdf_url", url, index),
        "abstract": _text(result, "abstract", url, index),
        "agency_slugs": _agency_slugs(result, url, index),
        "correction_of": _document_number_of(correction_of) if correction_of else None,
        "disposition_notes": _text(result, "disposition_notes", url, index),
        "result_index": index,
    }


def parse_page(body: bytes, url: str) -> Page:
    """One `documents.json` response: its results as a frame, the next page's URL (or None), and
    the search's `count` (what the completeness proof compares the collected rows with).

    `result_index` is the 0-based position in the page's `results`. `correction_of` holds the
    corrected document's number. `presidential_document_type` is derived from `subtype`.
    """
    payload = _load(body, url)
    count = payload.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise _fail(url, f"no usable `count` (got {count!r}): not a documents.json search response")
    results = payload.get("results")
    if results is None:
        if count == 0:  # the API leaves `results` out when nothing matched
            return Page(pl.DataFrame(schema=SCHEMA), None, 0)
        raise _fail(url, f"`count` is {count} but the page has no `results`")
    if not isinstance(results, list):
        raise _fail(url, f"`results` should be a list, got {type(results).__name__}")
    next_url = payload.get("next_page_url")
    if next_url is not None and not isinstance(next_url, str):
        raise _fail(url, f"next_page_url should be a URL, got {next_url!r}")
    rows = [_row(result, index, url) for index, result in enumerate(results)]
    return Page(pl.DataFrame(rows, schema=SCHEMA), next_url or None, count)
