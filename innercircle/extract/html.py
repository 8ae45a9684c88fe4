"""Reading HTML pages: bytes to an lxml tree, and the page's machine-readable parts.

Shared by the article extractor (authors, dates, main text) and the author-page reader,
so the helpers here are public: decoding and forgiving parsing, element text and class
strings, whether an element sits in boilerplate (comments, sidebars, navigation),
JSON-LD objects (``@graph`` and ``mainEntity`` flattened) and ``<meta>`` tags.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache

import lxml.html
from lxml import etree

ARTICLE_TYPES = frozenset(
    [
        "Article",
        "NewsArticle",
        "BlogPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
        "LiveBlogPosting",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "ReportageNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "SocialMediaPosting",
        "Review",
        "Blog",
        "Posting",
        "MedicalScholarlyArticle",
        "SatiricalArticle",
        "AdvertiserContentArticle",
        "Story",
        "Recipe",
        "HowTo",
        "CreativeWork",
    ]
)
PAGE_TYPES = frozenset({"WebPage", "ItemPage", "AboutPage", "ProfilePage", "CollectionPage"})
# Ancestors whose content is never the article's byline.
EXCLUDED_TAGS = frozenset({"footer", "aside", "nav", "form", "noscript", "template", "select"})
# Its only anchor is \b, and no alternative holds a space: so a class string with no
# match anywhere has no matching token either (``_names_boilerplate`` relies on it).
EXCLUDED_CLASS = re.compile(
    r"comment|sidebar|side-bar|related|recommend|widget|footer|popular|promo|newsletter|"
    r"share|social|teaser|trending|\bnav|menu|breadcrumb|more-from|morefrom|read-also|"
    r"most-read|mostread|reply|respond|disqus|\brail\b|outbrain|taboola|advert|sponsor|"
    r"next-post|prev-post|post-navigation|pagination|tagcloud|signup|subscribe",
    re.I,
)
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
WS = re.compile(r"\s+")


def decode_html(data: bytes | str) -> str:
    """Bytes to text: BOM, then a declared ``<meta charset>``, then UTF-8, then cp1252."""
    if isinstance(data, str):
        return data
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace")
    m = _CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        try:
            return data.decode("cp1252" if enc in ("iso-8859-1", "latin-1", "latin1") else enc)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def parse_html(data: bytes | str) -> etree._Element:
    """A forgiving lxml tree; an empty ``<html>`` for input lxml cannot read."""
    text = _XML_DECL.sub("", decode_html(data)).replace("\x00", "")
    try:
        root = lxml.html.document_fromstring(text) if text.strip() else None
    except (etree.ParserError, ValueError):
        root = None
    return root if root is not None else lxml.html.document_fromstring("<html></html>")


def text_of(el: etree._Element) -> str:
    """An element's text, whitespace collapsed: how a reader sees it on one line."""
    return WS.sub(" ", el.text_content()).strip()


_UNSEEN = ("script", "style", "noscript", "template")


def visible_text(root: etree._Element) -> str:
    """The text a reader of the page sees: the body without scripts, styles, ``noscript``
    and ``template`` contents (the text after them is seen), whitespace collapsed.

    Read in one pass over the tree, not in reading order when hidden blocks hold
    elements (a ``noscript`` image): what it is for is which words the page shows.
    """
    body = root.find("body")
    if body is None:
        return ""
    hidden = {d for el in body.iter("noscript", "template") for d in el.iterdescendants()}
    parts: list[str] = [body.text or ""]
    append = parts.append
    for el in body.iterdescendants():
        tail = el.tail
        if tail:
            append(tail)
        tag = el.tag
        if isinstance(tag, str) and tag not in _UNSEEN and el.text and el not in hidden:
            append(el.text)
    return WS.sub(" ", " ".join(parts)).strip()


def classes_of(el: etree._Element) -> str:
    """``class`` and ``id`` together: sites name their blocks in either."""
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def is_excluded(el: etree._Element, stop: etree._Element | None = None) -> bool:
    """True if ``el`` sits in a comment, sidebar, teaser, footer or navigation block.

    Class names are read one token at a time, and two kinds of token never count:
    state or layout modifiers (``has-social-tools``, ``sticky-sidebar-parent``,
    ``sidebar-included``) and a content block's own footer (``post-footer``,
    ``headline__footer``: where bylines sit). An ancestor that holds the page's
    ``<h1>`` is the page layout around the article, not a side block, whatever its
    classes say.
    """
    node = el
    while node is not None and node is not stop:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in EXCLUDED_TAGS:
            # An article's own <footer> is where HTML5 puts its byline.
            return not (tag == "footer" and any(a.tag == "article" for a in node.iterancestors()))
        if (
            tag not in ("html", "body")
            and boilerplate_class(node)
            and node.find(".//h1") is None
            and not _article_footer(node)
        ):
            return True
        node = node.getparent()
    return False


