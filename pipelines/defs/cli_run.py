"""The Dagster side of `tlw refresh`: its instance, its in-process run, and what the run's events say.

Imported only when a refresh has something to run: importing Dagster and building the
definitions is most of a no-op refresh's time (pipelines/refresh.py decides without them).
"""

from __future__ import annotations

import json
import os
from typing import Sequence

import dagster as dg

from pipelines.config import REPO_ROOT, Settings
from pipelines.defs.dead_runs import cli_run_tags, mark_dead_cli_runs_failed
from pipelines.defs.factory import error_lines, failed_assets, own_error

# Added to dagster.yaml when TLW_DAGSTER_PG_URL is set. Dagster reads the URL from the environment
# of each process (daemon, webserver, run workers), so it is never written to a file.
POSTGRES_STORAGE = """
# Added by `tlw` because TLW_DAGSTER_PG_URL is set: run, event-log and schedule storage in PostgreSQL.
storage:
  postgres:
    postgres_url:
      env: TLW_DAGSTER_PG_URL
"""


# Added otherwise: Dagster's SQLite files where Dagster puts them, the event log written through
# pooled connections (pipelines/defs/event_log_storage.py). The path is absolute because Dagster
# resolves a relative one against the working directory of each process; every `tlw` command
# that opens the instance rewrites it, so a copied or moved home names its own folder again.
SQLITE_EVENT_LOG = """
# Added by `tlw`: the event log in SQLite under this folder, written through pooled connections.
event_log_storage:
  module: pipelines.defs.event_log_storage
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {base_dir}
"""


def write_instance_config(settings: Settings) -> None:
    """$TLW_HOME/dagster/dagster.yaml: the repository's dagster.yaml plus its storage: PostgreSQL
    with TLW_DAGSTER_PG_URL, otherwise SQLite files under that folder."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = (REPO_ROOT / "dagster.yaml").read_text(encoding="utf-8")
    if settings.dagster_pg_url:
        config += POSTGRES_STORAGE
    else:
        # A JSON string is a YAML string: any path, quoted.
        config += SQLITE_EVENT_LOG.format(base_dir=json.dumps(str(home.resolve() / "history" / "runs")))
    partial = home / ".dagster.yaml.partial"
    partial.write_text(config, encoding="utf-8")
    os.replace(partial, home / "dagster.yaml")


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    """The Dagster instance under $TLW_HOME/dagster, opened from its folder: the process
    environment (DAGSTER_HOME) is neither read nor changed."""
    write_instance_config(settings)
    return dg.DagsterInstance.from_config(str(settings.dagster_home))


def sweep_dead_runs(settings: Settings, instance: dg.DagsterInstance) -> list[str]:
    """Under the refresh lock: the runs of a killed refresh of this home marked failed; what the
    refresh summary says of it (no line when there were none)."""
    dead = mark_dead_cli_runs_failed(instance, settings.home, by="the next tlw refresh")
    return [f"{len(dead)} Dagster run(s) of a killed tlw refresh marked failed: {', '.join(dead)}"] if dead else []


def run_selected(
    settings: Settings, instance: dg.DagsterInstance, *, all_but: Sequence[str] | None, changed: Sequence[str], full_history: bool
) -> dg.ExecuteInProcessResult:
    """Materialize every asset except the staging assets of `all_but` (when given), or else the
    staging assets of `changed` and everything downstream of them, in this process."""
    from pipelines.definitions import defs
    from pipelines.defs.resources import RESOURCE_KEY, WarehouseResource

    if all_but is not None:
        selection = dg.AssetSelection.all() - dg.AssetSelection.assets(*(_staging(n) for n in all_but))
    else:
        selection = dg.AssetSelection.assets(*(_staging(n) for n in changed)).downstream()
    return dg.materialize(
        list(defs.assets),
        selection=selection,
        instance=instance,
        # The settings the CLI validated, not the definitions' own reading of the environment.
        resources={RESOURCE_KEY: WarehouseResource.from_settings(settings)},
        raise_on_error=False,
        tags=cli_run_tags(settings),
        # Dagster's own log lines (and the tracebacks of failed steps) would bury the summary:
        # the summary names each failure in one line and the log file holds the details.
        run_config={
            "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
            "ops": {"staging": {"config": {"full_history": full_history}}},
        },
    )


def _staging(source: str) -> dg.AssetKey:
    return dg.AssetKey(["staging", source])


def read_events(result: dg.ExecuteInProcessResult, outcome) -> None:
    """Fill a RefreshOutcome (pipelines/refresh.py) from the run's events."""
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.event_specific_data.error
            outcome.failures.extend(_failures(event.step_key, error))
            outcome.failure_details.append(f"step {event.step_key}:\n{error.to_string()}")
        elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            outcome.materialized.append(event.asset_key.to_user_string())
            metadata = event.event_specific_data.materialization.metadata
            shrunk = metadata.get("shrunk")
            if shrunk is not None:
                outcome.shrunk = list(shrunk.value)
            skipped = metadata.get("skipped")
            if skipped is not None:
                outcome.skipped_sources[event.asset_key.path[-1]] = skipped.value
            if event.asset_key == dg.AssetKey("published_warehouse"):
                outcome.published = {k: v.value for k, v in metadata.items()}
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            outcome.checks.append((evaluation.check_name, evaluation.passed, evaluation.severity.value))
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                outcome.failures.append(
                    f"blocking check {evaluation.check_name} failed on {evaluation.asset_key.to_user_string()}"
                    + _first_problem(evaluation.metadata)
                )


def _first_problem(metadata: dict) -> str:
    """`: <problem> (and N more)` from a failed check's sample, so the summary names the cells."""
    sample = metadata.get("sample")
    violations = metadata.get("violations")
    rows = sample.value if sample is not None and isinstance(sample.value, list) else []
    if not rows or "problem" not in rows[0]:
        return ""
    more = (violations.value - 1) if violations is not None else len(rows) - 1
    return f": {rows[0]['problem']}" + (f" (and {more} more)" if more > 0 else "")


def _failures(step_key: str, error) -> list[str]:
    """One line per failed asset of a failed step (`<asset key>: <first line of its error>`).

    A step failed by a blocking check adds nothing: the check's own evaluation already says which
    check failed on which table. Any other error (a publish refused) is one line, its first.
    """
    if error.cls_name == "DagsterAssetCheckFailedError":
        return []
    per_asset = failed_assets(error)
    if per_asset:
        return [f"{key}: {message}" for key, message in per_asset.items()]
    lines = error_lines(own_error(error))
    return [f"{step_key}: {lines[0] if lines else own_error(error).cls_name}"]
