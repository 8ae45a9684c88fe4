"""parse_feed / discover_feeds on hand-made documents (real feeds: test_real_feeds.py)."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from datetime import UTC, datetime

import pytest

from innercircle.feeds import (
    FALLBACK_FEED_PATHS,
    discover_feeds,
    fallback_feed_urls,
    parse_feed,
    xml_entity_problem,
)
from innercircle.fetch import Fetcher, FetchPolicy
from tests.hostile_server import serve, static

RSS2 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel>
  <title>Fintech Weekly</title><link>https://fin.example/</link>
  <managingEditor>editor@fin.example (Ed Itor)</managingEditor>
  <item>
    <title>Payments</title><link>/2024/payments</link><guid>p-1</guid>
    <pubDate>Tue, 01 Oct 2024 09:30:00 GMT</pubDate>
    <author>jane@fin.example (Jane Doe)</author>
    <dc:creator>Bob Smith</dc:creator><dc:creator>Alice Jones</dc:creator>
    <itunes:author>Jane Doe</itunes:author>
    <description>About payments.</description>
  </item>
  <item><title>Second</title><link>second.html</link>
    <dc:creator>Smith, J., Jones, K.</dc:creator></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/">
  <title>Atom blog</title><link href="https://atom.example/"/>
  <author><name>Feed Owner</name><email>owner@atom.example</email></author>
  <id>urn:x</id><updated>2024-10-02T00:00:00Z</updated>
  <entry><title>Hello</title><link rel="alternate" href="posts/hello"/><id>urn:1</id>
    <updated>2024-10-02T10:00:00Z</updated><published>2024-10-01T10:00:00Z</published>
    <author><name>Ann Atom</name></author><author><name>Ben Atom</name></author></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/"><title>RDF</title><link>https://rdf.example/</link></channel>
  <item rdf:about="https://rdf.example/1"><title>One</title><link>https://rdf.example/1</link>
    <dc:creator>Rita Rdf</dc:creator></item>
</rdf:RDF>"""

JSON_FEED = json.dumps({
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON blog", "home_page_url": "https://json.example/",
    "authors": [{"name": "Jay Son"}],
    "items": [
        {"id": "1", "url": "/posts/1", "title": "First", "date_published": "2024-10-01T08:00:00Z",
         "authors": [{"name": "Jo Writer"}, {"url": "https://x.example/@anon"}]},
        {"id": "2", "external_url": "https://elsewhere.example/2", "author": {"name": "Old Style"},
         "content_text": "text"},
    ],
}).encode()


def test_rss2_raw_authors_absolute_urls_and_dates():
    feed = parse_feed(RSS2, "https://fin.example/feed.xml", "application/rss+xml")
    assert feed.error is None and feed.warning is None and feed.format == "rss20"
    assert feed.title == "Fintech Weekly" and feed.feed_authors == ["editor@fin.example (Ed Itor)"]
    first, second = feed.entries
    assert first.url == "https://fin.example/2024/payments"
    assert second.url == "https://fin.example/second.html"
    assert first.raw_authors == [
        "jane@fin.example (Jane Doe)", "Bob Smith", "Alice Jones", "Jane Doe"
    ]
    assert second.raw_authors == ["Smith, J., Jones, K."]
    assert first.published == datetime(2024, 10, 1, 9, 30, tzinfo=UTC)
    assert first.entry_id.endswith("p-1") and first.summary == "About payments."


def test_atom_authors_and_xml_base():
    feed = parse_feed(ATOM, "https://atom.example/feed")
    assert feed.format == "atom10" and feed.error is None
    (entry,) = feed.entries
    assert entry.url == "https://atom.example/blog/posts/hello"
    assert entry.raw_authors == ["Ann Atom", "Ben Atom"]
    assert feed.feed_authors == ["Feed Owner"]
    assert entry.updated == datetime(2024, 10, 2, 10, tzinfo=UTC)


