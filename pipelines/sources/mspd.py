"""Monthly Statement of the Public Debt, table 1 ("Summary of Treasury Securities Outstanding"),
fiscaldata API `v1/debt/mspd/mspd_table_1`, read with the shared envelope reader.

One record per month-end `record_date` and security line: `security_type_desc` is `Marketable` or
`Nonmarketable` for a class line (`security_class_desc` Bills, Notes, Bonds, TIPS, FRN, Federal
Financing Bank; savings bonds, state and local series, ... for nonmarketable), or `Total
Marketable`, `Total Nonmarketable`, `Total Public Debt Outstanding` for a total line (class `_`).
Amounts are strings in millions of dollars: held by the public, intragovernmental holdings, total.
Monthly since 2001-01-31; each month is published a few business days after it ends.

Strict: an unknown security type (a renamed total would silently drop out of core), an amount that
is not a number, or a Total Marketable outside 1..100 trillion dollars (a unit change) is an error
naming the record.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.sources import fiscaldata

SOURCE = "mspd"

ENDPOINT = "v1/debt/mspd/mspd_table_1"
BASE_URL = f"{fiscaldata.API_ROOT}/{ENDPOINT}"
FIELDS = ("record_date", "security_type_desc", "security_class_desc",
          "debt_held_public_mil_amt", "intragov_hold_mil_amt", "total_mil_amt")
FIRST_DATE = date(2001, 1, 1)  # before the first record (2001-01-31): "everything"
SECURITY_TYPES = ("Marketable", "Nonmarketable", "Total Marketable", "Total Nonmarketable",
                  "Total Public Debt Outstanding")
# Marketable debt was $2.9tn in 2001 and about $30tn in 2026 (in millions: 1e6..1e8).
MARKETABLE_MIN_MIL, MARKETABLE_MAX_MIL = 1e6, 1e8

_AMOUNTS = {
    "debt_held_public_mil_amt": "debt_held_public_usd_mil",
    "intragov_hold_mil_amt": "intragov_hold_usd_mil",
    "total_mil_amt": "total_usd_mil",
}

SCHEMA: dict[str, pl.DataType] = {
    "record_date": pl.Date(),
    "security_type_desc": pl.Utf8(),
    "security_class_desc": pl.Utf8(),
    "debt_held_public_usd_mil": pl.Float64(),
    "intragov_hold_usd_mil": pl.Float64(),
    "total_usd_mil": pl.Float64(),
}


def page_url(after: date | None, page_size: int = fiscaldata.MAX_PAGE_SIZE, page_number: int = 1) -> str:
    """Records of month ends strictly after `after` (all when None), oldest first."""
    return fiscaldata.records_after(ENDPOINT, FIELDS, FIRST_DATE, after, page_size, page_number)


def _record(i: int, rec: object, fail) -> dict:
    if not isinstance(rec, dict) or any(k not in rec for k in ("record_date", "security_type_desc", "total_mil_amt")):
        raise fail(f"data[{i}] lacks record_date, security_type_desc, total_mil_amt")
    try:
        record_date = date.fromisoformat(rec["record_date"])
    except (TypeError, ValueError):
        raise fail(f"data[{i}].record_date is not a date: {rec['record_date']!r}") from None
    kind = rec["security_type_desc"]
    if kind not in SECURITY_TYPES:
        raise fail(f"data[{i}].security_type_desc {kind!r} ({record_date}) is not one of {', '.join(SECURITY_TYPES)}")
    line = rec.get("security_class_desc")
    if line is not None and not isinstance(line, str):
        raise fail(f"data[{i}].security_class_desc should be text, got {line!r} ({record_date})")
    out: dict = {"record_date": record_date, "security_type_desc": kind, "security_class_desc": line}
    for field, column in _AMOUNTS.items():
        out[column] = fiscaldata.amount(rec.get(field), f"data[{i}].{field} ({record_date})", fail)
    if out["total_usd_mil"] is None:
        raise fail(f"data[{i}].total_mil_amt is null ({record_date}, {kind})")
    if kind == "Total Marketable" and not MARKETABLE_MIN_MIL <= out["total_usd_mil"] <= MARKETABLE_MAX_MIL:
        raise fail(f"data[{i}] Total Marketable {out['total_usd_mil']:,.1f} million is outside 1..100 trillion dollars ({record_date})")
    return out


parse_page = fiscaldata.page_parser(SOURCE, SCHEMA, _record)
