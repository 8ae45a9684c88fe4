"""Crawl group: the sources file, then one crawl asset per registered source kind.

Every source kind (``innercircle.stages.kinds``; built-ins: feeds, author_pages,
articles) becomes the same small graph: *plan* reads what to fetch from DuckDB,
*fetch* crawls one shard of hosts (network only, no DuckDB: its rows go to Parquet in
the lake, so shards run in parallel processes or on other machines), and *store*
writes every shard's rows in one transaction. With ``INNERCIRCLE_CRAWL_SHARDS=1`` (the
default) there is one shard and the graph behaves like a single step.

The crawl's own records (``crawl_log``, ``http_cache``, ``raw_pages``, ``host_health``,
``feed_health``) are written by every crawl step, and a kind's other tables
(``feed_entries``) by its own step only (``crawl_lake.written_by``): they are asset specs
downstream of the crawl assets that write them, materialized (with their row counts) by
each such step. The crawl's checks (the share of failed fetches) stand at the end.
"""

import inspect
from pathlib import Path

import dagster as dg

from assets.common import (
    WRITER_POOL,
    WRITER_TAGS,
    log_progress,
    markdown_table,
    refuse_a_run_without_its_day,
    table_metadata,
)
from assets.resources import (
    IN_PROCESS_EXECUTORS,
    HttpFetcherResource,
    LakeResource,
    NerModelResource,
    SourcesResource,
    WarehouseResource,
)
from assets.tables import table_description
from innercircle.schema_docs import warehouse_tables
from innercircle.sources import load_sources
from innercircle.stages.crawl import (
    crawl_summary,
    failure_hint,
    last_run_fetch_failures,
    store_sources,
)
from innercircle.stages.crawl_lake import (
    ShardFiles,
    fetch_shard,
    plan_crawl,
    store_crawl,
    written_by,
)
from innercircle.stages.early_parse import start_during_crawl, start_early
from innercircle.stages.kinds import PlanContext, SourceKind, registered, upstream_of

GROUP = "crawl"

#: What the crawl's bookkeeping tables hold, for the UI. Which step writes which is the
#: kinds' declaration (``crawl_lake.written_by``), not this.
CRAWL_RECORDS = {
    "crawl_log": "Every request of every crawl step: URL, host, HTTP status, outcome "
    "(ok, not_modified, http_error, error, skipped), bytes, time and error class.",
    "http_cache": "Conditional-GET validators (ETag, Last-Modified) and permanent "
    "redirects per URL, sent back on the next fetch.",
    "raw_pages": "The last good body of every fetched page, gzip-compressed, so "
    "extraction can run again without crawling (innercircle run --reextract).",
    "host_health": "Hosts where every request failed, night after night, and when they "
    "are tried next (1, 2, 4 ... nights).",
    "feed_health": "Each feed's outcome over the last nights; a feed gone (410, 404 "
    "twice) or failing for 14 nights is dead and no longer fetched.",
    "feed_entries": "Every entry of every feed read: its URL, title, date, authors and "
    "text, kept so that an entry whose page cannot be had becomes the document.",
}


def _metadata_value(value) -> dg.MetadataValue:
    if isinstance(value, int):
        return dg.MetadataValue.int(value)
    if isinstance(value, tuple):  # (headers, rows)
        return dg.MetadataValue.md(markdown_table(*value))
    return dg.MetadataValue.md(str(value))


@dg.asset(group_name=GROUP, pool=WRITER_POOL, op_tags=WRITER_TAGS, kinds={"duckdb", "yaml"})
def sources(
    context: dg.AssetExecutionContext,
    warehouse_db: WarehouseResource,
    sources_file: SourcesResource,
) -> dg.MaterializeResult:
    """Feeds, sites and author pages listed per industry in the sources file
    (``INNERCIRCLE_SOURCES``). A malformed file fails here, naming the line; so does a
    run with no day for its snapshot, before anything is fetched."""
    refuse_a_run_without_its_day(context)
    path = Path(sources_file.path)
    listed = load_sources(path)
    with warehouse_db.connect() as con:
        by_industry = store_sources(con, listed)
        context.log.info(
            f"{len(listed)} sources in {len(by_industry)} industries from {path}"
        )
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "sources",
                path=dg.MetadataValue.path(str(path)),
                by_industry=dg.MetadataValue.md(
                    markdown_table(["industry", "sources"], sorted(by_industry.items()))
                ),
            )
        )


def _shard_progress(context, shard: ShardFiles):
    progress = log_progress(context)
    if shard.shards == 1:
        return progress
    tag = f" [shard {shard.shard + 1}/{shard.shards}]"
    return lambda stage, done, total, errors: progress(stage + tag, done, total, errors)


