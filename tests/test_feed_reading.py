"""Feeds read as they arrive (``innercircle.stages.feed_reading``): by the feeds step
itself, or by the run's idle page-reading worker when it is up. Who reads a feed never
changes its rows or their order; a worker that fails leaves the feed to the step."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

import pytest

from innercircle.stages import early_parse
from innercircle.stages.feed_reading import FeedReading, read_feed

SEEN = datetime(2026, 5, 1, 8, 0)


def rss(site: int, items: int) -> bytes:
    entries = "".join(
        f"<item><title>Kelp count {site}.{n}</title>"
        f"<link>http://site{site}.test/posts/{n}</link>"
        f"<author>diver{n}@site{site}.test (Mara Quill {n})</author>"
        f"<pubDate>Wed, 0{1 + n % 8} Apr 2026 09:00:00 +0000</pubDate>"
        f"<description>&lt;p&gt;The harbour survey {n} counted more kelp.&lt;/p&gt;"
        "</description></item>"
        for n in range(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Site {site}</title>'
        f"<link>http://site{site}.test/</link>{entries}</channel></rss>"
    ).encode()


FEEDS = [(f"http://site{n}.test/feed", rss(n, 3 + n)) for n in range(6)]


def read_all(worker) -> tuple[list, FeedReading]:
    got: list = []
    reading = FeedReading(lambda url, parsed, rows, count: got.append((url, parsed, rows, count)),
                          worker)
    for url, body in FEEDS:
        reading.add(url, url, body, "application/rss+xml", SEEN)
    reading.finish()
    return got, reading


def test_a_feed_is_read_into_its_summary_and_one_row_per_entry():
    url, body = FEEDS[1]
    parsed, rows, count = read_feed(url, url, body, "application/rss+xml", SEEN)
    assert (parsed.title, parsed.format, parsed.entries, count) == ("Site 1", "rss20", [], 4)
    assert [r["url"] for r in rows] == [f"http://site1.test/posts/{n}" for n in range(4)]
    assert rows[0]["feed_url"] == "http://site1.test/feed"
    assert rows[0]["content_text"] == "The harbour survey 0 counted more kelp."
    assert rows[0]["first_seen_at"] == rows[0]["last_seen_at"] == SEEN


def test_feeds_read_by_a_worker_give_the_same_rows_in_arrival_order():
    alone, _ = read_all(lambda: None)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    try:
        shared, reading = read_all(lambda: pool)
    finally:
        pool.shutdown(wait=True)
    assert reading.in_worker > 0  # the worker read some of them
    assert [url for url, *_ in shared] == [url for url, _ in FEEDS]
    assert shared == alone


class BrokenPool:
    """A worker whose every reading fails."""

    def submit(self, *args, **kwargs):
        from concurrent.futures import Future

        future: Future = Future()
        future.set_exception(RuntimeError("worker died"))
        return future


def test_a_feed_the_worker_fails_on_is_read_by_the_step():
    alone, _ = read_all(lambda: None)
    broken, reading = read_all(lambda: BrokenPool())
    assert reading.in_worker == 0
    assert broken == alone


def test_the_feeds_step_uses_the_runs_worker_only_once_it_is_ready(monkeypatch):
    assert early_parse.feed_worker() is None  # none started in this process

    class Pending:
        def done(self) -> bool:
            return False

    pool = object()
    monkeypatch.setattr(early_parse, "_EARLY", (pool, Pending()))
    assert early_parse.feed_worker() is None  # still warming its readers
    monkeypatch.setattr(Pending, "done", lambda self: True)
    assert early_parse.feed_worker() is pool


@pytest.mark.parametrize("worker", [lambda: None, lambda: BrokenPool()])
def test_a_feed_that_is_not_a_feed_is_still_reported_with_no_rows(worker):
    got: list = []
    reading = FeedReading(lambda *a: got.append(a), worker)
    reading.add("http://site9.test/feed", "http://site9.test/feed", b"<html>hi</html>",
                "text/html", SEEN)
    reading.finish()
    [(url, parsed, rows, count)] = got
    assert parsed.error and rows == [] and count == 0


def test_the_feeds_step_writes_the_same_rows_with_the_runs_worker_as_without(monkeypatch):
    """``crawl_feeds`` over six listed feeds: with a worker reading some of them, its
    ``feeds`` and ``feed_entries`` rows are those of the step reading every feed itself."""
    import httpx

    from innercircle.fetch import Fetcher
    from innercircle.model import Source
    from innercircle.stages import crawl
    from tests.builders import fetch_policy

    bodies = dict(FEEDS)

    def handler(request: httpx.Request) -> httpx.Response:
        body = bodies.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        return httpx.Response(200, content=body, headers={"content-type": "application/rss+xml"})

    def crawl_rows(worker) -> tuple[list, list]:
        monkeypatch.setattr(crawl, "feed_worker", worker)
        policy = fetch_policy(respect_robots=False, allow_private_networks=False)
        with Fetcher(policy, transport=httpx.MockTransport(handler),
                     resolver=lambda host: ["93.184.216.34"]) as fetcher:
            out = crawl.crawl_feeds([Source("test", "feed", url) for url in bodies], fetcher,
                                    {}, {}, run_id="r1")
        clock = ("checked_at", "first_seen_at", "last_seen_at")
        # In the order of their feeds and entries: the worker's feeds come back as they
        # are read (on Python 3.13 a later feed's entries came first), and the tables
        # are keyed, not ordered.
        def key(row: dict) -> tuple:
            return row["feed_url"], str(row.get("entry_id")), str(row.get("url"))

        return [sorted(({k: v for k, v in row.items() if k not in clock}
                        for row in out.rows[table]), key=key)
                for table in ("feeds", "feed_entries")]

    alone = crawl_rows(lambda: None)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    sent = []
    original = pool.submit
    monkeypatch.setattr(pool, "submit", lambda *a, **k: sent.append(a) or original(*a, **k))
    try:
        shared = crawl_rows(lambda: pool)
    finally:
        pool.shutdown(wait=True)
    assert sent  # the worker read some feeds
    assert shared == alone
    assert len(alone[0]) == 6 and len(alone[1]) == sum(3 + n for n in range(6))


PODCAST = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Cast</title>
<link>https://cast.example/</link>
<item><title>Ep 3</title><link>https://cast.example/</link>
<guid>https://cdn.example/ep3.mp3</guid><description>Ann Lee joins us.</description></item>
<item><title>Ep 2</title><link>https://cast.example/</link>
<guid>https://cdn.example/ep2.mp3</guid><description>Bo Chen joins us.</description></item>
<item><title>Solo</title><link>https://cast.example/solo</link>
<description>A page of its own.</description></item>
<item><title>Note</title><guid isPermaLink="false">5f0c9a1e-note</guid>
<description>No page at all, only this text.</description></item>
<item><title>Empty</title><guid isPermaLink="false">5f0c9a1e-empty</guid></item>
<item><title>Solo</title><link>https://cast.example/solo</link>
<description>A page of its own.</description></item>
</channel></rss>"""


