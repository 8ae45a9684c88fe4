"""Pages read while the crawl fetches them (``innercircle.stages.early_parse``): the
documents step builds them from what was read instead of parsing them again, and the
documents are the same as when every page is parsed from its stored body. A result
for another body or from another run, or one that cannot be read, is never used."""

from __future__ import annotations

import gzip
import hashlib
import pickle
from dataclasses import replace
from datetime import datetime

import pyarrow as pa
import pytest

from innercircle import lake, warehouse
from innercircle.model import FetchResult
from innercircle.stages import arrow, crawl_kinds, early_parse
from innercircle.stages.crawl_kinds import ARTICLES, FEEDS, article_content, article_with_feed
from innercircle.stages.crawl_lake import ShardFiles, fetch_shard
from innercircle.stages.documents import build_documents
from innercircle.stages.early_parse import EarlyParser, parsed_pages, reads_early
from innercircle.stages.extraction import FeedContext
from innercircle.stages.kinds import ensure_tables
from innercircle.stages.page_readers import READERS

FETCHED = datetime(2026, 5, 1, 8, 0)
FEED_DATE = datetime(2026, 4, 30, 9, 0)


def body(title: str, byline: str | None) -> bytes:
    credit = f'<p class="byline">By {byline}</p>' if byline else ""
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1>{credit}<p>{title}: the harbour survey counted more kelp than "
        "last spring, and the divers logged the water temperature at every buoy along the "
        "northern shore before the storms came in.</p></article></body></html>"
    ).encode()


#: url -> (page title, byline on the page); the silent pages are credited by their feed
PAGES = {
    "http://a.example/kelp": ("Kelp", "Mara Quist"),
    "http://a.example/tides": ("Tides", None),
    "http://b.example/buoys": ("Buoys", "Tomas Ferreira"),
    "http://b.example/storms": ("", None),  # no title, no byline, no date: all from the feed
}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_world(con) -> None:
    ensure_tables(con)
    raw = [
        {"url": u, "content_type": "text/html", "fetched_at": FETCHED,
         "content_hash": digest(body(*p)), "body_gzip": gzip.compress(body(*p))}
        for u, p in PAGES.items()
    ]
    warehouse.insert(con, "raw_pages", arrow(raw))
    warehouse.insert(con, "articles", arrow([
        {"url": u, "host": u.split("/")[2], "outcome": "ok", "fetched_at": FETCHED}
        for u in PAGES
    ]))
    warehouse.insert(con, "feed_entries", arrow([
        {"feed_url": f"http://{u.split('/')[2]}/feed", "url": u, "title": f"Feed title {i}",
         "published_at": FEED_DATE, "updated_at": None, "raw_authors": ["Ines Okafor"],
         "feed_authors": [], "first_seen_at": FETCHED, "last_seen_at": FETCHED}
        for i, u in enumerate(PAGES)
    ]))


def documents(con) -> list[tuple]:
    return con.execute(
        "SELECT * EXCLUDE (extracted_at) FROM documents ORDER BY url"
    ).fetchall()


def read_alone(run_id: str, urls=PAGES, body_of=lambda p: body(*p)) -> pa.Table:
    """What the early parser writes for ``urls``: each page read alone, in this process."""
    rows = [
        {"run_id": run_id, "url": u, "kind": "article", "content_hash": digest(body_of(PAGES[u])),
         "content": pickle.dumps(article_content(body_of(PAGES[u]), u, None))}
        for u in urls
    ]
    return pa.Table.from_pylist(rows, schema=early_parse.SCHEMA).drop_columns(["run_id"])


def test_an_article_read_alone_then_given_its_feed_entry_is_the_article_read_with_it():
    feed = FeedContext(FEED_DATE, "Feed title", ["Ines Okafor"], [])
    for url, page in PAGES.items():
        html = body(*page)
        assert article_with_feed(article_content(html, url, None), feed) == article_content(
            html, url, feed
        )
    silent = article_content(body("", None), "http://b.example/storms", feed)
    assert (silent.title, silent.published, silent.byline, silent.byline_origin) == (
        "Feed title", FEED_DATE, ["Ines Okafor"], "feed"
    )


