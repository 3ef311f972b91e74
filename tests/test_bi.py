"""Readers and BI tools on the published warehouse: what Superset does through SQLAlchemy, what
makes a new publish visible inside one Python process, and the one line `tlw` prints when a
read-write client holds the file.

One fixture refresh serves the module; tests that publish again work on a copy of it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from pipelines.config import Settings
from tests.conftest import fixture_env
from tests.test_faults import run_cli, sha256_file


@pytest.fixture
def home(published, tmp_path, monkeypatch) -> Path:
    shutil.copytree(published / "home", tmp_path / "home", symlinks=True)
    fixture_env(monkeypatch, tmp_path / "home", published / "mirror")
    return tmp_path / "home"


def superset_engine(path: Path, **kw) -> sa.Engine:
    """The SQLAlchemy URI the README gives for Superset."""
    return sa.create_engine(f"duckdb:///{path}?access_mode=read_only", **kw)


def test_the_bi_extra_is_the_tested_combination():
    import duckdb_engine

    assert sa.__version__ == "2.0.54"
    assert duckdb_engine.__version__ == "0.17.0"


def test_what_superset_does_when_it_adds_a_dataset(published):
    path = published / "home" / "tlw.duckdb"
    before = sha256_file(path)
    engine = superset_engine(path, poolclass=NullPool)
    inspector = sa.inspect(engine)
    # Superset lists the schemas (DuckDB names them <database>.<schema>) and each one's tables.
    assert {"tlw.core", "tlw.marts", "tlw.staging", "tlw.meta"} <= set(inspector.get_schema_names())
    marts = inspector.get_table_names(schema="marts")
    assert {"leverage_monthly", "tariff_event_windows", "claim_checks"} <= set(marts)
    with duckdb.connect(str(path), read_only=True) as con:
        expected = {
            table: [name for (name,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = ? ORDER BY column_index",
                [table]).fetchall()]
            for table in marts
        }
    for table in marts:
        columns = inspector.get_columns(table, schema="marts")
        assert [c["name"] for c in columns] == expected[table], table
        assert all(c["comment"] for c in columns), f"marts.{table}: a column without its COMMENT"
        # The table metadata Superset shows beside the columns.
        assert inspector.get_pk_constraint(table, schema="marts")["constrained_columns"] == []
        assert inspector.get_foreign_keys(table, schema="marts") == []
    with engine.connect() as connection:
        holdings = connection.execute(sa.text(
            "SELECT holdings_usd_bn FROM marts.leverage_monthly WHERE iso3 = 'JPN' AND ref_month = DATE '2026-03-01'"
        )).scalar_one()
        assert holdings == 1191.6
        with pytest.raises(sa.exc.DBAPIError, match="read-only mode"):
            connection.execute(sa.text("CREATE TABLE marts.scratch AS SELECT 1 AS x"))
    assert sha256_file(path) == before


def publish_count(con) -> int:
    return con.execute("SELECT count(*) FROM meta.publish_log").fetchone()[0]


def publish_from_another_process() -> None:
    """A publish as a refresh does it: another process swaps a new file in (one more publish_log row)."""
    subprocess.run([sys.executable, "-c", "from pipelines import warehouse; from pipelines.config import Settings; "
                    "warehouse.publish(Settings.from_env())"], check=True, capture_output=True)


def sa_count(engine: sa.Engine) -> int:
    with engine.connect() as c:
        return c.execute(sa.text("SELECT count(*) FROM meta.publish_log")).scalar_one()


def test_what_makes_a_new_publish_visible_in_one_process(home):
    """DuckDB keeps one database instance per file and process while any connection to it is open,
    and SQLAlchemy's default pool keeps its connection open: both go on reading the old file after
    a publish. Closing every connection (SQLAlchemy: NullPool) is what shows the new one."""
    settings = Settings.from_env()
    path = settings.published_db
    # DuckDB alone.
    held = duckdb.connect(str(path), read_only=True)
    assert publish_count(held) == 1
    publish_from_another_process()
    again = duckdb.connect(str(path), read_only=True)  # while `held` is open: the same old instance
    assert (publish_count(held), publish_count(again)) == (1, 1)
    held.close()
    again.close()
    with duckdb.connect(str(path), read_only=True) as fresh:
        assert publish_count(fresh) == 2
    # SQLAlchemy: the default pool (QueuePool) keeps its connection, and with it the old instance,
    # for every engine on the file in the process; NullPool closes it after each use.
    pooled = superset_engine(path)
    unpooled = superset_engine(path, poolclass=NullPool)
    assert sa_count(pooled) == 2
    publish_from_another_process()
    assert (sa_count(pooled), sa_count(unpooled)) == (2, 2)
    pooled.dispose()
    assert sa_count(unpooled) == 3
    publish_from_another_process()
    assert sa_count(unpooled) == 4


def test_published_file_is_read_only_on_disk(published):
    assert (published / "home" / "tlw.duckdb").stat().st_mode & 0o777 == 0o444


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: what a BI tool opened without read-only does
print("holding", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held_for_writing(home):
    path = home / "tlw.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield path, holder.pid
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("argv", [
    ("sql", "SELECT 1"),
    ("status",),
    ("report",),
    ("refresh",),
])
def test_a_read_write_client_holding_the_file_is_one_line(held_for_writing, argv):
    path, pid = held_for_writing
    code, output, _ = run_cli(*argv)
    assert code == 2, output
    last = output.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"tlw {argv[0]}: {re.escape(str(path))} is held open for writing by \S+ \(PID {pid}\): "
        r"close it, or reopen it read-only \(DuckDB: read_only=True; CLI: duckdb -readonly; "
        r"SQLAlchemy/Superset: \?access_mode=read_only; DBeaver: duckdb.read_only=true\)",
        last,
    ), output
    assert "Traceback" not in output
