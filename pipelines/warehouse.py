"""The only place that opens DuckDB for writing: staging loads, SQL models, checks, publish, exports.

Two files under `$TLW_HOME`:
- `build/work.duckdb`, the working copy every refresh writes to (staging keeps every vintage
  loaded, so a partial refresh only reloads what changed);
- `tlw.duckdb`, the published warehouse readers and BI tools open read-only. It is replaced
  atomically (copy, fsync, rename) only after every blocking check passed on the working copy, so a
  reader sees either the last good warehouse or the new one, never a half-built one.
With TLW_LAKE_CATALOG set, the same publish also commits one DuckLake snapshot (pipelines/lake.py),
after the checks and before the rename.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb
import polars as pl

from pipelines import lake
from pipelines.config import REPO_ROOT, VERSION, Settings
from pipelines.sql_files import SqlCheck, SqlModel, checks, macros, models

SCHEMAS = ("staging", "core", "marts", "meta")
EXPORT_SCHEMAS = ("core", "marts")
KEEP_EXPORT_GENERATIONS = 3

META_DDL = """
CREATE TABLE IF NOT EXISTS meta.load_log (
    source VARCHAR, url VARCHAR, raw_sha256 VARCHAR, fetched_at TIMESTAMPTZ,
    changed BOOLEAN, rows_loaded BIGINT, loaded_at TIMESTAMPTZ
);
COMMENT ON TABLE meta.load_log IS 'One row per body parsed into staging: which source, URL and raw archive sha256, when it was fetched, whether it was new, how many rows it gave.';
COMMENT ON COLUMN meta.load_log.source IS 'Source name (the staging table, and the TLW_SKIP_SOURCES name).';
COMMENT ON COLUMN meta.load_log.url IS 'Official URL of the body (or the repository file, for reference data kept in code).';
COMMENT ON COLUMN meta.load_log.raw_sha256 IS 'sha256 of the body: its name in the raw archive $TLW_HOME/raw, and the key of its rows in staging.';
COMMENT ON COLUMN meta.load_log.fetched_at IS 'When the body was fetched (UTC).';
COMMENT ON COLUMN meta.load_log.changed IS 'True when the body differed from the one last held for the URL.';
COMMENT ON COLUMN meta.load_log.rows_loaded IS 'Rows the body gave in staging.<source>.';
COMMENT ON COLUMN meta.load_log.loaded_at IS 'When the rows were loaded into the working copy (UTC).';
CREATE TABLE IF NOT EXISTS meta.publish_log (
    published_at TIMESTAMPTZ, code_version VARCHAR, checks_passed BIGINT, tables BIGINT
);
-- Added after the first publishes: older working copies gain it here.
ALTER TABLE meta.publish_log ADD COLUMN IF NOT EXISTS checks_run BIGINT;
COMMENT ON TABLE meta.publish_log IS 'One row per successful publish of tlw.duckdb.';
COMMENT ON COLUMN meta.publish_log.published_at IS 'When this warehouse was published (UTC).';
COMMENT ON COLUMN meta.publish_log.code_version IS 'Version of the code that built it: package version + git commit.';
COMMENT ON COLUMN meta.publish_log.checks_passed IS 'Checks (sql/checks, blocking and warning) that passed on it; every blocking one did, or it would not be published.';
COMMENT ON COLUMN meta.publish_log.tables IS 'Tables in core and marts.';
COMMENT ON COLUMN meta.publish_log.checks_run IS 'Checks run before the publish; checks_passed of checks_run is the count tlw refresh, tlw status and the report print.';
"""

# Columns every staging table carries: where each row came from. One comment each, applied to
# whichever staging tables have them, so a new source's table gets them without repeating them.
LINEAGE_COMMENTS = {
    "raw_sha256": "sha256 of the body the row was parsed from: its name in the raw archive $TLW_HOME/raw (for reference data: the digest of the content in code).",
    "source_url": "Official URL of the body the row was parsed from (for reference data: the repository file).",
    "fetched_at": "When that body was fetched (UTC); for reference data, when the content was loaded.",
    "line_no": "1-based line of the body the row was parsed from, to find it in the raw file.",
}


STRUCTURE_DDL = """
CREATE TABLE IF NOT EXISTS meta.structure (fingerprint VARCHAR, created_at TIMESTAMPTZ);
COMMENT ON TABLE meta.structure IS 'One row: the fingerprint of the schemas, meta tables, macros and staging tables the code that last laid them out wrote, so later connections skip re-running that DDL.';
COMMENT ON COLUMN meta.structure.fingerprint IS 'sha256 of every statement that lays out the structure (pipelines/warehouse.py ensure_structure).';
COMMENT ON COLUMN meta.structure.created_at IS 'When that structure was laid out (UTC).';
"""


PUBLISH_LOG_INSERT = (
    "INSERT INTO meta.publish_log (published_at, code_version, checks_passed, tables, checks_run) VALUES (?, ?, ?, ?, ?)"
)


class PublishBlocked(RuntimeError):
    """Blocking checks failed: the published warehouse was left as it was."""


@dataclass(frozen=True)
class CheckOutcome:
    check: SqlCheck
    violations: int
    sample: list[dict]

    @property
    def passed(self) -> bool:
        return self.violations == 0


@contextmanager
def writer_lock(settings: Settings) -> Iterator[None]:
    """One writer of the working copy at a time across processes: `tlw refresh`, runs launched
    by schedules and sensors, and publish all wait here (DuckDB itself would refuse a second
    writer with an error instead of waiting)."""
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    with open(settings.build_db.parent / ".writer.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _open_build(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(settings.build_db))
    try:
        ensure_structure(con)
        yield con
    finally:
        con.close()


@contextmanager
def build_connection(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write connection to the working copy, with every schema and staging table in place."""
    with writer_lock(settings), _open_build(settings) as con:
        yield con


