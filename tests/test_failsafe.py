"""Fail safe (issue #15, #10's shrink check): every attack first published a wrong or smaller
warehouse, or wedged the next refresh; each test reproduces it on a copy of one published home and
asserts the block (or the exact recovery), the message, the published file byte-for-byte and the
raw archive intact.

One module-scoped refresh from the fixture mirror publishes the starting point; each case copies
that home and mirror, changes what the attack changes, and runs `tlw refresh` in this process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import fixture_env, publish_fixture_mirror
from tests.test_faults import fingerprint, run_cli, sha256_file

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TIC = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents"
TABLE5 = f"{TIC}/slt_table5.txt"
FRED_CHINA = "fred.stlouisfed.org/graph/fredgraph.csv?id=TRESEGCNM052N"
MOF = "www.mof.go.jp/policy/international_policy/reference/official_reserve_assets/historical.csv"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return publish_fixture_mirror(tmp_path_factory.mktemp("failsafe"))


@dataclass
class Case:
    root: Path
    published_hash: str
    index: str

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def mirror(self) -> Path:
        return self.root / "mirror"

    @property
    def db(self) -> Path:
        return self.home / "tlw.duckdb"

    def edit(self, relpath: str, change) -> None:
        path = self.mirror / relpath
        path.write_bytes(change(path.read_bytes()))

    def refresh(self, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        with pytest.MonkeyPatch.context() as mp:
            fixture_env(mp, self.home, self.mirror)
            for name, value in (env or {}).items():
                mp.setenv(name, value)
            code, output, _ = run_cli("refresh", *args)
        return code, output

    def assert_unchanged(self) -> None:
        assert sha256_file(self.db) == self.published_hash, "the published warehouse changed"
        assert not list(self.home.glob(".tlw.duckdb.*.tmp")), "a publish copy was left behind"
        index = (self.home / "raw" / "index.jsonl").read_text()
        assert index.startswith(self.index), "raw/index.jsonl lost or rewrote earlier lines"
        for record in map(json.loads, index.splitlines()):
            if record["stored_path"]:
                assert (self.home / "raw" / record["stored_path"]).is_file()


@pytest.fixture
def case(base, tmp_path) -> Case:
    root = tmp_path / "case"
    shutil.copytree(base, root, symlinks=True)
    return Case(root, sha256_file(root / "home" / "tlw.duckdb"), (root / "home" / "raw" / "index.jsonl").read_text())


def query(db: Path, sql: str):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- blocking checks: wrong numbers are never published -------------------------------------

def _year_earlier(body: bytes) -> bytes:
    """Table 5's month header off by a year (2026-03 ... 2025-03 printed as 2025-03 ... 2024-03)."""
    lines = body.split(b"\r\n")
    i = next(i for i, line in enumerate(lines) if line.startswith(b"Country\t"))
    months = lines[i].split(b"\t")[1:]
    lines[i] = b"\t".join([b"Country"] + [b"%d%s" % (int(m[:4]) - 1, m[4:]) for m in months])
    return b"\r\n".join(lines)


def _unit_change(body: bytes) -> bytes:
    """FRED China reserves: the last two observations in billions instead of millions."""
    return (body.replace(b"2024-05-01,3295323.21", b"2024-05-01,3295.32321")
                .replace(b"2024-11-01,3328994.43", b"2024-11-01,3328.99443"))


def _drop_month(body: bytes) -> bytes:
    """MOF historical.csv without its 2019-04 row (between 2019-03 and 2019-05)."""
    lines = body.split(b"\r\n")
    [i] = [i for i, line in enumerate(lines) if line.startswith(b",4\x8c\x8e,,April,1293499")]
    return b"\r\n".join(lines[:i] + lines[i + 1:])