def crawl_asset(kind: SourceKind) -> dg.AssetsDefinition:
    """The plan -> fetch[shard] -> store graph of one source kind, as one asset."""

    upstream = upstream_of(kind)

    @dg.op(
        name=f"plan_{kind.name}",
        pool=WRITER_POOL, tags=WRITER_TAGS,
        out=dg.DynamicOut(),
        ins={f"after_{name}": dg.In(dg.Nothing) for name in upstream},
    )
    def plan(
        context: dg.OpExecutionContext,
        warehouse_db: WarehouseResource,
        sources_file: SourcesResource,
        lake_store: LakeResource,
    ):
        ctx = PlanContext(
            run_id=context.run_id,
            per_feed=sources_file.feed_articles_per_night,
            per_host=sources_file.host_requests_per_night,
        )
        with warehouse_db.connect() as con:
            shards, log = plan_crawl(
                con,
                kind,
                ctx,
                sources_file.crawl_shards,
                lake_store.location,
                parse_early=sources_file.parses_early_in(context),
            )
        if log:
            context.log.info(log)
        for shard in shards:
            yield dg.DynamicOutput(shard, mapping_key=f"shard_{shard.shard}")

    @dg.op(name=f"fetch_{kind.name}")
    def fetch(
        context: dg.OpExecutionContext,
        http: HttpFetcherResource,
        ner: NerModelResource,
        shard: ShardFiles,
    ) -> ShardFiles:
        """One shard of hosts: network and lake only, no DuckDB. Pages are read while
        they arrive (``innercircle.stages.early_parse``); when every step runs in this
        process, by one worker started as soon as the feeds announce enough pages. The
        mentions step's NER workers start then too (their model loads take seconds of
        CPU, which the crawl, mostly waiting, leaves free)."""
        in_process = context.job_def.executor_def.name in IN_PROCESS_EXECUTORS
        early_ner = ner if in_process and ner.starts_during_crawl(context) else None

        def start_ner() -> None:
            if early_ner is not None and early_ner.start_early() is not None:
                context.log.info("the mentions step's NER workers start during the crawl")

        def start() -> None:  # best effort: one that cannot start is a warning
            start_during_crawl([start_early, start_ner], context.log.warning)

        with http.open() as fetcher:
            done = fetch_shard(
                kind,
                shard,
                fetcher,
                context.run_id,
                _shard_progress(context, shard),
                start_workers=start if in_process else None,
            )
        if done.parsed:
            context.log.info(
                "pages read during the fetch: {parsed}; left to the documents step: {left}; "
                "unreadable: {failed}".format(**done.parsed)
            )
        return done

    @dg.op(name=f"store_{kind.name}", pool=WRITER_POOL, tags=WRITER_TAGS)
    def store(context: dg.OpExecutionContext, warehouse_db: WarehouseResource, shards: list):
        with warehouse_db.connect() as con:
            stored, records = store_crawl(con, kind, shards, context.run_id)
            for warning in stored.warnings:
                context.log.warning(warning)
            for table in written_by(kind):
                yield dg.AssetMaterialization(
                    asset_key=table,
                    description=_record_description(table),
                    metadata=table_metadata(con, table, **record_writers_metadata(table, kind)),
                )
            metadata = table_metadata(
                con,
                kind.name,
                **{k: _metadata_value(v) for k, v in crawl_summary(records.crawl_log).items()},
                shards=dg.MetadataValue.int(len(shards)),
                **{k: _metadata_value(v) for k, v in stored.metadata.items()},
            )
        yield dg.Output(None, metadata=metadata)

    def graph(**after):
        shards = plan(**{f"after_{name}": value for name, value in after.items()})
        return store(shards.map(fetch).collect())

    graph.__signature__ = inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY) for name in upstream]
    )
    graph.__name__ = kind.name
    return dg.graph_asset(
        name=kind.name,
        description=kind.description,
        group_name=GROUP,
        kinds={"duckdb", *kind.formats},
        ins={name: dg.AssetIn(dagster_type=dg.Nothing) for name in upstream},
    )(graph)


def crawl_assets(kinds: list[SourceKind] | None = None) -> list[dg.AssetsDefinition]:
    """One crawl asset per kind (default: every registered kind)."""
    return [crawl_asset(kind) for kind in (kinds or registered())]


def _record_description(table: str) -> str:
    """What a crawl record holds: said here for the crawl's own, else by its DDL."""
    if table in CRAWL_RECORDS:
        return CRAWL_RECORDS[table]
    if table in warehouse_tables():
        return table_description(table)
    return f"Written by the crawl step of the source kind that declares {table}."


