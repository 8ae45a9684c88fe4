"""Resources: one per external system (the web, the warehouse, the sources file), the NER
model and the ranking's settings.

A field an ``INNERCIRCLE_*`` variable sets has the :class:`~innercircle.settings.Settings`
default (the fetcher's through :class:`~innercircle.fetch.FetchPolicy`, whose defaults are
the Settings'; ``as_of`` is text, empty for now), but for the warehouse's ``database``,
which has none: it is the working file beside the published one. Each such field is
declared with :func:`set_by`, so the UI describes it by the variable a user sets.
:func:`resources_for` fills them from one validated ``Settings`` value (read from the
``INNERCIRCLE_*`` variables, see ``innercircle/settings.py``): the code location, the CLI
and the tests build the same resources, and no asset reads the environment itself.
"""


import contextlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import Field, PrivateAttr
from pydantic_core import PydanticUndefined

from innercircle import warehouse
from innercircle.extract.ner_pool import (
    PooledPersonFinder,
    close_early,
    processes_for,
    start_early,
    take_early,
)
from innercircle.extract.people import PersonFinder, language_models
from innercircle.fetch import Fetcher, FetchPolicy
from innercircle.fetch.robots import RobotsCache
from innercircle.ranking import RankingConfig
from innercircle.settings import SETTINGS, Settings, parse_datetime
from innercircle.stages.early_parse import close_early as close_early_parser

_DEFAULTS = Settings()
_DEFAULT_POLICY = FetchPolicy()
_ROBOTS_BY_AGENT: dict[str, RobotsCache] = {}
_SETTINGS_BY_FIELD = {s.field: s for s in SETTINGS}


def set_by(setting: str, default: Any = PydanticUndefined, *, holds: str = "") -> Any:
    """A resource field that the ``INNERCIRCLE_*`` variable of ``Settings.<setting>`` sets.

    Its description, what the UI shows beside the field, names that variable (the field's
    own name often differs: ``per_host_rate`` is ``INNERCIRCLE_HOST_RATE``) and says what it
    does in the words of its row in :data:`~innercircle.settings.SETTINGS`, which the
    README's settings table is checked against; ``holds`` says it instead where the field
    holds something derived from the variable."""
    row = _SETTINGS_BY_FIELD[setting]
    return Field(default=default, description=f"{row.env}: {holds or row.meaning}".replace("`", ""))


class HttpFetcherResource(dg.ConfigurableResource):
    """The crawler's HTTP client: politeness, retries, caps and the private-network guard."""

    # The policy's defaults, which are the Settings' (see innercircle.fetch.policy).
    user_agent: str = set_by("user_agent", _DEFAULT_POLICY.user_agent)
    allow_private_networks: bool = set_by(
        "allow_private_networks", _DEFAULT_POLICY.allow_private_networks
    )
    per_host_connections: int = set_by("host_connections", _DEFAULT_POLICY.per_host_connections)
    per_host_rate: float = set_by("host_rate", _DEFAULT_POLICY.per_host_rate)
    max_parallel_hosts: int = set_by("parallel_hosts", _DEFAULT_POLICY.max_parallel_hosts)
    total_timeout_s: float = set_by("fetch_timeout_s", _DEFAULT_POLICY.total_timeout_s)
    max_bytes: int = set_by("max_bytes", _DEFAULT_POLICY.max_bytes)
    retries: int = set_by("retries", _DEFAULT_POLICY.retries)
    respect_robots: bool = set_by("respect_robots", _DEFAULT_POLICY.respect_robots)

    @classmethod
    def from_policy(cls, policy: FetchPolicy) -> "HttpFetcherResource":
        """The resource for ``policy``'s fields this resource carries (:func:`resources_for`
        passes ``FetchPolicy.from_env(settings)``, built from a Settings value)."""
        return cls(**{name: getattr(policy, name) for name in HttpFetcherResource.model_fields})

    def policy(self) -> FetchPolicy:
        # This class's fields, not a subclass's (pipelines.bench's adds its loopback port).
        fields = HttpFetcherResource.model_fields
        return FetchPolicy(**{name: getattr(self, name) for name in fields})

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

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        close_early_parser()  # a worker started for pages that never came


class WarehouseResource(DuckDBResource):
    """The DuckDB working file the run writes (see ``innercircle.warehouse``)."""

    database: str = set_by(
        "warehouse_path",
        holds="the working copy the run writes, <name>.work.duckdb beside the warehouse "
        "analysts read (published when the run ends)",
    )

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        # Unlike DuckDBResource.get_connection, always closes, even when the step fails,
        # so a failed step never leaves the single-writer lock held in this process.
        warehouse.prepare_working_copy(warehouse.published_path(Path(self.database)))
        with warehouse.connect(Path(self.database)) as con:
            yield con


