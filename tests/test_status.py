"""`tlw status`: exit codes and lines for fresh, stale, failing, skipped and missing warehouses."""

from __future__ import annotations

import io
import re
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest

from pipelines import cli
from pipelines.catalog import ALL_SOURCES
from pipelines.config import Settings
from pipelines.raw_archive import RawArchive
from pipelines.sql_files import checks
from pipelines.status import run_status
from tests.loopback import LoopbackServer, Reply

warnings.filterwarnings("ignore", category=dg.BetaWarning)

TIC_TABLE5 = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/slt_table5.txt"
TIC_TABLE5_URL = "https://" + TIC_TABLE5


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


# The fixture's data is fresh by the publishers' calendars on this day: TIC's February release
# (17 Feb 2026) carries December 2025, MOF's March release (6 Mar 2026) carries February 2026.
# FRED's daily series (2025-05-30), Debt to the Penny (2024-11-26), MSPD (2025-03-31) and MOF weekly
# securities (week to 2025-06-07) are old by then.
NOW = datetime(2026, 3, 10, 18, 0, tzinfo=timezone.utc)
OLD_AT_NOW = "fred,debt_to_penny,mspd,mof_weekly_securities"
N_OLD = len(OLD_AT_NOW.split(","))


def test_fresh_by_the_data_exits_0(env, monkeypatch):
    monkeypatch.setenv("TLW_SKIP_SOURCES", OLD_AT_NOW)
    code, text, states = status(now=NOW)
    assert code == 0, text
    assert states == {s.name: "skipped" if s.name in OLD_AT_NOW.split(",") else "fresh" for s in ALL_SOURCES}, text
    n = len(checks())
    assert f"checks (re-run read-only on the published warehouse): {n}/{n} passed" in text
    assert re.search(rf"^last publish: \S+ \S+ UTC, code \S+, checks {n}/{n} passed$", text, re.MULTILINE), text
    # Columns: newest observation held, the newest expected by the calendar, last fetch, next release.
    assert re.search(r"^tic_table5\s+fresh\s+2026-03-01\s+2025-12-01\s+\S+ \S+\s+2026-03-16 16:00 EDT$", text, re.MULTILINE), text
    assert re.search(r"^tic_mfh_history\s+fresh\s+2025-12-01\s+2025-12-01\s", text, re.MULTILINE), text
    assert re.search(r"^mof_reserves\s+fresh\s+2026-02-01\s+2026-02-01\s.* 14:00 JST$", text, re.MULTILINE), text
    assert re.search(r"^countries\s+fresh\s+\d+ rows\s+- \(reference data\)\s", text, re.MULTILINE), text
    assert re.search(r"^fred\s+skipped \(TLW_SKIP_SOURCES\)\s", text, re.MULTILINE), text
    assert "  fred: skipped: switched off by TLW_SKIP_SOURCES" in text
    assert text.rstrip().endswith(f"{len(ALL_SOURCES) - N_OLD} fresh, 0 stale/failing/never, {N_OLD} skipped, 0 blocking check(s) failing; exit 0")


