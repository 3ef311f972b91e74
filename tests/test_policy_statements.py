"""The curated statements register: required statements, sources, and errors naming the CSV line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines import policy_statements as ps
from pipelines import tariff_register
from pipelines.sources.errors import SourceFormatError

NEWS = "shared:news/2025-05-japan-treasuries-card-article.txt"


@pytest.fixture(scope="module")
def register() -> pl.DataFrame:
    return ps.load_statements()


def _row(register: pl.DataFrame, statement_id: str) -> dict:
    [row] = register.filter(pl.col("statement_id") == statement_id).to_dicts()
    return row


def test_register_loads_typed(register: pl.DataFrame):
    assert register.schema == pl.Schema(ps.SCHEMA)
    assert register["statement_id"].n_unique() == register.height
    assert register["csv_line"].to_list() == list(range(2, register.height + 2))


def test_kato_statements(register: pl.DataFrame):
    ruled_out = _row(register, "2025-04-09-kato-rules-out")
    assert (ruled_out["statement_date"], ruled_out["kind"], ruled_out["time_zone"]) == (date(2025, 4, 9), "rules_out", "Asia/Tokyo")
    assert (ruled_out["speaker"], ruled_out["office"], ruled_out["country"]) == ("Katsunobu Kato", "Minister of Finance", "JPN")
    cards = _row(register, "2025-05-01-kato-among-cards")
    assert cards["kind"] == "hints" and "It could be among such cards" in cards["quote"]
    for row in (ruled_out, cards):
        assert row["source_url"] == NEWS and "Secondary" in row["notes"]


def test_quotes_are_in_the_sources(register: pl.DataFrame, real_sources: Path):
    # every quote is the source's own words: the stored article, or the stored White House text
    article = (real_sources / "news" / "2025-05-japan-treasuries-card-article.txt").read_text(encoding="utf-8")
    order = " ".join((real_sources / "tariffs" / "whitehouse" / "2025-09-04-implementing-the-united-states-japan-agreement.md").read_text(encoding="utf-8").split())
    for row in register.iter_rows(named=True):
        text = article if row["source_url"] == NEWS else order
        assert row["quote"] in text, row["statement_id"]


def test_talks_rounds(register: pl.DataFrame):
    rounds = register.filter(pl.col("kind") == "talks_round")
    mid_may = _row(register, "2025-05-15-us-japan-talks-mid-may")
    assert mid_may["date_precision"] == "approximate" and mid_may["quote"] == "As talks resume in mid-May"
    # every U.S.-Japan agreement the tariff register announces has its talks round here
    events = tariff_register.load_register()
    deals = events.filter((pl.col("action") == "agreement") & (pl.col("authority") == "agreement")
                          & pl.col("partners").list.contains("JPN"))
    assert deals.height >= 1
    assert set(deals["announced_on"].to_list()) <= set(rounds["statement_date"].to_list())


# ---------------------------------------------------------------- errors


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "statements.csv"
    path.write_text(",".join(ps.COLUMNS) + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = ('2025-04-09-kato-rules-out,2025-04-09,day,,Asia/Tokyo,Katsunobu Kato,Minister of Finance,JPN,'
        f'rules_out,"ruled out such tactics",{NEWS},Secondary reporting.')


def test_good_row_loads(tmp_path: Path):
    assert ps.load_statements(_write(tmp_path, GOOD)).height == 1


@pytest.mark.parametrize(
    "old, new, words",
    [
        (",rules_out,", ",threatens_sale,", ["unknown kind 'threatens_sale'"]),
        ("Asia/Tokyo", "JST", ["time_zone 'JST'"]),
        (",JPN,", ",JP,", ["country 'JP'"]),
        (",2025-04-09,day,", ",2025-04-31,day,", ["not a day of the calendar"]),
        (",day,,", ",day,9am,", ["time_local '9am'"]),
        (",day,", ",roughly,", ["date_precision 'roughly'"]),
        (NEWS, "www.example.org/kato", ["neither an https:// URL"]),
        ("Secondary reporting.", "From the article.", ["'secondary'"]),
        ('"ruled out such tactics"', '"' + "x" * 301 + '"', ["301 characters"]),
    ],
)
def test_errors_name_the_line(tmp_path: Path, old: str, new: str, words: list[str]):
    other = GOOD.replace("2025-04-09-kato-rules-out", "2025-04-09-kato-second")
    path = _write(tmp_path, other, GOOD.replace(old, new))
    with pytest.raises(SourceFormatError) as caught:
        ps.load_statements(path)
    err = caught.value
    assert (err.source, err.url, err.line) == ("policy_statements", str(path), 3)
    for word in words + ["line 3: 2025-04-09-kato-rules-out"]:
        assert word in str(err), str(err)


def test_duplicate_id_and_header(tmp_path: Path):
    with pytest.raises(SourceFormatError, match=r"line 3: .*duplicate statement_id, first at line 2"):
        ps.load_statements(_write(tmp_path, GOOD, GOOD))
    bad = tmp_path / "bad.csv"
    bad.write_text("id,date\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="line 1: header"):
        ps.load_statements(bad)
