"""The SQL files under `sql/`: models (staging DDL, core, marts) and checks, with their headers.

A model file starts with comment lines that say what it is:

    -- question: Who held how many Treasuries each month, in every published vintage?
    -- depends_on: staging.tic_mfh_history, core.dim_country

and its name is its path: `sql/core/fct_treasury_holdings.sql` builds `core.fct_treasury_holdings`.
A check file (`sql/checks/*.sql`) says which table it guards and whether a failure blocks publish:

    -- asset: core.fct_treasury_holdings
    -- blocking: true
    -- description: Countries plus All Other add up to the Grand Total, per month and file.

and its body is a SELECT returning the offending rows (none = pass), ideally with a `problem` column.
Dagster assets and checks are generated from these headers, so adding a model is adding a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.config import SQL_DIR

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
def checks(sql_dir: Path = SQL_DIR) -> tuple[SqlCheck, ...]:
    out = []
    for path in sorted((sql_dir / "checks").glob("*.sql")):
        fields = _header(path.read_text(encoding="utf-8"))
        if "asset" not in fields or "description" not in fields:
            raise ValueError(f"{path}: a check needs '-- asset:' and '-- description:' header lines")
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
