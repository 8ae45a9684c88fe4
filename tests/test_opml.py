"""OPML import: reading outlines safely, merging into the sources file as text."""

from __future__ import annotations

import pytest
import yaml

from innercircle.errors import ParseError, SourcesFileError
from innercircle.opml import feeds_from_opml, merge_feeds_into_sources
from innercircle.sources import parse_sources
from tests.conftest import innercircle

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My subscriptions</title></head><body>
  <outline text="Fintech">
    <outline type="rss" text="Alpha" title="Alpha Blog" xmlUrl="https://alpha.example/feed"
             htmlUrl="https://alpha.example/"/>
    <outline text="Nested">
      <outline type="rss" text="Beta" xmlUrl="feed://beta.example/rss.xml"/>
    </outline>
  </outline>
  <outline type="rss" text="Dup" xmlUrl="https://alpha.example/feed"/>
  <outline text="Just a link" htmlUrl="https://no-feed.example/"/>
  <outline type="rss" text="Local" xmlUrl="file:///etc/passwd"/>
  <outline type="rss" text="Gamma &amp; Co" XMLURL="https://gamma.example/atom.xml"/>
</body></opml>"""

SOURCES = """# Curated by hand. Keep this comment.
industries:
  fintech:
    feeds:
      - https://alpha.example/feed   # the first one
    sites: [https://blog.fintech.example/]

  # Health is small for now.
  health:
    authors:
      - https://health.example/author/jane/
"""


def test_feeds_from_opml_nested_deduped_safe():
    assert feeds_from_opml(OPML) == [
        ("Alpha Blog", "https://alpha.example/feed"),
        ("Beta", "http://beta.example/rss.xml"),
        ("Gamma & Co", "https://gamma.example/atom.xml"),
    ]


@pytest.mark.parametrize(
    "doc",
    [
        b"<html><body>no</body></html>",
        b"",
        b"\x00\x01garbage",
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "x"><!ENTITY b "&a;&a;">]>'
        b'<opml><body><outline xmlUrl="https://x.example/&b;"/></body></opml>',
        b'<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><opml><body>'
        b'<outline title="&xxe;" xmlUrl="https://x.example/"/></body></opml>',
    ],
)
def test_bad_or_hostile_opml_raises_parse_error(doc):
    with pytest.raises(ParseError):
        feeds_from_opml(doc)


def test_merge_into_existing_industry_keeps_comments_and_skips_duplicates():
    out = merge_feeds_into_sources(
        SOURCES, "fintech", ["https://alpha.example/feed", "https://new.example/rss"]
    )
    assert "# Curated by hand. Keep this comment." in out
    assert "# the first one" in out and "# Health is small for now." in out
    data = yaml.safe_load(out)
    assert data["industries"]["fintech"]["feeds"] == [
        "https://alpha.example/feed", "https://new.example/rss"
    ]
    assert data["industries"]["fintech"]["sites"] == ["https://blog.fintech.example/"]
    assert data["industries"]["health"] == yaml.safe_load(SOURCES)["industries"]["health"]
    # still a valid sources file for the loader
    kinds = {(s.industry, s.kind, s.url) for s in parse_sources(out)}
    assert ("fintech", "feed", "https://new.example/rss") in kinds


def test_merge_new_industry_and_industry_without_feeds():
    out = merge_feeds_into_sources(SOURCES, "climate", ["https://c.example/feed"])
    out = merge_feeds_into_sources(out, "health", ["https://h.example/rss"])
    data = yaml.safe_load(out)
    assert data["industries"]["climate"] == {"feeds": ["https://c.example/feed"]}
    assert data["industries"]["health"]["feeds"] == ["https://h.example/rss"]
    assert data["industries"]["health"]["authors"] == ["https://health.example/author/jane/"]
    assert out.count("#") == SOURCES.count("#")


def test_merge_is_idempotent_and_handles_odd_urls():
    urls = ["https://x.example/feed?a=1,2&b=[3]", "https://y.example/#frag"]
    once = merge_feeds_into_sources(SOURCES, "fintech", urls)
    twice = merge_feeds_into_sources(once, "fintech", urls)
    assert once == twice
    assert yaml.safe_load(once)["industries"]["fintech"]["feeds"][1:] == urls


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "industries:\n",
        "industries:\n  fintech:\n",
        "industries:\n  fintech:\n    feeds: [https://a.example/]\n",
        "industries:\n  fintech:\n    feeds:\n    sites: [https://s.example/]\n",
        "industries: {fintech: {feeds: [https://a.example/]}}\n",
        "other: 1\nindustries:\n  fintech:\n    sites:\n      - https://s.example/\nmore: 2\n",
    ],
)
def test_merge_layouts(text):
    out = merge_feeds_into_sources(text, "fintech", ["https://n.example/feed"])
    data = yaml.safe_load(out)
    feeds = data["industries"]["fintech"]["feeds"]
    assert feeds[-1] == "https://n.example/feed" and len(feeds) == len(set(feeds))
    before = yaml.safe_load(text) or {}
    for key, value in before.items():
        if key != "industries":
            assert data[key] == value


def test_merge_rejects_invalid_yaml():
    with pytest.raises(SourcesFileError):
        merge_feeds_into_sources("industries: [unclosed\n", "x", ["https://a.example/"])


FLOW = "# mine\nindustries:\n  fintech: {feeds: [https://a.example/feed.xml]}  # money\n"


def test_merge_refuses_a_rewrite_that_would_lose_comments_and_rewrites_when_none():
    with pytest.raises(SourcesFileError, match=r"^s\.yaml: cannot add to 'fintech' .*comments"):
        merge_feeds_into_sources(FLOW, "fintech", ["https://n.example/feed"], where="s.yaml")
    bare = FLOW.replace("# mine\n", "").replace("  # money", "")
    out = merge_feeds_into_sources(bare, "fintech", ["https://n.example/feed"])
    assert yaml.safe_load(out)["industries"]["fintech"]["feeds"][-1] == "https://n.example/feed"
    # a flow list on one line is edited in place, its comment kept
    inline = "industries:\n  fintech:\n    feeds: [https://a.example/]  # keep\n"
    out = merge_feeds_into_sources(inline, "fintech", ["https://n.example/feed"])
    assert out.endswith("  # keep\n") and "n.example" in out


def test_import_opml_refuses_a_flow_style_industry_and_keeps_the_file(tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(FLOW)
    opml = tmp_path / "subs.opml"
    opml.write_bytes(OPML)
    result = innercircle(
        "import-opml", str(opml), "--industry", "fintech",
        env={"INNERCIRCLE_SOURCES": str(sources)},
    )
    assert result.returncode != 0
    (message,) = result.stderr.strip().splitlines()  # one line, naming the file
    assert str(sources) in message and "losing its comments" in message
    assert sources.read_text() == FLOW  # untouched, comments and all
