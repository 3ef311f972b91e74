"""How fast the fetcher asks one host, and how long a server asked it to wait.

`HostPacer` spaces requests to one host at least 1/rate seconds apart (`TLW_HTTP_RATE`, default 5
per second: the Federal Register's documented rate for JSON). It is a dozen lines because the rule
is one comparison per request; a token-bucket library would add a dependency for the same thing.
It is shared by every Fetcher of a process: one Dagster step fetches one source, and the sources
of one host (the TIC tables) are separate steps, each well under the rate on its own.

`retry_after_s` reads `Retry-After` in both forms (seconds, or an HTTP date).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


class HostPacer:
    def __init__(self):
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}  # host -> earliest monotonic time of its next request

    def wait(self, host: str, rate: float) -> None:
        """Block until a request to `host` is allowed at `rate` per second (0: no pacing)."""
        if rate <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + 1.0 / rate
        if slot > now:
            time.sleep(slot - now)


PACER = HostPacer()


def retry_after_s(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value (delay-seconds or HTTP-date); None if unusable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
