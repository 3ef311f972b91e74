"""Debt to the Penny end to end: real Dagster runs against a real HTTP server on loopback serving the
fixture mirror (three JSON pages of three records), then SQL on the published warehouse."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from urllib.parse import quote, unquote

import dagster as dg
import duckdb
import pytest

from pipelines import warehouse
from pipelines.catalog import debt
from pipelines.config import Settings
from pipelines.defs.resources import RESOURCE_KEY, WarehouseResource
from pipelines.mirror import mirror_relpath
from pipelines.refresh import run_refresh
from pipelines.sources import debt_to_penny
from tests.loopback import LoopbackServer, Reply

# Only the debt family (tic_mfh_history stays on: the TIC core models are only built downstream of a
# TIC source that runs, and the publish gate checks them).
SKIP = "tic_table5,tic_table3,mof_reserves,mof_interventions,fred,federal_register,tariff_register"


def query(settings: Settings, sql: str):
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def server_path(url: str) -> str:
    """The request path the fetcher sends to an HTTP mirror for an official URL."""
    return "/" + quote(mirror_relpath(url))


def mirrored(url: str) -> str:
    """An official URL as the loopback server sees it once unquoted: its mirror path."""
    return "/" + mirror_relpath(url)


def debt_requests(server: LoopbackServer, since: int = 0) -> list[str]:
    """The Debt to the Penny requests the server received (from request number `since` on)."""
    return [unquote(r.path) for r in server.requests[since:] if "debt_to_penny" in r.path]


def page(records: list[dict], total_pages: int) -> bytes:
    """A page as the API writes it for a filter with `total_pages` pages (0 when nothing matches)."""
    return json.dumps({
        "data": records,
        "meta": {"count": len(records), "total-count": len(records), "total-pages": total_pages},
        "links": {"self": "&page%5Bnumber%5D=1&page%5Bsize%5D=3", "first": "&page%5Bnumber%5D=1&page%5Bsize%5D=3",
                  "prev": None, "next": None, "last": f"&page%5Bnumber%5D={max(total_pages, 1)}&page%5Bsize%5D=3"},
    }).encode()


@pytest.fixture
def debt_env(monkeypatch, tmp_path, fixture_mirror):
    monkeypatch.setenv("TLW_DEBT_PAGE_SIZE", "3")  # the fixture pages hold three records each
    with LoopbackServer(root=fixture_mirror) as server:
        monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("TLW_MIRROR", server.base_url)
        monkeypatch.setenv("TLW_SKIP_SOURCES", SKIP)
        monkeypatch.setenv("TLW_HTTP_RETRIES", "0")
        monkeypatch.delenv("TLW_MIRROR_MISSING", raising=False)
        monkeypatch.delenv("TLW_FULL_HISTORY", raising=False)
        yield server


FIXTURE_MONTHS = [
    # ref_month, as_of_date, held by the public, intragovernmental, total (billions of dollars)
    (date(2001, 9, 1), date(2001, 9, 10), None, None, 5773.17206829189),
    (date(2005, 3, 1), date(2005, 3, 31), 4572.7156401192, 3204.22340755094, 7776.93904767014),
    (date(2015, 1, 1), date(2015, 1, 2), 13000.20972192003, 5080.40293332423, 18080.61265524426),
    (date(2023, 9, 1), date(2023, 9, 29), 26330.14247319194, 6837.19157153122, 33167.33404472316),
    (date(2023, 12, 1), date(2023, 12, 29), 26938.51761468459, 7062.97604088089, 34001.49365556548),
    (date(2024, 1, 1), date(2024, 1, 31), 27071.861894841, 7119.28850755264, 34191.15040239364),
    (date(2024, 11, 1), date(2024, 11, 26), 28736.5421818925, 7377.02835391003, 36113.57053580253),
]


def assert_months(settings: Settings, expected) -> None:
    rows = query(settings, "SELECT * FROM core.fct_public_debt ORDER BY ref_month")
    assert [r[:2] for r in rows] == [e[:2] for e in expected]
    for got, want in zip(rows, expected):
        for g, w in zip(got[2:], want[2:]):
            assert (g is None and w is None) or g == pytest.approx(w, rel=1e-12)


def test_pagination_then_incremental_refreshes(debt_env):
    server = debt_env
    settings = Settings.from_env()

    # 1. Empty warehouse: the whole history, following links.next over the three fixture pages.
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    assert {"staging/debt_to_penny", "core/fct_public_debt", "published_warehouse"} <= set(outcome.materialized)
    assert all(passed for _, passed, severity in outcome.checks if severity == "ERROR")
    first = debt_requests(server)
    assert first == [mirrored(debt_to_penny.page_url(None, page_size=3, page_number=n)) for n in (1, 2, 3)]
    assert all("filter=record_date:gte:1993-01-01" in p for p in first)
    assert query(settings, "SELECT count(*), count(DISTINCT raw_sha256), max(record_date) FROM staging.debt_to_penny") == [
        (8, 3, date(2024, 11, 26))]
    # One row per month, the month's last record: 2005-03-30 and 2005-03-31 give one row, as of the 31st.
    assert_months(settings, FIXTURE_MONTHS)
    assert query(settings, "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'core' "
                           "AND table_name = 'fct_public_debt' AND comment IS NOT NULL ORDER BY column_index") == [
        ("ref_month",), ("as_of_date",), ("debt_held_by_public_usd_bn",), ("intragovernmental_usd_bn",), ("total_public_debt_usd_bn",)]

    # 2. Nothing new at the API: the refresh asks only for records after the last one held, gets an
    #    empty answer, and loads nothing.
    after_last = debt_to_penny.page_url(date(2024, 11, 26), page_size=3)
    server.script(server_path(after_last), Reply(200, page([], 0)))
    seen = len(server.requests)
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    second = debt_requests(server, seen)
    # One request to probe ("anything new?"), one to ingest; no further page.
    assert second == [mirrored(after_last)] * 2
    assert all("record_date:gt:2024-11-26" in p and "gte" not in p for p in second)
    assert query(settings, "SELECT rows_loaded FROM meta.load_log WHERE source = 'debt_to_penny' ORDER BY loaded_at DESC LIMIT 1") == [(0,)]
    assert query(settings, "SELECT count(*) FROM staging.debt_to_penny") == [(8,)]
    assert_months(settings, FIXTURE_MONTHS)

    # 3. Same empty answer again: nothing changed, nothing runs (one probe request).
    seen = len(server.requests)
    outcome = run_refresh(settings)
    assert outcome.success and not outcome.ran
    assert debt_requests(server, seen) == [mirrored(after_last)]

    # 4. Two new records: only they are requested and loaded; November moves to its new last record
    #    and December appears.
    new = [
        {"record_date": "2024-11-29", "debt_held_public_amt": "28800000000000.00",
         "intragov_hold_amt": "7400000000000.00", "tot_pub_debt_out_amt": "36200000000000.00"},
        {"record_date": "2024-12-02", "debt_held_public_amt": "28900000000000.50",
         "intragov_hold_amt": "7410000000000.25", "tot_pub_debt_out_amt": "36310000000000.75"},
    ]
    server.script(server_path(after_last), Reply(200, page(new, 1)))
    seen = len(server.requests)
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    assert outcome.selected_sources == ["debt_to_penny"]
    assert debt_requests(server, seen) == [mirrored(after_last)] * 2  # probe, ingest; a single page
    assert query(settings, "SELECT count(*), max(record_date) FROM staging.debt_to_penny") == [(10, date(2024, 12, 2))]
    assert_months(settings, FIXTURE_MONTHS[:-1] + [
        (date(2024, 11, 1), date(2024, 11, 29), 28800.0, 7400.0, 36200.0),
        (date(2024, 12, 1), date(2024, 12, 2), 28900.0000000005, 7410.00000000025, 36310.00000000075),
    ])
    # The next refresh will ask after the new last record.
    with warehouse.build_connection(settings) as con:
        assert debt.first_urls(settings, con) == [debt_to_penny.page_url(date(2024, 12, 2), page_size=3)]


def test_page_size_reaches_the_staging_step_as_the_resource(debt_env, monkeypatch):
    """A materialize given a resource with pages of three walks the fixture's three pages, whatever
    the environment says: the step takes its settings from the resource."""
    from pipelines.definitions import defs

    server = debt_env
    settings = dataclasses.replace(Settings.from_env(), debt_page_size=3)
    # Pages of 7 exist in no mirror: an asset that read the environment would fail on them.
    monkeypatch.setenv("TLW_DEBT_PAGE_SIZE", "7")
    result = dg.materialize(
        list(defs.assets),
        selection=dg.AssetSelection.assets(dg.AssetKey(["staging", "debt_to_penny"])),
        instance=dg.DagsterInstance.ephemeral(),
        resources={RESOURCE_KEY: WarehouseResource.from_settings(settings)},
    )
    assert result.success
    assert debt_requests(server) == [mirrored(debt_to_penny.page_url(None, page_size=3, page_number=n)) for n in (1, 2, 3)]
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT raw_sha256) FROM staging.debt_to_penny").fetchone() == (8, 3)


def test_full_history_asks_for_everything_again(monkeypatch, tmp_path):
    monkeypatch.setenv("TLW_HOME", str(tmp_path))
    monkeypatch.delenv("TLW_FULL_HISTORY", raising=False)
    settings = Settings.from_env()
    with warehouse.build_connection(settings) as con:
        assert debt.first_urls(settings, con) == [debt_to_penny.page_url(None, page_size=10_000)]
        con.execute("INSERT INTO staging.debt_to_penny (record_date, tot_pub_debt_out_usd) VALUES ('2024-11-26', 36113570535802.53)")
        assert debt.first_urls(settings, con) == [debt_to_penny.page_url(date(2024, 11, 26), page_size=10_000)]
        monkeypatch.setenv("TLW_FULL_HISTORY", "1")
        assert debt.first_urls(Settings.from_env(), con) == [debt_to_penny.page_url(None, page_size=10_000)]


def test_split_that_does_not_add_up_blocks_publish(debt_env):
    """Held by the public + intragovernmental must equal the total: the blocking check stops the publish."""
    server = debt_env
    settings = Settings.from_env()
    assert run_refresh(settings).success
    before = settings.published_db.read_bytes()
    after_last = debt_to_penny.page_url(date(2024, 11, 26), page_size=3)
    bad = [{"record_date": "2024-11-27", "debt_held_public_amt": "28800000000000.00",
            "intragov_hold_amt": "7300000000000.00", "tot_pub_debt_out_amt": "36200000000000.00"}]
    server.script(server_path(after_last), Reply(200, page(bad, 1)))
    outcome = run_refresh(settings)
    assert not outcome.success
    assert any("public_debt_units_sane" in f for f in outcome.failures)
    assert "published_warehouse" not in outcome.materialized
    assert settings.published_db.read_bytes() == before
    assert query(settings, "SELECT max(as_of_date) FROM core.fct_public_debt") == [(date(2024, 11, 26),)]
