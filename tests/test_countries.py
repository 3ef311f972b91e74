"""The country dimension: explicit label table, ISO codes, custody centres."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from pipelines.countries import (
    AGGREGATE_CODES,
    COUNTRIES,
    CUSTODY_CENTERS,
    ISO3166_ALPHA3,
    Country,
    dim_country_frame,
    label_map_frame,
    resolve_label,
)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("China, Mainland", ("CHN", None)),
        ("China, mainland", ("CHN", None)),
        ("Korea", ("KOR", None)),
        ("Korea, South", ("KOR", None)),
        ("United Kingdom", ("GBR", None)),
        ("Belgium", ("BEL", None)),
        ("Taiwan", ("TWN", None)),
        ("Hong Kong", ("HKG", None)),
        ("Cayman Islands", ("CYM", None)),
        ("El Salvador", ("SLV", None)),
        ("Russia", ("RUS", None)),
        ("Turkey", ("TUR", None)),
        ("British Virgin Islands", ("VGB", None)),
        ("Carib Bnkng Ctrs", (None, "carib_banking_centers")),
        ("Carib Bkg Ctrs", (None, "carib_banking_centers")),
        ("Oil Exporters", (None, "oil_exporters")),
        ("Belgium-Luxembourg", (None, "belgium_luxembourg")),
        ("All Other", (None, "all_other")),
        ("Grand Total", (None, "grand_total")),
        ("For. Official", (None, "foreign_official")),
        ("Treasury Bills", (None, "foreign_official_bills")),
        ("T-Bonds & Notes", (None, "foreign_official_bonds_notes")),
        ("Of Which: Foreign Official", (None, "foreign_official")),
        ("Of Which: Foreign Official Treasury Bills", (None, "foreign_official_bills")),
        ("Of Which: Foreign Official T-Bonds & Notes", (None, "foreign_official_bonds_notes")),
        ("Total Europe", (None, "total_europe")),
        ("Memo: Euro Area", (None, "euro_area")),
        ("Total Asia", (None, "total_asia")),
    ],
)
def test_resolve_label_variants(label, expected):
    assert resolve_label(label) == expected


@pytest.mark.parametrize(
    "label",
    # No fuzzy matching: case, spacing, uncleaned markers and our own display names all fail.
    ["korea, south", "Japan ", "United Kingdom 2/", "China", "South Korea", "Of Which:",
     "Of Which: Foreign", "Atlantis", ""],
)
def test_unknown_labels_raise_key_error(label):
    with pytest.raises(KeyError):
        resolve_label(label)


def test_every_country_is_iso_3166():
    assert COUNTRIES, "no countries"
    for iso3, country in COUNTRIES.items():
        assert iso3 in ISO3166_ALPHA3
        assert country.iso3 == iso3
        assert country.name


def test_every_mfhhis01_country_is_present():
    # The 50 countries printed in the real mfhhis01.txt (2000-2025), by iso3.
    expected = set(
        "ARE AUS BEL BHS BMU BRA CAN CHE CHL CHN COL CYM DEU DNK EGY ESP FIN FRA GBR HKG IDN IND "
        "IRL IRQ ISR ITA JPN KAZ KOR KWT LUX MEX MYS NLD NOR OMN PER PHL POL RUS SAU SGP SLV SWE "
        "THA TUR TWN URY VNM ZAF".split()
    )
    assert expected <= set(COUNTRIES)


def test_names_are_plain_english():
    assert COUNTRIES["KOR"].name == "South Korea"
    assert COUNTRIES["TWN"].name == "Taiwan"
    assert COUNTRIES["CHN"].name == "China"
    assert COUNTRIES["GBR"].name == "United Kingdom"


def test_country_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        COUNTRIES["JPN"].name = "Nippon"  # type: ignore[misc]
    assert isinstance(COUNTRIES["JPN"], Country)


def test_custody_centers():
    assert CUSTODY_CENTERS == {"BEL", "LUX", "GBR", "CYM", "IRL", "CHE", "BMU", "BHS", "VGB"}
    assert COUNTRIES["BEL"].is_custody_center
    assert COUNTRIES["CYM"].is_custody_center
    assert not COUNTRIES["HKG"].is_custody_center
    assert not COUNTRIES["JPN"].is_custody_center
    assert {i for i, c in COUNTRIES.items() if c.is_custody_center} == CUSTODY_CENTERS


def test_aggregate_codes():
    required = {"grand_total", "all_other", "foreign_official", "foreign_official_bills",
                "foreign_official_bonds_notes", "carib_banking_centers", "oil_exporters",
                "belgium_luxembourg"}
    assert required <= AGGREGATE_CODES
    assert not AGGREGATE_CODES & set(COUNTRIES)


def test_dim_country_frame():
    df = dim_country_frame()
    assert df.schema == pl.Schema({"iso3": pl.Utf8, "name": pl.Utf8,
                                   "is_custody_center": pl.Boolean, "aliases": pl.List(pl.Utf8)})
    assert df.height == len(COUNTRIES)
    assert df["iso3"].is_unique().all()
    kor = df.filter(pl.col("iso3") == "KOR").row(0, named=True)
    assert kor["name"] == "South Korea"
    assert sorted(kor["aliases"]) == ["Korea", "Korea, South"]
    chn = df.filter(pl.col("iso3") == "CHN").row(0, named=True)
    assert sorted(chn["aliases"]) == ["China, Mainland", "China, mainland"]
    assert df.filter(pl.col("iso3") == "BEL")["is_custody_center"].item() is True
    # every country is reachable from at least one source label
    assert df.filter(pl.col("aliases").list.len() == 0).height == 0


def test_label_map_frame():
    df = label_map_frame()
    assert df.schema == pl.Schema({"label": pl.Utf8, "iso3": pl.Utf8, "aggregate": pl.Utf8})
    assert df["label"].is_unique().all()
    # exactly one of iso3 / aggregate per label
    assert df.filter(pl.col("iso3").is_null() == pl.col("aggregate").is_null()).height == 0
    assert set(df["aggregate"].drop_nulls()) == AGGREGATE_CODES
    assert set(df["iso3"].drop_nulls()) == set(COUNTRIES)
    row = df.filter(pl.col("label") == "Of Which: Foreign Official Treasury Bills").row(0)
    assert row == ("Of Which: Foreign Official Treasury Bills", None, "foreign_official_bills")
    for label, iso3, aggregate in df.iter_rows():
        assert resolve_label(label) == (iso3, aggregate)