def ensure_structure(con: duckdb.DuckDBPyConnection) -> None:
    """Every schema, meta table, scalar macro and staging table (with its comments) in place.

    Each step of a refresh opens the working copy and calls this. Re-running the DDL costs about
    0.15 s a time (each COMMENT ON is a catalogue write, and the close then checkpoints them), so
    it runs only when the copy does not carry this code's structure fingerprint yet, or lacks a
    staging table."""
    staging = models("staging")
    statements = [*(f"CREATE SCHEMA IF NOT EXISTS {schema}" for schema in SCHEMAS), META_DDL, *macros(), *(m.sql for m in staging)]
    # A change to any statement, or to the comments applied after them, lays everything out again.
    fingerprint = hashlib.sha256(
        "\0".join([*statements, STRUCTURE_DDL, json.dumps(LINEAGE_COMMENTS, sort_keys=True)]).encode("utf-8")
    ).hexdigest()
    if _structure_in_place(con, fingerprint, staging):
        return
    for statement in statements:
        con.execute(statement)
    _comment_staging_columns(con, staging)
    con.execute(STRUCTURE_DDL)
    con.execute("DELETE FROM meta.structure")
    con.execute("INSERT INTO meta.structure VALUES (?, now())", [fingerprint])


def _structure_in_place(con: duckdb.DuckDBPyConnection, fingerprint: str, staging: list[SqlModel]) -> bool:
    present = {
        f"{schema}.{table}" for schema, table in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
    }
    if "meta.structure" not in present or not {m.qualified for m in staging} <= present:
        return False
    row = con.execute("SELECT fingerprint FROM meta.structure").fetchone()
    return bool(row) and row[0] == fingerprint


def _comment_staging_columns(con: duckdb.DuckDBPyConnection, staging: list[SqlModel]) -> None:
    """The lineage columns' comments, and for a table declared from another (`depends_on`, e.g.
    tic_table5 from tic_mfh_history) the comments of the columns it took from it."""
    columns = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'staging'"
    ).fetchall()
    comments = {(t, c): comment for t, c, comment in columns}
    inherits = {m.qualified.split(".")[1]: [d.split(".")[1] for d in m.depends_on if d.startswith("staging.")] for m in staging}
    for table, column, comment in columns:
        if comment:
            continue
        text = LINEAGE_COMMENTS.get(column) or next(
            (comments.get((parent, column)) for parent in inherits.get(table, []) if comments.get((parent, column))), None
        )
        if text:
            con.execute(f"COMMENT ON COLUMN staging.{table}.{column} IS '{text.replace(chr(39), chr(39) * 2)}'")


