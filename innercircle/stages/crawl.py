"""Crawling stages: feeds (with autodiscovery), article pages and author pages.

Every request's outcome becomes a crawl-log row; one broken source only ever costs its
own rows. Conditional-GET validators come in from the warehouse and go back out.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

import duckdb

from innercircle import warehouse
from innercircle.feeds import discover_feeds, fallback_feed_urls, parse_feed
from innercircle.fetch import Fetcher, FetchRequest
from innercircle.fetch.outcome import (
    ANSWERED_OUTCOMES,
    FAILED_SKIPS,
    SKIPPED_CLASSES,
    UNWELL_HOST_CLASSES,
    crawl_outcome,
    failed_fetch,
)
from innercircle.model import FetchResult, ParsedFeed, Source
from innercircle.stages import Progress, arrow, no_progress
from innercircle.stages.early_parse import feed_worker
from innercircle.stages.feed_reading import FeedReading
from innercircle.stages.health import feed_outcome


def shard_of(url: str, shards: int) -> int:
    """The shard a URL's host belongs to: stable across runs and processes, and one host
    is always in one shard, so per-host politeness holds when shards run in parallel."""
    if shards <= 1:
        return 0
    digest = hashlib.sha1(host_of(url).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % shards


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def store_sources(con: duckdb.DuckDBPyConnection, listed: Sequence[Source]) -> Counter:
    """The sources file's entries replace the ``sources`` table, in one transaction (the
    file is the whole truth: a source taken out of it is gone). Returns how many sources
    each industry lists."""
    rows = [
        {"industry": s.industry, "kind": s.kind, "url": s.url, "host": host_of(s.url)}
        for s in listed
    ]
    with warehouse.transaction(con):
        warehouse.replace_all(con, "sources", arrow(rows))
    return Counter(s.industry for s in listed)


@dataclass
class CacheEntry:
    etag: str | None = None
    last_modified: str | None = None
    redirect_to: str | None = None


@dataclass
class CrawlOutput:
    """Rows for the warehouse, grouped by table."""

    crawl_log: list[dict] = field(default_factory=list)
    http_cache: list[dict] = field(default_factory=list)
    raw_pages: list[dict] = field(default_factory=list)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    feed_outcomes: dict[str, str] = field(default_factory=dict)  # for feed_health

    @classmethod
    def merge(cls, outputs: Iterable[CrawlOutput]) -> CrawlOutput:
        """One output from the outputs of several shards."""
        merged = cls()
        for out in outputs:
            merged.crawl_log += out.crawl_log
            merged.http_cache += out.http_cache
            merged.raw_pages += out.raw_pages
            merged.feed_outcomes.update(out.feed_outcomes)
            for table, rows in out.rows.items():
                merged.rows.setdefault(table, []).extend(rows)
        return merged

    def add(self, table: str, row: dict) -> None:
        self.rows.setdefault(table, []).append(row)

    def record(self, run_id: str, stage: str, request_url: str, result: FetchResult) -> None:
        """Log one fetch, and keep its validators and body when it succeeded."""
        fetched_at = now_utc()
        self.crawl_log.append(
            {
                "run_id": run_id,
                "stage": stage,
                "url": request_url,
                "final_url": result.final_url,
                "host": host_of(result.final_url or request_url),
                "status": result.status,
                "outcome": crawl_outcome(result),
                "bytes": int(result.bytes_received),
                "elapsed_ms": round(result.elapsed_s * 1000, 3),
                "from_cache": bool(result.not_modified),
                "attempts": int(result.attempts),
                "error_class": result.error_class,
                "error_message": (result.error_message or "")[:500] or None,
                "fetched_at": fetched_at,
            }
        )
        if result.ok and result.body is not None:
            digest = content_hash(result.body)
            self.raw_pages.append(
                {
                    "url": request_url,
                    "content_type": result.content_type,
                    "content_hash": digest,
                    "body_gzip": gzip.compress(result.body, compresslevel=5, mtime=0),
                    "fetched_at": fetched_at,
                }
            )
        if result.ok or result.not_modified:
            self.http_cache.append(
                {
                    "url": request_url,
                    "final_url": result.final_url,
                    "etag": result.etag,
                    "last_modified": result.last_modified,
                    "status": result.status,
                    "content_hash": content_hash(result.body) if result.body else None,
                    "redirect_to": result.permanent_redirect,
                    "fetched_at": fetched_at,
                }
            )


def describe_error(result: FetchResult) -> str:
    """Why a fetch gave nothing to read, in one phrase: its error, or an empty body (a
    200 with nothing in it is no HTTP error, and "HTTP 200" read as if it were)."""
    if result.error_message:
        return f"{result.error_class}: {result.error_message}"
    if result.ok and not result.body:
        return f"empty body (HTTP {result.status})"
    return f"HTTP {result.status}"


def conditional_request(url: str, cache: Mapping[str, CacheEntry]) -> FetchRequest:
    """The request for ``url`` given what the last fetch left in ``cache``: its validators
    sent back (a conditional GET), or the new address of a permanent redirect asked plainly."""
    entry = cache.get(url)
    if entry is None:
        return FetchRequest(url)
    target = entry.redirect_to or url
    if entry.redirect_to:  # validators belong to the old URL's response; ask the new URL plainly
        return FetchRequest(target)
    return FetchRequest(target, etag=entry.etag, last_modified=entry.last_modified)


def _skipped_for_backoff(url: str, backoff: Mapping[str, datetime]) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url,
        attempts=0,
        error_class="host_backoff",
        error_message=f"host failing on earlier runs; next attempt after "
        f"{backoff[host_of(url)]:%Y-%m-%d %H:%M}",
    )


def _fetch(
    fetcher: Fetcher,
    urls: Sequence[str],
    cache: Mapping[str, CacheEntry],
    stage: str,
    progress: Progress,
    backoff: Mapping[str, datetime] | None = None,
    on_result: Callable[[str, FetchResult], None] | None = None,
) -> dict[str, FetchResult]:
    """Fetch ``urls``; those on hosts in ``backoff`` are skipped, not requested.

    With ``on_result``, each result is handed to it as it arrives (the skipped ones
    last) and its body is then dropped: the returned results carry no bodies, so a step
    never holds all of them at once."""
    backoff = backoff or {}
    skipped = {u: _skipped_for_backoff(u, backoff) for u in urls if host_of(u) in backoff}
    urls = [u for u in urls if u not in skipped]
    requests = [conditional_request(u, cache) for u in urls]
    url_for = {id(req): url for req, url in zip(requests, urls, strict=True)}
    done = errors = 0
    total = len(urls)
    progress(stage, 0, total, 0)

    def arrived(req: FetchRequest, result: FetchResult) -> None:
        nonlocal done, errors
        if on_result is not None:
            on_result(url_for[id(req)], result)
            result.body = None  # read: let it go
        done += 1
        if not (result.ok or result.not_modified):
            errors += 1
        progress(stage, done, total, errors)

    results = fetcher.fetch_all(requests, on_result=arrived)
    if on_result is not None:
        for url, result in skipped.items():
            on_result(url, result)
    return {**dict(zip(urls, results, strict=True)), **skipped}


# --------------------------------------------------------------------------- feeds


def advertised_feed(site: str, homepage: FetchResult) -> str | None:
    """The feed a fetched homepage advertises (its first ``<link rel="alternate">``), or
    None: then the site's feed is looked for at the common paths (:func:`is_fallback_feed`).
    The crawl and the check of suggested sites discover feeds by these two rules."""
    found = discover_feeds(homepage.body, homepage.final_url or site) if homepage.body else []
    return found[0] if found else None


def is_fallback_feed(url: str, result: FetchResult) -> bool:
    """Whether a common feed path (:func:`~innercircle.feeds.fallback_feed_urls`) answered
    with a feed: it must parse, since many sites answer every path with a page."""
    return bool(result.ok and result.body and not parse_feed(result.body, url).error)


def crawl_feeds(
    sources: Iterable[Source],
    fetcher: Fetcher,
    cache: Mapping[str, CacheEntry],
    known_feeds: Mapping[str, str],
    run_id: str,
    progress: Progress = no_progress,
    previous_feeds: Mapping[tuple[str, str], Mapping] | None = None,
    backoff: Mapping[str, datetime] | None = None,
    dead_feeds: Iterable[str] = (),
    out: CrawlOutput | None = None,
) -> CrawlOutput:
    """Fetch every listed feed, and each site's feed found by autodiscovery.

    ``known_feeds`` maps a site URL to the feed found for it last time and read without
    error: such sites are not rediscovered (pass only healthy feeds). Hosts in
    ``backoff`` are not contacted, and feeds in ``dead_feeds`` are reported, not fetched.
    Rows go to ``out`` when given (a ``crawl_lake.ShardWriter`` streams them to disk).
    """
    out = CrawlOutput() if out is None else out
    previous_feeds = previous_feeds or {}
    listed = sorted({s.url for s in sources if s.kind == "feed"})
    sites = sorted({s.url for s in sources if s.kind == "site"})
    checked_at = now_utc()

    # 1. Site homepages -> feed URLs. A site whose feed was found and read fine last time
    #    is not rediscovered every night (as feed readers do); a failing one is.
    feed_for_source: dict[str, tuple[str, str]] = {u: (u, "listed") for u in listed}
    for site in sites:
        if site in known_feeds:
            feed_for_source[site] = (known_feeds[site], "autodiscovered")
    to_discover = [s for s in sites if s not in known_feeds]
    fallback_needed: list[str] = []
    homepage_errors: dict[str, str] = {}

    def homepage(site: str, result: FetchResult) -> None:  # as each homepage arrives
        out.record(run_id, "feeds", site, result)
        if result.ok and result.body:
            found = advertised_feed(site, result)
            if found:
                feed_for_source[site] = (found, "autodiscovered")
            else:
                fallback_needed.append(site)
        elif result.status in (404, 410):
            # The host answers, the listed page is gone (a moved homepage, a path that was
            # never one): its feed may still be at a common path. Not after 401/403 (a
            # login wall or a bot block would refuse those requests too) or 429.
            homepage_errors[site] = describe_error(result)
            fallback_needed.append(site)
        else:
            status = "skipped" if result.error_class in SKIPPED_CLASSES else "error"
            row = _feed_row(
                site, "", "autodiscovered", checked_at, status=status, error=describe_error(result)
            )
            out.add("feeds", row)

    # A homepage read to find its feed is read whole: asked with last time's validators,
    # an unchanged one answers 304 with nothing to find the feed in (the site then stayed
    # failed for ever). A permanent redirect is still followed directly.
    whole = {u: replace(cache[u], etag=None, last_modified=None) for u in to_discover if u in cache}
    _fetch(fetcher, to_discover, whole, "discover", progress, backoff, on_result=homepage)
    fallback_needed.sort()

    # 2. Common feed paths for homepages that advertise none.
    for site in fallback_needed:
        candidates = fallback_feed_urls(site)
        results = fetcher.fetch_all([FetchRequest(u) for u in candidates])
        for url, result in zip(candidates, results, strict=True):
            out.record(run_id, "feeds", url, result)
            if is_fallback_feed(url, result):
                feed_for_source[site] = (url, "fallback_path")
                break
        else:
            out.add(
                "feeds",
                _feed_row(
                    site,
                    "",
                    "autodiscovered",
                    checked_at,
                    status="error",
                    error=(f"homepage {homepage_errors[site]}, and no feed at common paths"
                           if site in homepage_errors
                           else "no feed advertised and none at common paths"),
                ),
            )

    # 3. The feeds themselves.
    dead = set(dead_feeds)
    feed_urls = sorted({f for f, _ in feed_for_source.values()} - dead)
    # Each feed is parsed as it arrives and its entries written; only a summary (title,
    # format, entry count, verdict) waits for the feed rows, never the body.
    parsed_feeds: dict[str, ParsedFeed] = {}
    entry_counts: dict[str, int] = {}

    def read(url: str, parsed: ParsedFeed, rows: list[dict], count: int) -> None:
        for row in rows:
            out.add("feed_entries", row)
        entry_counts[url] = count
        parsed_feeds[url] = parsed

    reading = FeedReading(read, feed_worker)

    def feed(url: str, result: FetchResult) -> None:
        out.record(run_id, "feeds", url, result)
        if result.ok and result.body:
            reading.add(url, result.final_url or url, result.body, result.content_type,
                        checked_at)

    feed_results = _fetch(fetcher, feed_urls, cache, "feeds", progress, backoff, on_result=feed)
    reading.finish()
    for url in sorted(dead & {f for f, _ in feed_for_source.values()}):
        feed_results[url] = FetchResult(
            url=url,
            final_url=url,
            attempts=0,
            error_class="dead_feed",
            error_message="gone (410, or 404 twice) or failing for many nights: not retried; "
            "see feed_health",
        )
        out.record(run_id, "feeds", url, feed_results[url])
    for source_url, (feed_url, via) in sorted(feed_for_source.items()):
        result = feed_results[feed_url]
        row = _feed_row(source_url, feed_url, via, checked_at, status="error")
        if result.not_modified:
            # Unchanged since last time, and so is its verdict, good or bad.
            previous = dict(previous_feeds.get((source_url, feed_url)) or {})
            row["status"] = "error" if previous.get("status") == "error" else "not_modified"
            for column in ("title", "site_link", "format", "entries", "error"):
                if previous.get(column) is not None:
                    row[column] = previous[column]
            out.add("feeds", row)
            out.feed_outcomes[feed_url] = feed_outcome(result)
            continue
        parsed = parsed_feeds.get(feed_url)
        if parsed is None:  # failed, skipped, or answered with an empty body
            skipped = result.error_class in SKIPPED_CLASSES
            row["status"] = (
                ("dead" if result.error_class == "dead_feed" else "skipped") if skipped else "error"
            )
            row["error"] = describe_error(result)[:500]
            out.add("feeds", row)
            if not skipped:  # an empty 200 is a night without a readable feed
                out.feed_outcomes[feed_url] = feed_outcome(result, row["error"])
            continue
        out.feed_outcomes[feed_url] = feed_outcome(result, parsed.error)
        status = "error" if parsed.error else ("warning" if parsed.warning else "ok")
        out.add(
            "feeds",
            _feed_row(
                source_url,
                feed_url,
                via,
                checked_at,
                status=status,
                error=parsed.error or parsed.warning,
                title=parsed.title,
                site_link=parsed.link,
                format=parsed.format or None,  # none read: NULL, as when never fetched
                entries=entry_counts[feed_url],
            ),
        )
    return out



def _feed_row(
    source_url: str,
    feed_url: str,
    via: str,
    checked_at: datetime,
    *,
    status: str,
    error: str | None = None,
    title: str | None = None,
    site_link: str | None = None,
    format: str | None = None,
    entries: int = 0,
) -> dict:
    return {
        "source_url": source_url,
        "feed_url": feed_url,
        "via": via,
        "title": title,
        "site_link": site_link,
        "format": format,
        "entries": entries,
        "status": status,
        "error": (error or "")[:500] or None,
        "checked_at": checked_at,
    }


# --------------------------------------------------------------- pages (articles, authors)


def stream_pages(
    urls: Sequence[str],
    fetcher: Fetcher,
    out: CrawlOutput,
    cache: Mapping[str, CacheEntry],
    run_id: str,
    stage: str,
    on_page: Callable[[str, FetchResult], None],
    progress: Progress = no_progress,
    backoff: Mapping[str, datetime] | None = None,
) -> None:
    """Fetch pages (conditionally, where validators are known); log each outcome in
    ``out`` and hand it to ``on_page`` as it arrives, then drop its body: bodies are
    never all held at once (``out`` may stream them to disk, see
    ``crawl_lake.ShardWriter``)."""

    def arrived(url: str, result: FetchResult) -> None:
        out.record(run_id, stage, url, result)
        on_page(url, result)

    _fetch(fetcher, list(urls), cache, stage, progress, backoff, on_result=arrived)


def page_state_row(url: str, result: FetchResult, previous_hash: str | None) -> dict:
    """A row for ``articles``/``author_pages``: the page's fetch state after this run."""
    ok_body = result.ok and result.body is not None
    return {
        "url": url,
        "final_url": result.final_url,
        "host": host_of(url),
        "status": result.status,
        "outcome": crawl_outcome(result),
        "content_hash": content_hash(result.body) if ok_body else previous_hash,
        "error": None if (result.ok or result.not_modified) else describe_error(result)[:500],
        "fetched_at": now_utc(),
    }


