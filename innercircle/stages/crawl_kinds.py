"""The three built-in source kinds: feeds (with sites), author pages, and articles.

* ``feeds`` reads the sources file's ``feeds:`` and ``sites:`` (a site is read through
  the feed its homepage advertises, so both go through one feed crawl), stores
  ``feeds`` and ``feed_entries``, and announces the entries' pages; an entry that
  carries text and whose page could not be had (or is not HTML) is a document of its
  own (kind ``feed_entry``, its extra documents).
* ``author_pages`` reads ``authors:``; each page is a document (kind ``author_page``:
  the name is its byline, the bio its text) and announces the articles it lists.
* ``articles`` follows what the others announce, within the night's budgets; each page
  is a document (kind ``article``).

Each is one :class:`~innercircle.stages.kinds.SourceKind`; see that module for the
contract and ``tests/test_source_kinds.py`` for a sitemap kind added in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import duckdb

from innercircle import warehouse
from innercircle.extract.author_page import extract_author_page
from innercircle.fetch import Fetcher
from innercircle.model import FetchResult, Source
from innercircle.stages import arrow
from innercircle.stages.crawl import (
    ArticleCandidate,
    CrawlOutput,
    budget_articles,
    crawl_feeds,
    page_state_row,
    stream_pages,
)
from innercircle.stages.crawl_lake import backoff, load_cache, url_of
from innercircle.stages.extraction import entries_sql, feed_entry_documents
from innercircle.stages.feed_reading import SHARED_LINK_MARK
from innercircle.stages.kinds import (
    CrawlPlan,
    ExtraDocuments,
    FetchContext,
    PlanContext,
    SourceKind,
    StoreContext,
    Stored,
    announced_pages_sql,
    register,
)
from innercircle.stages.page_readers import article_content, article_with_feed, author_page_content

MAX_ARTICLES_PER_AUTHOR_PAGE = 50


def stream_kind_pages(
    items: Sequence, fetcher: Fetcher, out: CrawlOutput, ctx: FetchContext, stage: str, read
) -> None:
    """:func:`~innercircle.stages.crawl.stream_pages` with what a page kind's plan put in
    its state: the validators (``cache``) and the hosts backing off (``backoff``)."""
    stream_pages(
        items,
        fetcher,
        out,
        ctx.state["cache"],
        ctx.run_id,
        stage,
        read,
        ctx.progress,
        ctx.state["backoff"],
    )


# --------------------------------------------------------------------------------- feeds


def plan_feeds(con: duckdb.DuckDBPyConnection, ctx: PlanContext) -> CrawlPlan:
    """Which feeds and sites to read, with their conditional-GET and health state."""
    listed = [
        Source(industry=i, kind=k, url=u)
        for i, k, u in con.execute(
            "SELECT industry, kind, url FROM sources WHERE kind IN ('feed', 'site')"
        ).fetchall()
    ]
    state = {
        "cache": load_cache(con),
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
        "backoff": backoff(con),
    }
    return CrawlPlan(listed, state)


def fetch_feeds(items: Sequence, fetcher: Fetcher, out: CrawlOutput, ctx: FetchContext) -> None:
    crawl_feeds(
        items,
        fetcher,
        ctx.state["cache"],
        ctx.state["known"],
        ctx.run_id,
        ctx.progress,
        previous_feeds=ctx.state["previous"],
        backoff=ctx.state["backoff"],
        dead_feeds=ctx.state["dead"],
        out=out,
    )


#: An entry read tonight under another address than before (its link became shared
#: with other entries, a proxy link gave way to the real one): the feed's row under the
#: old address goes, so the piece is not announced, and a document, twice. Only entries
#: whose id is the feed's only one of that id tonight.
MOVED_ENTRIES_SQL = """
DELETE FROM feed_entries o
USING (SELECT feed_url, entry_id, any_value(url) AS url FROM _new
       WHERE entry_id IS NOT NULL GROUP BY ALL HAVING count(*) = 1) n
