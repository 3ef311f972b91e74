"""The daily, weekly and event marts of the April 2025 evidence, after one real refresh of the
fixture mirror (Dagster, DuckDB, the published file), with values computed by hand from the
fixture files.

The yield, term-premium, custody and MOF weekly fixtures are CONSTRUCTED values shaped like spring
2025 (no official copy of those series is available here). The U.S. holidays in them are real:
Good Friday 2025-04-18 (bond market closed: no yields, but a yen noon rate) and Memorial Day
2025-05-26 (no values at all).
"""

from __future__ import annotations

import statistics
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import publish_fixture_mirror

FRED = "fred.stlouisfed.org/graph"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return publish_fixture_mirror(tmp_path_factory.mktemp("evidence")) / "home" / "tlw.duckdb"


def rows(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def fixture_values(series_id: str) -> dict[date, float | None]:
    text = (Path(__file__).parent / "fixtures" / "mirror" / FRED / f"fredgraph.csv?id={series_id}").read_text()
    out = {}
    for line in text.splitlines()[1:]:
        day, value = line.split(",")
        out[date.fromisoformat(day)] = None if value in ("", ".") else float(value)
    return out


NEW_TABLES = ["core.market_observations", "core.fct_mof_weekly_securities", "core.dim_policy_statement",
              "marts.market_daily", "marts.weekly_signals", "marts.event_market_windows", "marts.claim_checks"]


def test_every_new_table_is_built_and_commented(published: Path):
    for table in NEW_TABLES:
        schema, name = table.split(".")
        [(count,)] = rows(published, f"SELECT count(*) FROM {table}")
        assert count > 0, table
        undocumented = rows(published, "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? AND (comment IS NULL OR comment = '')", [schema, name])
        assert undocumented == [], (table, undocumented)
        [(comment,)] = rows(published, "SELECT comment FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?", [schema, name])
        assert comment, table


def test_market_daily_ten_year_after_liberation_day(published: Path):
    # DGS10 fixture: 04-02 4.20, 04-03 4.06, 04-04 4.01, 04-07 4.15, 04-08 4.26, 04-09 4.34
    [(level, chg_1d, chg_5d)] = rows(published, "SELECT dgs10_pct, dgs10_chg_1d_bp, dgs10_chg_5d_bp FROM marts.market_daily WHERE obs_date = '2025-04-09'")
    assert (level, chg_1d, chg_5d) == (4.34, 8.0, 14.0)  # 4.34 - 4.26; 4.34 - 4.20 (five business days)


def test_market_daily_skips_holidays_in_changes(published: Path):
    # Good Friday: no yields, a yen rate. The Monday after changes against Thursday 04-17 (4.33).
    [(good_friday, yen)] = rows(published, "SELECT dgs10_pct, jpy_per_usd FROM marts.market_daily WHERE obs_date = '2025-04-18'")
    assert good_friday is None and yen == 143.95
    [(chg_1d, chg_5d)] = rows(published, "SELECT dgs10_chg_1d_bp, dgs10_chg_5d_bp FROM marts.market_daily WHERE obs_date = '2025-04-21'")
    assert chg_1d == 7.0  # 4.40 - 4.33, not NULL and not against a missing Friday
    # five business days back, Good Friday skipped: 04-17, 04-16, 04-15, 04-14, 04-11 (4.48). Counting
    # the holiday as a day would compare with 04-14 (4.38) and give +2 bp.
    assert chg_5d == -8.0
    # Memorial Day has no row at all: no series has a value
    assert rows(published, "SELECT count(*) FROM marts.market_daily WHERE obs_date = '2025-05-26'") == [(0,)]
    # every yield column is there with the fixture value
    [(two, thirty, real, breakeven, premium)] = rows(published, "SELECT dgs2_pct, dgs30_pct, real10_pct, breakeven10_pct, term_premium10_pct FROM marts.market_daily WHERE obs_date = '2025-04-09'")
    assert (two, thirty, premium) == (fixture_values("DGS2")[date(2025, 4, 9)], fixture_values("DGS30")[date(2025, 4, 9)], 0.67)
    assert round(real + breakeven, 2) == 4.34


def test_weekly_signals_custody_change_and_zscore(published: Path):
    custody = {d: v for d, v in fixture_values("WMTSECL1").items()}
    weds = sorted(custody)
    changes = {w: custody[w] - custody[p] for p, w in zip(weds, weds[1:])}
    week = date(2025, 4, 9)
    prior = [changes[w] for w in sorted(changes) if w < week][-52:]
    expected_z = (changes[week] - statistics.mean(prior)) / statistics.stdev(prior)
    [(start, level, chg, z)] = rows(published, "SELECT week_start, custody_treasuries_usd_mn, custody_treasuries_chg_usd_mn, custody_treasuries_chg_zscore_52w FROM marts.weekly_signals WHERE custody_date = ?", [week])
    assert (start, level, chg) == (date(2025, 4, 6), 2_828_600, -17_500)
    assert z == pytest.approx(expected_z, abs=1e-4) and z < -3
    # fewer than 52 prior weekly changes: no z-score
    first_weeks = rows(published, "SELECT count(*) FROM marts.weekly_signals WHERE custody_treasuries_chg_zscore_52w IS NOT NULL AND custody_date < ?", [weds[53]])
    assert first_weeks == [(0,)]
    # WSEFINTL1 has no value on 2025-01-01: that week and the next have no one-week change
    assert rows(published, "SELECT custody_date, custody_total_chg_usd_mn FROM marts.weekly_signals WHERE custody_date IN ('2025-01-01', '2025-01-08') ORDER BY 1") == [(date(2025, 1, 1), None), (date(2025, 1, 8), None)]


def test_weekly_signals_mof_and_ten_year(published: Path):
    [(yen, usd, fx, change_bp)] = rows(published, "SELECT jp_foreign_bonds_net_100m_jpy, jp_foreign_bonds_net_usd_mn, week_mean_jpy_per_usd, dgs10_chg_week_bp FROM marts.weekly_signals WHERE week_start = '2025-04-06'")
    assert yen == -21_000
    rates = [v for d, v in fixture_values("DEXJPUS").items() if date(2025, 4, 6) <= d <= date(2025, 4, 12) and v]
    assert fx == pytest.approx(statistics.mean(rates))
    assert usd == round(-21_000 * 100 / statistics.mean(rates), 1)  # 100 million yen -> USD millions
    assert change_bp == 47.0  # Friday 04-11 4.48 minus Friday 04-04 4.01


# ---------------------------------------------------------------- event windows, by hand


def window(db: Path, event_id: str, series_id: str) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("SELECT * FROM marts.event_market_windows WHERE event_id = ? AND series_id = ?", [event_id, series_id])
        names = [d[0] for d in cursor.description]
        [row] = cursor.fetchall()
    return dict(zip(names, row))


def test_window_tokyo_morning_statement_uses_the_previous_new_york_close(published: Path):
    # Kato, Tokyo, 2025-04-09, no time given: 09:00 JST assumed = 2025-04-08 20:00 in New York,
    # after that day's close. Base = the 04-08 close (4.26), +1 = the close of the Tokyo date.
    w = window(published, "2025-04-09-kato-rules-out", "DGS10")
    assert (w["first_public_date_ny"], w["time_assumed"]) == (date(2025, 4, 8), True)
    assert (w["base_date"], w["base_value"]) == (date(2025, 4, 8), 4.26)
    assert (w["date_1"], w["chg_1"]) == (date(2025, 4, 9), 8.0)  # 4.34
    assert (w["date_5"], w["chg_5"]) == (date(2025, 4, 15), 8.0)  # 04-09, 10, 11, 14, 15: 4.34
    # +20 skips Good Friday: 04-09 .. 04-17 (7), 04-21 .. 04-30 (15), 05-01 .. 05-07 (20): 4.27
    assert (w["date_20"], w["chg_20"]) == (date(2025, 5, 7), 1.0)
    # custody: the last Wednesday level before (04-02) to the first after (04-09)
    c = window(published, "2025-04-09-kato-rules-out", "WMTSECL1")
    assert (c["base_date"], c["date_1"], c["chg_1"], c["step"]) == (date(2025, 4, 2), date(2025, 4, 9), -17_500, "week")
    # MOF: the Tokyo week holding the statement (04-06 to 04-12), and five weeks from it
    m = window(published, "2025-04-09-kato-rules-out", "MOF_JP_FOREIGN_BONDS")
    assert (m["date_1"], m["chg_1"]) == (date(2025, 4, 12), -21_000)
    # fixture weeks from 04-06: -21,000, -9,600, +3,100, -1,450, +3,050; MOF ends 2025-06-07, before +20
    assert m["chg_5"] == -21_000 - 9_600 + 3_100 - 1_450 + 3_050 and m["chg_20"] is None


def test_window_with_memorial_day_inside(published: Path):
    # Kato, 2025-05-01 (Tokyo) -> base 04-30 close 4.17; +20 business days skip Memorial Day
    # (05-26): 05-01 .. 05-23 are 17 days, then 05-27, 05-28, 05-29 -> 4.43 (+26 bp). Counting the
    # holiday as a day would end on 05-28 (4.48, +31 bp).
    w = window(published, "2025-05-01-kato-among-cards", "DGS10")
    assert (w["base_date"], w["base_value"]) == (date(2025, 4, 30), 4.17)
    assert (w["date_1"], w["chg_1"], w["date_5"], w["chg_5"]) == (date(2025, 5, 1), 5.0, date(2025, 5, 7), 10.0)
    assert (w["date_20"], w["chg_20"]) == (date(2025, 5, 29), 26.0)
    fx = window(published, "2025-05-01-kato-among-cards", "DEXJPUS")
    assert fx["change_unit"] == "pct" and fx["base_date"] == date(2025, 4, 30)


def test_window_tariff_event_and_approximate_statement(published: Path):
    # EO 14257, announced 2025-04-02, no time in the register: 09:00 ET assumed, base = 04-01 close
    w = window(published, "2025-04-02-eo14257-reciprocal", "DGS10")
    assert (w["event_kind"], w["base_date"], w["base_value"], w["time_assumed"]) == ("tariff_event", date(2025, 4, 1), 4.17, True)
    assert (w["date_5"], w["chg_5"]) == (date(2025, 4, 8), 9.0)
    # the mid-May talks round has only an approximate date: no window
    assert rows(published, "SELECT count(*) FROM marts.event_market_windows WHERE event_id = '2025-05-15-us-japan-talks-mid-may'") == [(0,)]


# ---------------------------------------------------------------- weekly claims


def claim(db: Path, name: str, week: str) -> tuple:
    [row] = rows(db, "SELECT verdict, is_reduction, evidence, caveat, iso3 FROM marts.claim_checks WHERE claim = ? AND period_start = ?", [name, week])
    return row


def test_weekly_claims(published: Path):
    verdict, reduced, evidence, caveat, iso3 = claim(published, "foreign_official_sold_treasuries_week", "2025-04-06")
    assert (verdict, reduced, iso3) == ("custody_fell", True, None)
    assert "$2,846.1 billion on 2025-04-02 to $2,828.6 billion on Wednesday 2025-04-09" in evidence
    assert "not one country" in caveat
    verdict, reduced, evidence, caveat, iso3 = claim(published, "japan_investors_sold_foreign_bonds_week", "2025-04-06")
    assert (verdict, reduced, iso3) == ("net_seller", True, "JPN")
    assert "sold 2.10 trillion yen" in evidence and "not only U.S. Treasuries" in caveat
    verdict, reduced, evidence, caveat, iso3 = claim(published, "japan_investors_sold_foreign_bonds_week", "2025-04-20")
    assert (verdict, reduced) == ("net_buyer", False)  # +3,100


def test_monthly_claim_asked_about_a_week(published: Path):
    verdict, reduced, evidence, caveat, iso3 = claim(published, "japan_sold_treasuries_week", "2025-04-06")
    assert (verdict, reduced, iso3) == ("cannot_tell_monthly_only", False, "JPN")
    assert "only at month ends" in evidence and "foreign_official_sold_treasuries_week" in evidence
    assert "japan_investors_sold_foreign_bonds_week" in evidence
    # monthly rows are unchanged in meaning and now say their period
    [(frequency, start, end)] = rows(published, "SELECT claim_frequency, period_start, period_end FROM marts.claim_checks WHERE iso3 = 'JPN' AND ref_month = '2025-03-01' AND claim_frequency = 'month'")
    assert (frequency, start, end) == ("month", date(2025, 3, 1), date(2025, 3, 31))
