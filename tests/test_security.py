"""Security: `tlw sql` is read-only and sandboxed, mirror paths cannot escape, credentials stay secret.

- `tlw sql` (pipelines.warehouse.read_only_connection) refuses every write, cannot ATTACH another
  file, cannot read or write arbitrary files, cannot load extensions, and cannot switch
  `enable_external_access` back on (the configuration is locked). Each refusal exits 2 with
  DuckDB's reason and leaves the published file byte-for-byte unchanged.
- Mirror paths, at the refresh level: URLs found inside responses (the Federal Register's
  `next_page_url`) go through the mirror mapping, so a response pointing outside the mirror (`..`,
  percent-encoded dots, encoded slashes, back slashes, a non-http scheme) must fail the refresh,
  naming the source, without reading anything outside the mirror.
- Credentials: an http mirror URL with `user:password@` and a contact address (TLW_CONTACT) are
  used (the server sees the Authorization header) but the password never appears in anything the
  refresh prints or writes under $TLW_HOME (raw index, Dagster's run and event storage, DuckDB
  files, exports), whether the refresh succeeds, fails on HTTP errors or cannot connect.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.catalog import ALL_SOURCES
from pipelines.config import REPO_ROOT
from tests.conftest import FIXTURE_MIRROR
from tests.loopback import LoopbackServer, Reply
from tests.test_faults import fixture_fred_series, free_port, run_cli, set_env, sha256_file

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SOURCE_NAMES = {s.name for s in ALL_SOURCES}
SECRET = b"TOP-SECRET-CONTENT-7f3a\n"


# --- tlw sql ----------------------------------------------------------------------------------

@pytest.fixture
def sql_home(tmp_path, monkeypatch) -> Path:
    """A published warehouse (a small DuckDB file with the public schemas) and a file beside it."""
    home = tmp_path / "home"
    home.mkdir()
    con = duckdb.connect(str(home / "tlw.duckdb"))
    con.execute("CREATE SCHEMA core; CREATE SCHEMA meta")
    con.execute("CREATE TABLE core.treasury_holdings (iso3 VARCHAR, ref_month DATE, holdings_usd_bn DOUBLE)")
    con.execute("INSERT INTO core.treasury_holdings VALUES ('JPN', '2025-02-01', 1125.9), ('CHN', '2025-02-01', 784.3)")
    con.execute("CREATE TABLE meta.publish_log (published_at TIMESTAMPTZ)")
    con.close()
    (tmp_path / "secret.csv").write_bytes(b"name,value\n" + SECRET)
    other = duckdb.connect(str(tmp_path / "other.duckdb"))
    other.execute("CREATE TABLE t AS SELECT 'other-file-row' AS x")
    other.close()
    monkeypatch.setenv("TLW_HOME", str(home))
    return home


def refused(sql_home: Path, query: str) -> str:
    before = sha256_file(sql_home / "tlw.duckdb")
    code, output, _ = run_cli("sql", query)
    assert code == 2, f"`tlw sql {query!r}` should be refused (exit 2), got {code}:\n{output}"
    assert output.startswith("tlw sql: "), output
    assert sha256_file(sql_home / "tlw.duckdb") == before, "the published file changed"
    assert not list(sql_home.glob("tlw.duckdb.wal")), "a write-ahead log appeared beside the published file"
    return output


def test_sql_answers_queries(sql_home):
    code, output, _ = run_cli("sql", "SELECT holdings_usd_bn FROM core.treasury_holdings WHERE iso3 = 'JPN'")
    assert code == 0 and "1125.9" in output


@pytest.mark.parametrize("query", [
    "INSERT INTO core.treasury_holdings VALUES ('USA', '2025-02-01', 1)",
    "CREATE TABLE core.evil AS SELECT 1 AS x",
    "CREATE VIEW core.evil AS SELECT 1 AS x",
    "CREATE SCHEMA evil",
    "DROP TABLE core.treasury_holdings",
    "UPDATE core.treasury_holdings SET holdings_usd_bn = 0",
    "DELETE FROM core.treasury_holdings",
    "ALTER TABLE core.treasury_holdings ADD COLUMN x INTEGER",
    "TRUNCATE core.treasury_holdings",
    "COMMENT ON TABLE core.treasury_holdings IS 'changed'",
    "SELECT 1; DROP TABLE core.treasury_holdings",
    "DROP TABLE core.treasury_holdings; SELECT 1",
])
def test_sql_refuses_writes(sql_home, query):
    output = refused(sql_home, query)
    assert "read-only" in output, output
    code, rows, _ = run_cli("sql", "SELECT count(*) AS n FROM core.treasury_holdings")
    assert code == 0 and rows.splitlines()[2].strip() == "2", rows


def test_sql_cannot_attach_another_file(sql_home, tmp_path):
    for query in (f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
                  f"ATTACH '{tmp_path / 'new.duckdb'}' AS new",
                  f"ATTACH '{tmp_path / 'other.duckdb'}' AS other (READ_ONLY)"):
        output = refused(sql_home, query)
        assert "disabled by configuration" in output, output
    assert not (tmp_path / "new.duckdb").exists()
    output = refused(sql_home, "ATTACH ':memory:' AS scratch")
    assert "read-only" in output, output


@pytest.mark.parametrize("template", [
    "SELECT * FROM read_csv('{secret}')",
    "SELECT * FROM read_csv_auto('{secret}')",
    "SELECT * FROM read_text('{secret}')",
    "SELECT * FROM read_blob('{secret}')",
    "SELECT * FROM read_json_auto('{secret}')",
    "SELECT * FROM read_parquet('{secret}')",
    "SELECT * FROM '{secret}'",
    "SELECT * FROM glob('{dir}/*')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
])
def test_sql_cannot_read_arbitrary_files(sql_home, tmp_path, template):
    query = template.format(secret=tmp_path / "secret.csv", dir=tmp_path)
    code, output, _ = run_cli("sql", query)
    assert code == 2, output
    assert SECRET.strip().decode() not in output and "root:" not in output, output
    assert "disabled by configuration" in output or "does not exist" in output, output


@pytest.mark.parametrize("template", [
    "COPY (SELECT * FROM core.treasury_holdings) TO '{out}'",
    "COPY core.treasury_holdings TO '{out}' (FORMAT parquet)",
    "EXPORT DATABASE '{outdir}'",
])
def test_sql_cannot_write_files(sql_home, tmp_path, template):
    out, outdir = tmp_path / "out.csv", tmp_path / "exported"
    output = refused(sql_home, template.format(out=out, outdir=outdir))
    assert "disabled by configuration" in output or "read-only" in output, output
    assert not out.exists() and not list(outdir.glob("*.csv"))


@pytest.mark.parametrize("query", [
    "SET enable_external_access = true",
    "SET GLOBAL enable_external_access = true",
    "RESET enable_external_access",
    "SET lock_configuration = false",
    "SET allow_unsigned_extensions = true",
    "SET memory_limit = '100GB'",
])
def test_sql_cannot_change_the_locked_configuration(sql_home, query):
    output = refused(sql_home, query)
    assert "locked" in output, output
    code, setting, _ = run_cli("sql", "SELECT current_setting('enable_external_access') AS v")
    assert code == 0 and "False" in setting


@pytest.mark.parametrize("query", ["INSTALL httpfs", "LOAD httpfs", "LOAD '/tmp/evil.duckdb_extension'"])
def test_sql_cannot_install_or_load_extensions(sql_home, query):
    output = refused(sql_home, query)
    assert "disabled" in output, output


# --- mirror paths at the refresh level ----------------------------------------------------------

needs_fr = pytest.mark.skipif("federal_register" not in SOURCE_NAMES, reason="federal_register (the source that follows URLs found in responses) is not in ALL_SOURCES yet")


def first_fr_page() -> tuple[Path, dict]:
    """The fixture mirror's first page of the first Federal Register search (it has a next page)."""
    from pipelines.config import Settings
    from pipelines.mirror import mirror_relpath
    from pipelines.sources import federal_register

    first = federal_register.search_urls(Settings.from_env().fr_since, per_page=5)[0]
    relpath = mirror_relpath(first)
    return Path(relpath), json.loads((FIXTURE_MIRROR / relpath).read_bytes())


