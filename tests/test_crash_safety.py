"""Crash safety: `tlw refresh` killed with SIGKILL during fetch, during load and during publish.

Each case starts from a published warehouse (every source but `tic_mfh_history`), then runs
`python -m pipelines.cli refresh` as a subprocess with the mirror now holding `mfhhis01.txt` too,
so the refresh has real work to do (fetch, parse, load, rebuild the models, publish), and kills it
with SIGKILL at a chosen point:

- during fetch: the loopback HTTP mirror trickles `mfhhis01.txt` byte by byte; the kill comes while
  the body is still arriving;
- during load: the kill comes the moment DuckDB's write-ahead log `build/work.duckdb.wal` appears
  (a transaction is writing the working copy);
- during publish: the kill comes the moment the publish copy `.tlw.duckdb.<pid>.tmp` appears;
- at random moments (a bounded loop), for the points no file marks.

After every kill: the published `tlw.duckdb` opens read-only and is either byte-for-byte the
previous one or a complete new one (the kill came after the atomic rename); the raw archive index
still parses; and the next `tlw refresh` exits 0 and publishes the new data.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import pytest

from pipelines.config import REPO_ROOT
from tests.conftest import FIXTURE_MIRROR
from tests.loopback import LoopbackServer, Reply
from tests.test_faults import fingerprint, fixture_fred_series, sha256_file

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TIC = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents"
HISTORY = f"{TIC}/mfhhis01.txt"
# Random kills: enough to land in every phase now and then, few enough to stay quick.
RANDOM_KILLS = int(os.environ.get("TLW_TEST_RANDOM_KILLS", "2"))


def base_env(home: Path, mirror: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TLW_", "DAGSTER_"))}
    env.update(
        TLW_HOME=str(home),
        TLW_MIRROR=mirror,
        # The fixture debt pages were written for a page size of 3: a directory mirror lacks the
        # default first page, and skip mode leaves that source out of these runs.
        TLW_MIRROR_MISSING="skip",
        TLW_FR_PER_PAGE="5",
        TLW_FRED_SERIES=fixture_fred_series(),
        TLW_HTTP_TIMEOUT="5",
        TLW_HTTP_TOTAL_TIMEOUT="120",
        TLW_HTTP_RETRIES="1",
        TLW_HTTP_BACKOFF="0.01",
    )
    return env


def refresh_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", "refresh", *args]


def run(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(refresh_cmd(*args), cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@dataclass
class Base:
    mirror: Path  # the fixture mirror, mfhhis01.txt included
    home: Path  # published from the same mirror without tic_mfh_history
    hash: str
    fingerprint: list[tuple]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Base:
    root = tmp_path_factory.mktemp("crash")
    mirror = root / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    home = root / "home"
    env = base_env(home, str(mirror))
    done = run({**env, "TLW_SKIP_SOURCES": "tic_mfh_history"})
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    db = home / "tlw.duckdb"
    return Base(mirror, home, sha256_file(db), fingerprint(db))


def history_rows(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM core.fct_treasury_holdings WHERE source = 'tic_mfh_history'").fetchone()[0]
    finally:
        con.close()


@dataclass
class Killed:
    home: Path
    hit: bool  # the kill came at the marked point (not after the process ended on its own)
    seconds: float
    returncode: int | None
    log: str


def start_and_kill(env: dict[str, str], home: Path, when: Callable[[], bool], timeout: float = 120, *args: str) -> Killed:
    """Start `tlw refresh`, SIGKILL it as soon as `when()` is true (polled every 0.5 ms)."""
    log_path = home.parent / f"refresh-{time.monotonic_ns()}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(refresh_cmd(*args), cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        started = time.monotonic()
        hit = False
        try:
            while proc.poll() is None and time.monotonic() - started < timeout:
                if when():
                    os.kill(proc.pid, signal.SIGKILL)
                    hit = True
                    break
                time.sleep(0.0005)
        finally:
            if proc.poll() is None and not hit:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    return Killed(home, hit, time.monotonic() - started, proc.returncode, log_path.read_text())


def assert_survived(base: Base, killed: Killed) -> str:
    """The published warehouse after a kill: the previous one, or a complete new one. Returns which."""
    db = killed.home / "tlw.duckdb"
    assert db.is_file(), "the published warehouse disappeared"
    con = duckdb.connect(str(db), read_only=True)  # opens, read-only, while nothing else runs
    con.execute("SELECT count(*) FROM core.treasury_holdings").fetchone()
    con.close()
    if sha256_file(db) == base.hash:
        state = "previous"
    else:
        now = fingerprint(db)
        assert now[0][1] == base.fingerprint[0][1] + 1, "a changed warehouse must be exactly one publish newer"
        assert history_rows(db) > 0, "a new warehouse must hold the new source"
        state = "new"
    # The raw archive's index still parses line by line (a line cut by the kill may be skipped,
    # the archive reader tolerates it; nothing before it may be lost).
    lines = (killed.home / "raw" / "index.jsonl").read_text().splitlines()
    parsed = []
    for line in lines[:-1]:
        parsed.append(json.loads(line))
    assert len(parsed) >= len((base.home / "raw" / "index.jsonl").read_text().splitlines()) - 1
    return state


def assert_next_refresh_completes(base: Base, killed: Killed, env: dict[str, str], state: str) -> None:
    before = fingerprint(killed.home / "tlw.duckdb")
    done = run(env)
    assert done.returncode == 0, f"the refresh after the kill failed:\n{done.stdout}\n{done.stderr[-4000:]}"
    db = killed.home / "tlw.duckdb"
    after = fingerprint(db)
    assert after[0][1] == base.fingerprint[0][1] + 1, "published again, one publish_log row per real publish"
    assert history_rows(db) > 0, "with the new source"
    if state == "new":
        assert after == before and "nothing changed" in done.stdout, "the kill came after the publish: nothing left to do"


def fresh_home(base: Base, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(base.home, home, symlinks=True)
    return home


def test_kill_during_fetch(base, tmp_path):
    home = fresh_home(base, tmp_path)
    body = (base.mirror / HISTORY).read_bytes()
    with LoopbackServer(base.mirror) as server:
        # Over http a missing file is a 404, not "not in mirror": the incremental APIs (whose
        # follow-up URLs the fixture mirror lacks) are off for this case.
        env = {**base_env(home, server.base_url), "TLW_SKIP_SOURCES": "debt_to_penny,federal_register"}
        server.script(HISTORY, Reply(200, body, trickle_s=0.005))  # ~35 s for the whole file
        seen = lambda: server.count(HISTORY) > 0  # noqa: E731
        # The probe asks for the file first; --all skips the probe so the kill lands inside the
        # Dagster step's fetch. Wait until the body has been arriving for half a second.
        first_seen: list[float] = []

        def mid_fetch() -> bool:
            if not first_seen and seen():
                first_seen.append(time.monotonic())
            return bool(first_seen) and time.monotonic() - first_seen[0] > 0.5

        killed = start_and_kill(env, home, mid_fetch, 120, "--all")
        assert killed.hit, f"the refresh never fetched {HISTORY}:\n{killed.log[-3000:]}"
        assert assert_survived(base, killed) == "previous"
        assert not any(r["url"].endswith("mfhhis01.txt") for r in map(json.loads, (home / "raw" / "index.jsonl").read_text().splitlines())), \
            "nothing of the interrupted body is recorded as fetched"
        server.script(HISTORY, Reply(200, body))
        assert_next_refresh_completes(base, killed, env, "previous")


def test_kill_during_load(base, tmp_path):
    home = fresh_home(base, tmp_path)
    env = base_env(home, str(base.mirror))
    wal = home / "build" / "work.duckdb.wal"
    hits = []
    for attempt in range(3):  # the WAL lives as long as a write transaction: catch it at least once
        killed = start_and_kill(env, home, wal.exists)
        state = assert_survived(base, killed)
        if killed.hit:
            hits.append(state)
            assert state == "previous", "the kill came while the working copy was written: nothing published yet"
            break
        # The refresh ended before a WAL was seen: start again from the previous warehouse.
        shutil.rmtree(home)
        home = fresh_home(base, tmp_path / f"again{attempt}")
        env = base_env(home, str(base.mirror))
        wal = home / "build" / "work.duckdb.wal"
    assert hits, "never caught the working copy mid-write in 3 refreshes"
    assert_next_refresh_completes(base, killed, env, "previous")


def test_kill_during_publish(base, tmp_path):
    home = fresh_home(base, tmp_path)
    env = base_env(home, str(base.mirror))
    publishing = lambda: any(home.glob(".tlw.duckdb.*.tmp"))  # noqa: E731
    killed = start_and_kill(env, home, publishing)
    assert killed.hit, f"the publish copy never appeared:\n{killed.log[-3000:]}"
    left = list(home.glob(".tlw.duckdb.*.tmp"))
    state = assert_survived(base, killed)
    # Killed before the rename: the temporary copy is still there and the old file is untouched.
    assert state == ("previous" if left else "new"), (state, left)
    assert_next_refresh_completes(base, killed, env, state)


def test_kill_at_random_moments(base, tmp_path):
    """Kills spread over the whole refresh, each from the previous warehouse, each followed by a refresh."""
    rng = random.Random(int(os.environ.get("TLW_TEST_SEED", "20260402")))
    # How long an uninterrupted refresh takes here, to spread the kills over it.
    home = fresh_home(base, tmp_path / "timing")
    started = time.monotonic()
    done = run(base_env(home, str(base.mirror)))
    assert done.returncode == 0, done.stderr[-3000:]
    total = time.monotonic() - started
    states = []
    for i in range(RANDOM_KILLS):
        home = fresh_home(base, tmp_path / f"kill{i}")
        env = base_env(home, str(base.mirror))
        delay = rng.uniform(0.2, total)
        deadline = time.monotonic() + delay
        killed = start_and_kill(env, home, lambda deadline=deadline: time.monotonic() >= deadline)
        state = assert_survived(base, killed) if killed.hit else "finished"
        if state == "finished":
            assert killed.returncode == 0, killed.log[-3000:]
            state = "new"
        states.append((round(delay, 2), state))
        assert_next_refresh_completes(base, killed, env, state)
    print(f"random kills (delay s, published state): {states}; uninterrupted refresh {total:.1f} s")


def test_next_refresh_removes_a_publish_copy_left_by_a_crash(base, tmp_path):
    home = fresh_home(base, tmp_path)
    # What a kill between `copyfile` and `os.replace` leaves behind (pid of a process long gone).
    leftover = home / ".tlw.duckdb.999999.tmp"
    shutil.copyfile(home / "tlw.duckdb", leftover)
    done = run(base_env(home, str(base.mirror)))
    assert done.returncode == 0, done.stderr[-3000:]
    assert not leftover.exists()


def test_publish_log_counts_only_real_publishes_after_a_crash(base, tmp_path):
    home = fresh_home(base, tmp_path)
    env = base_env(home, str(base.mirror))
    killed = start_and_kill(env, home, lambda: any(home.glob(".tlw.duckdb.*.tmp")))
    assert killed.hit, killed.log[-3000:]
    if not list(home.glob(".tlw.duckdb.*.tmp")):
        pytest.skip("the kill landed after the rename this time: the publish was real")
    assert assert_survived(base, killed) == "previous"
    done = run(env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert fingerprint(home / "tlw.duckdb")[0][1] == base.fingerprint[0][1] + 1, "one publish, one row"