def record_writers(kinds: list[SourceKind] | None = None) -> dict[str, list[str]]:
    """{bookkeeping table: the crawl steps that write it}, in the kinds' order."""
    writers: dict[str, list[str]] = {}
    for kind in kinds or registered():
        for table in written_by(kind):
            writers.setdefault(table, []).append(kind.name)
    return writers


def record_writers_metadata(table: str, kind: SourceKind) -> dict[str, dg.MetadataValue]:
    """Who writes a bookkeeping table, on each materialization of it: every step that
    does (``crawl_log`` has three), and the one that wrote this time. The UI shows the
    latest, so naming this step alone would read as if it were the only writer."""
    writers = record_writers().get(table, [])
    writers = writers if kind.name in writers else [*writers, kind.name]
    return {
        "written_by": dg.MetadataValue.text(", ".join(writers)),
        "this_time_by": dg.MetadataValue.text(kind.name),
    }


def crawl_records(kinds: list[SourceKind] | None = None) -> list[dg.AssetSpec]:
    """The bookkeeping tables, each downstream of the crawl assets that write it."""
    writers = record_writers(kinds)
    return [
        dg.AssetSpec(
            table,
            deps=names,
            description=_record_description(table),
            group_name=GROUP,
            kinds={"duckdb"},
        )
        for table, names in writers.items()
    ]


CRAWL_ASSETS = crawl_assets()
CRAWL_RECORD_SPECS = crawl_records()
_BY_NAME = {a.key.to_user_string(): a for a in CRAWL_ASSETS}
feeds = _BY_NAME["feeds"]
author_pages = _BY_NAME["author_pages"]
articles = _BY_NAME["articles"]


# ------------------------------------------------------------------ checks of the crawl
# Blocking checks stop bad data from flowing on: a ranking that fails them is never
# published.

#: Above this share of failed fetches a crawl check warns (the feeds check fails the run
#: only above the INNERCIRCLE_MAX_FAILED_FEED_SHARE setting).
MAX_FAILED_FETCH_SHARE = 0.25


def _failed_share_check(asset, stage: str, blocking: bool = False):
    """Share of failed fetches in the stage's last run: a warning above
    MAX_FAILED_FETCH_SHARE; with ``blocking``, an error above the
    ``INNERCIRCLE_MAX_FAILED_FEED_SHARE`` setting, which fails the run and stops the
    ranking from being rebuilt from nothing. What a failed fetch is, is the crawl's rule
    (``stages.crawl.last_run_fetch_failures``, which the "every source failed" line
    shares): requests skipped because their host or feed failed on earlier nights count
    as failed (nothing was reached); budget skips do not."""
    blocking_note = (
        " Above INNERCIRCLE_MAX_FAILED_FEED_SHARE (default 90%) it fails the run."
        if blocking
        else " Above it, a warning, never a failure."
    )

    @dg.asset_check(
        pool=WRITER_POOL, op_tags=WRITER_TAGS,
        asset=asset,
        name=f"{stage}_fetch_failures_under_threshold",
        blocking=blocking,
        description=f"Share of failed {stage} fetches in the last run is under "
        f"{MAX_FAILED_FETCH_SHARE:.0%}." + blocking_note,
    )
    def check(
        warehouse_db: WarehouseResource, sources_file: SourcesResource
    ) -> dg.AssetCheckResult:
        with warehouse_db.connect() as con:
            failures = last_run_fetch_failures(con, stage)
        total, failed, share = failures.requests, failures.failed, failures.share
        limit = sources_file.max_failed_feed_share
        fatal = blocking and share > limit
        return dg.AssetCheckResult(
            passed=share <= MAX_FAILED_FETCH_SHARE,
            severity=dg.AssetCheckSeverity.ERROR if fatal else dg.AssetCheckSeverity.WARN,
            description=(
                f"{failed} of {total} {stage} fetches failed ({share:.0%}), above the "
                f"{limit:.0%} at which the run fails: {failure_hint(set(failures.errors))}"
                if fatal
                else None
            ),
            metadata={
                "requests": total,
                "failed": failed,
                "failed_share": round(share, 4),
                "run_fails_above": limit if blocking else "never",
            },
        )

    return check


# Feeds are the sources themselves: when nearly all of them fail, the run fails. Article
# pages often answer 403 or are disallowed by robots.txt while their feed entries still
# become documents, so their failures only ever warn.
feeds_failures = _failed_share_check(feeds, "feeds", blocking=True)
articles_failures = _failed_share_check(articles, "articles")

CRAWL_CHECKS = [feeds_failures, articles_failures]