WHERE o.feed_url = n.feed_url AND o.entry_id = n.entry_id AND o.url <> n.url
"""


def store_feeds(con: duckdb.DuckDBPyConnection, ctx: StoreContext) -> Stored:
    feed_rows = ctx.rows("feeds")
    entry_rows = ctx.rows("feed_entries")
    warehouse.replace_all(con, "feeds", arrow(feed_rows))
    if entry_rows:
        # Keep first_seen_at for entries seen before: upsert, then restore it.
        con.register("_new", arrow(entry_rows))
        con.execute("""
            INSERT OR REPLACE INTO feed_entries BY NAME
            SELECT n.* REPLACE (coalesce(o.first_seen_at, n.first_seen_at) AS first_seen_at)
            FROM _new n LEFT JOIN feed_entries o USING (feed_url, url)""")
        con.execute(MOVED_ENTRIES_SQL)
        con.unregister("_new")
    failed = [r for r in feed_rows if r["status"] == "error"]
    dead = sorted(r["feed_url"] for r in feed_rows if r["status"] == "dead")
    return Stored(
        metadata={
            "feeds_failed": len(failed),
            "dead_feeds": "\n".join(f"- {u}" for u in dead) or "none",
            "entries": con.execute("SELECT count(*) FROM feed_entries").fetchall()[0][0],
        },
        warnings=[f"feed source {r['source_url']} failed: {r['error']}" for r in failed],
    )


FEEDS = SourceKind(
    name="feeds",
    description="Listed feeds and the feeds autodiscovered from site homepages, with their "
    "entries. A feed that fails is recorded with its reason; the others go on.",
    keys={"feeds": "feed", "sites": "site"},
    plan=plan_feeds,
    fetch=fetch_feeds,
    store=store_feeds,
    tables=("feeds", "feed_entries"),
    announces=f"""
    SELECT e.url, e.feed_url,
           coalesce(e.updated_at, e.published_at) AS changed_at,
           coalesce(e.published_at, e.updated_at, e.first_seen_at) AS dated
    FROM feed_entries e
    JOIN feeds f ON f.feed_url = e.feed_url
    WHERE NOT contains(e.url, '{SHARED_LINK_MARK}')  -- entries sharing a link: no page""",
    # Every feed's entry for the page, newest first, each with where its feed is (the
    # feed, its site link, its listed source), and where the page redirected to:
    # extraction.entry_context takes the newest entry of a feed on the page's own site.
    page_context=f"""
    SELECT e.url, {entries_sql()},
           any_value(a.final_url) AS final_url
    FROM feed_entries e
    LEFT JOIN feeds f ON f.feed_url = e.feed_url
    LEFT JOIN articles a ON a.url = e.url
    GROUP BY e.url""",
    industries="""
    SELECT d.doc_id, s.industry, s.url AS source_url
    FROM documents d
    JOIN feed_entries e ON e.url = d.url
    JOIN feeds f ON f.feed_url = e.feed_url
    JOIN sources s ON s.url = f.source_url""",
    extra_documents=ExtraDocuments("feed_entry", feed_entry_documents),
    formats=("rss",),
)


# -------------------------------------------------------------------------- author pages


def plan_author_pages(con: duckdb.DuckDBPyConnection, ctx: PlanContext) -> CrawlPlan:
    urls = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT url FROM sources WHERE kind = 'author' ORDER BY url"
        ).fetchall()
    ]
    state = {
        "cache": load_cache(con, urls),
        "previous": {
            r["url"]: r for r in con.sql("SELECT * FROM author_pages").to_arrow_table().to_pylist()
        },
        "backoff": backoff(con),
    }
    return CrawlPlan(urls, state)


def author_page_row(url: str, result: FetchResult, prev: dict | None) -> dict:
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


def fetch_author_pages(
    items: Sequence, fetcher: Fetcher, out: CrawlOutput, ctx: FetchContext
) -> None:
    previous = ctx.state["previous"]

    def read(url: str, result: FetchResult) -> None:  # as each page arrives
        out.add("author_pages", author_page_row(url, result, previous.get(url)))

    stream_kind_pages(items, fetcher, out, ctx, "author_pages", read)


def store_author_pages(con: duckdb.DuckDBPyConnection, ctx: StoreContext) -> Stored:
    page_rows = ctx.rows("author_pages")
    warehouse.replace_all(con, "author_pages", arrow(page_rows))
    return Stored(
        warnings=[f"author page {r['url']} failed: {r['error']}" for r in page_rows if r["error"]]
    )


AUTHOR_PAGES = SourceKind(
    name="author_pages",
    description="Author and profile pages from the sources file: name, bio, profile links "
    "and the articles they list (identity evidence for resolution).",
    keys={"authors": "author"},
    plan=plan_author_pages,
    fetch=fetch_author_pages,
    store=store_author_pages,
    tables=("author_pages",),
    announces="SELECT unnest(article_urls) AS url, NULL, NULL, NULL FROM author_pages",
    document_kind="author_page",
    content=author_page_content,
    industries="""
    SELECT d.doc_id, s.industry, s.url
    FROM documents d
    JOIN (SELECT url AS author_url, unnest(article_urls) AS article_url FROM author_pages) ap
      ON ap.article_url = d.url
    JOIN sources s ON s.url = ap.author_url AND s.kind = 'author'
    UNION ALL
    SELECT d.doc_id, s.industry, s.url
    FROM documents d JOIN sources s ON s.url = d.url AND s.kind = 'author'""",
)


# ------------------------------------------------------------------------------ articles


#: A page that answered 404 or 410 on this many fetches in a row (one a night) is gone:
#: it is asked for again only when its feed entry changes. A 404 may be a page put live
#: late, so it has a few nights; asking every night for ever spent the hosts' requests
#: (and the night's budget) on pages that will not come.
GONE_AFTER = 3

#: Pages whose last :data:`GONE_AFTER` fetches all answered 404 or 410.
_GONE_SQL = f"""
SELECT url FROM (
    SELECT url, status, row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) AS n
    FROM crawl_log
    WHERE stage = 'articles' AND outcome <> 'skipped'
      AND url IN (SELECT url FROM articles WHERE status IN (404, 410))
)
WHERE n <= {GONE_AFTER}
GROUP BY url
HAVING count(*) FILTER (WHERE status IN (404, 410)) = {GONE_AFTER}  -- NULL: no answer"""


def articles_to_fetch_sql() -> str:
    """Every announced page with what decides whether it is fetched tonight: never
    fetched, or its last fetch failed (unless the page is gone, :data:`GONE_AFTER`), or
    its feed entry changed since; and whether it is gone."""
    return f"""
