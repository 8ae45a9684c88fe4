"""A source kind is a plug-in: a sitemap kind declared and registered in this file alone
is accepted in the sources file, gets its own crawl asset, and its pages become
documents of its industry."""

from __future__ import annotations

import re
from datetime import datetime

import dagster as dg
import pytest

import assets.crawl as crawl_group  # crawl_assets(): the group's definitions, rebuilt
from assets.crawl import sources
from assets.extraction import documents
from innercircle import warehouse
from innercircle.errors import SourcesFileError
from innercircle.settings import Settings
from innercircle.sources import parse_sources
from innercircle.stages import arrow
from innercircle.stages.crawl import stream_pages
from innercircle.stages.crawl_lake import load_cache
from innercircle.stages.kinds import (
    BUILTIN_KEYS,
    CrawlPlan,
    SourceKind,
    Stored,
    register,
    registered,
    unregister,
    upstream_of,
)
from pipelines.definitions import build_resources
from tests.hostile_server import serve, static

# ------------------------------------------------------------------ the sitemap kind

_LOC = re.compile(rb"<url>\s*<loc>\s*([^<\s]+)\s*</loc>(?:\s*<lastmod>\s*([^<\s]+)\s*</lastmod>)?")


def plan_sitemaps(con, ctx) -> CrawlPlan:
    urls = [r[0] for r in con.execute(
        "SELECT DISTINCT url FROM sources WHERE kind = 'sitemap' ORDER BY url").fetchall()]
    return CrawlPlan(urls, {"cache": load_cache(con)})


def fetch_sitemaps(items, fetcher, out, ctx) -> None:
    def read(url, result) -> None:
        if result.ok and result.body:
            for loc, lastmod in _LOC.findall(result.body):
                when = datetime.fromisoformat(lastmod.decode()) if lastmod else None
                out.add("sitemaps", {"sitemap_url": url, "url": loc.decode(), "lastmod": when})

    stream_pages(items, fetcher, out, ctx.state["cache"], ctx.run_id, "sitemaps", read,
                 ctx.progress)


def store_sitemaps(con, ctx) -> Stored:
    rows = ctx.rows("sitemaps")
    read = sorted({r["sitemap_url"] for r in rows})
    warehouse.replace_where(con, "sitemaps", "sitemap_url", arrow(rows), read)
    return Stored(metadata={"sitemaps_read": len(read)})


SITEMAPS = SourceKind(
    name="sitemaps",
    description="Pages listed in sitemap.xml files.",
    keys={"sitemaps": "sitemap"},
    plan=plan_sitemaps,
    fetch=fetch_sitemaps,
    store=store_sitemaps,
    tables=("sitemaps",),
    announces="SELECT url, NULL, lastmod, lastmod FROM sitemaps",
    industries="""
        SELECT d.doc_id, s.industry, s.url FROM documents d
        JOIN sitemaps m ON m.url = d.url
        JOIN sources s ON s.url = m.sitemap_url AND s.kind = 'sitemap'""",
    ddl="""CREATE TABLE IF NOT EXISTS sitemaps (
        sitemap_url VARCHAR NOT NULL, url VARCHAR NOT NULL, lastmod TIMESTAMP,
        PRIMARY KEY (sitemap_url, url))""",
    formats=("xml",),
)

# ------------------------------------------------------------------------ the test web

AUTHORS = {"/posts/tides.html": "Marisol Quintana", "/posts/kelp.html": "Oswin Achterberg"}


def article(title: str, author: str) -> bytes:
    prose = " ".join(
        f"<p>{title} paragraph {i}: the harbour survey counted more kelp than last spring, "
        "and the divers logged the water temperature at every buoy along the reef.</p>"
        for i in range(6)
    )
    return (
        f'<!doctype html><html><head><title>{title}</title>'
        f'<meta name="author" content="{author}"></head>'
        f"<body><article><h1>{title}</h1>{prose}</article><footer>© {author}</footer>"
        "</body></html>"
    ).encode()


