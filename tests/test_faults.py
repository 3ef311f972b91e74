"""Fault injection at the REFRESH level: whole `tlw refresh` runs against a real HTTP server on loopback.

The fetcher's own behaviour (one request, one fault) is in test_fetch.py. Here a fault is injected
into one file of each source family (tic, reserves, fred, debt, tariffs) while the mirror serves
everything else normally, and the whole refresh (`tlw refresh --full-history`: no probe, every
source from its first page, Dagster materialization, checks, publish) runs through the command
line's own entry point. Every case proves the same contract, per family:

- the refresh does not report success (exit code 1) and prints an error line for the family's
  staging step that names the source (`[<source>]`, the fetcher's and the parsers' prefix) and
  the file's URL (and, for a changed layout, the line or the JSON position);
- the published `tlw.duckdb` is byte-for-byte the one published before the fault and answers the
  same queries; no publish temporary file is left behind;
- the raw archive only grows (`index.jsonl` keeps every earlier line), and what was fetched and
  refused (an HTML page, a partial body, a body the parser refused) is stored under its sha256 and
  never loaded into staging.

Cost: one refresh takes seconds (Dagster writes every event to SQLite), so each fault KIND is one
refresh with the fault injected into every family's file at once, and the per-family tests read
their part of it (their own step's error, request count and archive records). Staging steps are
independent in Dagster, so one family's fault cannot hide another's. `test_one_faulty_family_alone_*`
then shows, family by family with every other source fetched normally, that a single bad file is
enough to keep the last good warehouse.

The families are read from `pipelines.catalog.ALL_SOURCES` at import time; a family whose
source is not wired in yet is skipped with that reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

import duckdb
import pytest

from pipelines import cli
from pipelines.catalog import ALL_SOURCES
from pipelines.mirror import mirror_relpath
from tests.conftest import FIXTURE_MIRROR
from tests.loopback import LoopbackServer, Reply

SOURCE_NAMES = {s.name for s in ALL_SOURCES}

# One file per source family (the list). tic: slt_table5, else the history file.
FAMILY_SOURCES = {
    "tic": "tic_table5" if "tic_table5" in SOURCE_NAMES else "tic_mfh_history",
    "reserves": "mof_reserves",
    "fred": "fred",
    "debt": "debt_to_penny",
    "tariffs": "federal_register",
}
PRESENT = [source for source in FAMILY_SOURCES.values() if source in SOURCE_NAMES]


def family_params() -> list:
    params = []
    for family, source in FAMILY_SOURCES.items():
        marks = []
        if source not in SOURCE_NAMES:
            marks.append(pytest.mark.skip(reason=f"source {source} ({family} family) is not in ALL_SOURCES yet"))
        params.append(pytest.param(source, id=source, marks=marks))
    return params


FAMILIES = family_params()

# Small limits keep every fault to a second or less.
HTTP_TIMEOUT_S = 0.3
TOTAL_TIMEOUT_S = 1.0
RETRIES = 2
BACKOFF_S = 0.01
# A refresh from the fixture mirror takes seconds; no fault may make it hang.
BOUND_S = 120.0

HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title></head>\n"
    b"<body><h1>Service Temporarily Unavailable</h1><p>Please try again later.</p></body></html>\n"
)

BASE_ENV = {
    "TLW_HTTP_TIMEOUT": str(HTTP_TIMEOUT_S),
    "TLW_HTTP_TOTAL_TIMEOUT": str(TOTAL_TIMEOUT_S),
    "TLW_HTTP_RETRIES": str(RETRIES),
    "TLW_HTTP_BACKOFF": str(BACKOFF_S),
    "TLW_FR_PER_PAGE": "5",  # the page size the fixture Federal Register pages were written for
    "TLW_DEBT_PAGE_SIZE": "3",  # the fixture Debt to the Penny pages hold three records each
}
CLEARED_ENV = ("TLW_SKIP_SOURCES", "TLW_MIRROR_MISSING", "TLW_FULL_HISTORY", "TLW_MAX_BODY_MB", "TLW_TARIFF_REGISTER")


# --- changed layouts: the same three changes, spelled in each family's format ------------------

def _newline(body: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in body else b"\n"


def extra_header_line(source: str, body: bytes) -> bytes:
    nl = _newline(body)
    lines = body.split(nl)
    if source.startswith("tic_"):
        # The header row printed twice (an export with a repeated title row).
        i = next(i for i, line in enumerate(lines) if line.strip().startswith(b"Country"))
        lines.insert(i + 1, lines[i])
        return nl.join(lines)
    if source == "mof_reserves":
        # One more title row above the 19 header rows, with the file's 143 columns.
        return nl.join([b"International Reserves (revised)" + b"," * lines[0].count(b",")] + lines)
    if source == "fred":
        return b"FRED Graph Observations" + nl + body
    if source in ("debt_to_penny", "federal_register"):
        return b"HTTP/1.1 200 OK" + nl + body  # a proxy that leaks its status line into the body
    raise NotImplementedError(source)


def renamed_column(source: str, body: bytes) -> bytes:
    renames = {
        "tic_table5": (b"\nCountry\t", b"\nNation\t"),
        "tic_mfh_history": (b"Country", b"Nation"),
        "mof_reserves": (b"(1) Foreign currency reserves", b"(1) FX reserves"),
        "fred": (b"observation_date", b"date"),
        "debt_to_penny": (b'"tot_pub_debt_out_amt":', b'"total_public_debt_amt":'),
        "federal_register": (b'"document_number":', b'"doc_number":'),
    }
    old, new = renames[source]
    assert old in body, f"fixture for {source} lacks {old!r}"
    return body.replace(old, new) if source in ("debt_to_penny", "federal_register") else body.replace(old, new, 1)


def unknown_country(source: str, body: bytes) -> bytes:
    if source not in ("tic_table5", "tic_mfh_history"):
        raise NotImplementedError(f"{source} has no country row labels")
    nl = _newline(body)
    lines = body.split(nl)
    i = next(i for i, line in enumerate(lines) if line.startswith(b"Japan"))
    lines.insert(i + 1, lines[i].replace(b"Japan", b"Atlantis", 1))
    return nl.join(lines)


LAYOUTS: dict[str, Callable[[str, bytes], bytes]] = {
    "extra_header_line": extra_header_line,
    "renamed_column": renamed_column,
    "unknown_country": unknown_country,
}


# --- helpers ----------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(db: Path) -> list[tuple]:
    """What a reader sees: the publish count, and rows and a content hash of every core/mart table."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('core', 'marts') ORDER BY 1"
        ).fetchall()
        out = [("publishes", con.execute("SELECT count(*) FROM meta.publish_log").fetchone()[0])]
        for (table,) in tables:
            out.append((table, con.execute(
                f"SELECT count(*), md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)) FROM {table} t"
            ).fetchone()))
        return out
    finally:
        con.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fixture_fred_series() -> str:
    """The FRED series the fixture mirror holds (the default list names more than it has)."""
    folder = FIXTURE_MIRROR / "fred.stlouisfed.org" / "graph"
    return ",".join(sorted(p.name.split("?id=", 1)[1] for p in folder.glob("fredgraph.csv?id=*")))


