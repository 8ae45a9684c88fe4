"""Crawl group: read the sources file, fetch feeds, article pages and author pages.

Each fetching asset is a small graph: *plan* reads what to fetch from DuckDB, *fetch*
crawls one shard of hosts (network only, no DuckDB, so shards can run in parallel
processes), and *store* writes every shard's rows in one transaction. With
``INNERCIRCLE_CRAWL_SHARDS=1`` (the default) there is one shard and the graph behaves like
a single step; with N shards and the multiprocess executor (the ``nightly_parallel``
job) N crawls run at once while DuckDB still sees one writer at a time.
"""

from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb

from assets.common import WRITER_POOL, arrow, log_progress, markdown_table, table_metadata
from assets.resources import HttpFetcherResource, SourcesResource, WarehouseResource
from innercircle import warehouse
from innercircle.extract.author_page import extract_author_page
from innercircle.model import Source
from innercircle.sources import load_sources
from innercircle.stages.crawl import (
    ArticleCandidate,
    CacheEntry,
    CrawlOutput,
    budget_articles,
    crawl_feeds,
    crawl_pages,
    host_of,
    now_utc,
    page_state_row,
    shard_of,
)
from innercircle.stages.health import hosts_in_backoff, next_feed_health, next_host_health

GROUP = "crawl"
MAX_ARTICLES_PER_AUTHOR_PAGE = 50


def _load_cache(con: duckdb.DuckDBPyConnection) -> dict[str, CacheEntry]:
    rows = con.execute("SELECT url, etag, last_modified, redirect_to FROM http_cache").fetchall()
    return {url: CacheEntry(etag, lm, redirect) for url, etag, lm, redirect in rows}


def _store_crawl(con: duckdb.DuckDBPyConnection, out: CrawlOutput) -> None:
    """Write the log, validators, raw bodies and crawl health of one crawl, in one transaction."""
    now = now_utc()
    hosts = next_host_health(_rows_by(con, "SELECT * FROM host_health", "host"), out.crawl_log, now)
    feed_health = next_feed_health(
        _rows_by(con, "SELECT * FROM feed_health", "feed_url"), out.feed_outcomes, now
    )
    con.execute("BEGIN")
    try:
        warehouse.insert(con, "crawl_log", arrow(out.crawl_log))
        warehouse.insert(con, "http_cache", arrow(_last_by_url(out.http_cache)), replace=True)
        warehouse.insert(con, "raw_pages", arrow(_last_by_url(out.raw_pages)), replace=True)
        warehouse.insert(con, "host_health", arrow(hosts), replace=True)
        warehouse.insert(con, "feed_health", arrow(feed_health), replace=True)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _rows_by(con: duckdb.DuckDBPyConnection, query: str, key: str) -> dict[str, dict]:
    return {r[key]: r for r in con.sql(query).to_arrow_table().to_pylist()}


def _backoff(con: duckdb.DuckDBPyConnection) -> dict:
    """Hosts to leave alone this run, after failing on earlier runs."""
    rows = con.sql("SELECT host, next_attempt_at FROM host_health").to_arrow_table().to_pylist()
    return hosts_in_backoff(rows, now_utc())


def _last_by_url(rows: list[dict]) -> list[dict]:
    return list({r["url"]: r for r in rows}.values())


