"""API emulations for tests: the Federal Register `documents.json` search and the fiscaldata query
API, applying each query to a document set the test holds, as the real APIs do.

Federal Register (see NOTES_tariffs.md and pipelines/sources/federal_register.py for the contract):
`conditions[publication_date][gte|lte|is]`, `conditions[type][]`, `conditions[agencies][]`,
`conditions[presidential_document_type][]`, `conditions[term]` (`a | b` OR of words or quoted
phrases, matched in title and abstract), `order` oldest/newest, `per_page` (default 20, above 1000 is
a 400), `page`, `fields[]` (an unknown field is a 400). `count` is capped at 10,000; a page reaching
past the 2,000th result is a 400; no match is a 404; `next_page_url` in the API's own canonical
order. `throttle(n)` makes the next n requests a 429 with `Retry-After`.

fiscaldata: `fields`, `filter` (`field:op:value`, comma-joined; gt gte lt lte eq in:(a,b)), `sort`
(`-field` descending), `page[number]`, `page[size]` (above 10,000 is a 400); `meta.count`,
`meta.total-count`, `meta.total-pages`, `links` fragments; errors `{"error", "message"}` with 400.
"""

from __future__ import annotations

import json
import math
import threading
from urllib.parse import parse_qsl, quote, urlencode

Reply = tuple[int, bytes, dict[str, str]]

FR_TYPES = {"PRESDOCU": "Presidential Document", "RULE": "Rule", "PRORULE": "Proposed Rule", "NOTICE": "Notice"}
FR_SUBTYPES = {"determination": "Determination", "executive_order": "Executive Order", "memorandum": "Memorandum",
               "notice": "Notice", "proclamation": "Proclamation"}
FR_FIELDS = ("document_number", "title", "type", "subtype", "executive_order_number", "proclamation_number",
             "signing_date", "publication_date", "effective_on", "citation", "html_url", "pdf_url", "abstract",
             "agencies", "disposition_notes", "correction_of")


def _json(status: int, payload: dict, **headers: str) -> Reply:
    return status, json.dumps(payload).encode(), {"Content-Type": "application/json", **headers}


class _Throttle:
    def __init__(self):
        self._left, self._lock = 0, threading.Lock()

    def throttle(self, requests: int) -> None:
        with self._lock:
            self._left = requests

    def _throttled(self) -> bool:
        with self._lock:
            if self._left:
                self._left -= 1
                return True
            return False


class FederalRegisterApi(_Throttle):
    def __init__(self, documents: list[dict]):
        super().__init__()
        self.documents = documents
        self.searches: list[list[tuple[str, str]]] = []

    def matching(self, params: list[tuple[str, str]]) -> list[dict]:
        one = dict(params)
        multi = lambda key: [v for k, v in params if k == key]  # noqa: E731
        docs = self.documents
        if "conditions[publication_date][gte]" in one:
            docs = [d for d in docs if d["publication_date"] >= one["conditions[publication_date][gte]"]]
        if "conditions[publication_date][lte]" in one:
            docs = [d for d in docs if d["publication_date"] <= one["conditions[publication_date][lte]"]]
        if "conditions[publication_date][is]" in one:
            docs = [d for d in docs if d["publication_date"] == one["conditions[publication_date][is]"]]
        if types := multi("conditions[type][]"):
            docs = [d for d in docs if d["type"] in {FR_TYPES[t] for t in types}]
        if kinds := multi("conditions[presidential_document_type][]"):
            docs = [d for d in docs if d.get("subtype") in {FR_SUBTYPES[k] for k in kinds}]
        if agencies := multi("conditions[agencies][]"):
            docs = [d for d in docs if {a.get("slug") for a in d.get("agencies") or []} & set(agencies)]
        if term := one.get("conditions[term]"):
            words = [w.strip().strip('"').lower() for w in term.split("|")]
            text = lambda d: f"{d.get('title') or ''} {d.get('abstract') or ''} {d.get('full_text') or ''}".lower()  # noqa: E731
            docs = [d for d in docs if any(w in text(d) for w in words)]
        newest = one.get("order") == "newest"
        return sorted(docs, key=lambda d: (d["publication_date"], d["document_number"]), reverse=newest)

    def answer(self, host: str, query: str) -> Reply:
        if self._throttled():
            return _json(429, {"status": 429, "message": "Too many requests"}, **{"Retry-After": "1"})
        params = parse_qsl(query, keep_blank_values=True)
        self.searches.append(params)
        one = dict(params)
        per_page, page = int(one.get("per_page", 20)), int(one.get("page", 1))
        if not 1 <= per_page <= 1000:
            return _json(400, {"errors": {"per_page": "must be between 1 and 1000"}})
        fields = [v for k, v in params if k == "fields[]"] or ["document_number", "title", "publication_date"]
        if unknown := [f for f in fields if f not in FR_FIELDS]:
            return _json(400, {"status": 400, "message": f"FieldNotFound: {unknown[0]}"})
        if page * per_page > 2000:
            return _json(400, {"errors": {"base": ["results past the first 2,000 of a search are not served"]}})
        docs = self.matching(params)
        if not docs:
            return _json(404, {"errors": {"base": ["no documents match the search"]}})
        count = min(len(docs), 10_000)
        total_pages = math.ceil(count / per_page)
        chunk = docs[(page - 1) * per_page: page * per_page]
        payload = {"count": count, "description": "Documents matching the search", "total_pages": total_pages,
                   "results": [{f: d.get(f) for f in fields} for d in chunk]}
        if page < total_pages:
            kept = [(k, v) for k, v in params if k != "page"] + [("page", str(page + 1))]
            ordered = sorted(kept, key=lambda kv: quote(kv[0], safe=""))
            payload["next_page_url"] = f"https://{host}/api/v1/documents.json?{urlencode(ordered)}"
        return _json(200, payload)


