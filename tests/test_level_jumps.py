"""sql/checks/series_level_jumps.sql on staging rows written by hand: both of its rules, and the
URL of the offending body in the message (the check carries a key of the URL through its windows
and looks the text up at the end, to stay small at 100x the data)."""

from __future__ import annotations

import duckdb
import pytest

from pipelines import warehouse
from pipelines.sql_files import checks

URL_2025 = "https://fred.stlouisfed.org/graph/fredgraph.csv?id=TRESEGCNM052N&vintage=2025"
URL_2026 = "https://fred.stlouisfed.org/graph/fredgraph.csv?id=TRESEGCNM052N&vintage=2026"


@pytest.fixture
def con():
    with duckdb.connect() as con:
        warehouse.ensure_structure(con)
        con.execute("INSERT INTO staging.fred_series (series_id, unit) VALUES ('TRESEGCNM052N', 'usd_mn')")
        yield con


def fred(con, url: str, fetched_at: str, rows: list[tuple[str, float]]) -> None:
    for obs_date, value in rows:
        con.execute(
            "INSERT INTO staging.fred (series_id, obs_date, value, source_url, fetched_at) VALUES ('TRESEGCNM052N', ?, ?, ?, ?)",
            [obs_date, value, url, fetched_at],
        )


def problems(con) -> list[str]:
    (check,) = [c for c in checks() if c.name == "series_level_jumps"]
    return [row["problem"] for row in warehouse.run_check(con, check).sample]


def test_a_unit_change_between_consecutive_months_names_the_body(con):
    fred(con, URL_2026, "2026-01-05 00:00:00+00", [("2024-03-01", 3263670.21), ("2024-04-01", 3295.32321)])
    assert problems(con) == [
        f"fred TRESEGCNM052N: 3263670.21 on 2024-03-01 but 3295.32321 on 2024-04-01, a 990x jump between "
        f"consecutive observations ({URL_2026})"
    ]


def test_decades_of_growth_are_not_a_jump(con):
    """1,000-fold over 40 years of months, 1.5% a month: the series' range grows far beyond 100x,
    but no month moves it 100x, so no problem."""
    months = [(f"{1985 + n // 12}-{n % 12 + 1:02d}-01", 3000.0 * 1.015**n) for n in range(480)]
    assert months[-1][1] / months[0][1] > 1000
    fred(con, URL_2026, "2026-01-05 00:00:00+00", months)
    assert problems(con) == []


def test_a_date_restated_100x_off_its_previous_copy_names_the_newest_body(con):
    fred(con, URL_2025, "2025-01-05 00:00:00+00", [("2024-03-01", 3263.67)])
    fred(con, URL_2026, "2026-01-05 00:00:00+00", [("2024-03-01", 3263670.21)])
    assert problems(con) == [
        f"fred TRESEGCNM052N: 3263670.21 on 2024-03-01 in the newest copy ({URL_2026}) but 3263.67 in the copy "
        "before (fetched 2025-01-05 00:00:00+00), 1000x off the series' own history"
    ]