# ------------------------------------------------------------------------ nightly budgets


@dataclass(frozen=True)
class ArticleCandidate:
    """An article page that needs fetching, with what the budget orders it by."""

    url: str
    feed_url: str | None  # the feed announcing it; None for one listed on an author page
    dated: datetime | None  # the entry's date (newest first)
    fetched_before: bool  # False for a page never asked for: those go first


def budget_articles(
    candidates: Iterable[ArticleCandidate],
    per_feed: int,
    per_host: int,
    host_used: Mapping[str, int] | None = None,
) -> tuple[list[str], list[FetchResult]]:
    """Split tonight's article fetches into those to make and those left for later nights.

    Each feed gets at most ``per_feed`` fetches, new pages first, newest first, so a
    2,000-entry feed cannot take the night and a new source starts with what is current.
    Each host gets at most ``per_host`` requests in the night, counting ``host_used``
    (requests already made to it in this run); feeds sharing a host take turns, so one
    huge or slow host cannot starve the others' feeds. What is left stays queued (it is
    still wanted next night) and comes back as ``skipped`` results naming the reason.
    """
    host_left = {h: per_host - n for h, n in (host_used or {}).items()}
    by_feed: dict[str, list[ArticleCandidate]] = {}
    for c in candidates:
        by_feed.setdefault(c.feed_url or f"author-page:{host_of(c.url)}", []).append(c)
    ranked: list[tuple[int, ArticleCandidate]] = []
    skipped: list[FetchResult] = []
    for feed, items in by_feed.items():
        items.sort(key=lambda c: (c.fetched_before, -_ts(c.dated), c.url))
        for turn, c in enumerate(items):
            if c.feed_url is not None and turn >= per_feed:
                skipped.append(
                    _skip(c.url, "feed_budget", f"over {per_feed} articles tonight for {feed}")
                )
            else:
                ranked.append((turn, c))
    ranked.sort(key=lambda tc: (tc[0], -_ts(tc[1].dated), tc[1].url))  # feeds take turns
    fetch: list[str] = []
    for _, c in ranked:
        host = host_of(c.url)
        left = host_left.get(host, per_host)
        if left <= 0:
            reason = f"over {per_host} requests tonight to {host}"
            skipped.append(_skip(c.url, "host_budget", reason))
            continue
        host_left[host] = left - 1
        fetch.append(c.url)
    return fetch, skipped