def test_documents_built_from_pages_read_early_are_those_parsed_from_their_bodies(tmp_path):
    with warehouse.connect(tmp_path / "parsed.duckdb") as con:
        stored_world(con)
        early = build_documents(con, parsed=[read_alone("run-1")])
        from_read = documents(con)
    with warehouse.connect(tmp_path / "bodies.duckdb") as con:
        stored_world(con)
        parsed_here = build_documents(con)
        from_bodies = documents(con)

    assert (early.built, early.read_early) == (4, 4)
    assert (parsed_here.built, parsed_here.read_early) == (4, 0)
    assert from_read == from_bodies
    credited = {row[1]: row for row in from_read}["http://b.example/storms"]
    assert "Ines Okafor" in str(credited)  # the feed's author, given after the early read


def test_a_result_for_another_body_or_unreadable_is_parsed_again_from_the_body(tmp_path):
    stale = read_alone("run-1", ["http://a.example/kelp"], lambda p: body("Old kelp", p[1]))
    broken = read_alone("run-1", ["http://a.example/tides"]).set_column(
        3, "content", pa.array([b"not a pickle"], pa.binary())
    )
    good = read_alone("run-1", ["http://b.example/buoys"])
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        stored_world(con)
        built = build_documents(con, parsed=[stale, broken, good])
        texts = dict(con.execute("SELECT url, text FROM documents").fetchall())

    assert (built.built, built.read_early, built.failures) == (4, 1, 0)
    assert "Old kelp" not in texts["http://a.example/kelp"]
    assert "Kelp: the harbour survey" in texts["http://a.example/kelp"]


def test_only_this_runs_results_are_read_back(tmp_path):
    target = lake.path(str(tmp_path), "crawl", "articles", "shard-0", "parsed.parquet")
    with lake.ParquetSink(target, early_parse.SCHEMA) as sink:
        for run in ("run-0", "run-1"):
            sink.write(read_alone(run).append_column("run_id", pa.array([run] * 4)).select(
                early_parse.SCHEMA.names
            ))
    parts = list(parsed_pages(str(tmp_path), "run-1", batch=3))
    assert sum(p.num_rows for p in parts) == 4
    assert parts[0].column_names == ["url", "kind", "content_hash", "content"]
    assert list(parsed_pages(str(tmp_path / "elsewhere"), "run-1", batch=3)) == []


def test_which_fetches_read_their_pages_early():
    assert reads_early(ARTICLES, pages=early_parse.MIN_PAGES)
    assert not reads_early(ARTICLES, pages=early_parse.MIN_PAGES - 1)  # not worth a worker
    assert not reads_early(FEEDS, pages=10_000)  # its pages are not documents


def test_the_worker_warms_the_reader_of_every_built_in_kind_that_reads_early():
    built_in = (crawl_kinds.FEEDS, crawl_kinds.AUTHOR_PAGES, crawl_kinds.ARTICLES)
    early = [k.content for k in built_in if reads_early(k, early_parse.MIN_PAGES)]
    assert len(early) == 2 and set(early) == set(READERS)


class FakeFetcher:
    def fetch_all(self, requests, on_result=None):
        results = []
        for req in requests:
            page = PAGES[req.url]
            result = FetchResult(url=req.url, final_url=req.url, status=200, body=body(*page),
                                 content_type="text/html")
            on_result(req, result)
            results.append(result)
        return results


@pytest.fixture()
def shard(tmp_path):
    with warehouse.connect(tmp_path / "schema.duckdb") as con:
        ensure_tables(con)
        schemas = {
            t: lake.schema_bytes(warehouse.arrow_schema(con, t))
            for t in ("crawl_log", "http_cache", "raw_pages", "articles")
        }
    state = {"cache": {}, "backoff": {}, "hashes": {}}
    return ShardFiles("articles", 0, 1, str(tmp_path / "lake" / "crawl" / "articles" / "shard-0"),
                      list(PAGES), state, schemas)


