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
