"""The code location ``dagster dev`` loads (see ``[tool.dagster]`` in pyproject.toml)."""

from __future__ import annotations

import os
from collections.abc import Mapping

import dagster as dg

from assets.crawl import CRAWL_ASSETS, CRAWL_CHECKS, CRAWL_RECORD_SPECS, sources
from assets.extraction import EXTRACTION_CHECKS, documents, mentions
from assets.profiles import voice_feeds, voice_profiles, voice_reports
from assets.publish import published_warehouse
from assets.ranking import people, recurring_voices, voice_history
from assets.resources import resources_for
from assets.suggestions import source_suggestions
from assets.tables import view_specs, with_table_schemas
from innercircle.settings import Settings, masked
from pipelines import worker_checks
from pipelines.sensors import (
    NIGHTLY_HOUR_UTC,
    freshness_sensor,
    ranking_freshness_checks,
    run_failure_recorder,
)

# A Celery worker that imports this code location (the README's `-i pipelines.definitions`)
# checks its settings as it starts, for the steps of its queues.
worker_checks.connect()

#: The asset definitions, one per step; a step that writes several tables (``documents``,
#: ``mentions``, ``people``, ``voice_profiles``, ``voice_feeds``, ``source_suggestions``)
#: is a multi-asset with one asset key per table (``ASSET_KEYS``). Every table asset
#: carries its columns from the DDL.
ALL_ASSETS = with_table_schemas([
    sources,
    *CRAWL_ASSETS,  # one per registered source kind: feeds, author_pages, articles
    documents,
    mentions,
    people,
    recurring_voices,
    voice_history,
    voice_profiles,
    voice_feeds,
    voice_reports,
    source_suggestions,
    published_warehouse,
])
#: The crawl's bookkeeping tables (``crawl_log``, ``http_cache``, ``raw_pages`` …): every
#: crawl step writes them, so they are specs downstream of the crawl assets, materialised
#: by each store step.
RECORD_SPECS = with_table_schemas(CRAWL_RECORD_SPECS)
ASSET_KEYS = [
    *(key for definition in ALL_ASSETS for key in definition.keys),
    *(spec.key for spec in RECORD_SPECS),
]
#: The analysts' views (``inner_circle`` …): assets no step makes, in the ``views`` group,
#: downstream of the tables they read, so the catalog shows what analysts query.
VIEW_SPECS = view_specs()
#: The checks that are steps of their own; the ranking's are evaluated by the
#: ``recurring_voices`` step (``assets.ranking.RANKING_CHECK_SPECS``).
ALL_CHECKS = [*CRAWL_CHECKS, *EXTRACTION_CHECKS]

#: What the nightly job runs, step by step, in the UI's words.
NIGHTLY_DESCRIPTION = (
    "Crawl every source (sources, feeds, author_pages, articles); extract the documents "
    "and the people named in them (documents, mentions); resolve and rank them (people, "
    "recurring_voices) and snapshot the day's ranking (voice_history); profile the voices "
    "and write their Atom feeds and HTML reports (voice_profiles, voice_feeds, "
    "voice_reports); suggest sources (source_suggestions); publish the warehouse "
    "(published_warehouse)."
)

#: Steps are few and each is busy in its own right (the crawler is concurrent inside),
#: and every one of them writes DuckDB, so one process runs them one after another.
nightly_job = dg.define_asset_job(
    name="nightly",
    selection=dg.AssetSelection.assets(*ALL_ASSETS),
    executor_def=dg.in_process_executor,
    description=NIGHTLY_DESCRIPTION,
)

#: The same graph with the multiprocess executor: pays when crawling is sharded
#: (INNERCIRCLE_CRAWL_SHARDS > 1), so shards of hosts are fetched by parallel processes.
#: Writing steps still queue on the `duckdb_writer` pool, one at a time.
nightly_parallel_job = dg.define_asset_job(
    name="nightly_parallel",
    selection=dg.AssetSelection.assets(*ALL_ASSETS),
    executor_def=dg.multiprocess_executor,
    description="The nightly job with crawl shards fetched in parallel processes "
    "(set INNERCIRCLE_CRAWL_SHARDS).",
)

