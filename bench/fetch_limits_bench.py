"""What the fetcher's limits cost against hostile answers, over real HTTP on loopback.

    .venv/bin/python bench/fetch_limits_bench.py

Prints, for a gzip bomb (1 GiB of zeros sent as about 1 MiB of gzip) under the default 64 MiB
limit, the peak Python memory of the fetch (tracemalloc) and the seconds until it is refused; and
for a server trickling its headers one byte every 50 ms, the seconds until the 2 s total limit
cuts it. Figures only; nothing is asserted.
"""

from __future__ import annotations

import dataclasses
import gzip
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.config import Settings  # noqa: E402
from pipelines.fetch import Fetcher, FetchError  # noqa: E402
from tests.loopback import LoopbackServer, Reply  # noqa: E402


def settings(home: Path, **changes) -> Settings:
    base = dataclasses.replace(Settings.from_env(), home=home, mirror=None, http_retries=0, http_rate=0.0)
    return dataclasses.replace(base, **changes)


def gzip_bomb(home: Path) -> None:
    decoded = 1 << 30
    bomb = gzip.compress(b"\0" * decoded, compresslevel=9)
    limit = 64 * 1024 * 1024
    with LoopbackServer() as server:
        server.script("bomb.csv", Reply(200, bomb, {"Content-Encoding": "gzip"}))
        with Fetcher(settings(home, max_body_bytes=limit)) as fetcher:
            tracemalloc.start()
            started = time.perf_counter()
            try:
                fetcher.fetch("bench", server.url("bomb.csv"))
            except FetchError as exc:
                problem = exc.problem
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    print(f"gzip bomb: {decoded / 2**30:.0f} GiB decoded sent as {len(bomb) / 2**20:.1f} MiB, limit {limit / 2**20:.0f} MiB")
    print(f"  refused after {seconds:.2f} s, peak Python memory {peak / 2**20:.0f} MiB: {problem}")


def header_trickle(home: Path) -> None:
    with LoopbackServer() as server:
        server.script("slow.csv", Reply(200, b"a,b\n1,2\n", {"X-Padding": "p" * 200}, header_trickle_s=0.05))
        with Fetcher(settings(home, http_total_timeout_s=2.0, http_timeout_s=30.0)) as fetcher:
            started = time.perf_counter()
            try:
                fetcher.fetch("bench", server.url("slow.csv"))
            except FetchError as exc:
                problem = exc.problem
            seconds = time.perf_counter() - started
    print("header trickle (1 byte / 50 ms, about 12 s of headers), total limit 2 s, read timeout 30 s:")
    print(f"  cut after {seconds:.2f} s: {problem}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        gzip_bomb(Path(tmp) / "bomb")
        header_trickle(Path(tmp) / "trickle")


if __name__ == "__main__":
    main()