def test_a_fetch_shard_reads_its_pages_in_a_worker_into_its_folder(shard, tmp_path, monkeypatch):
    """Once the worker is up (waited for here: a real fetch never waits for it), every
    page fetched is read and written beside the shard's other files."""
    monkeypatch.setattr(early_parse, "MIN_PAGES", 1)
    started = EarlyParser.__init__

    def start_and_wait(self, *args, **kwargs):
        started(self, *args, **kwargs)
        self._warmed.result(timeout=120)

    monkeypatch.setattr(EarlyParser, "__init__", start_and_wait)
    files = fetch_shard(crawl_kinds.ARTICLES, shard, FakeFetcher(), "run-1")

    assert files.parsed == {"parsed": 4, "left": 0, "failed": 0}
    (part,) = parsed_pages(str(tmp_path / "lake"), "run-1", batch=10)
    assert sorted(part.column("url").to_pylist()) == sorted(PAGES)
    assert part.column("content").to_pylist() == [
        pickle.dumps(article_content(body(*PAGES[u]), u, None), pickle.HIGHEST_PROTOCOL)
        for u in part.column("url").to_pylist()
    ]


def test_a_fetch_ending_before_the_worker_is_up_leaves_its_pages_to_the_documents_step(
    shard, monkeypatch
):
    monkeypatch.setattr(early_parse, "MIN_PAGES", 1)
    files = fetch_shard(crawl_kinds.ARTICLES, shard, FakeFetcher(), "run-1")
    assert files.parsed["parsed"] + files.parsed["left"] == 4
    assert files.rows["raw_pages"] == 4  # the fetch itself is untouched


def test_a_kind_announcing_many_pages_starts_the_runs_worker_once_during_its_fetch(
    shard, monkeypatch
):
    """In a run whose steps share one process, the feeds' fetch starts the worker once
    they have announced enough pages; a later fetch step reads with it and leaves it
    running for the next, and the documents step (here: the test) stops it."""
    monkeypatch.setattr(early_parse, "MIN_PAGES", 3)
    starts: list[int] = []

    def announce(items, fetcher, out, ctx):
        for i in range(5):
            out.add("articles", {"url": f"http://a.example/{i}", "host": "a.example",
                                 "outcome": "ok", "fetched_at": FETCHED})

    announcing = replace(ARTICLES, name="announcer", fetch=announce, announces="SELECT 1")
    fetch_shard(announcing, shard, FakeFetcher(), "run-1",
                start_workers=lambda: starts.append(1) or early_parse.start_early())
    assert starts == [1]  # at the third row, once
    try:
        early_parse._EARLY[1].result(timeout=120)  # up (a real fetch never waits for it)
        files = fetch_shard(crawl_kinds.ARTICLES, shard, FakeFetcher(), "run-2")
        assert files.parsed == {"parsed": 4, "left": 0, "failed": 0}
        assert early_parse._EARLY is not None  # still there for the next fetch step
    finally:
        early_parse.close_early()
    assert early_parse._EARLY is None


def test_a_shard_planned_without_early_reading_fetches_without_a_worker(shard, monkeypatch):
    """``INNERCIRCLE_PARSE_DURING_CRAWL=off`` reaches the shards through their plan."""
    monkeypatch.setattr(early_parse, "MIN_PAGES", 1)
    shard.parse_early = False
    started: list[int] = []
    files = fetch_shard(crawl_kinds.ARTICLES, shard, FakeFetcher(), "run-1",
                        start_workers=lambda: started.append(1))
    assert files.parsed == {} and started == []
    assert files.rows["raw_pages"] == 4