def test_wrong_numbers_are_blocked_naming_files_cells_and_values(case):
    """Three plausible publisher slips at once (each family's check is independent): a Table 5
    header off by a year, a FRED unit change mid-file, a missing MOF month. On the code before
    these checks the refresh published all three (Japan 2025-01 = 1225.3 instead of 1079.3)."""
    case.edit(TABLE5, _year_earlier)
    case.edit(FRED_CHINA, _unit_change)
    case.edit(MOF, _drop_month)
    code, output = case.refresh()
    assert code == 1, output
    assert "NOT published" in output
    assert ("blocking check tic_files_agree failed on core/fct_treasury_holdings: BEL 2025-01: "
            "mfhhis01.txt (vintage 2026-03-18) says 377.7 bn but slt_table5.txt (vintage ") in output, output
    assert ("says 451.0 bn, a gap of 73.3 bn beyond the revision tolerance of 9.0 bn, and the newer file "
            "declares no revision of 2025 (and 19 more)") in output
    assert ("series_level_jumps failed on core/fct_reserves: fred TRESEGCNM052N: 3263670.21 on 2024-04-01 "
            "but 3295.32321 on 2024-05-01, a 990x jump") in output, output
    assert ("reserves_mof_months_complete failed on core/fct_reserves: MOF reserves 2019-04: month missing "
            "from the newest historical.csv") in output, output
    case.assert_unchanged()
    assert query(case.db, "SELECT holdings_usd_bn FROM core.treasury_holdings WHERE iso3 = 'JPN' AND ref_month = '2025-01-01'") == [(1079.3,)]


def test_declared_revision_may_move_a_figure_beyond_the_tolerance(case):
    """The history file restating 2025 (footer "(2025 revised ...)" dated after Table 5's vintage)
    is TIC's benchmark revision, not a slip: Japan 2025-03 moves from 1130.8 to 1230.8 and publishes."""
    table5_vintage = query(case.db, "SELECT max(vintage) FROM core.fct_treasury_holdings WHERE source = 'tic_table5'")[0][0]
    later = table5_vintage.replace(year=table5_vintage.year + 1)

    def restate(body: bytes) -> bytes:
        body = body.replace(b"Japan\t1185.5\t1202.7\t1200\t1189.3\t1180.4\t1151.8\t1147.9\t1135\t1134.5\t1130.8",
                            b"Japan\t1185.5\t1202.7\t1200\t1189.3\t1180.4\t1151.8\t1147.9\t1135\t1134.5\t1230.8", 1)
        body = body.replace(b"Grand Total\t9271\t9359.3\t9230.2\t9234.4\t9245.8\t9107\t9090.3\t9023.5\t9001\t9054.2",
                            b"Grand Total\t9271\t9359.3\t9230.2\t9234.4\t9245.8\t9107\t9090.3\t9023.5\t9001\t9154.2", 1)
        body = body.replace(b"3/18/26", f"{later.month}/{later.day}/{later.year % 100:02d}".encode(), 1)
        return body.replace(b'"(2025 revised March 18, 2026)"', f'"(2025 revised {later:%B} {later.day}, {later.year})"'.encode(), 1)

    case.edit(f"{TIC}/mfhhis01.txt", restate)
    code, output = case.refresh()
    assert code == 0, output
    assert query(case.db, "SELECT holdings_usd_bn, source FROM core.treasury_holdings WHERE iso3 = 'JPN' AND ref_month = '2025-03-01'") == [(1230.8, "tic_mfh_history")]


# --- #10: no table loses rows by accident ---------------------------------------------------

def test_table_losing_rows_while_its_sources_did_not_shrink_is_blocked(case):
    """A new machine restores only tlw.duckdb (no working copy, no raw archive) and its mirror
    lacks the FRED files: FRED is skipped and, before the shrink gate, the warehouse published
    without a single FRED observation ("checks passed")."""
    published_rows = query(case.db, "SELECT count(*) FROM core.fct_fred_observations")[0][0]
    shutil.rmtree(case.home / "build")
    shutil.rmtree(case.home / "raw")
    shutil.rmtree(case.mirror / "fred.stlouisfed.org")
    code, output = case.refresh()
    assert code == 1, output
    assert (f"core.fct_fred_observations would lose rows ({published_rows:,} published, 0 now) while its sources "
            "(fred, fred_series) did not shrink") in output, output
    assert sha256_file(case.db) == case.published_hash
    assert not list(case.home.glob(".tlw.duckdb.*.tmp"))


