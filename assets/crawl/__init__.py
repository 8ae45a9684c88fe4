"""Crawl group: read the sources file, fetch feeds, article pages and author pages."""

from collections import Counter

import dagster as dg
import duckdb

from assets.common import WRITER_POOL, arrow, log_progress, markdown_table, table_metadata
from assets.resources import HttpFetcherResource, WarehouseResource
from innercircle import warehouse
from innercircle.extract.author_page import extract_author_page
from innercircle.settings import Settings
from innercircle.sources import load_sources
from innercircle.stages.crawl import (
    CacheEntry,
    CrawlOutput,
    crawl_feeds,
    crawl_pages,
    host_of,
    now_utc,
    page_state_row,
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
        "skipped_backoff_or_dead": dg.MetadataValue.int(outcomes["skipped"]),
        "bytes": dg.MetadataValue.int(sum(r["bytes"] for r in out.crawl_log)),
        "hosts": dg.MetadataValue.int(len({r["host"] for r in out.crawl_log})),
        "errors_by_class": dg.MetadataValue.md(
            markdown_table(["error", "count"], errors.most_common()) if errors else "none"
        ),
    }


@dg.asset(group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb", "yaml"})
def sources(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource
) -> dg.MaterializeResult:
    """Feeds, sites and author pages listed per industry in the sources file
    (``INNERCIRCLE_SOURCES``). A malformed file fails here, naming the line."""
    settings = Settings.from_env()
    listed = load_sources(settings.sources_path)
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
            f"{len(listed)} sources in {len(by_industry)} industries from {settings.sources_path}"
        )
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "sources",
                path=dg.MetadataValue.path(str(settings.sources_path)),
                by_industry=dg.MetadataValue.md(
                    markdown_table(["industry", "sources"], sorted(by_industry.items()))
                ),
            )
        )


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[sources], kinds={"duckdb", "rss"})
def feeds(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, http: HttpFetcherResource
) -> dg.MaterializeResult:
    """Listed feeds and the feeds autodiscovered from site homepages, with their entries.
    A feed that fails is recorded with its reason; the others go on."""
    with warehouse_db.connect() as con:
        listed = [
            _source(r)
            for r in con.execute(
                "SELECT industry, kind, url FROM sources WHERE kind IN ('feed', 'site')"
            ).fetchall()
        ]
        cache = _load_cache(con)
        known = dict(
            con.execute("SELECT source_url, feed_url FROM feeds WHERE feed_url <> ''").fetchall()
        )
        previous = {
            (r["source_url"], r["feed_url"]): r
            for r in con.sql("SELECT * FROM feeds").to_arrow_table().to_pylist()
        }
        dead = [r[0] for r in con.execute("SELECT feed_url FROM feed_health WHERE dead").fetchall()]
        with http.open() as fetcher:
            out = crawl_feeds(
                listed,
                fetcher,
                cache,
                known,
                context.run_id,
                log_progress(context),
                previous_feeds=previous,
                backoff=_backoff(con),
                dead_feeds=dead,
            )
        feed_rows = out.rows.get("feeds", [])
        entry_rows = out.rows.get("feed_entries", [])
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
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "feeds",
                **crawl_metadata(out),
                feeds_failed=dg.MetadataValue.int(len(failed)),
                dead_feeds=dg.MetadataValue.md("\n".join(f"- {u}" for u in dead) or "none"),
                entries=dg.MetadataValue.int(
                    con.execute("SELECT count(*) FROM feed_entries").fetchone()[0]
                ),
            )
        )


