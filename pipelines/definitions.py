"""The Dagster code location: thin, it builds the definitions from the source catalogue and the SQL files."""

import dagster as dg

from pipelines.catalog import ALL_SOURCES
from pipelines.defs.automation import build_release_sensor, build_schedules, freshness_policies
from pipelines.defs.factory import build_all

# The checks are part of the layer steps (each multi-asset carries the check specs of its tables).
assets = build_all(ALL_SOURCES, freshness_policies(ALL_SOURCES))

defs = dg.Definitions(
    assets=assets,
    asset_checks=[],
    schedules=build_schedules(ALL_SOURCES, assets),
    sensors=[build_release_sensor(ALL_SOURCES, assets)],
)