class FiscalDataApi(_Throttle):
    def __init__(self, datasets: dict[str, list[dict]]):
        super().__init__()
        self.datasets = datasets  # endpoint ("v1/debt/mspd/mspd_table_1") -> records (strings)

    @staticmethod
    def _error(message: str) -> Reply:
        return _json(400, {"error": "Invalid Query Param", "message": message})

    def answer(self, endpoint: str, query: str) -> Reply:
        if self._throttled():
            return _json(429, {"error": "Too Many Requests", "message": "slow down"}, **{"Retry-After": "1"})
        if endpoint not in self.datasets:
            return _json(404, {"error": "Not Found", "message": f"no endpoint {endpoint}"})
        records = self.datasets[endpoint]
        known = set(records[0]) if records else set()
        params = dict(parse_qsl(query, keep_blank_values=True))
        for clause in filter(None, params.get("filter", "").split(",")):
            field, _, rest = clause.partition(":")
            op, _, value = rest.partition(":")
            if field not in known or op not in ("gt", "gte", "lt", "lte", "eq", "in"):
                return self._error(f"Invalid query parameter 'filter' with value [{clause}].")
            test = {"gt": str.__gt__, "gte": str.__ge__, "lt": str.__lt__, "lte": str.__le__, "eq": str.__eq__,
                    "in": lambda a, b: a in b.strip("()").split(",")}[op]
            records = [r for r in records if test(r[field], value)]
        for key in reversed(list(filter(None, params.get("sort", "").split(",")))):
            if key.lstrip("-") not in known:
                return self._error(f"Invalid query parameter 'sort' with value [{key}].")
            records = sorted(records, key=lambda r: r[key.lstrip("-")], reverse=key.startswith("-"))
        fields = [f for f in params.get("fields", "").split(",") if f] or sorted(known)
        if unknown := [f for f in fields if f not in known]:
            return self._error(f"Invalid query parameter 'fields' with value [{unknown[0]}].")
        size, number = int(params.get("page[size]", 100)), int(params.get("page[number]", 1))
        if not 1 <= size <= 10_000:
            return self._error("page[size] must be between 1 and 10000")
        total_pages = math.ceil(len(records) / size)
        chunk = records[(number - 1) * size: number * size]
        fragment = lambda n: f"&page%5Bnumber%5D={n}&page%5Bsize%5D={size}"  # noqa: E731
        return _json(200, {
            "data": [{f: r[f] for f in fields} for r in chunk],
            "meta": {"count": len(chunk), "labels": {}, "dataTypes": {}, "dataFormats": {},
                     "total-count": len(records), "total-pages": total_pages},
            "links": {"self": fragment(number), "first": fragment(1),
                      "prev": fragment(number - 1) if number > 1 else None,
                      "next": fragment(number + 1) if number < total_pages else None,
                      "last": fragment(max(total_pages, 1))},
        })
