"""HTTP exchanges on the wire, bounded as a whole, with a copy of every byte received.

httpcore's timeouts apply to each socket operation: a server that sends one header byte every few
seconds never trips a 30 s read timeout, however long the whole answer takes. Here every socket
operation of an exchange (connect, TLS, request, headers, body) is given at most the time left
until the exchange's deadline, so the total limit covers the whole exchange.

The same seam keeps what arrived on the wire (up to a cap): the bytes after the header block are
the body exactly as sent, which the fetcher needs to archive a broken-off body and to see bytes
beyond a Content-Length (h11 stops reading at the declared length and would drop them unseen).

This is written against httpcore's public network-backend interface (httpx offers no way to give
its pools a backend). One connection per request (`Connection: close`), so "the bytes after the
declared length" are this answer's and nothing of a later one.

Proxies and CAs come from the standard environment: `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`
(read by `urllib.request`, per request URL) and `SSL_CERT_FILE` / `SSL_CERT_DIR` (else certifi's
bundle).
"""

from __future__ import annotations

import base64
import functools
import os
import ssl
import threading
import time
import urllib.request
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import unquote, urlsplit

import certifi
import httpcore

from pipelines.mirror import without_credentials

_HEAD_END = b"\r\n\r\n"


class DeadlinePassed(httpcore.TimeoutException):
    """The exchange's total time limit passed (as opposed to one socket operation's timeout)."""


class Exchange:
    """One exchange on this thread: its deadline and what the current connection received."""

    def __init__(self, deadline: float, keep_bytes: int):
        self.deadline = deadline
        self.keep_bytes = keep_bytes
        self.wire = bytearray()  # the first `keep_bytes` bytes received on the current connection
        self.received = 0  # every byte received on it
        self.stream: httpcore.NetworkStream | None = None

    def time_left(self, timeout: float | None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise DeadlinePassed("total time limit passed")
        return left if timeout is None else min(timeout, left)

    def new_layer(self, stream: httpcore.NetworkStream) -> None:
        # A new connection, or TLS started over one (after a proxy's CONNECT answer): the HTTP
        # answer starts here.
        self.stream, self.wire, self.received = stream, bytearray(), 0

    def took(self, data: bytes) -> None:
        self.received += len(data)
        room = self.keep_bytes - len(self.wire)
        if room > 0:
            self.wire += data[:room]

    def _head_length(self) -> int | None:
        """Bytes of the final (non-1xx) status line and header block, once they have arrived."""
        start = 0
        while True:
            end = self.wire.find(_HEAD_END, start)
            if end < 0:
                return None
            if not self.wire[start : start + 10].startswith((b"HTTP/1.1 1", b"HTTP/1.0 1")):
                return end + len(_HEAD_END)
            start = end + len(_HEAD_END)

    def body_bytes(self) -> bytes:
        """What arrived after the header block (up to the kept bytes): the body as sent, framing and all."""
        head = self._head_length()
        return b"" if head is None else bytes(self.wire[head:])

    def body_length(self) -> int:
        """How many bytes arrived after the header block, kept or not."""
        head = self._head_length()
        return 0 if head is None else self.received - head

    def drain(self, max_bytes: int, timeout: float) -> None:
        """Read what the server still sends until it closes (or `max_bytes` more, or `timeout`)."""
        if self.stream is None:
            return
        before = self.received
        try:
            while self.received - before <= max_bytes:
                if not self.stream.read(64 * 1024, timeout=timeout):
                    return
        except (httpcore.ReadError, httpcore.TimeoutException):
            return


_current = threading.local()


def _exchange() -> Exchange | None:
    return getattr(_current, "exchange", None)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        exchange = _exchange()
        data = self._inner.read(max_bytes, exchange.time_left(timeout) if exchange else timeout)
        if exchange is not None:
            exchange.took(data)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        exchange = _exchange()
        self._inner.write(buffer, exchange.time_left(timeout) if exchange else timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None) -> "httpcore.NetworkStream":
        exchange = _exchange()
        tls = _Stream(self._inner.start_tls(ssl_context, server_hostname, exchange.time_left(timeout) if exchange else timeout))
        if exchange is not None:
            exchange.new_layer(tls)
        return tls

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self):
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        exchange = _exchange()
        stream = _Stream(self._inner.connect_tcp(host, port, exchange.time_left(timeout) if exchange else timeout, local_address, socket_options))
        if exchange is not None:
            exchange.new_layer(stream)
        return stream

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _Stream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def ssl_context() -> ssl.SSLContext:
    """Certificates from `SSL_CERT_FILE` / `SSL_CERT_DIR` when set (a company proxy's own CA),
    else certifi's bundle."""
    cafile, capath = os.environ.get("SSL_CERT_FILE") or None, os.environ.get("SSL_CERT_DIR") or None
    return ssl.create_default_context(cafile=cafile or (None if capath else certifi.where()), capath=capath)


def _proxy_for(url: str) -> httpcore.Proxy | None:
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass_environment(parts.hostname or "", proxies):
        return None
    proxy_parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    auth = (unquote(proxy_parts.username), unquote(proxy_parts.password or "")) if proxy_parts.username else None
    bare = f"{proxy_parts.scheme}://{proxy_parts.hostname}" + (f":{proxy_parts.port}" if proxy_parts.port else "")
    return httpcore.Proxy(bare, auth=auth, ssl_context=ssl_context())


def _split_credentials(url: str) -> tuple[str, list[tuple[bytes, bytes]]]:
    """A mirror URL may carry `user:password@`; httpcore sends no userinfo by itself, so it goes
    out as HTTP Basic authentication (as httpx did) and never in the request line."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, []
    pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
    return without_credentials(url), [(b"Authorization", b"Basic " + base64.b64encode(pair))]


class Wire:
    """The connection pools of one Fetcher: direct, or through the proxy the environment names."""

    def __init__(self):
        self._backend = _Backend()
        self._pools: dict[str, httpcore.ConnectionPool] = {}

    @functools.cached_property
    def _ssl(self) -> ssl.SSLContext:
        return ssl_context()  # loading the CA bundle takes a while: only when https is used

    def _pool(self, url: str) -> httpcore.ConnectionPool:
        proxy = _proxy_for(url)
        key = repr(proxy.url) if proxy else ""
        if key not in self._pools:
            self._pools[key] = httpcore.ConnectionPool(
                ssl_context=self._ssl if url.startswith("https:") or proxy else None, proxy=proxy, max_keepalive_connections=0, network_backend=self._backend,
            )
        return self._pools[key]

    @contextmanager
    def exchange(self, deadline: float, keep_bytes: int) -> Iterator[Exchange]:
        """Every request made inside shares `deadline`; the yielded Exchange sees their bytes."""
        exchange = Exchange(deadline, keep_bytes)
        _current.exchange = exchange
        try:
            yield exchange
        finally:
            _current.exchange = None

    @contextmanager
    def get(self, url: str, headers: list[tuple[bytes, bytes]], timeouts: dict[str, float]) -> Iterator[httpcore.Response]:
        url, credentials = _split_credentials(url)
        with self._pool(url).stream(
            "GET", url, headers=[*headers, *credentials, (b"Connection", b"close")], extensions={"timeout": timeouts},
        ) as response:
            yield response

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
