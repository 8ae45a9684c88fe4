"""The crawl stage's own decisions: what to ask for, and what a result becomes."""

from innercircle.fetch.outcome import crawl_outcome
from innercircle.model import FetchResult
from innercircle.stages.crawl import CacheEntry, CrawlOutput, conditional_request, shard_of


def test_validators_from_last_time_are_sent_back():
    cache = {"https://a.example/feed": CacheEntry(etag='"v1"', last_modified="Mon, 01 Jan 2026")}
    request = conditional_request("https://a.example/feed", cache)
    assert (request.url, request.etag, request.last_modified) == (
        "https://a.example/feed",
        '"v1"',
        "Mon, 01 Jan 2026",
    )


def test_a_permanent_redirect_is_followed_directly_next_time():
    cache = {"https://a.example/old": CacheEntry(etag='"v1"', redirect_to="https://a.example/new")}
    request = conditional_request("https://a.example/old", cache)
    assert request.url == "https://a.example/new"
    assert request.etag is None  # the old URL's validators don't describe the new one


def test_outcomes_name_what_happened():
    ok = FetchResult(url="u", final_url="u", status=200, body=b"x")
    cached = FetchResult(url="u", final_url="u", status=304, not_modified=True)
    gone = FetchResult(url="u", final_url="u", status=404, error_class="http_error")
    refused = FetchResult(url="u", final_url="u", error_class="connect_error")
    skipped = FetchResult(url="u", final_url="u", error_class="host_backoff")
    assert [crawl_outcome(r) for r in (ok, cached, gone, refused, skipped)] == [
        "ok",
        "not_modified",
        "http_error",
        "error",
        "skipped",
    ]


def test_only_good_bodies_are_kept_and_every_request_is_logged():
    out = CrawlOutput()
    out.record(
        "run1",
        "articles",
        "https://a.example/1",
        FetchResult(url="u", final_url="u", status=200, body=b"<p>hi</p>", etag='"e"'),
    )
    out.record(
        "run1",
        "articles",
        "https://a.example/2",
        FetchResult(url="u", final_url="u", error_class="timeout", error_message="slow"),
    )
    assert [r["outcome"] for r in out.crawl_log] == ["ok", "error"]
    assert [r["url"] for r in out.raw_pages] == ["https://a.example/1"]
    assert [r["etag"] for r in out.http_cache] == ['"e"']


def test_the_same_body_is_stored_as_the_same_bytes_on_every_run(monkeypatch):
    # gzip's header holds the time unless told otherwise: re-runs must write identical rows.
    import gzip
    from types import SimpleNamespace

    def stored_at(clock: float) -> bytes:
        monkeypatch.setattr(gzip, "time", SimpleNamespace(time=lambda: clock))
        out = CrawlOutput()
        out.record("run", "articles", "https://a.example/1",
                   FetchResult(url="u", final_url="u", status=200, body=b"<p>hi</p>"))
        return out.raw_pages[0]["body_gzip"]

    first = stored_at(1_700_000_000.0)
    assert stored_at(1_800_000_000.0) == first
    assert gzip.decompress(first) == b"<p>hi</p>"


def test_a_host_always_lands_in_the_same_shard():
    urls = [f"https://host{i}.example/page/{j}" for i in range(20) for j in range(3)]
    shards = {u: shard_of(u, 4) for u in urls}
    for i in range(20):
        assert len({shards[f"https://host{i}.example/page/{j}"] for j in range(3)}) == 1
    assert len(set(shards.values())) > 1
    assert shard_of("https://x.example/", 1) == 0


def test_a_feed_answering_an_empty_200_says_so():
    import httpx

    from innercircle.fetch import Fetcher
    from innercircle.model import Source
    from innercircle.stages.crawl import crawl_feeds
    from tests.builders import fetch_policy

    policy = fetch_policy(respect_robots=False, allow_private_networks=False)
    empty = httpx.MockTransport(lambda request: httpx.Response(200, content=b""))
    with Fetcher(policy, transport=empty, resolver=lambda host: ["93.184.216.34"]) as fetcher:
        out = crawl_feeds([Source("x", "feed", "https://a.example/feed")], fetcher, {}, {}, "r1")
    (row,) = out.rows["feeds"]
    assert (row["status"], row["error"]) == ("error", "empty body (HTTP 200)")
    assert out.feed_outcomes == {"https://a.example/feed": "parse_error"}  # a failed night