#: Executors that run every step of a run in the run's own process: the nightly job's, and
#: the one ``execute_in_process`` puts in its place.
IN_PROCESS_EXECUTORS = frozenset(["in_process", "execute_in_process_executor"])


class NerModelResource(dg.ConfigurableResource):
    """The spaCy model, loaded once per process and only when a step needs it; how many
    shards (``INNERCIRCLE_NER_SHARDS``) and processes (``INNERCIRCLE_NER_PROCESSES``) NER
    uses, and how much of each text it reads (``INNERCIRCLE_NER_MAX_CHARS``)."""

    model: str = set_by("spacy_model", _DEFAULTS.spacy_model)  # English
    models: str = set_by("spacy_models", _DEFAULTS.spacy_models)  # "fr=fr_core_news_sm,..."
    shards: int = set_by("ner_shards", _DEFAULTS.ner_shards)
    processes: int = set_by("ner_processes", _DEFAULTS.ner_processes)
    max_chars: int = set_by("ner_max_chars", _DEFAULTS.ner_max_chars)
    _finder: PersonFinder | None = PrivateAttr(default=None)

    def language_models(self) -> dict[str, str]:
        return language_models(self.model, self.models)

    def finder(self) -> PersonFinder:
        if self._finder is None:
            self._finder = PersonFinder(models=self.language_models())
        return self._finder

    def pooled_finder(self, shards: int) -> PooledPersonFinder:
        """A finder on this step's share of the cores (close it when the step ends): the
        pool :meth:`start_early` started, when there is one."""
        processes = processes_for(self.processes, shards)
        early = take_early(self.language_models(), processes)
        if early is not None:
            return early
        # One process: the model this process loaded once, not a second copy.
        local = self.finder() if processes == 1 else None
        return PooledPersonFinder(self.language_models(), processes, local=local)

    def starts_early_in(self, job: dg.JobDefinition) -> bool:
        """Whether the documents step of ``job`` may start this NER early: workers started
        early live in the run's process, so only a job whose steps all run there (the
        default ``nightly``) and that runs the mentions step, unsharded."""
        return (
            job.executor_def.name in IN_PROCESS_EXECUTORS
            and job.graph.has_node_named("mentions")
            and self.shards <= 1
        )

    def starts_during_crawl(self, context: dg.OpExecutionContext) -> bool:
        """Whether this run's crawl starts the NER workers of its mentions step: as for
        :meth:`starts_early_in`, and only when the run builds ``mentions`` (a run of the
        crawl alone would start them for nothing)."""
        return self.starts_early_in(context.job_def) and builds(context, MENTIONS)

    def start_early(self) -> PooledPersonFinder | None:
        """Start the NER workers of a later step in this process now (see
        :func:`~innercircle.extract.ner_pool.start_early`), for one unsharded step."""
        return start_early(self.language_models(), processes_for(self.processes, self.shards))

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        close_early()  # workers started for a NER step that had nothing to read


class LakeResource(dg.ConfigurableResource):
    """Where steps exchange Parquet files (``INNERCIRCLE_LAKE``; see ``innercircle.lake``)."""

    location: str = set_by("lake", _DEFAULTS.lake_location)


DOCUMENTS = dg.AssetKey("documents")  # the step that takes pages read during the crawl
MENTIONS = dg.AssetKey("mentions")  # the step that takes NER workers started early


def builds(context: dg.OpExecutionContext, key: dg.AssetKey) -> bool:
    """Whether the run of this step materialises ``key``. Dagster names no selection for
    a whole job's run (then the job's own assets count)."""
    selection = context.dagster_run.asset_selection  # empty (or None): the whole job's
    return key in (selection or context.job_def.asset_layer.selected_asset_keys)


