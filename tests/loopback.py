"""A real HTTP server on 127.0.0.1 for tests: serves a mirror directory and scripted replies.

Every network path of the warehouse is tested against this server instead of a mock: the
fetcher speaks real HTTP to it, with real sockets, timeouts and connection errors.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # before the status line: a server that does not answer
    trickle_s: float = 0.0  # between bytes of the body: a server that answers slowly
    declared_length: int | None = None  # a Content-Length other than the body's length
    header_trickle_s: float = 0.0  # between bytes of the status line and headers: a header trickle


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]
    at: float = 0.0  # time.monotonic() when the request arrived


class LoopbackServer:
    """`with LoopbackServer(root) as server:`; `server.url(path)`; `server.script(path, *replies)`;
    `server.route(prefix, handler)` for replies computed from the request path (an endless chain)."""

    def __init__(self, root: Path | None = None):
        self.root = root
        self.requests: list[SeenRequest] = []
        self._scripts: dict[str, list[Reply]] = {}
        self._routes: dict[str, Callable[[str], Reply]] = {}
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                outer._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def script(self, path: str, *replies: Reply) -> None:
        """Replies for `path` in order; the last one repeats."""
        with self._lock:
            self._scripts["/" + path.lstrip("/")] = list(replies)

    def route(self, prefix: str, handler: Callable[[str], Reply]) -> None:
        """`handler(path)` answers every request whose path starts with `prefix` (after scripts)."""
        with self._lock:
            self._routes["/" + prefix.lstrip("/")] = handler

    def count(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == "/" + path.lstrip("/"))

    def __enter__(self) -> "LoopbackServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_reply(self, path: str) -> Reply | None:
        with self._lock:
            queue = self._scripts.get(path)
            if queue:
                return queue.pop(0) if len(queue) > 1 else queue[0]
            handler = next((h for prefix, h in self._routes.items() if path.startswith(prefix)), None)
        return handler(path) if handler else None

    def _static_reply(self, path: str, headers: dict[str, str]) -> Reply:
        if self.root is None:
            return Reply(404, b"not found")
        target = (self.root / unquote(path.lstrip("/"))).resolve()
        if self.root.resolve() not in target.parents or not target.is_file():
            return Reply(404, b"not found")
        body = target.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if headers.get("If-None-Match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {"ETag": etag, "Content-Type": "application/octet-stream"})

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        headers = {k: v for k, v in handler.headers.items()}
        with self._lock:
            self.requests.append(SeenRequest(handler.path, headers, time.monotonic()))
        reply = self._next_reply(handler.path) or self._static_reply(handler.path, headers)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        try:
            if reply.header_trickle_s:
                self._trickle_head(handler, reply)
            else:
                handler.send_response(reply.status)
                for name, value in reply.headers.items():
                    handler.send_header(name, value)
                length = reply.declared_length if reply.declared_length is not None else len(reply.body)
                handler.send_header("Content-Length", str(length))
                handler.end_headers()
            if reply.trickle_s:
                for i in range(len(reply.body)):
                    handler.wfile.write(reply.body[i : i + 1])
                    handler.wfile.flush()
                    time.sleep(reply.trickle_s)
            else:
                handler.wfile.write(reply.body)
            if reply.declared_length is not None:
                handler.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout under test): nothing more to say

    @staticmethod
    def _trickle_head(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        lines = [f"HTTP/1.1 {reply.status} OK", *(f"{k}: {v}" for k, v in reply.headers.items()),
                 f"Content-Length: {len(reply.body)}", "", ""]
        for byte in "\r\n".join(lines).encode("latin-1"):
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(reply.header_trickle_s)
        handler.close_connection = True

class TlsHostServer:
    """An HTTPS server on 127.0.0.1 answering for official host names (certificate from a test CA);
    `route(host, path, query) -> (status, body, headers)` decides each answer. Reached through
    `ConnectProxy`, which resolves those host names to it, as a corporate proxy would."""

    def __init__(self, ca, hosts: list[str], route):
        import ssl

        self.hosts = hosts
        self.requests: list[tuple[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                host = (self.headers.get("Host") or "").split(":")[0]
                path, _, query = self.path.partition("?")
                outer.requests.append((host, self.path))
                status, body, headers = route(host, path, query)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert(*hosts).configure_cert(context)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def __enter__(self) -> "TlsHostServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


class ConnectProxy:
    """An HTTP proxy on 127.0.0.1 that only tunnels (`CONNECT host:443`), resolving the host names it
    knows to loopback ports and refusing others with 502. `tunnels` lists the hosts asked for."""

    def __init__(self, resolve: dict[str, int]):
        import socketserver

        self.resolve = resolve
        self.tunnels: list[str] = []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                import socket

                request = self.rfile.readline().decode("latin-1").split()
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # the proxy request's headers
                if len(request) < 2 or request[0] != "CONNECT":
                    self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                    return
                host = request[1].rsplit(":", 1)[0]
                outer.tunnels.append(host)
                if host not in outer.resolve:
                    self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    return
                upstream = socket.create_connection(("127.0.0.1", outer.resolve[host]))
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                _pipe(self.connection, upstream)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "ConnectProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def _pipe(client, upstream) -> None:
    """Copy bytes both ways until either side closes."""
    import selectors

    with upstream, selectors.DefaultSelector() as sel:
        sel.register(client, selectors.EVENT_READ, upstream)
        sel.register(upstream, selectors.EVENT_READ, client)
        while True:
            for key, _ in sel.select(timeout=30):
                data = key.fileobj.recv(65536)
                if not data:
                    return
                key.data.sendall(data)