def test_deliberate_shrink_is_published_and_said(case):
    """MOF's intervention file drops its last quarter (a publisher's withdrawal: the source itself
    gave fewer rows): allowed, and the summary says which table shrank and why."""
    before = query(case.db, "SELECT count(*) FROM core.fct_fx_interventions")[0][0]
    path = "www.mof.go.jp/english/policy/international_policy/reference/feio/foreign_exchange_intervention_operations.csv"

    def drop_last_quarter(body: bytes) -> bytes:
        lines = body.decode("cp932").split("\r\n")
        i = next(i for i, line in enumerate(lines) if ",2022,Oct,21," in line)
        j = next(j for j, line in enumerate(lines) if "October - December 2022" in line)
        return "\r\n".join(lines[:i] + lines[j + 1:]).encode("cp932")

    case.edit(path, drop_last_quarter)
    code, output = case.refresh()
    assert code == 0, output
    after = query(case.db, "SELECT count(*) FROM core.fct_fx_interventions")[0][0]
    assert after == before - 2
    assert (f"shrunk   core.fct_fx_interventions shrinks from {before} to {after} rows because its source gave "
            "fewer rows: mof_interventions (https://www.mof.go.jp/english/policy/international_policy/reference/feio/"
            "foreign_exchange_intervention_operations.csv gave 43 rows, was 46)") in output, output


# --- wedge-proofing --------------------------------------------------------------------------

def _subprocess_env(case: Case) -> dict[str, str]:
    with pytest.MonkeyPatch.context() as mp:
        fixture_env(mp, case.home, case.mirror)
        return {k: v for k, v in os.environ.items()}


IN_PROGRESS = ("STARTED", "STARTING")


def _kill_refresh_mid_run(case: Case):
    """SIGKILL a `tlw refresh --all` once its first source step ran; returns its run, left STARTED."""
    import dagster as dg

    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "refresh", "--all"], env=_subprocess_env(case),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=Path(__file__).parents[1])
    seen = b""
    while b"tlw: " not in seen and proc.poll() is None:  # the first source step ran: the run is STARTED
        seen += proc.stdout.read1(4096)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, seen.decode()[-2000:]
    instance = dg.DagsterInstance.from_config(str(case.home / "dagster"))
    [stuck] = [r for r in instance.get_runs() if r.status.value in IN_PROGRESS]
    assert stuck.tags["tlw/pid"] == str(proc.pid)
    return stuck


def test_killed_refresh_is_marked_failed_by_the_next_refresh(case):
    """SIGKILL a refresh mid-run: its Dagster run stayed STARTED for good, and with
    max_concurrent_runs 1 every scheduled run queued behind it. The next refresh marks it failed
    (the refresh lock proves its process is gone), so no run is left in progress to wait on; the
    daemon's run monitoring is on for the runs it launches itself."""
    import dagster as dg

    stuck = _kill_refresh_mid_run(case)
    assert dg.DagsterInstance.from_config(str(case.home / "dagster")).run_monitoring_enabled
    code, output = case.refresh()
    assert code == 0, output
    assert f"recovered 1 Dagster run(s) of a killed tlw refresh marked failed: {stuck.run_id}" in output, output
    instance = dg.DagsterInstance.from_config(str(case.home / "dagster"))
    assert instance.get_run_by_id(stuck.run_id).status == dg.DagsterRunStatus.FAILURE
    assert [r for r in instance.get_runs() if r.status.value in IN_PROGRESS] == []
    assert (case.home / "raw" / "index.jsonl").read_text().startswith(case.index)


