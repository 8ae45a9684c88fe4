"""One article page in, :class:`~innercircle.model.PageExtract` out: the composition.

Each concern lives in its own module: reading the HTML (:mod:`.html`), who wrote it
(:mod:`.page_authors`), when (:mod:`.dates`), its main text (:mod:`.maintext`) and its
language (:mod:`.language`). ``extract_page``, ``parse_html`` and ``decode_html`` stay
importable from here; other code and tests use them under this name.
"""

from __future__ import annotations

from lxml import etree

from innercircle.extract.bylines import is_organisation
from innercircle.extract.dates import parse_date, published_date
from innercircle.extract.html import (
    ARTICLE_TYPES,
    WS,
    decode_html,
    json_ld,
    meta_tags,
    parse_html,
    text_of,
    types_of,
)
from innercircle.extract.language import detect_language
from innercircle.extract.maintext import main_text
from innercircle.extract.names import clean_person_name
from innercircle.extract.page_authors import extract_authors
from innercircle.model import PageExtract


def page_title(root: etree._Element, meta: dict[str, list[str]], ld: list[dict]) -> str:
    """The headline: JSON-LD ``headline``, then og/twitter title, ``<h1>``, ``<title>``."""
    for obj in ld:
        if types_of(obj) & ARTICLE_TYPES and isinstance(obj.get("headline"), str):
            return WS.sub(" ", obj["headline"]).strip()
    for key in ("og:title", "twitter:title"):
        if meta.get(key):
            return meta[key][0]
    h1 = root.xpath("//h1")
    if h1 and text_of(h1[0]):
        return text_of(h1[0])
    t = root.find(".//title")
    return text_of(t) if t is not None else ""


def extract_page(
    html: bytes | str, url: str, root: etree._Element | None = None
) -> PageExtract:
    """Authors, title, published date, language and main text of one article page.

    ``root`` is the page already parsed by :func:`parse_html`, when the caller reads the
    same tree again (its links): the page is then parsed once. It is only read, never
    changed.
    """
    if root is None:
        root = parse_html(html)
    meta = meta_tags(root)
    ld = json_ld(root)
    authors = extract_authors(root, url, meta, ld)
    lang = root.get("lang") or root.get("xml:lang") or None
    text = main_text(root, html, url)
    return PageExtract(
        url=url,
        title=page_title(root, meta, ld),
        published=published_date(root, meta, ld),
        authors=authors,
        text=text,
        lang=lang.split("-")[0].lower() if lang else None,
        language=detect_language(text, lang, *meta.get("og:locale", []), _content_language(root)),
    )


def _content_language(root: etree._Element) -> str | None:
    """``<meta http-equiv="Content-Language" content="de">``: an older way to declare it."""
    for m in root.iter("meta"):
        if (m.get("http-equiv") or "").lower() == "content-language":
            return m.get("content")
    return None


__all__ = [
    "extract_page",
    "extract_authors",
    "main_text",
    "page_title",
    "parse_html",
    "decode_html",
    "parse_date",
    "is_organisation",
    "clean_person_name",
]
