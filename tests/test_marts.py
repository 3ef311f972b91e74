"""The marts users and BI tools read: real Dagster refreshes, then SQL on the published tlw.duckdb.

Expected values are computed by hand from the fixture files (tests/fixtures/mirror), with four
edits made to a copy of the mirror so every rule has a case:
- Table 5: United Kingdom 2025-03 revised from 779.3 to 781.3 (Grand Total 9056.4 -> 9058.4), so the
  latest view mixes files (Table 5 for 2025-03, the history file for 2025-02) and the change must
  stay inside one file;
- Debt to the Penny: month-end records for 2025-03 and 2025-04, and a 2025-05-20 record that is not
  a month end;
- FRED: China 2025-03 reserves (3,240,000 USD mn, excluding gold), and Japan 2025-05 from FRED while
  MOF has no 2025-05 (the missing reserves month must stay NULL, not switch measure).
"""

from __future__ import annotations

import re
import shutil
import statistics
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines import fetch
from pipelines.config import Settings
from pipelines.mirror import mirror_relpath
from pipelines.raw_archive import RawArchive, sha256_hex
from pipelines.refresh import run_refresh
from pipelines.sources import debt_to_penny

TIC_DIR = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents"
FRED_DIR = "fred.stlouisfed.org/graph"
FIXTURE_FRED = "TRESEGCNM052N,TRESEGJPM052N,FDHBFIN,DEXJPUS"
REAL_FRED = "TRESEGCNM052N,DEXJPUS,FDHBFIN"
MFH_VINTAGE = "2026-03-18"  # the date printed at the foot of the fixture (and real) mfhhis01.txt

VERDICTS = {"net_seller", "net_buyer", "no_net_flow", "holdings_fell", "holdings_rose", "holdings_unchanged", "undetermined"}

LEVERAGE_COLUMNS = [
    ("iso3", "VARCHAR"), ("ref_month", "DATE"), ("holdings_usd_bn", "DOUBLE"), ("rank_by_holdings", "BIGINT"),
    ("share_of_foreign_pct", "DOUBLE"), ("share_of_public_debt_pct", "DOUBLE"), ("share_of_marketable_pct", "DOUBLE"),
    ("reserves_usd_bn", "DOUBLE"),
    ("reserves_measure", "VARCHAR"), ("holdings_to_reserves", "DOUBLE"), ("reserve_securities_usd_bn", "DOUBLE"),
    ("holdings_to_reserve_securities", "DOUBLE"), ("reserves_ex_gold_usd_bn", "DOUBLE"),
    ("holdings_to_reserves_ex_gold", "DOUBLE"), ("chg_1m_usd_bn", "DOUBLE"),
    ("chg_3m_usd_bn", "DOUBLE"), ("chg_12m_usd_bn", "DOUBLE"), ("chg_1m_pct", "DOUBLE"), ("method_break_month", "DATE"),
    ("net_sales_usd_bn", "DOUBLE"), ("valuation_change_usd_bn", "DOUBLE"), ("selling_streak_months", "INTEGER"),
    ("chg_1m_zscore_36m", "DOUBLE"), ("chg_1m_pct_zscore_36m", "DOUBLE"), ("is_custody_center", "BOOLEAN"),
    ("holdings_source", "VARCHAR"), ("holdings_vintage", "DATE"), ("holdings_raw_sha256", "VARCHAR"),
    ("reserves_source", "VARCHAR"), ("reserves_vintage", "DATE"), ("reserves_raw_sha256", "VARCHAR"),
]
WINDOW_COLUMNS = [
    ("event_id", "VARCHAR"), ("title", "VARCHAR"), ("authority", "VARCHAR"), ("action", "VARCHAR"),
    ("partner_scope", "VARCHAR"), ("iso3", "VARCHAR"), ("affected_via", "VARCHAR"), ("event_date", "DATE"),
    ("event_date_basis", "VARCHAR"), ("effective_on", "DATE"), ("event_month", "DATE"), ("month_before", "DATE"),
    ("month_plus1m", "DATE"), ("month_plus3m", "DATE"), ("holdings_before_usd_bn", "DOUBLE"),
    ("holdings_plus1m_usd_bn", "DOUBLE"), ("holdings_plus3m_usd_bn", "DOUBLE"),
    ("chg_1m_usd_bn", "DOUBLE"), ("chg_1m_pct", "DOUBLE"), ("other_foreign_chg_1m_pct", "DOUBLE"),
    ("excess_chg_1m_pct", "DOUBLE"), ("excess_chg_1m_usd_bn", "DOUBLE"),
    ("chg_3m_usd_bn", "DOUBLE"), ("chg_3m_pct", "DOUBLE"), ("other_foreign_chg_3m_pct", "DOUBLE"),
    ("excess_chg_3m_pct", "DOUBLE"), ("excess_chg_3m_usd_bn", "DOUBLE"), ("chg_1m_pct_zscore_36m", "DOUBLE"),
    ("net_sales_1m_usd_bn", "DOUBLE"), ("net_sales_3m_usd_bn", "DOUBLE"),
    ("flow_months_in_window", "INTEGER"), ("is_custody_center", "BOOLEAN"),
]
CLAIM_COLUMNS = [
    ("iso3", "VARCHAR"), ("country_name", "VARCHAR"), ("ref_month", "DATE"), ("holdings_usd_bn", "DOUBLE"),
    ("chg_1m_usd_bn", "DOUBLE"), ("chg_1m_pct", "DOUBLE"), ("net_sales_usd_bn", "DOUBLE"),
    ("valuation_change_usd_bn", "DOUBLE"), ("verdict", "VARCHAR"), ("is_reduction", "BOOLEAN"),
    ("custody_caveat", "BOOLEAN"), ("method_break_month", "DATE"), ("evidence", "VARCHAR"), ("holdings_source", "VARCHAR"),
    ("holdings_vintage", "DATE"), ("holdings_raw_sha256", "VARCHAR"), ("change_source", "VARCHAR"),
    ("change_vintage", "DATE"), ("change_raw_sha256", "VARCHAR"), ("flows_vintage", "DATE"),
    ("flows_raw_sha256", "VARCHAR"),
    # weekly claims (issue #12, tests/test_evidence_marts.py)
    ("claim_frequency", "VARCHAR"), ("claim", "VARCHAR"), ("period_start", "DATE"), ("period_end", "DATE"),
    ("caveat", "VARCHAR"), ("weekly_series", "VARCHAR"),
]


