"""What a reader of the published warehouse is told when another client holds it for writing.

DuckDB lets one process open a file read-write, or many open it read-only. A BI tool opened
without read-only on `tlw.duckdb` therefore locks every `tlw` command out with an IO error whose
text names the holder ("Conflicting lock is held in <program> (PID <n>) by user <u>"). `tlw`
turns that into one line: which process, and how to open the file read-only instead.
"""

from __future__ import annotations

import re

import duckdb

HOW_TO_READ_ONLY = (
    "close it, or reopen it read-only (DuckDB: read_only=True; CLI: duckdb -readonly; "
    "SQLAlchemy/Superset: ?access_mode=read_only; DBeaver: duckdb.read_only=true)"
)
_LOCK = re.compile(r'Could not set lock on file "(?P<path>[^"]+)"')
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)(?: by user (?P<user>\S+?))?[.\s]")


class WarehouseLocked(RuntimeError):
    """The published file is held open for writing by another process."""


def lock_holder(exc: duckdb.Error) -> WarehouseLocked | None:
    """The one-line explanation of a DuckDB lock conflict, or None for any other error."""
    text = str(exc)
    match = _LOCK.search(text)
    if match is None:
        return None
    holder = _HOLDER.search(text + " ")
    if holder:
        who = f"{holder['program']} (PID {holder['pid']}{', user ' + holder['user'] if holder['user'] else ''})"
    else:
        who = "another process"
    return WarehouseLocked(f"{match['path']} is held open for writing by {who}: {HOW_TO_READ_ONLY}")