def set_env(mp: pytest.MonkeyPatch, home: Path, mirror: str) -> None:
    """The environment of a refresh from the fixture mirror; `mp` restores everything afterwards."""
    for name in CLEARED_ENV:
        mp.delenv(name, raising=False)
    for name, value in BASE_ENV.items():
        mp.setenv(name, value)
    mp.setenv("TLW_FRED_SERIES", fixture_fred_series())
    mp.setenv("TLW_HOME", str(home))
    mp.setenv("TLW_MIRROR", mirror)
    # run_refresh points DAGSTER_HOME at $TLW_HOME/dagster: register it so it is restored.
    mp.setenv("DAGSTER_HOME", str(home / "dagster"))
    mp.setenv("TLW_FULL_HISTORY", "")


def run_cli(*argv: str) -> tuple[int, str, float]:
    """`tlw <argv>` in this process: exit code, everything it printed, seconds."""
    out = io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(list(argv))
    return code, out.getvalue(), time.monotonic() - started


@dataclass
class Published:
    mirror: Path
    home: Path
    targets: dict[str, str]  # source -> the first official URL it fetches
    max_file_bytes: int
    good_hash: str
    good_fingerprint: list[tuple]
    index: str  # raw/index.jsonl after the good publish
    elsewhere: LoopbackServer  # another origin serving the same files: where no redirect may lead

    def body(self, source: str) -> bytes:
        return (self.mirror / mirror_relpath(self.targets[source])).read_bytes()

    def path(self, source: str) -> str:
        """The request path of the source's target file on the loopback mirror."""
        return "/" + quote(mirror_relpath(self.targets[source]))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Iterator[Published]:
    root = tmp_path_factory.mktemp("faults")
    mirror = root / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    home = root / "home"
    with pytest.MonkeyPatch.context() as mp, LoopbackServer(mirror) as server:
        set_env(mp, home, server.base_url)
        code, output, _ = run_cli("refresh")
    assert code == 0, f"the fixture mirror must publish a good warehouse before faults are injected:\n{output}"
    targets: dict[str, str] = {}
    index = (home / "raw" / "index.jsonl").read_text()
    for line in index.splitlines():
        record = json.loads(line)
        targets.setdefault(record["source"], record["url"])
    missing = [s for s in PRESENT if s not in targets]
    assert not missing, f"the good refresh fetched nothing for {missing}: fixture files missing?"
    max_size = max(p.stat().st_size for p in mirror.rglob("*") if p.is_file())
    db = home / "tlw.duckdb"
    with LoopbackServer(mirror) as elsewhere:
        yield Published(mirror, home, targets, max_size, sha256_file(db), fingerprint(db), index, elsewhere)


