"""The refresh lock: one `tlw refresh` (or dead-run sweep) at a time on a `$TLW_HOME`.

An exclusive `flock` on `$TLW_HOME/.refresh.lock`, held for a refresh's whole run. The kernel
drops it when the holder dies, even by SIGKILL, so being able to take it proves that no CLI
refresh on this home is alive: the dead-run sweep relies on that. No Dagster import here, so a
no-op refresh never pays for it.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class RefreshBusy(RuntimeError):
    pass


@contextmanager
def refresh_lock(home: Path, wait: bool = False, holder: str = "tlw refresh") -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    path = home / ".refresh.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            held_by = handle.read().strip() or "unknown"
            raise RefreshBusy(f"another refresh is running on {home} ({held_by}); try again when it ends, or use --wait") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{holder}, pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S%z')}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