def query(settings: Settings, sql: str, params=None):
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def one(settings: Settings, sql: str, params=None):
    rows = query(settings, sql, params)
    assert len(rows) == 1, rows
    return rows[0]


def lev_window(settings: Settings, event_id: str, iso3: str):
    return one(settings, """SELECT event_date, event_date_basis, month_before, chg_3m_usd_bn
                            FROM marts.tariff_event_windows WHERE event_id = ? AND iso3 = ?""", [event_id, iso3])


def lev(settings: Settings, iso3: str, month: str, columns: str):
    return one(settings, f"SELECT {columns} FROM marts.leverage_monthly WHERE iso3 = ? AND ref_month = ?", [iso3, month])


# ---------------------------------------------------------------- the edited fixture mirror


def _edit_table5(mirror: Path) -> None:
    path = mirror / TIC_DIR / "slt_table5.txt"
    text = path.read_bytes().decode()
    # The last column is 2025-03: revise the United Kingdom and the Grand Total by the same 2.0.
    text, n_uk = re.subn(r"(?m)^(United Kingdom\t.*)\t779\.3(\r?)$", r"\1\t781.3\2", text)
    text, n_gt = re.subn(r"(?m)^(Grand Total\t.*)\t9056\.4(\r?)$", r"\1\t9058.4\2", text)
    assert n_uk == 1 and n_gt == 1
    path.write_bytes(text.encode())


def _edit_debt(mirror: Path) -> None:
    url = debt_to_penny.page_url(None, page_size=3, page_number=3)
    path = mirror / mirror_relpath(url)
    text = path.read_text()
    extra = (
        '{"record_date":"2025-03-31","debt_held_public_amt":"28600000000000.00","intragov_hold_amt":"7600000000000.00","tot_pub_debt_out_amt":"36200000000000.00"},'
        '{"record_date":"2025-04-30","debt_held_public_amt":"28700000000000.00","intragov_hold_amt":"7500000000000.00","tot_pub_debt_out_amt":"36200000000000.00"},'
        '{"record_date":"2025-05-20","debt_held_public_amt":"28800000000000.00","intragov_hold_amt":"7400000000000.00","tot_pub_debt_out_amt":"36200000000000.00"}'
    )
    marker = '"tot_pub_debt_out_amt":"36113570535802.53"}'
    assert text.count(marker) == 1
    path.write_text(text.replace(marker, marker + "," + extra))


def _edit_fred(mirror: Path) -> None:
    china = mirror / FRED_DIR / "fredgraph.csv?id=TRESEGCNM052N"
    body = china.read_text()
    china.write_text(body.rstrip("\n") + "\n2025-03-01,3240000.00\n")
    japan = mirror / FRED_DIR / "fredgraph.csv?id=TRESEGJPM052N"
    body = japan.read_text()
    assert "\n2025-05-01,\n" in body
    japan.write_text(body.replace("\n2025-05-01,\n", "\n2025-05-01,1200000.00\n"))


def edited_mirror(fixture_mirror: Path, target: Path) -> Path:
    shutil.copytree(fixture_mirror, target)
    _edit_table5(target)
    _edit_debt(target)
    _edit_fred(target)
    return target


def _fixture_env(mp: pytest.MonkeyPatch, home: Path, mirror: Path) -> None:
    mp.setenv("TLW_DEBT_PAGE_SIZE", "3")  # the fixture Debt to the Penny pages hold three records each
    mp.setenv("TLW_HOME", str(home))
    mp.setenv("TLW_MIRROR", str(mirror))
    mp.setenv("TLW_FR_PER_PAGE", "5")  # the page size the fixture Federal Register pages were written for
    mp.setenv("TLW_FRED_SERIES", FIXTURE_FRED)
    for name in ("TLW_SKIP_SOURCES", "TLW_MIRROR_MISSING", "TLW_FULL_HISTORY"):
        mp.delenv(name, raising=False)


@pytest.fixture(scope="module")
def fixture_wh(tmp_path_factory) -> Settings:
    """One full refresh from the edited fixture mirror, shared by the read-only tests below."""
    from tests.conftest import FIXTURE_MIRROR

    root = tmp_path_factory.mktemp("marts")
    mirror = edited_mirror(FIXTURE_MIRROR, root / "mirror")
    with pytest.MonkeyPatch.context() as mp:
        _fixture_env(mp, root / "home", mirror)
        settings = Settings.from_env()
        outcome = run_refresh(settings)
        assert outcome.success, outcome.failures
        assert all(passed for _, passed, severity in outcome.checks if severity == "ERROR")
        assert {"marts/leverage_monthly", "marts/tariff_event_windows", "marts/claim_checks",
                "core/holdings_vintages", "published_warehouse"} <= set(outcome.materialized)
    return settings


# ---------------------------------------------------------------- schemas


@pytest.mark.parametrize("table, expected", [
    ("leverage_monthly", LEVERAGE_COLUMNS),
    ("tariff_event_windows", WINDOW_COLUMNS),
    ("claim_checks", CLAIM_COLUMNS),
])
def test_mart_schema_is_fixed_and_described(fixture_wh, table, expected):
    """Changing a public column is deliberate: update this test and the README together."""
    rows = query(fixture_wh, """SELECT column_name, data_type, comment FROM duckdb_columns()
                                WHERE schema_name = 'marts' AND table_name = ? ORDER BY column_index""", [table])
    assert [(name, kind) for name, kind, _ in rows] == expected
    assert all(comment and len(comment) > 20 for _, _, comment in rows), [r for r in rows if not r[2]]
    (comment,) = one(fixture_wh, "SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?", [table])
    assert comment


def test_published_exports_include_the_marts(fixture_wh):
    manifest = (fixture_wh.exports_dir / "manifest.json").read_text()
    for table in ("marts.leverage_monthly", "marts.tariff_event_windows", "marts.claim_checks", "core.holdings_vintages"):
        assert f'"{table}"' in manifest
        assert (fixture_wh.exports_dir / f"{table}.parquet").exists()


# ---------------------------------------------------------------- leverage_monthly


