"""Dagster assets and checks made from the source catalogue and the SQL files, one step per layer.

As dagster-dbt runs a dbt project: one multi-asset step per layer, many asset keys, a
materialization and the check results per asset, subsettable (`can_subset=True`), so a run that
selects one changed source and what is downstream of it executes only those keys and checks.

- `staging` step: one asset per source, `staging/<source>` (group = source family): fetch,
  archive, parse, load;
- `core` and `marts` steps: one asset per SQL model, `core/<name>` and `marts/<name>`, with the
  dependencies its header names, built in dependency order;
- checks (`sql/checks/*.sql`) run inside the step of the table they guard, right after it is
  built, as `dbt build` runs a model's tests: a failed blocking check stops what depends on its
  table within the step, fails the step, and so stops the later layers and the publish;
- `published_warehouse`: gates on every blocking check again, then swaps in `tlw.duckdb`.

Each step opens ONE DuckDB connection under ONE writer lock (pipelines/warehouse.py) and runs the
staging DDL once, instead of once per asset: that reconnecting was most of a refresh's cost. A
failure of one asset (a source that does not parse, a model whose SQL fails) does not stop the
others of its step that do not depend on it; the step then fails naming each failed asset.

Every step takes the settings as the `warehouse_settings` resource (pipelines/defs/resources.py),
bound by pipelines/definitions.py or passed by `tlw refresh`, never from the process environment.
"""

import dataclasses
import sys
import traceback
from collections.abc import Iterator, Sequence

import dagster as dg
import duckdb

from pipelines import warehouse
from pipelines.config import Settings
from pipelines.defs.resources import WarehouseResource
from pipelines.fetch import Fetcher, FetchError
from pipelines.ingest import Source
from pipelines.sql_files import SqlCheck, SqlModel, checks, models

OWNER = "team:data-platform"
WRITER_POOL = "duckdb_writer"
PUBLISHED_KEY = dg.AssetKey("published_warehouse")
SQL_LAYERS = ("core", "marts")

Freshness = dict[str, dg.FreshnessPolicy]


class LayerFailed(RuntimeError):
    """Some assets of a layer step failed; one line per asset: `<asset key>: <first line of its error>`."""

    def __init__(self, failures: Sequence[tuple[dg.AssetKey, BaseException]]):
        self.failures = list(failures)
        super().__init__("\n".join(f"{key.to_user_string()}: {_first_line(exc)}" for key, exc in failures))


def own_error(error):
    """The first error under Dagster's wrappers that is ours (a SerializableErrorInfo)."""
    while error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause
    return error


def error_lines(error) -> list[str]:
    """The message lines of a SerializableErrorInfo, without the class name Dagster puts first."""
    lines = [line.strip() for line in (error.message or "").splitlines() if line.strip()]
    if lines:
        head, _, rest = lines[0].partition(": ")
        if head.rsplit(".", 1)[-1] == error.cls_name and rest:
            lines[0] = rest
    return lines


def failed_assets(error) -> dict[str, str]:
    """{asset key: first line of its error} from a failed layer step's error, {} for other errors."""
    error = own_error(error)
    if error.cls_name != LayerFailed.__name__:
        return {}
    return dict(line.split(": ", 1) for line in error_lines(error) if ": " in line)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def progress(line: str) -> None:
    print(f"tlw: {line}", file=sys.stderr, flush=True)


def asset_key(qualified: str) -> dg.AssetKey:
    """`staging.tic_mfh_history` -> AssetKey(["staging", "tic_mfh_history"])."""
    return dg.AssetKey(qualified.split("."))


# ---------------------------------------------------------------- checks, inside their table's step


def _check_spec(check: SqlCheck) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=check.name, asset=asset_key(check.asset), description=check.description, blocking=check.blocking
    )


def _checks_of(qualified: Sequence[str]) -> list[SqlCheck]:
    names = set(qualified)
    return [c for c in checks() if c.asset in names]


