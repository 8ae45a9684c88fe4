"""Fair nightly budgets: a cap on article fetches per feed (newest first) and on requests
per host; what is left stays queued for later nights and is logged as skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import dagster as dg
import pytest

from assets.crawl import articles, author_pages, feeds, sources
from innercircle import warehouse
from innercircle.fetch.outcome import crawl_outcome
from innercircle.settings import Settings
from innercircle.stages.crawl import ArticleCandidate, budget_articles
from pipelines.definitions import build_resources
from tests.hostile_server import Handler, serve

T0 = datetime(2026, 1, 1)


def candidates(feed: str, host: str, n: int, fetched_before: bool = False):
    return [
        ArticleCandidate(
            f"https://{host}/{feed}/{i}", feed, T0 + timedelta(hours=i), fetched_before
        )
        for i in range(n)
    ]


def test_a_feed_gets_its_newest_entries_up_to_the_cap_and_the_rest_wait():
    fetch, skipped = budget_articles(candidates("f", "a.example", 10), per_feed=3, per_host=100)
    assert fetch == [f"https://a.example/f/{i}" for i in (9, 8, 7)]
    assert len(skipped) == 7
    assert {r.error_class for r in skipped} == {"feed_budget"}
    assert {crawl_outcome(r) for r in skipped} == {"skipped"}
    assert all("queued for a later night" in r.error_message for r in skipped)


def test_pages_never_fetched_go_before_retries_of_failed_ones():
    old = candidates("f", "a.example", 3, fetched_before=True)
    new = [ArticleCandidate("https://a.example/f/new", "f", T0, False)]
    fetch, _ = budget_articles(old + new, per_feed=2, per_host=100)
    assert fetch == ["https://a.example/f/new", "https://a.example/f/2"]


def test_feeds_sharing_a_host_take_turns_within_its_budget():
    many = candidates("big", "shared.example", 50) + candidates("small", "shared.example", 2)
    other = candidates("other", "b.example", 5)
    fetch, skipped = budget_articles(
        many + other, per_feed=50, per_host=6, host_used={"shared.example": 2}
    )
    shared = [u for u in fetch if "shared.example" in u]
    assert len(shared) == 4  # 6 per night, 2 already spent on its feeds tonight
    assert sum("/small/" in u for u in shared) == 2  # the small feed is not starved
    assert sum("b.example" in u for u in fetch) == 5  # other hosts are unaffected
    assert {r.error_class for r in skipped} == {"host_budget"}
    assert len(skipped) == 48


def test_pages_listed_on_author_pages_are_bounded_by_the_host_budget_only():
    listed = [ArticleCandidate(f"https://a.example/p/{i}", None, None, False) for i in range(5)]
    fetch, skipped = budget_articles(listed, per_feed=2, per_host=4)
    assert len(fetch) == 4 and [r.error_class for r in skipped] == ["host_budget"]


# -- a feed too big for one night, on one host, night after night --------------------

# A feed with nearly three nights' worth of entries (scaled down from 2,000 and 700: the
# same nights and backlogs, a tenth of the requests).
ENTRIES = 200
CAP = 70


@pytest.fixture()
def big_feed(tmp_path, monkeypatch):
    now = datetime.now(UTC)
    host = "127.0.0.51"
    made: dict[str, bytes] = {}

    def feed(h: Handler) -> None:
        if h.server.base not in made:  # entry i is i minutes old: /p/0 is the newest
            items = "".join(
                f"<item><title>{i}</title><link>{h.server.base}/p/{i}</link>"
                f"<pubDate>{format_datetime(now - timedelta(minutes=i))}</pubDate></item>"
                for i in range(ENTRIES)
            )
            made[h.server.base] = (
                f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}'
                "</channel></rss>"
            ).encode()
        h.send_body(200, made[h.server.base], "application/rss+xml")

    def page(h: Handler) -> None:
        h.send_body(200, b"<html><body><p>tiny</p></body></html>", "text/html")

    with serve({"/feed.xml": feed, "/robots.txt": lambda h: h.send_body(404), "*": page},
               host) as server:
        src = tmp_path / "sources.yaml"
        src.write_text(f"industries:\n  x:\n    feeds: [{server.url('/feed.xml')}]\n", "utf-8")
        for key, value in {
            "INNERCIRCLE_SOURCES": str(src),
            "INNERCIRCLE_WAREHOUSE": str(tmp_path / "w.duckdb"),
            "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
            "INNERCIRCLE_HOST_RATE": "5000",
            "INNERCIRCLE_HOST_CONNECTIONS": "4",
            "INNERCIRCLE_FEED_ARTICLES_PER_NIGHT": str(CAP),
            "INNERCIRCLE_HOST_REQUESTS_PER_NIGHT": "100000",
        }.items():
            monkeypatch.setenv(key, value)
        yield server


def crawl_night() -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [sources, feeds, author_pages, articles],
        resources=build_resources(Settings.from_env()),
        instance=dg.DagsterInstance.ephemeral(),
    )


def page_hits(server) -> dict[str, int]:
    return {p: n for p, n in server.hits.items() if p.startswith("/p/")}


def test_a_huge_feed_is_worked_through_over_nights_without_refetching(big_feed, tmp_path):
    per_night, backlogs = [], []
    for _night in range(4):
        before = sum(page_hits(big_feed).values())
        result = crawl_night()
        assert result.success
        per_night.append(sum(page_hits(big_feed).values()) - before)
        (event,) = [
            e for e in result.get_asset_materialization_events()
            if e.asset_key == dg.AssetKey("articles")
        ]
        meta = event.materialization.metadata
        backlogs.append(meta["backlog"].value)
        if _night == 0:
            # The first night over a new source takes its newest entries.
            assert set(page_hits(big_feed)) == {f"/p/{i}" for i in range(CAP)}
    assert per_night == [70, 70, 60, 0]
    assert backlogs == [130, 60, 0, 0]
    hits = page_hits(big_feed)
    assert len(hits) == ENTRIES and set(hits.values()) == {1}  # every page once, no refetch
    with warehouse.connect(warehouse.working_path(tmp_path / "w.duckdb")) as con:
        skipped = con.execute(
            "SELECT count(*) FROM crawl_log WHERE outcome = 'skipped' "
            "AND error_class = 'feed_budget'"
        ).fetchone()[0]
    assert skipped == 130 + 60  # logged each night, never silently dropped
