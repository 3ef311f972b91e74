"""The lakehouse publish: whole refreshes into a DuckLake whose catalog is a real PostgreSQL server
(tests/postgres.py) and whose data files are in a temporary directory; readers in other processes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import lake
from pipelines.cli import main as tlw
from pipelines.config import Settings
from pipelines.refresh import run_refresh
from tests.test_refresh import NOT_TIC, TIC_DIR, query

JPN_2025_02 = "SELECT holdings_usd_bn FROM core.treasury_holdings WHERE iso3 = 'JPN' AND ref_month = '2025-02-01'"


@pytest.fixture
def lake_env(monkeypatch, tmp_path, fixture_mirror, postgres, request):
    """The TIC sources of the fixture mirror, published to tlw.duckdb and to a fresh lake."""
    mirror = tmp_path / "mirror"
    shutil.copytree(fixture_mirror, mirror)
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TLW_MIRROR", str(mirror))
    monkeypatch.setenv("TLW_SKIP_SOURCES", NOT_TIC)
    monkeypatch.setenv("TLW_LAKE_CATALOG", postgres.create_database(request.node.name.lower()))
    monkeypatch.setenv("TLW_LAKE_DATA_PATH", str(tmp_path / "lake-data"))
    monkeypatch.delenv("TLW_MIRROR_MISSING", raising=False)
    return mirror


def lake_query(settings: Settings, sql: str):
    con = lake.read_only_connection(settings)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_refresh_publishes_every_table_to_the_lake_as_one_tagged_snapshot(lake_env):
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures

    file_tables = {f"{s}.{t}" for s, t in query(settings, "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('core', 'marts')")}
    lake_tables = {f"{s}.{t}" for s, t in lake_query(settings, "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'lake' AND schema_name IN ('core', 'marts')")}
    assert lake_tables == file_tables and "marts.leverage_monthly" in lake_tables
    # The same numbers, table for table (fixture mfhhis01.txt: Japan February 2025 = 1125.9).
    assert lake_query(settings, JPN_2025_02) == query(settings, JPN_2025_02) == [(1125.9,)]
    for table in ("core.fct_treasury_holdings", "marts.leverage_monthly", "marts.claim_checks"):
        assert lake_query(settings, f"SELECT count(*) FROM {table}") == query(settings, f"SELECT count(*) FROM {table}")
    # Column comments travel with the tables: BI tools show them.
    assert lake_query(settings, "SELECT comment FROM duckdb_columns() WHERE database_name = 'lake' AND table_name = 'treasury_holdings' AND column_name = 'iso3'")[0][0]

    # One publish = one snapshot, tagged with the publish id, the code version and data as of.
    snapshots = lake_query(settings, "SELECT snapshot_id, author, commit_message, commit_extra_info FROM lake.snapshots() WHERE commit_message IS NOT NULL")
    assert len(snapshots) == 1
    _, author, message, extra = snapshots[0]
    info = json.loads(extra)
    assert author == "tlw" and message == f"publish {info['publish_id']}"
    assert info["code_version"].startswith("0.1.0")
    # The facts of the exports' manifest of the same publish.
    manifest = json.loads((settings.exports_dir / "manifest.json").read_text())
    assert info["data_as_of"] == manifest["data_as_of"] and info["code_version"] == manifest["code_version"]
    assert {"tic_mfh_history", "tic_table5", "tic_table3"} <= set(info["data_as_of"])
    exported = {f["table"]: f["sha256"] for f in manifest["files"]}
    assert dict(lake_query(settings, "SELECT table_name, export_sha256 FROM meta.publish_manifest")) == exported
    log = lake_query(settings, "SELECT publish_id, code_version, tables, tables_rewritten, data_as_of FROM meta.publish_log")
    assert log == [(info["publish_id"], info["code_version"], len(file_tables), len(file_tables), json.dumps(info["data_as_of"], sort_keys=True))]


def test_asof_macro_works_in_the_lake(lake_env):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    asof = "SELECT holdings_usd_bn, source FROM core.treasury_holdings_asof(DATE '{}') WHERE iso3 = 'JPN' AND ref_month = '2025-03-01'"
    # Before the fixture Table 5 vintage only the history file printed March 2025; on the day
    # after every file, Table 5 wins. The lake answers exactly as tlw.duckdb does.
    for day in ("2026-03-18", "2099-01-01"):
        assert lake_query(settings, asof.format(day)) == query(settings, asof.format(day))
    assert lake_query(settings, asof.format("2099-01-01")) == [(1130.8, "tic_table5")]
    assert lake_query(settings, asof.format("2000-01-01")) == []


def test_time_travel_returns_the_earlier_publish_and_unchanged_tables_are_not_rewritten(lake_env):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    first = lake_query(settings, "SELECT max(snapshot_id) FROM lake.snapshots()")[0][0]
    table5 = lake_env / TIC_DIR / "slt_table5.txt"
    table5.write_bytes(table5.read_bytes() + b"\r\n")  # same figures, new bytes: one more vintage
    assert run_refresh(settings).success
    second = lake_query(settings, "SELECT max(snapshot_id) FROM lake.snapshots()")[0][0]
    assert second == first + 1

    bodies = "SELECT count(DISTINCT raw_sha256) FROM meta.load_log {} WHERE source = 'tic_table5'"
    assert lake_query(settings, bodies.format("")) == [(2,)]
    assert lake_query(settings, bodies.format(f"AT (VERSION => {first})")) == [(1,)]
    committed = lake_query(settings, f"SELECT snapshot_time FROM lake.snapshots() WHERE snapshot_id = {first}")[0][0]
    assert lake_query(settings, bodies.format(f"AT (TIMESTAMP => TIMESTAMPTZ '{committed.isoformat()}')")) == [(1,)]
    # The history file did not change: tables built only from it kept their data files.
    rewritten = dict(lake_query(settings, "SELECT table_name, rewritten FROM meta.publish_manifest m JOIN meta.publish_log l USING (publish_id) WHERE l.published_at = (SELECT max(published_at) FROM meta.publish_log)"))
    assert rewritten["core.dim_country"] is False
    assert rewritten["core.fct_treasury_holdings"] is True


def test_failed_check_leaves_the_previous_snapshot_current(lake_env):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    before = lake_query(settings, "SELECT max(snapshot_id), (SELECT count(*) FROM meta.publish_log) FROM lake.snapshots()")
    table5 = lake_env / TIC_DIR / "slt_table5.txt"
    text = table5.read_bytes().decode()
    table5.write_bytes(text.replace("Japan\t1191.6", "Japan\t1291.6").encode())  # no longer adds up
    outcome = run_refresh(settings)
    assert not outcome.success
    assert any("tic_countries_add_up_to_grand_total" in f for f in outcome.failures)
    assert lake_query(settings, "SELECT max(snapshot_id), (SELECT count(*) FROM meta.publish_log) FROM lake.snapshots()") == before
    assert lake_query(settings, "SELECT holdings_usd_bn FROM core.treasury_holdings WHERE iso3 = 'JPN' AND ref_month = '2026-03-01'") == [(1191.6,)]


def test_lake_that_cannot_be_reached_fails_the_refresh_and_leaves_the_file(lake_env, monkeypatch):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    before = (settings.published_db).read_bytes()
    monkeypatch.setenv("TLW_LAKE_CATALOG", "host=127.0.0.1 port=1 dbname=nowhere user=tlw connect_timeout=2")
    outcome = run_refresh(Settings.from_env(), everything=True)
    assert not outcome.success
    assert any("cannot attach the lake" in f for f in outcome.failures), outcome.failures
    # The connection string (it may hold a password) is not echoed, not even in Dagster's log.
    assert "nowhere" not in " ".join(outcome.failures)
    assert "$TLW_LAKE_CATALOG" in " ".join(outcome.failures)
    event_logs = list((settings.dagster_home / "history").rglob("*.db"))
    assert event_logs and not any(b"nowhere" in db.read_bytes() for db in event_logs)
    assert settings.published_db.read_bytes() == before


def test_tlw_sql_and_maintain_on_the_lake(lake_env, capsys):
    settings = Settings.from_env()
    assert run_refresh(settings).success
    table5 = lake_env / TIC_DIR / "slt_table5.txt"
    table5.write_bytes(table5.read_bytes() + b"\r\n")  # one more vintage: the TIC tables are rewritten
    assert run_refresh(settings).success
    on_disk = lambda: len(list(Path(settings.lake_data_path).rglob("*.parquet")))  # noqa: E731
    live = "SELECT count(*) FROM __ducklake_metadata_lake.ducklake_data_file WHERE end_snapshot IS NULL"
    # The first publish's files of the rewritten tables are kept for time travel.
    assert on_disk() > lake_query(settings, live)[0][0]
    capsys.readouterr()
    assert tlw(["sql", JPN_2025_02]) == 0
    assert capsys.readouterr().out.splitlines()[2].strip() == "1125.9"
    # The lake's reader cannot read other files on this machine.
    assert tlw(["sql", "SELECT * FROM read_csv('/etc/passwd')"]) == 2
    assert "disabled by configuration" in capsys.readouterr().err

    publishes = "SELECT count(*) FROM lake.snapshots() WHERE commit_message LIKE 'publish %'"
    assert lake_query(settings, publishes) == [(2,)]
    assert tlw(["lake", "maintain", "--keep-days", "30"]) == 0  # nothing is 30 days old
    assert lake_query(settings, publishes) == [(2,)]
    assert tlw(["lake", "maintain", "--keep-days", "0", "--file-grace-hours", "0"]) == 0
    output = capsys.readouterr().out
    assert "expired snapshots" in output
    # Now every file on disk is one the latest snapshot reads: the freed ones are deleted.
    assert on_disk() == lake_query(settings, live)[0][0]
    # Only the latest snapshot is left (maintenance's own): no time travel before it, the same
    # data, and the record of both publishes is still in meta.publish_log.
    assert lake_query(settings, "SELECT count(*) FROM lake.snapshots()") == [(1,)]
    assert lake_query(settings, JPN_2025_02) == [(1125.9,)]
    assert lake_query(settings, "SELECT count(*) FROM meta.publish_log") == [(2,)]


def test_second_process_reads_the_real_figures_while_a_refresh_commits(real_sources, postgres, tmp_path, monkeypatch):
    """A reader attached to the same catalog keeps answering, with the published figure, while
    another process's refresh commits a new snapshot that rewrites the mart it reads."""
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TLW_MIRROR", str(real_sources / "mirror"))
    monkeypatch.setenv("TLW_MIRROR_MISSING", "skip")
    monkeypatch.setenv("TLW_SKIP_SOURCES", NOT_TIC)
    monkeypatch.setenv("TLW_LAKE_CATALOG", postgres.create_database("real_reader"))
    monkeypatch.setenv("TLW_LAKE_DATA_PATH", str(tmp_path / "lake-data"))
    for name in ("TLW_FULL_HISTORY", "TLW_FRED_SERIES"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert run_refresh(settings).success
    assert lake_query(settings, JPN_2025_02) == [(1125.9,)]  # mfhhis01.txt, the real file

    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-m", "tests.lake_reader", "--catalog", settings.lake_catalog, "--data-path", settings.lake_data_path,
         "--stop-file", str(stop), "--query", JPN_2025_02,
         "--query", "SELECT holdings_usd_bn FROM marts.leverage_monthly WHERE iso3 = 'JPN' AND ref_month = '2025-02-01'"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1],
    )
    try:
        assert reader.stdout.readline().strip() == "ready", reader.stderr.read()
        # Japan's reserves (MOF) join the mart: marts.leverage_monthly is rewritten by this commit.
        monkeypatch.setenv("TLW_SKIP_SOURCES", "mof_interventions,fred,debt_to_penny,federal_register")
        outcome = run_refresh(Settings.from_env(), everything=True)
        assert outcome.success, outcome.failures
        new_snapshot = lake_query(settings, "SELECT max(snapshot_id) FROM lake.snapshots()")[0][0]
        rewritten = lake_query(settings, "SELECT rewritten FROM meta.publish_manifest WHERE table_name = 'marts.leverage_monthly' ORDER BY publish_id DESC LIMIT 1")
        assert rewritten == [(True,)]
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=120)
    report = json.loads(out.strip().splitlines()[-1])
    assert report["errors"] == 0, report["first_errors"]
    assert report["answers"] == ["[(1125.9,)]"]
    # It was attached across the commit and saw the new snapshot without re-attaching.
    assert report["snapshots"][-1] == new_snapshot and len(report["snapshots"]) >= 2