def test_rss1_rdf():
    feed = parse_feed(RDF, "https://rdf.example/index.rdf")
    assert feed.format == "rss10" and feed.entries[0].raw_authors == ["Rita Rdf"]


def test_json_feed_both_versions():
    feed = parse_feed(JSON_FEED, "https://json.example/feed.json", "application/feed+json")
    assert feed.format == "json" and feed.error is None and feed.feed_authors == ["Jay Son"]
    one, two = feed.entries
    assert one.url == "https://json.example/posts/1"
    assert one.raw_authors == ["Jo Writer", "https://x.example/@anon"]
    assert one.published == datetime(2024, 10, 1, 8, tzinfo=UTC)
    assert two.url == "https://elsewhere.example/2" and two.raw_authors == ["Old Style"]



RSS_IN_JSON = json.dumps({"rss": {"channel": {
    "title": "Winer style", "link": "https://rij.example/",
    "item": [
        {"link": "/a", "title": "A", "pubDate": "Tue, 01 Oct 2024 11:30:00 +0200",
         "dc:creator": "Dee Creator"},
        {"link": "/b", "title": "B", "pubDate": "next Tuesday-ish"},
        {"link": "/c", "title": "C", "pubDate": "Tue, 01 Oct 2024 11:30:00 +02:00"},
        {"link": "/d", "title": "D", "pubDate": "01 Oct 2024"},
    ],
}}}).encode()


def test_json_feed_dates_in_rfc_822_or_unreadable():
    """RSS-in-JSON keeps RSS's RFC 822 dates (given in UTC, as feedparser gives the XML
    feeds' dates); a date no one can read is no date, not an error."""
    feed = parse_feed(RSS_IN_JSON, "https://rij.example/feed.json", "application/json")
    assert feed.format == "rss-in-json" and feed.error is None
    dated, undated, colon_offset, day_only = feed.entries
    assert dated.published == datetime(2024, 10, 1, 9, 30, tzinfo=UTC)
    assert dated.raw_authors == ["Dee Creator"] and undated.published is None
    assert colon_offset.published == datetime(2024, 10, 1, 9, 30, tzinfo=UTC)  # "+02:00"
    assert day_only.published == datetime(2024, 10, 1, tzinfo=UTC)
    rfc822 = json.dumps({"version": "https://jsonfeed.org/version/1", "items": [
        {"id": "1", "url": "/1", "date_published": "Tue, 01 Oct 2024 09:30:00 GMT",
         "date_modified": "2024-10-02T10:00:00"}]}).encode()
    (entry,) = parse_feed(rfc822, "https://j.example/feed.json").entries
    assert entry.published == datetime(2024, 10, 1, 9, 30, tzinfo=UTC)
    assert entry.updated == datetime(2024, 10, 2, 10, tzinfo=UTC)

@pytest.mark.parametrize(
    "body, expected",
    [
        (b"", "empty"),
        (b"   \n ", "empty"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", "not a feed"),
        (b"<html><head></head><body><p>x</p></body></html>", "not a feed"),
        (b'{"hello": "world"}', "not a feed"),
        (b"{not json", "not a feed"),
        (b"\x1f\x8b\x08garbage", "gzip"),
        (b"just some text", "not a feed"),
        (b"\x00\x01\x02\xff" * 100, "not a feed"),
    ],
)
def test_unusable_documents_give_errors_not_exceptions(body, expected):
    feed = parse_feed(body, "https://x.example/feed")
    assert feed.error and expected in feed.error and feed.entries == []


def test_malformed_feed_recovers_entries_with_warning():
    broken = RSS2.replace(
        b"<description>About payments.</description>", b"<description>a & b <</description>"
    )
    feed = parse_feed(broken, "https://fin.example/feed.xml")
    assert feed.error is None and feed.warning and "malformed" in feed.warning
    assert feed.entries and feed.entries[0].raw_authors[0] == "jane@fin.example (Jane Doe)"


def test_gzipped_feed_bytes_are_read():
    feed = parse_feed(gzip.compress(RSS2), "https://fin.example/feed.xml")
    assert feed.error is None and len(feed.entries) == 2


def _billion_laughs(levels: int = 10) -> bytes:
    decls = [b'<!ENTITY lol0 "lol">']
    for i in range(1, levels):
        decls.append(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10))
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + b"\n".join(decls) + b"\n]>\n"
        b'<rss version="2.0"><channel><title>&lol9;</title>'
        b"<item><title>&lol9;</title><link>https://x.example/1</link></item></channel></rss>"
    )


