"""Feeds whose article pages are out of reach (403, robots.txt, timeouts) still yield
documents and ranked people from the entries' own content and authors; a page that
becomes reachable later replaces its entry's document without duplicating evidence.

The whole graph runs against small servers on 127.0.0.x, into a temporary warehouse.
"""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import dagster as dg
import pytest

from innercircle import warehouse
from innercircle.settings import Settings
from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, build_resources
from tests.hostile_server import Handler, serve

# Three stories per feed; each names people who recur across the three feeds, so the
# ranking has something to rank.
STORIES = [
    (
        "Maria Gonzalez",
        "Rates and the rest",
        "Central bankers met on Tuesday. Tomas Lindqvist, the chief economist at "
        "Northwind Bank, said rates would fall next year. Priya Raman disagreed and "
        "said inflation was still too high.",
    ),
    (
        "Tomas Lindqvist",
        "Payments at scale",
        "Maria Gonzalez wrote last week that instant payments change everything. "
        "Priya Raman, who runs the payments desk at Harbor Capital, said the costs "
        "are still falling.",
    ),
    (
        "Priya Raman",
        "What the regulators want",
        "Regulators asked for more data. Maria Gonzalez said the rules were overdue, "
        "and Tomas Lindqvist said that smaller lenders would struggle to comply.",
    ),
]


def rss(base: str, path_prefix: str) -> bytes:
    now = datetime.now(UTC)
    items = []
    for i, (author, title, text) in enumerate(STORIES):
        when = format_datetime(now - timedelta(days=i + 1))
        items.append(
            f"<item><title>{title}</title><link>{base}{path_prefix}{i}</link>"
            f"<guid>{base}{path_prefix}{i}</guid><pubDate>{when}</pubDate>"
            f"<dc:creator>{author}</dc:creator>"
            f"<description>{title}: a summary.</description>"
            f"<content:encoded><![CDATA[<p>{text}</p><p><em>More</em> soon.</p>"
            f"<script>track()</script>]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Test</title>'
        f"<link>{base}/</link>{''.join(items)}</channel></rss>"
    ).encode()


def article_html(i: int) -> bytes:
    author, title, text = STORIES[i]
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta name="author" content="{author}"></head><body><article><h1>{title}</h1>'
        f"<p>By {author}</p><p>{text}</p><p>The page adds a paragraph the feed did not "
        "carry, about markets in general and nobody in particular.</p></article>"
        "</body></html>"
    ).encode()


class Site:
    """One blog on its own loopback address: a feed, and article pages that answer as
    ``mode`` says ('forbidden', 'disallowed', 'slow', 'pdf' or 'ok')."""

    def __init__(self, host: str, mode: str) -> None:
        self.host, self.mode = host, mode
        self.server = None

    def routes(self) -> dict:
        def feed(h: Handler) -> None:
            h.send_body(200, rss(h.server.base, "/posts/"), "application/rss+xml")

        def robots(h: Handler) -> None:
            rules = "Disallow: /posts/\n" if self.mode == "disallowed" else "Disallow:\n"
            h.send_body(200, f"User-agent: *\n{rules}".encode(), "text/plain")

        def page(h: Handler) -> None:
            if self.mode == "forbidden":
                h.send_body(403, b"forbidden", "text/plain")
            elif self.mode == "pdf":
                h.send_body(200, b"%PDF-1.4 not a page", "application/pdf")
            elif self.mode == "slow":
                time.sleep(2.5)  # past INNERCIRCLE_FETCH_TIMEOUT below
                h.send_body(200, b"late", "text/plain")
            else:
                h.send_body(200, article_html(int(h.path.rsplit("/", 1)[1])), "text/html")

        return {"/feed.xml": feed, "/robots.txt": robots, "*": page}


#: The night up to the ranking (with the steps that write alongside it): what these tests
#: read. Profiles, feeds, reports, suggestions and publishing are the sample run's to test.
UP_TO_THE_RANKING = (
    dg.AssetSelection.assets("recurring_voices").upstream().required_multi_asset_neighbors()
)

pytestmark = pytest.mark.slow  # two nights of the graph


def materialize() -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS],
        selection=UP_TO_THE_RANKING,
        resources=build_resources(Settings.from_env()),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


@pytest.fixture(scope="module")
def blocked_web(tmp_path_factory):
    """Three sites whose pages are out of reach, one night run, then a second night with
    the 403 site's pages reachable."""
    root = tmp_path_factory.mktemp("entries")
    sites = [
        Site("127.0.0.41", "forbidden"),
        Site("127.0.0.42", "disallowed"),
        Site("127.0.0.43", "slow"),
        Site("127.0.0.44", "pdf"),
    ]
    mp = pytest.MonkeyPatch()
    with contextlib.ExitStack() as stack:
        for site in sites:
            site.server = stack.enter_context(serve(site.routes(), site.host))
        sources = root / "sources.yaml"
        feeds = "\n".join(f"      - {s.server.url('/feed.xml')}" for s in sites)
        sources.write_text(f"industries:\n  finance:\n    feeds:\n{feeds}\n", "utf-8")
        for key, value in {
            "INNERCIRCLE_SOURCES": str(sources),
            "INNERCIRCLE_WAREHOUSE": str(root / "innercircle.duckdb"),
            "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
            "INNERCIRCLE_HOST_RATE": "100",
            "INNERCIRCLE_FETCH_TIMEOUT": "1",
            "INNERCIRCLE_RETRIES": "0",
            "INNERCIRCLE_NER_PROCESSES": "1",  # as sample_env (tests/conftest.py) says why
        }.items():
            mp.setenv(key, value)
        mp.delenv("INNERCIRCLE_AS_OF", raising=False)
        # Nothing is published (see UP_TO_THE_RANKING): read the working file.
        public = warehouse.working_path(Path(root / "innercircle.duckdb"))
        first = materialize()
        with warehouse.connect(public, read_only=True) as con:
            night1 = snapshot(con)
        sites[0].mode = "ok"  # the publisher lets us in the next night
        second = materialize()
        with warehouse.connect(public, read_only=True) as con:
            night2 = snapshot(con)
        yield {"sites": sites, "first": first, "second": second, "n1": night1, "n2": night2}
    mp.undo()


