"""Treasury fiscaldata "Debt to the Penny" API pages (JSON), read with the shared envelope reader
(`pipelines.sources.fiscaldata`).

Amounts arrive as strings in dollars with cents, and `"null"` where the public /
intragovernmental split was not published (before 2005-03-31).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.sources import fiscaldata

SOURCE = "debt_to_penny"

ENDPOINT = "v2/accounting/od/debt_to_penny"
BASE_URL = f"{fiscaldata.API_ROOT}/{ENDPOINT}"
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

SCHEMA: dict[str, pl.DataType] = {
    "record_date": pl.Date(),
    "debt_held_public_usd": pl.Float64(),
    "intragov_hold_usd": pl.Float64(),
    "tot_pub_debt_out_usd": pl.Float64(),
}


def page_url(after: date | None, page_size: int = fiscaldata.MAX_PAGE_SIZE, page_number: int = 1) -> str:
    """Records strictly after `after` (all records when None), oldest first."""
    return fiscaldata.records_after(ENDPOINT, FIELDS, FIRST_DATE, after, page_size, page_number)


def _record(i: int, rec: object, fail) -> dict:
    if not isinstance(rec, dict) or any(k not in rec for k in _REQUIRED):
        raise fail(f"data[{i}] lacks {', '.join(_REQUIRED)}")
    try:
        record_date = date.fromisoformat(rec["record_date"])
    except (TypeError, ValueError):
        raise fail(f"data[{i}].record_date is not a date: {rec['record_date']!r}") from None
    out: dict = {"record_date": record_date}
    for field, column in _AMOUNTS.items():
        out[column] = fiscaldata.amount(rec.get(field), f"data[{i}].{field} ({record_date})", fail)
    total = out["tot_pub_debt_out_usd"]
    if total is not None and not TOTAL_MIN <= total <= TOTAL_MAX:
        raise fail(f"data[{i}] total public debt {total:,.2f} outside 1..100 trillion ({record_date})")
    return out


parse_page = fiscaldata.page_parser(SOURCE, SCHEMA, _record)
