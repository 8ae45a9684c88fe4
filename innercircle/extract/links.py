"""The links in an article's main text: where the industry's writers send their readers.

They come from the same region the text does: a link is kept when the block that holds
it (its paragraph, list item, quote or cell) is part of the main text stored in
``documents.text`` (trafilatura's, else the fallback walker's; see
:mod:`innercircle.extract.maintext`). So whatever the text extractor dropped as
navigation, share widgets, sidebars, "related" boxes, comments or ads, its links are
dropped too, and the text and its links can never disagree. This costs one lxml parse
of the page; asking trafilatura a second time for its XML with links (``include_links``)
would give the same region but doubled extraction time on a cold run (measured: 6.4 s
over the 455 pages of the sample web, against 0.6 s for this).
A block shorter than :data:`MIN_BLOCK_CHARS` counts only when it is a whole line of the
text (a short paragraph trafilatura kept), never as a mere substring: a menu item
"Home" is a substring of many articles.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from innercircle.extract.html import WS, parse_html
from innercircle.extract.maintext import main_text
from innercircle.model import site_host

log = logging.getLogger(__name__)

#: Anchors longer than this are cut: the table is evidence, not a copy of the text.
MAX_ANCHOR_CHARS = 200
#: A page with more outbound links than this is a link list, not an article: keep the first.
MAX_LINKS_PER_DOCUMENT = 200
#: A link's block must be at least this long to count as main text.
MIN_BLOCK_CHARS = 40
_BLOCK_TAGS = frozenset({"p", "li", "blockquote", "td", "dd", "h2", "h3", "h4", "pre",
                         "figcaption", "div", "section", "article"})


@dataclass(frozen=True)
class Link:
    """One anchor of the main text."""

    url: str  # absolute, fragment removed
    host: str  # lowercase, no port, no leading "www."
    anchor: str  # the visible text of the link, whitespace collapsed


def link_host(url: str) -> str:
    """The site a URL belongs to, as :func:`innercircle.stages.crawl.host_of` counts them
    but also without ``www.`` so ``www.example.com`` and ``example.com`` are one candidate."""
    return site_host(urlsplit(url).hostname or "")


def main_text_links(
    html: bytes | str,
    url: str,
    text: str | None = None,
    root: etree._Element | None = None,
) -> list[Link]:
    """The http(s) links of the page's main text, in page order, each URL once.

    ``text`` is the main text already extracted for the page (``documents.text``);
    without it, it is extracted here. ``root`` is the page already parsed by
    :func:`~innercircle.extract.html.parse_html` (so it is parsed once), else it is
    parsed here. Links back into the page itself (fragments, its own URL) are dropped;
    links to other pages of the same site are kept (the scoring leaves out a source's
    own host). Never raises.
    """
    try:
        if root is None:
            root = parse_html(html)
        if text is None:
            text = main_text(root, html, url)
        pairs = _links_in_text(root, text)
    except Exception as exc:  # noqa: BLE001 - one odd page must not stop extraction
        log.debug("no links from %s: %s", url, exc)
        return []
    own = urldefrag(url)[0]
    out: list[Link] = []
    seen: set[str] = set()
    for href, anchor in pairs:
        target = _absolute(href, url)
        if target is None or target == own or target in seen:
            continue
        seen.add(target)
        out.append(Link(target, link_host(target), WS.sub(" ", anchor).strip()[:MAX_ANCHOR_CHARS]))
        if len(out) >= MAX_LINKS_PER_DOCUMENT:
            break
    return out


def _links_in_text(root: etree._Element, text: str) -> list[tuple[str, str]]:
    """``(href, anchor)`` of every ``<a>`` whose enclosing block is part of ``text``."""
    if root is None or not text.strip():
        return []
    flat = WS.sub(" ", text)
    lines = {WS.sub(" ", line).strip() for line in text.splitlines()}
    base = root.find(".//base[@href]")
    out: list[tuple[str, str]] = []
    verdict: dict[etree._Element, bool] = {}
    for a in root.iter("a"):
        href = a.get("href")
        if not href:
            continue
        block = a.getparent()
        while block is not None and block.tag not in _BLOCK_TAGS:
            block = block.getparent()
        if block is None:
            continue
        if block not in verdict:
            words = WS.sub(" ", block.text_content()).strip()
            verdict[block] = bool(words) and (
                words in lines or (len(words) >= MIN_BLOCK_CHARS and words in flat)
            )
        if verdict[block]:
            if base is not None:
                href = urljoin(base.get("href"), href)
            out.append((href, a.text_content()))
    return out


def _absolute(href: str, base: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    target = urldefrag(urljoin(base, href))[0]
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return target