def _source(row: tuple):
    from innercircle.model import Source

    return Source(industry=row[0], kind=row[1], url=row[2])


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[sources], kinds={"duckdb", "html"})
def author_pages(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, http: HttpFetcherResource
) -> dg.MaterializeResult:
    """Author and profile pages from the sources file: name, bio, profile links and the
    articles they list (identity evidence for resolution)."""
    with warehouse_db.connect() as con:
        urls = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT url FROM sources WHERE kind = 'author' ORDER BY url"
            ).fetchall()
        ]
        cache = _load_cache(con)
        previous = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT url, content_hash, name, bio, homepage, profiles, article_urls, status"
                " FROM author_pages"
            ).fetchall()
        }
        with http.open() as fetcher:
            out, results = crawl_pages(
                urls,
                fetcher,
                cache,
                context.run_id,
                "author_pages",
                log_progress(context),
                backoff=_backoff(con),
            )
        rows = []
        for url, result in results.items():
            prev = previous.get(url)
            row = page_state_row(url, result, prev[0] if prev else None)
            row.pop("final_url")
            if result.ok and result.body:
                profile = extract_author_page(result.body, result.final_url or url)
                row.update(
                    name=profile.name,
                    bio=profile.bio,
                    homepage=profile.homepage,
                    profiles=profile.profiles,
                    article_urls=profile.article_urls[:MAX_ARTICLES_PER_AUTHOR_PAGE],
                )
            elif prev:  # 304 or a failure: keep what we knew
                row.update(
                    name=prev[1],
                    bio=prev[2],
                    homepage=prev[3],
                    profiles=prev[4],
                    article_urls=prev[5],
                )
            else:
                row.update(name=None, bio=None, homepage=None, profiles=[], article_urls=[])
            rows.append(row)
            if row["error"]:
                context.log.warning(f"author page {url} failed: {row['error']}")
        con.execute("BEGIN")
        warehouse.replace_all(con, "author_pages", arrow(rows))
        con.execute("COMMIT")
        _store_crawl(con, out)
        return dg.MaterializeResult(
            metadata=table_metadata(con, "author_pages", **crawl_metadata(out))
        )


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[feeds, author_pages], kinds={"duckdb", "html"})
def articles(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, http: HttpFetcherResource
) -> dg.MaterializeResult:
    """Article pages announced by feeds or listed on author pages. An article fetched
    before is fetched again only when its feed entry says it changed."""
    with warehouse_db.connect() as con:
        todo = con.execute("""
            WITH wanted AS (
                SELECT e.url, max(coalesce(e.updated_at, e.published_at)) AS changed_at
                FROM feed_entries e
                JOIN feeds f ON f.feed_url = e.feed_url
                GROUP BY e.url
                UNION
                SELECT unnest(article_urls) AS url, NULL AS changed_at FROM author_pages
            )
            SELECT w.url, a.content_hash,
                   a.url IS NULL OR a.outcome NOT IN ('ok', 'not_modified', 'skipped_unchanged')
                     OR (w.changed_at IS NOT NULL AND w.changed_at > a.fetched_at) AS needs_fetch
            FROM (SELECT url, max(changed_at) AS changed_at FROM wanted GROUP BY url) w
            LEFT JOIN articles a USING (url)
            ORDER BY w.url""").fetchall()
        fetch_urls = [u for u, _, needs in todo if needs]
        hashes = {u: h for u, h, _ in todo}
        skipped = len(todo) - len(fetch_urls)
        context.log.info(
            f"{len(todo)} articles known, {len(fetch_urls)} to fetch, "
            f"{skipped} unchanged since last fetch"
        )
        cache = _load_cache(con)
        with http.open() as fetcher:
            out, results = crawl_pages(
                fetch_urls,
                fetcher,
                cache,
                context.run_id,
                "articles",
                log_progress(context),
                backoff=_backoff(con),
            )
        rows = [page_state_row(url, result, hashes.get(url)) for url, result in results.items()]
        con.execute("BEGIN")
        warehouse.insert(con, "articles", arrow(rows), replace=True)
        con.execute("COMMIT")
        _store_crawl(con, out)
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "articles",
                **crawl_metadata(out),
                fetched=dg.MetadataValue.int(len(fetch_urls)),
                skipped_unchanged=dg.MetadataValue.int(skipped),
            )
        )
