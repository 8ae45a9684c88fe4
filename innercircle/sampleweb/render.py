"""HTML pages and feeds as bytes. Byline markup varies by blog, as it does in the wild.

Every page has the furniture real blogs have (navigation, a sidebar of related posts
with their authors, comments, a footer crediting a designer) so that an extractor
which reads the whole page instead of the article picks up names it should not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape
from xml.sax.saxutils import escape as xml_escape

from .web import Blog, origin

BYLINE_STYLES = (
    "jsonld_person", "jsonld_list", "jsonld_graph", "meta_author", "article_author",
    "rel_author", "visible_by", "article_author_url",
)
FEED_TYPES = {"rss20": "application/rss+xml", "atom10": "application/atom+xml",
              "rss10": "application/rss+xml"}
SERVED_FEED_TYPES = {"rss20": "application/rss+xml; charset=utf-8",
                     "atom10": "application/atom+xml; charset=utf-8",
                     "rss10": "application/rdf+xml; charset=utf-8"}
HTML_TYPE = "text/html; charset=utf-8"


@dataclass
class Author:
    """A byline as written on this blog: a person (with author page) or an organisation."""

    name: str
    path: str | None = None  # author page on this blog
    organisation: bool = False
    profiles: list[str] = field(default_factory=list)


@dataclass
class Entry:
    """One article as listings (homepage, feed, author page) show it."""

    title: str
    path: str
    published: datetime
    authors: list[Author]
    summary: str


def _t(text: str) -> str:
    return escape(text, quote=False)


def _a(text: str) -> str:
    return escape(text, quote=True)


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _head(blog: Blog, title: str, extra: list[str]) -> list[str]:
    return [
        "<!DOCTYPE html>", f'<html lang="{blog.language}">', "<head>", '<meta charset="utf-8">',
        f"<title>{_t(title)} | {_t(blog.name)}</title>",
        f'<link rel="alternate" type="{FEED_TYPES[blog.feed_format]}" '
        f'title="{_a(blog.name)}" href="{blog.feed_path}">',
        *extra, "</head>", "<body>",
        '<header class="site-header"><nav><a href="/">Home</a> <a href="/about/">About</a> '
        f'<a href="{blog.feed_path}">Feed</a></nav>'
        f'<p class="site-title">{_t(blog.name)}</p></header>',
    ]


def _foot(blog: Blog, year: int, designer: str | None) -> list[str]:
    credit = f" Site design by {_t(designer)}." if designer else ""
    return [
        f'<footer class="site-footer"><p>&copy; {year} {_t(blog.name)}. All rights reserved.'
        f"{credit}</p></footer>",
        "</body>", "</html>",
    ]


def _person_ld(blog: Blog, author: Author) -> dict:
    if author.organisation:
        return {"@type": "Organization", "name": author.name}
    node: dict = {"@type": "Person", "name": author.name}
    if author.path:
        node["url"] = origin(blog.host) + author.path
    return node


def _ld(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _byline_markup(blog: Blog, url: str, title: str, published: datetime,
                   authors: list[Author]) -> tuple[list[str], str]:
    """(head elements, visible byline html) for this blog's byline style."""
    if not authors:
        return [], ""
    names = [a.name for a in authors]
    style = blog.byline_style
    article = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": title,
               "datePublished": published.isoformat(), "mainEntityOfPage": url}
    head: list[str] = []
    visible = ""
    if style == "jsonld_person":
        people = [_person_ld(blog, a) for a in authors]
        article["author"] = people[0] if len(people) == 1 else people
        head.append(_ld(article))
    elif style == "jsonld_list":
        article["author"] = [_person_ld(blog, a) for a in authors]
        head.append(_ld(article))
        visible = f'<p class="byline">Words: {_t(join_names(names))}</p>'
    elif style == "jsonld_graph":
        graph: list[dict] = [{"@type": "WebSite", "@id": origin(blog.host) + "/#website",
                              "name": blog.name}]
        refs = []
        for a in authors:
            node = _person_ld(blog, a)
            node["@id"] = origin(blog.host) + f"/#/schema/person/{a.path or a.name}"
            if a.profiles:
                node["sameAs"] = a.profiles
            graph.append(node)
            refs.append({"@id": node["@id"]})
        article.pop("@context")
        article["author"] = refs[0] if len(refs) == 1 else refs
        graph.append(article)
        head.append(_ld({"@context": "https://schema.org", "@graph": graph}))
    elif style == "meta_author":
        head.append(f'<meta name="author" content="{_a(", ".join(names))}">')
    elif style == "article_author":
        head += [f'<meta property="article:author" content="{_a(n)}">' for n in names]
    elif style == "article_author_url":
        for a in authors:
            target = origin(blog.host) + a.path if a.path else a.name
            head.append(f'<meta property="article:author" content="{_a(target)}">')
        visible = '<p class="byline">' + ", ".join(
            f'<span class="author">{_t(n)}</span>' for n in names) + "</p>"
    elif style == "rel_author":
        links = [f'<a rel="author" href="{a.path}">{_t(a.name)}</a>' if a.path
                 else _t(a.name) for a in authors]
        visible = f'<div class="post-meta">Posted by {join_names(links)}</div>'
    else:  # visible_by
        visible = f'<p class="byline">By {_t(join_names(names))}</p>'
    return head, visible