CREDIT_CLASS = re.compile(r"licen[cs]e|credit|copyright|caption|\bcc\b", re.I)


def in_credit(el: etree._Element, levels: int = 4) -> bool:
    """Inside an image credit or licence note (a figure, "image-credit", "cc-by"),
    ``el`` or one of its nearest ancestors: a name there credits a photographer or a
    licensor, not the writer."""
    node: etree._Element | None = el
    for _ in range(levels):
        if node is None:
            return False
        if node.tag in ("figure", "figcaption") or CREDIT_CLASS.search(classes_of(node)):
            return True
        node = node.getparent()
    return False


_MODIFIER_TOKEN = re.compile(r"^(?:has|with|is|no)[-_]|[-_](?:included|parent|wrapper-with)$", re.I)
_OWN_FOOTER = re.compile(
    r"(?:post|entry|article|story|headline|content|single|blog-post)(?:__|[-_])footer", re.I
)


def _article_footer(el: etree._Element) -> bool:
    """A block classed only as a footer ("footerRow") inside an ``<article>``: that
    article's own footer, where its byline sits, like an ``<article>``'s ``<footer>``."""
    tokens = [
        t
        for t in classes_of(el).split()
        if EXCLUDED_CLASS.search(t) and not (_MODIFIER_TOKEN.search(t) or _OWN_FOOTER.search(t))
    ]
    only_footer = all(
        "footer" in t.lower() and not EXCLUDED_CLASS.search(re.sub("footer", "", t, flags=re.I))
        for t in tokens
    )
    return only_footer and any(a.tag == "article" for a in el.iterancestors())


def boilerplate_class(el: etree._Element) -> bool:
    """Whether one of the element's class/id tokens names a boilerplate block."""
    return _names_boilerplate(classes_of(el))


@lru_cache(maxsize=8192)
def _names_boilerplate(names: str) -> bool:
    """:func:`boilerplate_class` of a class and id string. Cached: the same class strings
    come back on every ancestor walk of a page (see :func:`is_excluded`)."""
    if not EXCLUDED_CLASS.search(names):
        return False  # its words hold no space: no token can match either (one search)
    for token in names.split():
        if _MODIFIER_TOKEN.search(token) or _OWN_FOOTER.search(token):
            continue
        if EXCLUDED_CLASS.search(token):
            return True
    return False


def json_ld(root: etree._Element) -> list[dict]:
    """Every JSON-LD object on the page, ``@graph`` and ``mainEntity`` flattened.

    Tolerates the usual breakage: HTML comments or CDATA around the JSON, control
    characters, and trailing junk after the first object.
    """
    objs: list[dict] = []
    for script in root.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        raw = raw.removeprefix("<!--").removesuffix("-->").removeprefix("//<![CDATA[")
        raw = raw.removesuffix("//]]>").strip()
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            try:  # trailing junk, several objects back to back
                data, _ = json.JSONDecoder(strict=False).raw_decode(raw)
            except ValueError:
                continue
        objs.extend(_flatten(data))
    return objs


def _flatten(data: object) -> Iterator[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten(data["@graph"])
        main = data.get("mainEntity") or data.get("mainEntityOfPage")
        if isinstance(main, dict) and "@type" in main:
            yield from _flatten(main)


def types_of(obj: dict) -> set[str]:
    """An object's ``@type`` values, bare names (``schema.org/Person`` -> ``Person``)."""
    t = obj.get("@type") or []
    return {str(x).rsplit("/", 1)[-1] for x in (t if isinstance(t, list) else [t])}


def meta_tags(root: etree._Element) -> dict[str, list[str]]:
    """``<meta>`` contents by lowercased ``name``/``property``/``itemprop``, in page order."""
    out: dict[str, list[str]] = {}
    for m in root.iter("meta"):
        key = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        content = m.get("content") or m.get("value")  # some journals write value=
        if key and content and content.strip():
            out.setdefault(key, []).append(content.strip())
    return out