WITH wanted AS (
{announced_pages_sql()}
),
per_url AS (
    SELECT url, max(changed_at) AS changed_at, max(dated) AS dated,
           arg_max(feed_url, dated) FILTER (WHERE feed_url IS NOT NULL) AS feed_url
    FROM wanted GROUP BY url
),
gone AS ({_GONE_SQL}
)
SELECT w.url, a.content_hash,
       a.url IS NULL OR (a.outcome NOT IN ('ok', 'not_modified') AND g.url IS NULL)
         OR (w.changed_at IS NOT NULL AND w.changed_at > a.fetched_at) AS needs_fetch,
       w.feed_url, w.dated, a.url IS NOT NULL AS fetched_before, g.url IS NOT NULL AS gone
FROM per_url w
LEFT JOIN articles a USING (url)
LEFT JOIN gone g USING (url)
ORDER BY w.url
"""


#: Requests already made to each host in this run (feeds, author pages): they count
#: against the night's per-host budget.
HOST_REQUESTS_THIS_RUN_SQL = """
SELECT host, count(*) FROM crawl_log
WHERE run_id = $run_id AND outcome <> 'skipped' AND host IS NOT NULL
GROUP BY host
"""


def plan_articles(con: duckdb.DuckDBPyConnection, ctx: PlanContext) -> CrawlPlan:
    """Articles never fetched, or whose feed entry changed since they were fetched, within
    the night's budgets (per feed, newest first; per host). The rest stay queued."""
    todo = con.execute(articles_to_fetch_sql()).fetchall()
    host_used = dict(con.execute(HOST_REQUESTS_THIS_RUN_SQL, {"run_id": ctx.run_id}).fetchall())
    fetch_urls, skipped = budget_articles(
        [
            ArticleCandidate(url, feed_url, dated, bool(before))
            for url, _, needs, feed_url, dated, before, _ in todo
            if needs
        ],
        per_feed=ctx.per_feed,
        per_host=ctx.per_host,
        host_used=host_used,
    )
    feed_of = {url: feed_url for url, _, _, feed_url, *_ in todo}
    gone = sum(1 for _, _, needs, *_, is_gone in todo if is_gone and not needs)
    unchanged = sum(1 for _, _, needs, *_, is_gone in todo if not needs and not is_gone)
    note = {
        "unchanged": unchanged,
        "gone": gone,
        "skipped": skipped,
        "backlog_by_feed": Counter(
            feed_of.get(r.url) or "(author pages)" for r in skipped
        ).most_common(),
    }
    state = {
        "cache": load_cache(con, [url_of(item) for item in fetch_urls]),
        "hashes": {u: h for u, h, *_ in todo},
        "backoff": backoff(con),
    }
    log = (
        f"{len(todo)} articles known, {len(fetch_urls)} to fetch tonight, "
        f"{len(skipped)} queued for later nights (budgets), {unchanged} unchanged since "
        f"last fetch, {gone} gone (404/410 {GONE_AFTER} times; asked again when their "
        "feed entry changes)"
    )
    return CrawlPlan(fetch_urls, state, note, log)