def load_staging(
    con: duckdb.DuckDBPyConnection,
    source: str,
    frame: pl.DataFrame,
    *,
    url: str,
    raw_sha256: str,
    fetched_at: str,
    changed: bool,
    replace_all: bool = False,
) -> int:
    """Replace the rows one raw body gave in `staging.<source>` (idempotent per body).

    `replace_all` empties the table first: for reference data kept in code, which has no vintages.
    """
    stamped = frame.with_columns(
        pl.lit(raw_sha256).alias("raw_sha256"),
        pl.lit(url).alias("source_url"),
        pl.lit(fetched_at).str.to_datetime(time_zone="UTC").alias("fetched_at"),
    )
    con.execute("BEGIN")
    try:
        if replace_all:
            con.execute(f"DELETE FROM staging.{source}")
        else:
            con.execute(f"DELETE FROM staging.{source} WHERE raw_sha256 = ?", [raw_sha256])
        con.register("incoming_frame", stamped.to_arrow())
        con.execute(f"INSERT INTO staging.{source} BY NAME SELECT * FROM incoming_frame")
        con.unregister("incoming_frame")
        con.execute(
            "INSERT INTO meta.load_log VALUES (?, ?, ?, ?, ?, ?, now())",
            [source, url, raw_sha256, fetched_at, changed, stamped.height],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return stamped.height


def is_loaded(con: duckdb.DuckDBPyConnection, source: str, raw_sha256: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM meta.load_log WHERE source = ? AND raw_sha256 = ?", [source, raw_sha256]
    ).fetchone()
    return bool(row and row[0])


def build_model(con: duckdb.DuckDBPyConnection, model: SqlModel) -> int | None:
    """Run a model file: the rows of the table it builds, or None for a file named after the table
    macro it creates (sql/core/treasury_holdings_change.sql), which builds no table to count."""
    con.execute(model.sql)
    # Decided from the file's text: asking duckdb_functions() after every model cost a refresh
    # half a second (it lists every built-in function each time).
    if model.builds_table_macro:
        return None
    return con.execute(f"SELECT count(*) FROM {model.qualified}").fetchone()[0]


def run_check(con: duckdb.DuckDBPyConnection, check: SqlCheck, sample_size: int = 20) -> CheckOutcome:
    body = check.sql.strip().rstrip(";")
    violations = con.execute(f"SELECT count(*) FROM ({body})").fetchone()[0]
    sample: list[dict] = []
    if violations:
        cursor = con.execute(f"SELECT * FROM ({body}) LIMIT {sample_size}")
        names = [d[0] for d in cursor.description]
        sample = [dict(zip(names, map(_plain, row))) for row in cursor.fetchall()]
    return CheckOutcome(check, violations, sample)


def _plain(value):
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)


def run_all_checks(con: duckdb.DuckDBPyConnection) -> list[CheckOutcome]:
    """Every check, blocking or warning: the publish gates on the blocking ones and records the
    count of all, the one count the refresh summary, `tlw status` and the report repeat."""
    return [run_check(con, check) for check in checks()]


def checks_line(passed: int, run: int) -> str:
    """The one check count: the refresh summary, meta.publish_log, `tlw status` and the report."""
    warnings = run - passed
    return f"{passed}/{run} passed" + (f" ({warnings} not passed, none blocking)" if warnings else "")


