"""Whole refreshes: real Dagster runs from a mirror into a temporary TLW_HOME, then SQL on the result."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.config import Settings
from pipelines.refresh import run_refresh

TIC_DIR = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents"
# The TIC sources only: other families have their own pipeline tests.
NOT_TIC = "mof_reserves,mof_interventions,fred,debt_to_penny,federal_register"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(settings: Settings, sql: str):
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def tic_env(monkeypatch, tmp_path, fixture_mirror):
    mirror = tmp_path / "mirror"
    shutil.copytree(fixture_mirror, mirror)
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TLW_MIRROR", str(mirror))
    monkeypatch.setenv("TLW_SKIP_SOURCES", NOT_TIC)
    monkeypatch.delenv("TLW_MIRROR_MISSING", raising=False)
    return mirror


def test_full_materialization_publishes_every_tic_table(tic_env):
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    assert {"staging/tic_mfh_history", "staging/tic_table5", "staging/tic_table3", "published_warehouse"} <= set(outcome.materialized)
    assert all(passed for name, passed, severity in outcome.checks if severity == "ERROR")
    # Japan March 2025 from the 2026-03 Table 5 fixture (real figure), the latest vintage.
    assert query(settings, "SELECT holdings_usd_bn, source FROM core.treasury_holdings WHERE iso3='JPN' AND ref_month='2025-03-01'") == [(1130.8, "tic_table5")]
    # Every vintage is kept in the fact table, the latest view has one row per key.
    assert query(settings, "SELECT count(*) FROM (SELECT iso3, ref_month FROM core.treasury_holdings GROUP BY ALL HAVING count(*) > 1)") == [(0,)]
    sources = {row[0] for row in query(settings, "SELECT DISTINCT source FROM core.fct_treasury_holdings")}
    assert sources == {"tic_mfh_history", "tic_table5", "tic_table3"}
    # Aggregates never sit among countries.
    assert query(settings, "SELECT count(*) FROM core.fct_treasury_holdings WHERE iso3 IS NULL") == [(0,)]
    assert query(settings, "SELECT count(*) FROM core.fct_holdings_aggregates WHERE label = 'grand_total'")[0][0] > 0
    # Parquet exports and their manifest come with the publish.
    manifest = (settings.exports_dir / "manifest.json").read_text()
    assert '"core.treasury_holdings"' in manifest and '"tic_table5"' in manifest


def test_every_published_table_and_column_is_described(tic_env):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    missing = query(
        settings,
        """SELECT table_name FROM duckdb_tables() WHERE schema_name IN ('core','marts') AND comment IS NULL
           UNION ALL
           SELECT table_name || '.' || column_name FROM duckdb_columns()
           WHERE schema_name IN ('core','marts') AND comment IS NULL""",
    )
    assert missing == []


def test_second_refresh_with_nothing_changed_runs_nothing(tic_env):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    before = sha256(settings.published_db)
    again = run_refresh(settings)
    assert not again.ran and again.success and again.selected_sources == []
    assert sha256(settings.published_db) == before


def test_changed_file_reruns_only_that_source_and_downstream(tic_env):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    table5 = tic_env / TIC_DIR / "slt_table5.txt"
    table5.write_bytes(table5.read_bytes() + b"\r\n")  # same data, new bytes: a new vintage body
    outcome = run_refresh(settings)
    assert outcome.success
    assert outcome.selected_sources == ["tic_table5"]
    assert "staging/tic_mfh_history" not in outcome.materialized
    assert "staging/tic_table5" in outcome.materialized and "published_warehouse" in outcome.materialized


def test_failed_blocking_check_leaves_published_warehouse_byte_for_byte(tic_env):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    before = sha256(settings.published_db)
    table5 = tic_env / TIC_DIR / "slt_table5.txt"
    # Japan's latest month 100 billion higher: the file still parses, but countries no longer add
    # up to the Grand Total, so the blocking check must stop the publish.
    text = table5.read_bytes().decode()
    assert "Japan\t1191.6" in text
    table5.write_bytes(text.replace("Japan\t1191.6", "Japan\t1291.6").encode())
    outcome = run_refresh(settings)
    assert not outcome.success and outcome.exit_code == 1
    assert any("tic_countries_add_up_to_grand_total" in f for f in outcome.failures)
    assert sha256(settings.published_db) == before
    assert query(settings, "SELECT holdings_usd_bn FROM core.treasury_holdings WHERE iso3='JPN' AND ref_month='2026-03-01'") == [(1191.6,)]


def test_parse_error_names_source_file_and_line_and_publishes_nothing(tic_env):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    before = sha256(settings.published_db)
    table5 = tic_env / TIC_DIR / "slt_table5.txt"
    table5.write_bytes(table5.read_bytes().replace(b"Japan\t", b"Atlantis\t"))
    outcome = run_refresh(settings)
    assert not outcome.success
    (failure,) = [f for f in outcome.failures if "tic_table5" in f]
    assert "slt_table5.txt" in failure and "line" in failure and "Atlantis" in failure
    assert sha256(settings.published_db) == before


def test_skipped_sources_leave_empty_tables_and_downstream_builds(tic_env, monkeypatch):
    monkeypatch.setenv("TLW_SKIP_SOURCES", NOT_TIC + ",tic_table5,tic_table3")
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success
    assert query(settings, "SELECT count(*) FROM core.fct_treasury_flows") == [(0,)]
    assert query(settings, "SELECT DISTINCT source FROM core.treasury_holdings") == [("tic_mfh_history",)]


def test_tlw_sql_on_the_real_history_file(real_sources, tmp_path):
    """The issue's acceptance check, through the real command line on the real file."""
    env = {
        "PATH": "/usr/bin:/bin",
        "TLW_HOME": str(tmp_path / "home"),
        "TLW_MIRROR": str(real_sources / "mirror"),
        "TLW_SKIP_SOURCES": NOT_TIC + ",tic_table5,tic_table3",
        "TLW_MIRROR_MISSING": "skip",
    }
    tlw = [sys.executable, "-m", "pipelines.cli"]
    refresh = subprocess.run([*tlw, "refresh"], env=env, capture_output=True, text=True, timeout=300)
    assert refresh.returncode == 0, refresh.stderr[-2000:]
    answer = subprocess.run(
        [*tlw, "sql", "SELECT holdings_usd_bn FROM core.treasury_holdings WHERE iso3='JPN' AND ref_month='2025-02-01'"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert answer.returncode == 0
    assert answer.stdout.splitlines()[2].strip() == "1125.9"
    older = subprocess.run(
        [*tlw, "sql", "SELECT holdings_usd_bn FROM core.fct_treasury_holdings WHERE iso3='JPN' AND ref_month='2011-06-01' ORDER BY is_comparison_series"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert [line.strip() for line in older.stdout.splitlines()[2:4]] == ["881.5", "911.1"]