def test_japan_march_2025_leverage(fixture_wh):
    row = lev(fixture_wh, "JPN", "2025-03-01",
              "holdings_usd_bn, rank_by_holdings, share_of_foreign_pct, share_of_public_debt_pct, reserves_usd_bn, "
              "reserves_measure, holdings_to_reserves, chg_1m_usd_bn, chg_1m_pct, chg_3m_usd_bn, net_sales_usd_bn, "
              "selling_streak_months, chg_1m_zscore_36m, is_custody_center")
    (holdings, rank, share_foreign, share_debt, reserves, measure, ratio, chg1, chg1_pct, chg3, net_sales,
     streak, zscore, custody) = row
    assert holdings == 1130.8 and rank == 1
    assert share_foreign == pytest.approx(1130.8 / 9058.4 * 100)  # Table 5 Grand Total of the same file (edited)
    assert share_debt == pytest.approx(1130.8 / 28600.0 * 100)     # debt held by the public on 2025-03-31
    assert reserves == pytest.approx(1272.511) and measure == "total_incl_gold"  # MOF, not FRED's 1185.9
    assert ratio == pytest.approx(1130.8 / 1272.511) and round(ratio, 3) == 0.889
    assert chg1 == pytest.approx(1130.8 - 1125.9)  # both months from mfhhis01 (Table 5 has no 2025-02)
    assert chg1_pct == pytest.approx(4.9 / 1125.9 * 100)
    assert chg3 is None  # the fixture has no 2024-12
    assert net_sales is None and streak == 0 and zscore is None and custody is False


def _archived(settings: Settings, source: str, sha256: str) -> bytes:
    """The body raw/index.jsonl records for source with that sha256 (the test fails without one)."""
    archive = RawArchive(settings.raw_dir)
    stored = [r for r in archive.records() if r.source == source and r.sha256 == sha256 and r.stored_path]
    assert stored, f"no {source} body with sha256 {sha256} in {archive.index_path}"
    return archive.read_body(stored[0])


def test_leverage_names_the_files_its_operands_come_from(fixture_wh):
    """Each operand's source, vintage and sha256 are those of the core row it was read from, and the
    sha256 is that of a body the raw archive holds for that source."""
    # Japan 2025-02: 1125.9 bn, printed only in mfhhis01; the MOF fixture has no 2025-02 reserves.
    holdings = lev(fixture_wh, "JPN", "2025-02-01", "holdings_usd_bn, holdings_source, holdings_vintage, holdings_raw_sha256")
    assert holdings[:3] == (1125.9, "tic_mfh_history", date.fromisoformat(MFH_VINTAGE))
    assert one(fixture_wh, """SELECT holdings_usd_bn, source, vintage, raw_sha256 FROM core.treasury_holdings
                              WHERE iso3 = 'JPN' AND ref_month = '2025-02-01'""") == holdings
    assert sha256_hex(_archived(fixture_wh, "tic_mfh_history", holdings[3])) == holdings[3]
    assert lev(fixture_wh, "JPN", "2025-02-01", "reserves_source, reserves_vintage, reserves_raw_sha256") == (None, None, None)
    # Reserves, in each holder's one measure: Japan 2025-03 from MOF, China 2025-03 from FRED.
    for iso3, measure, source in (("JPN", "total_incl_gold", "mof_reserves"), ("CHN", "total_excl_gold", "fred")):
        reserves, *r_lineage = lev(fixture_wh, iso3, "2025-03-01", "reserves_usd_bn, reserves_source, reserves_vintage, reserves_raw_sha256")
        assert r_lineage[0] == source
        assert one(fixture_wh, """SELECT total_reserves_usd_mn / 1000.0, source, vintage, raw_sha256 FROM core.reserves
                                  WHERE iso3 = ? AND ref_month = '2025-03-01' AND measure = ?""", [iso3, measure]) == (
            pytest.approx(reserves), *r_lineage)
        assert sha256_hex(_archived(fixture_wh, source, r_lineage[2])) == r_lineage[2]


def test_share_of_foreign_uses_the_grand_total_of_the_same_file(fixture_wh):
    # United Kingdom 2025-03 is Table 5's revised 781.3 over Table 5's Grand Total 9058.4; El Salvador
    # is only in mfhhis01, so its share uses mfhhis01's Grand Total 9054.2.
    assert lev(fixture_wh, "GBR", "2025-03-01", "holdings_usd_bn, share_of_foreign_pct") == (781.3, pytest.approx(781.3 / 9058.4 * 100))
    assert lev(fixture_wh, "SLV", "2025-03-01", "share_of_foreign_pct")[0] == pytest.approx(85 / 9054.2 * 100)
    assert lev(fixture_wh, "JPN", "2025-12-01", "share_of_foreign_pct")[0] == pytest.approx(1185.5 / 9266.4 * 100)


def test_rank_by_holdings(fixture_wh):
    rows = query(fixture_wh, "SELECT iso3, rank_by_holdings FROM marts.leverage_monthly WHERE ref_month = '2025-03-01' ORDER BY rank_by_holdings LIMIT 4")
    assert rows == [("JPN", 1), ("GBR", 2), ("CHN", 3), ("CYM", 4)]


def test_share_of_public_debt_needs_a_month_end_record(fixture_wh):
    assert lev(fixture_wh, "JPN", "2025-04-01", "share_of_public_debt_pct")[0] == pytest.approx(1134.5 / 28700.0 * 100)
    # The last 2025-05 record is 2025-05-20: not a month end, so no share.
    assert lev(fixture_wh, "JPN", "2025-05-01", "share_of_public_debt_pct") == (None,)


def test_share_of_marketable_debt_beside_the_public_debt_share(fixture_wh):
    # MSPD fixture: Total Marketable 28,616.96 bn at end-March 2025 (complete month).
    marketable, public = lev(fixture_wh, "JPN", "2025-03-01", "share_of_marketable_pct, share_of_public_debt_pct")
    assert marketable == pytest.approx(1130.8 / 28616.96 * 100) and public == pytest.approx(1130.8 / 28600.0 * 100)
    assert lev(fixture_wh, "JPN", "2025-02-01", "share_of_marketable_pct")[0] == pytest.approx(1125.9 / 28470.026 * 100)
    # April 2025: Debt to the Penny has a month end, MSPD has no month: NULL, not the other share.
    assert lev(fixture_wh, "JPN", "2025-04-01", "share_of_marketable_pct, share_of_public_debt_pct") == (
        None, pytest.approx(1134.5 / 28700.0 * 100))
    # Only months the source calls complete are used.
    assert query(fixture_wh, """SELECT count(*) FROM marts.leverage_monthly l
                                LEFT JOIN core.fct_marketable_debt m USING (ref_month)
                                WHERE l.share_of_marketable_pct IS NOT NULL AND NOT coalesce(m.month_complete, FALSE)""") == [(0,)]