def test_cli_status_uses_the_clock(env, capsys):
    # Today the fixture's data (March 2026 at the latest) is long past what the calendars expect.
    assert cli.main(["status"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^tic_table5\s+stale\s+2026-03-01\s", out, re.MULTILINE), out


def test_freshness_follows_the_newest_observation_not_the_fetch(env):
    """Every file was fetched minutes ago, yet the daily series are stale: their data is old."""
    code, text, states = status(now=NOW)
    assert code == 1
    assert states["fred"] == "stale" and states["debt_to_penny"] == "stale"
    assert "  fred: stale: newest observation 2025-05-30, expected 2026-02-27 or later" in text
    assert "  debt_to_penny: stale: newest observation 2024-11-26, expected 2026-03-06 or later" in text
    assert states["tic_table5"] == "fresh"
    # After the May release (15 May 2026) TIC must hold March: Table 5 does, the history file does not.
    code, text, states = status(now=datetime(2026, 5, 20, tzinfo=timezone.utc))
    assert states["tic_table5"] == "fresh" and states["tic_mfh_history"] == "stale"
    assert "  tic_mfh_history: stale: newest observation 2025-12-01, expected 2026-03-01 or later" in text


@pytest.mark.parametrize("now, source, expected", [
    # TIC: before the 4 pm release of 15 May 2026 the April release (February data) is the latest.
    (datetime(2026, 5, 15, 19, 59, tzinfo=timezone.utc), "tic_table5", "2026-02-01"),
    (datetime(2026, 5, 15, 20, 1, tzinfo=timezone.utc), "tic_table5", "2026-03-01"),
    # MOF: 6 March 2026 is the 5th Tokyo business day; its 14:00 JST release carries February.
    (datetime(2026, 3, 6, 4, 59, tzinfo=timezone.utc), "mof_reserves", "2026-01-01"),
    (datetime(2026, 3, 6, 5, 1, tzinfo=timezone.utc), "mof_reserves", "2026-02-01"),
    # Debt to the Penny on Tuesday 20 Jan 2026 (after Monday's MLK holiday): Friday 16 Jan.
    (datetime(2026, 1, 20, 22, 0, tzinfo=timezone.utc), "debt_to_penny", "2026-01-16"),
])
def test_expected_newest_observation_by_calendar(now, source, expected):
    from pipelines import calendars

    assert str(calendars.calendar_for(source).expected_newest(now)) == expected


def test_event_data_is_stale_by_its_last_change(env):
    fetched = last_fetch(Settings.from_env())
    code, text, states = status(now=fetched + timedelta(days=101))
    assert states["mof_interventions"] == "stale"
    assert "mof_interventions: stale: no new content for 101 days (allowed: 100 days" in text
    assert {states[n] for n in ("countries", "country_labels", "fred_series", "tariff_register")} == {"fresh"}


def writable_copy(env: Path, sql: str) -> None:
    """Change the published file the way a bad publish would have (tests only)."""
    import duckdb

    path = env / "home" / "tlw.duckdb"
    path.chmod(0o644)
    with duckdb.connect(str(path)) as con:
        con.execute(sql)
    path.chmod(0o444)


def test_a_warning_check_is_listed_but_does_not_fail_status(env, monkeypatch):
    monkeypatch.setenv("TLW_SKIP_SOURCES", OLD_AT_NOW)
    writable_copy(env, "UPDATE marts.leverage_monthly SET holdings_to_reserves = 9 "
                       "WHERE iso3 = 'JPN' AND ref_month = DATE '2025-02-01'")
    code, text, states = status(now=NOW)
    assert code == 0, text
    n = len(checks())
    assert f"checks (re-run read-only on the published warehouse): {n - 1}/{n} passed (1 not passed, none blocking)" in text
    assert "  warning  leverage_monthly_holdings_to_reserves_plausible (warning, not blocking): 1 rows" in text


def test_a_failing_blocking_check_exits_1(env, monkeypatch):
    monkeypatch.setenv("TLW_SKIP_SOURCES", OLD_AT_NOW)
    writable_copy(env, "DELETE FROM core.dim_country WHERE iso3 = 'JPN'")
    code, text, states = status(now=NOW)
    assert code == 1
    assert re.search(r"^  FAILED   \w+ \(blocking\): \d+ rows", text, re.MULTILINE), text
    assert f"0 stale/failing/never, {N_OLD} skipped, " in text and text.rstrip().endswith("; exit 1")


def test_source_the_mirror_lacks_is_skipped_with_its_url(env):
    (env / "mirror" / TIC_TABLE5).unlink()
    code, text, states = status(now=NOW)
    assert states["tic_table5"] == "skipped"
    assert re.search(r"^tic_table5\s+skipped \(not in mirror\)\s", text, re.MULTILINE), text
    assert f"  tic_table5: skipped: not in mirror {env / 'mirror'}: {TIC_TABLE5_URL}\n" in text


def test_rejected_fetch_after_publish_is_failing(env):
    settings = Settings.from_env()
    later = (last_fetch(settings) + timedelta(minutes=5)).isoformat(timespec="seconds")
    RawArchive(settings.raw_dir).record_body(
        url=TIC_TABLE5_URL, source="tic_table5", fetched_at=later, status=200, etag=None, last_modified=None,
        body=b"<!doctype html><title>Maintenance</title>", rejected_because="HTML page where a data file was expected",
    )
    code, text, states = status(now=NOW)
    assert code == 1
    assert states["tic_table5"] == "failing"
    assert "tic_table5: failing: last fetch rejected at" in text and "HTML page" in text
    assert all(state == "fresh" for name, state in states.items() if name not in ("tic_table5", *OLD_AT_NOW.split(",")))


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
    code, text, states = status(now=NOW)
    assert code == 1
    assert states["tic_table5"] == "failing"
    assert states["tic_table3"] == "fresh"


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
    code, text, states = status(now=NOW)
    assert code == 1
    assert states["tic_table3"] == "failing"
    assert "tic_table3: failing: its last Dagster step failed at" in text
    assert states["tic_table5"] == "fresh"


def test_reference_data_changed_in_code_is_stale_until_published(env, monkeypatch, tmp_path):
    from pipelines.tariff_register import REGISTER_PATH

    edited = tmp_path / "tariff_events.csv"
    text = REGISTER_PATH.read_text(encoding="utf-8")
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


def test_a_failed_refresh_is_reported_even_when_every_source_looks_fresh(env, monkeypatch):
    """The sources' newest observations are all fine by their calendars, but the last `tlw
    refresh` failed (here: the publisher answered an HTML page): status says so and exits 1."""
    with LoopbackServer(env / "mirror") as server:
        server.script(TIC_TABLE5, Reply(200, b"<!DOCTYPE html><html><body>Service unavailable</body></html>"))
        monkeypatch.setenv("TLW_MIRROR", server.base_url)
        monkeypatch.setenv("TLW_HTTP_RETRIES", "0")
        assert cli.main(["refresh"]) == 1
    # With the failing source and the ones old at NOW switched off, only the refresh record is left
    # to fail status (the same settings exit 0 in test_fresh_by_the_data_exits_0).
    monkeypatch.setenv("TLW_SKIP_SOURCES", f"{OLD_AT_NOW},tic_table5")
    code, text, states = status(now=NOW)
    failed = [line for line in text.splitlines() if line.startswith("last refresh: FAILED at ")]
    assert len(failed) == 1 and "tic_table5" in failed[0] and "HTML page" in failed[0], text
    assert code == 1
