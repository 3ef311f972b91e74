"""`tlw status`: exit codes and lines for fresh, stale, failing, skipped and missing warehouses."""

from __future__ import annotations

import io
import re
import shutil
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest

from pipelines import cli
from pipelines.catalog import ALL_SOURCES
from pipelines.config import Settings
from pipelines.raw_archive import RawArchive
from pipelines.status import run_status
from tests.conftest import fixture_env, publish_fixture_mirror
from tests.loopback import LoopbackServer, Reply

warnings.filterwarnings("ignore", category=dg.BetaWarning)

TIC_TABLE5 = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/slt_table5.txt"
TIC_TABLE5_URL = "https://" + TIC_TABLE5


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return publish_fixture_mirror(tmp_path_factory.mktemp("status"))


@pytest.fixture
def env(published, tmp_path, monkeypatch) -> Path:
    shutil.copytree(published / "home", tmp_path / "home", symlinks=True)
    shutil.copytree(published / "mirror", tmp_path / "mirror")
    fixture_env(monkeypatch, tmp_path / "home", tmp_path / "mirror")
    return tmp_path


def status(now: datetime | None = None) -> tuple[int, str, dict[str, str]]:
    """Exit code, printed text, and each source's state as printed on its line."""
    out = io.StringIO()
    code = run_status(Settings.from_env(), now=now, out=out)
    text = out.getvalue()
    states = {}
    for source in ALL_SOURCES:
        match = re.search(rf"^{source.name}\s+(\w+)\s", text, re.MULTILINE)
        if match:
            states[source.name] = match.group(1)
    return code, text, states


def last_fetch(settings: Settings) -> datetime:
    return max(datetime.fromisoformat(r.fetched_at) for r in RawArchive(settings.raw_dir).records())


def test_fresh_warehouse_exits_0(env):
    code, text, states = status(now=last_fetch(Settings.from_env()) + timedelta(hours=1))
    assert code == 0, text
    assert states == {s.name: "fresh" for s in ALL_SOURCES}, text
    assert "checks (re-run read-only on the published warehouse):" in text
    assert re.search(r"checks .*: (\d+)/\1 passed", text), text
    assert "last publish: " in text
    # Columns: the latest month TIC holds, and the next expected release in the publisher's time.
    assert re.search(r"^tic_table5\s+fresh\s+\S+ \S+\s+\S+ \S+\s+2026-03-01\s+\S+ 16:00 E[SD]T$", text, re.MULTILINE), text
    assert re.search(r"^mof_reserves\s+fresh.* 14:00 JST$", text, re.MULTILINE), text
    assert re.search(r"^countries\s+fresh.*\d+ rows\s+- \(reference data\)$", text, re.MULTILINE), text


def test_cli_status_uses_the_clock_and_exits_0(env, capsys):
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert all(re.search(rf"^{s.name}\s+fresh", out, re.MULTILINE) for s in ALL_SOURCES), out


def test_stale_sources_exit_1(env):
    fetched = last_fetch(Settings.from_env())
    # 20 days on: the daily publishers are stale (5 and 10 days allowed), TIC (50 days) is not.
    code, text, states = status(now=fetched + timedelta(days=20))
    assert code == 1
    assert states["debt_to_penny"] == "stale" and states["fred"] == "stale"
    assert states["tic_table5"] == "fresh" and states["mof_interventions"] == "fresh"
    assert "debt_to_penny: stale: no new content for 20 days (allowed: 5 days" in text
    # 60 days on: TIC too (no new month within 50 days); reference data never goes stale by age.
    code, text, states = status(now=fetched + timedelta(days=60))
    assert code == 1
    assert {states[n] for n in ("tic_mfh_history", "tic_table5", "tic_table3", "mof_reserves", "federal_register")} == {"stale"}
    assert states["mof_interventions"] == "fresh"  # 100 days allowed
    assert {states[n] for n in ("countries", "country_labels", "fred_series", "tariff_register")} == {"fresh"}