def fr_only_refresh(monkeypatch, home: Path, mirror: str) -> tuple[int, str]:
    set_env(monkeypatch, home, mirror)
    monkeypatch.setenv("TLW_SKIP_SOURCES", ",".join(
        s.name for s in ALL_SOURCES if s.name != "federal_register" and type(s).__name__ in ("FileSource", "PagedSource")))
    code, output, _ = run_cli("refresh")
    return code, output


def archived_bodies(home: Path) -> list[bytes]:
    raw = home / "raw"
    return [p.read_bytes() for p in raw.rglob("*") if p.is_file() and p.name != "index.jsonl"]


# One refresh each (seconds apiece), so one of each kind; the fetcher-level tests of
# pipelines.mirror cover the spellings (back slashes, %2e%2e, no host, ...).
ESCAPES = {
    "dot_dot": ("https://www.federalregister.gov/api/v1/../../../secret.txt", "would escape"),
    "encoded_slash": ("https://www.federalregister.gov/api/v1/..%2F..%2F..%2Fsecret.txt", "encoded or back slash"),
    "absolute_file_url": ("file:///etc/passwd", "next-page link refused (only https"),
}


@needs_fr
@pytest.mark.parametrize("escape", list(ESCAPES))
def test_url_inside_a_response_cannot_leave_a_directory_mirror(escape, tmp_path, monkeypatch):
    url, reason = ESCAPES[escape]
    mirror = tmp_path / "site" / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    (tmp_path / "site" / "secret.txt").write_bytes(SECRET)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    relpath, page = first_fr_page()
    page["next_page_url"] = url
    (mirror / relpath).write_text(json.dumps(page))
    code, output = fr_only_refresh(monkeypatch, tmp_path / "home", str(mirror))
    assert code == 1, output
    # The step that failed is the federal_register one, and the reason is the escape.
    errors = [line for line in output.splitlines() if line.startswith("error    staging/federal_register:")]
    assert errors and reason in errors[0], output
    assert not (tmp_path / "home" / "tlw.duckdb").exists(), "a refresh that failed published something"
    assert all(SECRET not in body for body in archived_bodies(tmp_path / "home"))


