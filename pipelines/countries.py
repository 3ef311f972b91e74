"""The country dimension: TIC source labels -> ISO 3166-1 alpha-3 country or an aggregate code.

Mapping is an explicit table, never fuzzy matching: a label that is not listed is an error, so a
new or renamed row in an official file stops the load instead of landing in the wrong country.
Labels here are *cleaned* labels (see `pipelines.sources.tic_common.clean_label`: quotes, outer
spaces and footnote markers such as ` 2/` removed, inner runs of spaces collapsed).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pycountry

# Every ISO 3166-1 alpha-3 code (pycountry keeps the standard's 249): the vocabulary every country
# column in the warehouse is checked against. The names we print are ours (below), not the
# standard's ("South Korea", not "Korea, Republic of").
ISO3166_ALPHA3: frozenset[str] = frozenset(country.alpha_3 for country in pycountry.countries)


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    is_custody_center: bool


# Custody centres: TIC attributes holdings to the country of the custodian that reports them,
# not to the beneficial owner, so these countries' figures largely reflect securities *held in
# custody there* for investors elsewhere. Analyses of "who holds Treasuries" must not read them
# as that country's own position.
CUSTODY_CENTERS: frozenset[str] = frozenset(
    {
        "BEL",  # Euroclear (Brussels): the settlement system holding many central banks' bonds.
        "LUX",  # Clearstream Banking (Luxembourg) and a large cross-border fund industry.
        "GBR",  # London custodians and dealers hold for clients worldwide (incl. Gulf states).
        "CYM",  # domicile of hedge funds and other investment vehicles, not of their owners.
        "IRL",  # Dublin-domiciled funds (UCITS, money-market funds) owned by non-residents.
        "CHE",  # Swiss banks' custody for private and institutional clients abroad.
        "BMU",  # insurance/reinsurance and fund vehicles domiciled there for foreign owners.
        "BHS",  # offshore banking and trust centre.
        "VGB",  # offshore companies and funds domiciled there.
        # Not Hong Kong: its holdings are mostly the HKMA Exchange Fund's own reserves backing the
        # currency board; mainland custody through Hong Kong exists but is not the bulk. The same
        # reasoning keeps Singapore (MAS/GIC) out. Revisit if a custody-adjusted view needs them.
    }
)

# iso3 -> plain English short name. Every country that appears in a TIC file we read (the real
# mfhhis01.txt, Table 5, Table 3 and our fixtures) must be here.
_NAMES: dict[str, str] = {
    "ARE": "United Arab Emirates",
    "AUS": "Australia",
    "BEL": "Belgium",
    "BHS": "Bahamas",
    "BMU": "Bermuda",
    "BRA": "Brazil",
    "CAN": "Canada",
    "CHE": "Switzerland",
    "CHL": "Chile",
    "CHN": "China",
    "COL": "Colombia",
    "CYM": "Cayman Islands",
    "DEU": "Germany",
    "DNK": "Denmark",
    "EGY": "Egypt",
    "ESP": "Spain",
    "FIN": "Finland",
    "FRA": "France",
    "GBR": "United Kingdom",
    "HKG": "Hong Kong",
    "IDN": "Indonesia",
    "IND": "India",
    "IRL": "Ireland",
    "IRQ": "Iraq",
    "ISR": "Israel",
    "ITA": "Italy",
    "JPN": "Japan",
    "KAZ": "Kazakhstan",
    "KOR": "South Korea",
    "KWT": "Kuwait",
    "LUX": "Luxembourg",
    "MEX": "Mexico",
    "MYS": "Malaysia",
    "NLD": "Netherlands",
    "NOR": "Norway",
    "OMN": "Oman",
    "PER": "Peru",
    "PHL": "Philippines",
    "POL": "Poland",
    "RUS": "Russia",
    "SAU": "Saudi Arabia",
    "SGP": "Singapore",
    "SLV": "El Salvador",
    "SWE": "Sweden",
    "THA": "Thailand",
    "TUR": "Turkey",
    "TWN": "Taiwan",
    "URY": "Uruguay",
    "VGB": "British Virgin Islands",
    "VNM": "Vietnam",
    "ZAF": "South Africa",
}

COUNTRIES: dict[str, Country] = {
    iso3: Country(iso3=iso3, name=name, is_custody_center=iso3 in CUSTODY_CENTERS)
    for iso3, name in sorted(_NAMES.items())
}

# Source label -> iso3, for labels that are not simply the English name above.
_COUNTRY_ALIASES: dict[str, str] = {
    "China, Mainland": "CHN",  # mfhhis01, mfh.txt, slt_table5
    "China, mainland": "CHN",  # SHL survey tables (lower-case m)
    "Korea, South": "KOR",  # mfhhis01 all years, slt_table5
    "Korea": "KOR",  # mfh.txt vintages 2015-2021
    # "United Kingdom 2/" cleans to "United Kingdom"; footnote 2/ says it includes the Channel
    # Islands and Isle of Man. We keep it on GBR: that is how TIC publishes the series today.
}

# Our display names that no TIC file prints; they are not source labels.
_DISPLAY_ONLY_NAMES: frozenset[str] = frozenset({"China", "South Korea"})

# Aggregate codes. Rows that are not one country: totals, the foreign-official memo lines and
# regional groupings that overlap country rows (never sum them with countries).
_AGGREGATE_ALIASES: dict[str, str] = {
    # mfhhis01 / old mfh.txt
    "All Other": "all_other",
    "Grand Total": "grand_total",
    "For. Official": "foreign_official",
    "Treasury Bills": "foreign_official_bills",
    "T-Bonds & Notes": "foreign_official_bonds_notes",
    "Oil Exporters": "oil_exporters",  # footnote 3/: 15 oil exporters; discontinued after 2016-02
    "Carib Bnkng Ctrs": "carib_banking_centers",  # footnote 4/; spelling in mfhhis01
    "Carib Bkg Ctrs": "carib_banking_centers",  # spelling in the 2015 mfh.txt
    # Belgium-Luxembourg (to May 2002) is a reporting unit covering two countries. Mapping it to
    # BEL would put Luxembourg's holdings into Belgium's series and fake a break in June 2002, so
    # it is an aggregate. Caveat: the 2002 block's "Belgium  5/" row also covers Luxembourg for
    # Jan-May 2002 and the old-series June (footnote 5/; Luxembourg is n.a. there); it is mapped
    # by label to BEL like every other "Belgium" row.
    "Belgium-Luxembourg": "belgium_luxembourg",
    # slt_table5 / slt_table3 (exact labels: a prefix match on "Of Which: Foreign Official"
    # would swallow the bills and bonds lines)
    "Of Which: Foreign Official": "foreign_official",
    "Of Which: Foreign Official Treasury Bills": "foreign_official_bills",
    "Of Which: Foreign Official T-Bonds & Notes": "foreign_official_bonds_notes",
    # slt_table3 regional subtotals and memo lines
    "Total Europe": "total_europe",
    "Memo: Euro Area": "euro_area",
    "Total Asia": "total_asia",
    "Total Latin America": "total_latin_america",
    "Total Caribbean": "total_caribbean",
    "Total Africa": "total_africa",
    "Total Other Countries": "total_other_countries",
    "International and Regional Organizations": "intl_regional_orgs",
}

AGGREGATE_CODES: frozenset[str] = frozenset(_AGGREGATE_ALIASES.values())

# The full alias table: every country's name as TIC prints it, plus the variants above.
_LABEL_MAP: dict[str, tuple[str | None, str | None]] = {
    **{name: (iso3, None) for iso3, name in _NAMES.items() if name not in _DISPLAY_ONLY_NAMES},
    **{label: (iso3, None) for label, iso3 in _COUNTRY_ALIASES.items()},
    **{label: (None, code) for label, code in _AGGREGATE_ALIASES.items()},
}


def resolve_label(label: str) -> tuple[str | None, str | None]:
    """(iso3, aggregate) for a cleaned source label; exactly one is set. KeyError if unknown."""
    return _LABEL_MAP[label]


def dim_country_frame() -> pl.DataFrame:
    """One row per country: iso3, name, is_custody_center, aliases (labels that map to it)."""
    aliases: dict[str, list[str]] = {iso3: [] for iso3 in COUNTRIES}
    for label, (iso3, _) in sorted(_LABEL_MAP.items()):
        if iso3 is not None:
            aliases[iso3].append(label)
    return pl.DataFrame(
        {
            "iso3": list(COUNTRIES),
            "name": [c.name for c in COUNTRIES.values()],
            "is_custody_center": [c.is_custody_center for c in COUNTRIES.values()],
            "aliases": [aliases[iso3] for iso3 in COUNTRIES],
        },
        schema={
            "iso3": pl.Utf8,
            "name": pl.Utf8,
            "is_custody_center": pl.Boolean,
            "aliases": pl.List(pl.Utf8),
        },
    )


def label_map_frame() -> pl.DataFrame:
    """One row per source label: label, iso3, aggregate."""
    items = sorted(_LABEL_MAP.items())
    return pl.DataFrame(
        {
            "label": [label for label, _ in items],
            "iso3": [iso3 for _, (iso3, _) in items],
            "aggregate": [agg for _, (_, agg) in items],
        },
        schema={"label": pl.Utf8, "iso3": pl.Utf8, "aggregate": pl.Utf8},
    )


def _check() -> None:
    # Import-time guard: a typo in a code must fail loudly, not load an unknown country.
    unknown = sorted(set(_NAMES) - set(ISO3166_ALPHA3))
    if unknown:
        raise AssertionError(f"iso3 codes not in ISO 3166-1: {unknown}")
    missing = sorted(set(_COUNTRY_ALIASES.values()) - set(_NAMES))
    if missing:
        raise AssertionError(f"aliases point to countries not in COUNTRIES: {missing}")
    clash = sorted((set(_NAMES.values()) | set(_COUNTRY_ALIASES)) & set(_AGGREGATE_ALIASES))
    if clash:
        raise AssertionError(f"labels both country and aggregate: {clash}")


_check()
