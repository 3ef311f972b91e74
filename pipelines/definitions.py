"""The Dagster code location: thin, it only collects what the defs/ folders declare."""

import dagster as dg

from pipelines.defs.factory import build_all
from pipelines.defs.sources import ALL_SOURCES

assets, asset_checks = build_all(ALL_SOURCES)

defs = dg.Definitions(assets=assets, asset_checks=asset_checks)
