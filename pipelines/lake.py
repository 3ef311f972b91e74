"""The lakehouse publish: the checked warehouse as one DuckLake snapshot, for readers on other machines.

With `TLW_LAKE_CATALOG` (a libpq connection string of the PostgreSQL catalog database) and
`TLW_LAKE_DATA_PATH` (the directory the Parquet data files go to), every publish also writes every
`core` and `marts` table, the table macros, and `meta.load_log` into a DuckLake, in ONE transaction:
one publish is one snapshot, whose commit message names the publish id and whose extra info holds
the code version and each source's data as of. `meta.publish_log` and `meta.publish_manifest` in
the lake say the same in tables. The publish runs only after every blocking check passed (it is
called from `warehouse.publish`); a publish that fails rolls back and leaves the lake's latest
snapshot as it was.

A table whose content and definition did not change since the previous publish is not rewritten:
its fingerprint (row count, a sum of row hashes, its DDL and comments) is kept in
`meta.publish_manifest`, so an unchanged source costs the lake no new data files.

Readers need no project code: any DuckDB with the DuckLake extension runs the ATTACH of
`attach_statement` (see README "Connect a BI tool"). No extension is ever downloaded: DuckLake
and the PostgreSQL scanner are loaded from the files their PyPI wheels installed
(`duckdb-extension-ducklake`, `duckdb-extension-postgres`), with autoinstall and autoload off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import duckdb

from pipelines.config import Settings

ALIAS = "lake"
PUBLISHED_SCHEMAS = ("core", "marts")
COMMIT_AUTHOR = "tlw"
# Read by the extension's loader: the file name is the extension's name, which for the PostgreSQL
# scanner is not the wheel's file name.
EXTENSIONS = {"postgres_scanner": ("duckdb_extension_postgres", "postgres"), "ducklake": ("duckdb_extension_ducklake", "ducklake")}

META_DDL = f"""
CREATE TABLE IF NOT EXISTS {ALIAS}.meta.publish_log (
    publish_id VARCHAR, published_at TIMESTAMPTZ, code_version VARCHAR, checks_passed BIGINT,
    tables BIGINT, tables_rewritten BIGINT, data_as_of VARCHAR
);
COMMENT ON TABLE {ALIAS}.meta.publish_log IS 'One row per publish into this lake (one DuckLake snapshot each, whose commit message is ''publish <publish_id>''): code version, blocking checks passed, tables published and rewritten, data_as_of = JSON object source -> last fetch (UTC).';
CREATE TABLE IF NOT EXISTS {ALIAS}.meta.publish_manifest (
    publish_id VARCHAR, table_name VARCHAR, rows BIGINT, fingerprint VARCHAR, rewritten BOOLEAN,
    export_file VARCHAR, export_sha256 VARCHAR
);
COMMENT ON TABLE {ALIAS}.meta.publish_manifest IS 'One row per table per publish: its row count, a fingerprint of its content and definition, whether this publish rewrote it (false: unchanged since the previous publish, no new data files), and the Parquet export of the same publish (file name and sha256, as in exports/manifest.json).';
"""


class LakeError(RuntimeError):
    """The lake is misconfigured or a publish to it failed; the lake's latest snapshot is unchanged."""


def configured(settings: Settings) -> bool:
    return bool(settings.lake_catalog)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def attach_statement(catalog: str, data_path: str | None, *, read_only: bool, alias: str = ALIAS) -> str:
    """The standard ATTACH every reader (DuckDB CLI, Python, a BI tool) runs, with its options."""
    options = []
    if data_path:
        options.append(f"DATA_PATH {_sql_text(data_path)}")
    if read_only:
        options.append("READ_ONLY")
    suffix = f" ({', '.join(options)})" if options else ""
    return f"ATTACH {_sql_text('ducklake:postgres:' + catalog)} AS {alias}{suffix}"