def code_version() -> str:
    try:
        sha = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
        return f"{VERSION}+g{sha}"
    except (OSError, subprocess.SubprocessError):
        return VERSION


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(settings: Settings) -> dict:
    """Gate on every blocking check and on shrinking tables, then swap in the new warehouse and
    its Parquet exports together."""
    version = code_version()
    published = settings.published_db
    tmp = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    # The writer lock is held from the checks to the rename: no other writer may touch the working
    # copy between the checks and the copy, and no other publish can be half way, so any publish
    # copy found here was left by a killed process.
    with writer_lock(settings):
        remove_stale_temporaries(settings)
        with _open_build(settings) as con:
            outcomes = run_all_checks(con)
            failed = [o for o in outcomes if not o.passed and o.check.blocking]
            if failed:
                names = ", ".join(f"{o.check.name} ({o.violations} rows)" for o in failed)
                raise PublishBlocked(f"blocking checks failed, tlw.duckdb left unchanged: {names}")
            shrinks = shrinking_tables(con, published)
            blocked = [s for s in shrinks if not s.sources_shrank]
            if blocked:
                raise PublishBlocked("tlw.duckdb left unchanged: " + "; ".join(s.describe() for s in blocked))
            tables = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE schema_name IN ('core', 'marts')"
            ).fetchone()[0]
            con.execute("CHECKPOINT")
        ensure_space(published.parent, settings.build_db.stat().st_size)
        shutil.copyfile(settings.build_db, tmp)
        # The publish is recorded in the copy itself, so a publish killed before the rename leaves
        # no trace of itself in any file readers or later publishes see.
        passed = sum(1 for o in outcomes if o.passed)
        entry = [datetime.now(timezone.utc), version, passed, tables, len(outcomes)]
        with duckdb.connect(str(tmp)) as copy:
            copy.execute(PUBLISH_LOG_INSERT, entry)
            copy.execute("CHECKPOINT")
        _fsync_file(tmp)
        # The exports are part of the publish: written from the new copy before the swap, then
        # switched right after it. A kill between the two renames leaves exports one publish old,
        # which the next refresh detects (manifest vs publish_log) and repairs.
        generation = write_exports(settings, tmp, version)
        lake_snapshot = None
        if lake.configured(settings):
            # The lake commits before the file is swapped: if it fails, neither changed and the
            # next refresh retries both (the probes compare against tlw.duckdb).
            manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
            lake_snapshot = lake.publish(settings, tmp, manifest, checks_passed=passed)
        # Read-only on disk too: a client that forgets read-only cannot open it for writing (and
        # lock every reader out) unless it runs as root.
        os.chmod(tmp, 0o444)
        os.replace(tmp, published)
        _fsync_dir(published.parent)
        switch_exports(settings, generation)
        # Keep the history in the working copy too, now that the publish happened.
        with _open_build(settings) as con:
            con.execute(PUBLISH_LOG_INSERT, entry)
    return {
        "published": str(published),
        "checks_passed": passed,
        "checks_run": len(outcomes),
        "warnings": [o.check.name for o in outcomes if not o.passed],
        "tables": tables,
        "exports": str(settings.exports_dir),
        "shrunk": [s.describe() for s in shrinks], "lake": lake_snapshot,
    }


@dataclass(frozen=True)
class Shrink:
    """A core or mart table that would hold fewer rows than in the published warehouse."""

    table: str
    published_rows: int
    new_rows: int
    sources: tuple[str, ...]  # the staging sources it is built from
    sources_shrank: tuple[str, ...]  # which of them gave fewer rows for a file since the publish

    def describe(self) -> str:
        if self.sources_shrank:
            return (f"{self.table} shrinks from {self.published_rows:,} to {self.new_rows:,} rows because its "
                    f"source gave fewer rows: {', '.join(self.sources_shrank)}")
        return (f"{self.table} would lose rows ({self.published_rows:,} published, {self.new_rows:,} now) while its "
                f"sources ({', '.join(self.sources) or 'none'}) did not shrink")


def staging_sources(qualified: str) -> tuple[str, ...]:
    """The staging tables (= sources) a core or mart model is built from, through every layer."""
    known = {m.qualified: m for layer in ("core", "marts") for m in models(layer)}
    found: set[str] = set()
    todo = [qualified]
    while todo:
        model = known.get(todo.pop())
        for dep in model.depends_on if model else ():
            if dep.startswith("staging."):
                found.add(dep.split(".", 1)[1])
            elif dep not in found:
                todo.append(dep)
    return tuple(sorted(found))


