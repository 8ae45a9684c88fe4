"""The main text of an article page: what NER reads.

The text comes from trafilatura (Apache-2.0), a well-kept and well-measured
main-content extractor: it drops navigation, share widgets, comments, captions and
"related" boxes far better than a hand-written walker can be kept up to date to do.
Options, chosen on the tuning half of ``articles/maintext.jsonl`` only
(``innercircle eval maintext``): comments excluded (they are not the article's voice)
and ``favor_precision`` (boilerplate that reaches NER becomes false "people"; a missed
sentence costs less). The hand-written walker below remains the fallback for pages
where trafilatura finds nothing (very short pages, odd markup).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from lxml import etree

from innercircle.extract.html import EXCLUDED_CLASS, WS, classes_of

_SCRIPT_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed")
_BOILERPLATE_TAGS = ("nav", "header", "footer", "aside", "form", "button", "select", "figure")
_CONTENT_CLASS = re.compile(
    r"article-body|articlebody|article__body|article-content|entry-content|post-content|"
    r"post-body|postbody|story-body|storybody|story-content|article-text|content-body|"
    r"main-content|post-entry|entry-body|td-post-content|single-content|rich-text|prose",
    re.I,
)
_TEXT_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote", "pre", "dd", "td")


def _main_container(root: etree._Element) -> etree._Element:
    """The element that holds the article: itemprop=articleBody, a content class, <article>."""
    body = root.find("body")
    body = body if body is not None else root
    best = None
    for el in root.xpath('//*[@itemprop="articleBody"]'):
        return el
    for el in body.iter():
        if isinstance(el.tag, str) and el.tag in ("div", "section", "article", "main"):
            cls = classes_of(el)
            if cls.strip() and _CONTENT_CLASS.search(cls) and not EXCLUDED_CLASS.search(cls):
                best = el
                break
    if best is not None:
        return best
    articles = root.xpath("//article")
    if articles:
        return max(articles, key=lambda a: len(a.text_content()))
    main = root.xpath("//main")
    return main[0] if main else body


# trafilatura logs every page it finds too short at ERROR/WARNING; those are expected.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
TRAFILATURA_OPTIONS = {"include_comments": False, "favor_precision": True, "include_tables": True}


def main_text(root: etree._Element, html: bytes | str | None = None, url: str | None = None) -> str:
    """The article's text, one block a line: trafilatura's, else the walker's.

    ``html`` is the page as fetched (trafilatura decodes and parses it its own way);
    without it, or when trafilatura returns nothing, the walker reads ``root``.
    """
    if html:
        text = trafilatura_text(html, url)
        if text.strip():
            return text
    return walker_text(root)


def trafilatura_text(html: bytes | str, url: str | None = None) -> str:
    """trafilatura's plain-text main content with our options; "" when it finds none."""
    from trafilatura import extract

    try:
        return extract(html, url=url, **TRAFILATURA_OPTIONS) or ""
    except Exception:  # noqa: BLE001 - a library failure on one page falls back, never aborts
        return ""


def walker_text(root: etree._Element) -> str:
    """Paragraph text of the article, one block a line, boilerplate removed (fallback).

    Works on a copy-free pass: boilerplate subtrees are skipped, not deleted, so the
    same tree can still be read for authors afterwards.
    """
    container = _main_container(root)
    blocks: list[str] = []
    skip_tags = set(_SCRIPT_TAGS) | set(_BOILERPLATE_TAGS)

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag is None or tag in skip_tags:
                continue
            cls = classes_of(child)
            if cls.strip() and EXCLUDED_CLASS.search(cls):
                continue
            if tag in _TEXT_BLOCKS:
                text = WS.sub(" ", "".join(_iter_text(child, skip_tags))).strip()
                if len(text) >= 2:
                    blocks.append(text)
            else:
                if child.text and child.text.strip() and tag in ("div", "section", "article"):
                    head = child.text.strip()
                    if len(head) > 40:
                        blocks.append(WS.sub(" ", head))
                walk(child)
            if child.tail and child.tail.strip() and len(child.tail.strip()) > 40:
                blocks.append(WS.sub(" ", child.tail.strip()))

    walk(container)
    if not blocks and container.text_content().strip():
        blocks = [WS.sub(" ", "".join(_iter_text(container, skip_tags))).strip()]
    return "\n".join(blocks)


def _iter_text(el: etree._Element, skip: set[str]) -> Iterator[str]:
    if el.text:
        yield el.text
    for child in el:
        if isinstance(child.tag, str) and child.tag not in skip:
            yield from _iter_text(child, skip)
        if child.tail:
            yield child.tail
