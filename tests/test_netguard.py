"""The private-network guard: after DNS, on every hop, at connect time (issue 3)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from innercircle.errors import BlockedAddressError, FetchError
from innercircle.fetch import AddressGuard, Fetcher, FetchPolicy, FetchRequest, is_public_address
from innercircle.fetch.transport import guarded_transport
from tests.builders import fetch_policy
from tests.hostile_server import RSS, redirect, serve, static

pytestmark = pytest.mark.timeout(60)

PUBLIC = "93.184.216.34"


@pytest.mark.parametrize(
    "address, public",
    [
        ("8.8.8.8", True),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),  # multicast
        ("240.0.0.1", False),  # reserved
        ("255.255.255.255", False),
        ("198.18.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:169.254.169.254", False),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("fe80::1%eth0", False),
        ("not-an-ip", False),
    ],
)
def test_is_public_address(address, public):
    assert is_public_address(address) is public


def _policy(allow: bool) -> FetchPolicy:
    return fetch_policy(allow_private_networks=allow, retries=0)


def test_public_name_resolving_to_loopback_is_refused():
    with serve({"/robots.txt": static(b"", status=404), "/feed": static(RSS)}) as srv:
        port = srv.server_address[1]
        fetcher = Fetcher(_policy(False), resolver=lambda host: ["127.0.0.1"])
        result = fetcher.fetch(f"http://news.public.example:{port}/feed")
        hits = len(srv.requests)
    assert result.error_class == "blocked_address" and "127.0.0.1" in result.error_message
    assert result.body is None and hits == 0  # not even robots.txt was asked


def test_same_name_is_allowed_when_private_networks_are_allowed():
    """Also proves the connection goes to the resolver's (checked) address."""
    with serve({"/robots.txt": static(b"", status=404), "/feed": static(RSS)}) as srv:
        port = srv.server_address[1]
        fetcher = Fetcher(_policy(True), resolver=lambda host: ["127.0.0.1"])
        result = fetcher.fetch(f"http://news.public.example:{port}/feed")
        host_header = srv.requests[-1][1].get("Host")
    assert result.ok and result.body == RSS
    assert host_header == f"news.public.example:{port}"  # virtual hosting still works


def test_any_private_answer_blocks_a_name():
    guard = AddressGuard(False, resolver=lambda h: [PUBLIC, "10.0.0.7"])
    with pytest.raises(BlockedAddressError):
        guard.check("mixed.example")
    assert AddressGuard(False, resolver=lambda h: [PUBLIC]).check("ok.example") == [PUBLIC]


def test_literal_private_urls_are_refused_without_dns():
    calls: list[str] = []

    def resolver(host: str) -> list[str]:
        calls.append(host)
        return [PUBLIC]

    fetcher = Fetcher(_policy(False), resolver=resolver)
    urls = ["http://127.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/x",
            "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://10.0.0.1:8080/"]
    results = fetcher.fetch_all([FetchRequest(u) for u in urls])
    assert [r.error_class for r in results] == ["blocked_address"] * len(urls)
    assert calls == []


def test_redirect_to_metadata_address_is_refused_on_the_hop():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.host == "public.example":
            return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})
        return httpx.Response(200, content=b"secret")

    fetcher = Fetcher(_policy(False), transport=httpx.MockTransport(handler),
                      resolver=lambda h: [PUBLIC])
    result = fetcher.fetch("https://public.example/feed")
    assert result.error_class == "blocked_address" and result.body is None
    assert result.final_url == "http://169.254.169.254/latest/"
    assert all("169.254" not in u for u in seen)


def test_redirect_to_name_resolving_private_is_refused():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "http://internal.corp.example/admin"})

    def resolver(host: str) -> list[str]:
        return ["192.168.0.10"] if host == "internal.corp.example" else [PUBLIC]

    fetcher = Fetcher(_policy(False), transport=httpx.MockTransport(handler), resolver=resolver)
    result = fetcher.fetch("https://public.example/feed")
    assert result.error_class == "blocked_address" and "192.168.0.10" in result.error_message


def test_real_redirect_to_loopback_followed_only_when_allowed():
    with serve({"/feed": static(RSS)}, "127.0.0.3") as inner, serve(
        {"/go": redirect(inner.url("/feed"))}, "127.0.0.2"
    ) as outer:
        allowed = Fetcher(_policy(True)).fetch(outer.url("/go"))
        # The outer host is "public" by resolver, so only the hop to 127.0.0.3 is judged.
        refused = Fetcher(
            _policy(False),
            transport=httpx.MockTransport(
                lambda r: httpx.Response(302, headers={"Location": inner.url("/feed")})
            ),
            resolver=lambda h: [PUBLIC],
        ).fetch("https://public.example/go")
        inner_hits = inner.hits.get("/feed", 0)
    assert allowed.ok and allowed.body == RSS and allowed.final_url == inner.url("/feed")
    assert refused.error_class == "blocked_address"
    assert inner_hits == 1  # only the allowed fetch reached it