def _ts(value: datetime | None) -> float:
    return value.replace(tzinfo=UTC).timestamp() if value is not None else float("-inf")


def _skip(url: str, reason: str, message: str) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url,
        attempts=0,
        error_class=reason,
        error_message=f"{message}: queued for a later night",
    )


# ------------------------------------------------------------- what a crawl step came to


def crawl_summary(crawl_log: Sequence[dict]) -> dict[str, int | str | tuple]:
    """A crawl step's requests, counted for its metadata: by outcome, by HTTP status
    class of the answers (5xx: any status from 500 up), bytes, hosts, and
    the errors by class (a ``(headers, rows)`` table, or ``"none"``)."""
    outcomes = Counter(r["outcome"] for r in crawl_log)
    statuses = [r["status"] for r in crawl_log if r["outcome"] in ANSWERED_OUTCOMES]
    errors = Counter(
        r["error_class"] or f"HTTP {r['status']}"
        for r in crawl_log
        if r["outcome"] in ("error", "http_error")
    )
    return {
        "requests": len(crawl_log),
        "ok": outcomes["ok"],
        "not_modified_304": outcomes["not_modified"],
        "http_errors": outcomes["http_error"],
        "client_4xx": sum(1 for s in statuses if s and 400 <= s < 500),
        "server_5xx": sum(1 for s in statuses if s and s >= 500),  # LinkedIn's 999 too
        "errors": outcomes["error"],
        "skipped_backoff_dead_or_budget": outcomes["skipped"],
        "bytes": sum(r["bytes"] for r in crawl_log),
        "hosts": len({r["host"] for r in crawl_log}),
        "errors_by_class": (["error", "count"], errors.most_common()) if errors else "none",
    }