def test_billion_laughs_is_refused_with_flat_memory():
    bomb = _billion_laughs()
    tracemalloc.start()
    try:
        feed = parse_feed(bomb, "https://x.example/feed")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert feed.error and "entity expansion refused" in feed.error and not feed.entries
    assert peak < 2 * 2**20, peak  # 10^9 "lol"s would be ~3 GB


def test_billion_laughs_served_over_http_is_refused():
    with serve({"/feed": static(_billion_laughs(), "application/rss+xml")}) as srv:
        fetcher = Fetcher(FetchPolicy(allow_private_networks=True, respect_robots=False))
        result = fetcher.fetch(srv.url("/feed"))
    assert result.ok
    tracemalloc.start()
    try:
        feed = parse_feed(result.body, result.final_url, result.content_type)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert feed.error and "refused" in feed.error and peak < 2 * 2**20


@pytest.mark.parametrize(
    "doc, refused",
    [
        (b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>', True),
        (b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil/">%p;]><x/>', True),
        (b'<!DOCTYPE x [<!ENTITY big "' + b"a" * 5000 + b'">]><x>' + b"&big;" * 500 + b"</x>",
         True),
        (b'<!DOCTYPE x [<!ENTITY nbsp "&#160;"><!ENTITY co "Acme Inc">]><x>&co;&nbsp;</x>', False),
        (b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
         b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss/>', False),
        (b"<?xml version='1.0'?><rss><channel/></rss>", False),
    ],
)
def test_xml_entity_problem(doc, refused):
    assert (xml_entity_problem(doc) is not None) == refused


def test_harmless_internal_entity_still_parses():
    doc = RSS2.replace(b"<rss ", b'<!DOCTYPE rss [<!ENTITY co "Fin Co">]>\n<rss ', 1)
    doc = doc.replace(b"<title>Payments</title>", b"<title>&co; payments</title>")
    feed = parse_feed(doc, "https://fin.example/feed.xml")
    # Not refused: the entries are read (expanding the entity is feedparser's business).
    assert feed.error is None and len(feed.entries) == 2
    assert "payments" in feed.entries[0].title


def test_never_raises_on_random_bytes():
    import random

    rng = random.Random(7)
    pieces = [RSS2, ATOM, RDF, JSON_FEED, b"<", b"&", b"]]>", b"<![CDATA[", b"\xff\xfe", b"\x00"]
    for _ in range(200):
        doc = b"".join(rng.choice(pieces)[: rng.randint(0, 400)] for _ in range(rng.randint(1, 5)))
        feed = parse_feed(doc, "https://x.example/")
        assert feed.error is None or feed.entries == []


HOME = b"""<!doctype html><html><head>
<base href="https://blog.example/sub/">
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/rss+xml" title="RSS" href="feed/">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/1">
<link rel="alternate" type="application/json+oembed" href="/oembed">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://blog.example/atom.xml">
<link rel="alternate" type="application/feed+json" href="/feed.json">
<link rel="alternate" type="application/rss+xml" href="feed/">
<link rel="alternate" hreflang="de" href="/de/">
</head><body>
<link rel="alternate" type="application/rss+xml" href="/comments/feed"></body></html>"""


def test_discover_feeds_in_page_order_absolute():
    assert discover_feeds(HOME, "https://blog.example/") == [
        "https://blog.example/sub/feed/",
        "https://blog.example/atom.xml",
        "https://blog.example/feed.json",
        "https://blog.example/comments/feed",
    ]
    assert discover_feeds(b"<html><head></head></html>", "https://x.example/") == []
    assert discover_feeds(b"\x00\xff garbage", "https://x.example/") == []


def test_fallback_paths():
    assert FALLBACK_FEED_PATHS == ("/feed", "/rss.xml", "/atom.xml", "/index.xml")
    assert fallback_feed_urls("https://x.example/blog/") == [
        "https://x.example/feed", "https://x.example/rss.xml",
        "https://x.example/atom.xml", "https://x.example/index.xml",
    ]


def test_titles_are_plain_text_in_every_format():
    """A title the feed wrote as HTML is stored as the text a reader sees; one that is
    text stays as written, "<" and all."""
    rss = b"""<rss version="2.0"><channel><title>Caf&amp;eacute; &lt;b&gt;news&lt;/b&gt;</title>
      <item><title>&lt;b&gt;Slack&lt;/b&gt;   (NASDAQ:WORK)</title><link>https://r.example/1</link></item>
      <item><title>&amp;#8216;Jokes&amp;#8217;</title><link>https://r.example/2</link></item>
      <item><title>Use the &lt;div&gt; tag</title><link>https://r.example/3</link></item>
    </channel></rss>"""
    feed = parse_feed(rss, "https://r.example/feed")
    assert feed.title == "Café news"
    assert [e.title for e in feed.entries] == [
        "Slack (NASDAQ:WORK)", "\u2018Jokes\u2019", "Use the <div> tag"
    ]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">A &amp; B</title>
      <entry><title type="html">Link: <![CDATA[That&#8217;s it]]></title><id>urn:1</id></entry>
      <entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><b>X</b>
        &amp; y</div></title><id>urn:2</id></entry>
    </feed>"""
    feed = parse_feed(atom, "https://a.example/feed")
    assert feed.title == "A & B"
    assert [e.title for e in feed.entries] == ["Link: That\u2019s it", "X & y"]
    json_feed = json.dumps({"version": "https://jsonfeed.org/version/1", "title": "J &amp; J",
        "items": [{"id": "1", "url": "https://j.example/1", "title": "I&#039;m <em>here</em>"},
                  {"id": "2", "url": "https://j.example/2", "title": "Von <i> und <b>"}]})
    feed = parse_feed(json_feed.encode(), "https://j.example/feed.json")
    assert feed.title == "J & J"
    assert [e.title for e in feed.entries] == ["I'm here", "Von <i> und <b>"]
    rij = json.dumps({"rss": {"channel": {"title": "R", "item": [
        {"link": "https://k.example/1", "title": "Q&amp;A: <b>rates</b>"}]}}})
    assert parse_feed(rij.encode(), "https://k.example/f.json").entries[0].title == "Q&A: rates"


def test_misdeclared_encoding_keeps_author_names():
    """windows-1252 bytes declared as UTF-8: feedparser reads them as windows-1252, and so
    must the raw author pass, or the names come out with U+FFFD and no byline is found."""
    from innercircle.extract.bylines import entry_authors

    doc = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café</title>'
        "<item><title>Crème brûlée</title><link>https://c.example/1</link>"
        "<author>x@c.example (François Château)</author></item></channel></rss>"
    ).encode("cp1252")
    feed = parse_feed(doc, "https://c.example/feed")
    (entry,) = feed.entries
    assert entry.title == "Crème brûlée" and feed.warning  # the wrong declaration is told
    assert entry.raw_authors == ["x@c.example (François Château)"]
    assert [b.name for b in entry_authors(entry.raw_authors, feed.feed_authors)] == [
        "François Château"
    ]


def test_an_empty_link_is_no_link():
    """WordPress's wp-atom.php writes href="" for some entries; feedparser resolves it to
    the base URL, which would make them all one page. An http(s) id stands in for it."""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://w.example/wp-atom.php">
      <title>W</title><link rel="alternate" href="https://w.example"/>
      <entry><title>A</title><link rel="alternate" type="text/html" href=""/>
        <id>https://w.example/?p=1</id></entry>
      <entry><title>B</title><link rel="alternate" type="text/html" href="" /><id>urn:b</id></entry>
      <entry><title>C</title><link rel="alternate" href="/2024/c"/><id>urn:c</id></entry>
    </feed>"""
    feed = parse_feed(atom, "https://w.example/feed/atom/")
    assert [e.url for e in feed.entries] == ["https://w.example/?p=1", "", "https://w.example/2024/c"]
    no_base = atom.replace(b' xml:base="https://w.example/wp-atom.php"', b"")
    urls = [e.url for e in parse_feed(no_base, "https://w.example/feed/atom/").entries]
    assert urls == ["https://w.example/?p=1", "", "https://w.example/2024/c"]


def test_only_a_permalink_id_written_as_a_url_is_a_link():
    """A guid or id is a name: it stands for the entry's page only when it is a permalink
    (RSS ``isPermaLink`` not "false") already written as an http(s) URL; it is never
    resolved against the feed's URL into an address that was never published."""
    rss = b"""<rss version="2.0"><channel><title>G</title><link>https://g.example/</link>
      <item><title>1</title><guid isPermaLink="true">https://g.example/e1</guid></item>
      <item><title>2</title><guid isPermaLink="false">e2-id</guid></item>
      <item><title>3</title><guid>e3-id</guid></item>
      <item><title>4</title><guid isPermaLink="false">https://g.example/?p=4</guid></item>
      <item><title>5</title><link>https://g.example/e5</link>
        <guid isPermaLink="false">https://g.example/e5</guid></item>
    </channel></rss>"""
    urls = [e.url for e in parse_feed(rss, "https://g.example/feed").entries]
    assert urls == ["https://g.example/e1", "", "", "", "https://g.example/e5"]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/blog/">
      <title>A</title>
      <entry><title>1</title><id>https://a.example/blog/1</id></entry>
      <entry><title>2</title><id>3f2a7c1e-5460-11e8-b38c-5f5faf9dd0c5</id></entry>
      <entry><title>3</title><id>tag:a.example,2024:3</id></entry>
    </feed>"""
    urls = [e.url for e in parse_feed(atom, "https://a.example/feed").entries]
    assert urls == ["https://a.example/blog/1", "", ""]
    rss_in_json = json.dumps({"rss": {"channel": {"title": "J", "item": [
        {"title": "1", "guid": "https://j.example/1"}, {"title": "2", "guid": "j-2"}]}}})
    urls = [e.url for e in parse_feed(rss_in_json.encode(), "https://j.example/f.json").entries]
    assert urls == ["https://j.example/1", ""]


def test_feedburner_origlink_is_the_entry_page():
    rss = b"""<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
      <channel><title>F</title><link>https://f.example/</link>
      <item><title>A</title><link>http://feedproxy.google.com/~r/f/~3/Xy1/</link>
        <feedburner:origLink>https://f.example/2024/a/</feedburner:origLink></item>
      <item><title>B</title><link>https://f.example/2024/b/</link></item>
    </channel></rss>"""
    urls = [e.url for e in parse_feed(rss, "https://feeds.feedburner.com/f").entries]
    assert urls == ["https://f.example/2024/a/", "https://f.example/2024/b/"]


def test_an_rss_1_item_without_a_link_is_at_its_rdf_about():
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link></channel>
<item rdf:about="https://r.example/posts/1"><title>One</title>
<description>Text.</description></item>
</rdf:RDF>"""
    (entry,) = parse_feed(body, "https://r.example/index.rdf").entries
    assert entry.url == "https://r.example/posts/1"
