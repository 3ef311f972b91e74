"""The asset graph guards itself: headers against the SQL DuckDB parses, a committed snapshot of the
graph, parsers against their staging DDL.

- Every `-- depends_on:` header equals the tables and table macros its SQL reads (DuckDB's own
  parser, `pipelines.sql_files.tables_read`); a macro call counts as reading the file that creates
  the macro and what the macro reads. (A model that reads no table at all, a literal VALUES table,
  may name the sources it should be rebuilt with.) A name no file builds is an error when the definitions load.
- A check reads only its table, what is upstream of it and staging: it runs inside its table's
  layer step right after the table is built, so anything else might not be built yet.
- tests/snapshots/asset_graph.txt is the graph as Dagster sees it (asset keys, deps, groups,
  checks, schedules, sensors). A change to the graph must change the snapshot in the same commit:
  `.venv/bin/python -m tests.test_defs > tests/snapshots/asset_graph.txt`, then review the diff.
- Every source's parser gives exactly the columns (names and DuckDB types) of its staging table.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import sql_files, warehouse
from pipelines.catalog import ALL_SOURCES
from pipelines.config import Settings
from pipelines.ingest import FileSource, PagedSource, SeedSource
from pipelines.mirror import mirror_relpath
from pipelines.sql_files import HeaderError, all_models, checks, header_line, macros_defined, tables_read
from tests.conftest import FIXTURE_MIRROR, fixture_env

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"
STAMP_COLUMNS = {"raw_sha256", "source_url", "fetched_at"}  # added by warehouse.load_staging


# ---------------------------------------------------------------- headers against the SQL


def macros(sql_dir: Path = sql_files.SQL_DIR) -> dict[str, tuple[str, set[str]]]:
    """{macro: (the model whose file creates it, what the macro reads)}."""
    return {
        name: (model.qualified, reads)
        for model in all_models(sql_dir).values()
        for name, reads in macros_defined(model.sql).items()
    }


def really_reads(model: sql_files.SqlModel, known_macros: dict[str, tuple[str, set[str]]]) -> set[str]:
    found: set[str] = set()
    for name in tables_read(model.sql):
        if name in known_macros:
            owner, reads = known_macros[name]
            found |= {owner, *reads}
        else:
            found.add(name)
    return found - {model.qualified}


def header_problems(sql_dir: Path = sql_files.SQL_DIR) -> list[str]:
    """One line per model whose `-- depends_on:` differs from what its SQL reads, saying the fix."""
    known = macros(sql_dir)
    problems = []
    for model in all_models(sql_dir).values():
        reads = really_reads(model, known)
        declared = set(model.depends_on)
        # A model that reads no table (a literal VALUES table written from the official footnotes)
        # may name the sources it is rebuilt with; any model that reads a table declares exactly those.
        allowed_extra = declared if not reads else set()
        if reads - declared or declared - reads - allowed_extra:
            missing, extra = sorted(reads - declared), sorted(declared - reads - allowed_extra)
            line = header_line(model.path, "depends_on")
            problems.append(
                f"{model.path.relative_to(sql_dir.parent)}:{line}: "
                + (f"reads {', '.join(missing)} without declaring it; " if missing else "")
                + (f"declares {', '.join(extra)} without reading it; " if extra else "")
                + f"make that line `-- depends_on: {', '.join(sorted(reads))}`"
            )
    return problems


def test_every_depends_on_header_is_what_the_sql_reads():
    assert header_problems() == []


_CREATE_TABLE = re.compile(r"(?im)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)")


def misnamed_models(sql_dir: Path = sql_files.SQL_DIR) -> list[str]:
    """A file's name is its asset's name: it builds that table or creates the table macro of that
    name, and every table macro it creates starts with that name (core.treasury_holdings_asof and
    its companion core.treasury_holdings_asof_explained), so a macro is found in the file named after it."""
    problems = []
    for model in all_models(sql_dir).values():
        tables, table_macros = set(_CREATE_TABLE.findall(model.sql)), set(macros_defined(model.sql))
        if model.qualified not in tables | table_macros:
            problems.append(f"{model.path.name} builds no table or table macro {model.qualified}")
        problems += [f"{model.path.name} creates {m}, not named after the file" for m in sorted(table_macros)
                     if not m.startswith(model.qualified)]
    return problems


def test_each_model_file_builds_what_it_is_named_after():
    assert misnamed_models() == []


def test_a_file_not_named_after_what_it_creates_is_named(tmp_path):
    sql_dir = copy_sql(tmp_path)
    vintages = sql_dir / "core" / "holdings_vintages.sql"
    vintages.write_text(vintages.read_text(encoding="utf-8")
                        + "\nCREATE OR REPLACE MACRO core.files_of(s) AS TABLE SELECT * FROM core.fct_treasury_holdings WHERE source = s;\n",
                        encoding="utf-8")
    change = sql_dir / "core" / "treasury_holdings_change.sql"
    (sql_dir / "core" / "holdings_changes.sql").write_text(change.read_text(encoding="utf-8"), encoding="utf-8")
    assert misnamed_models(sql_dir) == [
        "holdings_changes.sql builds no table or table macro core.holdings_changes",
        "holdings_changes.sql creates core.treasury_holdings_change, not named after the file",
        "holdings_vintages.sql creates core.files_of, not named after the file",
    ]


def test_a_dependency_removed_from_a_header_is_named_with_the_fix(tmp_path):
    sql_dir = copy_sql(tmp_path)
    path = sql_dir / "core" / "treasury_holdings.sql"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("-- depends_on: core.fct_treasury_holdings", "-- depends_on:"), encoding="utf-8")
    assert header_problems(sql_dir) == [
        "sql/core/treasury_holdings.sql:2: reads core.fct_treasury_holdings without declaring it; "
        "make that line `-- depends_on: core.fct_treasury_holdings`"
    ]


def test_an_unknown_depends_on_name_is_an_error_naming_file_and_line(tmp_path):
    sql_dir = copy_sql(tmp_path)
    path = sql_dir / "core" / "reserves.sql"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("-- depends_on: core.fct_reserves", "-- depends_on: core.fct_reservse"), encoding="utf-8")
    with pytest.raises(HeaderError, match=r"core/reserves.sql:2: -- depends_on: names core.fct_reservse, which no file"):
        all_models(sql_dir)


def test_a_check_on_an_unknown_table_is_an_error(tmp_path):
    sql_dir = copy_sql(tmp_path)
    path = sql_dir / "checks" / "reserves_units_sane.sql"
    path.write_text(path.read_text(encoding="utf-8").replace("-- asset: core.fct_reserves", "-- asset: core.fct_reserve"), encoding="utf-8")
    with pytest.raises(HeaderError, match=r"reserves_units_sane.sql:1: -- asset: core.fct_reserve is no model"):
        checks(sql_dir)


def upstream(name: str, found: dict[str, sql_files.SqlModel]) -> set[str]:
    seen: set[str] = set()
    todo = [name]
    while todo:
        for dep in found[todo.pop()].depends_on:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def test_each_check_reads_only_its_table_what_is_upstream_of_it_and_staging():
    found = all_models()
    problems = []
    for check in checks():
        allowed = {check.asset} | upstream(check.asset, found)
        stray = sorted(t for t in tables_read(check.sql) if t not in allowed and not t.startswith("staging."))
        if stray:
            problems.append(f"{check.path.name} (on {check.asset}) reads {', '.join(stray)}, which is not upstream of {check.asset}")
    assert problems == []


def copy_sql(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "sql"
    shutil.copytree(sql_files.SQL_DIR, target)
    return target


# ---------------------------------------------------------------- the graph snapshot


def graph_snapshot() -> str:
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        lines.append(f"asset {key.to_user_string()}  group={node.group_name}")
        for parent in sorted(k.to_user_string() for k in node.parent_keys):
            lines.append(f"  dep {parent}")
        for check_key in sorted(node.check_keys, key=lambda k: k.name):
            spec = graph.get_check_spec(check_key)
            lines.append(f"  check {check_key.name}{'  blocking' if spec.blocking else ''}")
    for schedule in sorted(defs.schedules, key=lambda s: s.name):
        lines.append(f"schedule {schedule.name}  {schedule.cron_schedule}  {schedule.execution_timezone}")
    for sensor in sorted(defs.sensors, key=lambda s: s.name):
        lines.append(f"sensor {sensor.name}  every {sensor.minimum_interval_seconds} s")
    return "\n".join(lines) + "\n"


def test_asset_graph_matches_the_committed_snapshot():
    expected = SNAPSHOT.read_text(encoding="utf-8")
    assert graph_snapshot() == expected, (
        "the asset graph changed: if that is intended, run "
        "`.venv/bin/python -m tests.test_defs > tests/snapshots/asset_graph.txt` and commit the diff"
    )


def test_one_step_per_layer():
    from pipelines.definitions import defs

    steps = {a.node_def.name: a for a in defs.assets}
    assert sorted(steps) == ["core", "marts", "published_warehouse", "staging"]
    assert all(steps[layer].can_subset for layer in ("staging", "core", "marts"))
    assert {k.path[1] for k in steps["staging"].keys} == {s.name for s in ALL_SOURCES}


# ---------------------------------------------------------------- parsers against their staging DDL


def parsed_frame(source, settings: Settings, con: duckdb.DuckDBPyConnection):
    """What the source's parser gives for its first file in the fixture mirror."""
    if isinstance(source, SeedSource):
        return source.frame(settings)
    if isinstance(source, FileSource):
        url = list(source.urls(settings, con))[0]
        return source.parse((FIXTURE_MIRROR / mirror_relpath(url)).read_bytes(), url)
    assert isinstance(source, PagedSource)
    url = list(source.first_urls(settings, con))[0]
    return source.parse_page((FIXTURE_MIRROR / mirror_relpath(url)).read_bytes(), url)[0]


def columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {relation}").fetchall()}


@pytest.mark.parametrize("source", ALL_SOURCES, ids=lambda s: s.name)
def test_parser_gives_exactly_the_columns_of_its_staging_table(source, monkeypatch, tmp_path):
    fixture_env(monkeypatch, tmp_path / "home", FIXTURE_MIRROR)
    with duckdb.connect() as con:
        warehouse.ensure_structure(con)
        frame = parsed_frame(source, Settings.from_env(), con)
        assert frame.height > 0, f"{source.name}: the fixture gave no rows to compare"
        con.register("parsed", frame.to_arrow())
        table = {k: v for k, v in columns(con, f"staging.{source.name}").items() if k not in STAMP_COLUMNS}
        assert columns(con, "parsed") == table, f"{source.name}: parser columns differ from sql/staging/{source.name}.sql"


if __name__ == "__main__":
    sys.stdout.write(graph_snapshot())