def test_reserves_one_measure_per_holder_and_a_missing_month(fixture_wh):
    # China: FRED total excluding gold.
    assert lev(fixture_wh, "CHN", "2025-03-01", "reserves_usd_bn, reserves_measure, holdings_to_reserves") == (
        pytest.approx(3240.0), "total_excl_gold", pytest.approx(765.4 / 3240.0))
    # Japan 2025-05: FRED has it (excluding gold), MOF does not: NULL, never a switch of measure.
    assert lev(fixture_wh, "JPN", "2025-05-01", "reserves_usd_bn, reserves_measure, holdings_to_reserves") == (None, None, None)
    # Japan 2026-03: no reserves anywhere.
    assert lev(fixture_wh, "JPN", "2026-03-01", "reserves_usd_bn, holdings_to_reserves") == (None, None)
    assert lev(fixture_wh, "JPN", "2026-02-01", "holdings_to_reserves")[0] == pytest.approx(1239.3 / 1410.699)


def test_reserve_ratios_say_what_they_compare(fixture_wh):
    # Japan 2025-03, MOF: total 1272.511 incl. gold 84.728, securities 943.25 (any issuer).
    ratio, securities, to_securities, ex_gold, to_ex_gold = lev(
        fixture_wh, "JPN", "2025-03-01",
        "holdings_to_reserves, reserve_securities_usd_bn, holdings_to_reserve_securities, reserves_ex_gold_usd_bn, holdings_to_reserves_ex_gold")
    assert securities == pytest.approx(943.25) and ex_gold == pytest.approx(1272.511 - 84.728)
    assert to_securities == pytest.approx(1130.8 / 943.25) and round(to_securities, 3) == 1.199
    assert to_ex_gold == pytest.approx(1130.8 / 1187.783) and round(to_ex_gold, 3) == 0.952
    # The naive reading of 0.889 ("89% of Japan's reserves are Treasuries") is impossible: the
    # whole securities portfolio is only 74% of the reserves, and TIC counts more than all of it.
    assert round(ratio, 3) == 0.889 and securities / 1272.511 < ratio and to_securities > 1
    # China (FRED): no components, and its total already excludes gold.
    assert lev(fixture_wh, "CHN", "2025-03-01", "reserve_securities_usd_bn, holdings_to_reserve_securities, reserves_ex_gold_usd_bn, holdings_to_reserves_ex_gold") == (
        None, None, pytest.approx(3240.0), pytest.approx(765.4 / 3240.0))
    # Japan 2025-05: MOF has no month; FRED's ex-gold figure is not swapped in.
    assert lev(fixture_wh, "JPN", "2025-05-01", "reserve_securities_usd_bn, reserves_ex_gold_usd_bn") == (None, None)


def test_interventions_in_dollars_say_which_rate(fixture_wh):
    rows = query(fixture_wh, """SELECT intervention_date, amount_jpy_bn, amount_usd_bn, jpy_per_usd, usd_rate_date, usd_rate_basis
                                FROM core.fct_fx_interventions WHERE intervention_date >= '2022-01-01' ORDER BY intervention_date""")
    assert rows == [
        (date(2022, 9, 22), 2838.2, pytest.approx(round(2838.2 / 142.16, 3)), 142.16, date(2022, 9, 22), "same_day"),
        (date(2022, 10, 21), 5620.2, pytest.approx(38.402), 146.35, date(2022, 10, 21), "same_day"),
        # Monday 2022-10-24 has no DEXJPUS in the fixture: Friday's rate, and the row says so.
        (date(2022, 10, 24), 729.6, pytest.approx(round(729.6 / 146.35, 3)), 146.35, date(2022, 10, 21), "earlier_day"),
    ]
    # No rate within 7 days (1991): no dollar figure, rather than a stale rate.
    assert query(fixture_wh, "SELECT count(*) FROM core.fct_fx_interventions WHERE intervention_date < '2022-01-01' AND (amount_usd_bn IS NOT NULL OR usd_rate_basis IS NOT NULL)") == [(0,)]


def test_changes_stay_inside_one_file(fixture_wh):
    # The latest view has GBR 2025-03 = 781.3 (Table 5) and 2025-02 = 750.3 (mfhhis01 only): the
    # change is computed inside mfhhis01, which prints both months (779.3 - 750.3), not 781.3 - 750.3.
    assert lev(fixture_wh, "GBR", "2025-03-01", "chg_1m_usd_bn")[0] == pytest.approx(29.0)
    assert lev(fixture_wh, "GBR", "2025-04-01", "chg_1m_usd_bn")[0] == pytest.approx(807.7 - 781.3)  # Table 5
    chg1, chg3, chg12, pct = lev(fixture_wh, "JPN", "2026-03-01", "chg_1m_usd_bn, chg_3m_usd_bn, chg_12m_usd_bn, chg_1m_pct")
    assert chg1 == pytest.approx(1191.6 - 1239.3)
    assert chg3 == pytest.approx(1191.6 - 1185.5)
    assert chg12 == pytest.approx(1191.6 - 1130.8)
    assert pct == pytest.approx((1191.6 - 1239.3) / 1239.3 * 100)


def test_series_break_compares_within_the_same_series(fixture_wh):
    # June 2011: Series XII 881.5 and, for comparison, Series XI 911.1; May 2011 (Series XI) 912.4.
    assert lev(fixture_wh, "JPN", "2011-06-01", "holdings_usd_bn, chg_1m_usd_bn") == (881.5, pytest.approx(911.1 - 912.4))
    assert lev(fixture_wh, "JPN", "2011-07-01", "chg_1m_usd_bn")[0] == pytest.approx(884.9 - 881.5)
    # Three months across the break: v(Aug) - v(May) less the level shift at the break (881.5 - 911.1).
    assert lev(fixture_wh, "JPN", "2011-08-01", "chg_3m_usd_bn")[0] == pytest.approx((906.7 - 912.4) - (881.5 - 911.1))
    # Series XIII from December 2011 comes without a comparison column: no change, not a jump.
    assert lev(fixture_wh, "JPN", "2011-12-01", "chg_1m_usd_bn, chg_3m_usd_bn, selling_streak_months") == (None, None, None)
    # United Kingdom June 2011: 135.7 (XII) vs 347 (XI): the fake jump would be -211.3.
    assert lev(fixture_wh, "GBR", "2011-06-01", "chg_1m_usd_bn")[0] == pytest.approx(347 - 344.5)


