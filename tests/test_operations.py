"""The operator's day: the refresh summary, one-line errors with a log, refusals that publish
nothing, skipped sources that Dagster does not show as materialized, comments on every staging and
meta column, and the as-of view's explanation before the first vintage.

One fixture refresh serves the module (`published`); the tests that refresh again copy it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.config import Settings
from pipelines.mirror import mirror_relpath
from pipelines.sql_files import checks
from tests.conftest import FIXTURE_MIRROR, fixture_env
from tests.test_faults import run_cli, sha256_file

TIC_TABLE5_URL = "https://ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/slt_table5.txt"


def publish_log(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "tlw.duckdb"), read_only=True) as con:
        return con.execute("SELECT checks_passed, checks_run FROM meta.publish_log ORDER BY published_at").fetchall()


def test_summary_separates_what_ran_from_what_was_skipped_and_repeats_one_check_count(env, monkeypatch):
    monkeypatch.setenv("TLW_SKIP_SOURCES", "federal_register")
    (env / "mirror" / mirror_relpath(TIC_TABLE5_URL)).unlink()
    code, output, _ = run_cli("refresh", "--all")
    assert code == 0, output
    lines = output.splitlines()
    ran = [line for line in lines if line.startswith("ran      ")]
    assert len(ran) == 1 and "tic_table5" not in ran[0] and "federal_register" not in ran[0], output
    assert "tic_mfh_history" in ran[0] and "mof_reserves" in ran[0]
    # Skipped, each on its own line with why; the URL the mirror lacks printed whole.
    at = lines.index(f"skipped  tic_table5: not in mirror {env / 'mirror'}")
    assert lines[at + 1] == f"           {TIC_TABLE5_URL}"
    assert "skipped  federal_register: switched off by TLW_SKIP_SOURCES" in lines
    # One check count: the summary, meta.publish_log, tlw status and the report say the same.
    n = len(checks())
    assert publish_log(env / "home")[-1] == (n, n)
    assert f"checks   {n}/{n} passed" in lines
    code, status, _ = run_cli("status")
    assert "last publish: " in status and f", checks {n}/{n} passed\n" in status
    assert re.search(r"^tic_table5\s+skipped \(not in mirror\)\s", status, re.MULTILINE), status
    code, report_path, _ = run_cli("report")
    assert code == 0
    page = Path(report_path.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert f"<dt>Checks at publish</dt><dd>{n}/{n} passed</dd>" in page


def test_skipped_sources_are_not_materialized_in_dagster(tmp_path, monkeypatch):
    """One truth in `tlw status` and the Dagster UI: a skipped source has no materialization."""
    from pipelines.refresh import run_refresh

    shutil.copytree(FIXTURE_MIRROR, tmp_path / "mirror")
    fixture_env(monkeypatch, tmp_path / "home", tmp_path / "mirror")
    monkeypatch.setenv("TLW_SKIP_SOURCES", "tic_table3,tic_table5")
    settings = Settings.from_env()
    outcome = run_refresh(settings)
    assert outcome.success, outcome.failures
    assert "staging/tic_table5" not in outcome.materialized and "staging/tic_mfh_history" in outcome.materialized
    assert "core/fct_treasury_flows" in outcome.materialized  # built, from an empty staging.tic_table3
    with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        for name, materialized in (("tic_table3", False), ("tic_table5", False), ("tic_mfh_history", True)):
            event = instance.get_latest_materialization_event(dg.AssetKey(["staging", name]))
            assert (event is not None) == materialized, name


def test_a_failing_source_is_one_line_and_the_trace_goes_to_a_log(env):
    before = sha256_file(env / "home" / "tlw.duckdb")
    (env / "mirror" / mirror_relpath(TIC_TABLE5_URL)).write_bytes(b"no header here\n")
    code, output, _ = run_cli("refresh")
    assert code == 1
    errors = [line for line in output.splitlines() if line.startswith("error ")]
    assert len(errors) == 1, output
    match = re.fullmatch(
        rf"error    staging/tic_table5: \[tic_table5\] {re.escape(TIC_TABLE5_URL)}(, line \d+)?: (?P<what>.+) "
        rf"\(details: (?P<log>{re.escape(str(env / 'home' / 'logs'))}/refresh-\d{{8}}T\d+Z\.log)\)",
        errors[0],
    )
    assert match, errors[0]
    assert "Traceback" not in output and "dagster._core" not in output
    assert len(output.splitlines()) <= 6, output
    log = Path(match["log"]).read_text(encoding="utf-8")
    assert "[tic_table5]" in log and "SourceFormatError" in log and "Stack Trace" in log
    assert output.splitlines()[-1].startswith("NOT published: the last good warehouse at ")
    assert sha256_file(env / "home" / "tlw.duckdb") == before


def test_missing_mirror_directory_is_a_configuration_error_and_publishes_nothing(env, monkeypatch):
    before = sha256_file(env / "home" / "tlw.duckdb")
    monkeypatch.setenv("TLW_MIRROR", str(env / "no" / "such" / "dir"))
    code, output, _ = run_cli("refresh", "--all")
    assert code == 2
    assert output == (f"tlw refresh: configuration: TLW_MIRROR={env / 'no' / 'such' / 'dir'}: no such directory "
                      "(expected an existing directory or an http(s):// URL)\n")
    assert sha256_file(env / "home" / "tlw.duckdb") == before


def test_a_first_publish_with_every_source_skipped_is_refused(tmp_path, monkeypatch):
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    fixture_env(monkeypatch, tmp_path / "home", empty)
    code, output, _ = run_cli("refresh")
    assert code == 1
    lines = output.splitlines()
    for source in ("tic_mfh_history", "tic_table5", "tic_table3", "mof_reserves", "mof_interventions", "fred",
                   "debt_to_penny", "federal_register"):
        assert f"skipped  {source}: not in mirror {empty}" in lines, source
    assert f"           {TIC_TABLE5_URL}" in lines
    assert lines[-1] == ("refused  every source was skipped (listed above), so there is nothing to refresh; "
                         f"nothing published, no {tmp_path / 'home' / 'tlw.duckdb'} created")
    assert not (tmp_path / "home" / "tlw.duckdb").exists()


def test_an_empty_mirror_later_is_refused_and_the_warehouse_unchanged(env, monkeypatch, tmp_path):
    before = sha256_file(env / "home" / "tlw.duckdb")
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("TLW_MIRROR", str(tmp_path / "empty"))
    code, output, _ = run_cli("refresh", "--all")
    assert code == 1
    assert output.splitlines()[-1] == ("refused  every source was skipped (listed above), so there is nothing to refresh; "
                                       f"nothing published, {env / 'home' / 'tlw.duckdb'} unchanged")
    assert sha256_file(env / "home" / "tlw.duckdb") == before


def test_every_staging_and_meta_table_and_column_has_a_comment(published):
    with duckdb.connect(str(published / "home" / "tlw.duckdb"), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('staging', 'meta') AND coalesce(comment, '') = ''").fetchall()
        columns = con.execute(
            "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE schema_name IN ('staging', 'meta') AND coalesce(comment, '') = ''").fetchall()
        inherited = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE schema_name = 'staging' AND table_name = 'tic_table5' "
            "AND column_name = 'is_comparison_series'").fetchone()[0]
    assert tables == [] and columns == []
    assert inherited.startswith("True for the older series TIC prints again 'for comparison only'")


def test_holdings_as_of_a_date_before_the_first_vintage_explains_itself(published):
    with duckdb.connect(str(published / "home" / "tlw.duckdb"), read_only=True) as con:
        first = con.execute("SELECT min(vintage) FROM core.fct_treasury_holdings").fetchone()[0]
        assert con.execute("SELECT count(*) FROM core.treasury_holdings_asof(DATE '2000-01-01')").fetchone() == (0,)
        explained = con.execute("SELECT * FROM core.treasury_holdings_asof_explained(DATE '2000-01-01')").fetchone()
        later = con.execute(f"SELECT newest_vintage_used, explanation FROM core.treasury_holdings_asof_explained(DATE '{first}')").fetchone()
    assert explained == (
        explained[0], first, None, 0,
        f"no rows: 2000-01-01 is before the first vintage held ({first}); the warehouse holds no TIC file published by then",
    )
    assert later[0] == first and later[1].startswith("rows from ")