def toy_crawl(ask, downstream: str):
    """A toy ``nightly`` job: a crawl asset whose op records ``ask(context)``, and a graph
    asset ``downstream`` after it; returns the job, the crawl asset and what was asked."""
    import dagster as dg

    seen: dict[str, bool] = {}

    @dg.op
    def probe(context) -> int:
        seen[context.op_handle.name] = ask(context)
        return 1

    @dg.graph_asset(name="articles")
    def articles():
        return probe()

    @dg.op
    def step(n: int) -> int:
        return n

    @dg.graph_asset(name=downstream)
    def after(articles):
        return step(articles)

    job = dg.Definitions(
        assets=[articles, after], jobs=[dg.define_asset_job("nightly")]
    ).resolve_job_def("nightly")
    return job, articles, seen


def test_only_a_run_that_builds_documents_reads_pages_during_its_crawl():
    """What the crawl reads early is kept for the same run's documents step, so a run
    of the crawl alone (the crawl group materialised from the UI) reads nothing. Asked
    of real runs: Dagster names no selection for a whole job's run."""
    import dagster as dg

    from assets.extraction import documents
    from assets.resources import SourcesResource

    key = dg.AssetKey("documents")
    assert key in documents.keys  # the step that takes them
    sources = SourcesResource()
    job, articles, seen = toy_crawl(lambda context: sources.parses_early_in(context), "documents")
    assert job.execute_in_process().success
    assert seen.popitem()[1]  # the whole job
    assert job.execute_in_process(asset_selection=[key, dg.AssetKey("articles")]).success
    assert seen.popitem()[1]
    assert job.execute_in_process(asset_selection=[dg.AssetKey("articles")]).success
    assert not seen.popitem()[1]  # the crawl alone
    assert dg.materialize([articles]).success
    assert not seen.popitem()[1]  # a job of the crawl's assets only
    sources = SourcesResource(parse_during_crawl=False)  # INNERCIRCLE_PARSE_DURING_CRAWL=off
    assert job.execute_in_process().success
    assert not seen.popitem()[1]


def test_only_a_run_that_finds_people_starts_its_ner_workers_during_the_crawl():
    """The crawl starts the mentions step's NER workers (their model loads use the cores
    it leaves idle) only in a run that builds ``mentions`` in this process, unsharded."""
    import dagster as dg

    from assets.resources import NerModelResource

    ner = NerModelResource()
    job, _, seen = toy_crawl(lambda context: ner.starts_during_crawl(context), "mentions")
    assert job.execute_in_process().success
    assert seen.popitem()[1]  # the whole job
    assert job.execute_in_process(asset_selection=[dg.AssetKey("articles")]).success
    assert not seen.popitem()[1]  # the crawl alone
    ner = NerModelResource(shards=2)  # NER in shards of their own: no early pool
    assert job.execute_in_process().success
    assert not seen.popitem()[1]


def test_workers_that_cannot_start_during_the_crawl_are_a_warning_not_a_lost_crawl():
    """The crawl starts its page reader and NER workers as a favour to later steps: one
    that cannot start (here Python refusing a new process) is one warning line, the
    others still start, and the fetch goes on."""
    started: list[str] = []

    def refuse() -> None:
        raise RuntimeError("\n        An attempt has been made to start a new process\n ...")

    warnings: list[str] = []
    early_parse.start_during_crawl([refuse, lambda: started.append("ner")], warnings.append)
    assert warnings == [
        "workers not started during the crawl: RuntimeError: "
        "An attempt has been made to start a new process"
    ]
    assert started == ["ner"]


