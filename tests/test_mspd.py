"""MSPD table 1 (marketable Treasury securities outstanding): the parser on our fixture page (our own
figures in the API's shape, millions of dollars as strings), its refusals, and the month-end core
table with its month_complete rule, then a real refresh over loopback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines import warehouse
from pipelines.config import Settings
from pipelines.mirror import mirror_relpath
from pipelines.refresh import run_refresh
from pipelines.sources import mspd
from pipelines.sql_files import models
from tests.loopback import LoopbackServer
from tests.parser_errors import expect_format_error

URL = mspd.page_url(None)


def fixture_page(mirror: Path) -> dict:
    return json.loads((mirror / mirror_relpath(URL)).read_bytes())


def test_page_url_is_canonical():
    assert mspd.page_url(date(2025, 3, 31), page_size=100, page_number=2) == (
        f"{mspd.BASE_URL}?fields=record_date,security_type_desc,security_class_desc,debt_held_public_mil_amt,"
        "intragov_hold_mil_amt,total_mil_amt&filter=record_date:gt:2025-03-31&sort=record_date"
        "&page%5Bnumber%5D=2&page%5Bsize%5D=100"
    )
    assert "record_date:gte:2001-01-01" in URL
    with pytest.raises(ValueError):
        mspd.page_url(None, page_size=10_001)


def test_fixture_page_parses_every_line(fixture_mirror: Path):
    rows, next_url, announced = mspd.parse_page((fixture_mirror / mirror_relpath(URL)).read_bytes(), URL)
    assert rows.schema == pl.Schema(mspd.SCHEMA)
    assert (rows.height, announced, next_url) == (33, 33, None)
    total = rows.filter((pl.col("record_date") == date(2025, 2, 28)) & (pl.col("security_type_desc") == "Total Marketable"))
    assert total.to_dicts() == [{
        "record_date": date(2025, 2, 28), "security_type_desc": "Total Marketable", "security_class_desc": "_",
        "debt_held_public_usd_mil": 28463000.50, "intragov_hold_usd_mil": 7025.50, "total_usd_mil": 28470026.0,
    }]
    assert rows.filter(pl.col("security_type_desc") == "Marketable")["security_class_desc"].unique().len() == 6


def _doc(mirror: Path, edit) -> bytes:
    doc = fixture_page(mirror)
    edit(doc["data"])
    return json.dumps(doc).encode()


@pytest.mark.parametrize("edit, words", [
    (lambda d: d[6].update(security_type_desc="Total Marketable Securities"),
     ("data[6].security_type_desc 'Total Marketable Securities'", "2025-01-31")),
    (lambda d: d[0].update(total_mil_amt="6,114,355.5"), ("data[0].total_mil_amt (2025-01-31)", "not an amount")),
    (lambda d: d[6].update(total_mil_amt="28269.80"), ("Total Marketable 28,269.8 million", "outside 1..100 trillion")),
    (lambda d: d[3].pop("total_mil_amt"), ("data[3] lacks",)),
    (lambda d: d[3].update(record_date="2025-02-30"), ("data[3].record_date is not a date",)),
])
def test_parser_refuses_what_it_does_not_know(fixture_mirror: Path, edit, words):
    expect_format_error(mspd.parse_page, _doc(fixture_mirror, edit), URL, "mspd", None, *words)


def test_api_error_object_is_refused():
    body = b'{"error": "Invalid Query Param", "message": "Invalid query parameter \'fields\' with value [x]."}'
    expect_format_error(mspd.parse_page, body, URL, "mspd", None, "the API answered with an error", "Invalid Query Param")


# --------------------------------------------------------------- core.fct_marketable_debt


def _core(lines: list[dict]) -> list[dict]:
    """core.fct_marketable_debt built from `lines` loaded as one staging body."""
    con = duckdb.connect()
    warehouse.ensure_structure(con)
    warehouse.load_staging(con, "mspd", pl.DataFrame(lines, schema=mspd.SCHEMA), url="test", raw_sha256="0" * 64,
                           fetched_at="2026-01-01T00:00:00+00:00", changed=True)
    [model] = [m for m in models("core") if m.qualified == "core.fct_marketable_debt"]
    warehouse.build_model(con, model)
    return con.execute("SELECT * FROM core.fct_marketable_debt ORDER BY ref_month").pl().to_dicts()


def _line(day: str, kind: str, total: float, public: float | None = None, intragov: float | None = None) -> dict:
    return {"record_date": date.fromisoformat(day), "security_type_desc": kind, "security_class_desc": "_",
            "debt_held_public_usd_mil": public, "intragov_hold_usd_mil": intragov, "total_usd_mil": total}


def test_month_end_marketable_debt_and_its_completeness():
    rows = _core([
        _line("2025-01-31", "Total Marketable", 28269797.5, 28262746.25, 7051.25),
        _line("2025-01-31", "Total Public Debt Outstanding", 35729797.5),
        # May 2026 ends on a Sunday: a record dated Friday the 29th covers its last business day.
        _line("2026-05-29", "Total Marketable", 30000000.0),
        # June 2026: a record of the 15th is a truncated month, and the latest held (no July yet).
        _line("2026-06-15", "Total Marketable", 30100000.0),
    ])
    assert [(r["ref_month"], r["as_of_date"], r["month_complete"], r["marketable_outstanding_usd_bn"]) for r in rows] == [
        (date(2025, 1, 1), date(2025, 1, 31), True, 28269.7975),
        (date(2026, 5, 1), date(2026, 5, 29), True, 30000.0),
        (date(2026, 6, 1), date(2026, 6, 15), False, None),
    ]
    assert (rows[0]["marketable_held_by_public_usd_bn"], rows[0]["marketable_intragovernmental_usd_bn"],
            rows[0]["total_public_debt_usd_bn"]) == (28262.74625, 7.05125, 35729.7975)
    assert rows[2]["total_public_debt_usd_bn"] is None


def test_a_month_is_complete_when_the_next_one_exists_and_not_without_its_total_line():
    rows = _core([
        # Mid-month, but July's record exists: the source has moved on, June is whole.
        _line("2026-06-15", "Total Marketable", 30100000.0),
        # July has only its nonmarketable total: a page cut short, no Total Marketable line.
        _line("2026-07-31", "Total Nonmarketable", 7460000.0),
    ])
    assert [(r["ref_month"], r["month_complete"], r["marketable_outstanding_usd_bn"]) for r in rows] == [
        (date(2026, 6, 1), True, 30100.0),
        (date(2026, 7, 1), False, None),
    ]


# --------------------------------------------------------------- a refresh over loopback

ONLY_DEBT = "tic_table5,tic_table3,mof_reserves,mof_interventions,fred,federal_register,tariff_register,debt_to_penny"


def test_refresh_publishes_marketable_debt_from_the_fixture(monkeypatch, tmp_path, fixture_mirror):
    with LoopbackServer(root=fixture_mirror) as server:
        monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("TLW_MIRROR", server.base_url)
        monkeypatch.setenv("TLW_SKIP_SOURCES", ONLY_DEBT)
        monkeypatch.setenv("TLW_HTTP_RETRIES", "0")
        monkeypatch.delenv("TLW_FULL_HISTORY", raising=False)
        settings = Settings.from_env()
        outcome = run_refresh(settings)
        assert outcome.success, outcome.failures
        assert ("mspd_totals_add_up", True, "WARN") in outcome.checks
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        assert con.execute(
            "SELECT ref_month, month_complete, marketable_outstanding_usd_bn FROM core.fct_marketable_debt ORDER BY 1"
        ).fetchall() == [
            (date(2025, 1, 1), True, pytest.approx(28269.7975)),
            (date(2025, 2, 1), True, pytest.approx(28470.026)),
            (date(2025, 3, 1), True, pytest.approx(28616.96)),
        ]
        assert con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'core' AND table_name = 'fct_marketable_debt' AND comment IS NULL"
        ).fetchone() == (0,)