def article_page(blog: Blog, entry: Entry, paragraphs: list[str], related: list[Entry],
                 comments: list[tuple[str, str]], designer: str | None,
                 note: str | None) -> bytes:
    url = origin(blog.host) + entry.path
    head, visible = _byline_markup(blog, url, entry.title, entry.published, entry.authors)
    head = [f'<link rel="canonical" href="{url}">',
            f'<meta property="og:title" content="{_a(entry.title)}">',
            f'<meta property="article:published_time" content="{entry.published.isoformat()}">',
            *head]
    out = _head(blog, entry.title, head)
    out += ["<main>", '<article class="post">', f"<h1>{_t(entry.title)}</h1>"]
    if visible:
        out.append(visible)
    out.append(f'<time datetime="{entry.published.isoformat()}">'
               f"{entry.published.strftime('%d %B %Y')}</time>")
    out += [f"<p>{_t(p)}</p>" for p in paragraphs]
    if note:
        out.append(f'<p class="syndication-note"><em>{_t(note)}</em></p>')
    out.append("</article>")
    out += _chrome(blog, entry.authors)
    if related:
        out.append('<aside class="sidebar related-posts"><h2>Related posts</h2><ul>')
        for r in related:
            by = f" by {_t(join_names([a.name for a in r.authors]))}" if r.authors else ""
            out.append(f'<li><a href="{r.path}">{_t(r.title)}</a>{by}</li>')
        out.append("</ul></aside>")
    if comments:
        out.append(f'<section class="comments" id="comments"><h2>{len(comments)} comments</h2>')
        for name, text in comments:
            out.append(f'<div class="comment"><p class="comment-author">{_t(name)} wrote:</p>'
                       f"<p>{_t(text)}</p></div>")
        out.append("</section>")
    out.append("</main>")
    out += _foot(blog, entry.published.year, designer)
    return "\n".join(out).encode("utf-8")


UI_WORDS = {"de": ("Zum Download", "Teilen"), "fr": ("En savoir plus", "Partager")}


def ui_glued(blog: Blog, author: str) -> list[str]:
    """The strings a text extractor that drops tags without a space makes of the card."""
    return [f"Meet {author}", f"{author}Follow", f"{author}Subscribe"]


def _chrome(blog: Blog, authors: list[Author]) -> list[str]:
    """Share buttons, and on some blogs an author card whose markup glues UI words to the
    name ("Meet Jane Doe", "Jane DoeFollow" once the tags are gone)."""
    words = UI_WORDS.get(blog.language, ("Share", "Tweet"))
    out = ['<div class="share-bar">' + "".join(f"<button>{_t(w)}</button>" for w in words)
           + "</div>"]
    people = [a for a in authors if not a.organisation]
    if blog.ui_chrome and people:
        a = people[0]
        out.append(f'<aside class="author-card"><p class="author-card-intro">Meet {_t(a.name)}'
                   f'</p><p><span class="author-card-name">{_t(a.name)}</span><button>Follow'
                   f'</button><button>Subscribe</button></p></aside>')
    return out


def _listing(entries: list[Entry], with_authors: bool = True) -> list[str]:
    out = ['<ul class="post-list">']
    for e in entries:
        by = ""
        if with_authors and e.authors:
            by = f' <span class="by">by {_t(join_names([a.name for a in e.authors]))}</span>'
        out.append(f'<li><a href="{e.path}">{_t(e.title)}</a> '
                   f'<time datetime="{e.published.isoformat()}">'
                   f"{e.published.strftime('%Y-%m-%d')}</time>{by}</li>")
    out.append("</ul>")
    return out


def home_page(blog: Blog, entries: list[Entry], designer: str | None) -> bytes:
    out = _head(blog, "Home", [])
    out += ["<main>", f"<h1>{_t(blog.name)}</h1>",
            f"<p>Writing about {_t(' and '.join(blog.industries))}.</p>",
            *_listing(entries), "</main>"]
    out += _foot(blog, entries[0].published.year if entries else 2025, designer)
    return "\n".join(out).encode("utf-8")


def about_page(blog: Blog, staff: list[Author], designer: str | None, year: int) -> bytes:
    out = _head(blog, "About", [])
    links = ", ".join(f'<a href="{a.path}">{_t(a.name)}</a>' for a in staff if a.path)
    out += ["<main>", f"<h1>About {_t(blog.name)}</h1>",
            f"<p>{_t(blog.name)} is an independent publication. Written by {links}.</p>",
            "</main>"]
    out += _foot(blog, year, designer)
    return "\n".join(out).encode("utf-8")