def crawl_metadata(out: CrawlOutput) -> dict:
    outcomes = Counter(r["outcome"] for r in out.crawl_log)
    errors = Counter(
        r["error_class"] or f"HTTP {r['status']}"
        for r in out.crawl_log
        if r["outcome"] in ("error", "http_error")
    )
    return {
        "requests": dg.MetadataValue.int(len(out.crawl_log)),
        "ok": dg.MetadataValue.int(outcomes["ok"]),
        "not_modified_304": dg.MetadataValue.int(outcomes["not_modified"]),
        "http_errors": dg.MetadataValue.int(outcomes["http_error"]),
        "client_4xx": dg.MetadataValue.int(
            sum(1 for r in out.crawl_log if r["status"] and 400 <= r["status"] < 500)
        ),
        "server_5xx": dg.MetadataValue.int(
            sum(1 for r in out.crawl_log if r["status"] and r["status"] >= 500)
        ),
        "errors": dg.MetadataValue.int(outcomes["error"]),
        "skipped_backoff_dead_or_budget": dg.MetadataValue.int(outcomes["skipped"]),
        "bytes": dg.MetadataValue.int(sum(r["bytes"] for r in out.crawl_log)),
        "hosts": dg.MetadataValue.int(len({r["host"] for r in out.crawl_log})),
        "errors_by_class": dg.MetadataValue.md(
            markdown_table(["error", "count"], errors.most_common()) if errors else "none"
        ),
    }