def shrinking_tables(con: duckdb.DuckDBPyConnection, published: Path) -> list[Shrink]:
    """Every core and mart table that would lose rows against the published warehouse.

    A source shrank when a file (URL) it loaded since the publish gave fewer rows than the body of
    the same URL the published warehouse holds (meta.load_log of both): then the loss is the
    source's own and allowed. Otherwise the loss is an accident (a working copy rebuilt without a
    source, a source skipped on a fresh working copy, a model bug) and blocks the publish.
    """
    if not published.exists():
        return []
    quoted = str(published).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS published_copy (READ_ONLY)")
    try:
        shrank_sources = dict(con.execute(
            """
            WITH now AS (
                SELECT source, url, arg_max(rows_loaded, loaded_at) AS rows, arg_max(raw_sha256, loaded_at) AS sha
                FROM meta.load_log GROUP BY source, url
            ),
            before AS (
                SELECT source, url, arg_max(rows_loaded, loaded_at) AS rows, arg_max(raw_sha256, loaded_at) AS sha
                FROM published_copy.meta.load_log GROUP BY source, url
            )
            SELECT source, string_agg(format('{} gave {} rows, was {}', url, now.rows, before.rows), '; ')
            FROM now JOIN before USING (source, url)
            WHERE now.sha <> before.sha AND now.rows < before.rows
            GROUP BY source
            """
        ).fetchall())
        counts = {}
        for catalog in ("published_copy", current_catalog(con)):
            for schema, table in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name IN ('core', 'marts')",
                [catalog],
            ).fetchall():
                rows = con.execute(f'SELECT count(*) FROM "{catalog}"."{schema}"."{table}"').fetchone()[0]
                counts.setdefault(f"{schema}.{table}", {})[catalog] = rows
    finally:
        con.execute("DETACH published_copy")
    shrinks = []
    for table, rows in sorted(counts.items()):
        before, now = rows.get("published_copy"), rows.get(current_catalog(con), 0)
        if before is not None and now < before:
            sources = staging_sources(table)
            shrank = tuple(f"{s} ({shrank_sources[s]})" for s in sources if s in shrank_sources)
            shrinks.append(Shrink(table, before, now, sources, shrank))
    return shrinks


def current_catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_database()").fetchone()[0]


class NoSpace(OSError):
    """Not enough free space for a publish copy: said in one line, nothing half written."""


def ensure_space(directory: Path, needed_bytes: int) -> None:
    """Refuse before writing when `directory` cannot hold `needed_bytes` more (a full disk would
    otherwise fail half way with DuckDB's "disk I/O error")."""
    free = shutil.disk_usage(directory).free
    if free < needed_bytes:
        raise NoSpace(no_space_message(directory, free, needed_bytes))


NO_SPACE = "no space left on "


def no_space_message(directory: Path, free: int, needed: int) -> str:
    return f"{NO_SPACE}{directory}: {free // 2**20} MB free, {max(1, -(-needed // 2**20))} MB needed"


def remove_stale_temporaries(settings: Settings) -> list[Path]:
    """Delete publish copies and export generations a killed or failed publish left behind.

    Called under the writer lock (at the start of every refresh and of every publish): no publish
    is running then, so every such file is stale. A full disk is often full of exactly these.
    """
    published = settings.published_db
    removed = [p for p in published.parent.glob(f".{published.name}.*.tmp")]
    removed += [p for p in settings.home.glob(".exports.*.tmp")]
    removed += list((settings.home / "exports.d").glob("*.partial"))
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return removed