def test_method_break_2011_09_is_flagged_not_a_fall(fixture_wh):
    # mfhhis01 (fixture, real figures): United Kingdom 181.2 (Aug 2011) -> 117.5 (Sep 2011, Form SLT),
    # Belgium 87.1 -> 132.1. Read naively: a 63.7 bn fall that starts a selling streak.
    chg1, chg3, streak, zscore, pct_z, brk = lev(
        fixture_wh, "GBR", "2011-09-01",
        "chg_1m_usd_bn, chg_3m_usd_bn, selling_streak_months, chg_1m_zscore_36m, chg_1m_pct_zscore_36m, method_break_month")
    assert (chg1, chg3, streak, zscore, pct_z, brk) == (None, None, None, None, None, date(2011, 9, 1))
    assert lev(fixture_wh, "BEL", "2011-09-01", "chg_1m_usd_bn, method_break_month") == (None, date(2011, 9, 1))
    # October is measured like September: a known fall of 10.4, a streak of 1 (not 2).
    assert lev(fixture_wh, "GBR", "2011-10-01", "chg_1m_usd_bn, selling_streak_months, method_break_month") == (
        pytest.approx(107.1 - 117.5), 1, None)
    # Three months ending in November start in August: across the break, unknown.
    assert lev(fixture_wh, "GBR", "2011-11-01", "chg_3m_usd_bn") == (None,)
    # The claim check says why.
    verdict, is_reduction, brk, evidence = one(
        fixture_wh, "SELECT verdict, is_reduction, method_break_month, evidence FROM marts.claim_checks WHERE iso3 = 'GBR' AND ref_month = '2011-09-01'")
    assert (verdict, is_reduction, brk) == ("undetermined", False, date(2011, 9, 1))
    assert "TIC changed what it measures in September 2011" in evidence and "neither a fall nor a rise" in evidence
    assert 'mfhhis01.txt footnote 16/: "Series XII for September 2011 includes holdings of Treasury bonds and notes as reported on monthly TIC Form SLT' in evidence
    assert "fell" not in evidence
    # The breaks table: every holder in 2011-09 and 2011-12, the United Kingdom alone in 2012-01.
    assert query(fixture_wh, "SELECT break_month, applies_to, holders, footnote FROM core.tic_method_breaks ORDER BY break_month") == [
        (date(2011, 9, 1), "all", [], "16/"), (date(2011, 12, 1), "all", [], "17/"), (date(2012, 1, 1), "listed", ["GBR"], "2/")]
    # The Grand Total is covered by an all-holder break too: no benchmark across it.
    assert query(fixture_wh, "SELECT chg_usd_bn, method_break_month FROM core.treasury_holdings_change(1) WHERE holder = 'grand_total' AND ref_month = '2011-09-01'") == [
        (None, date(2011, 9, 1))]


def test_selling_streak(fixture_wh):
    rows = query(fixture_wh, """SELECT ref_month, chg_1m_usd_bn, selling_streak_months FROM marts.leverage_monthly
                                WHERE iso3 = 'CHN' AND ref_month BETWEEN '2025-02-01' AND '2025-08-01' ORDER BY ref_month""")
    # China: 760.8 (Jan, mfhhis01) 784.3 765.4 | Table 5: 743.6 732.7 731.4 695.6 699.7
    assert [r[2] for r in rows] == [0, 1, 2, 3, 4, 5, 0]
    assert [round(r[1], 1) for r in rows] == [23.5, -18.9, -21.8, -10.9, -1.3, -35.8, 4.1]


def test_zscore_needs_twelve_prior_changes(fixture_wh):
    # Japan's known monthly changes 2025-02 .. 2026-02 (2025-01 has no 2024-12 to compare with).
    prior = [1125.9 - 1079.3, 1130.8 - 1125.9, 1134.5 - 1130.8, 1135.0 - 1134.5, 1147.9 - 1135.0,
             1151.8 - 1147.9, 1180.4 - 1151.8, 1189.3 - 1180.4, 1200.0 - 1189.3, 1202.7 - 1200.0,
             1185.5 - 1202.7, 1225.3 - 1185.5, 1239.3 - 1225.3]
    expected = (-47.7 - statistics.mean(prior)) / statistics.stdev(prior)
    assert lev(fixture_wh, "JPN", "2026-03-01", "chg_1m_zscore_36m")[0] == pytest.approx(expected, rel=1e-6)
    assert lev(fixture_wh, "JPN", "2026-02-01", "chg_1m_zscore_36m")[0] is not None  # exactly 12 prior changes
    assert lev(fixture_wh, "JPN", "2026-01-01", "chg_1m_zscore_36m") == (None,)      # 11


def test_percent_zscore_does_not_grow_with_the_holder(fixture_wh):
    # The same 13 prior months as above, as percent changes of the month before.
    levels = [1079.3, 1125.9, 1130.8, 1134.5, 1135.0, 1147.9, 1151.8, 1180.4, 1189.3, 1200.0, 1202.7, 1185.5, 1225.3, 1239.3]
    prior = [100 * (b - a) / a for a, b in zip(levels, levels[1:])]
    now = 100 * (1191.6 - 1239.3) / 1239.3
    expected = (now - statistics.mean(prior)) / statistics.stdev(prior)
    assert lev(fixture_wh, "JPN", "2026-03-01", "chg_1m_pct_zscore_36m")[0] == pytest.approx(expected, rel=1e-6)
    assert lev(fixture_wh, "JPN", "2026-01-01", "chg_1m_pct_zscore_36m") == (None,)  # 11 prior changes


def test_flows_and_custody_centre(fixture_wh):
    assert lev(fixture_wh, "JPN", "2026-03-01", "net_sales_usd_bn, valuation_change_usd_bn, is_custody_center") == (
        pytest.approx(30.661), pytest.approx(-17.027), False)
    assert lev(fixture_wh, "GBR", "2026-03-01", "net_sales_usd_bn, is_custody_center") == (pytest.approx(-19.561), True)
    assert lev(fixture_wh, "JPN", "2025-12-01", "net_sales_usd_bn") == (None,)


# ---------------------------------------------------------------- tariff_event_windows

LIBERATION_DAY = "2025-04-02-eo14257-reciprocal"


def test_scope_all_event_has_a_row_for_every_holder_the_order_covers(fixture_wh):
    holders = {r[0] for r in query(fixture_wh, "SELECT iso3 FROM core.treasury_holdings WHERE ref_month = '2025-03-01'")}
    rows = query(fixture_wh, "SELECT iso3, affected_via, partner_scope FROM marts.tariff_event_windows WHERE event_id = ?", [LIBERATION_DAY])
    # EO 14257 sec. 3(d)-(e): Canada and Mexico are not under it, so Canada's fall is not filed here.
    assert "CAN" in holders  # the fixture has no Mexico
    assert {r[0] for r in rows} == holders - {"CAN", "MEX"} and len(rows) == len(holders) - 1 >= 18
    assert {(r[1], r[2]) for r in rows} == {("scope_all", "all")}
    # China's April 2025 reciprocal steps name Hong Kong too (EO 14257 sec. 3(j), EO 14266).
    for event_id in ("2025-04-08-eo14259-china", "2025-04-09-eo14257-annex-i-china", "2025-04-09-eo14266-china"):
        assert {r[0] for r in query(fixture_wh, "SELECT iso3 FROM marts.tariff_event_windows WHERE event_id = ?", [event_id])} == {"CHN", "HKG"}


