"""The Dagster code location: thin, it builds the definitions from the source catalogue and the SQL files."""

import dagster as dg

from pipelines.defs.automation import build_release_sensor, build_schedules, freshness_policies
from pipelines.defs.factory import build_all
from pipelines.catalog import ALL_SOURCES

assets, asset_checks = build_all(ALL_SOURCES, freshness_policies(ALL_SOURCES))

defs = dg.Definitions(
    assets=assets,
    asset_checks=asset_checks,
    schedules=build_schedules(ALL_SOURCES, assets, asset_checks),
    sensors=[build_release_sensor(ALL_SOURCES, assets, asset_checks)],
)