def test_rejected_fetch_after_publish_is_failing(env):
    settings = Settings.from_env()
    later = (last_fetch(settings) + timedelta(minutes=5)).isoformat(timespec="seconds")
    RawArchive(settings.raw_dir).record_body(
        url=TIC_TABLE5_URL, source="tic_table5", fetched_at=later, status=200, etag=None, last_modified=None,
        body=b"<!doctype html><title>Maintenance</title>", rejected_because="HTML page where a data file was expected",
    )
    code, text, states = status(now=last_fetch(settings) + timedelta(hours=1))
    assert code == 1
    assert states["tic_table5"] == "failing"
    assert "tic_table5: failing: last fetch rejected at" in text and "HTML page" in text
    assert all(state == "fresh" for name, state in states.items() if name != "tic_table5")


def test_html_page_served_by_the_publisher_fails_the_refresh_and_status(env, monkeypatch):
    """A real refresh over HTTP where the publisher answers an HTML page for one file: the run
    fails, the published warehouse stays, and status names the source as failing."""
    from pipelines.refresh import run_refresh

    with LoopbackServer(env / "mirror") as server:
        server.script(TIC_TABLE5, Reply(200, b"<!DOCTYPE html><html><body>Service unavailable</body></html>"))
        monkeypatch.setenv("TLW_MIRROR", server.base_url)
        monkeypatch.setenv("TLW_HTTP_RETRIES", "0")
        outcome = run_refresh(Settings.from_env())
        assert not outcome.success and outcome.selected_sources == ["tic_table5"]
    code, text, states = status()
    assert code == 1
    assert states["tic_table5"] == "failing"
    assert states["tic_table3"] == "fresh"


def test_skipped_source_is_named_and_does_not_fail(env, monkeypatch):
    monkeypatch.setenv("TLW_SKIP_SOURCES", "debt_to_penny")
    code, text, states = status(now=last_fetch(Settings.from_env()) + timedelta(days=7))
    assert states["debt_to_penny"] == "skipped"
    assert states["fred"] == "fresh"  # 7 days: FRED allows 10
    assert code == 0, text


def test_no_warehouse_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "empty"))
    out = io.StringIO()
    assert run_status(Settings.from_env(), now=datetime(2026, 1, 1, tzinfo=timezone.utc), out=out) == 2
    assert "no published warehouse" in out.getvalue()
    assert cli.main(["status"]) == 2


def test_last_dagster_step_failed_is_failing(env, monkeypatch):
    """A 404 leaves nothing in the raw archive: the failure is known from the Dagster instance."""
    from pipelines.refresh import run_refresh

    table3 = TIC_TABLE5.replace("slt_table5", "slt_table3")
    with LoopbackServer(env / "mirror") as server:
        server.script(table3, Reply(404, b"not found"))
        monkeypatch.setenv("TLW_MIRROR", server.base_url)
        monkeypatch.setenv("TLW_HTTP_RETRIES", "0")
        outcome = run_refresh(Settings.from_env())
        assert not outcome.success and outcome.selected_sources == ["tic_table3"]
    code, text, states = status()
    assert code == 1
    assert states["tic_table3"] == "failing"
    assert "tic_table3: failing: its last Dagster step failed at" in text
    assert states["tic_table5"] == "fresh"


def test_reference_data_changed_in_code_is_stale_until_published(env, monkeypatch, tmp_path):
    from pipelines.catalog.tariffs import register_path

    edited = tmp_path / "tariff_events.csv"
    text = register_path().read_text(encoding="utf-8")
    assert "Proclamation 9704;" in text
    edited.write_text(text.replace("Proclamation 9704;", "Proclamation 9704 (edited);", 1), encoding="utf-8")
    monkeypatch.setenv("TLW_TARIFF_REGISTER", str(edited))
    code, text, states = status()
    assert code == 1
    assert states["tariff_register"] == "stale"
    assert "tariff_register: stale: the code holds reference data the published warehouse lacks" in text
    # A register that no longer validates is failing, not stale.
    lines = edited.read_text(encoding="utf-8").splitlines(keepends=True)
    edited.write_text("".join(lines + [lines[1]]), encoding="utf-8")  # a duplicate event id
    code, text, states = status()
    assert code == 1 and states["tariff_register"] == "failing"