def test_a_feed_url_serving_a_web_page_has_no_format():
    """A body read but not a feed: ``format`` is NULL, as for a feed never fetched (it was
    '' for one and NULL for the other)."""
    import httpx

    from innercircle.fetch import Fetcher
    from innercircle.model import Source
    from innercircle.stages.crawl import crawl_feeds
    from tests.builders import fetch_policy

    policy = fetch_policy(respect_robots=False, allow_private_networks=False)
    page = httpx.MockTransport(lambda request: httpx.Response(
        200, content=b"<!doctype html><html><body>Welcome</body></html>",
        headers={"content-type": "text/html"}))
    with Fetcher(policy, transport=page, resolver=lambda host: ["93.184.216.34"]) as fetcher:
        out = crawl_feeds([Source("x", "feed", "https://a.example/feed")], fetcher, {}, {}, "r1")
    (row,) = out.rows["feeds"]
    assert (row["status"], row["error"]) == ("error", "not a feed: the document is HTML")
    assert row["format"] is None


def test_a_site_whose_homepage_is_gone_is_still_looked_for_at_the_common_feed_paths():
    import httpx

    from innercircle.feeds import fallback_feed_urls
    from innercircle.fetch import Fetcher
    from innercircle.model import Source
    from innercircle.stages.crawl import crawl_feeds
    from tests.builders import fetch_policy

    rss = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>B</title>"
           b"<item><title>T</title><link>https://b.example/1</link></item></channel></rss>")
    feed = fallback_feed_urls("https://b.example/")[1]

    def site(request: httpx.Request) -> httpx.Response:  # a moved homepage, a feed kept
        if str(request.url) == feed:
            return httpx.Response(200, content=rss, headers={"content-type": "application/rss+xml"})
        return httpx.Response(404)

    policy = fetch_policy(respect_robots=False, allow_private_networks=False)
    with Fetcher(policy, transport=httpx.MockTransport(site),
                 resolver=lambda host: ["93.184.216.34"]) as fetcher:
        found = crawl_feeds([Source("x", "site", "https://b.example/")], fetcher, {}, {}, "r1")
        gone = crawl_feeds([Source("x", "site", "https://c.example/")], fetcher, {}, {}, "r1")
    (row,) = found.rows["feeds"]
    assert (row["feed_url"], row["via"], row["status"]) == (feed, "fallback_path", "ok")
    (row,) = gone.rows["feeds"]
    assert row["status"] == "error" and row["error"].startswith("homepage ")
    assert row["error"].endswith("and no feed at common paths")


def test_the_sources_file_replaces_the_sources_table_whole(tmp_path):
    from innercircle import warehouse
    from innercircle.model import Source
    from innercircle.stages.crawl import store_sources

    with warehouse.connect(tmp_path / "w.duckdb") as con:
        store_sources(con, [Source("oceans", "feed", "https://Old.example/feed")])
        counts = store_sources(con, [
            Source("oceans", "feed", "https://A.example/feed"),
            Source("oceans", "author", "https://b.example/me"),
            Source("rivers", "site", "https://c.example/"),
        ])
        rows = con.execute("SELECT industry, host FROM sources ORDER BY url").fetchall()
    assert counts == {"oceans": 2, "rivers": 1}
    assert rows == [("oceans", "a.example"), ("oceans", "b.example"), ("rivers", "c.example")]


def test_a_crawl_steps_summary_counts_answers_by_status_class():
    from innercircle.stages.crawl import crawl_summary

    out = CrawlOutput()
    for url, status, error in (("a", 200, None), ("b", 404, "http_error"),
                               ("c", 503, "http_error"), ("d", 999, "http_error"),
                               ("e", None, "connect_error")):
        out.record("run1", "feeds", f"https://h.example/{url}",
                   FetchResult(url=url, final_url=url, status=status, error_class=error,
                               body=b"x" if status == 200 else b""))
    summary = crawl_summary(out.crawl_log)
    assert (summary["requests"], summary["ok"], summary["http_errors"], summary["errors"]) == (
        5, 1, 3, 1)
    assert (summary["client_4xx"], summary["server_5xx"]) == (1, 2)  # 999 (LinkedIn) is 5xx+


