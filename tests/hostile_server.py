"""Small threaded HTTP servers on 127.0.0.x for the crawler's tests and benchmark.

Each server runs in a daemon thread and answers from a table of routes; a route is a
function that receives the request handler and writes whatever it likes, which is how
the hostile behaviours (slow drips, bombs, loops) are expressed. The server records every
request's path and headers and the peak number of requests in flight, so tests can check
what the client did, not only what it returned.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        srv = self.server
        path = self.path.split("?", 1)[0]
        with srv.lock:
            srv.requests.append((self.path, dict(self.headers.items())))
            srv.hits[path] = srv.hits.get(path, 0) + 1
            srv.in_flight += 1
            srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
        try:
            route = srv.routes.get(path) or srv.routes.get("*")
            if route is None:
                self.send_body(404, b"not found", "text/plain")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with srv.lock:
                srv.in_flight -= 1

    def send_body(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/plain",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def hits(self, path: str | None = None) -> int:
        return self.server.hits.get(path or self.path.split("?", 1)[0], 0)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], routes: dict[str, Route]) -> None:
        super().__init__(address, Handler)
        self.routes = routes
        self.lock = threading.Lock()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.hits: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def serve(routes: dict[str, Route], host: str = "127.0.0.1") -> Iterator[_Server]:
    """Run a server on ``host`` (any 127.0.0.x) and an ephemeral port for a ``with`` block."""
    server = _Server((host, 0), routes)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def refused_port(host: str = "127.0.0.1") -> int:
    """A port on ``host`` with nothing listening (connection refused)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


# -- route builders ------------------------------------------------------------------------

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test feed</title><link>http://example.test/</link>
<item><title>One</title><link>http://example.test/1</link>
<author>a@example.test (Ann Author)</author></item>
</channel></rss>"""


def static(body: bytes, content_type: str = "text/plain", status: int = 200,
           headers: dict[str, str] | None = None) -> Route:
    return lambda h: h.send_body(status, body, content_type, headers)


def oversize(size: int, with_length: bool) -> Route:
    """``size`` bytes in 64 KiB writes; without Content-Length the body ends at close."""

    def route(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/octet-stream")
        if with_length:
            h.send_header("Content-Length", str(size))
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        chunk = b"x" * 65536
        sent = 0
        while sent < size:
            h.wfile.write(chunk[: size - sent])
            sent += len(chunk)

    return route


def gzip_bomb(decoded_size: int) -> tuple[Route, int]:
    """A gzip body that inflates to ``decoded_size`` zero bytes; returns (route, wire size)."""
    payload = gzip.compress(b"\0" * decoded_size, compresslevel=9)

    def route(h: Handler) -> None:
        h.send_body(200, payload, "application/rss+xml", {"Content-Encoding": "gzip"})

    return route, len(payload)


def drip(total: int, interval_s: float) -> Route:
    """Announce ``total`` bytes, then send one every ``interval_s`` seconds."""

    def route(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        for _ in range(total):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(interval_s)

    return route


def redirect(location: str, status: int = 302) -> Route:
    return lambda h: h.send_body(status, b"", "text/plain", {"Location": location})


def fail_then(first: list[tuple[int, dict[str, str]]], then: Route) -> Route:
    """Answer with the given (status, headers) in order for the first calls, then ``then``."""

    def route(h: Handler) -> None:
        n = h.hits()
        if n <= len(first):
            status, headers = first[n - 1]
            h.send_body(status, b"try later", "text/plain", headers)
        else:
            then(h)

    return route


def slow(body: bytes, delay_s: float, content_type: str = "text/plain") -> Route:
    def route(h: Handler) -> None:
        time.sleep(delay_s)
        h.send_body(200, body, content_type)

    return route


def conditional(body: bytes, etag: str, last_modified: str,
                content_type: str = "application/rss+xml") -> Route:
    """200 with validators, or 304 when the request's validators match."""

    def route(h: Handler) -> None:
        inm = h.headers.get("If-None-Match")
        ims = h.headers.get("If-Modified-Since")
        validators = {"ETag": etag, "Last-Modified": last_modified}
        if inm == etag or (inm is None and ims == last_modified):
            h.send_response(304)
            for key, value in validators.items():
                h.send_header(key, value)
            h.end_headers()
            return
        h.send_body(200, body, content_type, validators)

    return route