def test_liberation_day_window_for_japan(fixture_wh):
    row = one(fixture_wh, """SELECT event_date, event_date_basis, effective_on, event_month, month_before, month_plus1m, month_plus3m,
                                    holdings_before_usd_bn, holdings_plus1m_usd_bn, holdings_plus3m_usd_bn,
                                    chg_1m_usd_bn, other_foreign_chg_1m_pct, excess_chg_1m_pct, excess_chg_1m_usd_bn,
                                    chg_3m_usd_bn, chg_3m_pct, other_foreign_chg_3m_pct, excess_chg_3m_pct, excess_chg_3m_usd_bn,
                                    net_sales_1m_usd_bn, net_sales_3m_usd_bn, flow_months_in_window
                             FROM marts.tariff_event_windows WHERE event_id = ? AND iso3 = 'JPN'""", [LIBERATION_DAY])
    # Announced 2025-04-02 (effective 2025-04-05): the window starts at end-March.
    assert row[:7] == (date(2025, 4, 2), "announced_on", date(2025, 4, 5), date(2025, 4, 1), date(2025, 3, 1),
                       date(2025, 4, 1), date(2025, 6, 1))
    assert row[7:10] == (1130.8, 1134.5, 1147.9)
    # Benchmark: all other foreign holders = Table 5 Grand Total less Japan, same file.
    others_base = 9058.4 - 1130.8                      # end-March (edited Grand Total)
    others_1m = 100 * ((8989.0 - 9058.4) - 3.7) / others_base
    others_3m = 100 * ((9106.8 - 9058.4) - 17.1) / others_base
    japan_1m, japan_3m = 100 * 3.7 / 1130.8, 100 * 17.1 / 1130.8
    assert row[10] == pytest.approx(3.7)
    assert row[11] == pytest.approx(others_1m) and row[12] == pytest.approx(japan_1m - others_1m)
    assert row[13] == pytest.approx(3.7 - 1130.8 * others_1m / 100, abs=1e-3)  # 14.127: rose while the others fell
    assert row[14] == pytest.approx(17.1) and row[15] == pytest.approx(japan_3m)
    assert row[16] == pytest.approx(others_3m) and row[17] == pytest.approx(japan_3m - others_3m)
    assert row[18] == pytest.approx(17.1 - 1130.8 * others_3m / 100, abs=1e-3)
    # The naive benchmark (the Grand Total, which contains Japan) would say 0.53%, not 0.39%.
    assert round(100 * (9106.8 - 9058.4) / 9058.4, 2) == 0.53 and round(others_3m, 2) == 0.39
    assert row[19:] == (None, None, 0)  # no Table 3 for April-June 2025 in the fixture


def test_windows_start_before_the_news(fixture_wh):
    # The auto tariffs were signed 2025-03-26 and took effect 2025-04-03: "before" is end-February,
    # not end-March (which is after the news).
    autos = one(fixture_wh, """SELECT event_date, event_date_basis, effective_on, month_before, month_plus1m, month_plus3m,
                                      chg_3m_usd_bn, other_foreign_chg_3m_pct
                               FROM marts.tariff_event_windows WHERE event_id = '2025-03-26-proc10908-autos' AND iso3 = 'JPN'""")
    assert autos[:6] == (date(2025, 3, 26), "signed_on", date(2025, 4, 3), date(2025, 2, 1), date(2025, 3, 1), date(2025, 5, 1))
    # Both months only in mfhhis01: Japan 1125.9 -> 1135, Grand Total 8900 -> 9023.5.
    assert autos[6] == pytest.approx(1135.0 - 1125.9)
    assert autos[7] == pytest.approx(100 * ((9023.5 - 8900.0) - 9.1) / (8900.0 - 1125.9))
    # EO 14345 is retroactive to 2025-08-07 but was signed 2025-09-04: the window cannot open
    # before the order existed.
    rows = query(fixture_wh, """SELECT iso3, affected_via, event_date, event_date_basis, effective_on, month_before
                                FROM marts.tariff_event_windows WHERE event_id = '2025-09-04-eo14345-japan'""")
    assert rows == [("JPN", "listed", date(2025, 9, 4), "signed_on", date(2025, 8, 7), date(2025, 8, 1))]
    # No legal date at all: the announcement dates the window.
    assert query(fixture_wh, "SELECT event_date, event_date_basis, effective_on FROM marts.tariff_event_windows WHERE event_id = '2025-07-22-us-japan-deal' AND iso3 = 'JPN'") == [
        (date(2025, 7, 22), "announced_on", None)]
    # Every window starts at the last month end strictly before the first public date.
    assert query(fixture_wh, """SELECT count(*) FROM marts.tariff_event_windows
                                WHERE last_day(month_before) >= event_date
                                   OR last_day(month_before + INTERVAL 1 MONTH) < event_date""") == [(0,)]


def test_listed_event_exclusions_and_partial_flows(fixture_wh):
    # Scope all less the excluded partner: the 50% metals proclamation excludes the United Kingdom.
    metals = {r[0] for r in query(fixture_wh, "SELECT iso3 FROM marts.tariff_event_windows WHERE event_id = '2025-06-03-proc10947-metals-50'")}
    assert "JPN" in metals and "GBR" not in metals
    # A window with two of its three months in Table 3: no partial sum; the first month alone is there.
    semis = one(fixture_wh, """SELECT month_plus1m, month_plus3m, net_sales_1m_usd_bn, net_sales_3m_usd_bn, flow_months_in_window
                               FROM marts.tariff_event_windows WHERE event_id = '2026-01-14-proc11002-semiconductors' AND iso3 = 'JPN'""")
    assert semis == (date(2026, 1, 1), date(2026, 3, 1), None, None, 2)


# ---------------------------------------------------------------- claim_checks


