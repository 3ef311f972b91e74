"""One page of a paged API, as every page parser returns it.

`announced` is what the API says the whole search matches (`count` of a Federal Register search,
`meta.total-count` of a fiscaldata query), repeated on every page. The ingest step compares it with
the rows it collected over all pages of the search (`pipelines.ingest.PagedSource`): that is the
proof nothing was left out, and the same proof for every paged source.
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl


class Page(NamedTuple):
    rows: pl.DataFrame
    next_url: str | None
    announced: int
