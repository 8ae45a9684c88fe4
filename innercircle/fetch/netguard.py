"""Private-network guard: refuse to connect to addresses a public crawler has no business with.

A sources file, a feed entry or a redirect can name any URL. Without a guard, a hostile
feed could steer the crawler into the operator's own network (a router admin page, a cloud
metadata service at 169.254.169.254, a database on localhost). The check therefore runs
*after* DNS resolution (a public-looking name may resolve to 127.0.0.1) and on every hop.

The same resolved, checked address is the one connected to (see ``transport.py``), so a
name that resolves to a public address for the check and to a private one for the
connection (DNS rebinding) is not a way around it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable

from innercircle.errors import BlockedAddressError, FetchError

Resolver = Callable[[str], list[str]]

# Ranges ``ipaddress`` does not flag on every Python version, refused explicitly.
_EXTRA_BLOCKED = [
    ipaddress.ip_network("100.64.0.0/10"),  # carrier-grade NAT (RFC 6598)
    ipaddress.ip_network("192.0.0.0/24"),  # IETF protocol assignments
    ipaddress.ip_network("198.18.0.0/15"),  # benchmarking
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use NAT64
]


def is_public_address(address: str) -> bool:
    """True when ``address`` (an IP literal) is globally routable unicast.

    IPv4-mapped (``::ffff:127.0.0.1``), 6to4 and Teredo IPv6 forms are judged by the IPv4
    address they carry, since that is where the packets go.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return is_public_address(str(embedded))
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return False
    return not any(ip in net for net in _EXTRA_BLOCKED if net.version == ip.version)


def system_resolver(host: str) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        addr = str(sockaddr[0])
        if addr not in seen:
            seen.append(addr)
    return seen


#: The resolver's own word that a name does not exist (not that it could not say).
_NO_SUCH_NAME = frozenset(
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)


class AddressGuard:
    """Resolves host names once (cached briefly) and refuses non-public answers.

    One resolution serves both the check and the connection, which is what closes the
    DNS-rebinding gap. If *any* address of a name is non-public the name is refused: a
    name that answers both public and private addresses is at best misconfigured.

    A failed lookup is remembered as long as an answer would be (``ttl_s``, five minutes
    by default): every URL of a name that does not resolve then fails at once, with the
    first failure's message (so the same outcome in ``crawl_log``). Without it each URL
    asked the resolver again, and a resolver is slow to give up (about 5 s a name under
    a crawl's load: the 133 articles of one dead feed proxy took 6.5 minutes of an
    8.5-minute run). A failure is kept as long as an answer, not for the guard's whole
    life, so that a long-lived fetcher finds a name that was down for a moment again;
    a crawl step (one fetcher, a few minutes) asks about a dead name once or twice.
    Only a name the resolver says does not exist is kept that long: a failure it calls
    temporary (``EAI_AGAIN``, a resolver under load), or an error that is not its answer,
    is kept ``transient_s`` (10 s), long enough for a host's parallel lanes to share it,
    short enough that one bad moment does not fail a healthy host's every page.
    Lookups of one name wait for each other, so a host's parallel lanes ask once.
    """

    def __init__(
        self,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        ttl_s: float = 300.0,
        transient_s: float = 10.0,
    ) -> None:
        self.allow_private = allow_private
        self._resolver = resolver or system_resolver
        self._ttl_s = ttl_s
        self._transient_s = min(transient_s, ttl_s)
        # host -> (until, addresses), or (until, the failure's message) for a failed lookup
        self._cache: dict[str, tuple[float, list[str] | str]] = {}
        self._lookups: dict[str, threading.Lock] = {}
        self._lookups_lock = threading.Lock()

    def resolve(self, host: str) -> list[str]:
        """Addresses for ``host``; raises FetchError (connect_error) when it has none,
        or when it had none the last ``ttl_s`` seconds."""
        host = host.strip("[]").lower()
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
            return [host]
        except ValueError:
            pass
        hit = self._fresh(host)
        if hit is None:
            with self._lookup_lock(host):
                hit = self._fresh(host)  # a parallel lookup of the name may just have ended
                if hit is None:
                    hit, keep_s = self._lookup(host)
                    self._cache[host] = (time.monotonic() + keep_s, hit)
        if isinstance(hit, str):
            raise _ResolveError(host, hit)
        return hit

    def _fresh(self, host: str) -> list[str] | str | None:
        """The cached answer (addresses, or a failure's message) for ``host`` if fresh."""
        hit = self._cache.get(host)
        if hit is not None and time.monotonic() < hit[0]:
            return hit[1]
        return None

    def _lookup(self, host: str) -> tuple[list[str] | str, float]:
        """Ask the resolver: the addresses, or why there are none; and how long to keep
        that answer."""
        try:
            addresses = list(self._resolver(host))
        except (OSError, UnicodeError) as exc:
            final = isinstance(exc, socket.gaierror) and exc.errno in _NO_SUCH_NAME
            return f"cannot resolve host: {exc}", self._ttl_s if final else self._transient_s
        if not addresses:
            return "cannot resolve host: no addresses", self._ttl_s
        return addresses, self._ttl_s

    def _lookup_lock(self, host: str) -> threading.Lock:
        with self._lookups_lock:
            return self._lookups.setdefault(host, threading.Lock())

    def cached(self, host: str) -> bool:
        """True when ``host`` needs no DNS lookup (an IP literal, or a fresh answer or
        failure in the cache), so callers can skip handing the check to a thread."""
        host = host.strip("[]").lower()
        if self._fresh(host) is not None:
            return True
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return False
        return True

    def check(self, host: str) -> list[str]:
        """Resolve ``host`` and return its addresses, or raise BlockedAddressError."""
        addresses = self.resolve(host)
        if not self.allow_private:
            blocked = [a for a in addresses if not is_public_address(a)]
            if blocked:
                raise BlockedAddressError(
                    host, f"resolves to non-public address {blocked[0]} (private networks refused)"
                )
        return addresses


class _ResolveError(FetchError):
    error_class = "connect_error"