def test_japan_march_2025_is_not_a_reduction(fixture_wh):
    verdict, is_reduction, chg, evidence = one(
        fixture_wh, "SELECT verdict, is_reduction, chg_1m_usd_bn, evidence FROM marts.claim_checks WHERE iso3 = 'JPN' AND ref_month = '2025-03-01'")
    assert verdict == "holdings_rose" and is_reduction is False and chg == pytest.approx(4.9)
    (mfh_sha,) = one(fixture_wh, "SELECT raw_sha256 FROM core.holdings_vintages WHERE source = 'tic_mfh_history'")
    assert "mfhhis01.txt" in evidence and f"vintage {MFH_VINTAGE}" in evidence and mfh_sha[:12] in evidence
    assert "$1,125.9 billion at end-February 2025" in evidence and "$1,130.8 billion at end-March 2025" in evidence
    assert "not a reduction" in evidence and "prices" in evidence


def test_flow_verdicts_and_custody_caveat(fixture_wh):
    rows = {r[0]: r[1:] for r in query(fixture_wh, """SELECT iso3, verdict, is_reduction, custody_caveat, evidence
                                                     FROM marts.claim_checks WHERE ref_month = '2026-03-01' AND iso3 IN ('JPN', 'GBR')""")}
    verdict, is_reduction, custody, evidence = rows["JPN"]
    assert (verdict, is_reduction, custody) == ("net_seller", True, False)
    assert "slt_table3.txt" in evidence and "sold $30.7 billion more" in evidence
    verdict, is_reduction, custody, evidence = rows["GBR"]
    assert (verdict, is_reduction, custody) == ("net_buyer", False, True)
    assert "custody centre" in evidence


def test_claim_evidence_names_a_revised_newer_figure_and_undetermined_months(fixture_wh):
    (evidence,) = one(fixture_wh, "SELECT evidence FROM marts.claim_checks WHERE iso3 = 'GBR' AND ref_month = '2025-03-01'")
    assert "to $779.3 billion at end-March 2025" in evidence and "mfhhis01.txt" in evidence
    assert "newest published figure for end-March 2025 is $781.3 billion" in evidence and "slt_table5.txt" in evidence
    assert one(fixture_wh, "SELECT verdict, is_reduction FROM marts.claim_checks WHERE iso3 = 'JPN' AND ref_month = '2011-12-01'") == ("undetermined", False)
    verdicts = {r[0] for r in query(fixture_wh, "SELECT DISTINCT verdict FROM marts.claim_checks WHERE claim_frequency = 'month'")}
    assert verdicts <= VERDICTS and {"net_seller", "net_buyer", "holdings_fell", "holdings_rose", "undetermined"} <= verdicts
    # Flow verdicts only where Table 3 has net sales, and claim_checks agrees with leverage_monthly.
    assert query(fixture_wh, """SELECT count(*) FROM marts.claim_checks c JOIN marts.leverage_monthly l USING (iso3, ref_month)
                                WHERE (c.verdict IN ('net_seller','net_buyer','no_net_flow')) <> (c.net_sales_usd_bn IS NOT NULL)
                                   OR c.chg_1m_usd_bn IS DISTINCT FROM l.chg_1m_usd_bn""") == [(0,)]


# ---------------------------------------------------------------- as-of macro


def test_asof_macro_never_leaks_later_vintages(tmp_path, monkeypatch, fixture_mirror):
    """Two refreshes on two fetch dates, Table 5 revised in between: asof(d) sees only vintage <= d."""
    mirror = tmp_path / "mirror"
    shutil.copytree(fixture_mirror, mirror)
    _fixture_env(monkeypatch, tmp_path / "home", mirror)
    settings = Settings.from_env()
    assert run_refresh(settings).success
    # Table 5 prints no date: its vintage is the fetch date (today, UTC).
    ((first,),) = query(settings, "SELECT vintage FROM core.holdings_vintages WHERE source = 'tic_table5'")
    assert first >= date(2026, 3, 19)

    # Before the history file was published nothing existed; on its date only it did.
    assert query(settings, "SELECT count(*) FROM core.treasury_holdings_asof(DATE '2026-03-17')") == [(0,)]
    assert query(settings, """SELECT DISTINCT source, vintage FROM core.treasury_holdings_asof('2026-03-18')""") == [
        ("tic_mfh_history", date(2026, 3, 18))]
    assert query(settings, "SELECT max(ref_month) FROM core.treasury_holdings_asof('2026-03-18')") == [(date(2025, 12, 1),)]
    # United Kingdom 2025-12: 866 in mfhhis01 (2026-03-18), 863.1 in Table 5 (fetched today).
    assert query(settings, "SELECT holdings_usd_bn FROM core.treasury_holdings_asof('2026-03-18') WHERE iso3 = 'GBR' AND ref_month = '2025-12-01'") == [(866.0,)]
    # As of today the macro is exactly the latest view.
    assert query(settings, f"""SELECT count(*) FROM (
        (SELECT * FROM core.treasury_holdings_asof(DATE '{first}') EXCEPT ALL SELECT * FROM core.treasury_holdings)
        UNION ALL
        (SELECT * FROM core.treasury_holdings EXCEPT ALL SELECT * FROM core.treasury_holdings_asof(DATE '{first}')))""") == [(0,)]

    # A later fetch date, and Table 5 revises Japan 2025-06 (and the Grand Total with it) by +2.0.
    table5 = mirror / TIC_DIR / "slt_table5.txt"
    text = table5.read_bytes().decode()
    text, n_jp = re.subn(r"(?m)^(Japan\t(?:[^\t]*\t){9})1147\.9\t", r"\g<1>1149.9\t", text)
    text, n_gt = re.subn(r"(?m)^(Grand Total\t(?:[^\t]*\t){9})9106\.8\t", r"\g<1>9108.8\t", text)
    assert n_jp == 1 and n_gt == 1
    table5.write_bytes(text.encode())
    later = date(2099, 1, 15)
    monkeypatch.setattr(fetch, "_now", lambda: f"{later.isoformat()}T12:00:00+00:00")
    # The Federal Register's incremental request (documents since the last held) is not in the
    # fixture mirror: skip it, it is not what this test is about.
    monkeypatch.setenv("TLW_MIRROR_MISSING", "skip")
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    assert "tic_table5" in outcome.selected_sources and "tic_mfh_history" not in outcome.selected_sources

    # Both Table 5 vintages are kept; the latest view has the revision, asof(first) does not.
    assert query(settings, "SELECT vintage, holdings_usd_bn FROM core.fct_treasury_holdings WHERE iso3 = 'JPN' AND ref_month = '2025-06-01' AND source = 'tic_table5' ORDER BY vintage") == [
        (first, 1147.9), (later, 1149.9)]
    assert query(settings, "SELECT holdings_usd_bn FROM core.treasury_holdings WHERE iso3 = 'JPN' AND ref_month = '2025-06-01'") == [(1149.9,)]
    asof = "SELECT holdings_usd_bn, vintage FROM core.treasury_holdings_asof(DATE '{}') WHERE iso3 = 'JPN' AND ref_month = '2025-06-01'"
    assert query(settings, asof.format(first)) == [(1147.9, first)]
    assert query(settings, asof.format("2099-01-14")) == [(1147.9, first)]
    assert query(settings, asof.format("2099-01-15")) == [(1149.9, later)]
    # No row of any as-of view comes from a vintage after its date.
    for d in ("2026-03-18", first.isoformat(), "2099-01-14", "2099-01-15"):
        assert query(settings, f"SELECT count(*) FROM core.treasury_holdings_asof(DATE '{d}') WHERE vintage > DATE '{d}'") == [(0,)]
    # core.holdings_vintages lists both Table 5 bodies, the first no longer used by the latest view.
    assert query(settings, "SELECT vintage, rows_in_latest_view FROM core.holdings_vintages WHERE source = 'tic_table5' ORDER BY vintage") == [
        (first, 0), (later, 234)]


