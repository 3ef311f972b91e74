"""The only module that touches the network (or a mirror standing in for it).

Every official URL goes through `Fetcher.fetch`: a mirror mapping when TLW_MIRROR is set, and an
error naming `[source] URL` for every failure. Over HTTP:

- one deadline (TLW_HTTP_TOTAL_TIMEOUT) for the whole exchange, redirects, headers and body
  included (`http_wire`), besides the per-operation timeout (TLW_HTTP_TIMEOUT);
- redirects followed by hand, only where `fetch_policy` allows, each hop recorded in the archive;
- retries with backoff on timeouts / 429 / 5xx / connection errors (never on other 4xx), waiting
  as long as `Retry-After` asks when that fits the time budget, and at most TLW_HTTP_RATE requests
  per second to one host (`pacing`);
- a maximum body size after decompression, applied while the body streams in (`http_body`);
- a Content-Length that does not match the body is an error, whichever way it is wrong;
- conditional requests (ETag / Last-Modified) so an unchanged source costs one request, with only
  validators that are valid header values kept and sent (`validators`);
- a User-Agent naming the product.

Every body fetched lands in the raw archive before anyone parses it; a body refused here (HTML
where data was expected, over the limit, broken off, bad gzip, a wrong length) is archived as
`rejected`, byte for byte as it arrived, and never parsed.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urljoin

import httpcore

from pipelines import fetch_policy, http_body, validators
from pipelines.config import Settings
from pipelines.fetch_errors import FetchError
from pipelines.http_wire import Exchange, Wire
from pipelines.mirror import MirrorFileTooLarge, MirrorPathError, mirror_relpath, read_mirror_file
from pipelines.pacing import PACER, retry_after_s
from pipelines.raw_archive import ArchiveRecord, RawArchive

__all__ = ["Fetcher", "FetchError", "FetchResult", "looks_like_html"]


def warn(line: str) -> None:
    # The channel of the refresh's progress lines: stderr, which Dagster keeps per step.
    print(f"tlw: warning: {line}", file=sys.stderr, flush=True)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Data files never start like this; an HTML page answered with 200 is an error page or a portal.
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")
# After the body, how long to listen for bytes beyond its Content-Length (the server closes at once:
# we sent `Connection: close`).
DRAIN_TIMEOUT_S = 1.0


class _Retryable(Exception):
    def __init__(self, problem: str, retry_after: float | None = None):
        super().__init__(problem)
        self.retry_after = retry_after


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


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    # Latin-1 maps every byte to one character, so a non-ASCII value reaches the validators as is.
    return next((v.decode("latin-1") for k, v in headers if k.lower() == name), None)


class Fetcher:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.archive = RawArchive(settings.raw_dir)
        self._wire = Wire()
        mirror = settings.mirror
        self._mirror_url = mirror.rstrip("/") if mirror and mirror.startswith(("http://", "https://")) else None
        self._mirror_dir = Path(mirror).resolve() if mirror and not self._mirror_url else None

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._wire.close()

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

    # --- archive ------------------------------------------------------------------------------

    def _accept(self, source: str, url: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes,
                expect_html: bool, final_url: str | None = None, hops: list | None = None) -> FetchResult:
        """Archive a complete body; an HTML page where data was expected is archived as rejected."""
        if not expect_html and looks_like_html(body):
            self._reject(source, url, status, body, "HTML page where a data file was expected", final_url, hops)
            raise FetchError(source, url, "an HTML page arrived where a data file was expected (an error page served with status 200?); it is kept in the raw archive")
        etag, last_modified = _header(headers, b"etag"), _header(headers, b"last-modified")
        dropped = [name for name, value, usable in (
            ("ETag", etag, validators.usable_etag), ("Last-Modified", last_modified, validators.usable_last_modified),
        ) if value is not None and not usable(value)]
        note = None
        if dropped:
            note = f"{' and '.join(dropped)} not a valid header value: not kept, the next fetch asks in full"
            warn(f"[{source}] {url}: {note}")
        record = self.archive.record_body(
            url=url,
            source=source,
            fetched_at=_now(),
            status=status,
            etag=etag if validators.usable_etag(etag) else None,
            last_modified=last_modified if validators.usable_last_modified(last_modified) else None,
            body=body,
            final_url=final_url,
            hops=hops,
            note=note,
        )
        return FetchResult(source, url, body, record)

    def _reject(self, source: str, url: str, status: int, body: bytes, why: str,
                final_url: str | None = None, hops: list | None = None) -> None:
        self.archive.record_body(
            url=url, source=source, fetched_at=_now(), status=status, etag=None, last_modified=None,
            body=body, rejected_because=why, final_url=final_url, hops=hops,
        )

    # --- directory mirror ---------------------------------------------------------------------

    def _fetch_from_directory(self, source: str, url: str, relpath: str, expect_html: bool) -> FetchResult:
        limit = self.settings.max_body_bytes
        try:
            body = read_mirror_file(self._mirror_dir, relpath, limit)
        except MirrorPathError as exc:
            raise FetchError(source, url, f"refused: {exc}") from exc
        except MirrorFileTooLarge as exc:
            raise FetchError(source, url, f"body of {exc.size} bytes is over the limit of {limit} (TLW_MAX_BODY_MB); not read") from exc
        except OSError as exc:
            raise FetchError(source, url, f"cannot read {self._mirror_dir / relpath}: {exc.strerror or exc}") from exc
        if body is None:
            raise FetchError(source, url, f"not in mirror: {self._mirror_dir / relpath} does not exist", missing_in_mirror=True)
        return self._accept(source, url, 200, [], body, expect_html)

    # --- HTTP ---------------------------------------------------------------------------------

    def _conditional_headers(self, url: str) -> list[tuple[bytes, bytes]]:
        previous = self.archive.latest(url)
        headers: list[tuple[bytes, bytes]] = []
        # Checked again here: an index written before validators were checked may hold a bad one.
        if previous is not None and validators.usable_etag(previous.etag):
            headers.append((b"If-None-Match", previous.etag.encode("ascii")))
        if previous is not None and validators.usable_last_modified(previous.last_modified):
            headers.append((b"If-Modified-Since", previous.last_modified.encode("ascii")))
        return headers

    def _fetch_http(self, source: str, url: str, target: str, expect_html: bool) -> FetchResult:
        attempts = max(1, self.settings.http_retries + 1)
        budget = self.settings.http_total_timeout_s
        last_problem, wait = "no attempt made", 0.0
        for attempt in range(attempts):
            if attempt:
                time.sleep(wait)
            try:
                return self._attempt(source, url, target, expect_html)
            except _Retryable as exc:
                last_problem = str(exc)
                wait = self.settings.http_backoff_s * (2**attempt)
                if exc.retry_after is not None:
                    if exc.retry_after > budget:
                        raise FetchError(source, url, (
                            f"{exc}: the server asks to retry after {exc.retry_after:.0f} s (Retry-After), more than "
                            f"the time budget of {budget:.0f} s (TLW_HTTP_TOTAL_TIMEOUT); try again later"
                        )) from None
                    wait = max(wait, exc.retry_after)
        raise FetchError(source, url, f"gave up after {attempts} attempts: {last_problem}")

    def _attempt(self, source: str, url: str, target: str, expect_html: bool) -> FetchResult:
        """One exchange: the request, any redirects, the answer, all within the total time limit."""
        settings = self.settings
        limit = settings.max_body_bytes
        deadline = time.monotonic() + settings.http_total_timeout_s
        mirror_origin = fetch_policy.origin(self._mirror_url) if self._mirror_url else None
        hops: list[list] = []
        current = target
        with self._wire.exchange(deadline, keep_bytes=limit + 64 * 1024) as exchange:
            try:
                while True:
                    if mirror_origin is None:
                        PACER.wait(fetch_policy.origin(current)[1], settings.http_rate)
                    with self._wire.get(current, self._request_headers(url), self._timeouts()) as response:
                        location = _header(response.headers, b"location") if response.status in fetch_policy.REDIRECT_STATUS else None
                        if location is None:
                            return self._answer(source, url, current, hops, response, exchange, expect_html)
                        hops.append([response.status, current])
                        following = urljoin(current, location)
                        why = fetch_policy.refusal(target, following, mirror_origin=mirror_origin)
                        if why or len(hops) > fetch_policy.MAX_REDIRECTS:
                            self._read_through(response, exchange, limit)
                            self._reject(source, url, response.status, exchange.body_bytes(),
                                         f"redirect to {following} refused" if why else "too many redirects", current, hops)
                            raise FetchError(source, url, (
                                f"redirect from {current} to {following} refused: {why}" if why else
                                f"more than {fetch_policy.MAX_REDIRECTS} redirects: " + " -> ".join(u for _, u in hops)
                            ))
                        current = following
            except httpcore.TimeoutException as exc:
                if time.monotonic() >= deadline:  # the operation was given only what was left
                    self._keep_partial(source, url, exchange, "total time limit passed", current, hops)
                    raise _Retryable(f"no complete answer within {settings.http_total_timeout_s:g} s (TLW_HTTP_TOTAL_TIMEOUT)") from exc
                self._keep_partial(source, url, exchange, "timed out mid-body", current, hops)
                raise _Retryable(f"timed out ({type(exc).__name__})") from exc
            except httpcore.RemoteProtocolError as exc:
                problem = self._cut_short(exchange, str(exc))
                self._keep_partial(source, url, exchange, f"cut short: {problem}", current, hops)
                raise _Retryable(f"RemoteProtocolError: {problem}") from exc
            except httpcore.NetworkError as exc:
                # Connection refused / reset, DNS failure.
                self._keep_partial(source, url, exchange, f"cut short: {type(exc).__name__}", current, hops)
                raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
            except httpcore.ProtocolError as exc:
                self._keep_partial(source, url, exchange, f"not HTTP: {exc}", current, hops)
                raise FetchError(source, url, f"the answer of {current} is not valid HTTP ({type(exc).__name__}: {exc}); what arrived is in the raw archive") from exc

    def _request_headers(self, url: str) -> list[tuple[bytes, bytes]]:
        return [
            (b"User-Agent", self.settings.user_agent.encode("ascii", "replace")),
            (b"Accept-Encoding", http_body.ACCEPTED_ENCODINGS.encode()),
            *self._conditional_headers(url),
        ]

    def _timeouts(self) -> dict[str, float]:
        per_operation = self.settings.http_timeout_s
        return {"connect": min(10.0, per_operation), "read": per_operation, "write": per_operation, "pool": per_operation}

    def _answer(self, source: str, url: str, final_url: str, hops: list, response: httpcore.Response,
                exchange: Exchange, expect_html: bool) -> FetchResult:
        """The final (non-redirect) answer of an exchange."""
        status, headers, limit = response.status, response.headers, self.settings.max_body_bytes
        if status == 304:
            if self.archive.latest(url) is None:
                raise FetchError(source, url, "304 Not Modified, but the raw archive holds no body for this URL")
            record = self.archive.record_not_modified(url=url, source=source, fetched_at=_now(), final_url=final_url, hops=hops)
            return FetchResult(source, url, self.archive.read_body(record), record)
        if status in RETRYABLE_STATUS:
            raise _Retryable(f"HTTP {status}", retry_after_s(_header(headers, b"retry-after")))
        if status >= 400:
            reason = response.extensions.get("reason_phrase", b"").decode("latin-1")
            raise FetchError(source, url, f"HTTP {status} {reason} (not retried)", status=status)
        declared = _header(headers, b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(source, url, f"Content-Length {declared} is over the limit of {limit} bytes (TLW_MAX_BODY_MB)")
        try:
            body = http_body.read_decoded(response.iter_stream(), _header(headers, b"content-encoding"), limit)
        except http_body.BodyError as exc:
            why = "over the size limit" if exc.over_limit else str(exc)
            self._reject(source, url, status, exchange.body_bytes(), why, final_url, hops)
            if exc.over_limit:
                raise FetchError(source, url, f"{exc} (TLW_MAX_BODY_MB); the part received is in the raw archive") from None
            raise FetchError(source, url, f"{exc}; the body as received is in the raw archive") from None
        if declared and declared.isdigit() and _header(headers, b"transfer-encoding") is None:
            exchange.drain(limit, DRAIN_TIMEOUT_S)
            sent = exchange.body_length()
            if sent != int(declared):
                self._reject(source, url, status, exchange.body_bytes(), "Content-Length does not match the body", final_url, hops)
                raise FetchError(source, url, (
                    f"Content-Length says {declared} bytes but the server sent {sent}: the body is not what was "
                    "announced (both are in the raw archive as received), so it is not used"
                ))
        return self._accept(source, url, status, headers, body, expect_html, final_url, hops)

    @staticmethod
    def _read_through(response: httpcore.Response, exchange: Exchange, limit: int) -> None:
        """Let the rest of a body we will not use arrive (up to the limit), so it can be archived."""
        for _ in response.iter_stream():
            if exchange.body_length() > limit:
                return

    @staticmethod
    def _cut_short(exchange: Exchange, problem: str) -> str:
        if "complete message body" in problem:
            return f"the body broke off after {exchange.body_length()} bytes, before its Content-Length ({problem})"
        return problem

    def _keep_partial(self, source: str, url: str, exchange: Exchange, why: str, final_url: str, hops: list) -> None:
        """What arrived of a body that broke off is archived too, marked rejected, never parsed."""
        partial = exchange.body_bytes()
        if partial:
            self._reject(source, url, 0, partial, why, final_url, hops)
