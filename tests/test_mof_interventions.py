"""Japan MOF foreign exchange intervention operations: real file and our cp932 fixture."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.mirror import mirror_relpath
from pipelines.sources import mof_interventions
from tests.parser_errors import expect_format_error

URL = ("https://www.mof.go.jp/english/policy/international_policy/reference/feio/"
       "foreign_exchange_intervention_operations.csv")
REL = mirror_relpath(URL)


def _daily(frame: pl.DataFrame, day: date) -> list[dict]:
    return frame.filter(pl.col("intervention_date") == day).to_dicts()


def _total(frame: pl.DataFrame, quarter: date) -> float:
    rows = frame.filter((pl.col("row_kind") == "quarter_total") & (pl.col("quarter_start") == quarter))
    assert rows.height == 1
    return rows["amount_100m_jpy"][0]


# ---------------------------------------------------------------- real file


@pytest.fixture
def real(real_sources: Path) -> pl.DataFrame:
    return mof_interventions.parse((real_sources / "mirror" / REL).read_bytes(), URL)


def test_real_counts_and_schema(real):
    assert real.schema == pl.Schema(mof_interventions.SCHEMA)
    kinds = dict(real["row_kind"].value_counts().iter_rows())
    assert kinds == {"daily": 386, "quarter_total": 141}
    quarters = real.filter(pl.col("row_kind") == "quarter_total")["quarter_start"].to_list()
    expected = pl.date_range(date(1991, 4, 1), date(2026, 4, 1), "3mo", eager=True).to_list()
    assert quarters == expected  # 1991-Q2 .. 2026-Q2, none missing


def test_real_2022_09_22(real):
    [row] = _daily(real, date(2022, 9, 22))
    assert row == {
        "row_kind": "daily",
        "intervention_date": date(2022, 9, 22),
        "quarter_start": date(2022, 7, 1),
        "amount_100m_jpy": 28_382.0,
        "side": "buy_jpy",
        "currency_pair": "USD/JPY",
        "sold_currency": "USD",
        "bought_currency": "JPY",
        "line_no": 517,
    }


def test_real_spot_values(real):
    assert [r["amount_100m_jpy"] for r in _daily(real, date(2024, 4, 29))] == [59_185.0]
    assert [r["amount_100m_jpy"] for r in _daily(real, date(2022, 10, 21))] == [56_202.0]
    assert _total(real, date(2022, 10, 1)) == 63_499.0
    assert _total(real, date(2024, 4, 1)) == 97_885.0
    assert _total(real, date(2026, 4, 1)) == 117_349.0


def test_real_quarter_totals_agree_within_rounding(real):
    assert mof_interventions.check_quarter_totals(real) == []
    # ...but only within rounding: 16 quarters differ by 1-2 (100 million yen), as note 2 warns,
    # Q4-2022 among them (56,202 + 7,296 = 63,498 against a printed 63,499).
    daily = (real.filter(pl.col("row_kind") == "daily").group_by("quarter_start")
             .agg(pl.col("amount_100m_jpy").sum().alias("s")))
    totals = real.filter(pl.col("row_kind") == "quarter_total").join(daily, on="quarter_start")
    off = totals.filter(pl.col("s") != pl.col("amount_100m_jpy"))
    assert off.height == 16
    assert (off["s"] - off["amount_100m_jpy"]).abs().max() == 2.0
    assert date(2022, 10, 1) in off["quarter_start"].to_list()


def test_real_yen_selling_ended_in_2011(real):
    sells = real.filter(pl.col("side") == "sell_jpy")
    [oct31] = _daily(real, date(2011, 10, 31))
    assert (oct31["amount_100m_jpy"], oct31["side"], oct31["currency_pair"]) == (80_722.0, "sell_jpy", "USD/JPY")
    # the file also lists the smaller 1-4 November 2011 operations after it
    assert sells["intervention_date"].max() == date(2011, 11, 4)
    assert real.filter(pl.col("intervention_date") > date(2011, 11, 4))["side"].unique().to_list() == ["buy_jpy"]


def test_real_pairs(real):
    pairs = dict(real.filter(pl.col("row_kind") == "daily")["currency_pair"].value_counts().iter_rows())
    assert pairs == {"USD/JPY": 361, "EUR/JPY": 18, "USD/IDR": 5, "USD/DEM": 1, "DEM/JPY": 1}
    assert real.filter(pl.col("row_kind") == "daily")["side"].null_count() == 6  # IDR and DEM vs USD


# ---------------------------------------------------------------- fixture


@pytest.fixture
def body(fixture_mirror: Path) -> bytes:
    return (fixture_mirror / REL).read_bytes()


@pytest.fixture
def fixture(body) -> pl.DataFrame:
    return mof_interventions.parse(body, URL)


def test_fixture_bytes_have_the_official_quirks(body):
    assert body.count(b"\r\n") == body.count(b"\n") == 69
    text = body.decode("cp932")
    assert '"28,382"' in text and "200１" in text and "\u3000" in text
    assert "平成31年4月～令和元年6月期計" in text


def test_fixture_rows(fixture):
    kinds = dict(fixture["row_kind"].value_counts().iter_rows())
    assert kinds == {"daily": 30, "quarter_total": 16}
    # carried-forward year and month: `,,13日` is 1991-06-13
    [jun13] = _daily(fixture, date(1991, 6, 13))
    assert (jun13["amount_100m_jpy"], jun13["line_no"]) == (213.0, 18)
    # quoted thousands
    assert [r["amount_100m_jpy"] for r in _daily(fixture, date(2001, 9, 21))] == [12_874.0]
    # the real 2022 operations and their quarter totals
    assert [r["amount_100m_jpy"] for r in _daily(fixture, date(2022, 9, 22))] == [28_382.0]
    assert _total(fixture, date(2022, 10, 1)) == 63_499.0
    assert _total(fixture, date(2022, 7, 1)) == 28_382.0


def test_fixture_quarter_labels(fixture):
    totals = fixture.filter(pl.col("row_kind") == "quarter_total")
    assert totals["intervention_date"].null_count() == totals.height
    assert totals["side"].null_count() == totals.height
    quarters = totals["quarter_start"].to_list()
    assert date(2001, 4, 1) in quarters and date(2001, 10, 1) in quarters  # `200１`
    assert date(2002, 10, 1) in quarters  # `October- December 2002`
    assert date(1997, 4, 1) in quarters  # `April -June 1997`
    assert date(2019, 4, 1) in quarters  # 平成31年4月～令和元年6月期計
    assert date(2019, 7, 1) in quarters  # 令和元年7月～9月期計


def test_fixture_sides_and_pairs(fixture):
    def one(day: date, i: int = 0) -> tuple:
        r = _daily(fixture, day)[i]
        return r["side"], r["currency_pair"], r["sold_currency"], r["bought_currency"]

    assert one(date(1991, 5, 13)) == ("buy_jpy", "USD/JPY", "USD", "JPY")
    assert one(date(1991, 8, 19)) == (None, "USD/DEM", "USD", "DEM")
    assert one(date(1997, 11, 3)) == (None, "USD/IDR", "USD", "IDR")
    assert one(date(2001, 9, 24), 1) == ("sell_jpy", "EUR/JPY", "JPY", "EUR")  # full-width spaces
    assert one(date(2011, 10, 31)) == ("sell_jpy", "USD/JPY", "JPY", "USD")
    assert one(date(2022, 10, 24)) == ("buy_jpy", "USD/JPY", "USD", "JPY")


def test_fixture_quarter_check(fixture, body):
    assert mof_interventions.check_quarter_totals(fixture) == []
    wrong = mof_interventions.parse(body.replace(b'"63,499"', b'"63,599"'), URL)
    [message] = mof_interventions.check_quarter_totals(wrong)
    assert "2022-10-01" in message and "63498" in message and "63599" in message


def test_check_quarter_totals_rounding_bound():
    def frame(daily: list[float], total: float | None) -> pl.DataFrame:
        q = date(2024, 4, 1)
        rows = [{"row_kind": "daily", "intervention_date": date(2024, 4, 29), "quarter_start": q,
                 "amount_100m_jpy": a, "line_no": 1} for a in daily]
        if total is not None:
            rows.append({"row_kind": "quarter_total", "intervention_date": None, "quarter_start": q,
                         "amount_100m_jpy": total, "line_no": 2})
        return pl.DataFrame(rows, schema={k: mof_interventions.SCHEMA[k] for k in rows[0]})

    assert mof_interventions.check_quarter_totals(frame([59_185, 38_700], 97_886)) == []  # off by 1
    assert mof_interventions.check_quarter_totals(frame([59_185, 38_700], 97_884)) == []  # 1.5 allowed
    [msg] = mof_interventions.check_quarter_totals(frame([59_185, 38_700], 97_887))  # off by 2
    assert "2024-04-01" in msg
    [msg] = mof_interventions.check_quarter_totals(frame([59_185], None))
    assert "no quarter total" in msg
    [msg] = mof_interventions.check_quarter_totals(frame([], 5.0))  # a total with no operations
    assert "sum to 0" in msg


# ---------------------------------------------------------------- errors


def _raises(body: bytes, line: int | None, *words: str) -> None:
    expect_format_error(mof_interventions.parse, body, URL, "mof_interventions", line, *words)

def _sub(body: bytes, old: str, new: str) -> bytes:
    assert body.count(old.encode("cp932")) == 1, old
    return body.replace(old.encode("cp932"), new.encode("cp932"))


def test_error_column_count(body):
    _raises(_sub(body, "平成3年7～9月期計,,,July - September 1991,,,139,,",
                 "平成3年7～9月期計,,,July - September 1991,,,139,,,"), 21, "expected 9 columns")


def test_error_units(body):
    _raises(_sub(body, "(単位:億円)", "(単位:百万円)"), 10, "units")


def test_error_column_header(body):
    _raises(_sub(body, "金額(amount)", "金額(USD)"), 14, "column header")


def test_error_amount_not_a_number(body):
    _raises(_sub(body, '"28,382",米ドル', '"28.382",米ドル'), 57, "amount")


def test_error_unknown_currency(body):
    _raises(_sub(body, ",,5日,,,5,110,米ドル売り・インドネシアルピア買い,the US dollar (sold) the Indonesian rupiah",
                 ",,5日,,,5,110,米ドル売り・タイバーツ買い,the US dollar (sold) the Thai baht"), 26, "unknown currency")


def test_error_japanese_and_english_disagree(body):
    _raises(_sub(body, ",,6日,,,6,166,米ドル売り・インドネシアルピア買い,the US dollar (sold) the Indonesian rupiah (bought)",
                 ",,6日,,,6,166,米ドル売り・インドネシアルピア買い,the US dollar (bought) the Indonesian rupiah (sold)"),
            27, "inconsistent currency pair")


def test_error_lost_year_label_goes_backwards(body):
    # without 令和4年 the 22 September operation would be dated 2011 and go back in time
    _raises(_sub(body, '令和4年,9月,22日,2022', ',9月,22日,'), 57, "2011-09-22 comes before")


def test_error_quarter_label_languages_disagree(body):
    _raises(_sub(body, "令和4年7月～9月期計,,,July - September 2022", "令和4年7月～9月期計,,,July - September 2021"),
            58, "name different quarters")


def test_error_operation_outside_its_quarter(body):
    _raises(_sub(body, "令和4年7月～9月期計,,,July - September 2022", "令和4年4月～6月期計,,,April - June 2022"),
            58, "2022-09-22 (line 57)", "not in the quarter this total closes (2022-04-01)")


def test_error_unknown_era_in_quarter_label(body):
    _raises(_sub(body, "令和元年7月～9月期計", "新元元年7月～9月期計"), 56, "unknown Japanese era")


def test_error_row_without_day_is_not_a_total(body):
    _raises(_sub(body, "平成3年10～12月期計,,,October - December 1991", "平成3年10～12月,,,October - December 1991"),
            22, "not a quarter total")


def test_error_data_after_footnotes(body):
    _raises(body + "令和4年,11月,1日,2022,Nov,1,100,x,y\r\n".encode("cp932"), 70, "after the footnotes")