def test_a_link_blogs_entry_credits_no_one_on_the_page_it_links_to(tmp_path):
    """A link blog's feed announces other sites' articles under its own author: its entry
    describes the link, not the article. A silent page on the feed's own site (its feed
    host, its site link or its listed source, ``www.`` or not) still takes the entry's
    author; a silent page elsewhere does not, nor its title or date."""
    own, elsewhere, proxied = ("https://www.linker.example/2026/note",
                               "https://news.example/story", "https://linker.example/p/1")
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        ensure_tables(con)
        warehouse.insert(con, "raw_pages", arrow([
            {"url": u, "content_type": "text/html", "fetched_at": FETCHED,
             "body_gzip": gzip.compress(body("", None)), "content_hash": digest(body("", None))}
            for u in (own, elsewhere, proxied)]))
        warehouse.insert(con, "articles", arrow([
            {"url": u, "host": u.split("/")[2], "outcome": "ok", "fetched_at": FETCHED}
            for u in (own, elsewhere, proxied)]))
        con.execute("INSERT INTO feeds VALUES ('https://linker.example/', "
                    "'https://feeds.hosting.example/linker', 'listed', 'Linker', "
                    "'https://www.linker.example/', 'rss20', 3, 'ok', NULL, ?)", [FETCHED])
        warehouse.insert(con, "feed_entries", arrow([
            {"feed_url": "https://feeds.hosting.example/linker", "url": u, "title": "Linked",
             "published_at": FEED_DATE, "updated_at": None, "raw_authors": ["Jane Linker"],
             "feed_authors": [], "first_seen_at": FETCHED, "last_seen_at": FETCHED}
            for u in (own, elsewhere, proxied)]))
        # An entry whose page could not be had is the linker's note, on the linker's site.
        con.execute("INSERT INTO feed_entries (feed_url, url, title, raw_authors, feed_authors, "
                    "first_seen_at, last_seen_at, content_text) VALUES "
                    "('https://feeds.hosting.example/linker', 'https://other.example/gone', "
                    "'Noted', ['Jane Linker'], [], ?, ?, 'A note on a story elsewhere.')",
                    [FETCHED, FETCHED])
        build_documents(con)
        docs = {url: (byline, title, host) for url, byline, title, host in con.execute(
            "SELECT url, byline, title, host FROM documents").fetchall()}
    assert docs[own] == (["Jane Linker"], "Linked", "www.linker.example")
    assert docs[proxied] == (["Jane Linker"], "Linked", "linker.example")
    assert docs[elsewhere] == ([], "", "news.example")
    assert docs["https://other.example/gone"] == (["Jane Linker"], "Noted", "www.linker.example")


def test_sites_are_told_apart_by_name_and_addresses_by_address():
    from innercircle.stages.extraction import site_key

    assert site_key("https://feeds.linker.example/x") == site_key("http://www.linker.example/")
    assert site_key("http://127.0.0.5:8803/a") != site_key("http://10.0.0.5/a")
    assert site_key("http://[::1]:8080/a") == "::1"


def test_the_pages_own_feed_speaks_for_it_before_a_link_blog_and_through_a_redirect(tmp_path):
    """A story its own site's feed announces (by Jane Roe) and a link blog links to (Link
    Er, seen the same night): the own feed's entry completes the page, whichever was read
    last. A feed whose links go through a redirector on another domain still completes
    the page it lands on, when that is on the feed's site."""
    story, redirected = "https://news.example/story", "https://redir.example/~/123"
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        ensure_tables(con)
        warehouse.insert(con, "raw_pages", arrow([
            {"url": u, "content_type": "text/html", "fetched_at": FETCHED,
             "body_gzip": gzip.compress(body("", None)), "content_hash": digest(body("", None))}
            for u in (story, redirected)]))
        warehouse.insert(con, "articles", arrow([
            {"url": story, "final_url": story, "host": "news.example", "outcome": "ok",
             "fetched_at": FETCHED},
            {"url": redirected, "final_url": "https://www.shop.example/post/1",
             "host": "redir.example", "outcome": "ok", "fetched_at": FETCHED}]))
        for feed, url, author in (("https://news.example/feed", story, "Jane Roe"),
                                  ("https://linker.example/feed", story, "Link Er"),
                                  ("https://shop.example/feed", redirected, "Ann Shop")):
            warehouse.insert(con, "feed_entries", arrow([
                {"feed_url": feed, "url": url, "title": f"by {author}",
                 "published_at": FEED_DATE, "updated_at": None, "raw_authors": [author],
                 "feed_authors": [], "first_seen_at": FETCHED, "last_seen_at": FETCHED}]))
        build_documents(con)
        docs = dict(con.execute("SELECT url, byline FROM documents").fetchall())
    assert docs == {story: ["Jane Roe"], redirected: ["Ann Shop"]}

