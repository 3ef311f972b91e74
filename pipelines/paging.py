"""How far a paged API client may walk: a page bound derived from the count the API announced.

A search API announces how many rows match (`count`, `meta.total-count`) and links each page to
the next. A server that keeps linking (a loop, or a fabricated chain) would otherwise be followed
for ever. `PageBound` allows, per search, ceil(announced rows / rows on the first page) pages plus
`SLACK_PAGES` (a document published while the pages are walked moves the last one along), and at
most `MAX_PAGES` before anything is announced. The first announcement counts: a later page cannot
raise the bound. Every page URL is also checked against the ones already asked (a loop).
"""

from __future__ import annotations

import math

from pipelines.fetch_errors import FetchError

MAX_PAGES = 1000
SLACK_PAGES = 1


class PageBound:
    def __init__(self, source: str, first_url: str, max_pages: int = MAX_PAGES):
        self.source = source
        self.first_url = first_url
        self.limit = max_pages
        self.reason = f"at most {max_pages} pages without an announced count"
        self.announced = False
        self._seen: set[str] = set()

    def announce(self, total_rows: int, rows_per_page: int) -> None:
        """The API's count of matching rows, and how many the first page held."""
        if self.announced:
            return
        self.announced = True
        pages = math.ceil(total_rows / rows_per_page) if rows_per_page > 0 else 1
        if pages + SLACK_PAGES < self.limit:
            self.limit = pages + SLACK_PAGES
            self.reason = f"{total_rows} rows announced at {rows_per_page} per page"

    def advance(self, url: str) -> None:
        """Called before asking for each page (the first included)."""
        if url in self._seen:
            raise FetchError(self.source, url, f"the next-page links loop back to a page already fetched (search {self.first_url})")
        if len(self._seen) >= self.limit:
            raise FetchError(self.source, url, (
                f"page {len(self._seen) + 1} is past the bound of {self.limit} pages ({self.reason}): the API keeps "
                f"linking to more pages than it announced (search {self.first_url})"
            ))
        self._seen.add(url)