@dataclass
class Run:
    """One refresh with faults injected, and what every family's test needs from it."""

    home: Path
    code: int
    output: str
    seconds: float
    counts: dict[str, int]  # source -> requests the server saw for its target file
    injected: dict[str, bytes] = field(default_factory=dict)  # source -> the body served, if any
    index_before: str = ""
    sent_headers: list[dict[str, str]] = field(default_factory=list)  # of every request the mirror saw

    @property
    def db(self) -> Path:
        return self.home / "tlw.duckdb"

    def new_records(self, url: str | None = None) -> list[dict]:
        after = (self.home / "raw" / "index.jsonl").read_text()
        records = [json.loads(line) for line in after[len(self.index_before):].splitlines()]
        return [r for r in records if url is None or r["url"] == url]

    def stored(self, record: dict) -> bytes:
        return (self.home / "raw" / record["stored_path"]).read_bytes()

    def error_line(self, source: str) -> str:
        lines = [line for line in self.output.splitlines()
                 if line.startswith(f"error    staging/{source}:") and f"[{source}]" in line]
        assert lines, f"no error line naming [{source}] for its staging step:\n{self.output}"
        return lines[0]

    def loaded_shas(self, source: str) -> set[str]:
        con = duckdb.connect(str(self.home / "build" / "work.duckdb"), read_only=True)
        try:
            rows = con.execute("SELECT raw_sha256 FROM meta.load_log WHERE source = ?", [source]).fetchall()
        finally:
            con.close()
        return {r[0] for r in rows}


# A fault kind: which replies to script for a source's file (None: leave that source alone),
# extra environment, and whether the mirror is the loopback server or a closed port.
@dataclass(frozen=True)
class Fault:
    replies: Callable[[str, bytes, Published], "list[Reply] | None"]
    env: dict[str, str] = field(default_factory=dict)
    refused: bool = False  # the mirror is a closed port instead of the loopback server
    size_limited: bool = False  # TLW_MAX_BODY_MB just above the largest good file
    # More replies on the mirror beyond the sources' own files (pages an API links to).
    prepare: Callable[[LoopbackServer, Published], None] | None = None


def _layout(name: str) -> Callable[[str, bytes, Published], "list[Reply] | None"]:
    def replies(source: str, body: bytes, published: Published):
        try:
            return [Reply(200, LAYOUTS[name](source, body))]
        except NotImplementedError:
            return None
    return replies


