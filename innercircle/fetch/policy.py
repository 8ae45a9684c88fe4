"""What the crawler is allowed to do, in one frozen value: limits, politeness, identity.

Defaults follow the polite end of what trusted crawlers do (Scrapy's AutoThrottle start
values, RFC 9309, feed readers such as lemon24/reader and Miniflux): two connections and
one request a second per host, a bounded number of hosts at once, a size cap on the
*decoded* body and a whole-request time budget so a slow-drip server cannot hold a slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from innercircle.settings import DEFAULT_USER_AGENT, Settings

#: The crawler limits an ``INNERCIRCLE_*`` variable sets have their one default in
#: :class:`Settings`; the policy's fields below take theirs from it.
_SETTINGS = Settings()


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and politeness settings for one :class:`~innercircle.fetch.Fetcher`."""

    user_agent: str = _SETTINGS.user_agent
    allow_private_networks: bool = _SETTINGS.allow_private_networks
    connect_timeout_s: float = 10
    read_timeout_s: float = 20
    total_timeout_s: float = _SETTINGS.fetch_timeout_s  # whole request, slow-drip bodies too
    max_bytes: int = _SETTINGS.max_bytes  # cap on the DECOMPRESSED body; gzip bombs stop here
    max_redirects: int = 5
    per_host_connections: int = _SETTINGS.host_connections
    per_host_rate: float = _SETTINGS.host_rate  # requests per second per host
    max_parallel_hosts: int = _SETTINGS.parallel_hosts
    retries: int = _SETTINGS.retries  # on connect errors (not a refused connection), 429, 5xx
    backoff_base_s: float = 0.5
    max_retry_after_s: float = 120  # Retry-After honoured on 429/503 up to this
    respect_robots: bool = _SETTINGS.respect_robots
    robots_max_bytes: int = 500 * 1024  # RFC 9309: parse at least 500 KiB
    robots_ttl_s: float = 24 * 3600  # RFC 9309: cache up to 24 h
    max_crawl_delay_s: float = 30  # a robots.txt Crawl-delay above this is capped

    def __post_init__(self) -> None:
        if self.per_host_connections < 1 or self.max_parallel_hosts < 1:
            raise ValueError("per_host_connections and max_parallel_hosts must be >= 1")
        if self.per_host_rate <= 0:
            raise ValueError("per_host_rate must be > 0 (requests per second per host)")
        if self.max_bytes < 1 or self.retries < 0 or self.max_redirects < 0:
            raise ValueError("max_bytes must be >= 1, retries and max_redirects >= 0")

    @classmethod
    def from_env(cls, settings: Settings | None = None, **overrides: Any) -> FetchPolicy:
        """Build from :class:`Settings` (the ``INNERCIRCLE_*`` crawler variables: user agent,
        private networks, host rate and connections, parallel hosts, max bytes, fetch
        timeout, retries, robots), plus explicit overrides."""
        settings = settings or Settings.from_env()
        values: dict[str, Any] = dict(
            user_agent=settings.user_agent or DEFAULT_USER_AGENT,
            allow_private_networks=settings.allow_private_networks,
            per_host_rate=settings.host_rate,
            per_host_connections=settings.host_connections,
            max_parallel_hosts=settings.parallel_hosts,
            max_bytes=settings.max_bytes,
            total_timeout_s=settings.fetch_timeout_s,
            retries=settings.retries,
            respect_robots=settings.respect_robots,
        )
        values.update(overrides)
        return cls(**values)


@dataclass(frozen=True)
class FetchRequest:
    """One URL to fetch, with the validators stored from its last successful fetch."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
