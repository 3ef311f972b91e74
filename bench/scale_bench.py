"""Scale benchmark: cold refreshes from generated mirrors 1x, 10x and 100x today's volume.

    .venv/bin/python bench/scale_bench.py [--scales 1,10,100]

For each scale, bench/generate.py writes a mirror in the official formats to a temporary
directory (more countries, months and years in mfhhis01.txt, more months for MOF and FRED, many
more Debt to the Penny records and Federal Register documents in API pages; see its table for
what grows and where a format caps the growth), then a cold `tlw refresh` runs from it in a child
process (wall, CPU, peak RSS), then the floor (bench/floor.py: same raw bodies, project parsers,
fresh DuckDB, models and blocking checks, no Dagster). Prints each scale and the growth factors
against 1x: input bytes, rows loaded, wall time, peak memory, refresh/floor ratio. Prints only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import clean_env, fixture_fred_series, floor, machine, refresh  # noqa: E402
from generate import write_mirror  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    args = parser.parse_args()
    scales = [float(s) for s in args.scales.split(",")]
    print("== scale benchmark ==")
    print(machine())
    results = {}
    with tempfile.TemporaryDirectory(prefix="tlw-scale-") as scratch:
        for scale in scales:
            label = f"{scale:g}x"
            mirror, home = Path(scratch) / f"mirror-{label}", Path(scratch) / f"home-{label}"
            started = time.perf_counter()
            summary = write_mirror(mirror, scale)
            generated = time.perf_counter() - started
            print(f"\n{label}: generated {summary['mirror_bytes'] / 1e6:.1f} MB in {generated:.1f} s: "
                  + "; ".join(f"{k} {v}" for k, v in summary.items() if k != "mirror_bytes"), flush=True)
            env = clean_env(TLW_HOME=str(home), TLW_MIRROR=str(mirror), TLW_FRED_SERIES=fixture_fred_series(mirror))
            measured = refresh(env)
            status = "published" if measured.ok() else f"EXIT {measured.returncode} (not published)"
            for line in (measured.stdout + measured.stderr).splitlines():
                if line.startswith(("error", "  FAILED")):
                    print(f"    {line[:240]}")
            floor_run, phases = floor(home)
            ratio = measured.wall_s / floor_run.wall_s
            print(f"{label}: refresh {measured.wall_s:.2f} s wall, {measured.cpu_s:.2f} s CPU, "
                  f"{measured.peak_rss_mb:.0f} MB peak RSS, {status}")
            print(f"{label}: floor   {floor_run.wall_s:.2f} s wall, {floor_run.cpu_s:.2f} s CPU, "
                  f"{floor_run.peak_rss_mb:.0f} MB peak RSS; phases s: "
                  + ", ".join(f"{k[:-2]} {v:.2f}" for k, v in phases.items() if k.endswith("_s"))
                  + f"; {phases['rows_loaded']} rows from {phases['raw_bytes'] / 1e6:.1f} MB raw"
                  + (f"; failed checks {phases['failed_checks']}" if phases["failed_checks"] else ""))
            print(f"{label}: orchestration overhead (refresh wall / floor wall) {ratio:.2f}x", flush=True)
            results[scale] = (summary, measured, floor_run, phases, ratio)
    if 1.0 in results and len(results) > 1:
        base_summary, base, base_floor, base_phases, _ = results[1.0]
        print("\ngrowth against 1x")
        print(f"{'scale':>6} {'input':>8} {'rows':>8} {'wall':>8} {'CPU':>8} {'peak RSS':>9} {'floor wall':>11} {'ratio':>7}")
        for scale, (summary, measured, floor_run, phases, ratio) in results.items():
            print(f"{scale:>5g}x {summary['mirror_bytes'] / base_summary['mirror_bytes']:>7.1f}x "
                  f"{phases['rows_loaded'] / base_phases['rows_loaded']:>7.1f}x "
                  f"{measured.wall_s / base.wall_s:>7.2f}x {measured.cpu_s / base.cpu_s:>7.2f}x "
                  f"{measured.peak_rss_mb / base.peak_rss_mb:>8.2f}x {floor_run.wall_s / base_floor.wall_s:>10.2f}x "
                  f"{ratio:>6.2f}x")
        print("targets (issue 7): 100x wall <= 10x the 1x wall, peak memory <= 2 GB, overhead <= 3x the floor at 100x")


if __name__ == "__main__":
    main()
