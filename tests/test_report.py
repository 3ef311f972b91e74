"""`tlw report`: a self-contained HTML file with the real figures, and it renders in headless Chromium.

The warehouse is built once per module from the fixture mirror (a full refresh, as `tlw status`'s
tests do); every test then works on its own copy of `$TLW_HOME`.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import timezone
from pathlib import Path

import duckdb
import pytest

from pipelines.config import REPO_ROOT, Settings
from pipelines.report import run_report
from tests.conftest import fixture_env

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no network at all: the charts must draw without it
    "--virtual-time-budget=10000",
)
CHARTS = ("chart-holders", "chart-japan", "chart-april-2025")


@pytest.fixture
def home(published, tmp_path, monkeypatch) -> Path:
    shutil.copytree(published / "home", tmp_path / "home", symlinks=True)
    fixture_env(monkeypatch, tmp_path / "home", published / "mirror")
    return tmp_path / "home"


@pytest.fixture(scope="module")
def report(published, tmp_path_factory) -> Path:
    """One report of the fixture warehouse, written into a copy of its home."""
    root = tmp_path_factory.mktemp("report-home")
    shutil.copytree(published / "home", root / "home", symlinks=True)
    with pytest.MonkeyPatch.context() as mp:
        fixture_env(mp, root / "home", published / "mirror")
        out = io.StringIO()
        assert run_report(Settings.from_env(), out=out) == 0
    path = Path(out.getvalue().strip())
    assert path.parent == root / "home" / "reports"
    return path


def published_rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "tlw.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def figure(page: str, chart_id: str) -> tuple[list[dict], dict]:
    """The data and layout plotly is given for one chart (the JSON of `Plotly.newPlot("id", data, layout)`)."""
    match = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(chart_id) + r'",\s*', page)
    assert match, f"no Plotly.newPlot call for {chart_id}"
    decoder = json.JSONDecoder()
    data, pos = decoder.raw_decode(page, match.end())
    pos = page.index("{", pos)
    layout, _ = decoder.raw_decode(page, pos)
    return data, layout


# -- the file ------------------------------------------------------------------------------------


def test_report_is_written_under_home_and_copied_to_latest(report):
    assert re.fullmatch(r"tlw-report-\d{8}T\d{6}Z(-\d+)?\.html", report.name)
    assert report.stat().st_size > 1_000_000  # plotly.js itself is inside
    assert (report.parent / "latest.html").read_bytes() == report.read_bytes()
    assert not list(report.parent.glob(".*partial"))


def test_report_is_self_contained(report):
    from plotly.offline import get_plotlyjs

    page = report.read_text(encoding="utf-8")
    external = re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["\']?\s*(?:https?:)?//', page, re.IGNORECASE)
    assert external == []
    assert get_plotlyjs()[:2000] in page  # plotly's bundle, inline
    assert page.count("<script") == 1 + len(CHARTS)  # the bundle, then one newPlot per chart


def test_header_gives_data_as_of_per_source_and_code_version(report):
    page = report.read_text(encoding="utf-8")
    home = report.parent.parent
    header = page[: page.index("</header>")]
    for source, fetched_at in published_rows(home, "SELECT source, max(fetched_at) FROM meta.load_log GROUP BY source"):
        stamp = fetched_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        assert re.search(rf"<td>{re.escape(source)}</td><td>{re.escape(stamp)}</td>", header), source
    (version,) = published_rows(home, "SELECT code_version FROM meta.publish_log ORDER BY published_at DESC LIMIT 1")[0]
    assert f"<dd>{html.escape(version)}</dd>" in header


def test_holders_chart_has_the_largest_holders_and_every_tariff_event(report):
    page = report.read_text(encoding="utf-8")
    data, layout = figure(page, "chart-holders")
    lines = [t for t in data if t.get("mode", "").startswith("lines")]
    assert [t["name"] for t in lines][:3] == ["Japan", "United Kingdom *", "China"]
    assert len(lines) == 8
    japan = lines[0]
    assert japan["y"][japan["x"].index("2026-03-31")] == 1191.6  # end-March 2026 in the fixture TIC files

    hovers = [html.unescape(text.replace("<br>", " ")) for t in data if t.get("mode") == "markers" for text in t["text"]]
    home = report.parent.parent
    titles = published_rows(home, "SELECT title FROM core.dim_tariff_event")
    assert len(hovers) == len(titles) == 73
    for (title,) in titles:
        assert any(title in h for h in hovers), title
    assert "Letter to Japan: 25% reciprocal tariff from 2025-08-01" in " ".join(hovers)
    # one vertical line per distinct event date across the holdings panel
    (dates,) = published_rows(home, "SELECT count(DISTINCT coalesce(announced_on, signed_on, published_on, effective_on)) FROM core.dim_tariff_event")[0]
    assert len([s for s in layout["shapes"] if s["type"] == "line" and s["x0"] == s["x1"]]) == dates


def test_japan_chart_has_holdings_reserves_and_interventions(report):
    page = report.read_text(encoding="utf-8")
    data, _ = figure(page, "chart-japan")
    by_name = {t["name"]: t for t in data}
    holdings = by_name["Treasury holdings (TIC)"]
    reserves = by_name["Official reserves incl. gold (MOF)"]
    assert holdings["y"][holdings["x"].index("2025-03-31")] == 1130.8
    assert reserves["y"][reserves["x"].index("2026-02-28")] == pytest.approx(1410.699)  # 1,410,699 USD mn
    bought = by_name["yen bought (foreign currency sold, paid from reserves)"]
    assert bought["type"] == "bar"
    # October 2022: 5,620.2 + 729.6 yen bn in two operations
    i = bought["x"].index("2022-10-01")
    assert bought["y"][i] == pytest.approx(6349.8) and bought["customdata"][i] == 2
    assert "Japan held $1,239.3 bn of Treasuries against $1,410.7 bn of reserves" in page


def test_leverage_table_ranks_holders_for_the_latest_month(report):
    page = report.read_text(encoding="utf-8")
    section = page[page.index('<section id="leverage">'): page.index('<section id="claims">')]
    assert "end-March 2026" in section
    japan = re.search(r'<tr><td class="num">1</td><td><span data-iso3="JPN">Japan</span></td>(.*?)</tr>', section)
    assert japan, "Japan is not ranked first"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", japan.group(1))
    assert cells[:2] == ["1,191.6", "12.7"]
    assert cells[2].startswith("0.88") and "(2026-02)" in cells[2]  # latest month with MOF reserves
    ranks = [int(r) for r in re.findall(r'<tr><td class="num">(\d+)</td>', section)]
    assert ranks == sorted(ranks) and len(ranks) == 18


def test_claim_checks_show_the_verdict_and_evidence_for_japan_march_2025(report):
    page = report.read_text(encoding="utf-8")
    section = page[page.index('<section id="claims">'): page.index('<section id="tariff-windows">')]
    cell = re.search(r'data-iso3="JPN" data-month="2025-03" data-verdict="([a-z_]+)" title="([^"]*)">([^<]*)<', section)
    assert cell, "no claim-check cell for Japan, March 2025"
    verdict, evidence, label = cell.group(1), html.unescape(cell.group(2)), cell.group(3)
    assert (verdict, label) == ("holdings_rose", "rose")
    assert "Japan's holdings of U.S. Treasury securities rose from $1,125.9 billion at end-February 2025 to $1,130.8 billion at end-March 2025" in evidence
    # the evidence table quotes the latest three months in full: March 2026 has TIC Table 3 flows
    row = re.search(r'<tr><td>2026-03</td><td>Japan</td>(.*?)</tr>', section)
    assert row and '<span class="verdict v-net_seller">net seller</span>' in row.group(1)
    assert "In March 2026 Japan sold $30.7 billion more U.S. Treasury securities than it bought" in row.group(1)


def test_tariff_windows_list_events_that_named_a_largest_holder(report):
    page = report.read_text(encoding="utf-8")
    section = page[page.index('<section id="tariff-windows">'): page.index("</main>")]
    assert "Letter to Japan: 25% reciprocal tariff from 2025-08-01" in section
    assert "unavailable" not in section


def test_april_2025_section_puts_yields_custody_flows_and_events_on_one_axis(report):
    # fixture values are constructed (see tests/test_evidence_marts.py); the events are the registers'
    page = report.read_text(encoding="utf-8")
    section = page[page.index('<section id="april-2025">'): page.index("</main>")]
    assert "<h2>April 2025: the sell-off</h2>" in section and "unavailable" not in section
    data, layout = figure(page, "chart-april-2025")
    by_name = {t["name"]: t for t in data}
    ten = by_name["10-year"]
    assert ten["y"][ten["x"].index("2025-04-09")] == 4.34
    assert None in ten["y"] and ten["x"][ten["y"].index(None)] == "2025-04-18"  # Good Friday: a gap, not a value
    assert by_name["30-year"]["y"][by_name["30-year"]["x"].index("2025-04-09")] == 4.84
    assert by_name["term premium"]["y"][by_name["term premium"]["x"].index("2025-04-09")] == 0.67
    custody = by_name["custody change"]
    assert custody["type"] == "bar" and custody["y"][custody["x"].index("2025-04-09")] == -17.5  # $ bn
    bonds = by_name["Japan foreign bonds"]
    assert bonds["y"][bonds["x"].index("2025-04-09")] == -2.1  # the week 04-06..04-12, drawn mid-week, trillion yen
    hovers = " ".join(html.unescape(t) for trace in data if trace.get("mode") == "markers" for t in trace["text"])
    for event_id in ("2025-04-09-kato-rules-out", "2025-05-01-kato-among-cards", "2025-04-02-eo14257-reciprocal", "2025-04-09-eo14266-pause"):
        assert event_id in hovers, event_id
    assert "2025-05-15-us-japan-talks-mid-may" not in hovers  # approximate date: not placed on the axis
    # the window table: Kato's Tokyo-morning statement counted from the previous New York close
    row = re.search(r"<tr><td>2025-04-09-kato-rules-out</td>(.*?)</tr>", section)
    assert row, "no window row for Kato 2025-04-09"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert cells[:8] == ["statement", "2025-04-08 *", "2025-04-08", "4.26", "+8", "+8", "+1", "+4"]
    assert cells[8:] == ["-17.5", "-2.10"]


# -- failure modes -------------------------------------------------------------------------------


def test_missing_mart_leaves_the_other_sections(home):
    with duckdb.connect(str(home / "tlw.duckdb")) as con:
        con.execute("DROP TABLE marts.tariff_event_windows")
    out = io.StringIO()
    assert run_report(Settings.from_env(), out=out) == 0
    page = Path(out.getvalue().strip()).read_text(encoding="utf-8")
    windows = page[page.index('<section id="tariff-windows">'):]
    assert "This section is unavailable" in windows and "marts.tariff_event_windows is not in the published warehouse" in windows
    assert page.count("This section is unavailable") == 1
    for chart in CHARTS:
        figure(page, chart)
    assert '<span data-iso3="JPN">Japan</span>' in page and 'data-month="2025-03"' in page


def test_no_published_warehouse_exits_2(tmp_path, monkeypatch):
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "empty"))
    out = io.StringIO()
    assert run_report(Settings.from_env(), out=out) == 2
    assert "no published warehouse" in out.getvalue()
    assert not (tmp_path / "empty" / "reports").exists()


# -- headless Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not on PATH (Debian: apt-get install -y chromium): the report was not opened in a browser")


def run_chromium(browser: str, profile: Path, page: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )


def test_report_renders_in_headless_chromium(browser, report, tmp_path):
    dom = run_chromium(browser, tmp_path / "profile-dom", report, "--dump-dom").stdout
    assert "</html>" in dom, "Chromium printed no DOM"
    for i, chart in enumerate(CHARTS):
        start = dom.index(f'<div id="{chart}"')
        end = dom.index(f'<div id="{CHARTS[i + 1]}"') if i + 1 < len(CHARTS) else len(dom)
        drawn = dom[start:end]
        assert "js-plotly-plot" in drawn[:200], f"plotly did not take over {chart}"
        assert 'class="plot-container plotly"' in drawn
        assert len(re.findall(r'<svg class="main-svg"', drawn)) >= 2, f"{chart} has no rendered SVG"
    holders = dom[dom.index('<div id="chart-holders"'): dom.index('<div id="chart-japan"')]
    assert len(re.findall(r'class="trace scatter', holders)) >= 8 + 1  # eight holders, the event markers
    japan = dom[dom.index('<div id="chart-japan"'): dom.index('<div id="chart-april-2025"')]
    assert re.search(r'class="trace bars', japan), "no intervention bars drawn"

    png = tmp_path / "report.png"
    run_chromium(browser, tmp_path / "profile-png", report, f"--screenshot={png}", "--window-size=1400,2400")
    assert png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 50_000  # a blank 1400x2400 page is a few KB


def test_bench_screenshot_script_counts_the_charts(browser, report, tmp_path):
    png = tmp_path / "bench.png"
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "report_screenshot.py"), str(report), "--png", str(png)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"screenshot {png}" in done.stdout
    assert "charts     3 of 3 rendered" in done.stdout
    assert png.stat().st_size > 50_000
