"""Dagster's event log written through pooled connections (pipelines/defs/event_log_storage.py).

The history a refresh leaves must be the one Dagster's own storage class reads, whole; the pool
must not hold a file open per run forever (the daemon and webserver live for months) nor outlive
the files it points at.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb
import sqlalchemy as sa
from dagster._core.storage.event_log import SqliteEventLogStorage

from pipelines.defs.event_log_storage import OPEN_RUN_DATABASES, PooledSqliteEventLogStorage


def history(home: Path) -> Path:
    return home / "dagster" / "history" / "runs"


def materialization_metadata(instance: dg.DagsterInstance, key: str) -> dict:
    records = instance.get_event_records(
        dg.EventRecordsFilter(event_type=dg.DagsterEventType.ASSET_MATERIALIZATION, asset_key=dg.AssetKey(key.split("/"))),
        limit=1,
    )
    assert records, f"no materialization of {key}"
    return {k: v.value for k, v in records[0].asset_materialization.metadata.items()}


def plain_instance(home: Path, folder: Path) -> dg.DagsterInstance:
    """An instance in `folder` reading `home`'s event log with the class Dagster ships."""
    folder.mkdir()
    (folder / "dagster.yaml").write_text(
        "event_log_storage:\n  module: dagster._core.storage.event_log\n  class: SqliteEventLogStorage\n"
        f"  config:\n    base_dir: {json.dumps(str(history(home)))}\n"
    )
    return dg.DagsterInstance.from_config(str(folder))


def test_the_refresh_history_is_written_by_the_pooled_storage_and_read_by_dagsters_own(published, tmp_path):
    home = published / "home"
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        pooled = materialization_metadata(instance, "staging/fred")
        (run,) = instance.get_runs()  # the fixture's one full refresh
    # The same files read by the class Dagster ships: nothing in them is ours.
    with plain_instance(home, tmp_path / "plain") as plain:
        assert type(plain.event_log_storage) is SqliteEventLogStorage
        assert materialization_metadata(plain, "staging/fred") == pooled
        kinds = Counter(e.dagster_event_type for e in plain.event_log_storage.get_logs_for_run(run.run_id) if e.is_dagster_event)
    with duckdb.connect(str(home / "tlw.duckdb"), read_only=True) as con:
        fred_rows = con.execute("SELECT count(*) FROM staging.fred").fetchone()[0]
    assert pooled["rows_loaded"] == fred_rows == 605  # every observation of the 12 FRED files of the fixture
    # Every planned materialization and check happened, and each is in the history.
    events = dg.DagsterEventType
    assert kinds[events.ASSET_MATERIALIZATION] == kinds[events.ASSET_MATERIALIZATION_PLANNED] == 46
    assert kinds[events.ASSET_CHECK_EVALUATION] == kinds[events.ASSET_CHECK_EVALUATION_PLANNED] == 27


def test_commits_skip_the_fsync_and_keep_the_write_ahead_log(tmp_path):
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    with storage.index_connection() as conn:
        assert conn.execute(sa.text("PRAGMA synchronous")).scalar() == 1  # NORMAL (FULL is 2)
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


def open_databases(folder: Path) -> set[str]:
    """The SQLite files under `folder` this process holds open."""
    names = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)) and target.endswith(".db"):
            names.add(Path(target).stem)
    return names


def test_a_long_lived_reader_keeps_few_databases_open(tmp_path):
    """A webserver reads run after run: only the index and the last few runs stay open."""
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    runs = [f"run{n}" for n in range(OPEN_RUN_DATABASES + 3)]
    for run_id in runs:
        assert storage.get_logs_for_run(run_id) == []
    assert open_databases(tmp_path) == {"index", *runs[-OPEN_RUN_DATABASES:]}
    storage.dispose()
    assert open_databases(tmp_path) == set()


def test_a_wiped_storage_holds_no_deleted_file_and_works_again(tmp_path):
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    storage.get_logs_for_run("run1")
    storage.wipe()
    assert not (tmp_path / "run1.db").exists()
    assert open_databases(tmp_path) <= {"index"}  # the index is emptied, not deleted
    assert storage.get_logs_for_run("run1") == []
    assert (tmp_path / "run1.db").exists()


def test_table_presence_is_answered_as_dagsters_own_class_answers_it(tmp_path):
    """Remembered once present; an absent table is asked again (a migration may add it)."""
    pooled = PooledSqliteEventLogStorage(str(tmp_path))
    plain = SqliteEventLogStorage(str(tmp_path))
    for table in ("event_logs", "asset_check_executions", "asset_event_tags", "not_a_dagster_table"):
        assert pooled.has_table(table) == plain.has_table(table), table
    assert not pooled.has_table("not_a_dagster_table")
    with pooled.index_connection() as conn:
        conn.execute(sa.text("CREATE TABLE not_a_dagster_table (x INTEGER)"))
    assert pooled.has_table("not_a_dagster_table")