@needs_fr
def test_escape_error_line_names_the_source_like_other_fetch_errors(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    relpath, page = first_fr_page()
    page["next_page_url"] = ESCAPES["dot_dot"][0]
    (mirror / relpath).write_text(json.dumps(page))
    code, output = fr_only_refresh(monkeypatch, tmp_path / "home", str(mirror))
    errors = [line for line in output.splitlines() if line.startswith("error    staging/federal_register:")]
    assert code == 1 and errors
    assert "[federal_register]" in errors[0], errors[0]


@needs_fr
def test_query_string_cannot_leave_an_http_mirror(tmp_path, monkeypatch):
    site = tmp_path / "site"
    mirror = site / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    (site / "secret.txt").write_bytes(SECRET)
    relpath, page = first_fr_page()
    page["next_page_url"] = "https://www.federalregister.gov/api/v1/documents.json?page=2&x=/../../../../../../secret.txt"
    (mirror / relpath).write_text(json.dumps(page))
    with LoopbackServer(site) as server:
        code, output = fr_only_refresh(monkeypatch, tmp_path / "home", server.url("mirror"))
        paths = [r.path for r in server.requests]
    assert code == 1, output
    assert "[federal_register]" in output
    assert all(p.startswith("/mirror/") for p in paths), f"requests outside the mirror: {[p for p in paths if not p.startswith('/mirror/')]}"
    assert all(SECRET not in body for body in archived_bodies(tmp_path / "home"))


# --- credentials --------------------------------------------------------------------------------

USER, PASSWORD = "tlwmirror", "Pa55-w0rd-9b1e2c"
CONTACT = "ops@example.org"


def cli_subprocess(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], cwd=REPO_ROOT, env=env,
        capture_output=True, timeout=300,
    )


