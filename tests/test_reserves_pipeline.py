"""Reserves family end to end: real Dagster runs from a mirror into a temporary TLW_HOME, then SQL
on the published warehouse (MOF reserves, MOF interventions, FRED series)."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines import cli, fetch
from pipelines.catalog import reserves
from pipelines.config import ConfigError, Settings
from pipelines.refresh import run_refresh
from pipelines.sources import fred

MOF_RESERVES = "www.mof.go.jp/policy/international_policy/reference/official_reserve_assets/historical.csv"
# Other families have their own pipeline tests. tic_mfh_history stays on: the TIC core models
# are only built downstream of a TIC source that runs.
SKIP = "tic_table5,tic_table3,debt_to_penny,federal_register,tariff_register"
FIXTURE_SERIES = "TRESEGJPM052N,TRESEGCNM052N,DEXJPUS,FDHBFIN"
OUR_BLOCKING_CHECKS = {"reserves_mof_identities", "reserves_units_sane", "reserves_countries_known",
                       "fx_intervention_quarter_totals", "fred_observations_have_units"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(settings: Settings, sql: str, params: list | None = None):
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def blocking_failures(outcome) -> list[str]:
    return [name for name, passed, severity in outcome.checks if severity == "ERROR" and not passed]


@pytest.fixture
def reserves_env(monkeypatch, tmp_path, fixture_mirror) -> Path:
    mirror = tmp_path / "mirror"
    shutil.copytree(fixture_mirror, mirror)
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TLW_MIRROR", str(mirror))
    monkeypatch.setenv("TLW_SKIP_SOURCES", SKIP)
    monkeypatch.setenv("TLW_FRED_SERIES", FIXTURE_SERIES)
    monkeypatch.delenv("TLW_MIRROR_MISSING", raising=False)
    monkeypatch.delenv("TLW_FULL_HISTORY", raising=False)
    return mirror


def _edit_mof_row(path: Path, month_label: str, year_label: str | None, edit) -> int:
    """Rewrite one data row of the cp932 CSV in place; returns its 1-based line number."""
    lines = path.read_bytes().decode("cp932").split("\r\n")
    year = None
    for i, line in enumerate(lines):
        cells = line.split(",")
        if len(cells) < 143:
            continue
        year = cells[0] or year
        if cells[1] == month_label and year == year_label:
            edit(cells)
            lines[i] = ",".join(cells)
            path.write_bytes("\r\n".join(lines).encode("cp932"))
            return i + 1
    raise AssertionError(f"no row {year_label} {month_label}")


# ---------------------------------------------------------------- fixture mirror


def test_fixture_mirror_publishes_reserves_interventions_and_fred(reserves_env):
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    assert {"staging/mof_reserves", "staging/mof_interventions", "staging/fred", "staging/fred_series",
            "core/fct_reserves", "core/reserves", "core/fct_fx_interventions",
            "core/fct_fx_intervention_quarters", "core/fct_fred_observations",
            "published_warehouse"} <= set(outcome.materialized)
    ran = {name: passed for name, passed, _ in outcome.checks}
    assert OUR_BLOCKING_CHECKS <= set(ran) and blocking_failures(outcome) == []
    # FRED and MOF agree for Japan on the fixture months (gaps of 0.1-0.2%): the warning is quiet.
    assert ran["reserves_fred_agrees_with_mof_japan"] is True

    # MOF: every component, Japan 2025-03 (real figures copied into the fixture).
    assert query(settings, """
        SELECT total_reserves_usd_mn, fx_reserves_usd_mn, securities_usd_mn, deposits_usd_mn,
               imf_position_usd_mn, sdr_usd_mn, gold_usd_mn, gold_moz, other_reserve_assets_usd_mn, source
        FROM core.fct_reserves WHERE iso3 = 'JPN' AND ref_month = '2025-03-01' AND measure = 'total_incl_gold'
    """) == [(1272511.0, 1103340, 943250, 160090, 10265, 58537, 84728, 27.2, 15641, "mof_reserves")]
    # Other reserve assets were not reported before 2006-03: NULL, not 0.
    assert query(settings, "SELECT other_reserve_assets_usd_mn, gold_moz FROM core.fct_reserves "
                           "WHERE source = 'mof_reserves' AND ref_month = '2000-04-01'") == [(None, 24.23)]
    # 2026-02 parses despite the English month typo (Feburuary).
    assert query(settings, "SELECT total_reserves_usd_mn FROM core.reserves WHERE iso3 = 'JPN' "
                           "AND ref_month = '2026-02-01' AND measure = 'total_incl_gold'") == [(1410699.0,)]
    assert query(settings, "SELECT count(*), count(DISTINCT vintage) FROM core.fct_reserves WHERE source = 'mof_reserves'") == [(12, 1)]

    # FRED TRESEG series: total excluding gold, country from fred.SERIES, no components, empty cells left out.
    rows = query(settings, """
        SELECT iso3, ref_month, total_reserves_usd_mn, fx_reserves_usd_mn, gold_usd_mn, source
        FROM core.fct_reserves WHERE measure = 'total_excl_gold' ORDER BY iso3, ref_month
    """)
    assert [(r[0], r[1]) for r in rows] == [
        ("CHN", date(1977, 12, 1)), ("CHN", date(1978, 3, 1)), ("CHN", date(2022, 10, 1)),
        ("CHN", date(2024, 4, 1)), ("CHN", date(2024, 5, 1)), ("CHN", date(2024, 11, 1)),
        ("JPN", date(2022, 9, 1)), ("JPN", date(2022, 10, 1)), ("JPN", date(2025, 3, 1)), ("JPN", date(2025, 4, 1)),
    ]
    by_key = {(r[0], r[1]): r for r in rows}
    assert by_key[("CHN", date(2024, 11, 1))][2:] == (3328994.43, None, None, "fred")
    assert by_key[("JPN", date(2025, 3, 1))][2] == pytest.approx(1185922.58104127)
    # Japan has both measures in the latest view, never one row summing them.
    assert query(settings, "SELECT measure, source FROM core.reserves WHERE iso3 = 'JPN' AND ref_month = '2025-03-01' ORDER BY 1") == [
        ("total_excl_gold", "fred"), ("total_incl_gold", "mof_reserves")]

    # Interventions: daily rows in billions of yen, side and pair; quarter totals in their own table.
    assert query(settings, "SELECT iso3, amount_jpy_bn, side, currency_pair, source FROM core.fct_fx_interventions "
                           "WHERE intervention_date = '2022-09-22'") == [("JPN", 2838.2, "buy_jpy", "USD/JPY", "mof_interventions")]
    assert query(settings, "SELECT count(*), count(*) FILTER (WHERE side IS NULL) FROM core.fct_fx_interventions") == [(30, 6)]
    assert query(settings, "SELECT side, count(*) FROM core.fct_fx_interventions WHERE side IS NOT NULL GROUP BY 1 ORDER BY 1") == [
        ("buy_jpy", 9), ("sell_jpy", 15)]
    assert query(settings, """
        SELECT quarter_end, total_amount_jpy_bn, daily_amount_jpy_bn, daily_operations
        FROM core.fct_fx_intervention_quarters WHERE quarter_start IN ('2022-10-01', '1997-10-01', '2019-01-01') ORDER BY 1
    """) == [(date(1997, 12, 31), 1128.2, 1128.4, 8), (date(2019, 3, 31), 0.0, 0.0, 0), (date(2022, 12, 31), 6349.9, 6349.8, 2)]
    assert query(settings, "SELECT count(*) FROM core.fct_fx_intervention_quarters") == [(16,)]

    # FRED observations, long, with units from the series table; `.` in the old format is NULL.
    assert query(settings, "SELECT series_id, count(*), any_value(unit) FROM core.fct_fred_observations GROUP BY 1 ORDER BY 1") == [
        ("DEXJPUS", 56, "jpy_per_usd"), ("FDHBFIN", 8, "usd_bn"), ("TRESEGCNM052N", 8, "usd_mn"), ("TRESEGJPM052N", 5, "usd_mn")]
    assert query(settings, "SELECT obs_date, value FROM core.fct_fred_observations WHERE series_id = 'FDHBFIN' "
                           "AND obs_date IN ('2016-01-01', '2016-10-01') ORDER BY 1") == [(date(2016, 1, 1), None), (date(2016, 10, 1), 6003.9)]
    assert query(settings, "SELECT value FROM core.fct_fred_observations WHERE series_id = 'DEXJPUS' AND obs_date = '2022-09-22'") == [(142.16,)]

    # The series table is loaded as reference data.
    assert query(settings, "SELECT unit, iso3, measure, frequency FROM staging.fred_series WHERE series_id = 'TRESEGJPM052N'") == [
        ("usd_mn", "JPN", "total_excl_gold", "monthly")]
    assert query(settings, "SELECT count(*) FROM staging.fred_series") == [(len(fred.SERIES),)]

    # Every table and column of the contract is described.
    assert query(settings, """
        SELECT table_name FROM duckdb_tables() WHERE schema_name = 'core' AND comment IS NULL
          AND table_name IN ('fct_reserves', 'reserves', 'fct_fx_interventions', 'fct_fx_intervention_quarters', 'fct_fred_observations')
        UNION ALL
        SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'core' AND comment IS NULL
          AND table_name IN ('fct_reserves', 'reserves', 'fct_fx_interventions', 'fct_fx_intervention_quarters', 'fct_fred_observations')
    """) == []
    assert [r[0] for r in query(settings, "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'core' "
                                          "AND table_name = 'fct_reserves' ORDER BY column_index")] == [
        "iso3", "ref_month", "total_reserves_usd_mn", "fx_reserves_usd_mn", "securities_usd_mn", "deposits_usd_mn",
        "imf_position_usd_mn", "sdr_usd_mn", "gold_usd_mn", "gold_moz", "other_reserve_assets_usd_mn",
        "measure", "source", "vintage", "raw_sha256"]


def test_bad_mof_file_names_source_file_and_line_and_keeps_published_warehouse(reserves_env):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    before = sha256(settings.published_db)

    def break_identity(cells):  # total one million higher than its parts
        cells[4] = str(int(cells[4]) + 1)

    line = _edit_mof_row(reserves_env / MOF_RESERVES, "3月", "令和7年", break_identity)
    outcome = run_refresh(settings)
    assert not outcome.success and outcome.exit_code == 1
    assert outcome.selected_sources == ["mof_reserves"]
    (failure,) = [f for f in outcome.failures if "mof_reserves" in f]
    assert "[mof_reserves]" in failure and "historical.csv" in failure
    assert f"line {line}" in failure and "total reserves != FX + IMF + SDR + gold + other" in failure
    assert "published_warehouse" not in outcome.materialized
    assert sha256(settings.published_db) == before
    assert query(settings, "SELECT total_reserves_usd_mn FROM core.reserves WHERE iso3 = 'JPN' "
                           "AND ref_month = '2025-03-01' AND measure = 'total_incl_gold'") == [(1272511.0,)]


def test_mof_revision_is_a_new_vintage_and_the_latest_view_takes_it(reserves_env, monkeypatch):
    with monkeypatch.context() as m:
        # The first fetch happened on an earlier day.
        m.setattr(fetch, "_now", lambda: "2026-09-13T08:00:00+00:00")
        settings = Settings.from_env()
        assert run_refresh(settings).success

    def revise(cells):  # MOF revises 2025-03 securities up by 100: FX reserves and total follow
        for col in (4, 5, 6):
            cells[col] = str(int(cells[col]) + 100)

    _edit_mof_row(reserves_env / MOF_RESERVES, "3月", "令和7年", revise)
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    assert outcome.selected_sources == ["mof_reserves"]
    today = query(settings, "SELECT CAST(timezone('UTC', max(fetched_at)) AS DATE) FROM staging.mof_reserves")[0][0]
    assert query(settings, """
        SELECT vintage, total_reserves_usd_mn, securities_usd_mn FROM core.fct_reserves
        WHERE source = 'mof_reserves' AND ref_month = '2025-03-01' ORDER BY vintage
    """) == [(date(2026, 9, 13), 1272511.0, 943250), (today, 1272611.0, 943350)]
    # Every month is kept in both vintages; the latest view has one row per month, the newest.
    assert query(settings, "SELECT count(*), count(DISTINCT vintage) FROM core.fct_reserves WHERE source = 'mof_reserves'") == [(24, 2)]
    assert query(settings, "SELECT total_reserves_usd_mn, vintage FROM core.reserves WHERE iso3 = 'JPN' "
                           "AND ref_month = '2025-03-01' AND measure = 'total_incl_gold'") == [(1272611.0, today)]


def test_unknown_fred_series_stops_the_refresh_before_anything_runs(reserves_env, monkeypatch, capsys):
    """A series whose unit the project has not recorded is a configuration error: one line, exit 2,
    nothing fetched or published (it used to fail only once the fred step ran)."""
    monkeypatch.setenv("TLW_FRED_SERIES", "TRESEGJPM052N,NOSUCHSERIES")
    with pytest.raises(ConfigError, match="TLW_FRED_SERIES=TRESEGJPM052N,NOSUCHSERIES: unknown FRED series NOSUCHSERIES"):
        Settings.from_env()
    assert cli.main(["refresh"]) == 2
    printed = capsys.readouterr()
    lines = (printed.out + printed.err).splitlines()
    assert [line for line in lines if "NOSUCHSERIES" in line] == [
        line for line in lines if line.startswith("tlw refresh: configuration: TLW_FRED_SERIES=")], lines
    assert len([line for line in lines if "NOSUCHSERIES" in line]) == 1
    home = Path(os.environ["TLW_HOME"])
    assert not (home / "tlw.duckdb").exists() and not (home / "raw").exists()


def test_fred_series_default_to_every_known_series(monkeypatch, tmp_path):
    monkeypatch.setenv("TLW_HOME", str(tmp_path))
    monkeypatch.delenv("TLW_FRED_SERIES", raising=False)
    urls = reserves.fred_urls(Settings.from_env(), None)
    assert urls == [f"{fred.GRAPH_CSV_URL}?id={s}" for s in fred.DEFAULT_SERIES]
    assert "https://fred.stlouisfed.org/graph/fredgraph.csv?id=TRESEGJPM052N" in urls
    monkeypatch.setenv("TLW_FRED_SERIES", "DEXJPUS, FDHBFIN,DEXJPUS")
    assert reserves.fred_urls(Settings.from_env(), None) == [
        f"{fred.GRAPH_CSV_URL}?id=DEXJPUS", f"{fred.GRAPH_CSV_URL}?id=FDHBFIN"]


# ---------------------------------------------------------------- real official files


def test_real_files_publish_the_issue_figures(real_sources, monkeypatch, tmp_path):
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TLW_MIRROR", str(real_sources / "mirror"))
    monkeypatch.setenv("TLW_SKIP_SOURCES", "tic_table5,tic_table3,debt_to_penny,federal_register,tariff_register")
    monkeypatch.setenv("TLW_FRED_SERIES", "TRESEGCNM052N,DEXJPUS,FDHBFIN")
    monkeypatch.delenv("TLW_MIRROR_MISSING", raising=False)
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    ran = {name for name, _, _ in outcome.checks}
    assert OUR_BLOCKING_CHECKS <= ran and blocking_failures(outcome) == []

    assert query(settings, """
        SELECT total_reserves_usd_mn, securities_usd_mn, deposits_usd_mn, fx_reserves_usd_mn, gold_usd_mn, measure, source
        FROM core.fct_reserves WHERE iso3 = 'JPN' AND ref_month = '2025-03-01'
    """) == [(1272511.0, 943250, 160090, 1103340, 84728, "total_incl_gold", "mof_reserves")]
    assert query(settings, "SELECT count(*), min(ref_month), max(ref_month) FROM core.fct_reserves WHERE source = 'mof_reserves'") == [
        (317, date(2000, 4, 1), date(2026, 8, 1))]
    assert query(settings, "SELECT total_reserves_usd_mn FROM core.fct_reserves WHERE ref_month = '2026-02-01' AND source = 'mof_reserves'") == [(1410699.0,)]
    (china,) = query(settings, "SELECT total_reserves_usd_mn, measure, source FROM core.fct_reserves WHERE iso3 = 'CHN' AND ref_month = '2024-11-01'")
    assert china[0] == pytest.approx(3328994.43, abs=0.005) and china[1:] == ("total_excl_gold", "fred")

    assert query(settings, "SELECT amount_jpy_bn, side, currency_pair FROM core.fct_fx_interventions WHERE intervention_date = '2022-09-22'") == [
        (2838.2, "buy_jpy", "USD/JPY")]
    assert query(settings, "SELECT amount_jpy_bn, side FROM core.fct_fx_interventions WHERE intervention_date = '2011-10-31'") == [(8072.2, "sell_jpy")]
    assert query(settings, "SELECT count(*) FROM core.fct_fx_interventions") == [(386,)]
    assert query(settings, "SELECT total_amount_jpy_bn, daily_operations FROM core.fct_fx_intervention_quarters WHERE quarter_start = '2026-04-01'") == [(11734.9, 3)]
    assert query(settings, "SELECT count(*) FROM core.fct_fx_intervention_quarters") == [(141,)]

    assert query(settings, "SELECT value, unit FROM core.fct_fred_observations WHERE series_id = 'FDHBFIN' AND obs_date = '2016-10-01'") == [(6003.9, "usd_bn")]
    assert query(settings, "SELECT value, unit FROM core.fct_fred_observations WHERE series_id = 'DEXJPUS' AND obs_date = '2022-09-22'") == [(142.16, "jpy_per_usd")]
    assert query(settings, "SELECT count(*) FILTER (WHERE value IS NULL) FROM core.fct_fred_observations WHERE series_id = 'DEXJPUS'") == [(112,)]


# ---------------------------------------------------------------- checks that fire


MOF_INTERVENTIONS = "www.mof.go.jp/english/policy/international_policy/reference/feio/foreign_exchange_intervention_operations.csv"
FRED_JAPAN = "fred.stlouisfed.org/graph/fredgraph.csv?id=TRESEGJPM052N"


def run_check_sql(settings: Settings, name: str) -> list[str]:
    """The `problem` lines a check file returns on the published warehouse."""
    from pipelines.sql_files import checks

    (check,) = [c for c in checks() if c.name == name]
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        return [row[0] for row in con.execute(f"SELECT problem FROM ({check.sql.strip().rstrip(';')})").fetchall()]


def test_quarter_total_that_daily_rows_miss_blocks_publish_naming_the_quarter(reserves_env):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    before = sha256(settings.published_db)
    path = reserves_env / MOF_INTERVENTIONS
    body = path.read_bytes()
    # 2022-Q4: 56,202 + 7,296 = 63,498; MOF prints 63,499 (rounding). 63,599 is 101 units off.
    assert body.count(b'"63,499"') == 1
    path.write_bytes(body.replace(b'"63,499"', b'"63,599"'))
    outcome = run_refresh(settings)
    assert not outcome.success
    assert any("blocking check fx_intervention_quarter_totals failed" in f for f in outcome.failures)
    assert sha256(settings.published_db) == before
    # The same check on what the working copy now holds names the quarter, the line and the file.
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        from pipelines.sql_files import checks

        (check,) = [c for c in checks() if c.name == "fx_intervention_quarter_totals"]
        problems = [r[0] for r in con.execute(f"SELECT problem FROM ({check.sql.strip().rstrip(';')})").fetchall()]
    assert len(problems) == 1
    assert "quarter starting 2022-10-01" in problems[0] and "63498" in problems[0] and "63599" in problems[0]
    assert "foreign_exchange_intervention_operations.csv" in problems[0] and "line " in problems[0]
    # MOF corrects the file: the newest file is the one checked and published, the bad one stays in
    # staging for audit only.
    path.write_bytes(body.replace(b'"63,499"', b'"63,498"'))
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    assert query(settings, "SELECT total_amount_jpy_bn, daily_amount_jpy_bn FROM core.fct_fx_intervention_quarters "
                           "WHERE quarter_start = '2022-10-01'") == [(6349.8, 6349.8)]
    assert query(settings, "SELECT count(DISTINCT raw_sha256) FROM staging.mof_interventions") == [(3,)]


def test_fred_and_mof_disagreeing_for_japan_is_a_warning_naming_the_month(reserves_env):
    path = reserves_env / FRED_JAPAN
    text = path.read_text()
    # 2025-04: MOF total 1,298,249 minus gold 89,813 = 1,208,436; FRED 5% lower is far outside 2%.
    assert "2025-04-01,1210377.09462115005" in text
    path.write_text(text.replace("2025-04-01,1210377.09462115005", "2025-04-01,1148014.2"))
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures  # a warning never blocks the publish
    assert ("reserves_fred_agrees_with_mof_japan", False, "WARN") in outcome.checks
    problems = run_check_sql(settings, "reserves_fred_agrees_with_mof_japan")
    assert len(problems) == 1 and problems[0].startswith("Japan 2025-04-01: MOF total 1298249")
