"""How the built-in kinds read a fetched page into a document's content.

Kept apart from :mod:`~innercircle.stages.crawl_kinds` (which plans, fetches and stores)
so that a process that only reads pages, the crawl's early page reader
(:mod:`~innercircle.stages.early_reader`), imports the page readers and nothing of the
crawl: not the fetcher, the feed parser, DuckDB or the lake's Parquet files (about a
third of that process's start, which every run pays).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from innercircle.extract.author_page import extract_author_page
from innercircle.extract.bylines import entry_authors
from innercircle.extract.dates import naive_utc, plausible_date
from innercircle.extract.html import parse_html
from innercircle.extract.language import detect_language
from innercircle.extract.links import main_text_links
from innercircle.extract.names import clean_person_name, name_key
from innercircle.extract.page import extract_page
from innercircle.stages.kinds import PageContent


def person_names(names: Iterable[str]) -> list[str]:
    """Cleaned person names, each once (by name key), in order."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = clean_person_name(raw)
        if name and (key := name_key(name)) and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def author_page_content(html: bytes, url: str, feed) -> PageContent:
    """An author page as a document: its name is the byline, its bio the text."""
    profile = extract_author_page(html, url)
    name = clean_person_name(profile.name) if profile.name else None
    text = profile.bio or ""
    return PageContent(
        title=profile.name or "",
        published=None,
        text=text,
        language=detect_language(text),
        byline=[name] if name else [],
        byline_origin="author_page" if name else None,
    )


def article_content(html: bytes, url: str, feed) -> PageContent:
    """An article page as a document; where the page is silent, its feed entry speaks."""
    root = parse_html(html)  # read twice (the page, then its links), parsed once
    extract = extract_page(html, url, root)
    byline = person_names(b.name for b in extract.authors if b.kind == "person")
    page = PageContent(
        title=extract.title or "",
        published=naive_utc(extract.published),
        text=extract.text,
        language=extract.language,
        byline=byline,
        byline_origin="page" if byline else None,
        links=main_text_links(html, url, extract.text, root),
        undated_is_fetched=True,
    )
    return article_with_feed(page, feed)


def article_with_feed(page: PageContent, feed) -> PageContent:
    """An article read from its page alone, completed by its feed entry: the entry's
    authors when the page names no person, its title and date when the page has none."""
    if feed is None:
        return page
    byline, origin = page.byline, page.byline_origin
    if not byline:
        feed_bylines = entry_authors(feed.raw_authors, feed.feed_authors)
        byline = person_names(b.name for b in feed_bylines if b.kind == "person")
        origin = "feed" if byline else None
    return replace(
        page,
        title=page.title or feed.title,
        # a zero or future date on the page is none: the feed's is taken instead
        published=plausible_date(page.published, datetime.now(UTC)) or feed.published,
        byline=byline,
        byline_origin=origin,
    )


#: Every built-in kind's reader of a page (what its ``content`` is): the early page
#: reader warms these when it starts.
READERS = (article_content, author_page_content)