def test_asof_macro_is_in_the_published_file(fixture_wh):
    """Opened read-only by a tool that knows nothing of the pipeline, the macros are there."""
    with duckdb.connect(str(fixture_wh.published_db), read_only=True, config={"enable_external_access": False}) as con:
        kinds = dict(con.execute("""SELECT function_name, function_type FROM duckdb_functions()
                                    WHERE schema_name = 'core' AND function_name LIKE 'treasury_holdings_%'""").fetchall())
        assert kinds == {
            "treasury_holdings_asof": "table_macro",
            "treasury_holdings_asof_explained": "table_macro",
            "treasury_holdings_change": "table_macro",
        }
        assert con.execute("SELECT holdings_usd_bn FROM core.treasury_holdings_asof(current_date) WHERE iso3 = 'JPN' AND ref_month = '2025-03-01'").fetchall() == [(1130.8,)]


# ---------------------------------------------------------------- the shared (real) mirror


def test_real_mirror_japan_leverage_and_the_dumping_claim(real_sources, tmp_path, monkeypatch):
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TLW_MIRROR", str(real_sources / "mirror"))
    monkeypatch.setenv("TLW_MIRROR_MISSING", "skip")
    monkeypatch.setenv("TLW_FRED_SERIES", REAL_FRED)
    for name in ("TLW_SKIP_SOURCES", "TLW_FULL_HISTORY", "TLW_FR_PER_PAGE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures

    holdings, reserves, measure, ratio = lev(settings, "JPN", "2025-03-01", "holdings_usd_bn, reserves_usd_bn, reserves_measure, holdings_to_reserves")
    assert holdings == 1130.8  # mfhhis01.txt (the shared mirror has no Table 5)
    assert reserves == pytest.approx(1272.511) and measure == "total_incl_gold"
    assert round(ratio, 3) == 0.889
    assert round(lev(settings, "JPN", "2025-12-01", "share_of_foreign_pct")[0], 2) == 12.79  # 1185.5 / 9271

    verdict, is_reduction, evidence = one(settings, "SELECT verdict, is_reduction, evidence FROM marts.claim_checks WHERE iso3 = 'JPN' AND ref_month = '2025-03-01'")
    assert verdict == "holdings_rose" and is_reduction is False  # no Table 3 in the shared mirror
    assert "mfhhis01.txt" in evidence and f"vintage {MFH_VINTAGE}" in evidence
    assert "$1,125.9 billion at end-February 2025" in evidence

    # Partner scope from the orders: Canada and Mexico are not under EO 14257; Hong Kong is under
    # China's April 2025 reciprocal rates.
    liberation_day = {r[0] for r in query(settings, "SELECT iso3 FROM marts.tariff_event_windows WHERE event_id = ?", [LIBERATION_DAY])}
    holders = {r[0] for r in query(settings, "SELECT iso3 FROM core.treasury_holdings WHERE ref_month = '2025-03-01'")}
    assert {"CAN", "MEX"} <= holders and not {"CAN", "MEX"} & liberation_day and {"JPN", "HKG"} <= liberation_day
    for event_id in ("2025-04-08-eo14259-china", "2025-04-09-eo14257-annex-i-china", "2025-04-09-eo14266-china"):
        assert {r[0] for r in query(settings, "SELECT iso3 FROM marts.tariff_event_windows WHERE event_id = ?", [event_id])} == {"CHN", "HKG"}
    # The auto tariffs (signed 2025-03-26): the window starts at end-February 2025.
    assert lev_window(settings, "2025-03-26-proc10908-autos", "JPN") == (date(2025, 3, 26), "signed_on", date(2025, 2, 1), pytest.approx(1135.0 - 1125.9))

    # Method breaks: United Kingdom 181.2 -> 117.5 in 2011-09 is the Form SLT switch, not a fall;
    # Belgium's +45.0 no longer scores 10 standard deviations; 2012-01 the UK loses the islands.
    assert lev(settings, "GBR", "2011-09-01", "chg_1m_usd_bn, selling_streak_months, method_break_month") == (None, None, date(2011, 9, 1))
    assert lev(settings, "BEL", "2011-09-01", "chg_1m_usd_bn, chg_1m_zscore_36m, method_break_month") == (None, None, date(2011, 9, 1))
    assert lev(settings, "GBR", "2012-01-01", "chg_1m_usd_bn, method_break_month") == (None, date(2012, 1, 1))
    assert lev(settings, "JPN", "2012-01-01", "chg_1m_usd_bn, method_break_month") == (pytest.approx(1080.8 - 1058.1), None)
    verdict, evidence = one(settings, "SELECT verdict, evidence FROM marts.claim_checks WHERE iso3 = 'GBR' AND ref_month = '2011-09-01'")
    assert verdict == "undetermined" and "Form SLT" in evidence and "footnote 16/" in evidence
    # Each footnote is quoted verbatim from the official file (CSV quoting undone, lines joined).
    footer = (real_sources / "mirror" / TIC_DIR / "mfhhis01.txt").read_text(encoding="ascii").split("Department of the Treasury", 1)[1]
    cells = [line.split("\t", 1)[0].strip() for line in footer.splitlines()]
    prose = " ".join(" ".join(c[1:-1].replace('""', '"') if c.startswith('"') else c for c in cells).split())
    for (quote,) in query(settings, "SELECT footnote_text FROM core.tic_method_breaks"):
        assert quote in prose, quote