def test_transport_guards_connections_on_its_own():
    """Even a client that skips the fetcher's pre-check cannot reach a private address."""
    with serve({"/": static(b"hello")}) as srv:
        port = srv.server_address[1]

        async def get(allow: bool) -> httpx.Response:
            guard = AddressGuard(allow, resolver=lambda h: ["127.0.0.1"])
            async with httpx.AsyncClient(transport=guarded_transport(guard, 4)) as client:
                return await client.get(f"http://sneaky.example:{port}/")

        with pytest.raises(BlockedAddressError):
            asyncio.run(get(False))
        assert asyncio.run(get(True)).content == b"hello"


def test_unresolvable_host_is_a_connect_error():
    def resolver(host: str) -> list[str]:
        raise OSError("Name or service not known")

    result = Fetcher(_policy(False), resolver=resolver).fetch("https://nowhere.invalid/feed")
    assert result.error_class == "connect_error" and "resolve" in result.error_message


def test_a_name_that_does_not_resolve_is_asked_once_per_run():
    """Every URL of a dead host fails as the first did, without asking DNS again, even
    with the host's lanes asking at the same moment (the resolver takes its time)."""
    from innercircle.fetch.outcome import crawl_outcome, host_verdict

    calls: list[str] = []

    def resolver(host: str) -> list[str]:
        calls.append(host)
        time.sleep(0.2)
        raise OSError("[Errno -3] Temporary failure in name resolution")

    fetcher = Fetcher(fetch_policy(per_host_connections=4, retries=1), resolver=resolver)
    urls = [f"http://feedproxy.example/~r/a/{n}" for n in range(12)]
    results = fetcher.fetch_all([FetchRequest(u) for u in urls])
    assert calls == ["feedproxy.example"]
    kinds = {(r.error_class, r.error_message, crawl_outcome(r)) for r in results}
    assert kinds == {("connect_error", "feedproxy.example: cannot resolve host: "
                      "[Errno -3] Temporary failure in name resolution", "error")}
    assert {host_verdict(crawl_outcome(r), r.error_class) for r in results} == {False}


def test_a_failed_lookup_is_asked_again_after_the_ttl():
    answers = iter([OSError("no answer"), ["93.184.216.34"]])

    def resolver(host: str) -> list[str]:
        answer = next(answers)
        if isinstance(answer, OSError):
            raise answer
        return answer

    guard = AddressGuard(False, resolver=resolver, ttl_s=1.0)  # room for a loaded machine
    for _ in range(2):
        with pytest.raises(FetchError, match="cannot resolve host: no answer"):
            guard.check("flaky.example")
    assert guard.cached("flaky.example")
    time.sleep(1.05)
    assert not guard.cached("flaky.example")
    assert guard.check("flaky.example") == [PUBLIC]


def test_a_host_counts_as_refusing_only_when_every_address_refused():
    """The fetcher does not retry a refused connection, so a host with two addresses, one
    refusing and one resetting, raises the reset (which is retried)."""
    import httpcore

    from innercircle.errors import caused_by
    from innercircle.fetch.transport import GuardedBackend

    def refused(address: str) -> Exception:
        try:
            raise ConnectionRefusedError(111, f"refused by {address}")
        except ConnectionRefusedError as exc:
            return httpcore.ConnectError(exc)

    class Inner:
        def __init__(self, errors: dict[str, Exception]) -> None:
            self.errors = errors

        async def connect_tcp(self, address, port, **kwargs):
            raise self.errors[address]

    def raised(errors: dict[str, Exception]) -> Exception:
        backend = GuardedBackend(AddressGuard(True, resolver=lambda h: list(errors)))
        backend._inner = Inner(errors)
        with pytest.raises(httpcore.ConnectError) as info:
            asyncio.run(backend.connect_tcp("two.example", 80))
        return info.value

    reset = httpcore.ConnectError("[Errno 104] Connection reset by peer")
    mixed = raised({"10.0.0.1": reset, "10.0.0.2": refused("10.0.0.2")})
    assert mixed is reset and not caused_by(mixed, ConnectionRefusedError)
    both = raised({"10.0.0.1": refused("10.0.0.1"), "10.0.0.2": refused("10.0.0.2")})
    assert caused_by(both, ConnectionRefusedError)


def test_a_name_that_does_not_exist_is_kept_but_a_temporary_failure_only_briefly():
    """The resolver's "no such name" is its answer, kept as long as an address would be;
    "temporary failure" (a resolver under load) is kept a few seconds, so one bad moment
    does not fail every page of a healthy host for the rest of the step."""
    import socket

    answers = {"gone.example": [socket.gaierror(socket.EAI_NONAME, "Name or service not known")],
               "busy.example": [socket.gaierror(socket.EAI_AGAIN, "Temporary failure"),
                                ["93.184.216.34"]]}

    def resolver(host: str) -> list[str]:
        answer = answers[host].pop(0)
        if isinstance(answer, OSError):
            raise answer
        return answer

    guard = AddressGuard(False, resolver=resolver, ttl_s=60, transient_s=0.3)
    for host in ("gone.example", "busy.example"):
        with pytest.raises(FetchError, match="cannot resolve host"):
            guard.check(host)
    time.sleep(0.35)
    assert guard.cached("gone.example") and not guard.cached("busy.example")
    assert guard.check("busy.example") == [PUBLIC]