def fetch_articles(items: Sequence, fetcher: Fetcher, out: CrawlOutput, ctx: FetchContext) -> None:
    hashes = ctx.state["hashes"]
    def read(url: str, result: FetchResult) -> None:
        out.add("articles", page_state_row(url, result, hashes.get(url)))

    stream_kind_pages(items, fetcher, out, ctx, "articles", read)


def store_articles(con: duckdb.DuckDBPyConnection, ctx: StoreContext) -> Stored:
    # The plan's note: articles left alone as unchanged, and those the night's budgets
    # left queued, which are logged as skipped (with the reason), never dropped.
    article_rows = ctx.rows("articles")
    skipped = ctx.note.get("skipped", [])
    for result in skipped:
        ctx.records.record(ctx.run_id, "articles", result.url, result)
    warehouse.insert(con, "articles", arrow(article_rows), replace=True)
    backlog = ctx.note.get("backlog_by_feed", [])
    return Stored(
        metadata={
            "fetched": len(article_rows),
            "skipped_unchanged": ctx.note.get("unchanged", 0),
            "skipped_gone": ctx.note.get("gone", 0),
            "backlog": len(skipped),
            "backlog_by_feed": (["feed", "queued"], backlog[:20]) if backlog else "none",
        }
    )


ARTICLES = SourceKind(
    name="articles",
    description="Article pages announced by feeds or listed on author pages. An article "
    "fetched before is fetched again only when its feed entry says it changed, or when "
    "its last fetch failed (not after three 404/410 answers in a row).",
    follows_announced=True,
    plan=plan_articles,
    fetch=fetch_articles,
    store=store_articles,
    tables=("articles",),
    document_kind="article",
    content=article_content,
    feed_context=True,
    with_feed=article_with_feed,
)

for _kind in (FEEDS, AUTHOR_PAGES, ARTICLES):
    register(_kind)