def _celery_executor() -> dg.ExecutorDefinition:
    """Dagster's Celery executor (DuckDB-writing steps on the ``warehouse`` queue, see
    pipelines/celery.py) when dagster-celery is installed (the ``[celery]`` extra);
    otherwise the multiprocess one, so the code location loads without it."""
    try:
        from pipelines.celery import celery_routing_executor
    except ImportError:
        return dg.multiprocess_executor
    return celery_routing_executor


#: The same graph on Dagster's Celery executor: every step is a task on a Redis broker,
#: run by `dagster-celery` workers on any machine that shares the Dagster instance
#: database (PostgreSQL), the lake (INNERCIRCLE_LAKE) and the settings; writing steps
#: queue on the `duckdb_writer` pool. `INNERCIRCLE_EXECUTOR=celery innercircle run`
#: submits it (see deploy/celery/).
nightly_celery_job = dg.define_asset_job(
    name="nightly_celery",
    selection=dg.AssetSelection.assets(*ALL_ASSETS),
    executor_def=_celery_executor(),
    description="The nightly job on Dagster's Celery executor (Redis broker, PostgreSQL "
    "instance, workers started with deploy/celery/celery.yaml: README, Scaling out).",
)

#: Every night at 02:00, for today's partition of voice_history (the rest of the graph is
#: unpartitioned): a fresh ranking by morning, and the day's snapshot for trends.
nightly_schedule = dg.build_schedule_from_partitioned_job(
    nightly_job,
    hour_of_day=NIGHTLY_HOUR_UTC,
    minute_of_hour=0,
    name="nightly_schedule",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=f"Every night at {NIGHTLY_HOUR_UTC:02d}:00 UTC, the nightly job: crawl, "
    "extract, rank, snapshot, profiles, feeds and reports, source suggestions, publish.",
)


def build_resources(settings: Settings | None = None) -> dict:
    """The resources for ``settings`` (default: read from the environment now), whose
    values are first held to their rules: ``dagster dev`` and ``dagster asset materialize``
    then fail to load with the line naming the variable (``INNERCIRCLE_HOST_RATE=-1.0 must
    be above 0``), not with a resource's own complaint."""
    settings = settings or Settings.from_env()
    settings.check_values()
    return resources_for(settings)


defs = dg.Definitions(
    assets=[*ALL_ASSETS, *RECORD_SPECS, *VIEW_SPECS],
    asset_checks=[*ALL_CHECKS, *ranking_freshness_checks],
    jobs=[nightly_job, nightly_parallel_job, nightly_celery_job],
    schedules=[nightly_schedule],
    sensors=[freshness_sensor, run_failure_recorder],
    resources=build_resources(),
)


def parallel_job() -> dg.JobDefinition:
    """The parallel job, resolved, for ``dg.reconstructable`` (multiprocess runs re-import it)."""
    return defs.resolve_job_def("nightly_parallel")


def celery_job() -> dg.JobDefinition:
    """The Celery job, resolved, for ``dg.reconstructable`` (workers re-import it)."""
    return defs.resolve_job_def("nightly_celery")


def celery_run_config(settings: Settings) -> dict:
    """The Celery executor's config: the broker, also the result backend; tasks are
    acknowledged when they end, so a task whose worker dies goes back to the queue (the
    workers read the same from deploy/celery/celery.yaml)."""
    broker = broker_source(settings)
    return {
        "execution": {
            "config": {
                "broker": broker,
                "backend": broker,
                "config_source": {
                    "task_acks_late": True,
                    "task_reject_on_worker_lost": True,
                    "worker_prefetch_multiplier": 1,
                },
            }
        }
    }


def broker_source(settings: Settings, environ: Mapping[str, str] | None = None) -> str | dict:
    """The broker as the run's config gives it. The run config is stored with the run in
    the instance and shown in the Dagster UI: a URL with a password in it is named by its
    variable (``{"env": "INNERCIRCLE_CELERY_BROKER"}``, which the submitter and every
    worker set), not written out, whenever that variable holds it."""
    environ = os.environ if environ is None else environ
    url = settings.celery_broker
    if masked(url) != url and environ.get("INNERCIRCLE_CELERY_BROKER") == url:
        return {"env": "INNERCIRCLE_CELERY_BROKER"}
    return url


def run_partition_key(settings: Settings | None = None) -> str:
    """The voice_history partition a run made now (or at INNERCIRCLE_AS_OF) belongs to."""
    from innercircle.stages.crawl import now_utc

    settings = settings or Settings.from_env()
    return (settings.as_of or now_utc()).date().isoformat()
