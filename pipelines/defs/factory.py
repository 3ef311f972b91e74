"""Dagster assets and checks made from the project's sources and SQL files.

- one asset per source, `staging/<source>`: fetch, archive, parse, load (group = source family);
- one asset per SQL model, `core/<name>` and `marts/<name>`, with the dependencies its header names;
- one asset check per `sql/checks/*.sql`, blocking where its header says so;
- `published_warehouse`: gates on every blocking check again, then swaps in `tlw.duckdb`.

Everything that writes DuckDB runs in the pool `duckdb_writer`, limited to 1 in dagster.yaml, so
there is one writer at a time whatever the executor.
"""


import sys

import dagster as dg

from pipelines import warehouse
from pipelines.config import Settings
from pipelines.fetch import Fetcher, FetchError
from pipelines.ingest import Source
from pipelines.sql_files import SqlCheck, SqlModel, checks, models

OWNER = "team:data-platform"
WRITER_POOL = "duckdb_writer"
PUBLISHED_KEY = dg.AssetKey("published_warehouse")


def progress(line: str) -> None:
    print(f"tlw: {line}", file=sys.stderr, flush=True)


def asset_key(qualified: str) -> dg.AssetKey:
    """`staging.tic_mfh_history` -> AssetKey(["staging", "tic_mfh_history"])."""
    return dg.AssetKey(qualified.split("."))


def source_asset(source: Source, freshness: dg.FreshnessPolicy | None = None) -> dg.AssetsDefinition:
    @dg.asset(
        key=asset_key(f"staging.{source.name}"),
        group_name=source.family,
        description=source.description,
        owners=[OWNER],
        kinds={"python", "duckdb"},
        pool=WRITER_POOL,
        freshness_policy=freshness,
        tags={"tlw/source": source.name},
    )
    def _ingest(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        settings = Settings.from_env()
        if source.name in settings.skip_sources:
            context.log.warning(f"{source.name}: switched off by TLW_SKIP_SOURCES; its table is left as it was")
            return dg.MaterializeResult(metadata={"skipped": "TLW_SKIP_SOURCES"})
        with Fetcher(settings) as fetcher, warehouse.build_connection(settings) as con:
            try:
                report = source.ingest(fetcher, con, settings)
            except FetchError as exc:
                if exc.missing_in_mirror and settings.skip_missing_in_mirror:
                    context.log.warning(f"{source.name}: skipped, {exc.problem} (TLW_MIRROR_MISSING=skip)")
                    return dg.MaterializeResult(metadata={"skipped": f"not in mirror: {exc.url}"})
                raise
        # One line per source, on stderr whether or not it is a terminal: progress for a person
        # watching, and a log of bounded size for cron.
        progress(
            f"{source.name}: {report.bodies} file(s), {report.new_bodies} new, {report.bytes:,} bytes, "
            f"{report.rows_loaded:,} rows loaded"
            + (f"; {len(report.missing_in_mirror)} not in mirror, passed over" if report.missing_in_mirror else "")
        )
        return dg.MaterializeResult(
            metadata={
                "bodies": report.bodies,
                "new_bodies": report.new_bodies,
                "bytes": report.bytes,
                "rows_loaded": report.rows_loaded,
                "missing_in_mirror": list(report.missing_in_mirror),
            }
        )

    return _ingest


def model_asset(model: SqlModel, freshness: dg.FreshnessPolicy | None = None) -> dg.AssetsDefinition:
    @dg.asset(
        key=asset_key(model.qualified),
        deps=[asset_key(dep) for dep in model.depends_on],
        group_name=model.layer,
        freshness_policy=freshness,
        description=model.question,
        owners=[OWNER],
        kinds={"sql", "duckdb"},
        pool=WRITER_POOL,
        metadata={"sql_file": str(model.path.name)},
    )
    def _build(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        with warehouse.build_connection(Settings.from_env()) as con:
            rows = warehouse.build_model(con, model)
        return dg.MaterializeResult(metadata={"rows": rows})

    return _build


def check_def(check: SqlCheck) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset_key(check.asset),
        name=check.name,
        description=check.description,
        blocking=check.blocking,
        pool=WRITER_POOL,
    )
    def _check() -> dg.AssetCheckResult:
        with warehouse.build_connection(Settings.from_env()) as con:
            outcome = warehouse.run_check(con, check)
        return dg.AssetCheckResult(
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR if check.blocking else dg.AssetCheckSeverity.WARN,
            metadata={"violations": outcome.violations, "sample": dg.MetadataValue.json(outcome.sample)},
        )

    return _check


def published_asset(upstream: list[dg.AssetKey], freshness: dg.FreshnessPolicy | None = None) -> dg.AssetsDefinition:
    @dg.asset(
        key=PUBLISHED_KEY,
        deps=upstream,
        group_name="publish",
        freshness_policy=freshness,
        description=(
            "The published warehouse $TLW_HOME/tlw.duckdb and its Parquet exports: replaced atomically, "
            "and only when every blocking check passes on the working copy."
        ),
        owners=[OWNER],
        kinds={"duckdb", "parquet"},
        pool=WRITER_POOL,
    )
    def _publish(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        result = warehouse.publish(Settings.from_env())
        context.log.info(f"published {result['published']} ({result['tables']} tables, {result['checks_passed']} checks passed)")
        return dg.MaterializeResult(metadata=result)

    return _publish


def build_all(sources: list[Source], freshness: dict[str, dg.FreshnessPolicy] | None = None):
    """Every asset and check of the warehouse, from the sources and the SQL files.

    `freshness` maps a source name, a model's qualified name (`core.x`) or `published_warehouse`
    to its freshness policy (pipelines/defs/automation.py derives them from the calendars).
    """
    freshness = freshness or {}
    source_assets = [source_asset(s, freshness.get(s.name)) for s in sources]
    sql_assets = [model_asset(m, freshness.get(m.qualified)) for layer in ("core", "marts") for m in models(layer)]
    upstream = [key for a in sql_assets for key in a.keys]
    return [*source_assets, *sql_assets, published_asset(upstream, freshness.get(PUBLISHED_KEY.to_user_string()))], [check_def(c) for c in checks()]
