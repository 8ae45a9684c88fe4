"""The crawler's HTTP client: many hosts in parallel, each one treated politely.

Design notes
- ``fetch_all`` is synchronous (Dagster assets and the CLI are) and runs one asyncio loop
  per call; fresh httpx clients per call, because connection pools belong to a loop.
- Each host gets its own client (its own small connection pool, closed when the host is
  done), all sharing one TLS context. httpcore's pool scans every connection it holds
  for every request (and, for each idle one, counts them all again): one pool for all
  hosts held up to 64 connections, most of them idle keep-alives of hosts already done,
  and those scans cost more CPU than the rest of the crawl's HTTP work.
- Redirects are followed here, not by httpx, so the private-network guard, robots.txt and
  the per-host gate apply on every hop.
- Bodies are read raw and decoded by :class:`BoundedDecoder`, so the size cap holds for
  the decoded bytes without ever holding more than the cap in memory (gzip bombs).
- The whole exchange (all hops) of one attempt runs under ``total_timeout_s``, which is
  what stops a server dripping one byte a second; httpx's read timeout alone would not.
- Nothing raises for a bad URL, host or response: failures become ``FetchResult.error_*``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import email.utils
import logging
import random
import signal
import ssl
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from innercircle.errors import BlockedAddressError, FetchError, caused_by
from innercircle.fetch.decode import (
    SUPPORTED_ENCODINGS,
    BoundedDecoder,
    TooLarge,
    UnsupportedEncoding,
)
from innercircle.fetch.netguard import AddressGuard, Resolver
from innercircle.fetch.policy import FetchPolicy, FetchRequest
from innercircle.fetch.ratelimit import GateRegistry
from innercircle.fetch.robots import RobotsCache, RobotsRules, origin_of, robots_url
from innercircle.fetch.robots import rules_from_response as robots_rules
from innercircle.model import FetchResult

log = logging.getLogger(__name__)

#: The client of the host whose lanes run in this task (set by ``_Run.run`` per host; the
#: lanes and the tasks they start inherit it): a redirect or robots.txt on another host
#: goes through it too.
_HOST_CLIENT: contextvars.ContextVar[httpx.AsyncClient] = contextvars.ContextVar("host_client")

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
PERMANENT_REDIRECTS = {301, 308}
RETRY_STATUSES = {429, 500, 502, 503, 504}
RETRY_AFTER_STATUSES = {429, 503}


class _Failure(Exception):
    """An attempt ended in a classified error (carries what the result should say)."""

    def __init__(self, error_class: str, message: str, retryable: bool = False) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.message = message
        self.retryable = retryable


@dataclass
class _Hop:
    """What one attempt (a chain of hops) produced."""

    final_url: str
    status: int | None = None
    content_type: str = ""
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after: str | None = None
    location: str | None = None
    permanent_redirect: str | None = None
    wire_bytes: int = 0


def host_key(url: str) -> str:
    """``host:port`` of a URL: the unit per-host limits apply to."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def _validate_url(url: str) -> str | None:
    """Why ``url`` cannot be fetched, or None when it can."""
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError as exc:
        return f"malformed URL: {exc}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"unsupported scheme {parts.scheme!r} (only http and https are fetched)"
    if not parts.hostname:
        return "URL has no host"
    if parts.username or parts.password:
        return "URLs with credentials are not fetched"
    return None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _classify_exception(exc: BaseException) -> _Failure:
    """Map an exception from the HTTP stack to a stable error class."""
    if isinstance(exc, _Failure):
        return exc
    if isinstance(exc, FetchError):  # BlockedAddressError and friends carry their class
        return _Failure(exc.error_class, str(exc))
    if isinstance(exc, httpx.ConnectTimeout):
        return _Failure("timeout", f"connect timed out: {exc}", retryable=True)
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return _Failure("timeout", f"timed out: {exc}" if str(exc) else "timed out")
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        tls = isinstance(exc.__cause__, ssl.SSLError)
        if tls or "SSL" in text or "CERTIFICATE" in text.upper():
            return _Failure("tls_error", text)
        # Refused: the host answered that nothing listens there. Retrying within seconds
        # only holds the step's end back (a dead blog's backoff was most of a small crawl's
        # wall time); the host's health carries it to the next night. Timeouts, resets and
        # failed look-ups may pass, and are tried again.
        if caused_by(exc, ConnectionRefusedError):
            # Said plainly: anyio words it "All connection attempts failed".
            return _Failure("connect_error", "connection refused")
        return _Failure("connect_error", text or "connection failed", retryable=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        return _Failure("protocol_error", str(exc), retryable=True)
    if isinstance(exc, httpx.DecodingError):
        return _Failure("decode_error", str(exc))
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return _Failure("invalid_url", str(exc))
    if isinstance(exc, httpx.TransportError):
        return _Failure("network_error", f"{type(exc).__name__}: {exc}")
    return _Failure("fetch_error", f"{type(exc).__name__}: {exc}")


class Fetcher:
    """Fetches URLs under a :class:`FetchPolicy`. Reusable; robots.txt cached across calls.

    ``transport`` replaces the network (``httpx.MockTransport`` in tests); ``resolver``
    replaces DNS for the private-network guard (and, with the default transport, for the
    connection itself).
    """

    def __init__(
        self,
        policy: FetchPolicy,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.policy = policy
        self._transport = transport
        self.guard = AddressGuard(policy.allow_private_networks, resolver)
        self.robots = RobotsCache(ttl_s=policy.robots_ttl_s)
        self._closed = False

    # -- public, synchronous -------------------------------------------------------------

    def fetch_all(
        self,
        requests: Sequence[FetchRequest],
        on_result: Callable[[FetchRequest, FetchResult], None] | None = None,
    ) -> list[FetchResult]:
        """Fetch every request; results in request order; never raises for a bad URL."""
        if self._closed:
            raise RuntimeError("Fetcher is closed")
        if not requests:
            return []
        coro_factory = lambda: _Run(self, on_result).run(list(requests))  # noqa: E731
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            with ctrl_c_as_keyboard_interrupt():
                return asyncio.run(coro_factory())
        # Called from inside an event loop (a notebook, an async caller): run in a thread.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(lambda: asyncio.run(coro_factory())).result()

    def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        return self.fetch_all([FetchRequest(url, etag, last_modified)])[0]

    def close(self) -> None:
        """Release resources; clients live per ``fetch_all`` call, so this only marks it."""
        self._closed = True

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Run:
    """State of one ``fetch_all`` call, inside its event loop."""

    def __init__(self, fetcher: Fetcher, on_result: Callable | None) -> None:
        self.f = fetcher
        self.p = fetcher.policy
        self.on_result = on_result
        self.gates = GateRegistry(self.p.per_host_connections, self.p.per_host_rate)
        self.robots_locks: dict[str, asyncio.Lock] = {}

    async def run(self, requests: list[FetchRequest]) -> list[FetchResult]:
        results: list[FetchResult | None] = [None] * len(requests)
        by_host: dict[str, list[int]] = {}
        for i, req in enumerate(requests):
            problem = _validate_url(req.url)
            if problem:
                results[i] = FetchResult(
                    url=req.url, final_url=req.url, error_class="invalid_url",
                    error_message=problem, attempts=0,
                )
                self._report(req, results[i])
                continue
            by_host.setdefault(host_key(req.url), []).append(i)

        p = self.p
        settings = dict(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(
                connect=p.connect_timeout_s, read=p.read_timeout_s,
                write=p.read_timeout_s, pool=p.total_timeout_s,
            ),
            headers={
                "User-Agent": p.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": SUPPORTED_ENCODINGS,
            },
        )
        # A transport given by the caller (tests' MockTransport) is shared by every host
        # and closed once, at the end; otherwise each host has its own pool.
        shared = (
            httpx.AsyncClient(transport=self.f._transport, **settings)
            if self.f._transport is not None else None
        )
        tls = None if shared else httpx.create_ssl_context(trust_env=False)
        hosts = asyncio.Semaphore(p.max_parallel_hosts)

        async def host_worker(indices: list[int]) -> None:
            async with hosts:
                client = shared or httpx.AsyncClient(
                    transport=_default_transport(self.f, p, tls), **settings
                )
                _HOST_CLIENT.set(client)  # this task's context: its lanes inherit it
                queue = list(indices)

                async def lane() -> None:
                    while queue:
                        i = queue.pop(0)
                        results[i] = await self.fetch_one(requests[i])
                        self._report(requests[i], results[i])

                try:
                    await _all_or_cancel(lane() for _ in range(p.per_host_connections))
                finally:
                    if shared is None:
                        await client.aclose()

        try:
            await _all_or_cancel(host_worker(ix) for ix in by_host.values())
        finally:
            if shared is not None:
                await shared.aclose()
        return [r for r in results if r is not None]

    def _report(self, req: FetchRequest, result: FetchResult) -> None:
        if self.on_result is not None:
            self.on_result(req, result)

    # -- one request: attempts with retry ----------------------------------------------

    async def fetch_one(self, req: FetchRequest) -> FetchResult:
        p = self.p
        started = time.monotonic()
        result = FetchResult(url=req.url, final_url=req.url, attempts=0)
        wire = 0
        for attempt in range(p.retries + 1):
            result.attempts = attempt + 1
            delay: float | None = None
            try:
                hop = await asyncio.wait_for(self.attempt(req), timeout=p.total_timeout_s)
            except Exception as exc:  # classified below; nothing escapes
                failure = _classify_exception(exc)
                if isinstance(exc, TimeoutError):
                    failure = _Failure(
                        "timeout", f"exceeded the total budget of {p.total_timeout_s:g}s"
                    )
                wire += getattr(exc, "wire_bytes", 0)
                result.status = getattr(exc, "status", None)
                result.final_url = getattr(exc, "final_url", result.final_url)
                result.error_class, result.error_message = failure.error_class, failure.message
                result.body = None
                if failure.retryable:
                    delay = self._backoff(attempt)
            else:
                wire += hop.wire_bytes
                self._fill(result, hop, req)
                if hop.status in RETRY_STATUSES:
                    delay = self._backoff(attempt)
                    if hop.status in RETRY_AFTER_STATUSES and hop.retry_after:
                        wait = parse_retry_after(hop.retry_after)
                        if wait is not None:
                            delay = wait if wait <= p.max_retry_after_s else None
                            if delay is None:
                                result.error_message += (
                                    f"; Retry-After {wait:g}s exceeds {p.max_retry_after_s:g}s"
                                )
            if delay is None or attempt == p.retries:
                break
            await asyncio.sleep(delay)
        result.bytes_received = wire
        result.elapsed_s = time.monotonic() - started
        return result

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: base * 2^attempt, scaled by 0.5-1.5."""
        return self.p.backoff_base_s * (2**attempt) * random.uniform(0.5, 1.5)

    @staticmethod
    def _fill(result: FetchResult, hop: _Hop, req: FetchRequest) -> None:
        result.final_url = hop.final_url
        result.status = hop.status
        result.content_type = hop.content_type
        result.permanent_redirect = hop.permanent_redirect
        result.etag = hop.etag
        result.last_modified = hop.last_modified
        result.body = None
        result.not_modified = False
        result.error_class = result.error_message = None
        status = hop.status or 0
        if status == 304:
            result.not_modified = True
            result.etag = hop.etag or req.etag
            result.last_modified = hop.last_modified or req.last_modified
        elif 200 <= status < 300:
            result.body = hop.body
        else:
            result.error_class = "http_error"
            result.error_message = f"HTTP {status}"

    # -- one attempt: a chain of hops -----------------------------------------------------

    async def attempt(self, req: FetchRequest) -> _Hop:
        p = self.p
        url = req.url
        headers: dict[str, str] = {}
        if req.etag:
            headers["If-None-Match"] = req.etag
        if req.last_modified:
            headers["If-Modified-Since"] = req.last_modified
        permanent: str | None = None
        all_permanent = True
        wire = 0
        for _hop in range(p.max_redirects + 1):
            try:
                problem = _validate_url(url)
                if problem:
                    raise _Failure("invalid_url", f"{url}: {problem}")
                await self.check_host(url)
                if p.respect_robots:
                    await self.check_robots(url)
                hop = await self.exchange(url, headers, p.max_bytes, truncate=False)
            except Exception as exc:
                exc.wire_bytes = wire + getattr(exc, "hop_wire_bytes", 0)  # type: ignore[attr-defined]
                exc.final_url = url  # type: ignore[attr-defined]
                raise
            wire += hop.wire_bytes
            hop.wire_bytes = wire
            if hop.status in REDIRECT_STATUSES and hop.location is not None:
                target = urljoin(url, hop.location)
                if hop.status in PERMANENT_REDIRECTS and all_permanent:
                    permanent = target
                else:
                    all_permanent = False
                url = target
                continue
            hop.permanent_redirect = permanent
            return hop
        exc = _Failure(
            "too_many_redirects", f"more than {p.max_redirects} redirects (last: {url})"
        )
        exc.wire_bytes = wire  # type: ignore[attr-defined]
        exc.final_url = url  # type: ignore[attr-defined]
        raise exc

    async def check_host(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        if self.f.guard.cached(host):
            self.f.guard.check(host)  # no DNS: fast enough for the event loop
        else:
            await asyncio.to_thread(self.f.guard.check, host)

    async def check_robots(self, url: str) -> None:
        rules = await self.robots_for(url)
        if not rules.allowed(url, self.p.user_agent):
            raise _Failure("robots_disallowed", f"disallowed by robots.txt ({rules.reason})")

    async def robots_for(self, url: str) -> RobotsRules:
        origin = origin_of(url)
        cached = self.f.robots.get(origin)
        if cached is not None:
            return cached
        lock = self.robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self.f.robots.get(origin)
            if cached is not None:
                return cached
            rules = await self.fetch_robots(robots_url(url))
            self.f.robots.put(origin, rules)
            delay = rules.crawl_delay(self.p.user_agent)
            if delay:
                gate = self.gates.get(host_key(url))
                gate.min_interval_s = max(gate.min_interval_s, min(delay, self.p.max_crawl_delay_s))
            return rules

    async def fetch_robots(self, url: str) -> RobotsRules:
        """GET robots.txt following up to 5 redirects (RFC 9309 2.3.1.2)."""
        try:
            for _ in range(6):
                await self.check_host(url)
                hop = await asyncio.wait_for(
                    self.exchange(url, {}, self.p.robots_max_bytes, truncate=True),
                    timeout=self.p.total_timeout_s,
                )
                if hop.status in REDIRECT_STATUSES and hop.location is not None:
                    url = urljoin(url, hop.location)
                    continue
                return robots_rules(hop.status, hop.body, self.p.robots_max_bytes)
            return RobotsRules("allow_all", "robots.txt redirects too often; no rules")
        except Exception as exc:
            failure = _classify_exception(exc)
            if isinstance(exc, TimeoutError):
                failure = _Failure("timeout", "timed out", retryable=True)
            if failure.error_class in ("blocked_address", "connect_error", "timeout", "tls_error"):
                # The host itself is unreachable: report that, not a robots verdict, and
                # as what happened to the host ("robots.txt: connection refused" read as
                # if robots.txt had refused something).
                raise _Failure(
                    failure.error_class, f"{failure.message} (while asking for {url})",
                    failure.retryable,
                ) from exc
            return RobotsRules("disallow_all", f"robots.txt failed ({failure.error_class})")

    async def exchange(
        self, url: str, headers: dict[str, str], max_bytes: int, truncate: bool
    ) -> _Hop:
        """One HTTP GET through the host's gate; reads the body only for 2xx."""
        client = _HOST_CLIENT.get(None)
        if client is None:
            raise RuntimeError("exchange() runs in fetch_all's host workers, which hold a client")
        async with self.gates.get(host_key(url)).slot():
            request = client.build_request("GET", url, headers=headers)
            response = await client.send(request, stream=True)
            try:
                hop = _Hop(
                    final_url=url,
                    status=response.status_code,
                    content_type=response.headers.get("content-type", ""),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
                if response.status_code in REDIRECT_STATUSES:
                    hop.location = response.headers.get("location")
                elif response.status_code in RETRY_AFTER_STATUSES:
                    hop.retry_after = response.headers.get("retry-after")
                if 200 <= response.status_code < 300:
                    hop.body = await self._read_body(response, max_bytes, truncate)
                return hop
            except Exception as exc:
                exc.status = response.status_code  # type: ignore[attr-defined]
                exc.hop_wire_bytes = response.num_bytes_downloaded  # type: ignore[attr-defined]
                raise
            finally:
                await response.aclose()
                if "hop" in locals():
                    hop.wire_bytes = response.num_bytes_downloaded

    @staticmethod
    async def _read_body(response: httpx.Response, max_bytes: int, truncate: bool) -> bytes:
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "")
        if not truncate and not encoding and declared.isdigit() and int(declared) > max_bytes:
            raise _Failure("too_large", f"Content-Length {declared} exceeds {max_bytes} bytes")
        try:
            decoder = BoundedDecoder(encoding, max_bytes)
        except UnsupportedEncoding as exc:
            raise _Failure("decode_error", str(exc)) from exc
        parts: list[bytes] = []
        if hasattr(response, "_content"):
            # Already in memory (a Response built with content=, as MockTransport does):
            # httpx has decoded it; only the cap is left to apply.
            content = response.content
            if len(content) > max_bytes and not truncate:
                raise _Failure("too_large", f"body of {len(content)} bytes exceeds {max_bytes}")
            return content[:max_bytes]
        try:
            async for chunk in response.aiter_raw():
                parts.append(decoder.feed(chunk))
            parts.append(decoder.flush())
        except TooLarge as exc:
            if truncate:
                return b"".join(parts)[:max_bytes]
            raise _Failure("too_large", f"body cut off at {max_bytes} bytes: {exc}") from exc
        except Exception as exc:
            if isinstance(exc, httpx.HTTPError | TimeoutError | asyncio.CancelledError):
                raise
            raise _Failure("decode_error", f"{type(exc).__name__}: {exc}") from exc
        return b"".join(parts)


def _default_transport(
    fetcher: Fetcher, p: FetchPolicy, tls: ssl.SSLContext | None = None
) -> httpx.AsyncBaseTransport:
    """One host's pool: its lanes, and as many again for redirects to other hosts."""
    from innercircle.fetch.transport import guarded_transport

    return guarded_transport(fetcher.guard, p.per_host_connections * 2, tls)


__all__ = [
    "ACCEPT",
    "BlockedAddressError",
    "FetchPolicy",
    "FetchRequest",
    "Fetcher",
    "host_key",
    "parse_retry_after",
]


async def _all_or_cancel(coros: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Await every one; the first error cancels the others, waits for them to stop, and is
    raised as it is. ``asyncio.gather`` alone leaves the others running, so a host's
    lanes would go on sending through a client its worker is closing."""
    tasks = [asyncio.ensure_future(c) for c in coros]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@contextlib.contextmanager
def ctrl_c_as_keyboard_interrupt() -> Iterator[None]:
    """Let Ctrl-C (and SIGTERM) stop the crawl's event loop as ``KeyboardInterrupt``.

    Dagster's handler raises its own interrupt error, which is not a ``KeyboardInterrupt``:
    raised inside a socket write, asyncio took it for that connection's error and the crawl
    went on, the pressed Ctrl-C counted as a failed fetch. With Python's own handler in
    place, ``asyncio.run`` cancels the crawl and re-raises, and Dagster ends the step as
    interrupted. Dagster points SIGTERM (``timeout``, systemd) at its handler too: during
    the crawl it raises SIGINT instead, so both stop the crawl the same way. Only Dagster's
    handlers are swapped: a program embedding the fetcher keeps its own, and Python's own
    needs no swap.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    swaps = {
        signal.SIGINT: signal.default_int_handler,
        signal.SIGTERM: _sigterm_as_sigint,
    }
    previous = {sig: signal.getsignal(sig) for sig in swaps}
    swapped = [sig for sig in swaps if _is_dagsters(previous[sig])]
    for sig in swapped:
        signal.signal(sig, swaps[sig])
    try:
        yield
    finally:
        for sig in swapped:
            signal.signal(sig, previous[sig])


def _sigterm_as_sigint(signum: int, frame: object) -> None:
    signal.raise_signal(signal.SIGINT)


def _is_dagsters(handler: object) -> bool:
    """Whether a signal handler (SIGINT's or SIGTERM's) is one Dagster installs around a
    step (its module's name says so: the fetcher does not import Dagster)."""
    return callable(handler) and (getattr(handler, "__module__", "") or "").startswith("dagster.")