def snapshot(con) -> dict:
    def rows(sql: str) -> list[tuple]:
        return con.execute(sql).fetchall()

    return {
        "docs": rows(
            "SELECT host, kind, url, byline, text, content_hash FROM documents ORDER BY url"
        ),
        "industries": rows("SELECT DISTINCT doc_id, industry FROM document_industries"),
        "mentions": rows("SELECT doc_id, role, name_key, content_hash FROM mentions"),
        "voices": [
            n for (n,) in rows("SELECT name FROM recurring_voices WHERE industry = 'finance'")
        ],
        "evidence": rows(
            "SELECT name, doc_id, role, doc_kind, source FROM voice_evidence ORDER BY ALL"
        ),
        "article_outcomes": rows(
            "SELECT host, error_class FROM crawl_log WHERE stage = 'articles' ORDER BY ALL"
        ),
    }


def test_pages_out_of_reach_still_give_documents_and_ranked_people(blocked_web):
    assert blocked_web["first"].success
    n1 = blocked_web["n1"]
    errors = {host: err for host, err in n1["article_outcomes"]}
    assert errors == {
        "127.0.0.41": "http_error",
        "127.0.0.42": "robots_disallowed",
        "127.0.0.43": "timeout",
        "127.0.0.44": None,  # fetched fine, but a PDF: not a page to read
    }
    docs = n1["docs"]
    assert len(docs) == 12
    assert {kind for _, kind, *_ in docs} == {"feed_entry"}
    assert {host for host, *_ in docs} == {"127.0.0.41", "127.0.0.42", "127.0.0.43", "127.0.0.44"}
    for _, _, url, byline, text, _ in docs:
        i = int(url.rsplit("/", 1)[1])
        assert byline == [STORIES[i][0]]  # the entry's dc:creator
        assert STORIES[i][2] in text  # the entry's content, markup removed
        assert "<" not in text and "track()" not in text
    # Every feed-entry document counts for the industry of the feed that announced it.
    assert len(n1["industries"]) == 12
    assert {"Maria Gonzalez", "Tomas Lindqvist", "Priya Raman"} <= set(n1["voices"])
    kinds = {kind for *_, kind, _ in n1["evidence"]}
    assert kinds == {"feed_entry"}
    roles = {role for _, _, role, *_ in n1["evidence"]}
    assert roles == {"author", "mentioned"}  # bylines from the feed, names from NER


def test_a_page_reachable_the_next_night_replaces_its_entry_document(blocked_web):
    assert blocked_web["second"].success
    n1, n2 = blocked_web["n1"], blocked_web["n2"]
    assert len(n2["docs"]) == len(n1["docs"]) == 12  # replaced, not added
    by_host = {}
    for host, kind, *_ in n2["docs"]:
        by_host.setdefault(host, set()).add(kind)
    assert by_host == {
        "127.0.0.41": {"article"},
        "127.0.0.42": {"feed_entry"},
        "127.0.0.43": {"feed_entry"},
        "127.0.0.44": {"feed_entry"},
    }
    for host, _, _, _, text, content_hash in n2["docs"]:
        if host == "127.0.0.41":
            assert "nobody in particular" in text  # the page's text, not the entry's
            assert not content_hash.startswith("feed_entry:")
    # Mentions come only from each document's current version: none left from the
    # entry version, and no person twice in one role in one document.
    current = {doc_hash for *_, doc_hash in n2["docs"]}
    assert {m[3] for m in n2["mentions"]} <= current
    keys = [(doc, role, key) for doc, role, key, _ in n2["mentions"]]
    assert len(keys) == len(set(keys))
    evidence = n2["evidence"]
    assert len(evidence) == len(set(evidence))
    assert {kind for _, _, _, kind, source in evidence if source == "127.0.0.41"} == {"article"}
    # Evidence from the other sites is untouched; the replaced documents' evidence is
    # the page's (its own text may name someone the entry did not), never both.
    def others(rows):
        return [r for r in rows if r[4] != "127.0.0.41"]

    assert others(evidence) == others(n1["evidence"])
    replaced = [r for r in evidence if r[4] == "127.0.0.41"]
    assert len({r[1] for r in replaced}) == 3
    assert set(n2["voices"]) >= set(n1["voices"])
