"""The curated tariff-event register: loading, seeded content, validation and the feed comparison."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines import tariff_register as tr
from pipelines.mirror import mirror_relpath
from pipelines.sources import federal_register as fr
from pipelines.sources.errors import SourceFormatError

# Every Federal Register document EVENTS_FACTS.md gives a number and a publication date for.
FR_DOCUMENTS_IN_EVENTS_FACTS = {
    "2018-05477", "2018-05478", "2023-04470", "2024-21217", "2025-02406", "2025-02407", "2025-02408",
    "2025-02478", "2025-02479", "2025-02832", "2025-02833", "2025-03775", "2025-03990", "2025-03991",
    "2025-05930", "2025-06063", "2025-06378", "2025-06462", "2025-07833", "2025-09297", "2025-10524",
    "2025-11473", "2025-12962", "2025-14893", "2025-14896", "2025-14897", "2025-14999", "2025-15010",
    "2025-15267", "2025-15554", "2025-17389", "2025-17507", "2025-17908", "2025-18660", "2025-19482",
    "2025-19639", "2025-19825", "2025-23316", "2025-21940", "2026-01052", "2026-03832", "2026-03824",
    "2026-06960", "2026-06956", "2026-10571", "2026-11314",
}


@pytest.fixture(scope="module")
def register() -> pl.DataFrame:
    return tr.load_register()


@pytest.fixture
def feed(fixture_mirror: Path) -> pl.DataFrame:
    """Every fixture page of the three searches (written for `per_page=5`), next_page_url followed."""
    frames = []
    for url in fr.search_urls(date(2018, 1, 1), per_page=5):
        while url:
            frame, url, _ = fr.parse_page((fixture_mirror / mirror_relpath(url)).read_bytes(), url)
            frames.append(frame)
    return pl.concat(frames)


def _event(register: pl.DataFrame, event_id: str) -> dict:
    [row] = register.filter(pl.col("event_id") == event_id).to_dicts()
    return row


# --- loading -----------------------------------------------------------------------------------


def test_register_loads_typed(register: pl.DataFrame):
    assert tr.REGISTER_PATH.is_file()
    assert register.schema == pl.Schema(tr.SCHEMA)
    assert register.height >= 60
    assert register["event_id"].n_unique() == register.height
    assert register["csv_line"].to_list() == list(range(2, register.height + 2))  # no multi-line cells


def test_seeded_announcement_deal_and_ruling(register: pl.DataFrame):
    liberation_day = _event(register, "2025-04-02-eo14257-reciprocal")
    assert liberation_day["announced_on"] == date(2025, 4, 2)
    assert liberation_day["fr_document_number"] == "2025-06063"
    assert liberation_day["published_on"] == date(2025, 4, 7)
    japan_deal = _event(register, "2025-07-22-us-japan-deal")
    assert japan_deal["announced_on"] == date(2025, 7, 22)
    assert japan_deal["partner_scope"] == "listed" and japan_deal["partners"] == ["JPN"]
    assert japan_deal["fr_document_number"] is None
    assert (japan_deal["rate_after_pct"], japan_deal["action"]) == (15.0, "agreement")
    [ruling] = register.filter(pl.col("authority") == "court").to_dicts()
    assert (ruling["announced_on"], ruling["action"], ruling["partner_scope"]) == (date(2026, 2, 20), "ruling", "all")


def test_every_fr_numbered_event_is_seeded(register: pl.DataFrame):
    assert FR_DOCUMENTS_IN_EVENTS_FACTS <= set(register["fr_document_number"].drop_nulls().to_list())


def test_japan_and_china_chains_are_seeded(register: pl.DataFrame):
    def steps(iso3: str) -> set[date]:
        rows = register.filter(pl.col("partners").list.contains(iso3))
        return set(rows["effective_on"].drop_nulls().to_list())

    japan = {date(2025, 4, 9), date(2025, 8, 7), date(2025, 9, 16), date(2025, 10, 14), date(2026, 7, 24)}
    assert japan <= steps("JPN")
    assert {date(2025, 2, 4), date(2025, 3, 4), date(2025, 4, 9), date(2025, 4, 10), date(2025, 5, 14),
            date(2025, 8, 12), date(2025, 11, 10)} <= steps("CHN")
    eo14345 = _event(register, "2025-09-04-eo14345-japan")
    assert eo14345["effective_on"] == date(2025, 8, 7) and "retroactive" in eo14345["notes"]


def test_disagreements_and_unverified_values_are_noted(register: pl.DataFrame):
    # ⚠: the official date is recorded, the other one is in the notes.
    fentanyl_cut = _event(register, "2025-11-04-eo14357-china-fentanyl")
    assert fentanyl_cut["effective_on"] == date(2025, 11, 10)
    assert "⚠" in fentanyl_cut["notes"] and "2025-11-09" in fentanyl_cut["notes"]
    # †: kept, and said to be unverified.
    russia = _event(register, "2023-02-24-proc10522-russia-aluminum")
    assert russia["signed_on"] == date(2023, 2, 24) and "unverified (†)" in russia["notes"]
    assert all("unverified (†)" in n for n in register["notes"].drop_nulls().to_list() if "†" in n)


def test_eu_is_written_as_member_states(register: pl.DataFrame):
    eu = _event(register, "2025-09-25-eu-framework-notice")
    assert len(eu["partners"]) == 27 and {"DEU", "FRA", "IRL"} <= set(eu["partners"])


# --- partner scope from the orders' own text ------------------------------------------------------

# EO 14257 and the orders that change its scope or rates for every partner.
RECIPROCAL_FOR_ALL = {
    "2025-04-02-eo14257-reciprocal", "2025-04-09-eo14266-pause", "2025-04-11-memo-eo14257-exceptions",
    "2025-07-07-eo14316-extend-pause", "2025-07-31-eo14326-reciprocal", "2025-09-05-eo14346-scope",
    "2025-11-14-eo14360-agriculture",
}
CHINA_RECIPROCAL = {
    "2025-04-08-eo14259-china", "2025-04-09-eo14257-annex-i-china", "2025-04-09-eo14266-china",
    "2025-05-12-eo14298-geneva-china", "2025-08-11-eo14334-china-extension", "2025-11-04-eo14358-china-reciprocal",
}
SEC_3E = "Any ad valorem rate of duty on articles imported from Canada or Mexico under the terms of this order shall not apply"


def test_reciprocal_rows_exclude_canada_and_mexico(register: pl.DataFrame):
    # EO 14257 sec. 3(d)-(e): goods of Canada and Mexico stay under the border orders instead.
    rows = register.filter(pl.col("event_id").is_in(RECIPROCAL_FOR_ALL)).to_dicts()
    assert len(rows) == len(RECIPROCAL_FOR_ALL)
    for row in rows:
        assert row["partner_scope"] == "all" and {"CAN", "MEX"} <= set(row["excluded_partners"]), row["event_id"]
        assert SEC_3E in row["scope_evidence"], row["event_id"]
    # Every all-partner row titled "reciprocal" is one of them (none forgotten).
    titled = register.filter((pl.col("partner_scope") == "all") & pl.col("title").str.to_lowercase().str.contains("reciprocal"))
    assert set(titled["event_id"]) <= RECIPROCAL_FOR_ALL
    # The border orders themselves still name Canada and Mexico.
    assert _event(register, "2025-02-01-eo14193-canada")["partners"] == ["CAN"]


def test_china_reciprocal_rows_include_hong_kong_and_macau(register: pl.DataFrame):
    for event_id in CHINA_RECIPROCAL:
        row = _event(register, event_id)
        assert row["partner_scope"] == "listed" and set(row["partners"]) == {"CHN", "HKG", "MAC"}, event_id
        assert "Hong Kong" in row["scope_evidence"] and "Macau" in row["scope_evidence"], event_id
    # The pauses keep China's rates, so they exclude all three (and Canada and Mexico).
    for event_id in ("2025-04-09-eo14266-pause", "2025-07-07-eo14316-extend-pause"):
        assert set(_event(register, event_id)["excluded_partners"]) == {"CAN", "CHN", "HKG", "MAC", "MEX"}
    # Every row naming China for a reciprocal rate is in the set.
    named = register.filter(pl.col("partners").list.contains("CHN") & pl.col("title").str.to_lowercase().str.contains("reciprocal"))
    assert set(named["event_id"]) == CHINA_RECIPROCAL


def test_japan_deal_lowered_the_rate_in_force_not_the_threatened_one(register: pl.DataFrame):
    deal = _event(register, "2025-07-22-us-japan-deal")
    assert (deal["rate_before_pct"], deal["rate_after_pct"], deal["rate_threatened_pct"]) == (10.0, 15.0, 25.0)
    letter = _event(register, "2025-07-07-japan-letter-25")
    assert (letter["rate_before_pct"], letter["rate_after_pct"], letter["rate_threatened_pct"]) == (10.0, 10.0, 25.0)
    # Only announcements carry a threatened rate.
    threatened = register.filter(pl.col("rate_threatened_pct").is_not_null())["event_id"].to_list()
    assert sorted(threatened) == ["2025-07-07-japan-letter-25", "2025-07-22-us-japan-deal"]


def test_orders_the_register_lacked_are_added(register: pl.DataFrame):
    low_value = _event(register, "2025-04-02-eo14256-china-low-value")
    assert (low_value["partners"], low_value["effective_on"]) == (["CHN", "HKG"], date(2025, 5, 2))
    polysilicon = _event(register, "2026-08-06-proc-polysilicon")
    assert (polysilicon["partner_scope"], polysilicon["rate_after_pct"], polysilicon["effective_on"]) == ("all", 15.0, date(2026, 12, 4))
    drones = _event(register, "2026-08-13-proc-drones")
    assert (drones["authority"], drones["effective_on"]) == ("section_232", date(2026, 9, 3))
    brazil = _event(register, "2025-11-20-brazil-scope")
    assert brazil["effective_on"] < brazil["signed_on"] and "retroactive" in brazil["notes"]


def test_every_row_has_scope_evidence_and_a_source_per_quote(register: pl.DataFrame):
    for row in register.to_dicts():
        quotes, sources = row["scope_evidence"].split(" […] "), row["scope_source"].split("; ")
        assert len(quotes) == len(sources) and all(q.strip() for q in quotes), row["event_id"]
        assert all(s.startswith("tariffs/whitehouse/") or s == "tariffs/EVENTS_FACTS.md" for s in sources), row["event_id"]


def _order_text(path: Path) -> str:
    """A stored order as the register quotes it: front matter, markdown escapes, emphasis, tags and
    line breaks removed (the words and their order are untouched)."""
    text = path.read_text(encoding="utf-8")
    if path.name != "EVENTS_FACTS.md" and text.startswith("---"):
        text = text.split("---", 2)[2]
    text = re.sub(r"<[^>]+>", "", text.replace("\\", "").replace("*", ""))
    return " ".join(text.split())


def test_scope_evidence_is_quoted_verbatim_from_the_orders(register: pl.DataFrame, real_sources: Path):
    texts: dict[str, str] = {}
    for row in register.to_dicts():
        for quote, source in zip(row["scope_evidence"].split(" […] "), row["scope_source"].split("; ")):
            if source not in texts:
                texts[source] = _order_text(real_sources / source)
            assert quote in texts[source], (row["event_id"], source, quote[:80])
    # A changed word is caught.
    eo14257 = _event(register, "2025-04-02-eo14257-reciprocal")
    assert SEC_3E.replace("Mexico", "Japan") not in texts[eo14257["scope_source"].split("; ")[1]]


def test_every_stored_order_is_in_the_register_or_listed_out_of_scope(register: pl.DataFrame, real_sources: Path):
    cited = {s for row in register.to_dicts() for s in row["scope_source"].split("; ")}
    readme = (Path(tr.__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    out_of_scope = readme.split("### Orders not in the register", 1)[1].split("\n## ", 1)[0]
    for order in sorted((real_sources / "tariffs" / "whitehouse").glob("*.md")):
        in_register = f"tariffs/whitehouse/{order.name}" in cited
        listed = f"`{order.name}`" in out_of_scope
        assert in_register != listed, (order.name, in_register, listed)  # one or the other, not both


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "events.csv"
    path.write_text("\n".join([",".join(tr.COLUMNS), *lines]) + "\n", encoding="utf-8")
    return path


GOOD_LINE = "2025-01-01-x,Title,,2025-01-01,2025-01-05,2025-01-06,ieepa,impose,listed,JPN,,Products of Japan.,tariffs/x.md,all,0,10,,,,"


def test_load_reports_malformed_cells_with_their_line(tmp_path: Path):
    path = _write(tmp_path, [GOOD_LINE, GOOD_LINE.replace("2025-01-05", "2025-13-05").replace("-x,", "-y,")])
    with pytest.raises(SourceFormatError, match="published_on '2025-13-05' is not a YYYY-MM-DD date") as info:
        tr.load_register(path)
    assert (info.value.source, info.value.url, info.value.line) == ("tariff_register", str(path), 3)
    with pytest.raises(SourceFormatError, match="rate_after_pct 'ten' is not a number"):
        tr.load_register(_write(tmp_path, [GOOD_LINE.replace(",0,10,", ",0,ten,")]))
    with pytest.raises(SourceFormatError, match="expected 20 fields") as info:
        tr.load_register(_write(tmp_path, [GOOD_LINE, GOOD_LINE + ",extra"]))
    assert info.value.line == 3


def test_load_refuses_another_layout(tmp_path: Path):
    path = tmp_path / "events.csv"
    path.write_text("event_id,title\nx,y\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="header") as info:
        tr.load_register(path)
    assert info.value.line == 1


def test_load_counts_lines_of_multi_line_notes(tmp_path: Path):
    multi = GOOD_LINE + '"first line\nsecond line"'
    later = GOOD_LINE.replace("-x,", "-z,").replace("2025-01-05", "bad")
    with pytest.raises(SourceFormatError) as info:
        tr.load_register(_write(tmp_path, [multi, later]))
    assert info.value.line == 4  # header 1, row 2-3, bad row starts on 4


# --- validate_register -------------------------------------------------------------------------


def _events(*changes: dict) -> pl.DataFrame:
    base = {
        "event_id": "2025-01-01-x", "title": "Title", "announced_on": None, "signed_on": date(2025, 1, 1),
        "published_on": date(2025, 1, 5), "effective_on": date(2025, 1, 6), "authority": "ieepa",
        "action": "impose", "partner_scope": "listed", "partners": ["JPN"], "excluded_partners": [],
        "scope_evidence": "Products of Japan.", "scope_source": "tariffs/x.md",
        "sectors": ["all"], "rate_before_pct": 0.0, "rate_after_pct": 10.0, "rate_threatened_pct": None, "fr_document_number": None,
        "source_url": None, "notes": None, "csv_line": None,
    }
    return pl.DataFrame([{**base, **change} for change in changes], schema=tr.SCHEMA)


def test_validator_accepts_a_good_row():
    assert tr.validate_register(_events({})) == []


@pytest.mark.parametrize("change, expected", [
    ({"announced_on": date(2025, 1, 2)}, "announced_on 2025-01-02 is after signed_on 2025-01-01"),
    ({"signed_on": date(2025, 1, 9), "effective_on": date(2025, 1, 10)},
     "signed_on 2025-01-09 is after published_on 2025-01-05"),
    ({"effective_on": date(2024, 12, 1)},
     "effective_on 2024-12-01 is before signed_on 2025-01-01 and notes do not say retroactive"),
    ({"authority": "section_999"}, "unknown authority 'section_999'"),
    ({"action": "raise"}, "unknown action 'raise'"),
    ({"partner_scope": "some"}, "unknown partner_scope 'some'"),
    ({"partners": ["JPN", "EU", "XXX"]}, "partners not ISO 3166 alpha-3: EU, XXX"),
    ({"partner_scope": "all", "excluded_partners": ["CA"]}, "excluded_partners not ISO 3166 alpha-3: CA"),
    ({"partner_scope": "all"}, "partner_scope is all but partners are listed"),
    ({"partners": []}, "partner_scope is listed but no partners are given"),
    ({"excluded_partners": ["CAN"]}, "excluded_partners only make sense with partner_scope all"),
])
def test_validator_catches_each_problem(change: dict, expected: str):
    messages = tr.validate_register(_events({**change, "csv_line": 7}))
    assert any(message.startswith("2025-01-01-x (line 7): ") and expected in message for message in messages), messages


def test_retroactive_orders_may_take_effect_before_signing():
    row = {"effective_on": date(2024, 12, 1), "notes": "Retroactive to 2024-12-01 per the order."}
    assert tr.validate_register(_events(row)) == []


def test_validator_catches_duplicate_event_ids():
    messages = tr.validate_register(_events({"csv_line": 2}, {"csv_line": 9}))
    assert messages == ["2025-01-01-x (line 9): duplicate event_id, first at 2025-01-01-x (line 2)"]


def test_validator_checks_fr_documents_only_inside_feed_coverage():
    feed = pl.DataFrame(
        {"document_number": ["2025-00001", "2025-00009"], "publication_date": [date(2025, 1, 1), date(2025, 3, 1)]}
    )
    inside = {"event_id": "in", "fr_document_number": "2025-00005", "published_on": date(2025, 2, 1),
              "signed_on": date(2025, 1, 30), "effective_on": date(2025, 2, 2)}
    outside = {"event_id": "out", "fr_document_number": "2025-00042", "published_on": date(2025, 6, 1),
               "signed_on": date(2025, 5, 30), "effective_on": date(2025, 6, 2)}
    present = {"event_id": "ok", "fr_document_number": "2025-00009", "published_on": date(2025, 3, 1),
               "signed_on": date(2025, 2, 27), "effective_on": date(2025, 3, 2)}
    messages = tr.validate_register(_events(inside, outside, present), feed)
    assert messages == [
        "in: FR document 2025-00005 (published 2025-02-01) is not in the feed, which covers 2025-01-01 to 2025-03-01"
    ]


def test_real_register_is_valid(register: pl.DataFrame):
    assert tr.validate_register(register) == []


def test_real_register_is_valid_against_the_fixture_feed(register: pl.DataFrame, feed: pl.DataFrame):
    assert tr.validate_register(register, feed) == []
    # The fixture feed does reach the documents: dropping one is noticed.
    thinner = feed.filter(pl.col("document_number") != "2025-17389")
    [message] = tr.validate_register(register, thinner)
    assert message.startswith("2025-09-04-eo14345-japan (line ") and "2025-17389" in message


# --- compare_with_feed -------------------------------------------------------------------------


def test_register_agrees_with_the_fixture_feed(register: pl.DataFrame, feed: pl.DataFrame):
    assert tr.compare_with_feed(register, feed).is_empty()


def test_compare_reports_a_planted_title_and_date_disagreement(register: pl.DataFrame, feed: pl.DataFrame):
    planted = feed.with_columns(
        title=pl.when(pl.col("document_number") == "2025-05930")
        .then(pl.lit("Adjusting Imports of Trucks Into the United States"))
        .otherwise(pl.col("title")),
        publication_date=pl.when(pl.col("document_number") == "2025-17389")
        .then(pl.lit(date(2025, 9, 10)))
        .otherwise(pl.col("publication_date")),
    )
    report = tr.compare_with_feed(register, planted)
    assert report.schema == pl.Schema(tr.COMPARE_SCHEMA)
    rows = {(r["event_id"], r["field"]): r for r in report.to_dicts()}
    assert set(rows) == {("2025-03-26-proc10908-autos", "title"), ("2025-09-04-eo14345-japan", "published_on")}
    title = rows[("2025-03-26-proc10908-autos", "title")]
    assert title["register_value"] == "Adjusting Imports of Automobiles and Automobile Parts Into the United States"
    assert title["feed_value"] == "Adjusting Imports of Trucks Into the United States"
    assert title["fr_document_number"] == "2025-05930" and title["csv_line"] is not None
    published = rows[("2025-09-04-eo14345-japan", "published_on")]
    assert (published["register_value"], published["feed_value"]) == ("2025-09-09", "2025-09-10")


def test_compare_ignores_case_and_punctuation_in_titles(register: pl.DataFrame, feed: pl.DataFrame):
    shouted = feed.with_columns(pl.col("title").str.to_uppercase().str.replace_all("'", "\u2019"))
    assert tr.compare_with_feed(register, shouted).is_empty()
