"""Query latency of the README's questions on the published warehouse: median and 95th percentile.

    .venv/bin/python bench/query_bench.py [--db PATH/tlw.duckdb] [--runs 200]

Without --db, a warehouse is published first into a temporary TLW_HOME from a temporary mirror:
the fixture mirror with the real files of ../shared/sources/mirror laid over it where they exist
(real TIC history, MOF and FRED files; fixture Table 5/Table 3, Debt to the Penny and Federal
Register pages), so the tables hold realistic row counts.

Each question is asked `--runs` times two ways:
- warm: on one read-only connection kept open (a BI tool or notebook);
- cold: connect read-only with the `tlw sql` settings, query, close (one `tlw sql` call without
  the Python start-up).
Questions are written against the core tables, and against marts.leverage_monthly /
marts.claim_checks when the published file has them. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import FIXTURE_MIRROR, REAL_MIRROR, clean_env, fixture_fred_series, machine, refresh  # noqa: E402

CORE_QUESTIONS = {
    "top holders now (core)": """
        SELECT h.iso3, c.name, h.holdings_usd_bn
        FROM core.treasury_holdings h JOIN core.dim_country c USING (iso3)
        WHERE h.ref_month = (SELECT max(ref_month) FROM core.treasury_holdings)
        ORDER BY h.holdings_usd_bn DESC LIMIT 10""",
    "Japan holdings vs reserves (core)": """
        SELECT h.ref_month, h.holdings_usd_bn, r.total_reserves_usd_mn / 1000 AS reserves_usd_bn,
               h.holdings_usd_bn / (r.total_reserves_usd_mn / 1000) AS holdings_to_reserves
        FROM core.treasury_holdings h
        JOIN core.fct_reserves r ON r.iso3 = h.iso3 AND r.ref_month = h.ref_month
        WHERE h.iso3 = 'JPN'
        QUALIFY row_number() OVER (PARTITION BY h.ref_month ORDER BY r.vintage DESC) = 1
        ORDER BY h.ref_month DESC LIMIT 24""",
    "who sold after 2025-04-02 (core flows)": """
        SELECT iso3, sum(net_sales_usd_bn) AS net_sales_usd_bn, sum(lt_valuation_change_usd_bn) AS valuation_usd_bn
        FROM core.fct_treasury_flows
        WHERE ref_month >= DATE '2025-04-01'
        GROUP BY iso3 HAVING sum(net_sales_usd_bn) > 0
        ORDER BY net_sales_usd_bn DESC""",
    "Japan dumping claim (core)": """
        WITH j AS (
            SELECT ref_month, holdings_usd_bn,
                   holdings_usd_bn - lag(holdings_usd_bn) OVER (ORDER BY ref_month) AS chg_usd_bn
            FROM core.treasury_holdings WHERE iso3 = 'JPN' AND ref_month >= DATE '2025-01-01')
        SELECT j.ref_month, j.holdings_usd_bn, j.chg_usd_bn, f.net_sales_usd_bn, f.lt_valuation_change_usd_bn
        FROM j LEFT JOIN core.fct_treasury_flows f ON f.iso3 = 'JPN' AND f.ref_month = j.ref_month
        ORDER BY j.ref_month""",
}

MART_QUESTIONS = {
    "marts.leverage_monthly": {
        "top holders now (mart)": """
            SELECT iso3, holdings_usd_bn, rank_by_holdings, share_of_foreign_pct, holdings_to_reserves
            FROM marts.leverage_monthly
            WHERE ref_month = (SELECT max(ref_month) FROM marts.leverage_monthly)
            ORDER BY rank_by_holdings LIMIT 10""",
        "Japan holdings vs reserves (mart)": """
            SELECT ref_month, holdings_usd_bn, reserves_usd_bn, holdings_to_reserves
            FROM marts.leverage_monthly WHERE iso3 = 'JPN' ORDER BY ref_month DESC LIMIT 24""",
        "who sold after 2025-04-02 (mart)": """
            SELECT iso3, sum(net_sales_usd_bn) AS net_sales_usd_bn, min(chg_1m_usd_bn) AS worst_month_usd_bn
            FROM marts.leverage_monthly WHERE ref_month >= DATE '2025-04-01'
            GROUP BY iso3 HAVING sum(net_sales_usd_bn) > 0 OR min(chg_1m_usd_bn) < 0
            ORDER BY net_sales_usd_bn DESC NULLS LAST""",
    },
    "marts.claim_checks": {
        "Japan dumping claim (mart)": """
            SELECT ref_month, verdict, is_reduction, evidence
            FROM marts.claim_checks WHERE iso3 = 'JPN' AND ref_month >= DATE '2025-03-01'
            ORDER BY ref_month""",
    },
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed(fn, runs: int) -> list[float]:
    fn()  # the first call warms caches; it is not counted
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def questions_for(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    tables = {f"{s}.{t}" for s, t in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}
    chosen = dict(CORE_QUESTIONS)
    for table, questions in MART_QUESTIONS.items():
        if table in tables:
            chosen.update(questions)
        else:
            print(f"({table} is not in this warehouse: its questions are skipped)")
    return chosen


def publish_sample(scratch: Path) -> Path:
    mirror = scratch / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    if REAL_MIRROR.is_dir():
        for path in REAL_MIRROR.rglob("*"):
            if path.is_file():
                target = mirror / path.relative_to(REAL_MIRROR)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    home = scratch / "home"
    env = clean_env(TLW_HOME=str(home), TLW_MIRROR=str(mirror), TLW_MIRROR_MISSING="skip",
                    TLW_FR_PER_PAGE="5", TLW_FRED_SERIES=fixture_fred_series(mirror))
    done = refresh(env)
    if not done.ok():
        print("(fixture + real files did not publish; using the fixture mirror alone)")
        shutil.rmtree(home)
        env.update(TLW_MIRROR=str(FIXTURE_MIRROR), TLW_FRED_SERIES=fixture_fred_series())
        done = refresh(env)
        if not done.ok():
            raise SystemExit(f"could not publish a warehouse to query:\n{done.stderr[-3000:]}")
    print(f"published a sample warehouse in {done.wall_s:.1f} s from {mirror}")
    return home / "tlw.duckdb"


def bench(db: Path, runs: int) -> None:
    print(f"warehouse {db} ({db.stat().st_size / 1e6:.1f} MB), {runs} runs per question after one warm-up")
    warm = duckdb.connect(str(db), read_only=True)
    rows = {t: warm.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("core.treasury_holdings", "core.fct_treasury_holdings", "core.fct_treasury_flows", "core.fct_reserves")}
    print("rows: " + ", ".join(f"{t} {n}" for t, n in rows.items()))
    questions = questions_for(warm)
    counts, warm_ms = {}, {}
    for name, sql in questions.items():
        counts[name] = len(warm.execute(sql).fetchall())
        warm_ms[name] = timed(lambda sql=sql: warm.execute(sql).fetchall(), runs)
    warm.close()  # DuckDB shares one open instance per file within a process: close it before the cold runs

    print(f"{'question':42} {'rows':>5}  {'warm median':>11} {'warm p95':>9}  {'cold median':>11} {'cold p95':>9}   (ms)")
    worst = 0.0
    for name, sql in questions.items():
        def cold_query(sql: str = sql) -> None:
            con = duckdb.connect(str(db), read_only=True, config={"enable_external_access": False, "lock_configuration": True})
            try:
                con.execute(sql).fetchall()
            finally:
                con.close()

        w, c = warm_ms[name], timed(cold_query, runs)
        worst = max(worst, percentile(w, 95))
        print(f"{name:42} {counts[name]:5d}  {statistics.median(w):11.2f} {percentile(w, 95):9.2f}  "
              f"{statistics.median(c):11.2f} {percentile(c, 95):9.2f}")
    print(f"worst warm p95: {worst:.2f} ms (target: p95 <= 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a published tlw.duckdb (default: publish a sample first)")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print("== query benchmark ==")
    print(machine())
    if args.db:
        bench(args.db, args.runs)
        return
    with tempfile.TemporaryDirectory(prefix="tlw-qbench-") as scratch:
        bench(publish_sample(Path(scratch)), args.runs)


if __name__ == "__main__":
    main()
