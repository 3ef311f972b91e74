"""Vintage dates are UTC days whatever the machine's time zone (one macro, core.vintage_date).

A body fetched at 2026-03-18 20:00 UTC is already 03-19 in Tokyo: a bare CAST(fetched_at AS DATE)
takes the session's zone (DuckDB's TimeZone, from TZ), so the same refresh dated its TIC vintages
a day apart on two machines.
"""

from __future__ import annotations

import re
from datetime import date

import duckdb

from pipelines import warehouse
from pipelines.catalog import tic
from pipelines.config import SQL_DIR
from pipelines.sql_files import all_models
from tests.conftest import FIXTURE_MIRROR

TABLE5 = FIXTURE_MIRROR / "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/slt_table5.txt"
LATE_EVENING_UTC = "2026-03-18T20:00:00+00:00"


def test_tic_vintage_is_the_utc_day_in_a_tokyo_session():
    (table5,) = [s for s in tic.SOURCES if s.name == "tic_table5"]
    url = tic.TIC_DOCUMENTS + "slt_table5.txt"
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'Asia/Tokyo'")
        warehouse.ensure_structure(con)
        warehouse.load_staging(con, "tic_table5", table5.parse(TABLE5.read_bytes(), url), url=url,
                               raw_sha256="0" * 64, fetched_at=LATE_EVENING_UTC, changed=True)
        # The naive reading, for contrast: the same instant is the 19th in this session.
        assert con.execute("SELECT CAST(max(fetched_at) AS DATE) FROM staging.tic_table5").fetchone()[0] == date(2026, 3, 19)
        models = all_models()
        warehouse.build_model(con, models["core.fct_treasury_holdings"])
        vintages = con.execute("SELECT DISTINCT vintage FROM core.fct_treasury_holdings WHERE source = 'tic_table5'").fetchall()
    assert vintages == [(date(2026, 3, 18),)]


def test_no_model_dates_a_fetch_without_the_macro():
    # A fetch time turned into a day other than through the macro (CAST ... AS DATE, ::DATE).
    bare = re.compile(r"fetched_at\)*\s*(AS\s+DATE\b|::\s*DATE\b)", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(SQL_DIR.parent)}:{number}: {line.strip()}"
        for path in sorted(SQL_DIR.rglob("*.sql")) if path.parent.name != "macros"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if bare.search(line) and not line.lstrip().startswith("--")
    ]
    assert offenders == [], "date a fetch with core.vintage_date(fetched_at) (sql/macros/vintage_date.sql):\n" + "\n".join(offenders)
