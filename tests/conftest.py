"""Shared test fixtures: where the real official files are, and our own fixture mirror."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from pipelines.config import Settings

pytest_plugins = ["tests.proxy_env"]  # the behind_proxy fixture

# A developer's tlw.toml (repository or $TLW_HOME) must not change what the tests run; subprocesses
# inherit this. tests/test_config.py points TLW_CONFIG at its own files.
os.environ["TLW_CONFIG"] = "none"

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_MIRROR = FIXTURES / "mirror"


@pytest.fixture
def real_sources() -> Path:
    """The byte-exact official files (`../shared/sources`), named by TLW_REAL_SOURCES.

    Tests that need them skip, with this reason, on machines that do not have them.
    """
    value = os.environ.get("TLW_REAL_SOURCES")
    if not value:
        pytest.skip("TLW_REAL_SOURCES is not set: real official files are not available here")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"TLW_REAL_SOURCES={value} is not a directory")
    return path


@pytest.fixture
def fixture_mirror() -> Path:
    """Our own small files in the official formats, laid out like the official URLs."""
    return FIXTURE_MIRROR


def fixture_env(mp: pytest.MonkeyPatch, home: Path, mirror: Path) -> None:
    """A refresh from the fixture mirror: every source, full history (the incremental URLs of the
    paged APIs are not in the fixture mirror), the page sizes the fixture pages were written for."""
    folder = mirror / "fred.stlouisfed.org" / "graph"
    mp.setenv("TLW_DEBT_PAGE_SIZE", "3")
    mp.setenv("TLW_HOME", str(home))
    mp.setenv("TLW_MIRROR", str(mirror))
    mp.setenv("DAGSTER_HOME", str(home / "dagster"))
    mp.setenv("TLW_FULL_HISTORY", "1")
    mp.setenv("TLW_FR_PER_PAGE", "5")
    mp.setenv("TLW_FRED_SERIES", ",".join(sorted(p.name.split("?id=", 1)[1] for p in folder.glob("fredgraph.csv?id=*"))))
    for name in ("TLW_SKIP_SOURCES", "TLW_MIRROR_MISSING", "TLW_TARIFF_REGISTER"):
        mp.delenv(name, raising=False)


_PUBLISHED_ONCE: list[Path] = []  # the session's one full refresh from the fixture mirror


def publish_fixture_mirror(root: Path) -> Path:
    """The fixture mirror under `root/mirror` and a warehouse published from it in `root/home`.

    For module-scoped fixtures. The full refresh runs once per test session; every caller gets a
    copy of its home and mirror (the copy is what that refresh would have written there: no file
    names an absolute path but dagster.yaml, which is written again for the copy). Returns `root`.
    """
    if not _PUBLISHED_ONCE:
        from pipelines.refresh import run_refresh

        once = Path(tempfile.mkdtemp(prefix="tlw-published-once-"))
        atexit.register(shutil.rmtree, once, ignore_errors=True)
        shutil.copytree(FIXTURE_MIRROR, once / "mirror")
        with pytest.MonkeyPatch.context() as mp:
            fixture_env(mp, once / "home", once / "mirror")
            outcome = run_refresh(Settings.from_env())
        assert outcome.success, outcome.failures
        assert not outcome.skipped_sources
        _PUBLISHED_ONCE.append(once)
    copy_published(_PUBLISHED_ONCE[0], root)
    return root


def copy_published(source: Path, root: Path) -> None:
    """`source`'s home and mirror copied under `root`; the copy's dagster.yaml written for it, since
    that file names its event log folder absolutely (pipelines/defs/cli_run.py)."""
    from pipelines.defs.cli_run import write_instance_config

    shutil.copytree(source / "mirror", root / "mirror")
    shutil.copytree(source / "home", root / "home", symlinks=True)
    with pytest.MonkeyPatch.context() as mp:
        fixture_env(mp, root / "home", root / "mirror")
        write_instance_config(Settings.from_env())


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The module's published fixture warehouse: `home` and `mirror` under the returned root."""
    return publish_fixture_mirror(tmp_path_factory.mktemp("published"))


@pytest.fixture
def env(published, tmp_path, monkeypatch) -> Path:
    """A test's own copy of `published` (home and mirror under tmp_path), the environment set to it."""
    copy_published(published, tmp_path)
    fixture_env(monkeypatch, tmp_path / "home", tmp_path / "mirror")
    return tmp_path


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the whole session (tests/postgres.py); each test makes
    its own database with `postgres.create_database(name)`. Skips, saying why, without the
    server binaries (CI installs them: .ci/run)."""
    from tests.postgres import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()
