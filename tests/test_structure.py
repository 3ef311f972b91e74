"""The working copy's structure (schemas, meta tables, macros, staging tables and their comments) is
laid out once per version of the code, and again whenever it is not whole.

Every step of a refresh opens the working copy; re-running the DDL each time cost about 0.15 s a
step, so `warehouse.ensure_structure` skips it when the copy carries this code's fingerprint.
These tests hold it to re-running it whenever skipping would leave the copy wrong.
"""

from __future__ import annotations

import duckdb

from pipelines import warehouse


def comment(con: duckdb.DuckDBPyConnection, table: str, column: str) -> str | None:
    schema, name = table.split(".")
    row = con.execute(
        "SELECT comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? AND column_name = ?", [schema, name, column]
    ).fetchone()
    return row[0] if row else None


def test_a_copy_laid_out_by_this_code_is_left_alone(tmp_path):
    path = str(tmp_path / "build.duckdb")
    with duckdb.connect(path) as con:
        warehouse.ensure_structure(con)
        laid_out = comment(con, "staging.fred", "raw_sha256")
        assert laid_out == warehouse.LINEAGE_COMMENTS["raw_sha256"]
        # A mark the staging DDL (sql/staging/fred.sql) would undo: it stays, so the DDL did not run again.
        con.execute("COMMENT ON COLUMN staging.fred.series_id IS 'left alone'")
    with duckdb.connect(path) as con:
        warehouse.ensure_structure(con)
        assert comment(con, "staging.fred", "series_id") == "left alone"
        assert con.execute("SELECT count(*) FROM meta.structure").fetchone() == (1,)


def test_a_copy_laid_out_by_older_code_gets_the_new_structure(tmp_path):
    """The fingerprint is of the statements themselves: a copy from code whose DDL differed (here:
    before meta.publish_log had checks_run) is brought up to date, not trusted."""
    path = str(tmp_path / "build.duckdb")
    with duckdb.connect(path) as con:
        warehouse.ensure_structure(con)
        con.execute("ALTER TABLE meta.publish_log DROP COLUMN checks_run")
        con.execute("UPDATE meta.structure SET fingerprint = 'older code'")
    with duckdb.connect(path) as con:
        warehouse.ensure_structure(con)
        assert "checks_run" in {row[0] for row in con.execute("DESCRIBE meta.publish_log").fetchall()}
        assert con.execute("SELECT fingerprint FROM meta.structure").fetchall() != [("older code",)]


def test_a_missing_staging_table_is_laid_out_again_despite_a_current_fingerprint(tmp_path):
    path = str(tmp_path / "build.duckdb")
    with duckdb.connect(path) as con:
        warehouse.ensure_structure(con)
        con.execute("DROP TABLE staging.fred")
    with duckdb.connect(path) as con:
        warehouse.ensure_structure(con)
        assert con.execute("SELECT count(*) FROM staging.fred").fetchone() == (0,)
        assert comment(con, "staging.fred", "raw_sha256") == warehouse.LINEAGE_COMMENTS["raw_sha256"]


def test_a_copy_without_a_fingerprint_is_laid_out(tmp_path):
    """A working copy from before the fingerprint existed (or one whose mark was lost)."""
    path = str(tmp_path / "build.duckdb")
    with duckdb.connect(path) as con:
        warehouse.ensure_structure(con)
        con.execute("COMMENT ON COLUMN staging.fred.series_id IS 'stale'")
        con.execute("DROP TABLE meta.structure")
    with duckdb.connect(path) as con:
        warehouse.ensure_structure(con)
        assert comment(con, "staging.fred", "series_id") == "FRED series id (e.g. DEXJPUS)."
        assert con.execute("SELECT count(*) FROM meta.structure").fetchone() == (1,)
