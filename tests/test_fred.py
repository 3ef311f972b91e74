"""FRED fredgraph.csv: the series table, both CSV layouts, real files and fixtures."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.countries import ISO3166_ALPHA3
from pipelines.mirror import mirror_relpath
from pipelines.sources import fred, mof_reserves
from tests.parser_errors import expect_format_error


def _body(root: Path, series_id: str) -> bytes:
    return (root / mirror_relpath(fred.series_url(series_id))).read_bytes()


def _value(frame: pl.DataFrame, day: date) -> float | None:
    [value] = frame.filter(pl.col("obs_date") == day)["value"].to_list()
    return value


# ---------------------------------------------------------------- the series table


def test_series_table():
    holders = {"JP", "CN", "GB", "CH", "IN", "BR", "KR", "SA", "SG", "HK", "NO", "CA", "FR", "BE", "LU", "IE"}
    reserves = {k: v for k, v in fred.SERIES.items() if k.startswith("TRESEG")}
    assert set(reserves) == {f"TRESEG{iso2}M052N" for iso2 in holders}
    assert "TRESEGTWM052N" not in fred.SERIES  # Taiwan is not in IMF IFS
    for info in reserves.values():
        assert (info.unit, info.measure, info.frequency) == ("usd_mn", "total_excl_gold", "monthly")
        assert info.iso3 in ISO3166_ALPHA3
    assert fred.SERIES["TRESEGJPM052N"].iso3 == "JPN"
    assert fred.SERIES["TRESEGGBM052N"].iso3 == "GBR"
    assert (fred.SERIES["FDHBFIN"].unit, fred.SERIES["FDHBFIN"].frequency) == ("usd_bn", "quarterly")
    assert (fred.SERIES["DEXJPUS"].unit, fred.SERIES["DEXJPUS"].frequency) == ("jpy_per_usd", "daily")
    for series_id in ("DGS2", "DGS10", "DGS30", "DFII10", "T10YIE", "THREEFYTP10"):
        assert (fred.SERIES[series_id].unit, fred.SERIES[series_id].frequency) == ("percent", "daily")
    for series_id in ("WMTSECL1", "WSEFINTL1"):
        assert (fred.SERIES[series_id].unit, fred.SERIES[series_id].frequency) == ("usd_mn", "weekly")
    assert fred.SERIES["THREEFYTP10"].measure == "term_premium_10y"
    assert fred.DEFAULT_SERIES == tuple(fred.SERIES) and len(fred.DEFAULT_SERIES) == 26
    with pytest.raises(dataclasses.FrozenInstanceError):
        fred.SERIES["DEXJPUS"].unit = "usd_mn"  # type: ignore[misc]


def test_series_url():
    assert fred.series_url("DEXJPUS") == "https://fred.stlouisfed.org/graph/fredgraph.csv?id=DEXJPUS"
    assert mirror_relpath(fred.series_url("FDHBFIN")) == "fred.stlouisfed.org/graph/fredgraph.csv?id=FDHBFIN"
    with pytest.raises(KeyError, match="TRESEGXXM052N"):
        fred.series_url("TRESEGXXM052N")


# ---------------------------------------------------------------- real files


def test_real_china(real_sources: Path):
    frame = fred.parse(_body(real_sources / "mirror", "TRESEGCNM052N"), fred.series_url("TRESEGCNM052N"))
    assert frame.schema == pl.Schema(fred.SCHEMA)
    assert frame.height == 564 and frame["series_id"].unique().to_list() == ["TRESEGCNM052N"]
    assert _value(frame, date(2024, 11, 1)) == pytest.approx(3_328_994.43, abs=0.005)
    assert _value(frame, date(2022, 10, 1)) == pytest.approx(3_113_218.61, abs=0.005)
    assert _value(frame, date(1978, 1, 1)) is None  # only quarterly values before 1980-06
    assert frame["value"].null_count() == 20
    assert frame["line_no"][0] == 2 and frame["obs_date"][0] == date(1977, 12, 1)


def test_real_fdhbfin_old_layout(real_sources: Path):
    url = fred.series_url("FDHBFIN")
    frame = fred.parse(_body(real_sources / "mirror", "FDHBFIN"), url)
    assert frame.height == 188 and frame["series_id"].unique().to_list() == ["FDHBFIN"]
    assert _value(frame, date(2016, 10, 1)) == 6003.9
    assert _value(frame, date(1970, 1, 1)) == 12.4


def test_real_dexjpus(real_sources: Path):
    frame = fred.parse(_body(real_sources / "mirror", "DEXJPUS"), fred.series_url("DEXJPUS"))
    assert frame.height == 2610
    assert _value(frame, date(2022, 9, 22)) == 142.16
    assert _value(frame, date(2024, 4, 29)) == 156.71
    assert _value(frame, date(2022, 10, 10)) is None  # Columbus Day: no noon rate
    assert frame["value"].null_count() == 112


# ---------------------------------------------------------------- fixtures


def test_fixture_japan_is_close_to_mof(fixture_mirror: Path):
    # The TRESEGJPM052N fixture values are MADE UP (no real FRED copy of the Japan series was
    # available); they are set within 1% of the MOF fixture's total reserves excluding gold,
    # which is what IFS reports for Japan up to SDR-conversion differences.
    url = fred.series_url("TRESEGJPM052N")
    frame = fred.parse(_body(fixture_mirror, "TRESEGJPM052N"), url)
    assert frame.height == 5 and _value(frame, date(2025, 5, 1)) is None
    mof_url = "https://www.mof.go.jp/policy/international_policy/reference/official_reserve_assets/historical.csv"
    mof = mof_reserves.parse((fixture_mirror / mirror_relpath(mof_url)).read_bytes(), mof_url)
    joined = frame.drop_nulls("value").join(
        mof.select(pl.col("ref_month").alias("obs_date"),
                   (pl.col("total_reserves_usd_mn") - pl.col("gold_usd_mn")).alias("mof_ex_gold")),
        on="obs_date")
    assert joined.height == 4
    assert ((joined["value"] / joined["mof_ex_gold"] - 1).abs() < 0.05).all()


def test_fixture_china_quarterly_gaps(fixture_mirror: Path):
    frame = fred.parse(_body(fixture_mirror, "TRESEGCNM052N"), fred.series_url("TRESEGCNM052N"))
    assert frame["value"].to_list() == [2345.0, None, None, 2645.0, 3113218.61, 3263670.21, 3295323.21, 3328994.43]
    assert frame["line_no"].to_list() == list(range(2, 10))


def test_fixture_fdhbfin_dot_is_missing(fixture_mirror: Path):
    # the fixture's "." at 2016-01-01 is made up: the old layout's missing-value marker
    frame = fred.parse(_body(fixture_mirror, "FDHBFIN"), fred.series_url("FDHBFIN"))
    assert frame["series_id"].unique().to_list() == ["FDHBFIN"]
    assert _value(frame, date(2016, 1, 1)) is None
    assert _value(frame, date(2016, 10, 1)) == 6003.9
    assert frame["value"].null_count() == 1


def test_fixture_dexjpus_holidays(fixture_mirror: Path):
    frame = fred.parse(_body(fixture_mirror, "DEXJPUS"), fred.series_url("DEXJPUS"))
    assert _value(frame, date(2022, 9, 22)) == 142.16
    assert _value(frame, date(2025, 4, 1)) == 149.40
    nulls = frame.filter(pl.col("value").is_null())["obs_date"].to_list()
    # no noon rate on federal holidays; Good Friday (2025-04-18) is not one and has a rate
    assert nulls == [date(2022, 10, 10), date(2024, 12, 25), date(2025, 1, 1), date(2025, 5, 26)]
    assert _value(frame, date(2025, 4, 18)) == 143.95


# The yield, term-premium and custody fixtures are CONSTRUCTED values shaped like spring 2025 (no
# official copy of these series is available here): they test layouts and rules, not history.


def test_fixture_dgs10_new_layout_holidays_empty(fixture_mirror: Path):
    frame = fred.parse(_body(fixture_mirror, "DGS10"), fred.series_url("DGS10"))
    assert frame["series_id"].unique().to_list() == ["DGS10"]
    assert _value(frame, date(2025, 4, 2)) == 4.20 and _value(frame, date(2025, 4, 11)) == 4.48
    # Good Friday (bond market closed) and Memorial Day: empty cells, missing, not zero
    nulls = frame.filter(pl.col("value").is_null())["obs_date"].to_list()
    assert nulls == [date(2025, 4, 18), date(2025, 5, 26)]
    assert frame.height == 65 and frame["obs_date"].min() == date(2025, 3, 3)


def test_fixture_dgs2_old_layout_dot_for_holidays(fixture_mirror: Path):
    body = _body(fixture_mirror, "DGS2")
    assert body.startswith(b"DATE,VALUE\n") and b"2025-04-18,.\n" in body
    frame = fred.parse(body, fred.series_url("DGS2"))
    assert frame["series_id"].unique().to_list() == ["DGS2"]  # from the URL's id=
    assert _value(frame, date(2025, 4, 18)) is None and _value(frame, date(2025, 5, 26)) is None
    assert _value(frame, date(2025, 4, 2)) == 3.83
    assert frame["value"].null_count() == 2


def test_fixture_custody_wednesday_levels(fixture_mirror: Path):
    marketable = fred.parse(_body(fixture_mirror, "WMTSECL1"), fred.series_url("WMTSECL1"))
    assert {d.weekday() for d in marketable["obs_date"]} == {2}
    assert _value(marketable, date(2025, 4, 2)) == 2_846_100 and _value(marketable, date(2025, 4, 9)) == 2_828_600
    total = fred.parse(_body(fixture_mirror, "WSEFINTL1"), fred.series_url("WSEFINTL1"))  # old layout
    assert _value(total, date(2025, 1, 1)) is None and total["value"].null_count() == 1
    assert _value(total, date(2025, 4, 9)) > _value(marketable, date(2025, 4, 9))


# ---------------------------------------------------------------- errors


def _raises(body: bytes, url: str, line: int, *words: str) -> None:
    expect_format_error(fred.parse, body, url, "fred", line, *words)

URL_JP = "https://fred.stlouisfed.org/graph/fredgraph.csv?id=TRESEGJPM052N"


def test_error_unknown_series_in_header():
    url = "https://fred.stlouisfed.org/graph/fredgraph.csv?id=TRESEGXXM052N"
    _raises(b"observation_date,TRESEGXXM052N\n2024-01-01,1.0\n", url, 1, "TRESEGXXM052N", "not in fred.SERIES")


def test_error_unknown_series_from_url_in_old_layout():
    url = "https://fred.stlouisfed.org/graph/fredgraph.csv?id=GDP"
    _raises(b"DATE,VALUE\n2024-01-01,1.0\n", url, 1, "'GDP'")


def test_error_old_layout_without_id():
    url = "https://example.org/FDHBFIN.csv"
    _raises(b"DATE,VALUE\n2016-10-01,6003.9\n", url, 1, "no id=")


def test_error_html_page():
    _raises(b"<!DOCTYPE html>\n<html><body>Series not found</body></html>\n", URL_JP, 1, "unrecognised header")


def test_error_header_and_url_disagree():
    _raises(b"observation_date,TRESEGCNM052N\n2024-11-01,1.0\n", URL_JP, 1, "TRESEGCNM052N", "TRESEGJPM052N")


def test_error_non_numeric_value():
    _raises(b"observation_date,TRESEGJPM052N\n2025-03-01,1185922.5\n2025-04-01,n/a\n", URL_JP, 3, "'n/a'")


def test_error_dates_out_of_order():
    _raises(b"observation_date,TRESEGJPM052N\n2025-04-01,1.0\n2025-03-01,2.0\n", URL_JP, 3, "not after")


def test_error_monthly_series_with_daily_dates():
    _raises(b"observation_date,TRESEGJPM052N\n2025-03-31,1185922.5\n", URL_JP, 2, "not the first of a month")


def test_error_weekly_series_not_on_a_wednesday():
    url = fred.series_url("WMTSECL1")
    _raises(b"observation_date,WMTSECL1\n2025-04-02,2846100\n2025-04-10,2828600\n", url, 3, "not a Wednesday")


def test_error_daily_series_on_a_weekend():
    url = fred.series_url("DGS10")
    _raises(b"DATE,VALUE\n2025-04-04,4.01\n2025-04-05,4.00\n", url, 3, "weekend")


def test_error_extra_column():
    _raises(b"observation_date,TRESEGJPM052N\n2025-03-01,1185922.5,x\n", URL_JP, 2, "expected DATE,VALUE")