@dataclass(frozen=True)
class FetchFailures:
    """The failed fetches (:func:`~innercircle.fetch.outcome.failed_fetch`) of one crawl
    stage's last run: how many requests, how many failed, and their error classes."""

    requests: int
    failed: int
    errors: frozenset[str]

    @property
    def share(self) -> float:
        return self.failed / self.requests if self.requests else 0.0


def last_run_fetch_failures(con: duckdb.DuckDBPyConnection, stage: str) -> FetchFailures:
    """The failed fetches of ``stage``'s latest run (the crawl's checks).

    For the feeds, a feed that answered but could not be read as one (an HTML page, a
    broken document: its ``feeds`` row says ``error``) failed too, as ``not_a_feed``: the
    run's summary counts it among the failed sources, and a night on which every feed
    URL answered with a login page must trip the feeds check as surely as one on which
    none answered."""
    rows = con.execute(
        """SELECT url, outcome, error_class FROM crawl_log
           WHERE stage = $stage AND run_id = (
               SELECT arg_max(run_id, fetched_at) FROM crawl_log WHERE stage = $stage)""",
        {"stage": stage},
    ).fetchall()
    failed = [(url, error or outcome) for url, outcome, error in rows
              if failed_fetch(outcome, error)]
    if stage == "feeds" and rows:
        fetched = {url for url, _, _ in rows} - {url for url, _ in failed}
        statuses: dict[str, list[str]] = {}
        for url, status in con.execute(
            "SELECT DISTINCT feed_url, status FROM feeds WHERE feed_url <> ''"
        ).fetchall():
            if url in fetched:
                statuses.setdefault(url, []).append(status)
        failed += [
            (url, error)
            for url, found in statuses.items()
            if (error := feeds_error([(status, None) for status in found]))
        ]
    return FetchFailures(len(rows), len(failed), frozenset(error for _, error in failed))