def _run_checks(
    context: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, table: str, layer_checks: Sequence[SqlCheck]
) -> Iterator[dg.AssetCheckResult]:
    """The selected checks on `table`, as results; a failed blocking one fails the step after it."""
    selected = context.selected_asset_check_keys
    for check in layer_checks:
        key = dg.AssetCheckKey(asset_key(check.asset), check.name)
        if check.asset != table or key not in selected:
            continue
        outcome = warehouse.run_check(con, check)
        yield dg.AssetCheckResult(
            asset_key=key.asset_key,
            check_name=check.name,
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR if check.blocking else dg.AssetCheckSeverity.WARN,
            metadata={"violations": outcome.violations, "sample": dg.MetadataValue.json(outcome.sample)},
        )


def _blocked(results: Sequence[dg.AssetCheckResult], layer_checks: Sequence[SqlCheck]) -> bool:
    blocking = {c.name for c in layer_checks if c.blocking}
    return any(not r.passed and r.check_name in blocking for r in results)


# ---------------------------------------------------------------- staging: every source in one step


def _source_spec(source: Source, freshness: Freshness) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=asset_key(f"staging.{source.name}"),
        group_name=source.family,
        description=source.description,
        owners=[OWNER],
        kinds={"python", "duckdb"},
        freshness_policy=freshness.get(source.name),
        tags={"tlw/source": source.name},
    )


def _ingest(
    context: dg.AssetExecutionContext, source: Source, fetcher: Fetcher, con: duckdb.DuckDBPyConnection, settings: Settings
) -> dg.MaterializeResult:
    key = asset_key(f"staging.{source.name}")
    if source.name in settings.skip_sources:
        context.log.warning(f"{source.name}: switched off by TLW_SKIP_SOURCES; its table is left as it was")
        return dg.MaterializeResult(asset_key=key, metadata={"skipped": "TLW_SKIP_SOURCES"})
    try:
        report = source.ingest(fetcher, con, settings)
    except FetchError as exc:
        if exc.missing_in_mirror and settings.skip_missing_in_mirror:
            context.log.warning(f"{source.name}: skipped, {exc.problem} (TLW_MIRROR_MISSING=skip)")
            return dg.MaterializeResult(asset_key=key, metadata={"skipped": f"not in mirror: {exc.url}"})
        raise
    # One line per source, on stderr whether or not it is a terminal: progress for a person
    # watching, and a log of bounded size for cron.
    progress(
        f"{source.name}: {report.bodies} file(s), {report.new_bodies} new, {report.bytes:,} bytes, "
        f"{report.rows_loaded:,} rows loaded"
        + (f"; {len(report.missing_in_mirror)} not in mirror, passed over" if report.missing_in_mirror else "")
    )
    return dg.MaterializeResult(
        asset_key=key,
        metadata={
            "bodies": report.bodies,
            "new_bodies": report.new_bodies,
            "bytes": report.bytes,
            "rows_loaded": report.rows_loaded,
            "missing_in_mirror": list(report.missing_in_mirror),
        },
    )


class StagingConfig(dg.Config):
    """Per-run options of the staging step (run config, not the process environment)."""

    # Ask the incremental APIs (Federal Register, Debt to the Penny) for their whole history again
    # (`tlw refresh --full-history`), as TLW_FULL_HISTORY=1 does for every run.
    full_history: bool = False


def staging_assets(sources: Sequence[Source], freshness: Freshness) -> dg.AssetsDefinition:
    layer_checks = _checks_of([f"staging.{s.name}" for s in sources])

    @dg.multi_asset(
        name="staging",
        specs=[_source_spec(s, freshness) for s in sources],
        check_specs=[_check_spec(c) for c in layer_checks],
        can_subset=True,
        pool=WRITER_POOL,
    )
    def _staging(context: dg.AssetExecutionContext, config: StagingConfig, warehouse_settings: WarehouseResource):
        settings = warehouse_settings.settings()
        if config.full_history:
            settings = dataclasses.replace(settings, full_history=True)
        failures: list[tuple[dg.AssetKey, BaseException]] = []
        with Fetcher(settings) as fetcher, warehouse.build_connection(settings) as con:
            for source in sources:
                key = asset_key(f"staging.{source.name}")
                if key not in context.selected_asset_keys:
                    continue
                try:
                    yield _ingest(context, source, fetcher, con, settings)
                except Exception as exc:  # noqa: BLE001 - recorded per source, raised below
                    context.log.error(f"{key.to_user_string()} failed:\n{''.join(traceback.format_exception(exc))}")
                    failures.append((key, exc))
                    continue
                yield from _run_checks(context, con, f"staging.{source.name}", layer_checks)
        if failures:
            raise LayerFailed(failures) from failures[0][1]

    return _staging


