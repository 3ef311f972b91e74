"""`$TLW_HOME/last_refresh.json`: how the last `tlw refresh` ended. A refresh that failed before
Dagster ran (a full disk, a lock held) leaves no Dagster run to read, so `tlw status` reads this."""

from __future__ import annotations

import json
import os
import time

from pipelines.config import Settings

FILE_NAME = "last_refresh.json"


def record_refresh(settings: Settings, success: bool, failures: list[str]) -> None:
    """Best effort: on a disk too full for these few bytes the refresh has already said why it failed."""
    record = {
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "success": success,
        "failures": failures[:5],
    }
    path = settings.home / FILE_NAME
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(record) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def last_refresh(settings: Settings) -> dict | None:
    """The last refresh's record, or None when no refresh recorded one (or it cannot be read)."""
    try:
        return json.loads((settings.home / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
