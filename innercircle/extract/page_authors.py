"""Who wrote an article page, from the HTML alone.

Authors come from the most explicit evidence a page offers, in this order, and the
first source that names someone wins (mixing sources mostly adds noise):

1. JSON-LD ``author``/``creator`` of the article object (string, Person,
   Organization, list, ``@graph`` references by ``@id``; ``url``/``sameAs`` kept);
2. author ``<meta>`` tags (``author``, ``article:author``, ``parsely-author``,
   ``citation_author``, ``dc.creator``, ``byl`` …);
3. microdata ``itemprop=author``, hCard ``.vcard .fn`` and ``rel=author`` links;
4. visible bylines: elements whose class or id says byline/author, read with the
   same "By A and B" parser feeds use, dates and job titles stripped.

Marked-up evidence inside comments, sidebars, related-article teasers, footers and
navigation is ignored, and a name equal to the site's own name is dropped: a page
without a real author yields no author rather than a guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from lxml import etree

from innercircle.extract.bylines import parse_author_field
from innercircle.extract.html import (
    ARTICLE_TYPES,
    PAGE_TYPES,
    WS,
    classes_of,
    is_excluded,
    json_ld,
    meta_tags,
    text_of,
    types_of,
)
from innercircle.extract.names import name_key
from innercircle.model import Byline

_META_AUTHOR_NAMES = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "citation_author",
    "dc.creator",
    "dcterms.creator",
    "dc.creator.personalname",
    "byl",
    "og:article:author",
    "article.author",
    "cxenseparse:author",
    "dc:creator",
    "authors",
    "book:author",
)
# Matched per class token, with letters (not "_" or "-") as word boundaries, so that
# "article__author-name" and "post-info--type-author" count but "authority" does not.
_BYLINE_CLASS = re.compile(
    r"(?<![a-z])(?:byline|by-line|authors?|autor|autorin|auteur|writer|posted-?by|post-by|"
    r"contributors?|reporter|by|verfasser|journalist|signature|creator)(?![a-z])",
    re.I,
)
_BYLINE_CLASS_NOT = re.compile(
    r"avatar|image|img|photo|pic|bio|description|about|twitter|follow|email|count|"
    r"more|title-author|author-?box|author-?info|comment|related|social|job|role|position",
    re.I,
)
_BY_WORD = re.compile(
    r"(?:^|\b)(?:written\s+by|posted\s+by|published\s+by|reported\s+by|words(?:\s+by)?\s*:|"
    r"text\s*:|story\s+by|article\s+by|by|von|par|por|door|di|av|af|autor(?:in)?\s*:|"
    r"author\s*:|auteur\s*:)\s+",
    re.I,
)
_DATE_TAIL = re.compile(
    r"\s*(?:[|•·,–—\-]|\bon\b|\bam\b|\ble\b|\bel\b|\bil\b|\bvom\b|\bupdated\b|"
    r"\bpublished\b|\bposted\b)?\s*"
    r"(?:\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}|\d{1,2}\.?\s+\w+\.?\s+\d{4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|"
    r"juli|oktober|dezember)\w*\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}:\d{2}|"
    r"\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago|yesterday|today|heute|gestern|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|montag|dienstag|mittwoch|donnerstag|"
    r"freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche).*$",
    re.I | re.S,
)
_TAIL_NOISE = re.compile(
    r"\s*(?:[|•·]|\s[–—-]\s|\bupdated\b|\bpublished\b|\bfollow\b|\bview all\b|"
    r"\bmore by\b|\bread more\b|\bshare\b|\bcontact\b|\bphotograph|\bphoto|\bfoto|\bin\s+\w+$|"
    r"\bfor\s+(?:the\s+)?[A-Z]).*$",
    re.S,
)
_CONTRIBUTORS = re.compile(r"\s*(?:,|\band\b|&)?\s*(?:other\s+)?contributors?\b.*$", re.I)


def _as_url(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return value if isinstance(value, str) and value.startswith("http") else None


def _ld_bylines(
    value: object, index: dict[str, dict], default_kind: str = "person"
) -> list[Byline]:
    out: list[Byline] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            if item.startswith(("http://", "https://", "/")):
                continue
            out.extend(parse_author_field(item))
            continue
        if not isinstance(item, dict):
            continue
        if "name" not in item and item.get("@id") in index:
            item = {**index[item["@id"]], **item}
        name = item.get("name")
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, dict):
            name = name.get("@value")
        if not isinstance(name, str):
            given, family = item.get("givenName"), item.get("familyName")
            name = " ".join(x for x in (given, family) if isinstance(x, str)) or None
        if not name:
            continue
        types = types_of(item)
        url = _as_url(item.get("url")) or _as_url(item.get("sameAs")) or _as_url(item.get("@id"))
        if "Organization" in types or types & {"NewsMediaOrganization", "Corporation"}:
            cleaned = WS.sub(" ", name).strip()
            if cleaned:
                out.append(Byline(name=cleaned, kind="organisation", url=url))
            continue
        for b in parse_author_field(name):
            b.url = b.url or url
            out.append(b)
    return out


def _authors_from_json_ld(objs: list[dict]) -> list[Byline]:
    index = {o["@id"]: o for o in objs if isinstance(o.get("@id"), str)}
    articles = [o for o in objs if types_of(o) & ARTICLE_TYPES]
    pages = [o for o in objs if types_of(o) & PAGE_TYPES]
    for group in (articles, pages):
        for obj in group:
            value = obj.get("author") or obj.get("creator")
            if value:
                found = _ld_bylines(value, index)
                if found:
                    return found
    return []


def _authors_from_meta(meta: dict[str, list[str]]) -> list[Byline]:
    for key in _META_AUTHOR_NAMES:
        values = [v for v in meta.get(key, []) if not re.match(r"^(https?:)?//|^www\.", v)]
        found: list[Byline] = []
        for v in values:
            found.extend(parse_author_field(v))
        if found:
            return found
    page = meta.get("parsely-page")
    if page:
        try:
            authors = json.loads(page[0]).get("authors") or []
        except (ValueError, AttributeError):
            authors = []
        return [b for a in authors if isinstance(a, str) for b in parse_author_field(a)]
    return []


# ---------------------------------------------------------------------------- markup


def _authors_from_markup(root: etree._Element, base: str) -> list[Byline]:
    """Microdata ``itemprop=author``, hCard ``.author .fn`` / ``.vcard``, ``rel=author``."""
    found: list[Byline] = []
    for el in root.xpath('//*[@itemprop="author" or @itemprop="creator"]'):
        if is_excluded(el):
            continue
        names = el.xpath('.//*[@itemprop="name"]')
        raw = (
            names[0].get("content") or text_of(names[0])
            if names
            else el.get("content") or text_of(el)
        )
        link = el.get("href") or next(iter(el.xpath(".//a/@href")), None)
        found.extend(_byline_text(raw, urljoin(base, link) if link else None))
    if not found:
        xp = (
            '//*[contains(concat(" ", normalize-space(@class), " "), " vcard ") or '
            'contains(concat(" ", normalize-space(@class), " "), " h-card ")]'
            '//*[contains(concat(" ", normalize-space(@class), " "), " fn ") or '
            'contains(concat(" ", normalize-space(@class), " "), " p-name ")]'
        )
        for el in root.xpath(xp):
            if not is_excluded(el) and _in_byline_context(el):
                link = el.get("href")
                found.extend(_byline_text(text_of(el), urljoin(base, link) if link else None))
    if not found:
        for el in root.xpath('//a[contains(concat(" ", normalize-space(@rel), " "), " author ")]'):
            if not is_excluded(el):
                found.extend(_byline_text(text_of(el), urljoin(base, el.get("href") or "")))
    return _dedupe(found)


def _in_byline_context(el: etree._Element) -> bool:
    """An hCard names the author only inside an author/byline/entry-header block."""
    node = el
    for _ in range(6):
        if node is None:
            return False
        if re.search(r"author|byline|entry-meta|post-meta|posted|meta", classes_of(node), re.I):
            return True
        node = node.getparent()
    return False


# ---------------------------------------------------------------------------- bylines


def _byline_text(raw: str | None, url: str | None = None) -> list[Byline]:
    """Read a visible byline: "By A and B | March 3, 2020", "Posted by A", "Words: A"."""
    if not raw:
        return []
    text = WS.sub(" ", raw).strip()
    if not text or len(text) > 200:
        return []
    m = _BY_WORD.search(text)
    if m and m.start() < 40:
        text = text[m.end() :]
    text = _CONTRIBUTORS.sub("", text)
    text = _DATE_TAIL.sub("", text)
    text = _TAIL_NOISE.sub("", text)
    text = text.strip(" ,.:;|-–—")
    if not text or len(text) > 100:
        return []
    out = parse_author_field(text)
    for b in out:
        b.url = b.url or url
    # A lowercase word in running byline text is a handle only when it links somewhere.
    out = [b for b in out if b.kind != "handle" or b.url]
    # A byline block that reads as a sentence is not a byline.
    if len(out) == 1 and out[0].kind == "organisation" and len(text.split()) > 4:
        return []
    return out


def _is_byline_element(el: etree._Element) -> bool:
    for token in classes_of(el).split():
        if _BYLINE_CLASS.search(token) and not _BYLINE_CLASS_NOT.search(token):
            return True
    return False


def _authors_from_bylines(root: etree._Element, base: str) -> list[Byline]:
    candidates: list[etree._Element] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "meta", "link", "body"):
            continue
        if not _is_byline_element(el) or is_excluded(el):
            continue
        candidates.append(el)
    for el in candidates:
        # Prefer the innermost name-like element: a link, or a child classed as a name.
        inner = el.xpath('.//*[contains(@class, "name") or contains(@class, "fn")]|.//a[@href]')
        found: list[Byline] = []
        for child in inner:
            if child.tag == "a" and re.search(
                r"/(?:tags?|category|categories|topics?|thema|"
                r"themen|section|rubrik)/|#comment|^mailto:",
                child.get("href") or "",
                re.I,
            ):
                continue
            found.extend(_byline_text(text_of(child), _link(child, base)))
        if not found:
            found = _byline_text(text_of(el))
        found = [b for b in found if b.kind != "organisation" or len(b.name.split()) <= 4]
        if found:
            return _dedupe(found)
    return []


def _link(el: etree._Element, base: str) -> str | None:
    href = el.get("href")
    return urljoin(base, href) if href else None


def _dedupe(bylines: Iterable[Byline]) -> list[Byline]:
    out: list[Byline] = []
    seen: set[str] = set()
    for b in bylines:
        key = name_key(b.name)
        if key and key not in seen:
            seen.add(key)
            out.append(b)
    return out


def _site_names(meta: dict[str, list[str]], url: str) -> set[str]:
    names = {name_key(v) for v in meta.get("og:site_name", []) + meta.get("application-name", [])}
    host = urlsplit(url).hostname or ""
    labels = [p for p in host.split(".") if p not in ("www", "blog", "m", "news")]
    if labels:
        names.add(name_key(labels[0]))
        names.add(name_key(".".join(labels)))
    return {n for n in names if n}


_PREFIX_LINE = re.compile(
    r"^(?:by|von|par|por|door|written by|posted by|text|words|autor(?:in)?|author|"
    r"auteur|verfasser(?:in)?)\s*:?\s+\S",
    re.I,
)
_PREFIX_TAGS = (
    "p",
    "span",
    "div",
    "li",
    "address",
    "small",
    "em",
    "strong",
    "h4",
    "h5",
    "h6",
    "dd",
    "td",
)


def _authors_from_prefix_lines(root: etree._Element, base: str) -> list[Byline]:
    """A short line reading "By Jane Doe", "Von Jane Doe am …" or "Autor: Jane Doe".

    Only the first such line in document order counts, and only when it names a
    person: a byline comes before the text, and a later "by" is usually a credit.
    """
    body = root.find("body")
    if body is None:
        return []
    seen = 0
    for el in body.iter(*_PREFIX_TAGS):
        raw = el.text_content()
        if len(raw) > 160:
            continue
        text = WS.sub(" ", raw).strip()
        if not text or not _PREFIX_LINE.match(text):
            # "Autor:" as its own label, the name in the following text
            label = (el.text or "").strip().rstrip(":").lower()
            tail = (el.tail or "").strip()
            if not (label in ("autor", "author", "autorin", "auteur", "von", "by") and tail):
                continue
            text = f"{label}: {tail}"
        if is_excluded(el):
            continue
        seen += 1
        if seen > 3:
            return []
        found = [b for b in _byline_text(text) if b.kind == "person" and " " in b.name]
        if found:
            return found
    return []


def extract_authors(
    root: etree._Element,
    url: str,
    meta: dict[str, list[str]] | None = None,
    ld: list[dict] | None = None,
) -> list[Byline]:
    """The page's bylines from the most explicit source that has any (see module doc).

    Persons and handles from the first source that has them win. An organisation
    alone counts only when JSON-LD declares it (``Organization``): in meta tags and
    visible bylines an organisation is far more often the publisher than an author.
    """
    meta = meta_tags(root) if meta is None else meta
    ld = json_ld(root) if ld is None else ld
    site = _site_names(meta, url)
    fallback: list[Byline] = []
    sources = (
        ("json-ld", lambda: _authors_from_json_ld(ld)),
        ("meta", lambda: _authors_from_meta(meta)),
        ("markup", lambda: _authors_from_markup(root, url)),
        ("byline", lambda: _authors_from_bylines(root, url)),
        ("prefix", lambda: _authors_from_prefix_lines(root, url)),
    )
    for name, source in sources:
        found = [b for b in _dedupe(source()) if name_key(b.name) not in site]
        if any(b.kind != "organisation" for b in found):
            return found
        if found and name == "json-ld" and not fallback:
            fallback = found
    return fallback
