"""Concurrency: two refreshes at once, and readers querying the published file during a refresh.

- Two `tlw refresh` processes started together on one $TLW_HOME: one refreshes and publishes
  (exit 0), the other exits 3 at once with "another refresh is running" and touches nothing; with
  `--wait` the second waits for the first, then finds nothing changed. The warehouse published
  afterwards opens and every table reads in full.
- Reader processes open `tlw.duckdb` read-only in a loop while a refresh adds a source and
  publishes: every answer is the complete old warehouse or the complete new one, never an error
  and never a mix.

The refreshes use the fixture mirror over loopback HTTP, one file answered 3 s late, so the first
refresh is sure to hold the lock while the second starts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.config import REPO_ROOT
from tests.conftest import FIXTURE_MIRROR
from tests.loopback import LoopbackServer, Reply
from tests.test_faults import fingerprint, fixture_fred_series

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TABLE5 = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/slt_table5.txt"
SLOW_S = 3.0
BUSY = "another refresh is running"


def env_for(home: Path, mirror: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TLW_", "DAGSTER_"))}
    env.update(
        TLW_HOME=str(home),
        TLW_MIRROR=mirror,
        TLW_FR_PER_PAGE="5",
        TLW_FRED_SERIES=fixture_fred_series(),
        # Over http a missing mirror file is a 404: the incremental APIs, whose follow-up URLs
        # the fixture mirror lacks, are off.
        TLW_SKIP_SOURCES="debt_to_penny,federal_register",
        TLW_HTTP_TIMEOUT=str(SLOW_S * 4),
        TLW_HTTP_RETRIES="1",
        TLW_HTTP_BACKOFF="0.01",
    )
    env.update(extra)
    return env


def run_together(env: dict[str, str], *args: str, timeout: float = 300) -> list[tuple[int, str, str, float]]:
    """Two `tlw refresh <args>` started together: (exit code, stdout, stderr, seconds to exit) each."""
    logs = Path(env["TLW_HOME"]).parent
    procs = []
    started = time.monotonic()
    for i in range(2):
        out, err = open(logs / f"out{i}.txt", "w"), open(logs / f"err{i}.txt", "w")
        procs.append((subprocess.Popen([sys.executable, "-m", "pipelines.cli", "refresh", *args],
                                       cwd=REPO_ROOT, env=env, stdout=out, stderr=err), out, err))
    ended: dict[int, float] = {}
    while len(ended) < 2 and time.monotonic() - started < timeout:
        for i, (proc, _, _) in enumerate(procs):
            if i not in ended and proc.poll() is not None:
                ended[i] = time.monotonic() - started
        time.sleep(0.01)
    results = []
    for i, (proc, out, err) in enumerate(procs):
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        out.close()
        err.close()
        results.append((proc.returncode, (logs / f"out{i}.txt").read_text(), (logs / f"err{i}.txt").read_text(), ended.get(i, timeout)))
    return results


def read_everything(db: Path) -> list[tuple]:
    """Every core/mart table read in full (fingerprint does): a corrupt file would fail here."""
    return fingerprint(db)


@pytest.fixture
def slow_mirror(tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    with LoopbackServer(mirror) as server:
        server.script(TABLE5, Reply(200, (mirror / TABLE5).read_bytes(), delay_s=SLOW_S))
        yield server


def test_second_refresh_exits_3_while_the_first_runs(slow_mirror, tmp_path):
    env = env_for(tmp_path / "home", slow_mirror.base_url)
    (code_a, out_a, err_a, end_a), (code_b, out_b, err_b, end_b) = run_together(env)
    assert sorted([code_a, code_b]) == [0, 3], f"a: {code_a}\n{err_a[-2000:]}\nb: {code_b}\n{err_b[-2000:]}"
    (won_out, won_end), (lost_err, lost_out, lost_end) = (
        ((out_a, end_a), (err_b, out_b, end_b)) if code_a == 0 else ((out_b, end_b), (err_a, out_a, end_a))
    )
    assert BUSY in lost_err and "--wait" in lost_err, lost_err
    assert "tlw refresh:" in lost_err and lost_out == ""
    assert lost_end < won_end - SLOW_S / 2, "the second refresh gave up at once instead of waiting"
    assert "published" in won_out
    # The holder was named, so an operator knows which process to look at.
    assert "pid " in lost_err
    db = tmp_path / "home" / "tlw.duckdb"
    assert read_everything(db)[0] == ("publishes", 1)
    assert not list((tmp_path / "home").glob(".tlw.duckdb.*.tmp"))


def test_with_wait_the_second_refresh_runs_after_the_first(slow_mirror, tmp_path):
    env = env_for(tmp_path / "home", slow_mirror.base_url)
    (code_a, out_a, err_a, _), (code_b, out_b, err_b, _) = run_together(env, "--wait")
    assert (code_a, code_b) == (0, 0), f"{err_a[-2000:]}\n{err_b[-2000:]}"
    outs = sorted([out_a, out_b], key=lambda o: "nothing changed" in o)
    assert "published" in outs[0], outs[0]
    assert "nothing changed" in outs[1], "the waiting refresh saw the first one's publish and had nothing to do"
    assert read_everything(tmp_path / "home" / "tlw.duckdb")[0] == ("publishes", 1)


READER = r"""
import json, sys, time, duckdb
db, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]
import os
with open(out, "w") as log:
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(db, read_only=True)
            try:
                row = con.execute(
                    "SELECT (SELECT count(*) FROM meta.publish_log),"
                    " (SELECT count(*) FROM core.fct_treasury_holdings WHERE source = 'tic_mfh_history'),"
                    " (SELECT count(*) FROM core.treasury_holdings),"
                    " (SELECT round(sum(holdings_usd_bn), 3) FROM core.treasury_holdings)"
                ).fetchone()
            finally:
                con.close()
            log.write(json.dumps({"t": time.time(), "answer": list(row)}) + "\n")
        except Exception as exc:
            log.write(json.dumps({"t": time.time(), "error": f"{type(exc).__name__}: {exc}"}) + "\n")
        log.flush()
