"""Treasury debt outstanding (Debt to the Penny).

`debt_to_penny` is a `PagedSource` on the fiscaldata API. The first request asks only for records
after the last `record_date` held in `staging.debt_to_penny` (every record since 1993 when the
table is empty or `TLW_FULL_HISTORY=1` / `tlw refresh --full-history`), and each page's
`links.next` is followed to the end (`debt_to_penny.parse_page` rebuilds the next URL).
"""

from __future__ import annotations

from datetime import date

from pipelines.ingest import PagedSource
from pipelines.sources import debt_to_penny

# The API's largest page: the full history (about 8,000 daily records since 1993) is one page. A
# module constant rather than a setting so tests can walk the three-page fixture with size 3.
PAGE_SIZE = 10_000


def last_record_date(con) -> date | None:
    """The newest record_date held in staging (any body, any vintage), or None when empty."""
    row = con.execute("SELECT max(record_date) FROM staging.debt_to_penny").fetchone()
    return row[0] if row else None


def first_urls(settings, con) -> list[str]:
    after = None if settings.full_history else last_record_date(con)
    return [debt_to_penny.page_url(after, page_size=PAGE_SIZE)]


SOURCES = [
    PagedSource(
        name="debt_to_penny",
        family="debt",
        description=(
            "Treasury Debt to the Penny (fiscaldata API v2, accounting/od/debt_to_penny): total public "
            "debt outstanding, debt held by the public and intragovernmental holdings per business day "
            "since 1993-04-01, dollars; fetched incrementally after the last record held."
        ),
        first_urls=first_urls,
        parse_page=debt_to_penny.parse_page,
    ),
]