def write_exports(settings: Settings, db: Path, version: str) -> Path:
    """Parquet of every core and mart table of `db`, plus a manifest naming the publish it belongs
    to, in a new generation directory under exports.d (written as `<stamp>.partial`, renamed when
    complete). Returns the generation directory."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    generations = settings.home / "exports.d"
    partial = generations / f"{stamp}.partial"
    partial.mkdir(parents=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('core', 'marts') ORDER BY 1, 2"
        ).fetchall()
        files = []
        for schema, table in tables:
            path = partial / f"{schema}.{table}.parquet"
            con.execute(f"COPY (SELECT * FROM {schema}.{table}) TO '{path}' (FORMAT parquet)")
            rows = con.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()[0]
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            files.append({"table": f"{schema}.{table}", "file": path.name, "rows": rows, "sha256": digest})
        data_as_of = dict(
            con.execute(
                "SELECT source, strftime(max(fetched_at), '%Y-%m-%dT%H:%M:%SZ') FROM meta.load_log GROUP BY source ORDER BY source"
            ).fetchall()
        )
        publish_id = last_publish_id(con)
    finally:
        con.close()
    manifest = {
        "code_version": version,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "published_at": publish_id,
        "data_as_of": data_as_of,
        "files": files,
        "directory": str(settings.exports_dir),
    }
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    target = generations / stamp
    os.replace(partial, target)
    return target


def last_publish_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The newest meta.publish_log time of a warehouse file, as text: what ties exports to it."""
    row = con.execute("SELECT CAST(max(published_at) AS VARCHAR) FROM meta.publish_log").fetchone()
    return row[0] if row else None


def switch_exports(settings: Settings, generation: Path) -> None:
    """Point `exports` at `generation` by renaming a symlink (atomic), then drop old generations."""
    link_tmp = settings.home / f".exports.{os.getpid()}.tmp"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    link_tmp.symlink_to(Path("exports.d") / generation.name)
    if settings.exports_dir.exists() and not settings.exports_dir.is_symlink():
        shutil.rmtree(settings.exports_dir)
    os.replace(link_tmp, settings.exports_dir)
    _fsync_dir(settings.home)
    complete = sorted(p for p in generation.parent.iterdir() if not p.name.endswith(".partial"))
    for old in complete[:-KEEP_EXPORT_GENERATIONS]:
        shutil.rmtree(old, ignore_errors=True)


def stale_exports(settings: Settings) -> str | None:
    """Why the exports do not belong to the published warehouse (None when they do, or when
    nothing is published): a kill between the publish rename and the exports switch."""
    if not settings.published_db.exists():
        return None
    manifest_path = settings.exports_dir / "manifest.json"
    if not manifest_path.is_file():
        return "no export manifest"
    try:
        exported = json.loads(manifest_path.read_text(encoding="utf-8")).get("published_at")
    except (OSError, ValueError):
        return "the export manifest cannot be read"
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        current = last_publish_id(con)
    if exported != current:
        return f"exports belong to the publish of {exported or 'an unknown time'}, the warehouse to {current}"
    return None


def repair_exports(settings: Settings) -> str | None:
    """Rebuild the exports from the published warehouse when they are stale; says why, or None."""
    why = stale_exports(settings)
    if why is None:
        return None
    switch_exports(settings, write_exports(settings, settings.published_db, code_version()))
    return why


def read_only_connection(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A connection to the published warehouse that cannot write, attach or read other files.

    DuckDB lets even a sandboxed connection write into its temp directory (by default
    `tlw.duckdb.tmp/` beside the file, inside $TLW_HOME): spilling is switched off instead, so
    no path at all is writable, and a query is bounded by TLW_SQL_MEMORY_MB. The configuration is
    locked, so no statement can undo any of it. With TLW_LAKE_CATALOG set, the published
    warehouse is the lake's latest snapshot, read under the same rules (pipelines/lake.py).
    """
    if lake.configured(settings):
        return lake.read_only_connection(settings)
    if not settings.published_db.exists():
        raise FileNotFoundError(f"no published warehouse at {settings.published_db}: run `make refresh` first")
    return duckdb.connect(
        str(settings.published_db),
        read_only=True,
        config={
            "enable_external_access": False,
            "temp_directory": "",
            "memory_limit": f"{settings.sql_memory_limit_mb}MB",
            "lock_configuration": True,
        },
    )
