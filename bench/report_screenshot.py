"""Render the latest `tlw report` in headless Chromium: a PNG screenshot and a count of the charts drawn.

    python bench/report_screenshot.py [REPORT.html] [--png OUT.png] [--height 2400]

REPORT.html defaults to `$TLW_HOME/reports/latest.html`; the PNG is written beside the report
(`<report>.png`) unless --png says where. Chromium runs with networking disabled (every host name
resolves to nothing), so a chart that draws proves the report is self-contained.

Prints the screenshot path and, per chart of the report (`<div class="plotly-graph-div">`), whether
plotly drew it (the rendered DOM has its `main-svg` elements) and how many traces it has.
Exit 0 when every chart rendered, 1 when one did not, 2 when Chromium or the report is missing.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no network: the report must not need it
    "--virtual-time-budget=10000",  # let plotly finish drawing before the DOM is read
)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(chromium: str, report: Path, *extra: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="tlw-chromium-") as profile:
        return subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, report.resolve().as_uri()],
            capture_output=True, text=True, timeout=180, check=False,
        )


def rendered_charts(dom: str) -> dict[str, dict[str, int]]:
    """Per chart div id: the main-svg elements and traces plotly drew inside it."""
    starts = [(m.start(), m.group(1)) for m in re.finditer(r'<div id="([^"]+)" class="plotly-graph-div[^"]*"', dom)]
    charts = {}
    for i, (start, chart_id) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(dom)
        part = dom[start:end]
        charts[chart_id] = {
            "main_svg": len(re.findall(r'<svg class="main-svg"', part)),
            "traces": len(re.findall(r'class="trace (?:scatter|bars)', part)),
        }
    return charts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", type=Path, help="report HTML (default $TLW_HOME/reports/latest.html)")
    parser.add_argument("--png", type=Path, help="where to write the screenshot (default beside the report)")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=2400)
    args = parser.parse_args(argv)

    report = args.report
    if report is None:
        from pipelines.config import Settings

        report = Settings.from_env().home / "reports" / "latest.html"
    if not report.is_file():
        print(f"no report at {report}: run `tlw report` first", file=sys.stderr)
        return 2
    chromium = find_chromium()
    if chromium is None:
        print("Chromium is not on PATH (Debian: apt-get install -y chromium)", file=sys.stderr)
        return 2

    png = (args.png or report.with_suffix(".png")).resolve()
    png.unlink(missing_ok=True)
    shot = run_chromium(chromium, report, f"--screenshot={png}", f"--window-size={args.width},{args.height}")
    dom = run_chromium(chromium, report, "--dump-dom")
    if not png.is_file():
        print(f"Chromium wrote no screenshot (exit {shot.returncode}): {shot.stderr.strip()[-500:]}", file=sys.stderr)
        return 1
    charts = rendered_charts(dom.stdout)
    drawn = [name for name, c in charts.items() if c["main_svg"] > 0]
    print(f"screenshot {png} ({png.stat().st_size // 1024} KB, {args.width}x{args.height})")
    print(f"charts     {len(drawn)} of {len(charts)} rendered")
    for name, c in charts.items():
        print(f"  {name}: {c['main_svg']} main-svg elements, {c['traces']} traces")
    return 0 if charts and len(drawn) == len(charts) else 1


if __name__ == "__main__":
    sys.exit(main())