@dg.asset(group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb", "yaml"})
def sources(
    context: dg.AssetExecutionContext,
    warehouse_db: WarehouseResource,
    sources_file: SourcesResource,
) -> dg.MaterializeResult:
    """Feeds, sites and author pages listed per industry in the sources file
    (``INNERCIRCLE_SOURCES``). A malformed file fails here, naming the line."""
    path = Path(sources_file.path)
    listed = load_sources(path)
    rows = [
        {"industry": s.industry, "kind": s.kind, "url": s.url, "host": host_of(s.url)}
        for s in listed
    ]
    with warehouse_db.connect() as con:
        con.execute("BEGIN")
        warehouse.replace_all(con, "sources", arrow(rows))
        con.execute("COMMIT")
        by_industry = Counter(s.industry for s in listed)
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


class Shard(dict):
    """What one fetch step needs: plain, picklable data (it may cross processes)."""


def _split(items: list, url_of, base: dict, shards: int) -> list[Shard]:
    """Spread items over shards by host; drop empty shards (at least one is kept)."""
    buckets: list[list] = [[] for _ in range(shards)]
    for item in items:
        buckets[shard_of(url_of(item), shards)].append(item)
    kept = [b for b in buckets if b] or [[]]
    return [Shard(base, items=bucket, shard=i, shards=len(kept)) for i, bucket in enumerate(kept)]


def _dynamic(shards: list[Shard]):
    for shard in shards:
        yield dg.DynamicOutput(shard, mapping_key=f"shard_{shard['shard']}")


def _shard_progress(context, shard: Shard):
    progress = log_progress(context)
    if shard["shards"] == 1:
        return progress
    tag = f" [shard {shard['shard'] + 1}/{shard['shards']}]"
    return lambda stage, done, total, errors: progress(stage + tag, done, total, errors)


def _fetch_pages(context, http: HttpFetcherResource, shard: Shard, stage: str):
    """Fetch one shard's pages: the network half of a crawl step, no DuckDB."""
    with http.open() as fetcher:
        return crawl_pages(
            shard["items"],
            fetcher,
            shard["cache"],
            context.run_id,
            stage,
            _shard_progress(context, shard),
            backoff=shard["backoff"],
        )


# ------------------------------------------------------------------------------ feeds


@dg.op(pool=WRITER_POOL, out=dg.DynamicOut(), ins={"after": dg.In(dg.Nothing)})
def plan_feeds(warehouse_db: WarehouseResource, sources_file: SourcesResource):
    """Which feeds and sites to read, with their conditional-GET and health state."""
    with warehouse_db.connect() as con:
        listed = [
            Source(industry=i, kind=k, url=u)
            for i, k, u in con.execute(
                "SELECT industry, kind, url FROM sources WHERE kind IN ('feed', 'site')"
            ).fetchall()
        ]
        base = {
            "cache": _load_cache(con),
            "known": dict(
                con.execute(
                    "SELECT source_url, feed_url FROM feeds WHERE feed_url <> '' "
                    "AND via <> 'listed' AND status IN ('ok', 'warning', 'not_modified')"
                ).fetchall()
            ),
            "previous": {
                (r["source_url"], r["feed_url"]): r
                for r in con.sql("SELECT * FROM feeds").to_arrow_table().to_pylist()
            },
            "dead": [
                r[0] for r in con.execute("SELECT feed_url FROM feed_health WHERE dead").fetchall()
            ],
            "backoff": _backoff(con),
        }
    yield from _dynamic(_split(listed, lambda s: s.url, base, sources_file.crawl_shards))


@dg.op
def fetch_feeds(context: dg.OpExecutionContext, http: HttpFetcherResource, shard: Shard):
    with http.open() as fetcher:
        return crawl_feeds(
            shard["items"],
            fetcher,
            shard["cache"],
            shard["known"],
            context.run_id,
            _shard_progress(context, shard),
            previous_feeds=shard["previous"],
            backoff=shard["backoff"],
            dead_feeds=shard["dead"],
        )


@dg.op(pool=WRITER_POOL)
def store_feeds(
    context: dg.OpExecutionContext, warehouse_db: WarehouseResource, outputs: list
) -> dg.Output:
    out = CrawlOutput.merge(outputs)
    feed_rows = out.rows.get("feeds", [])
    entry_rows = out.rows.get("feed_entries", [])
    with warehouse_db.connect() as con:
        con.execute("BEGIN")
        warehouse.replace_all(con, "feeds", arrow(feed_rows))
        if entry_rows:
            # Keep first_seen_at for entries seen before: upsert, then restore it.
            con.register("_new", arrow(entry_rows))
            con.execute("""
                INSERT OR REPLACE INTO feed_entries BY NAME
                SELECT n.* REPLACE (coalesce(o.first_seen_at, n.first_seen_at) AS first_seen_at)
                FROM _new n LEFT JOIN feed_entries o USING (feed_url, url)""")
            con.unregister("_new")
        con.execute("COMMIT")
        _store_crawl(con, out)
        failed = [r for r in feed_rows if r["status"] == "error"]
        for row in failed:
            context.log.warning(f"feed source {row['source_url']} failed: {row['error']}")
        dead = sorted(r["feed_url"] for r in feed_rows if r["status"] == "dead")
        metadata = table_metadata(
            con,
            "feeds",
            **crawl_metadata(out),
            shards=dg.MetadataValue.int(len(outputs)),
            feeds_failed=dg.MetadataValue.int(len(failed)),
            dead_feeds=dg.MetadataValue.md("\n".join(f"- {u}" for u in dead) or "none"),
            entries=dg.MetadataValue.int(
                con.execute("SELECT count(*) FROM feed_entries").fetchone()[0]
            ),
        )
    return dg.Output(None, metadata=metadata)


@dg.graph_asset(
    group_name=GROUP,
    kinds={"duckdb", "rss"},
    ins={"sources": dg.AssetIn(dagster_type=dg.Nothing)},
)
def feeds(sources):
    """Listed feeds and the feeds autodiscovered from site homepages, with their entries.
    A feed that fails is recorded with its reason; the others go on."""
    return store_feeds(plan_feeds(sources).map(fetch_feeds).collect())


# ------------------------------------------------------------------------ author pages


@dg.op(pool=WRITER_POOL, out=dg.DynamicOut(), ins={"after": dg.In(dg.Nothing)})
def plan_author_pages(warehouse_db: WarehouseResource, sources_file: SourcesResource):
    with warehouse_db.connect() as con:
        urls = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT url FROM sources WHERE kind = 'author' ORDER BY url"
            ).fetchall()
        ]
        base = {
            "cache": _load_cache(con),
            "previous": {
                r["url"]: r
                for r in con.sql("SELECT * FROM author_pages").to_arrow_table().to_pylist()
            },
            "backoff": _backoff(con),
        }
    yield from _dynamic(_split(urls, lambda u: u, base, sources_file.crawl_shards))


@dg.op
def fetch_author_pages(context: dg.OpExecutionContext, http: HttpFetcherResource, shard: Shard):
    out, results = _fetch_pages(context, http, shard, "author_pages")
    for url, result in results.items():
        out.add("author_pages", author_page_row(url, result, shard["previous"].get(url)))
    return out


