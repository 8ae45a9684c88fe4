"""An httpx transport that connects only to addresses the private-network guard approved.

httpx resolves names inside httpcore's network backend, out of our reach. Wrapping that
backend means the address that was checked is the address connected to: no second DNS
lookup that a rebinding attacker could answer differently. TLS still verifies the
certificate against the host name (httpcore passes the origin host as SNI).
Proxies from the environment are ignored on purpose: a proxy would connect for us and
the guard could not see where.
"""

from __future__ import annotations

import asyncio
import importlib.util
import ssl
import sys
import typing

import httpcore
import httpx

from innercircle.errors import BlockedAddressError, FetchError, caused_by
from innercircle.fetch.netguard import AddressGuard


def remember_missing_sniffio() -> None:
    """Make a missing ``sniffio`` fail to import at once, as Python does not remember it.

    httpcore learns which async library runs it by trying ``import sniffio`` (an
    optional package; anyio 4 no longer installs it) on every lock, event and response
    close: several times a request. A failed import is not cached, so each try searched
    every ``sys.path`` entry again (about 40 µs here, a few percent of the crawl's CPU).
    When it is not installed, ``None`` in ``sys.modules`` gives the same ImportError at
    once, and httpcore the same answer ("asyncio")."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


remember_missing_sniffio()


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves through :class:`AddressGuard` and connects to the approved addresses."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            if self._guard.cached(host):
                addresses = self._guard.check(host)
            else:
                addresses = await asyncio.to_thread(self._guard.check, host)
        except BlockedAddressError:
            raise
        except FetchError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        failed: list[Exception] = []
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failed.append(exc)
        assert failed
        # The fetcher does not retry a refused connection: refused only if every address
        # refused; another address's time-out or reset is what is raised, and retried.
        raise next((e for e in failed if not caused_by(e, ConnectionRefusedError)), failed[-1])

    async def connect_unix_socket(self, *args: typing.Any, **kwargs: typing.Any) -> typing.NoReturn:
        raise httpcore.ConnectError("unix sockets are not crawled")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(
    guard: AddressGuard, max_connections: int, tls: ssl.SSLContext | None = None
) -> httpx.AsyncHTTPTransport:
    """An ``AsyncHTTPTransport`` whose connection pool uses :class:`GuardedBackend`;
    ``tls`` shares one TLS context among many pools (building one reads the CA store)."""
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=15.0,
    )
    tls = tls or httpx.create_ssl_context(trust_env=False)
    transport = httpx.AsyncHTTPTransport(verify=tls, limits=limits, trust_env=False)
    # httpx 0.28 builds its pool without a way to pass a network backend; rebuild it with
    # the same settings plus ours (httpx is pinned <0.29 in pyproject).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=tls,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        http1=True,
        http2=False,
        network_backend=GuardedBackend(guard),
    )
    return transport
