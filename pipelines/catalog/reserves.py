"""Official reserves (Japan MOF, FRED/IMF), Japan's FX interventions, FRED series.

Sources (the names are the `TLW_SKIP_SOURCES` names):

- `mof_reserves`: Japan MOF "International Reserves / Foreign Currency Liquidity" history, one
  file with every month since 2000-04. MOF revises past months, so every body fetched is kept in
  staging as its own vintage.
- `mof_interventions`: Japan MOF foreign exchange intervention operations, daily amounts and
  quarter totals since 1991-04.
- `fred`: one `fredgraph.csv` per series. The list is `TLW_FRED_SERIES` (comma-separated) or, when
  that is empty, every series in `fred.SERIES` (`fred.DEFAULT_SERIES`): total reserves excluding
  gold (`TRESEG<ISO2>M052N`, IMF IFS) for the largest foreign holders of Treasuries that IFS
  covers, `FDHBFIN` (federal debt held by foreign investors, USD bn) and `DEXJPUS` (yen per
  dollar). A series id not in `fred.SERIES` is a configuration error, never a guess at its unit.
- `fred_series`: the `fred.SERIES` table itself (unit, country, measure, frequency, title per
  series) as reference data, so SQL gets units from the table we maintain, not from values.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest import FileSource, SeedSource, in_code, single_url
from pipelines.sources import fred, mof_interventions, mof_reserves

MOF_RESERVES_URL = (
    "https://www.mof.go.jp/policy/international_policy/reference/official_reserve_assets/historical.csv"
)
MOF_INTERVENTIONS_URL = (
    "https://www.mof.go.jp/english/policy/international_policy/reference/feio/"
    "foreign_exchange_intervention_operations.csv"
)


def fred_series_ids(settings) -> tuple[str, ...]:
    """The FRED series to download: TLW_FRED_SERIES, or every series of fred.SERIES when unset.
    An id without a recorded unit never gets here: Settings refuses it before anything runs."""
    ids = settings.fred_series or fred.DEFAULT_SERIES
    # Keep the configured order, drop repeats (a repeated URL would be loaded once anyway).
    return tuple(dict.fromkeys(ids))


def fred_urls(settings, con) -> list[str]:
    return [fred.series_url(series_id) for series_id in fred_series_ids(settings)]


def fred_series_frame() -> pl.DataFrame:
    """fred.SERIES as rows: series_id, unit, iso3, measure, frequency, title."""
    return pl.DataFrame(
        [
            {
                "series_id": series_id,
                "unit": info.unit,
                "iso3": info.iso3,
                "measure": info.measure,
                "frequency": info.frequency,
                "title": info.title,
            }
            for series_id, info in fred.SERIES.items()
        ],
        schema={
            "series_id": pl.Utf8(),
            "unit": pl.Utf8(),
            "iso3": pl.Utf8(),
            "measure": pl.Utf8(),
            "frequency": pl.Utf8(),
            "title": pl.Utf8(),
        },
    )


SOURCES = [
    FileSource(
        name="mof_reserves",
        family="reserves",
        description=(
            "Japan MOF official reserve assets history (historical.csv): month-end totals and components "
            "since 2000-04, USD millions (gold also in million fine troy ounces); every vintage kept, MOF "
            "revises past months."
        ),
        urls=single_url(MOF_RESERVES_URL),
        parse=mof_reserves.parse,
    ),
    FileSource(
        name="mof_interventions",
        family="reserves",
        description=(
            "Japan MOF foreign exchange intervention operations: daily amounts and printed quarter totals "
            "since 1991-04, 100 million yen, with side (yen bought or sold) and currency pair."
        ),
        urls=single_url(MOF_INTERVENTIONS_URL),
        parse=mof_interventions.parse,
    ),
    FileSource(
        name="fred",
        family="reserves",
        description=(
            "FRED fredgraph.csv, one file per series of TLW_FRED_SERIES (default: every series in "
            "fred.SERIES: IMF total reserves excluding gold for the largest Treasury holders, FDHBFIN, "
            "DEXJPUS); units from fred.SERIES."
        ),
        urls=fred_urls,
        parse=fred.parse,
    ),
    SeedSource(
        name="fred_series",
        family="reserves",
        description=(
            "The FRED series the project knows (pipelines/sources/fred.py SERIES): unit, reporting "
            "country, measure, frequency and title of each, so units are never guessed from values."
        ),
        frame=in_code(fred_series_frame),
        origin="pipelines/sources/fred.py",
    ),
]
