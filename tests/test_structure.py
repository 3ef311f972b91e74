"""The working copy's structure (schemas, meta tables, macros, staging tables and their comments) is
laid out once per version of the code, and again whenever it is not whole.

Every step of a refresh opens the working copy; re-running the DDL each time cost about 0.15 s a
step, so `warehouse.ensure_structure` skips it when the copy carries this code's fingerprint.
These tests hold it to re-running it whenever skipping would leave the copy wrong.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from pipelines import warehouse


def comment(con: duckdb.DuckDBPyConnection, table: str, column: str) -> str | None:
    schema, name = table.split(".")
    row = con.execute(
        "SELECT comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? AND column_name = ?", [schema, name, column]
    ).fetchone()
    return row[0] if row else None


@contextmanager
def laid_out_again(tmp_path: Path, *tampering: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A working copy laid out by this code, `tampering` run on it, closed, opened again and handed
    to ensure_structure once more, as the next step of a refresh does."""
    path = str(tmp_path / "build.duckdb")
    with duckdb.connect(path) as con:
        warehouse.ensure_structure(con)
        assert comment(con, "staging.fred", "raw_sha256") == warehouse.LINEAGE_COMMENTS["raw_sha256"]
        for statement in tampering:
            con.execute(statement)
    with duckdb.connect(path) as con:
        warehouse.ensure_structure(con)
        yield con


def test_a_copy_laid_out_by_this_code_is_left_alone(tmp_path):
    # A mark the staging DDL (sql/staging/fred.sql) would undo: it stays, so the DDL did not run again.
    with laid_out_again(tmp_path, "COMMENT ON COLUMN staging.fred.series_id IS 'left alone'") as con:
        assert comment(con, "staging.fred", "series_id") == "left alone"
        assert con.execute("SELECT count(*) FROM meta.structure").fetchone() == (1,)


def test_a_copy_laid_out_by_older_code_gets_the_new_structure(tmp_path):
    """The fingerprint is of the statements themselves: a copy from code whose DDL differed (here:
    before meta.publish_log had checks_run) is brought up to date, not trusted."""
    older = ("ALTER TABLE meta.publish_log DROP COLUMN checks_run", "UPDATE meta.structure SET fingerprint = 'older code'")
    with laid_out_again(tmp_path, *older) as con:
        assert "checks_run" in {row[0] for row in con.execute("DESCRIBE meta.publish_log").fetchall()}
        assert con.execute("SELECT fingerprint FROM meta.structure").fetchall() != [("older code",)]


def test_a_missing_staging_table_is_laid_out_again_despite_a_current_fingerprint(tmp_path):
    with laid_out_again(tmp_path, "DROP TABLE staging.fred") as con:
        assert con.execute("SELECT count(*) FROM staging.fred").fetchone() == (0,)
        assert comment(con, "staging.fred", "raw_sha256") == warehouse.LINEAGE_COMMENTS["raw_sha256"]


def test_a_copy_without_a_fingerprint_is_laid_out(tmp_path):
    """A working copy from before the fingerprint existed (or one whose mark was lost)."""
    lost = ("COMMENT ON COLUMN staging.fred.series_id IS 'stale'", "DROP TABLE meta.structure")
    with laid_out_again(tmp_path, *lost) as con:
        assert comment(con, "staging.fred", "series_id") == "FRED series id (e.g. DEXJPUS)."
        assert con.execute("SELECT count(*) FROM meta.structure").fetchone() == (1,)
