"""The Dagster code location: thin, it builds the definitions from the source catalogue and the SQL files."""

import dagster as dg

from pipelines.catalog import ALL_SOURCES
from pipelines.config import Settings
from pipelines.defs.automation import build_launch_sensor, build_release_sensor, build_schedules, freshness_policies
from pipelines.defs.dead_runs import build_dead_run_sweeper
from pipelines.defs.factory import build_all
from pipelines.defs.probe_run import REFRESH_JOB, build_probe_job
from pipelines.defs.resources import RESOURCE_KEY, WarehouseResource

# The checks are part of the layer steps (each multi-asset carries the check specs of its tables).
assets = build_all(ALL_SOURCES, freshness_policies(ALL_SOURCES))

probe_job = build_probe_job(ALL_SOURCES)
# What the launch sensor runs: any subset of the assets and their checks, chosen per run request.
refresh_job = dg.define_asset_job(REFRESH_JOB, selection=dg.AssetSelection.all(), description="A refresh of the assets a run request selects.")

defs = dg.Definitions(
    assets=assets,
    asset_checks=[],
    jobs=[probe_job, refresh_job],
    schedules=build_schedules(ALL_SOURCES, probe_job),
    sensors=[
        build_release_sensor(probe_job),
        build_launch_sensor(probe_job, refresh_job, assets),
        build_dead_run_sweeper(),
    ],
    # Validated here, once per load of the code location: a bad setting fails the load, naming it.
    resources={RESOURCE_KEY: WarehouseResource.from_settings(Settings.from_env())},
)
