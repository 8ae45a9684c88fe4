"""Serve a SampleWeb on loopback: one listening socket per blog address, one port for all
(:mod:`innercircle.loopback`), answering as a careful real server does: ETag and
Last-Modified, conditional GETs, gzip when asked.
"""

from __future__ import annotations

import threading
from datetime import UTC
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from innercircle.loopback import AddressServer, MultiHostServer

from .web import Page, SampleWeb

_GZIP_MIN_BYTES = 200


class _Stats:
    """Requests and bytes per host, safe to bump from many handler threads."""

    def __init__(self, hosts: list[str]) -> None:
        self._lock = threading.Lock()
        self._hosts = hosts
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._data = {h: {"requests": 0, "bytes": 0, "not_modified": 0, "gzip": 0,
                              "status": {}} for h in self._hosts}

    def add(self, host: str, status: int, nbytes: int, gzipped: bool) -> None:
        with self._lock:
            row = self._data[host]
            row["requests"] += 1
            row["bytes"] += nbytes
            row["not_modified"] += status == 304
            row["gzip"] += gzipped
            row["status"][status] = row["status"].get(status, 0) + 1

    def snapshot(self) -> dict:
        with self._lock:
            hosts = {h: {**row, "status": dict(row["status"])} for h, row in self._data.items()}
        return {
            "requests": sum(r["requests"] for r in hosts.values()),
            "bytes": sum(r["bytes"] for r in hosts.values()),
            "not_modified": sum(r["not_modified"] for r in hosts.values()),
            "hosts": hosts,
        }


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = params.strip()
            return not (q.startswith("q=") and float(q[2:] or 0) == 0)
    return False


def _etag_matches(header: str, page: Page) -> bool:
    """Weak comparison (RFC 9110 §13.1.2), either representation's tag."""
    ours = {page.etag.strip('"'), page.etag.strip('"') + "-gzip"}
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"') in ours:
            return True
    return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers and httpx expect
    server_version = "innercircle-sampleweb/1"
    timeout = 30
    # Headers and body go out in two writes; without this, delayed ACKs cost 40 ms a page.
    disable_nagle_algorithm = True
    server: _HostServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # quiet: the stats are the log

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if status != 304:  # a 304 has no body and must not claim one
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and body:
            self.wfile.write(body)
        self.server.stats.add(self.server.host, status, 0 if head else len(body),
                              headers.get("Content-Encoding") == "gzip")

    def _respond(self, head: bool) -> None:
        path = urlsplit(self.path).path or "/"
        page = self.server.pages.get(path)
        if page is None:
            body = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"
            self._send(404, {"Content-Type": "text/html; charset=utf-8"}, body, head)
            return
        use_gzip = _accepts_gzip(self.headers.get("Accept-Encoding")) and (
            len(page.body) >= _GZIP_MIN_BYTES)
        etag = page.etag[:-1] + '-gzip"' if use_gzip else page.etag
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(page.last_modified.astimezone(UTC), usegmt=True),
            "Vary": "Accept-Encoding",
            "Cache-Control": "max-age=0, must-revalidate",
        }
        if self._not_modified(page):
            self._send(304, headers, b"", head=True)
            return
        headers["Content-Type"] = page.content_type
        body = page.body
        if use_gzip:
            headers["Content-Encoding"] = "gzip"
            body = page.gzipped
        self._send(200, headers, body, head)

    def _not_modified(self, page: Page) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # takes precedence over If-Modified-Since
            return _etag_matches(inm, page)
        ims = self.headers.get("If-Modified-Since")
        if not ims:
            return False
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return page.last_modified.replace(microsecond=0) <= since


class _HostServer(AddressServer):
    """One blog's address, its pages and the shared request counts."""

    thread_prefix = "sampleweb"

    def __init__(self, host: str, port: int, pages: dict[str, Page], stats: _Stats) -> None:
        self.host = host
        self.pages = pages
        self.stats = stats
        super().__init__(host, port, _Handler)


class SampleWebServer(MultiHostServer[_HostServer]):
    """A running sample web. Use as a context manager, or call ``close()``."""

    def __init__(self, web: SampleWeb, port: int = 0) -> None:
        self.web = web
        self._stats = _Stats(web.hosts)
        super().__init__(web.hosts, port,
                         lambda host, chosen: _HostServer(host, chosen, {}, self._stats),
                         "sampleweb")
        self._serve(web)
        self.start()

    def _serve(self, web: SampleWeb) -> None:
        pages = web.resolve(self.port)
        for srv in self._servers:
            srv.pages = pages[srv.host]
        self.web = web

    def replace(self, web: SampleWeb) -> None:
        """Serve ``web`` from now on, on the same addresses and port: e.g. the full web
        after ``build_sample_web(seed, as_of=...)``, to grow the web between two runs."""
        if set(web.hosts) != set(self.web.hosts):
            raise ValueError("the new web must have the same hosts")
        self._serve(web)

    def url(self, host: str, path: str = "/") -> str:
        """The real URL of ``path`` on ``host`` while this server runs."""
        return f"http://{host}:{self.port}{path}"

    def base(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def sources(self, include_broken: bool = True) -> dict:
        return self.web.sources(self.base, include_broken=include_broken)

    def write_sources(self, path: Path, include_broken: bool = True, focus: bool = False) -> Path:
        """Write the YAML sources file with this server's real URLs. ``focus`` states a
        focus per industry (two of the topics its voices write about), so a run shows how
        relevant each voice is, as a user's file would after "focus: <what we sell>"."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        sources = self.sources(include_broken)
        if focus:
            for industry, entry in sources["industries"].items():
                if text := self.web.focus(industry):
                    entry["focus"] = text
        text = yaml.safe_dump(sources, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    def stats(self) -> dict:
        """Requests, bytes (body bytes on the wire) and 304s, in total and per host."""
        return self._stats.snapshot()

    def reset_stats(self) -> None:
        self._stats.reset()


def serve(web: SampleWeb, port: int = 0) -> SampleWebServer:
    """Start serving ``web`` on every blog address; ``port=0`` picks a free port."""
    return SampleWebServer(web, port)