def _oversize(source: str, body: bytes, published: Published) -> list[Reply]:
    return [Reply(200, body + b" " * (oversize_limit(published) + 1 - len(body)))]


def oversize_limit(published: Published) -> int:
    return published.max_file_bytes + 4096  # every good file fits; the injected bodies do not


def _trickle_body(body: bytes) -> bytes:
    # Long enough to outlast the total time limit. The leading blank line keeps every prefix apart
    # from the good body: a cut landing exactly at the end of the first copy would otherwise be a
    # byte-exact copy of a file already loaded.
    return b"\n" + body * (1 + 4000 // len(body))


FAULTS: dict[str, Fault] = {
    "5xx_then_success": Fault(lambda s, b, p: [Reply(503, b"busy"), Reply(502, b"bad gateway"), Reply(200, b)]),
    "never_answers": Fault(lambda s, b, p: [Reply(200, b, delay_s=HTTP_TIMEOUT_S * 8)], env={"TLW_HTTP_RETRIES": "1"}),
    "slow_trickle": Fault(
        lambda s, b, p: [Reply(200, _trickle_body(b), trickle_s=0.002)],
        env={"TLW_HTTP_RETRIES": "1", "TLW_HTTP_TOTAL_TIMEOUT": "0.5"},
    ),
    "connection_refused": Fault(lambda s, b, p: None, refused=True),
    "404": Fault(lambda s, b, p: [Reply(404, b"not found")]),
    "html_200": Fault(lambda s, b, p: [Reply(200, HTML_ERROR_PAGE, headers={"Content-Type": "text/html"})]),
    "truncated": Fault(lambda s, b, p: [Reply(200, b[: len(b) // 2], declared_length=len(b))]),
    "over_size_limit": Fault(_oversize, size_limited=True),
    "redirect_elsewhere": Fault(lambda s, b, p: [Reply(302, b"moved", {"Location": p.elsewhere.url(p.path(s))})]),
    "content_length_short": Fault(lambda s, b, p: [Reply(200, b, declared_length=len(b) * 3 // 4)]),
    "non_ascii_etag": Fault(lambda s, b, p: [Reply(200, b, {"ETag": '"\u00e9t\u00e9-1"'})]),
    **{f"layout_{name}": Fault(_layout(name)) for name in LAYOUTS},
}


def inject_and_refresh(published: Published, home: Path, fault: Fault, sources: list[str], skip: list[str] = ()) -> Run:
    shutil.copytree(published.home, home, symlinks=True)
    with pytest.MonkeyPatch.context() as mp, LoopbackServer(published.mirror) as server:
        set_env(mp, home, f"http://127.0.0.1:{free_port()}" if fault.refused else server.base_url)
        for name, value in fault.env.items():
            mp.setenv(name, value)
        if skip:
            mp.setenv("TLW_SKIP_SOURCES", ",".join(skip))
        if fault.size_limited:
            mp.setenv("TLW_MAX_BODY_MB", repr(oversize_limit(published) / (1024 * 1024)))
        injected = {}
        for source in sources:
            replies = fault.replies(source, published.body(source), published)
            if replies:
                server.script(published.path(source), *replies)
                injected[source] = replies[-1].body
        if fault.prepare:
            fault.prepare(server, published)
        code, output, seconds = run_cli("refresh", "--full-history")
        counts = {source: server.count(published.path(source)) for source in sources}
    return Run(home, code, output, seconds, counts, injected, published.index)


@pytest.fixture(scope="module")
def runs(published, tmp_path_factory):
    """Fault kind -> the refresh with that fault in every family's file (run once, on first use)."""
    cache: dict[str, Run] = {}

    def get(kind: str) -> Run:
        if kind not in cache:
            home = tmp_path_factory.mktemp(kind) / "home"
            cache[kind] = inject_and_refresh(published, home, FAULTS[kind], PRESENT)
        return cache[kind]

    return get


def assert_kept_last_good_warehouse(run: Run, published: Published, source: str) -> str:
    """The shared contract of every failing case; returns the source's error line."""
    assert run.code == 1, f"the refresh should fail (exit 1), got {run.code}:\n{run.output}"
    assert "NOT published" in run.output
    assert run.seconds < BOUND_S
    line = run.error_line(source)
    assert published.targets[source] in line, f"the message does not name the file:\n{line}"
    assert sha256_file(run.db) == published.good_hash, "the published warehouse changed"
    assert fingerprint(run.db) == published.good_fingerprint
    assert not list(run.home.glob(".tlw.duckdb.*.tmp")), "a publish temporary file was left behind"
    after = (run.home / "raw" / "index.jsonl").read_text()
    assert after.startswith(published.index), "raw/index.jsonl lost or rewrote earlier lines"
    return line


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# --- the cases --------------------------------------------------------------------------------

@pytest.mark.parametrize("source", FAMILIES)
def test_5xx_then_success_is_retried_and_publishes(runs, published, source):
    run = runs("5xx_then_success")
    assert run.code == 0, run.output
    assert run.counts[source] == 3, "two 5xx answers, then the body: three requests"
    now = fingerprint(run.db)
    assert now[1:] == published.good_fingerprint[1:], "the same files give the same data"
    assert now[0][1] == published.good_fingerprint[0][1] + 1, "published once more"
    assert [r["outcome"] for r in run.new_records(published.targets[source])] == ["unchanged"]


@pytest.mark.parametrize("source", FAMILIES)
def test_server_that_never_answers_times_out(runs, published, source):
    run = runs("never_answers")
    line = assert_kept_last_good_warehouse(run, published, source)
    assert "timed out" in line and "after 2 attempts" in line, line
    assert run.counts[source] == 2, "a timeout is retried (TLW_HTTP_RETRIES=1)"


@pytest.mark.parametrize("source", FAMILIES)
def test_slow_trickle_is_cut_by_the_total_timeout_and_the_partial_body_kept(runs, published, source):
    run = runs("slow_trickle")
    line = assert_kept_last_good_warehouse(run, published, source)
    assert "TLW_HTTP_TOTAL_TIMEOUT" in line, line
    assert run.counts[source] == 2, "retried once (TLW_HTTP_RETRIES=1)"
    rejected = [r for r in run.new_records(published.targets[source]) if r["outcome"] == "rejected"]
    assert len(rejected) == 2 and all(r["note"] == "total time limit passed" for r in rejected)
    full = run.injected[source]
    for record in rejected:
        partial = run.stored(record)
        assert 0 < len(partial) < len(full) and full.startswith(partial)
        assert record["sha256"] not in run.loaded_shas(source)


@pytest.mark.parametrize("source", FAMILIES)
def test_connection_refused_fails_with_a_clear_message(runs, published, source):
    run = runs("connection_refused")
    line = assert_kept_last_good_warehouse(run, published, source)
    assert "ConnectError" in line and f"after {RETRIES + 1} attempts" in line, line


@pytest.mark.parametrize("source", FAMILIES)
def test_404_is_not_retried(runs, published, source):
    run = runs("404")
    line = assert_kept_last_good_warehouse(run, published, source)
    assert "HTTP 404" in line and "not retried" in line, line
    assert run.counts[source] == 1


@pytest.mark.parametrize("source", FAMILIES)
def test_html_error_page_with_200_is_detected_kept_and_not_parsed(runs, published, source):
    run = runs("html_200")
    line = assert_kept_last_good_warehouse(run, published, source)
    assert "HTML page" in line, line
    assert run.counts[source] == 1, "an HTML page is a definite answer, not a transient one"
    [record] = run.new_records(published.targets[source])
    assert record["outcome"] == "rejected" and record["status"] == 200
    assert run.stored(record) == HTML_ERROR_PAGE
    assert record["sha256"] not in run.loaded_shas(source)


@pytest.mark.parametrize("source", FAMILIES)
def test_truncated_body_is_retried_then_fails(runs, published, source):
    run = runs("truncated")
    line = assert_kept_last_good_warehouse(run, published, source)
    assert f"after {RETRIES + 1} attempts" in line and "RemoteProtocolError" in line, line
    assert run.counts[source] == RETRIES + 1
    assert hashlib.sha256(run.injected[source]).hexdigest() not in run.loaded_shas(source)


@pytest.mark.parametrize("source", FAMILIES)
def test_truncated_body_is_kept_in_the_raw_archive(runs, published, source):
    run = runs("truncated")
    rejected = [r for r in run.new_records(published.targets[source]) if r["outcome"] == "rejected"]
    assert rejected and run.stored(rejected[0]) == run.injected[source]


@pytest.mark.parametrize("source", FAMILIES)
def test_body_over_the_size_limit_is_refused(runs, published, source):
    run = runs("over_size_limit")
    line = assert_kept_last_good_warehouse(run, published, source)
    assert "TLW_MAX_BODY_MB" in line and "over the limit" in line, line
    assert run.counts[source] == 1, "a body over the limit is not retried"


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("source", FAMILIES)
def test_changed_layout_fails_naming_file_and_line(runs, published, source, layout):
    try:
        changed = LAYOUTS[layout](source, published.body(source))
    except NotImplementedError as exc:
        pytest.skip(f"{layout} does not apply: {exc}")
    run = runs(f"layout_{layout}")
    line = assert_kept_last_good_warehouse(run, published, source)
    # Text files name the line; JSON names the line of a syntax error or the position in the page.
    assert re.search(r"line \d+|data\[\d+\]|results\[\d+\]", line), f"no line or position:\n{line}"
    # The body was fetched and is kept byte for byte, then marked rejected with the parser's
    # reason; nothing of it reached staging.
    digest = hashlib.sha256(changed).hexdigest()
    [record, refused] = run.new_records(published.targets[source])
    assert record["sha256"] == digest and record["outcome"] == "new"
    assert refused["sha256"] == digest and refused["outcome"] == "rejected"
    assert refused["note"].startswith(f"[{source}] ") and re.search(r"line \d+|data\[\d+\]|results\[\d+\]", refused["note"])
    assert run.stored(record) == changed
    assert digest not in run.loaded_shas(source)


@pytest.mark.parametrize("source", FAMILIES)
def test_one_faulty_family_alone_keeps_the_last_good_warehouse(published, source, tmp_path):
    """Every other source fetched and loaded normally; one renamed column in one file is enough."""
    run = inject_and_refresh(published, tmp_path / "home", FAULTS["layout_renamed_column"], [source])
    line = assert_kept_last_good_warehouse(run, published, source)
    assert "line" in line or "[0]" in line, line
    failed_steps = {line.split(":", 1)[0] for line in run.output.splitlines() if line.startswith("error    ")}
    assert failed_steps == {f"error    staging/{source}"}, f"only {source} should fail:\n{run.output}"
    # The other sources were asked again (conditional requests) and recorded.
    others = {r["source"] for r in run.new_records()} - {source}
    assert others >= set(PRESENT) - {source}


# --- where the fetcher may go, and what it believes (issue #15) -------------------------------

@pytest.mark.parametrize("source", FAMILIES)
def test_a_redirect_to_another_host_is_refused_and_that_host_never_asked(runs, published, source):
    run = runs("redirect_elsewhere")
    line = assert_kept_last_good_warehouse(run, published, source)
    assert "refused" in line and published.elsewhere.base_url in line, line
    assert published.elsewhere.count(published.path(source)) == 0, "the other host was asked"
    [record] = run.new_records(published.targets[source])
    assert record["outcome"] == "rejected" and record["hops"][0][0] == 302 and run.stored(record) == b"moved"


@pytest.mark.parametrize("source", FAMILIES)
def test_a_content_length_shorter_than_the_body_is_refused_and_the_body_kept(runs, published, source):
    run = runs("content_length_short")
    line = assert_kept_last_good_warehouse(run, published, source)
    assert "Content-Length says" in line, line
    assert run.counts[source] == 1, "a body that is not what was announced is a definite answer"
    [record] = run.new_records(published.targets[source])
    # The whole body as sent is kept; the cut a Content-Length-trusting client would read is not loaded.
    body = run.injected[source]
    assert record["outcome"] == "rejected" and run.stored(record) == body
    assert hashlib.sha256(body[: len(body) * 3 // 4]).hexdigest() not in run.loaded_shas(source)


def refresh_again(run: Run, published: Published) -> Run:
    """Another refresh on the same home from the plain mirror (the next scheduled refresh)."""
    index_before = (run.home / "raw" / "index.jsonl").read_text()
    with pytest.MonkeyPatch.context() as mp, LoopbackServer(published.mirror) as server:
        set_env(mp, run.home, server.base_url)
        code, output, seconds = run_cli("refresh", "--full-history")
        counts = {source: server.count(published.path(source)) for source in PRESENT}
        sent = [r.headers for r in server.requests]
    return Run(run.home, code, output, seconds, counts, index_before=index_before, sent_headers=sent)


def test_a_non_ascii_etag_is_not_kept_and_the_next_refresh_is_not_wedged(runs, published):
    run = runs("non_ascii_etag")
    assert run.code == 0, run.output
    for source in PRESENT:
        target = published.targets[source]
        assert f"[{source}] {target}: ETag not a valid header value" in run.output
        [record] = run.new_records(target)
        assert record["etag"] is None and "ETag" in record["note"]
    again = refresh_again(run, published)
    assert again.code == 0, again.output
    assert fingerprint(again.db)[1:] == published.good_fingerprint[1:], "the same files give the same data"
    assert not any("\u00e9" in value for headers in again.sent_headers for value in headers.values())


FR = "federal_register"
needs_fr = pytest.mark.skipif(FR not in SOURCE_NAMES, reason="federal_register is not in ALL_SOURCES")


def _fr_page(published: Published, **changes) -> bytes:
    page = json.loads(published.body(FR))
    page.update(changes)
    return json.dumps(page).encode()


@needs_fr
def test_a_next_page_link_to_another_host_is_refused_and_nothing_from_it_published(published, tmp_path):
    """Through the HTTP mirror a link to another host maps to a file the mirror serves: a
    fabricated page saying tariffs were suspended must never be asked for, let alone published."""
    elsewhere = "https://tariff-news.example.org/api/v1/documents.json?page=2"
    fabricated = json.loads(published.body(FR))
    for result in fabricated["results"]:
        result["title"] = "Suspending All Tariffs"
    fabricated["next_page_url"] = None
    fabricated_path = "/" + quote(mirror_relpath(elsewhere))

    def prepare(server: LoopbackServer, _: Published) -> None:
        server.script(fabricated_path, Reply(200, json.dumps(fabricated).encode()))

    fault = Fault(lambda s, b, p: [Reply(200, _fr_page(p, next_page_url=elsewhere))], prepare=prepare)
    run = inject_and_refresh(published, tmp_path / "home", fault, [FR])
    line = assert_kept_last_good_warehouse(run, published, FR)
    assert f"[{FR}] {elsewhere}: next-page link refused" in line, line
    assert not any(r["url"] == elsewhere for r in run.new_records()), "the fabricated page was fetched"


@needs_fr
def test_an_endless_next_page_chain_stops_at_the_bound_from_the_announced_count(published, tmp_path):
    from pipelines.sources import federal_register

    first = published.targets[FR]
    announced = json.loads(published.body(FR))
    count, per_page = announced["count"], len(announced["results"])
    served = []

    def endless(path: str) -> Reply:
        served.append(path)  # every page links to one more, with new URLs: no loop to detect
        return Reply(200, _fr_page(published, next_page_url=federal_register.page_url(first, len(served) + 1)))

    def prepare(server: LoopbackServer, _: Published) -> None:
        server.route("/" + quote(mirror_relpath(first)).split("%3F")[0], endless)

    run = inject_and_refresh(published, tmp_path / "home", Fault(lambda s, b, p: None, prepare=prepare), [FR])
    line = assert_kept_last_good_warehouse(run, published, FR)
    bound = -(-count // per_page) + 1  # ceil(count / per_page) and one page of slack
    assert f"past the bound of {bound} pages ({count} rows announced at {per_page} per page)" in line, line
    assert len(served) == bound, f"{len(served)} pages asked for, the bound is {bound}"