@contextmanager
def extension_files() -> Iterator[dict[str, Path]]:
    """The two extension files, under the names the loader expects, in a private directory.

    The wheels install `postgres.duckdb_extension`, but DuckDB derives the extension's entry point
    from the file name (`postgres_scanner`): a symlink in a fresh 0700 directory gives it that
    name without copying 40 MB or writing into site-packages.
    """
    import importlib

    folder = Path(tempfile.mkdtemp(prefix="tlw-duckdb-ext-"))
    try:
        files = {}
        for name, (package, file_stem) in EXTENSIONS.items():
            module = importlib.import_module(package)
            installed = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{file_stem}.duckdb_extension"
            if not installed.exists():
                raise LakeError(f"{package} has no extension for duckdb {duckdb.__version__} ({installed}): install the versions pinned in pyproject.toml")
            files[name] = folder / f"{name}.duckdb_extension"
            os.symlink(installed, files[name])
        yield files
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def connect(settings: Settings, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `lake` and selected (`USE lake`).

    `USE lake` matters: the table macros' bodies name `core.…` tables, which resolve in the
    default catalog, exactly as in tlw.duckdb.
    """
    if not settings.lake_catalog:
        raise LakeError("TLW_LAKE_CATALOG is not set")
    if not settings.lake_data_path:
        raise LakeError("TLW_LAKE_CATALOG is set but TLW_LAKE_DATA_PATH is not: the lake needs the directory of its data files")
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        with extension_files() as files:
            for path in files.values():
                con.execute(f"LOAD {_sql_text(str(path))}")
        if not read_only and "://" not in settings.lake_data_path:
            Path(settings.lake_data_path).mkdir(parents=True, exist_ok=True)
        con.execute(attach_statement(settings.lake_catalog, settings.lake_data_path, read_only=read_only))
        con.execute(f"USE {ALIAS}")
    except duckdb.Error as exc:
        con.close()
        # `from None`: the DuckDB error (in Dagster's logs too) would repeat the connection string.
        raise LakeError(f"cannot attach the lake (TLW_LAKE_CATALOG, TLW_LAKE_DATA_PATH={settings.lake_data_path}): {_first_line(exc, settings)}") from None
    return con


def read_only_connection(settings: Settings) -> duckdb.DuckDBPyConnection:
    """What `tlw sql` and `tlw report` read when the lake is configured: the lake, read-only,
    sandboxed as the file is (warehouse.read_only_connection): every other file on this machine
    out of reach (only the lake's data directory is allowed), no spilling, TLW_SQL_MEMORY_MB, and
    the configuration locked."""
    con = connect(settings, read_only=True)
    con.execute("SET temp_directory = ''")
    con.execute(f"SET memory_limit = '{int(settings.sql_memory_limit_mb)}MB'")
    if "://" not in settings.lake_data_path:
        allowed = str(Path(settings.lake_data_path).resolve()) + os.sep
        con.execute(f"SET allowed_directories = [{_sql_text(allowed)}]")
    # Last but the lock: with external access off, the settings above could not be changed.
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _first_line(exc: BaseException, settings: Settings) -> str:
    """DuckDB's message, first line, with the catalog connection string (which may hold a
    password) replaced by the variable's name."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    if settings.lake_catalog:
        line = line.replace(settings.lake_catalog, "$TLW_LAKE_CATALOG")
    return re.sub(r"password\s*=\s*\S+", "password=***", line)


def new_publish_id(now: datetime) -> str:
    """Sortable by time, unique across hosts: 20261202T003430Z-1a2b3c4d."""
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def _fingerprint(con: duckdb.DuckDBPyConnection, schema: str, table: str, ddl: str, comments: str) -> tuple[int, str]:
    rows, content = con.execute(f"SELECT count(*), coalesce(sum(hash(t))::VARCHAR, '0') FROM published.{schema}.{table} AS t").fetchone()
    definition = hashlib.sha256((ddl + "\n" + comments).encode()).hexdigest()[:16]
    return rows, f"{rows}:{content}:{definition}"


def publish(settings: Settings, source_db: Path, manifest: dict, *, checks_passed: int) -> dict:
    """Write the warehouse file `source_db` (about to be published) into the lake as one snapshot,
    with the facts of its exports' `manifest` (code version, data as of, files); return the
    snapshot's facts."""
    code_version, data_as_of = manifest["code_version"], manifest["data_as_of"]
    exported = {f["table"]: (f["file"], f["sha256"]) for f in manifest["files"]}
    now = datetime.now(timezone.utc)
    publish_id = new_publish_id(now)
    con = connect(settings, read_only=False)
    try:
        con.execute(f"ATTACH {_sql_text(str(source_db))} AS published (READ_ONLY)")
        tables = con.execute(
            "SELECT schema_name, table_name, sql, coalesce(comment, '') FROM duckdb_tables() "
            "WHERE database_name = 'published' AND schema_name IN ('core', 'marts') ORDER BY 1, 2"
        ).fetchall()
        comments = _column_comments(con)
        con.execute("BEGIN")
        try:
            for schema in (*PUBLISHED_SCHEMAS, "meta"):
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {ALIAS}.{schema}")
            con.execute(META_DDL)
            previous = dict(con.execute(
                f"SELECT table_name, fingerprint FROM {ALIAS}.meta.publish_manifest "
                f"WHERE publish_id = (SELECT publish_id FROM {ALIAS}.meta.publish_log ORDER BY published_at DESC LIMIT 1)"
            ).fetchall())
            _drop_tables_gone(con, {f"{s}.{t}" for s, t, _, _ in tables})
            tables_published = []
            for schema, table, ddl, table_comment in tables:
                name = f"{schema}.{table}"
                rows, fingerprint = _fingerprint(con, schema, table, ddl, table_comment + repr(comments.get(name)))
                rewrite = previous.get(name) != fingerprint
                if rewrite:
                    _copy_table(con, schema, table, table_comment, comments.get(name, {}))
                tables_published.append((publish_id, name, rows, fingerprint, rewrite, *exported.get(name, (None, None))))
            _copy_macros(con)
            # The facts readers see in the report header and in `tlw status`-like queries: what was
            # loaded, from where, when. Small; rewritten each publish.
            con.execute(f"CREATE OR REPLACE TABLE {ALIAS}.meta.load_log AS SELECT * FROM published.meta.load_log")
            con.execute(f"COMMENT ON TABLE {ALIAS}.meta.load_log IS 'As meta.load_log in tlw.duckdb at this publish: one row per body parsed into staging.'")
            rewritten = sum(1 for t in tables_published if t[4])
            as_of_json = json.dumps(data_as_of, sort_keys=True)
            con.executemany(f"INSERT INTO {ALIAS}.meta.publish_manifest VALUES (?, ?, ?, ?, ?, ?, ?)", tables_published)
            con.execute(
                f"INSERT INTO {ALIAS}.meta.publish_log VALUES (?, ?, ?, ?, ?, ?, ?)",
                [publish_id, now, code_version, checks_passed, len(tables), rewritten, as_of_json],
            )
            extra = json.dumps({"publish_id": publish_id, "code_version": code_version, "data_as_of": data_as_of}, sort_keys=True)
            con.execute(
                f"CALL {ALIAS}.set_commit_message(?, ?, extra_info => ?)",
                [COMMIT_AUTHOR, f"publish {publish_id}", extra],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        snapshot = con.execute(
            f"SELECT snapshot_id FROM {ALIAS}.snapshots() WHERE commit_message = ?", [f"publish {publish_id}"]
        ).fetchone()[0]
    except duckdb.Error as exc:
        raise LakeError(f"publish to the lake failed, its latest snapshot is unchanged: {_first_line(exc, settings)}") from None
    finally:
        con.close()
    return {"publish_id": publish_id, "snapshot_id": snapshot, "tables": len(tables), "tables_rewritten": rewritten}


def _column_comments(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for schema, table, column, comment in con.execute(
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = 'published' AND schema_name IN ('core', 'marts') AND comment IS NOT NULL ORDER BY column_index"
    ).fetchall():
        out.setdefault(f"{schema}.{table}", {})[column] = comment
    return out


def _drop_tables_gone(con: duckdb.DuckDBPyConnection, published: set[str]) -> None:
    """A table removed from the warehouse is dropped from the lake's latest snapshot (older
    snapshots keep it until expired)."""
    for schema, table in con.execute(
        f"SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = '{ALIAS}' AND schema_name IN ('core', 'marts')"
    ).fetchall():
        if f"{schema}.{table}" not in published:
            con.execute(f"DROP TABLE {ALIAS}.{schema}.{table}")


def _copy_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, table_comment: str, column_comments: dict[str, str]) -> None:
    target = f"{ALIAS}.{schema}.{table}"
    con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT * FROM published.{schema}.{table}")
    if table_comment:
        con.execute(f"COMMENT ON TABLE {target} IS {_sql_text(table_comment)}")
    for column, comment in column_comments.items():
        con.execute(f'COMMENT ON COLUMN {target}."{column}" IS {_sql_text(comment)}')


def _copy_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The macros (core.treasury_holdings_asof(d), core.tic_source_rank(s), ...) as they are in tlw.duckdb.

    Their bodies name `core.…` tables without a catalog; the connection has `USE lake`, so they
    bind to the lake's tables, and a reader runs them after `USE lake` as in the file. DuckLake
    1.0 keeps no comment on a macro: its usage is in the README and in tlw.duckdb.
    """
    # Scalar macros first (sql/macros: the table macros call them), then the table macros.
    for schema, name, parameters, body, kind in con.execute(
        "SELECT schema_name, function_name, parameters, macro_definition, function_type FROM duckdb_functions() "
        "WHERE database_name = 'published' AND schema_name IN ('core', 'marts') AND function_type IN ('macro', 'table_macro') "
        "ORDER BY function_type = 'table_macro', function_name"
    ).fetchall():
        table = "TABLE " if kind == "table_macro" else ""
        con.execute(f"CREATE OR REPLACE MACRO {ALIAS}.{schema}.{name}({', '.join(parameters)}) AS {table}{body}")


def maintain(settings: Settings, *, keep_days: float, file_grace_hours: float) -> list[tuple[str, int]]:
    """Explicit maintenance (`tlw lake maintain`), never run by a refresh.

    1. flush inlined data (small inserts DuckLake kept in the catalog) into Parquet files;
    2. expire snapshots older than `keep_days` (time travel to them ends; the latest snapshot is
       never expired);
    3. merge small adjacent data files;
    4. delete the data files that expiring and merging scheduled for deletion more than
       `file_grace_hours` ago (a reader still scanning them would fail, hence the grace).
    Returns (step, count of files/snapshots affected).
    """
    expire_before = datetime.now(timezone.utc) - timedelta(days=keep_days)
    con = connect(settings, read_only=False)
    try:
        done = [
            ("flushed inlined tables", con.execute(f"CALL ducklake_flush_inlined_data('{ALIAS}')").fetchall()),
            ("expired snapshots", con.execute(f"CALL ducklake_expire_snapshots('{ALIAS}', older_than => ?)", [expire_before]).fetchall()),
            ("merged into files", con.execute(f"CALL ducklake_merge_adjacent_files('{ALIAS}')").fetchall()),
        ]
        # Measured from now, after the steps above scheduled their files: with a grace of 0 the
        # files freed by this very run go too.
        delete_before = datetime.now(timezone.utc) - timedelta(hours=file_grace_hours)
        done.append(("deleted files", con.execute(f"CALL ducklake_cleanup_old_files('{ALIAS}', older_than => ?)", [delete_before]).fetchall()))
        return [(label, len(rows)) for label, rows in done]
    except duckdb.Error as exc:
        raise LakeError(f"lake maintenance failed: {_first_line(exc, settings)}") from None
    finally:
        con.close()