#: ``feeds.status`` of a feed that was read tonight, or answered unchanged since it was.
READ_STATUSES = frozenset({"ok", "warning", "not_modified"})


def feeds_error(feeds: Sequence[tuple[str, str | None]]) -> str | None:
    """Why a source's feeds (or one feed URL's rows) failed, from each one's ``feeds.status``
    and its request's error class (None when the request did not fail), or None when
    nothing failed: one of them was read, or none was asked for tonight (a budget skip).

    The one place that decides ``not_a_feed``, for the crawl's checks
    (:func:`last_run_fetch_failures`) and the run's every-source-failed and failed-sources
    lines (:func:`last_run_source_errors`) alike: a feed whose request answered but whose
    row says ``error`` (a web page, a broken document) is not a feed. A failed request
    says more, so its error class comes first."""
    if any(status in READ_STATUSES for status, _ in feeds):
        return None
    request = next((error for _, error in feeds if error), None)
    if request:
        return request
    return "not_a_feed" if any(status == "error" for status, _ in feeds) else None


# --------------------------------------------------------------------- total failure


def last_run_total_failure(con: duckdb.DuckDBPyConnection) -> str | None:
    """:func:`total_failure_message` for the warehouse's latest crawl."""
    return total_failure_message(last_run_source_errors(con))