def test_a_site_rediscovered_after_a_bad_night_is_read_whole_not_answered_304():
    """A site whose feed failed (or that left the sources file a night) is rediscovered;
    asked conditionally, its unchanged homepage would answer 304 with nothing to find the
    feed in, and the site stayed failed for ever."""
    import httpx

    from innercircle.fetch import Fetcher
    from innercircle.model import Source
    from innercircle.stages.crawl import crawl_feeds
    from tests.builders import fetch_policy

    home = b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed"></head>'
    rss = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>B</title>"
           b"<item><title>T</title><link>https://b.example/1</link></item></channel></rss>")

    def site(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/feed":
            return httpx.Response(200, content=rss, headers={"content-type": "application/rss+xml"})
        if request.headers.get("if-none-match") == '"home-v1"':
            return httpx.Response(304, headers={"etag": '"home-v1"'})
        return httpx.Response(200, content=home, headers={"etag": '"home-v1"',
                                                          "content-type": "text/html"})

    cache = {"https://b.example/": CacheEntry(etag='"home-v1"')}  # read on an earlier night
    policy = fetch_policy(respect_robots=False, allow_private_networks=False)
    with Fetcher(policy, transport=httpx.MockTransport(site),
                 resolver=lambda host: ["93.184.216.34"]) as fetcher:
        out = crawl_feeds([Source("x", "site", "https://b.example/")], fetcher, cache, {}, "r1")
    (row,) = out.rows["feeds"]
    assert (row["feed_url"], row["via"], row["status"]) == (
        "https://b.example/feed", "autodiscovered", "ok")


def test_a_page_answering_404_three_nights_running_is_asked_again_only_when_its_entry_changes(
    tmp_path,
):
    """A 404 may be a page put live late: it has three nights. After that the page is gone
    (so is one answering 410), until its feed entry says it changed."""
    from datetime import datetime, timedelta

    from innercircle import warehouse
    from innercircle.stages.crawl_kinds import articles_to_fetch_sql

    night = datetime(2026, 12, 1, 2, 0)
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        con.execute("INSERT INTO feeds VALUES ('https://a.example/', 'https://a.example/feed', "
                    "'listed', 't', NULL, 'rss20', 3, 'ok', NULL, ?)", [night])
        for path, statuses in (("late", [404, 404]), ("gone", [404, 404, 404]),
                               ("flaky", [404, 500, 404]), ("removed", [200, 410, 410, 410]),
                               ("unreachable", [None, None, 404])):
            url = f"https://a.example/{path}"
            con.execute("INSERT INTO feed_entries (feed_url, url, title, published_at, "
                        "raw_authors, feed_authors, first_seen_at, last_seen_at) VALUES "
                        "('https://a.example/feed', ?, 't', ?, [], [], ?, ?)",
                        [url, night - timedelta(days=9), night, night])
            for i, status in enumerate(statuses):
                con.execute(
                    "INSERT INTO crawl_log (run_id, stage, url, host, status, outcome, bytes, "
                    "elapsed_ms, from_cache, attempts, fetched_at) VALUES "
                    "(?, 'articles', ?, 'a.example', ?, ?, 0, 1, false, 1, ?)",
                    [f"r{i}", url, status,
                     "ok" if status == 200 else "http_error" if status else "error",
                     night + timedelta(days=i)])
            last = night + timedelta(days=len(statuses) - 1)
            con.execute("INSERT INTO articles VALUES (?, ?, 'a.example', ?, 'http_error', NULL, "
                        "'not found', ?)", [url, url, statuses[-1], last])
        plan = {row[0].rsplit("/", 1)[1]: (row[2], row[6])
                for row in con.execute(articles_to_fetch_sql()).fetchall()}
        assert plan == {"late": (True, False), "flaky": (True, False),
                        "unreachable": (True, False),  # no answer is no 404
                        "gone": (False, True), "removed": (False, True)}
        # The entry of the gone page changes: it is asked for again.
        con.execute("UPDATE feed_entries SET updated_at = ? WHERE url LIKE '%/gone'",
                    [night + timedelta(days=5)])
        again = {row[0].rsplit("/", 1)[1]: row[2]
                 for row in con.execute(articles_to_fetch_sql()).fetchall()}
        assert again["gone"] and not again["removed"]