def author_page_row(url: str, result, prev: dict | None) -> dict:
    """The page's state and profile; on a 304 or a failure, what we knew stays."""
    row = page_state_row(url, result, prev["content_hash"] if prev else None)
    row.pop("final_url")
    profile_columns = ("name", "bio", "homepage", "profiles", "article_urls")
    if result.ok and result.body:
        profile = extract_author_page(result.body, result.final_url or url)
        row.update(
            name=profile.name,
            bio=profile.bio,
            homepage=profile.homepage,
            profiles=profile.profiles,
            article_urls=profile.article_urls[:MAX_ARTICLES_PER_AUTHOR_PAGE],
        )
    elif prev:
        row.update({c: prev[c] for c in profile_columns})
    else:
        row.update(name=None, bio=None, homepage=None, profiles=[], article_urls=[])
    return row


@dg.op(pool=WRITER_POOL)
def store_author_pages(
    context: dg.OpExecutionContext, warehouse_db: WarehouseResource, outputs: list
) -> dg.Output:
    out = CrawlOutput.merge(outputs)
    rows = out.rows.get("author_pages", [])
    for row in rows:
        if row["error"]:
            context.log.warning(f"author page {row['url']} failed: {row['error']}")
    with warehouse_db.connect() as con:
        con.execute("BEGIN")
        warehouse.replace_all(con, "author_pages", arrow(rows))
        con.execute("COMMIT")
        _store_crawl(con, out)
        metadata = table_metadata(
            con, "author_pages", **crawl_metadata(out), shards=dg.MetadataValue.int(len(outputs))
        )
    return dg.Output(None, metadata=metadata)


@dg.graph_asset(
    group_name=GROUP,
    kinds={"duckdb", "html"},
    ins={"sources": dg.AssetIn(dagster_type=dg.Nothing)},
)
def author_pages(sources):
    """Author and profile pages from the sources file: name, bio, profile links and the
    articles they list (identity evidence for resolution)."""
    return store_author_pages(plan_author_pages(sources).map(fetch_author_pages).collect())


# ---------------------------------------------------------------------------- articles

ARTICLES_TO_FETCH_SQL = """
WITH wanted AS (
    SELECT e.url, e.feed_url,
           coalesce(e.updated_at, e.published_at) AS changed_at,
           coalesce(e.published_at, e.updated_at, e.first_seen_at) AS dated
    FROM feed_entries e
    JOIN feeds f ON f.feed_url = e.feed_url
    UNION ALL
    SELECT unnest(article_urls) AS url, NULL, NULL, NULL FROM author_pages
),
per_url AS (
    SELECT url, max(changed_at) AS changed_at, max(dated) AS dated,
           arg_max(feed_url, dated) FILTER (WHERE feed_url IS NOT NULL) AS feed_url
    FROM wanted GROUP BY url
)
SELECT w.url, a.content_hash,
       a.url IS NULL OR a.outcome NOT IN ('ok', 'not_modified')
         OR (w.changed_at IS NOT NULL AND w.changed_at > a.fetched_at) AS needs_fetch,
       w.feed_url, w.dated, a.url IS NOT NULL AS fetched_before
FROM per_url w
LEFT JOIN articles a USING (url)
ORDER BY w.url
"""

#: Requests already made to each host in this run (feeds, author pages): they count
#: against the night's per-host budget.
HOST_REQUESTS_THIS_RUN_SQL = """
SELECT host, count(*) FROM crawl_log
WHERE run_id = $run_id AND outcome <> 'skipped' AND host IS NOT NULL
GROUP BY host
"""