def test_entries_sharing_one_link_are_each_kept_and_none_is_fetched_as_that_page(tmp_path):
    """A podcast's episodes all link to its homepage: each stays an entry of its own (an
    address of its own, the same every night), is never fetched (the homepage is not the
    episode), and becomes a document from its own text. So does an entry with no link."""
    from innercircle import warehouse
    from innercircle.stages import arrow
    from innercircle.stages.crawl_kinds import articles_to_fetch_sql
    from innercircle.stages.extraction import ENTRIES_TO_BUILD_SQL

    seen = datetime(2026, 12, 7)
    _, rows, count = read_feed("https://cast.example/feed", "https://cast.example/feed",
                               PODCAST, "application/rss+xml", seen)
    _, again, _ = read_feed("https://cast.example/feed", "https://cast.example/feed",
                            PODCAST, "application/rss+xml", seen)
    urls = [r["url"] for r in rows]
    assert count == 6 and len(set(urls)) == 4 and urls == [r["url"] for r in again]
    assert urls[2] == "https://cast.example/solo"  # listed twice: one entry, its own page
    assert all(u.startswith("https://cast.example/#innercircle-entry-") for u in urls[:2])
    # an entry with text and no link at all is kept under the feed's address; one with
    # neither has nothing to keep
    assert urls[3].startswith("https://cast.example/feed#innercircle-entry-")
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        con.execute("INSERT INTO feeds VALUES ('https://cast.example/', "
                    "'https://cast.example/feed', 'listed', 'Cast', 'https://cast.example/', "
                    "'rss20', 3, 'ok', NULL, ?)", [seen])
        warehouse.insert(con, "feed_entries", arrow(rows))
        fetched = [r[0] for r in con.execute(articles_to_fetch_sql()).fetchall()]
        entries = [r[0] for r in con.execute(ENTRIES_TO_BUILD_SQL).fetchall()]
    assert fetched == ["https://cast.example/solo"]
    assert sorted(entries) == sorted(urls)


def test_an_entry_whose_address_changed_leaves_no_row_under_the_old_one(tmp_path):
    """Night one: one episode, linking to the podcast's homepage. Night two: a second
    episode shares that link, so both get addresses of their own: the first episode's
    row under the homepage goes (it would be announced, and a document, twice)."""
    from innercircle import warehouse
    from innercircle.stages import arrow
    from innercircle.stages.crawl_kinds import MOVED_ENTRIES_SQL

    feed = "https://cast.example/feed"
    one = PODCAST.replace(b"<item><title>Ep 2</title>", b"<!--").replace(
        b"Bo Chen joins us.</description></item>", b"-->")
    _, night_one, _ = read_feed(feed, feed, one, "application/rss+xml", datetime(2026, 12, 6))
    _, night_two, _ = read_feed(feed, feed, PODCAST, "application/rss+xml", datetime(2026, 12, 7))
    assert "https://cast.example/" in [r["url"] for r in night_one]
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        for rows in (night_one, night_two):
            con.register("_new", arrow(rows))
            con.execute("INSERT OR REPLACE INTO feed_entries BY NAME SELECT * FROM _new")
            con.execute(MOVED_ENTRIES_SQL)
            con.unregister("_new")
        urls = sorted(r[0] for r in con.execute("SELECT url FROM feed_entries").fetchall())
    assert urls == sorted({r["url"] for r in night_two})