def test_killed_refresh_does_not_block_the_daemon(case):
    """SIGKILL a refresh, then start the Dagster daemon on that home: the release sensor's first
    tick asks for a probe run, which queues behind the dead run (max_concurrent_runs 1). Within
    the sweep interval the dead_refresh_sweeper sensor marks the dead run failed, and the queued
    run is launched. Before the sweeper existed the probe run stayed QUEUED for good. The probe
    finds the FRED file changed, and launch_what_changed launches the refresh of FRED and what is
    downstream, which the daemon runs to a publish: the whole scheduled path, no network in any
    evaluation."""
    import dagster as dg

    from pipelines.defs.dead_runs import SWEEP_INTERVAL_S

    stuck = _kill_refresh_mid_run(case)
    case.edit("fred.stlouisfed.org/graph/fredgraph.csv?id=DEXJPUS", lambda body: body.rstrip(b"\r\n") + b"\n2025-06-02,150.10\n")
    env = {**_subprocess_env(case), "DAGSTER_HOME": str(case.home / "dagster")}
    daemon = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-m", "pipelines.definitions", "-d", str(Path(__file__).parents[1])],
        env=env, cwd=case.home / "dagster", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    instance = dg.DagsterInstance.from_config(str(case.home / "dagster"))
    # Daemon start-up (code server, first ticks) plus one sweep interval and the queue's poll,
    # then the probe run, the launch sensor's tick and the refresh run.
    deadline = time.monotonic() + 120 + SWEEP_INTERVAL_S
    launched, refreshed = [], []
    try:
        while time.monotonic() < deadline and not refreshed:
            time.sleep(1)
            launched = [r for r in instance.get_runs(filters=dg.RunsFilter(job_name="probe_sources"))
                        if r.status not in (dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED)]
            refreshed = instance.get_runs(filters=dg.RunsFilter(
                job_name="refresh", statuses=[dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]))
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            output = daemon.communicate(timeout=30)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            output = daemon.communicate()[0].decode(errors="replace")
    dead = instance.get_run_by_id(stuck.run_id)
    assert dead.status == dg.DagsterRunStatus.FAILURE, output[-3000:]
    assert launched, f"no probe run left the queue within {60 + SWEEP_INTERVAL_S} s:\n{output[-3000:]}"
    assert launched[0].tags["tlw/trigger"] == "release_sensor"
    [refresh] = refreshed
    assert refresh.status == dg.DagsterRunStatus.SUCCESS, output[-3000:]
    assert refresh.tags["tlw/changed"] == "fred" and refresh.tags["tlw/probe_run"] == launched[0].run_id
    with duckdb.connect(str(case.db), read_only=True) as con:
        assert con.execute("SELECT max(obs_date) FROM core.fct_fred_observations WHERE series_id = 'DEXJPUS'").fetchone()[0].isoformat() == "2025-06-02"
    [failure] = instance.all_logs(stuck.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    assert "marked failed by the dead_refresh_sweeper sensor" in failure.message
    assert (case.home / "raw" / "index.jsonl").read_text().startswith(case.index)


@pytest.fixture
def small_disk(tmp_path):
    """A real small file system (tmpfs) for TLW_HOME; skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_is_one_line_and_stale_publish_copies_are_cleaned(case, small_disk):
    home = small_disk / "home"
    shutil.copytree(case.home, home, symlinks=True)
    case_home_hash = sha256_file(home / "tlw.duckdb")
    work = (home / "build" / "work.duckdb").stat().st_size
    # What a publish killed on a full disk leaves: a partial copy, taking the room the next needs.
    stale = home / ".tlw.duckdb.999999.tmp"
    filler = home / "filler"
    free = shutil.disk_usage(home).free
    with open(filler, "wb") as handle:
        handle.truncate(0)
        handle.write(b"\0" * (free - work // 2 - work // 4))
    with open(stale, "wb") as handle:
        handle.write(b"\0" * (work // 4))
    assert shutil.disk_usage(home).free < work
    with pytest.MonkeyPatch.context() as mp:
        fixture_env(mp, home, case.mirror)
        code, output, _ = run_cli("refresh")
    # The stale copy is removed first; what is left is still too little: one line, exit 1.
    assert not stale.exists()
    assert code == 1
    lines = [line for line in output.splitlines() if "no space left" in line]
    assert len(lines) == 1 and lines[0].startswith(f"tlw refresh: no space left on {home}: "), output
    assert lines[0].endswith("MB needed") and "Traceback" not in output
    assert sha256_file(home / "tlw.duckdb") == case_home_hash
    assert json.loads((home / "last_refresh.json").read_text())["success"] is False
    with pytest.MonkeyPatch.context() as mp:
        fixture_env(mp, home, case.mirror)
        code, output, _ = run_cli("status")
    assert code == 1 and "last refresh: FAILED at " in output and "no space left on" in output, output
    # With the filler gone the next refresh runs.
    filler.unlink()
    with pytest.MonkeyPatch.context() as mp:
        fixture_env(mp, home, case.mirror)
        code, output, _ = run_cli("refresh")
    assert code == 0, output
    assert json.loads((home / "last_refresh.json").read_text())["success"] is True


def test_disk_filling_during_the_refresh_is_one_line(case, small_disk):
    """Room for the check before the run but not for the run itself: wherever the write fails
    (a staging load, Dagster's storage, the publish copy), one line and the old warehouse."""
    home = small_disk / "home"
    shutil.copytree(case.home, home, symlinks=True)
    published = sha256_file(home / "tlw.duckdb")
    work = (home / "build" / "work.duckdb").stat().st_size
    with open(home / "filler", "wb") as handle:
        handle.write(b"\0" * (shutil.disk_usage(home).free - work - 64 * 1024))
    case.edit(FRED_CHINA, lambda body: body.rstrip(b"\n") + b"\n2024-12-01,3350000.00\n")
    with pytest.MonkeyPatch.context() as mp:
        fixture_env(mp, home, case.mirror)
        code, output, _ = run_cli("refresh")
    assert code == 1, output
    # Dagster's own log may show the step's error above; the summary says it once, in one line.
    assert [line for line in output.splitlines() if line.startswith("tlw refresh: ")] == [
        line for line in output.splitlines() if line.startswith(f"tlw refresh: no space left on {home}: ") and line.endswith(" MB needed")
    ], output
    assert "tlw refresh: no space left on" in output
    assert sha256_file(home / "tlw.duckdb") == published


def _new_fred_vintage(case: Case) -> None:
    """A second FRED China body (one more month): the archive then holds two vintages of it."""
    case.edit(FRED_CHINA, lambda body: body.rstrip(b"\n") + b"\n2024-12-01,3350000.00\n")
    code, output = case.refresh()
    assert code == 0, output


def test_corrupt_working_copy_is_rebuilt_from_every_archived_vintage(case):
    _new_fred_vintage(case)
    before = fingerprint(case.db)
    fred_bodies = query(case.home / "build" / "work.duckdb", "SELECT count(DISTINCT raw_sha256) FROM staging.fred")[0][0]
    series = len(list((case.mirror / "fred.stlouisfed.org" / "graph").glob("fredgraph.csv?id=*")))
    assert fred_bodies == series + 1  # every series once, China twice
    work = case.home / "build" / "work.duckdb"
    with open(work, "r+b") as handle:  # a torn write over the file header
        handle.write(b"\xff" * 8192)
    index = (case.home / "raw" / "index.jsonl").read_text()
    code, output = case.refresh()
    assert code == 0, output
    assert f"recovered working copy {work} is corrupt (" in output, output
    assert "rebuilt from the raw archive" in output and "with every vintage" in output
    assert query(work, "SELECT count(DISTINCT raw_sha256) FROM staging.fred")[0][0] == fred_bodies
    after = fingerprint(case.db)
    assert after[1:] == before[1:], "the rebuilt warehouse holds exactly what was published"
    assert (case.home / "raw" / "index.jsonl").read_text().startswith(index)
    assert list((case.home / "build").glob("work.duckdb.corrupt-*")), "the damaged file is kept aside"


def test_stale_exports_are_detected_and_rebuilt(case):
    """A kill between the publish rename and the exports switch left the exports one publish old
    and the next refresh said "nothing changed" for good."""
    _new_fred_vintage(case)
    generations = sorted(p for p in (case.home / "exports.d").iterdir())
    assert len(generations) == 2
    (case.home / "exports").unlink()
    (case.home / "exports").symlink_to(Path("exports.d") / generations[0].name)  # what the kill leaves
    code, output = case.refresh()
    assert code == 0, output
    assert "recovered exports were stale (exports belong to the publish of" in output, output
    manifest = json.loads((case.home / "exports" / "manifest.json").read_text())
    assert manifest["published_at"] == query(case.db, "SELECT CAST(max(published_at) AS VARCHAR) FROM meta.publish_log")[0][0]
    rows = {f["table"]: f["rows"] for f in manifest["files"]}
    assert rows["core.fct_fred_observations"] == query(case.db, "SELECT count(*) FROM core.fct_fred_observations")[0][0]