# ---------------------------------------------------------------- core, marts: every model of a layer in one step


def _model_spec(model: SqlModel, freshness: Freshness) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=asset_key(model.qualified),
        deps=[asset_key(dep) for dep in model.depends_on],
        group_name=model.layer,
        freshness_policy=freshness.get(model.qualified),
        description=model.question,
        owners=[OWNER],
        kinds={"sql", "duckdb"},
        metadata={"sql_file": str(model.path.name)},
        # Not built when something it reads failed or was blocked in this step; the step then fails.
        skippable=True,
    )


def sql_layer_assets(layer: str, freshness: Freshness) -> dg.AssetsDefinition:
    layer_models = models(layer)
    layer_checks = _checks_of([m.qualified for m in layer_models])

    @dg.multi_asset(
        name=layer,
        specs=[_model_spec(m, freshness) for m in layer_models],
        check_specs=[_check_spec(c) for c in layer_checks],
        can_subset=True,
        pool=WRITER_POOL,
    )
    def _layer(context: dg.AssetExecutionContext, warehouse_settings: WarehouseResource):
        failures: list[tuple[dg.AssetKey, BaseException]] = []
        stopped: set[str] = set()  # failed, blocked by a check, or downstream of either, in this step
        with warehouse.build_connection(warehouse_settings.settings()) as con:
            for model in layer_models:  # dependency order
                key = asset_key(model.qualified)
                if key not in context.selected_asset_keys:
                    continue
                if stopped & set(model.depends_on):
                    context.log.warning(f"{model.qualified}: not built, {', '.join(sorted(stopped & set(model.depends_on)))} failed or was blocked")
                    stopped.add(model.qualified)
                    continue
                try:
                    rows = warehouse.build_model(con, model)
                except Exception as exc:  # noqa: BLE001 - recorded per model, raised below
                    context.log.error(f"{model.qualified} failed:\n{''.join(traceback.format_exception(exc))}")
                    failures.append((key, exc))
                    stopped.add(model.qualified)
                    continue
                yield dg.MaterializeResult(asset_key=key, metadata={"rows": rows})
                results = list(_run_checks(context, con, model.qualified, layer_checks))
                yield from results
                if _blocked(results, layer_checks):
                    stopped.add(model.qualified)
        if failures:
            raise LayerFailed(failures) from failures[0][1]

    return _layer


# ---------------------------------------------------------------- publish


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
    def _publish(context: dg.AssetExecutionContext, warehouse_settings: WarehouseResource) -> dg.MaterializeResult:
        result = warehouse.publish(warehouse_settings.settings())
        context.log.info(f"published {result['published']} ({result['tables']} tables, {result['checks_passed']} checks passed)")
        return dg.MaterializeResult(metadata=result)

    return _publish


def build_all(sources: Sequence[Source], freshness: Freshness | None = None) -> list[dg.AssetsDefinition]:
    """Every asset of the warehouse, with its checks: the staging step, one step per SQL layer, publish.

    `freshness` maps a source name, a model's qualified name (`core.x`) or `published_warehouse`
    to its freshness policy (pipelines/defs/automation.py derives them from the calendars).
    """
    freshness = freshness or {}
    sql_layers = [sql_layer_assets(layer, freshness) for layer in SQL_LAYERS]
    upstream = [key for layer in sql_layers for key in layer.keys]
    return [
        staging_assets(sources, freshness),
        *sql_layers,
        published_asset(upstream, freshness.get(PUBLISHED_KEY.to_user_string())),
    ]