@pytest.fixture()
def sitemap_web(tmp_path, monkeypatch):
    routes = {path: static(article(path.split("/")[-1][:-5].title(), who), "text/html")
              for path, who in AUTHORS.items()}
    with serve(routes, "127.0.0.83") as server:
        entries = "".join(
            f"<url><loc>{server.url(p)}</loc><lastmod>2026-01-0{i + 1}</lastmod></url>"
            for i, p in enumerate(AUTHORS)
        )
        server.routes["/sitemap.xml"] = static(
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</urlset>".encode(), "application/xml")
        server.routes["/robots.txt"] = lambda h: h.send_body(404)
        src = tmp_path / "sources.yaml"
        src.write_text(f"industries:\n  oceans:\n    sitemaps: [{server.url('/sitemap.xml')}]\n")
        for key, value in {
            "INNERCIRCLE_SOURCES": str(src),
            "INNERCIRCLE_WAREHOUSE": str(tmp_path / "w.duckdb"),
            "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
            "INNERCIRCLE_HOST_RATE": "500",
        }.items():
            monkeypatch.setenv(key, value)
        yield server


@pytest.fixture()
def sitemaps_registered():
    register(SITEMAPS)
    yield SITEMAPS
    unregister(SITEMAPS.name)


def test_an_unregistered_kind_is_refused_by_the_sources_file():
    with pytest.raises(SourcesFileError, match="unknown key 'sitemaps'"):
        parse_sources("industries:\n  x:\n    sitemaps: [https://a.example/sitemap.xml]\n")


def test_the_builtin_kinds_are_feeds_author_pages_and_articles():
    assert [k.name for k in registered()] == ["feeds", "author_pages", "articles"]
    articles = registered()[-1]
    assert upstream_of(articles) == ["feeds", "author_pages"]
    # the sources file is checked against BUILTIN_KEYS without loading the built-ins
    assert {key: v for k in registered() for key, v in k.keys.items()} == BUILTIN_KEYS


def test_the_crawl_records_are_in_the_asset_graph_downstream_of_every_crawl_asset():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    crawl = {dg.AssetKey(k) for k in ("feeds", "author_pages", "articles")}
    for table in ("crawl_log", "http_cache", "raw_pages", "host_health", "feed_health"):
        node = graph.get(dg.AssetKey(table))
        assert node.parent_keys == crawl and node.description, table


def test_a_table_one_kind_declares_is_downstream_of_that_kind_alone():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("feed_entries")).parent_keys == {dg.AssetKey("feeds")}


def test_a_registered_sitemap_kind_crawls_and_its_pages_become_documents(
    sitemap_web, sitemaps_registered, tmp_path
):
    listed = parse_sources(f"industries:\n  oceans:\n    sitemaps: [{sitemap_web.url('/s')}]\n")
    assert [s.kind for s in listed] == ["sitemap"]
    crawl = crawl_group.crawl_assets()  # built after registering: includes the sitemap kind
    by_key = {a.key.to_user_string(): a for a in crawl}
    assert list(by_key) == ["feeds", "author_pages", "articles", "sitemaps"]
    assert dg.AssetKey("sitemaps") in by_key["articles"].dependency_keys

    result = dg.materialize(
        [sources, *crawl, documents],
        resources=build_resources(Settings.from_env()),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    assert sitemap_web.hits["/sitemap.xml"] == 1
    assert all(sitemap_web.hits[p] == 1 for p in AUTHORS)
    with warehouse.connect(tmp_path / "w.work.duckdb", read_only=True) as con:
        docs = con.execute(
            "SELECT d.url, d.kind, d.byline, i.industry, i.source_url FROM documents d "
            "JOIN document_industries i USING (doc_id) ORDER BY d.url"
        ).fetchall()
        stages = dict(con.execute("SELECT stage, count(*) FROM crawl_log GROUP BY 1").fetchall())
    assert [(url.split("/")[-1], kind, by, industry) for url, kind, by, industry, _ in docs] == [
        ("kelp.html", "article", ["Oswin Achterberg"], "oceans"),
        ("tides.html", "article", ["Marisol Quintana"], "oceans"),
    ]
    assert {source for *_, source in docs} == {sitemap_web.url("/sitemap.xml")}
    assert stages == {"sitemaps": 1, "articles": 2}
    (stored,) = [
        e for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey("sitemaps")
    ]
    assert stored.materialization.metadata["sitemaps_read"].value == 1
    assert stored.materialization.metadata["dagster/row_count"].value == 2
    # The crawl's records are assets too, materialized by each step that writes them.
    logged = [
        e.materialization.metadata["dagster/row_count"].value
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey("crawl_log")
    ]
    assert logged[-1] == 3 and len(logged) == 4  # after each crawl step: 3 requests in all
    entries_by = [
        e.step_key for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey("feed_entries")
    ]
    assert entries_by == ["feeds.store_feeds"]  # only the feeds kind writes its entries