def last_run_failed_sources(con: duckdb.DuckDBPyConnection) -> str | None:
    """:func:`failed_sources_message` for the warehouse's latest crawl."""
    return failed_sources_message(last_run_source_errors(con))


def last_run_source_errors(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """Why each listed source failed in the warehouse's latest crawl (an error class), or
    None when it was read: from its own request (author pages) or its feeds' statuses. A
    request failed as the crawl's checks count it (:func:`last_run_fetch_failures`).
    Empty before any crawl."""
    run = con.execute("SELECT arg_max(run_id, fetched_at) FROM crawl_log").fetchone()[0]
    if run is None:
        return {}
    # Why each request of the run failed (None when it did not), last attempt per URL.
    requests = {
        url: (error or "http_error") if failed_fetch(outcome, error) else None
        for url, outcome, error in con.execute(
            """SELECT url, outcome, error_class FROM crawl_log
               WHERE run_id = $run AND stage IN ('feeds', 'author_pages')
               QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1""",
            {"run": run},
        ).fetchall()
    }
    sources = con.execute("SELECT DISTINCT kind, url FROM sources").fetchall()
    feeds: dict[str, list[tuple[str, str]]] = {}
    for source_url, feed_url, status in con.execute(
        "SELECT source_url, feed_url, status FROM feeds"
    ).fetchall():
        feeds.setdefault(source_url, []).append((feed_url, status))
    errors: dict[str, str | None] = {}
    for kind, url in sources:
        if kind == "author":
            if url in requests:
                errors[url] = requests[url]
            continue
        rows = feeds.get(url, [])
        if rows:  # the source URL's own request (its homepage) after its feeds'
            errors[url] = feeds_error(
                [*((status, requests.get(f)) for f, status in rows), ("", requests.get(url))]
            )
    return errors


def total_failure_message(source_errors: Mapping[str, str | None]) -> str | None:
    """The one line for a run in which every source failed, or None when one worked.

    ``source_errors`` maps each source to why it failed (an error class such as
    ``connect_error``, ``http_error`` or ``host_backoff``), or None when it was read.
    """
    if not source_errors or any(e is None for e in source_errors.values()):
        return None
    counts: dict[str, int] = {}
    for error in source_errors.values():
        counts[error or "unknown"] = counts.get(error or "unknown", 0) + 1
    parts = ", ".join(
        f"{n} {_plural(error, n)}"
        for error, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return f"all {len(source_errors)} sources failed ({parts}): {failure_hint(set(counts))}"


#: How many failed sources the run's summary names; the rest are counted.
NAMED_FAILURES = 5


def failed_sources_message(
    source_errors: Mapping[str, str | None], named: int = NAMED_FAILURES
) -> str | None:
    """The summary's one line naming the sources that failed, or None when none did.

    ``source_errors`` is as for :func:`total_failure_message`. The first ``named``
    sources (by URL) are given with why; the rest are counted, and the line says where
    each one's error is, so a night with many broken sources stays one line.
    """
    failed = sorted((url, error) for url, error in source_errors.items() if error)
    if not failed:
        return None
    shown = ", ".join(f"{url} ({_plural(error, 1)})" for url, error in failed[:named])
    more = f" and {len(failed) - named} more" if len(failed) > named else ""
    return (
        f"{len(failed)} of {len(source_errors)} sources failed in this run: {shown}{more}; "
        "see each one's error in the feeds table and crawl_log"
    )


def failure_hint(errors: set[str]) -> str:
    """What to check when every source (or most fetches) failed with these error
    classes: the one cause the user can act on, the network when every failure says a
    host could not be reached (:data:`~innercircle.fetch.outcome.UNWELL_HOST_CLASSES`;
    hosts in backoff and dead feeds, :data:`~innercircle.fetch.outcome.FAILED_SKIPS`,
    failed on earlier runs), else where each source's reason is."""
    if errors == {"blocked_address"}:
        return (
            "private and loopback addresses are refused unless "
            "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS=1"
        )
    if errors == {"host_backoff"}:
        return "their hosts failed on earlier runs and are retried later (see host_health)"
    if errors and errors <= FAILED_SKIPS:  # nothing was asked tonight: no network to doubt
        return "they failed on earlier runs and are retried later (see host_health, feed_health)"
    if errors - FAILED_SKIPS <= UNWELL_HOST_CLASSES:
        return "is the network reachable?"
    return "see each one's error in the feeds table and crawl_log"


_ERROR_WORDS = {
    "connect_error": ("connect error", "connect errors"),
    "timeout": ("timeout", "timeouts"),
    "http_error": ("HTTP error", "HTTP errors"),
    "host_backoff": ("host in backoff", "hosts in backoff"),
    "dead_feed": ("dead feed", "dead feeds"),
    "robots_disallowed": ("disallowed by robots.txt", "disallowed by robots.txt"),
    "tls_error": ("TLS error", "TLS errors"),
    "blocked_address": ("blocked address", "blocked addresses"),
    "not_a_feed": ("unreadable feed", "unreadable feeds"),
}


def _plural(error: str, n: int) -> str:
    one, many = _ERROR_WORDS.get(error, (error.replace("_", " "), error.replace("_", " ")))
    return one if n == 1 else many