@dg.op(
    pool=WRITER_POOL,
    out=dg.DynamicOut(),
    ins={"after_feeds": dg.In(dg.Nothing), "after_author_pages": dg.In(dg.Nothing)},
)
def plan_articles(
    context: dg.OpExecutionContext, warehouse_db: WarehouseResource, sources_file: SourcesResource
):
    """Articles never fetched, or whose feed entry changed since they were fetched, within
    the night's budgets (per feed, newest first; per host). The rest stay queued."""
    with warehouse_db.connect() as con:
        todo = con.execute(ARTICLES_TO_FETCH_SQL).fetchall()
        host_used = dict(
            con.execute(HOST_REQUESTS_THIS_RUN_SQL, {"run_id": context.run_id}).fetchall()
        )
        fetch_urls, skipped = budget_articles(
            [
                ArticleCandidate(url, feed_url, dated, bool(before))
                for url, _, needs, feed_url, dated, before in todo
                if needs
            ],
            per_feed=sources_file.feed_articles_per_night,
            per_host=sources_file.host_requests_per_night,
            host_used=host_used,
        )
        feed_of = {url: feed_url for url, _, _, feed_url, _, _ in todo}
        base = {
            "cache": _load_cache(con),
            "hashes": {u: h for u, h, *_ in todo},
            "backoff": _backoff(con),
            "plan": {
                "unchanged": sum(1 for _, _, needs, *_ in todo if not needs),
                "skipped": skipped,
                "backlog_by_feed": Counter(
                    feed_of.get(r.url) or "(author pages)" for r in skipped
                ).most_common(),
            },
        }
    context.log.info(
        f"{len(todo)} articles known, {len(fetch_urls)} to fetch tonight, "
        f"{len(skipped)} queued for later nights (budgets), "
        f"{base['plan']['unchanged']} unchanged since last fetch"
    )
    yield from _dynamic(_split(fetch_urls, lambda u: u, base, sources_file.crawl_shards))


@dg.op
def fetch_articles(context: dg.OpExecutionContext, http: HttpFetcherResource, shard: Shard):
    out, results = _fetch_pages(context, http, shard, "articles")
    for url, result in results.items():
        out.add("articles", page_state_row(url, result, shard["hashes"].get(url)))
    return out, shard["plan"]


@dg.op(pool=WRITER_POOL)
def store_articles(
    context: dg.OpExecutionContext, warehouse_db: WarehouseResource, outputs: list
) -> dg.Output:
    # Each shard carries the plan: articles left alone as unchanged, and those the night's
    # budgets left queued, which are logged as skipped (with the reason), never dropped.
    out = CrawlOutput.merge(o for o, _ in outputs)
    rows = out.rows.get("articles", [])
    plan = outputs[0][1] if outputs else {"unchanged": 0, "skipped": [], "backlog_by_feed": []}
    for result in plan["skipped"]:
        out.record(context.run_id, "articles", result.url, result)
    with warehouse_db.connect() as con:
        con.execute("BEGIN")
        warehouse.insert(con, "articles", arrow(rows), replace=True)
        con.execute("COMMIT")
        _store_crawl(con, out)
        backlog = plan["backlog_by_feed"]
        metadata = table_metadata(
            con,
            "articles",
            **crawl_metadata(out),
            shards=dg.MetadataValue.int(len(outputs)),
            fetched=dg.MetadataValue.int(len(rows)),
            skipped_unchanged=dg.MetadataValue.int(plan["unchanged"]),
            backlog=dg.MetadataValue.int(len(plan["skipped"])),
            backlog_by_feed=dg.MetadataValue.md(
                markdown_table(["feed", "queued"], backlog[:20]) if backlog else "none"
            ),
        )
    return dg.Output(None, metadata=metadata)


@dg.graph_asset(
    group_name=GROUP,
    kinds={"duckdb", "html"},
    ins={
        "feeds": dg.AssetIn(dagster_type=dg.Nothing),
        "author_pages": dg.AssetIn(dagster_type=dg.Nothing),
    },
)
def articles(feeds, author_pages):
    """Article pages announced by feeds or listed on author pages. An article fetched
    before is fetched again only when its feed entry says it changed."""
    shards = plan_articles(after_feeds=feeds, after_author_pages=author_pages)
    return store_articles(shards.map(fetch_articles).collect())