def author_page(blog: Blog, author: Author, bio: str, entries: list[Entry],
                designer: str | None) -> bytes:
    url = origin(blog.host) + (author.path or "/")
    person = {"@context": "https://schema.org", "@type": "ProfilePage",
              "mainEntity": {"@type": "Person", "name": author.name, "url": url,
                             "sameAs": author.profiles}}
    out = _head(blog, author.name, [_ld(person), f'<link rel="canonical" href="{url}">'])
    out += ["<main>", '<section class="author-profile">',
            f'<h1 class="author-name">{_t(author.name)}</h1>',
            f'<p class="author-bio">{_t(bio)}</p>', '<ul class="author-links">']
    out += [f'<li><a rel="me" href="{_a(p)}">{_t(p)}</a></li>' for p in author.profiles]
    out += ["</ul>", "</section>", f"<h2>Posts by {_t(author.name)}</h2>",
            *_listing(entries, with_authors=False), "</main>"]
    out += _foot(blog, entries[0].published.year if entries else 2025, designer)
    return "\n".join(out).encode("utf-8")


def _x(text: str) -> str:
    return xml_escape(text)


def feed(blog: Blog, entries: list[Entry], updated: datetime) -> bytes:
    """The blog's feed in its own format; author fields only where the blog writes them."""
    base = origin(blog.host)
    if blog.feed_format == "atom10":
        out = ['<?xml version="1.0" encoding="utf-8"?>',
               '<feed xmlns="http://www.w3.org/2005/Atom">',
               f"<title>{_x(blog.name)}</title>", f"<id>{base}/</id>",
               f'<link rel="alternate" href="{base}/"/>',
               f'<link rel="self" href="{base}{blog.feed_path}"/>',
               f"<updated>{updated.isoformat()}</updated>"]
        for e in entries:
            out += ["<entry>", f"<title>{_x(e.title)}</title>",
                    f'<link rel="alternate" href="{base}{e.path}"/>',
                    f"<id>{base}{e.path}</id>",
                    f"<published>{e.published.isoformat()}</published>",
                    f"<updated>{e.published.isoformat()}</updated>"]
            if blog.feed_authors:
                for a in e.authors:
                    uri = f"<uri>{base}{a.path}</uri>" if a.path else ""
                    out.append(f"<author><name>{_x(a.name)}</name>{uri}</author>")
            out += [f'<summary type="text">{_x(e.summary)}</summary>', "</entry>"]
        out.append("</feed>")
    elif blog.feed_format == "rss10":
        out = ['<?xml version="1.0" encoding="utf-8"?>',
               '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
               'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
               f'<channel rdf:about="{base}{blog.feed_path}">',
               f"<title>{_x(blog.name)}</title>", f"<link>{base}/</link>",
               f"<description>{_x(blog.name)}</description>",
               f"<dc:date>{updated.isoformat()}</dc:date>", "<items><rdf:Seq>"]
        out += [f'<rdf:li rdf:resource="{base}{e.path}"/>' for e in entries]
        out += ["</rdf:Seq></items>", "</channel>"]
        for e in entries:
            out += [f'<item rdf:about="{base}{e.path}">', f"<title>{_x(e.title)}</title>",
                    f"<link>{base}{e.path}</link>",
                    f"<description>{_x(e.summary)}</description>",
                    f"<dc:date>{e.published.isoformat()}</dc:date>"]
            if blog.feed_authors:
                out += [f"<dc:creator>{_x(a.name)}</dc:creator>" for a in e.authors]
            out.append("</item>")
        out.append("</rdf:RDF>")
    else:
        # RSS 2.0: half the blogs use dc:creator, the others the e-mail style <author>.
        email_style = blog.byline_style in ("visible_by", "jsonld_list", "meta_author")
        out = ['<?xml version="1.0" encoding="utf-8"?>',
               '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
               'xmlns:atom="http://www.w3.org/2005/Atom">', "<channel>",
               f"<title>{_x(blog.name)}</title>", f"<link>{base}/</link>",
               f"<description>{_x(blog.name)}</description>",
               f'<atom:link href="{base}{blog.feed_path}" rel="self" '
               'type="application/rss+xml"/>',
               f"<lastBuildDate>{format_datetime(updated)}</lastBuildDate>"]
        for e in entries:
            out += ["<item>", f"<title>{_x(e.title)}</title>", f"<link>{base}{e.path}</link>",
                    f'<guid isPermaLink="true">{base}{e.path}</guid>',
                    f"<pubDate>{format_datetime(e.published)}</pubDate>"]
            if blog.feed_authors and e.authors:
                if email_style:
                    who = join_names([a.name for a in e.authors])
                    out.append(f"<author>editors@blog.example ({_x(who)})</author>")
                else:
                    out += [f"<dc:creator>{_x(a.name)}</dc:creator>" for a in e.authors]
            out += [f"<description>{_x(e.summary)}</description>", "</item>"]
        out += ["</channel>", "</rss>"]
    return "\n".join(out).encode("utf-8")