"""


def answer(db: Path) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return list(con.execute(
            "SELECT (SELECT count(*) FROM meta.publish_log),"
            " (SELECT count(*) FROM core.fct_treasury_holdings WHERE source = 'tic_mfh_history'),"
            " (SELECT count(*) FROM core.treasury_holdings),"
            " (SELECT round(sum(holdings_usd_bn), 3) FROM core.treasury_holdings)"
        ).fetchone())
    finally:
        con.close()


def test_readers_always_see_a_complete_snapshot(tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    home = tmp_path / "home"
    env = env_for(home, str(mirror), TLW_MIRROR_MISSING="skip", TLW_SKIP_SOURCES="")
    # The warehouse readers start on: every source but the history file.
    first = subprocess.run([sys.executable, "-m", "pipelines.cli", "refresh"], cwd=REPO_ROOT,
                           env={**env, "TLW_SKIP_SOURCES": "tic_mfh_history"}, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-3000:]
    db = home / "tlw.duckdb"
    before = answer(db)
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop), str(tmp_path / f"reader{i}.jsonl")])
        for i in range(2)
    ]
    try:
        time.sleep(0.5)
        refresh = subprocess.run([sys.executable, "-m", "pipelines.cli", "refresh"], cwd=REPO_ROOT, env=env,
                                 capture_output=True, text=True, timeout=300)
        time.sleep(0.5)
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=60)
    assert refresh.returncode == 0, refresh.stderr[-3000:]
    after = answer(db)
    assert after != before and after[0] == before[0] + 1 and after[1] > 0
    seen = []
    for i in range(2):
        seen += [json.loads(line) for line in (tmp_path / f"reader{i}.jsonl").read_text().splitlines()]
    errors = [s["error"] for s in seen if "error" in s]
    assert not errors, f"{len(errors)} reader errors, e.g. {errors[:3]}"
    answers = [s["answer"] for s in seen]
    assert all(a in (before, after) for a in answers), {tuple(a) for a in answers} - {tuple(before), tuple(after)}
    assert before in answers and after in answers, "the readers ran across the publish"
    # Readers saw the old snapshot, then the new one, never the old one again.
    for i in range(2):
        mine = [json.loads(line)["answer"] for line in (tmp_path / f"reader{i}.jsonl").read_text().splitlines()]
        switched = mine.index(after)
        assert all(a == after for a in mine[switched:])
    print(f"readers: {len(answers)} reads during the refresh, {answers.count(before)} old, {answers.count(after)} new")
