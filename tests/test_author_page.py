"""Author/profile pages: name, bio, homepage, profile links, listed articles."""

import json

from innercircle.extract.author_page import extract_author_page, is_profile_url

URL = "https://blog.example.com/author/jane-doe/"

PAGE = """<!doctype html><html><head><title>Jane Doe, Author at Example Blog</title>
<meta name="description" content="Site description, not a bio.">
</head><body>
<header><a href="https://twitter.com/exampleblog">Follow the blog</a></header>
<main>
  <h1>Jane Doe</h1>
  <div class="author-bio"><p>Jane writes about databases. She lives in Lisbon.</p>
    <a href="https://janedoe.net/">Website</a>
    <a href="https://github.com/janedoe">GitHub</a>
    <a href="https://www.linkedin.com/in/jane-doe-123/">LinkedIn</a>
    <a href="https://hachyderm.io/@jane">Mastodon</a>
    <a href="https://bsky.app/profile/jane.bsky.social">Bluesky</a>
    <a href="https://x.com/janedoe">X</a>
  </div>
  <article><h2><a href="/2024/05/01/first-post/">First post</a></h2></article>
  <article><h2><a href="https://blog.example.com/2024/04/02/second-post/">Second</a></h2></article>
  <article><h2><a href="/tag/databases/">databases</a></h2></article>
</main>
<footer><a href="https://github.com/example-org">Our GitHub</a></footer>
</body></html>"""


def test_author_page_fields():
    p = extract_author_page(PAGE, URL)
    assert p.name == "Jane Doe"
    assert p.bio == "Jane writes about databases. She lives in Lisbon."
    assert p.homepage == "https://janedoe.net/"
    assert set(p.profiles) == {
        "https://github.com/janedoe",
        "https://www.linkedin.com/in/jane-doe-123",
        "https://hachyderm.io/@jane",
        "https://bsky.app/profile/jane.bsky.social",
        "https://x.com/janedoe",
    }
    assert p.article_urls == [
        "https://blog.example.com/2024/05/01/first-post/",
        "https://blog.example.com/2024/04/02/second-post/",
    ]


def test_json_ld_person_and_title_fallback():
    ld = {"@type": "ProfilePage", "mainEntity": {
        "@type": "Person", "name": "Ann Lee", "description": "Editor.",
        "url": "https://annlee.org", "sameAs": ["https://github.com/annlee"]}}
    html = f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head></html>'
    p = extract_author_page(html, "https://site.example/people/ann")
    assert (p.name, p.bio, p.homepage, p.profiles) == (
        "Ann Lee", "Editor.", "https://annlee.org", ["https://github.com/annlee"])
    p = extract_author_page("<html><head><title>Posts by Bob Ray - Site</title></head></html>",
                            "https://site.example/author/bob")
    assert p.name == "Bob Ray"


def test_is_profile_url():
    assert is_profile_url("https://mastodon.social/@someone")
    assert is_profile_url("https://github.com/someone")
    assert not is_profile_url("https://github.com/someone/repo")
    assert not is_profile_url("https://twitter.com/intent/tweet")
    assert not is_profile_url("https://example.com/about")


def test_empty_page():
    p = extract_author_page(b"", URL)
    assert p.name is None and p.profiles == [] and p.article_urls == []
