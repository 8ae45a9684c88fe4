"""What a feed entry carries (content, else summary, as text) and the document it becomes
when its page cannot be had."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

import duckdb

from innercircle import warehouse
from innercircle.feeds import entry_text, markup_to_text, parse_feed
from innercircle.stages.extraction import (
    FeedContext,
    build_entry_document,
    doc_id_for,
    page_is_html,
)

RSS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
<item><title>Full</title><link>https://a.example/1</link><dc:creator>Ann Lee</dc:creator>
<description>Teaser only.</description>
<content:encoded><![CDATA[<p>Ann Lee met <a href="/x">Bo Chen</a> in Oslo.</p>
<style>p{}</style><ul><li>one</li><li>two</li></ul>]]></content:encoded></item>
<item><title>Teaser</title><link>https://a.example/2</link>
<description>Just &lt;b&gt;a&lt;/b&gt; teaser.</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>A</title><link href="https://b.example/a"/><id>x</id>
<summary>short</summary><content type="html">&lt;p&gt;Long text here.&lt;/p&gt;</content>
</entry></feed>"""


def test_content_is_preferred_to_the_summary_and_markup_goes():
    one, two = parse_feed(RSS, "https://a.example/feed").entries
    assert entry_text(one) == "Ann Lee met Bo Chen in Oslo.\none\ntwo"
    assert entry_text(two) == "Just a teaser."  # no content: the summary
    (atom,) = parse_feed(ATOM, "https://b.example/feed").entries
    assert entry_text(atom) == "Long text here."


def test_json_feed_content():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"url": "https://c.example/1", "content_html": "<p>Hi <b>there</b></p>"}],
        }
    ).encode()
    (entry,) = parse_feed(body, "https://c.example/feed.json").entries
    assert entry_text(entry) == "Hi there"


def test_plain_text_is_kept_and_scripts_are_not():
    assert markup_to_text("Plain words, no tags") == "Plain words, no tags"
    assert markup_to_text("<div>a<script>evil()</script><br>b</div>") == "a\nb"
    assert markup_to_text("") == ""


def test_an_entry_document_has_the_entrys_text_authors_and_date():
    when = datetime(2026, 3, 1, 9, 30)
    feed = FeedContext(when, "Full", ["Ann Lee and Bo Chen"], ["Editorial Board"])
    doc = build_entry_document("https://a.example/1", "Some text.", feed, datetime(2026, 3, 2))
    assert doc["doc_id"] == doc_id_for("https://a.example/1")  # the page's id: replaceable
    assert (doc["kind"], doc["byline"], doc["byline_origin"]) == (
        "feed_entry",
        ["Ann Lee", "Bo Chen"],
        "feed",
    )
    assert doc["published_at"] == when and doc["text"] == "Some text."
    assert doc["content_hash"].startswith("feed_entry:")
    undated = build_entry_document("https://a.example/2", "x", FeedContext(), datetime(2026, 3, 2))
    assert undated["published_at"] == datetime(2026, 3, 2)  # when first seen
    assert undated["byline"] == [] and undated["byline_origin"] is None


def test_only_html_pages_are_read_as_pages():
    html = gzip.compress(b"<!DOCTYPE html><html><body>x</body></html>")
    assert page_is_html("text/html; charset=utf-8", None)
    assert page_is_html("", html) and page_is_html("application/octet-stream", html)
    assert not page_is_html("application/pdf", html)
    assert not page_is_html("", gzip.compress(b"%PDF-1.4"))


def test_an_older_warehouse_gains_the_entry_text_column(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:  # feed_entries as it was before content_text
        con.execute("""CREATE TABLE feed_entries (
            feed_url VARCHAR NOT NULL, url VARCHAR NOT NULL, title VARCHAR,
            published_at TIMESTAMP, updated_at TIMESTAMP, raw_authors VARCHAR[] NOT NULL,
            feed_authors VARCHAR[] NOT NULL, first_seen_at TIMESTAMP NOT NULL,
            last_seen_at TIMESTAMP NOT NULL, PRIMARY KEY (feed_url, url))""")
        con.execute("INSERT INTO feed_entries VALUES ('f', 'u', 't', NULL, NULL, [], [], "
                    "now(), now())")
    with warehouse.connect(path) as con:
        columns = [r[0] for r in con.execute("DESCRIBE feed_entries").fetchall()]
        assert columns[-2:] == ["content_text", "entry_id"]
        assert con.execute("SELECT url, content_text FROM feed_entries").fetchall() == [("u", None)]


def test_an_entry_dated_only_by_its_update_is_dated_by_it_not_by_tonight(tmp_path):
    """RSS 1.0's ``dc:date`` and Atom entries without ``<published>`` give only an update
    time: that is the entry's date (as feed readers show it), for its own document and
    for its page's."""
    from innercircle.stages.extraction import ENTRIES_TO_BUILD_SQL
    from innercircle.stages.kinds import page_context_sql

    updated = datetime(2013, 1, 30, 12, 0)
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        con.execute(
            "INSERT INTO feed_entries (feed_url, url, title, published_at, updated_at, "
            "raw_authors, feed_authors, first_seen_at, last_seen_at, content_text) VALUES "
            "('https://a.example/feed', 'https://a.example/1', 't', NULL, ?, [], [], "
            "now(), now(), 'Some text.')", [updated])
        (entry,) = con.execute(ENTRIES_TO_BUILD_SQL).fetchall()
        (context,) = con.execute(page_context_sql()).fetchall()
    assert entry[1][0]["published_at"] == updated and context[1][0]["published_at"] == updated


def test_a_date_no_reader_could_have_seen_is_not_the_pieces_date():
    """A piece cannot be published after it was first read (a wrong zone, "2031"): it
    is dated when first read, so the ranking does not leave it out until then; a zero
    timestamp is no date."""
    from datetime import UTC

    from innercircle.extract.dates import plausible_date

    seen = datetime(2026, 12, 7, 17, 0)
    assert plausible_date(datetime(2031, 1, 1), seen) is None  # the next source decides
    assert plausible_date(datetime(2026, 12, 1), seen) == datetime(2026, 12, 1)
    assert plausible_date(datetime(1970, 1, 1, tzinfo=UTC), seen) is None
    assert plausible_date(datetime(1969, 12, 31, 19, 0), seen) is None  # the epoch, UTC-5
    future = FeedContext(datetime(2031, 5, 1), "t", [], [])
    assert build_entry_document("https://a.example/3", "x", future, seen)["published_at"] == seen
    zero = FeedContext(datetime(1970, 1, 1), "t", [], [])
    assert build_entry_document("https://a.example/4", "x", zero, seen)["published_at"] == seen


def test_a_page_dated_at_zero_or_in_the_future_takes_its_feed_entrys_date():
    from innercircle.stages.page_readers import article_content

    feed = FeedContext(datetime(2026, 11, 1, 9, 0), "t", [], [])
    for meta in ("1970-01-01T00:00:00Z", "2031-05-01T00:00:00Z"):
        html = (f'<html><head><meta property="article:published_time" content="{meta}">'
                "</head><body><article><p>Some words about the harbour survey and the "
                "kelp the divers counted.</p></article></body></html>").encode()
        assert article_content(html, "https://a.example/p", feed).published == feed.published
