"""The SQL files under `sql/`: models (staging DDL, core, marts) and checks, with their headers.

A model file starts with comment lines that say what it is:

    -- question: Who held how many Treasuries each month, in every published vintage?
    -- depends_on: staging.tic_mfh_history, core.dim_country

and its name is its path: `sql/core/fct_treasury_holdings.sql` builds `core.fct_treasury_holdings`.
A core file that creates table macros instead of a table is named after them
(`sql/core/treasury_holdings_change.sql` creates `core.treasury_holdings_change(k)`): DuckDB binds
a table macro's body when it is created, so the file is a model ordered after what it reads.
A check file (`sql/checks/*.sql`) says which table it guards and whether a failure blocks publish:

    -- asset: core.fct_treasury_holdings
    -- blocking: true
    -- description: Countries plus All Other add up to the Grand Total, per month and file.

and its body is a SELECT returning the offending rows (none = pass), ideally with a `problem` column.
Dagster assets and checks are generated from these headers, so adding a model is adding a file.

The headers are guarded: a `-- depends_on:` or `-- asset:` name that is no model is an error when
the definitions load (`all_models`, `checks`), and tests/test_defs.py compares each header with the
tables and table macros the SQL really reads, as DuckDB's own parser sees them (`tables_read`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from pipelines.config import SQL_DIR

LAYERS = ("staging", "core", "marts")

_HEADER = re.compile(r"^--\s*(?P<key>[a-z_]+)\s*:\s*(?P<value>.*?)\s*$")


def _header(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        match = _HEADER.match(line)
        if match:
            key = match["key"]
            fields[key] = f"{fields[key]} {match['value']}" if key in fields else match["value"]
    return fields


def _names(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class SqlModel:
    layer: str  # staging | core | marts
    name: str  # table name without schema
    path: Path
    question: str
    depends_on: tuple[str, ...]  # qualified names: staging.x, core.y

    @property
    def qualified(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def builds_table_macro(self) -> bool:
        """The file creates the table macro it is named after, not a table (tests/test_defs.py
        holds every file to one or the other)."""
        return self.qualified in macro_names(self.sql)


@dataclass(frozen=True)
class SqlCheck:
    name: str
    path: Path
    asset: str  # qualified table name the check guards
    blocking: bool
    description: str

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


class HeaderError(ValueError):
    """A SQL file's header names something that is not there."""


