"""Dagster's SQLite event log with one connection pool per database instead of a new engine per write.

Dagster's `SqliteEventLogStorage` builds a SQLAlchemy engine, connects, commits and disposes of
the engine for every event it stores. A cold refresh writes about 230 events (a planned event,
an output and a materialization per asset; a planned event and an evaluation per check), and each
lands in the run's database and, for asset and check events, again in the index: that was about
2.5 s of a 10 s refresh (`bench/refresh_bench.py`), more than Dagster's import. Keeping one engine
per database, with its pool, makes a write a transaction on an open connection.

The same files (`$TLW_HOME/dagster/history/runs/<run id>.db` and `index.db`), schema, migrations
and journal (WAL, set by Dagster). One setting differs: `PRAGMA synchronous=NORMAL`, SQLite's own
advice for WAL databases, instead of FULL. A commit then no longer waits for an fsync (0.5 ms of
each of about 630 commits per refresh). The database stays consistent whatever happens, and
every commit survives the process being killed; only a power cut or kernel crash can lose the
last commits before it, that is the end of one run's event history. What changed is decided
from the raw archive and the published file, not from this history, and run status is in the run
storage, which keeps Dagster's settings. Dagster loads this class from
the `event_log_storage` block `tlw` writes into `$TLW_HOME/dagster/dagster.yaml`
(pipelines/defs/cli_run.py), in every process that opens the instance: `tlw refresh`, the daemon,
the webserver and the run workers. With TLW_DAGSTER_PG_URL the storage is PostgreSQL and this
class is not used.

Why a subclass: Dagster ships no option for this. What it replaces is where the base class
builds engines: `_connect`, the connection factory every read and write goes through (its body is
Dagster's own minus the per-call engine), and `has_table`; `wipe` and `dispose` also let go of the
pooled engines. `tests/test_event_log_storage.py` reads a real refresh's history back with the
class Dagster ships, and holds the pool to a few open files.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData

# Run databases whose engines stay open, besides the index: the daemon and the webserver read
# many runs over their lifetime, and each open engine holds a file descriptor. A refresh writes
# to one run database at a time.
OPEN_RUN_DATABASES = 4
INDEX_SHARD = "index"


def _commit_without_fsync(dbapi_connection, _connection_record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._tables_present: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> sa.Engine:
        with self._engines_lock:
            engine = self._engines.pop(shard, None)
            if engine is None:
                # One pooled connection per database; Dagster's schema check on a new database
                # inspects it through a second one while the first is open, so overflow is allowed.
                engine = sa.create_engine(
                    self.conn_string_for_shard(shard),
                    pool_size=1,
                    max_overflow=-1,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                )
                sa.event.listen(engine, "connect", _commit_without_fsync)
            self._engines[shard] = engine
            runs = [name for name in self._engines if name != INDEX_SHARD]
            for name in runs[: max(0, len(runs) - OPEN_RUN_DATABASES)]:
                self._engines.pop(name).dispose()
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        # Asked before most asset and check writes (about 95 times a cold refresh), and answered by
        # the base class through a new engine each time. A table of the index, once there, stays.
        # Not through _connect: callers ask while they hold a connection of it.
        if table_name not in self._tables_present:
            engine = self._engine(INDEX_SHARD)
            with engine.connect() as conn:
                if engine.dialect.has_table(conn, table_name):
                    self._tables_present.add(table_name)
        return table_name in self._tables_present

    def wipe(self) -> None:
        # The base class deletes the database files: no pooled connection may outlive them.
        self._dispose_engines()
        self._tables_present.clear()
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._dispose_engines()

    def _dispose_engines(self) -> None:
        with self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