class SourcesResource(dg.ConfigurableResource):
    """The sources file (``INNERCIRCLE_SOURCES``) and how many host shards the crawl uses
    (``INNERCIRCLE_CRAWL_SHARDS``, for the ``nightly_parallel`` job)."""

    path: str = set_by("sources_path", str(_DEFAULTS.sources_path))
    crawl_shards: int = set_by("crawl_shards", _DEFAULTS.crawl_shards)
    parse_during_crawl: bool = set_by("parse_during_crawl", _DEFAULTS.parse_during_crawl)
    feed_articles_per_night: int = set_by(
        "feed_articles_per_night", _DEFAULTS.feed_articles_per_night
    )
    host_requests_per_night: int = set_by(
        "host_requests_per_night", _DEFAULTS.host_requests_per_night
    )
    max_failed_feed_share: float = set_by("max_failed_feed_share", _DEFAULTS.max_failed_feed_share)

    def parses_early_in(self, context: dg.OpExecutionContext) -> bool:
        """Whether this run's crawl reads its pages as they arrive. What it reads is kept
        for the documents step of the same run only (``innercircle.stages.early_parse``),
        so a run that materialises the crawl alone (the crawl group from the UI,
        ``materialize`` of the crawl's assets) reads none."""
        return self.parse_during_crawl and builds(context, DOCUMENTS)


class RankingResource(dg.ConfigurableResource):
    """How voices are ranked: ``INNERCIRCLE_TOP_N``, ``INNERCIRCLE_HALF_LIFE_DAYS`` and
    ``INNERCIRCLE_AS_OF`` (an ISO date or datetime; empty means now)."""

    top_n: int = set_by("top_n", _DEFAULTS.top_n)
    half_life_days: float = set_by("half_life_days", _DEFAULTS.half_life_days)
    as_of: str = set_by(
        "as_of", "", holds="rank as of this ISO date or datetime (naive UTC); empty: now"
    )

    def config(self) -> RankingConfig:
        return RankingConfig(top_n=self.top_n, half_life_days=self.half_life_days)

    def as_of_time(self) -> datetime | None:
        return parse_datetime(self.as_of) if self.as_of else None


class OutputsResource(dg.ConfigurableResource):
    """Where the nightly files for readers go: Atom feeds (``INNERCIRCLE_FEEDS_DIR``) and
    HTML reports (``INNERCIRCLE_REPORTS_DIR``), and the sources file for each industry's
    ``focus:``."""

    feeds_dir: str = set_by("feeds_dir", str(_DEFAULTS.feeds_path()))
    reports_dir: str = set_by("reports_dir", str(_DEFAULTS.reports_path()))
    sources_path: str = set_by(
        "sources_path", str(_DEFAULTS.sources_path), holds="the sources file, for each "
        "industry's focus:"
    )


class SuggestionsResource(dg.ConfigurableResource):
    """How sources are suggested: ``INNERCIRCLE_SUGGEST_TOP`` candidates checked per
    industry, ``INNERCIRCLE_SUGGEST_AUTO_ACCEPT`` added to the sources file each night."""

    top_per_industry: int = set_by("suggest_top", _DEFAULTS.suggest_top)
    auto_accept: int = set_by("suggest_auto_accept", _DEFAULTS.suggest_auto_accept)


def resources_for(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """Every resource the graph needs, from one :class:`Settings` value."""
    return {
        "warehouse_db": WarehouseResource(
            database=str(warehouse.working_path(settings.warehouse_path))
        ),
        "http": HttpFetcherResource.from_policy(FetchPolicy.from_env(settings)),
        "ner": NerModelResource(
            model=settings.spacy_model,
            models=settings.spacy_models,
            shards=settings.ner_shards,
            processes=settings.ner_processes,
            max_chars=settings.ner_max_chars,
        ),
        "lake_store": LakeResource(location=settings.lake_location),
        # Dagster's own step outputs (shard plans, crawl outputs) go through the same lake,
        # so a step may run on any machine that reaches it (FilesystemIOManager pickles
        # through universal-pathlib: a folder or an s3:// / gs:// URL).
        "io_manager": dg.FilesystemIOManager(
            base_dir=settings.lake_location.rstrip("/") + "/dagster"
        ),
        "sources_file": SourcesResource(
            path=str(settings.sources_path),
            crawl_shards=settings.crawl_shards,
            parse_during_crawl=settings.parse_during_crawl,
            feed_articles_per_night=settings.feed_articles_per_night,
            host_requests_per_night=settings.host_requests_per_night,
            max_failed_feed_share=settings.max_failed_feed_share,
        ),
        "outputs": OutputsResource(
            feeds_dir=str(settings.feeds_path()),
            reports_dir=str(settings.reports_path()),
            sources_path=str(settings.sources_path),
        ),
        "ranking": RankingResource(
            top_n=settings.top_n,
            half_life_days=settings.half_life_days,
            as_of=settings.as_of.isoformat() if settings.as_of else "",
        ),
        "suggestions": SuggestionsResource(
            top_per_industry=settings.suggest_top, auto_accept=settings.suggest_auto_accept
        ),
    }
