"""Resources: one per external system (the web, the warehouse) plus the NER model.

Tests swap them with ``materialize(..., resources=...)``: a fetcher allowed to reach
the loopback sample web, a warehouse in a temporary directory, a small model.
"""


import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from innercircle import warehouse
from innercircle.extract.people import PersonFinder
from innercircle.fetch import Fetcher, FetchPolicy
from innercircle.fetch.robots import RobotsCache
from innercircle.settings import Settings

_ROBOTS_BY_AGENT: dict[str, RobotsCache] = {}


class HttpFetcherResource(dg.ConfigurableResource):
    """The crawler's HTTP client: politeness, retries, caps and the private-network guard."""

    user_agent: str = Settings().user_agent
    allow_private_networks: bool = False
    per_host_connections: int = 2
    per_host_rate: float = 1.0
    max_parallel_hosts: int = 16
    total_timeout_s: float = 60.0
    max_bytes: int = 10 * 2**20
    retries: int = 3
    respect_robots: bool = True

    @classmethod
    def from_policy(cls, policy: FetchPolicy) -> "HttpFetcherResource":
        """The resource for a policy read from the environment (``FetchPolicy.from_env``)."""
        return cls(**{name: getattr(policy, name) for name in cls.model_fields})

    def policy(self) -> FetchPolicy:
        return FetchPolicy(
            user_agent=self.user_agent,
            allow_private_networks=self.allow_private_networks,
            per_host_connections=self.per_host_connections,
            per_host_rate=self.per_host_rate,
            max_parallel_hosts=self.max_parallel_hosts,
            total_timeout_s=self.total_timeout_s,
            max_bytes=self.max_bytes,
            retries=self.retries,
            respect_robots=self.respect_robots,
        )

    @contextlib.contextmanager
    def open(self) -> Iterator[Fetcher]:
        fetcher = Fetcher(self.policy())
        # Steps of one run share robots.txt rules (RFC 9309 allows caching them 24 h), so
        # the feeds, author-page and article steps don't each ask every host again.
        fetcher.robots = _ROBOTS_BY_AGENT.setdefault(self.user_agent, fetcher.robots)
        try:
            yield fetcher
        finally:
            fetcher.close()


class WarehouseResource(DuckDBResource):
    """The DuckDB working file the run writes (see ``innercircle.warehouse``)."""

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        # Unlike DuckDBResource.get_connection, always closes, even when the step fails,
        # so a failed step never leaves the single-writer lock held in this process.
        warehouse.prepare_working_copy(warehouse.published_path(Path(self.database)))
        with warehouse.connect(Path(self.database)) as con:
            yield con


class NerModelResource(dg.ConfigurableResource):
    """The spaCy model, loaded once per process and only when a step needs it."""

    model: str = Settings().spacy_model
    _finder: PersonFinder | None = PrivateAttr(default=None)

    def finder(self) -> PersonFinder:
        if self._finder is None:
            self._finder = PersonFinder(self.model)
        return self._finder
