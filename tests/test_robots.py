"""robots.txt per RFC 9309: status handling, size limit, caching, enforcement."""

from __future__ import annotations

import time

import httpx
import pytest

from innercircle.fetch import Fetcher, FetchPolicy, FetchRequest
from innercircle.fetch.robots import (
    RobotsCache,
    origin_of,
    product_token,
    robots_url,
    rules_from_response,
)
from tests.builders import fetch_policy
from tests.hostile_server import RSS, serve, static

pytestmark = pytest.mark.timeout(60)

UA = "innercircle/0.1 (+https://github.com/innercircle-project/innercircle)"
ROBOTS = b"""User-agent: *
Disallow: /

User-agent: innercircle
Disallow: /private/
Allow: /private/ok
"""


def test_product_token_and_origin():
    assert product_token(UA) == "innercircle"
    assert origin_of("HTTPS://Example.COM/a?b") == "https://example.com:443"
    assert origin_of("http://example.com:8080/") == "http://example.com:8080"
    assert robots_url("https://example.com:8443/a/b?c") == "https://example.com:8443/robots.txt"


@pytest.mark.parametrize(
    "status, body, url, allowed",
    [
        (200, ROBOTS, "https://x.example/blog", True),
        (200, ROBOTS, "https://x.example/private/page", False),
        (200, ROBOTS, "https://x.example/private/ok", True),
        (404, None, "https://x.example/private/page", True),  # 4xx: no rules
        (403, None, "https://x.example/anything", True),
        (500, None, "https://x.example/blog", False),  # 5xx: disallow for now
        (503, None, "https://x.example/blog", False),
        (None, None, "https://x.example/blog", False),  # unreachable
        (200, b"\xff\xfe garbage \x00", "https://x.example/blog", True),
    ],
)
def test_rules_from_response(status, body, url, allowed):
    assert rules_from_response(status, body, 500 * 1024).allowed(url, UA) is allowed


def test_only_500_kib_are_parsed():
    padding = b"# " + b"x" * 1000 + b"\n"
    late = b"User-agent: innercircle\n" + padding * 600 + b"Disallow: /late/\n"
    rules = rules_from_response(200, late, 500 * 1024)
    assert rules.allowed("https://x.example/late/page", UA)
    early = b"User-agent: innercircle\nDisallow: /late/\n" + padding * 600
    assert not rules_from_response(200, early, 500 * 1024).allowed("https://x.example/late/a", UA)


def test_cache_expiry_and_short_ttl_for_unavailable():
    cache = RobotsCache(ttl_s=0.2, unavailable_ttl_s=0.05)
    cache.put("https://a:443", rules_from_response(404, None, 10))
    cache.put("https://b:443", rules_from_response(503, None, 10))
    assert cache.get("https://a:443") is not None and cache.get("https://b:443") is not None
    time.sleep(0.08)
    assert cache.get("https://a:443") is not None and cache.get("https://b:443") is None
    time.sleep(0.15)
    assert cache.get("https://a:443") is None


def _policy(**kw) -> FetchPolicy:
    return fetch_policy(**{"user_agent": UA, "retries": 0, **kw})


def test_fetcher_obeys_robots_and_caches_it_per_host():
    routes = {"/robots.txt": static(ROBOTS), "*": static(RSS, "application/rss+xml")}
    with serve(routes) as srv:
        f = Fetcher(_policy())
        first = f.fetch_all([FetchRequest(srv.url("/blog/feed")),
                             FetchRequest(srv.url("/private/feed")),
                             FetchRequest(srv.url("/private/ok"))])
        again = f.fetch(srv.url("/private/x"))  # a second run: robots.txt from the cache
        robots_hits = srv.hits["/robots.txt"]
        private_hits = srv.hits.get("/private/feed", 0)
        ua_seen = srv.requests[0][1]["User-Agent"]
    assert first[0].ok and first[2].ok
    assert first[1].error_class == "robots_disallowed" and private_hits == 0
    assert again.error_class == "robots_disallowed"
    assert robots_hits == 1 and ua_seen == UA


def test_robots_5xx_disallows_and_can_be_turned_off():
    routes = {"/robots.txt": static(b"oops", status=503), "/feed": static(RSS)}
    with serve(routes) as srv:
        blocked = Fetcher(_policy()).fetch(srv.url("/feed"))
        ignored = Fetcher(_policy(respect_robots=False)).fetch(srv.url("/feed"))
        feed_hits = srv.hits.get("/feed", 0)
    assert blocked.error_class == "robots_disallowed" and "503" in blocked.error_message
    assert ignored.ok and feed_hits == 1


def test_robots_404_allows_and_redirected_robots_followed():
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if request.url.path == "/robots.txt" and request.url.host == "a.example":
            return httpx.Response(301, headers={"Location": "https://b.example/robots.txt"})
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /no\n")
        return httpx.Response(200, content=b"ok")

    f = Fetcher(_policy(allow_private_networks=False), transport=httpx.MockTransport(handler),
                resolver=lambda h: ["93.184.216.34"])
    yes, no = f.fetch_all([FetchRequest("https://a.example/yes"),
                           FetchRequest("https://a.example/no")])
    assert yes.ok and no.error_class == "robots_disallowed"
    assert calls.count("https://b.example/robots.txt") == 1


def test_crawl_delay_slows_the_host_down():
    robots = b"User-agent: innercircle\nCrawl-delay: 0.3\n"
    with serve({"/robots.txt": static(robots), "*": static(b"ok")}) as srv:
        f = Fetcher(_policy(per_host_connections=4))
        started = time.monotonic()
        results = f.fetch_all([FetchRequest(srv.url(f"/p{i}")) for i in range(4)])
        elapsed = time.monotonic() - started
    assert all(r.ok for r in results)
    assert elapsed >= 0.85  # 4 requests, 0.3 s apart after robots.txt
