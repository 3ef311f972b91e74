"""Dagster on PostgreSQL (TLW_DAGSTER_PG_URL): a real refresh whose runs and events land in a real
PostgreSQL server (tests/postgres.py), with the writer pool of 1 kept there."""

from __future__ import annotations

import shutil

import psycopg2

from pipelines.config import Settings
from pipelines.defs.cli_run import dagster_instance
from pipelines.refresh import run_refresh
from tests.test_refresh import NOT_TIC


def test_refresh_runs_are_recorded_in_postgresql(monkeypatch, tmp_path, fixture_mirror, postgres):
    mirror = tmp_path / "mirror"
    shutil.copytree(fixture_mirror, mirror)
    dsn = postgres.create_database("dagster_runs")
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TLW_MIRROR", str(mirror))
    monkeypatch.setenv("TLW_SKIP_SOURCES", NOT_TIC)
    monkeypatch.setenv("TLW_DAGSTER_PG_URL", postgres.url("dagster_runs"))
    monkeypatch.delenv("TLW_MIRROR_MISSING", raising=False)
    settings = Settings.from_env()

    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures

    with psycopg2.connect(dsn) as con, con.cursor() as cursor:
        cursor.execute("SELECT status FROM runs")
        assert cursor.fetchall() == [("SUCCESS",)]
        cursor.execute("SELECT count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION' AND asset_key = %s", ['["published_warehouse"]'])
        assert cursor.fetchone() == (1,)
    # Nothing went to the SQLite storage it replaces.
    assert not (settings.dagster_home / "history" / "runs.db").exists()
    assert "127.0.0.1" not in (settings.dagster_home / "dagster.yaml").read_text()  # the URL stays in the environment

    instance = dagster_instance(settings)
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
    pools = instance.get_concurrency_config().pool_config
    assert pools.default_pool_limit == 1 and pools.pool_granularity.value == "run"
    # The pool's one slot lives in PostgreSQL, shared by every host using this instance.
    assert instance.event_log_storage.supports_global_concurrency_limits
    instance.event_log_storage.initialize_concurrency_limit_to_default("duckdb_writer")
    assert instance.event_log_storage.get_concurrency_info("duckdb_writer").slot_count == 1
