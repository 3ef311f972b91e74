"""Treasury debt outstanding: Debt to the Penny (daily totals) and the Monthly Statement of the
Public Debt (MSPD table 1: marketable and nonmarketable securities at each month end).

Both are `PagedSource`s on the fiscaldata API with the same client rules. The first request asks
only for records after the last `record_date` held in the source's staging table (every record
when the table is empty, or with `TLW_FULL_HISTORY=1` / `tlw refresh --full-history`); each page's
`links.next` is followed to the end, and the rows collected must reach the query's
`meta.total-count` (`pipelines.ingest.PagedSource`), else the source fails naming the query.
Pages hold `TLW_DEBT_PAGE_SIZE` / `TLW_MSPD_PAGE_SIZE` records, by default the API's largest page.
"""

from __future__ import annotations

from datetime import date

from pipelines.ingest import PagedSource
from pipelines.sources import debt_to_penny, fiscaldata, mspd


def last_record_date(con, table: str = "debt_to_penny") -> date | None:
    """The newest record_date held in `staging.<table>` (any body, any vintage), or None when empty."""
    row = con.execute(f"SELECT max(record_date) FROM staging.{table}").fetchone()
    return row[0] if row else None


def first_urls(settings, con) -> list[str]:
    after = None if settings.full_history else last_record_date(con)
    return [debt_to_penny.page_url(after, page_size=settings.debt_page_size)]


def full_urls(settings, con) -> list[str]:
    return [debt_to_penny.page_url(None, page_size=settings.debt_page_size)]


def mspd_full_urls(settings, con) -> list[str]:
    return [mspd.page_url(None, page_size=settings.mspd_page_size)]


def mspd_first_urls(settings, con) -> list[str]:
    after = None if settings.full_history else last_record_date(con, "mspd")
    return [mspd.page_url(after, page_size=settings.mspd_page_size)]


SOURCES = [
    PagedSource(
        name="debt_to_penny",
        family="debt",
        description=(
            "Treasury Debt to the Penny (fiscaldata API v2, accounting/od/debt_to_penny): total public "
            "debt outstanding, debt held by the public and intragovernmental holdings per business day "
            "since 1993-04-01, dollars; fetched incrementally after the last record held, every page's "
            "rows counted against meta.total-count."
        ),
        first_urls=first_urls,
        full_urls=full_urls,
        parse_page=debt_to_penny.parse_page,
        describe=fiscaldata.describe,
    ),
    PagedSource(
        name="mspd",
        family="debt",
        description=(
            "Monthly Statement of the Public Debt, table 1 (fiscaldata API v1/debt/mspd/mspd_table_1): "
            "marketable and nonmarketable Treasury securities outstanding at each month end since "
            "2001-01-31, by security class and in total, millions of dollars; fetched incrementally after "
            "the last month held, every page's rows counted against meta.total-count."
        ),
        first_urls=mspd_first_urls,
        full_urls=mspd_full_urls,
        parse_page=mspd.parse_page,
        describe=fiscaldata.describe,
    ),
]