def files_containing(root: Path, needle: bytes) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_mirror_password_is_never_printed_or_stored(tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TLW_", "DAGSTER_"))}
    env.update(
        TLW_HOME=str(home), TLW_CONTACT=CONTACT, TLW_FR_PER_PAGE="5", TLW_FRED_SERIES=fixture_fred_series(),
        TLW_HTTP_TIMEOUT="2", TLW_HTTP_RETRIES="1", TLW_HTTP_BACKOFF="0.01",
    )
    outputs: list[bytes] = []
    with LoopbackServer(mirror) as server:
        base = server.base_url.replace("http://", f"http://{USER}:{PASSWORD}@")
        # 1. A good refresh (the fixture debt pages need a page size of 3, so that source is off).
        first = cli_subprocess(["refresh"], {**env, "TLW_MIRROR": base, "TLW_SKIP_SOURCES": "debt_to_penny"})
        outputs.append(first.stdout + first.stderr)
        assert first.returncode == 0, first.stderr.decode()[-3000:]
        # 2. A refresh that fails on HTTP errors (every message carries URLs).
        server.script("/" + "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/slt_table5.txt", Reply(503, b"busy"))
        server.script("/" + "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/slt_table3.txt", Reply(404, b"gone"))
        second = cli_subprocess(["refresh", "--all"], {**env, "TLW_MIRROR": base})
        outputs.append(second.stdout + second.stderr)
        assert second.returncode == 1
        auth = {r.headers.get("Authorization") for r in server.requests}
    expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert auth == {expected}, "the mirror credentials were not used, so this test proves nothing"
    # 3. A refresh whose mirror refuses connections.
    closed = f"http://{USER}:{PASSWORD}@127.0.0.1:{free_port()}"
    third = cli_subprocess(["refresh", "--all"], {**env, "TLW_MIRROR": closed})
    outputs.append(third.stdout + third.stderr)
    assert third.returncode == 1 and b"ConnectError" in third.stderr
    # 4. What the user reads afterwards.
    fourth = cli_subprocess(["sql", "SELECT count(*) FROM meta.load_log"], {**env, "TLW_MIRROR": closed})
    outputs.append(fourth.stdout + fourth.stderr)

    for needle in (PASSWORD.encode(), base64.b64encode(f"{USER}:{PASSWORD}".encode())):
        for i, output in enumerate(outputs, 1):
            assert needle not in output, f"refresh {i} printed the mirror password"
        assert files_containing(home, needle) == [], "the password was stored under TLW_HOME"
    assert b"[tic_table5]" in outputs[1] and b"[tic_table3]" in outputs[1], "the failures were reported"


# --- tlw sql is a query, not a workspace (issue #15) -----------------------------------------

def test_sql_cannot_write_into_duckdb_temp_directory_inside_tlw_home(sql_home):
    """DuckDB allows its temp directory (tlw.duckdb.tmp/ beside the file) even to a sandboxed
    connection: ATTACH ... READ_WRITE and COPY TO there both worked. Spilling is off now."""
    spill = sql_home / "tlw.duckdb.tmp"
    spill.mkdir()
    for query in (f"ATTACH '{spill}/x.duckdb' (READ_WRITE)", f"COPY (SELECT 1 AS x) TO '{spill}/y.csv'"):
        output = refused(sql_home, query)
        assert "Permission Error" in output, output
    assert list(spill.iterdir()) == []
    for setting in ("SET temp_directory = '/tmp'", "SET memory_limit = '100GB'"):
        assert "configuration has been locked" in refused(sql_home, setting)


def test_sql_stops_a_runaway_query_at_the_timeout(sql_home):
    before = sha256_file(sql_home / "tlw.duckdb")
    code, output, seconds = run_cli("sql", "--timeout", "0.5", "SELECT count(*) FROM range(1000000000000)")
    assert code == 2 and output == "tlw sql: query stopped after 0.5 s (--timeout, TLW_SQL_TIMEOUT)\n", output
    assert sha256_file(sql_home / "tlw.duckdb") == before


def test_sql_cuts_the_result_at_max_rows_and_says_so(sql_home, monkeypatch):
    code, output, _ = run_cli("sql", "--max-rows", "3", "SELECT range AS n FROM range(10)")
    assert code == 0
    assert output.splitlines()[2:5] == ["0", "1", "2"] and "(3 rows)" in output
    assert "(cut at 3 rows: the result has more; raise --max-rows or TLW_SQL_MAX_ROWS, or add LIMIT)" in output
    monkeypatch.setenv("TLW_SQL_MAX_ROWS", "10")
    code, output, _ = run_cli("sql", "SELECT range AS n FROM range(10)")
    assert code == 0 and "(10 rows)" in output and "cut at" not in output


def test_sql_memory_limit_is_a_setting(sql_home, monkeypatch):
    monkeypatch.setenv("TLW_SQL_MEMORY_MB", "64")
    code, output, _ = run_cli("sql", "SELECT current_setting('memory_limit') AS m")
    assert code == 0 and "61.0 MiB" in output, output
