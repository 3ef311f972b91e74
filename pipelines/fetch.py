"""The only module that touches the network (or a mirror standing in for it).

Every official URL goes through `Fetcher.fetch`: a mirror mapping when TLW_MIRROR is set, timeouts,
retries with backoff on timeouts / 5xx / connection errors (never on 4xx), a maximum body size, a
User-Agent naming the product, conditional requests (ETag / Last-Modified) so an unchanged source
costs one request, and an error that names the source, the URL and the failure. Every body fetched
lands in the raw archive before anyone parses it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import httpx

from pipelines.config import Settings
from pipelines.mirror import MirrorPathError, mirror_relpath
from pipelines.raw_archive import ArchiveRecord, RawArchive

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Data files never start like this; an HTML page answered with 200 is an error page or a portal.
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")


class FetchError(RuntimeError):
    """A fetch that failed for good (after any retries)."""

    def __init__(self, source: str, url: str, problem: str, *, missing_in_mirror: bool = False):
        self.source = source
        self.url = url
        self.problem = problem
        self.missing_in_mirror = missing_in_mirror
        super().__init__(f"[{source}] {url}: {problem}")


class _Retryable(Exception):
    pass


@dataclass(frozen=True)
class FetchResult:
    source: str
    url: str
    body: bytes
    record: ArchiveRecord

    @property
    def changed(self) -> bool:
        """True when this body was not the one last held for the URL."""
        return self.record.outcome == "new"

    @property
    def sha256(self) -> str:
        return self.record.sha256


def _now() -> str:
    # Microseconds: two bodies of one URL fetched within a second must still be ordered.
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def looks_like_html(body: bytes) -> bool:
    return body[:512].lstrip().lower().startswith(HTML_MARKERS)


class Fetcher:
    def __init__(self, settings: Settings, client: httpx.Client | None = None):
        self.settings = settings
        self.archive = RawArchive(settings.raw_dir)
        self._client = client or httpx.Client(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.http_timeout_s, connect=min(10.0, settings.http_timeout_s)),
            follow_redirects=True,
        )
        mirror = settings.mirror
        self._mirror_url = mirror.rstrip("/") if mirror and mirror.startswith(("http://", "https://")) else None
        self._mirror_dir = Path(mirror).resolve() if mirror and not self._mirror_url else None

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, source: str, url: str, *, expect_html: bool = False) -> FetchResult:
        """Fetch `url` (through the mirror, if any), archive it, and return the body held for it."""
        try:
            relpath = mirror_relpath(url) if (self._mirror_dir or self._mirror_url) else None
        except MirrorPathError as exc:
            raise FetchError(source, url, str(exc)) from exc
        if self._mirror_dir is not None:
            return self._fetch_from_directory(source, url, relpath, expect_html)
        target = f"{self._mirror_url}/{quote(relpath)}" if self._mirror_url else url
        return self._fetch_http(source, url, target, expect_html)

    def _accept(self, source: str, url: str, status: int, headers: httpx.Headers | None, body: bytes, expect_html: bool) -> FetchResult:
        """Archive a complete body; an HTML page where data was expected is archived as rejected."""
        if not expect_html and looks_like_html(body):
            self._reject(source, url, status, body, "HTML page where a data file was expected")
            raise FetchError(source, url, "an HTML page arrived where a data file was expected (an error page served with status 200?); it is kept in the raw archive")
        record = self.archive.record_body(
            url=url,
            source=source,
            fetched_at=_now(),
            status=status,
            etag=headers.get("ETag") if headers else None,
            last_modified=headers.get("Last-Modified") if headers else None,
            body=body,
        )
        return FetchResult(source, url, body, record)

    def _fetch_from_directory(self, source: str, url: str, relpath: str, expect_html: bool) -> FetchResult:
        path = self._mirror_dir / relpath
        if not path.is_file():
            raise FetchError(source, url, f"not in mirror: {path} does not exist", missing_in_mirror=True)
        body = path.read_bytes()
        if len(body) > self.settings.max_body_bytes:
            self._reject(source, url, 200, body[: self.settings.max_body_bytes], "over the size limit")
            raise FetchError(source, url, f"body of {len(body)} bytes is over the limit of {self.settings.max_body_bytes} (TLW_MAX_BODY_MB)")
        return self._accept(source, url, 200, None, body, expect_html)

    def _conditional_headers(self, url: str) -> dict[str, str]:
        previous = self.archive.latest(url)
        headers: dict[str, str] = {}
        if previous is not None:
            if previous.etag:
                headers["If-None-Match"] = previous.etag
            if previous.last_modified:
                headers["If-Modified-Since"] = previous.last_modified
        return headers

    def _fetch_http(self, source: str, url: str, target: str, expect_html: bool) -> FetchResult:
        attempts = max(1, self.settings.http_retries + 1)
        last_problem = "no attempt made"
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.settings.http_backoff_s * (2 ** (attempt - 1)))
            try:
                return self._attempt(source, url, target, expect_html)
            except _Retryable as exc:
                last_problem = str(exc)
        raise FetchError(source, url, f"gave up after {attempts} attempts: {last_problem}")

    def _attempt(self, source: str, url: str, target: str, expect_html: bool) -> FetchResult:
        limit = self.settings.max_body_bytes
        deadline = time.monotonic() + self.settings.http_total_timeout_s
        chunks: list[bytes] = []
        try:
            with self._client.stream("GET", target, headers=self._conditional_headers(url)) as response:
                if response.status_code == 304:
                    record = self.archive.record_not_modified(url=url, source=source, fetched_at=_now())
                    return FetchResult(source, url, self.archive.read_body(record), record)
                if response.status_code in RETRYABLE_STATUS:
                    raise _Retryable(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise FetchError(source, url, f"HTTP {response.status_code} {response.reason_phrase} (not retried)")
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise FetchError(source, url, f"Content-Length {declared} is over the limit of {limit} bytes (TLW_MAX_BODY_MB)")
                received = 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    received += len(chunk)
                    if received > limit:
                        self._reject(source, url, response.status_code, b"".join(chunks), "over the size limit")
                        raise FetchError(source, url, f"body passed the limit of {limit} bytes (TLW_MAX_BODY_MB); the part received is in the raw archive")
                    if time.monotonic() > deadline:
                        self._reject(source, url, response.status_code, b"".join(chunks), "total time limit passed")
                        raise _Retryable(f"body still arriving after {self.settings.http_total_timeout_s:.0f} s (TLW_HTTP_TOTAL_TIMEOUT)")
                return self._accept(source, url, response.status_code, response.headers, b"".join(chunks), expect_html)
        except httpx.TimeoutException as exc:
            self._keep_partial(source, url, chunks, "timed out mid-body")
            raise _Retryable(f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            # Connection refused / reset, a body cut short before its Content-Length, DNS failure.
            self._keep_partial(source, url, chunks, f"cut short: {type(exc).__name__}")
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc

    def _keep_partial(self, source: str, url: str, chunks: list[bytes], why: str) -> None:
        """What arrived of a body that broke off is archived too, marked rejected, never parsed."""
        if chunks:
            self._reject(source, url, 0, b"".join(chunks), why)

    def _reject(self, source: str, url: str, status: int, body: bytes, why: str) -> None:
        self.archive.record_body(
            url=url, source=source, fetched_at=_now(), status=status, etag=None, last_modified=None,
            body=body, rejected_because=why,
        )