def header_line(path: Path, key: str) -> int:
    """The line number of the header line `-- <key>:` (1 when the header lacks it)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _HEADER.match(line)
        if match and match["key"] == key:
            return number
    return 1


def _model(layer: str, path: Path) -> SqlModel:
    fields = _header(path.read_text(encoding="utf-8"))
    if layer != "staging" and not fields.get("question"):
        raise ValueError(f"{path}: a model must say which question it answers (-- question: ...)")
    return SqlModel(layer, path.stem, path, fields.get("question", ""), _names(fields.get("depends_on", "")))


@cache
def models(layer: str, sql_dir: Path = SQL_DIR) -> tuple[SqlModel, ...]:
    """The models of one layer, in an order where each comes after what it depends on."""
    found = {m.qualified: m for m in (_model(layer, p) for p in sorted((sql_dir / layer).glob("*.sql")))}
    ordered: list[SqlModel] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        model = found[name]
        if model in ordered:
            return
        if name in visiting:
            raise ValueError(f"{model.path}: dependency cycle through {name}")
        visiting.add(name)
        for dep in model.depends_on:
            if dep in found:
                visit(dep)
        visiting.discard(name)
        ordered.append(model)

    for name in found:
        visit(name)
    return tuple(ordered)


@cache
def macros(sql_dir: Path = SQL_DIR) -> tuple[str, ...]:
    """The scalar macros every model may use (`sql/macros/*.sql`), created before the staging DDL."""
    return tuple(path.read_text(encoding="utf-8") for path in sorted((sql_dir / "macros").glob("*.sql")))


@cache
def all_models(sql_dir: Path = SQL_DIR) -> dict[str, SqlModel]:
    """Every model of every layer by qualified name; an unknown `-- depends_on:` name is an error."""
    found = {m.qualified: m for layer in LAYERS for m in models(layer, sql_dir)}
    for model in found.values():
        unknown = [name for name in model.depends_on if name not in found]
        if unknown:
            raise HeaderError(
                f"{model.path}:{header_line(model.path, 'depends_on')}: -- depends_on: names "
                f"{', '.join(unknown)}, which no file under {sql_dir} builds (a typo? names are "
                "<layer>.<file name>, e.g. staging.tic_table5 or core.dim_country)"
            )
    return found


@cache
def checks(sql_dir: Path = SQL_DIR) -> tuple[SqlCheck, ...]:
    known = all_models(sql_dir)
    out = []
    for path in sorted((sql_dir / "checks").glob("*.sql")):
        fields = _header(path.read_text(encoding="utf-8"))
        if "asset" not in fields or "description" not in fields:
            raise ValueError(f"{path}: a check needs '-- asset:' and '-- description:' header lines")
        if fields["asset"] not in known:
            raise HeaderError(
                f"{path}:{header_line(path, 'asset')}: -- asset: {fields['asset']} is no model under {sql_dir}"
            )
        out.append(
            SqlCheck(
                name=path.stem,
                path=path,
                asset=fields["asset"],
                blocking=fields.get("blocking", "true").lower() == "true",
                description=fields["description"],
            )
        )
    return tuple(out)


# ---------------------------------------------------------------- what the SQL really reads

_CREATE_AS = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?"
    r"(?:(?:TABLE|VIEW)(?:\s+IF\s+NOT\s+EXISTS)?\s+[\w.]+|MACRO\s+[\w.]+\s*\([^)]*\)\s+AS\s+TABLE)\s+(?:AS\s+)?",
    re.IGNORECASE,
)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+[\w.]+\s+(?:BY\s+(?:NAME|POSITION)\s+)?(?:\([^)]*\)\s*)?", re.IGNORECASE)
_MACRO_NAME = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?MACRO\s+([\w.]+)", re.IGNORECASE)


def _statements(sql: str) -> list[str]:
    """Each statement's text, comment lines left out, split by DuckDB's parser."""
    return [_strip_comment_lines(s.query) for s in duckdb.extract_statements(_strip_comment_lines(sql))]


def _strip_comment_lines(sql: str) -> str:
    """The SQL without its whole-line comments (a trailing `-- noqa` may start the next statement)."""
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip()


def _queries(sql: str):
    """The query of every statement that reads something: a SELECT, what a CREATE ... AS or an
    INSERT INTO ... runs. (UPDATE ... FROM is not looked into: no model uses it.)"""
    for text in _statements(sql):
        if re.match(r"(?i)\s*(WITH|SELECT|FROM)\b", text):
            yield text
        elif (insert := _INSERT_INTO.match(text)) and not re.match(r"(?i)\s*VALUES\b", text[insert.end():]):
            yield text[insert.end():]
        elif re.match(r"(?i)\s*CREATE\b", text):
            match = _CREATE_AS.match(text)
            rest = text[match.end():].strip() if match else ""
            if rest and not rest.startswith("("):  # a column list: DDL, no query
                yield rest


def _references(node, out: set[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and node.get("schema_name"):
            out.add(f"{node['schema_name']}.{node['table_name']}")
        elif node.get("type") == "TABLE_FUNCTION":
            function = node.get("function") or {}
            if function.get("schema"):
                out.add(f"{function['schema']}.{function['function_name']}")
        for value in node.values():
            _references(value, out)
    elif isinstance(node, list):
        for value in node:
            _references(value, out)


def tables_read(sql: str) -> set[str]:
    """Schema-qualified tables and table macros the SQL reads, from DuckDB's own parse tree
    (`json_serialize_sql`): CTE names are unqualified and so left out."""
    found: set[str] = set()
    with duckdb.connect() as con:
        for query in _queries(sql):
            tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [query]).fetchone()[0])
            if tree.get("error"):
                raise HeaderError(f"DuckDB cannot parse: {tree.get('error_message')}\n{query[:200]}")
            _references(tree, found)
    return found


def _macro_statements(sql: str) -> dict[str, str]:
    """{macro name: its CREATE MACRO statement} of a SQL file."""
    return {m.group(1): text for text in _statements(sql) if (m := _MACRO_NAME.match(text))}


def macro_names(sql: str) -> set[str]:
    """The table macros a SQL file creates, by its text alone (no parsing: cheap enough per build)."""
    return set(_macro_statements(sql))


def macros_defined(sql: str) -> dict[str, set[str]]:
    """The table macros a SQL file creates (`CREATE MACRO core.x(...) AS TABLE`), with what each reads."""
    return {name: tables_read(text) for name, text in _macro_statements(sql).items()}
