"""Who wrote an article page, from the HTML alone.

Authors come from the most explicit evidence a page offers, in this order, and the
first source that names a person wins (mixing sources mostly adds noise), unless its
persons stand alone while two other sources agree on someone else:

1. JSON-LD ``author``/``creator`` of the article object (string, Person,
   Organization, list, ``@graph`` references by ``@id``; ``url``/``sameAs`` kept);
2. author ``<meta>`` tags (``author``, ``article:author``, ``parsely-author``,
   ``citation_author``, ``dc.creator``, ``byl`` …);
3. microdata ``itemprop=author`` and ``rel=author`` links;
4. visible bylines: elements whose class or id says byline/author, and lines opening
   with a label ("By A and B"), read with the same parser feeds use, dates and job
   titles stripped;
5. the weakest evidence, read only when nothing above names a person, and never
   counted as a second source agreeing with one above: a line under the headline
   holding a date and a full name (:mod:`~innercircle.extract.dated_bylines`), a
   full name under the headline linked to its writer's archive page
   (:mod:`~innercircle.extract.archive_links`), a line after a ``<br>`` stating its
   writer ("Autor: Jane Doe" closing a text written as one block), a full name signing the article
   body's last paragraph (:mod:`~innercircle.extract.signatures`); weaker still, the
   person the site's Creative Commons licence credits
   (:mod:`~innercircle.extract.licence_attribution`).

Marked-up evidence inside comments, sidebars, related-article teasers, footers and
navigation is ignored, and a name equal to the site's own name is dropped: a page
without a real author yields no author rather than a guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

from innercircle.extract.archive_links import archive_link_authors
from innercircle.extract.byline_labels import (
    CREDIT_BEFORE,
    CREDIT_LABEL,
    CREDITED_NAME,
    EXPLICIT_LABEL,
    GLUED_LEAD,
    LABEL_IN_TEXT,
    LABEL_ONLY,
    LABEL_THEN_TEXT,
    STATED_LABEL_THEN_TEXT,
)
from innercircle.extract.bylines import is_job_word, parse_author_field
from innercircle.extract.dated_bylines import dated_line_authors
from innercircle.extract.html import (
    ARTICLE_TYPES,
    PAGE_TYPES,
    WS,
    classes_of,
    in_credit,
    is_excluded,
    json_ld,
    meta_tags,
    text_of,
    types_of,
    visible_text,
)
from innercircle.extract.language import declared_language
from innercircle.extract.licence_attribution import licensor_authors
from innercircle.extract.name_shape import is_domain_like, looks_like_person_name, without_title
from innercircle.extract.names import name_key, text_key
from innercircle.extract.publisher_bylines import (
    names_the_publisher,
    opens_with_site_name,
    publisher_names,
    site_names,
    squash,
)
from innercircle.extract.signatures import signature_authors
from innercircle.model import Byline
from innercircle.vocabulary import is_given_name_anywhere

_META_AUTHOR_NAMES = (
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
    "author",
)
# Matched per class token, with letters (not "_" or "-") as word boundaries, so that
# "article__author-name" and "post-info--type-author" count but "authority" does not.
_BYLINE_CLASS = re.compile(
    r"(?<![a-z])(?:byline|by-line|authors?|autor|autorin|auteur|writer|posted-?by|post-by|"
    r"contributors?|reporter|by|verfasser|journalist|signature|creator)(?![a-z])",
    re.I,
)
# A class token naming a part beside the name: its picture, biography, social links or
# comments. An "author-info"/"author-box" block is the byline itself on many sites.
_BYLINE_CLASS_NOT = re.compile(
    r"avatar|image|img|photo|pic|bio|description|about|twitter|follow|email|more|comment|social",
    re.I,
)
_DATE_TAIL = re.compile(
    r"\s*(?:[|•·,–—\-]|\bon\b|\bam\b|\ble\b|\bel\b|\bil\b|\bvom\b|\bupdated\b|"
    r"\bpublished\b|\bposted\b)?\s*"
    # A weekday's abbreviation before the date: "Fr, 30. August 2019", "Tue. 3 May 2022".
    r"(?:\b(?:mo|di|mi|do|fr|sa|so|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+(?=\d))?"
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
# Labels that sites glue onto the name with no space ("ByJane Doe", "Jane DoePublished",
# "Jane DoeStaff"): a lowercase letter followed by one of these capitalised words, or
# "By"/"Von" directly followed by a capital, is a seam between two texts, not a name.
_GLUED_TAIL = re.compile(
    r"(?<=[a-zà-öø-ÿ.])(?:Published|Updated|Posted|Staff|Follow|Shares?|Edit|Email|E-Mail|"
    r"Twitter|Contributor|Correspondent|Reporter|Writer|Editor|Columnist|Photographer|CEO|"
    r"Founder|More|Mehr|Link|Copied|Print|Read|View|Veröffentlicht|Aktualisiert|Redakteur(?:in)?|"
    r"Autor(?:in)?)\b.*$",
    re.S,
)
# The same labels after a space, once the name is read: "Jane Doe Published 3 May".
_SPACED_TAIL = re.compile(
    r"\s+(?:published|updated|posted|follow|shares?|edit|print|link copied|view all|"
    r"veröffentlicht|aktualisiert)\b.*$",
    re.I | re.S,
)
# "Peter Maahn/SP-X", "Jane Doe/dpa": an agency or desk code after a slash, no space.
_AGENCY_SUFFIX = re.compile(r"(?<=[^\W\d_])\s?/\s?[^\W\d_][\w\-]{0,11}$")
# "An interview by Jane Doe with John Roe": after a label naming the piece, who comes
# after "with" is the one interviewed, not a writer.
_WITH = re.compile(r"\s+(?:with|mit|avec|con|met)\s.*$", re.S)


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


def _authors_from_citation_meta(meta: dict[str, list[str]]) -> list[Byline]:
    """A scholarly page's authors: its ``citation_author`` tags (one a person), in order.

    These come before everything else on such pages, whose visible text lists hundreds
    of other people in the references.
    """
    return [b for v in meta.get("citation_author", []) for b in parse_author_field(_one_of(v))[:1]]


def _one_of(value: str) -> str:
    """One author tag of several, one person: "Lindqvist, Maja" is "Maja Lindqvist", not
    two people (scholarly and Dublin Core metadata give a tag to each author, surname
    first)."""
    surname, comma, given = value.partition(",")
    if comma and surname.strip() and given.strip() and "," not in given:
        return f"{given.strip()} {surname.strip()}"
    return value


def _authors_from_meta(meta: dict[str, list[str]]) -> list[Byline]:
    """The first author tag that names a person, the most specific first, else the first
    that names anything.

    The generic ``author`` tag comes last: sites and CMS themes fill it with the company
    ("Condé Nast") or the account that published the page, while an ``article:author``
    beside it names the writer; a specific tag holding the site's address
    ("example.com") does not end the search.
    """
    first: list[Byline] = []
    for key in _META_AUTHOR_NAMES:
        values = [v for v in meta.get(key, []) if not re.match(r"^(https?:)?//|^www\.", v)]
        values = list(dict.fromkeys(values))  # the same tag twice is one
        if len(values) > 1:
            # A tag for each author, maybe surname first: "Basu, Mohana", but not "Jane
            # Doe, CNN" (a name and its outlet), whose surname would be two words.
            values = [_one_of(v) if len(v.split(",")[0].split()) == 1 else v for v in values]
        found = [b for v in values for b in parse_author_field(v)]
        if any(b.kind == "person" and not is_domain_like(b.name) for b in found):
            return found
        first = first or found
    if first:
        return first
    page = meta.get("parsely-page")
    if page:
        try:
            authors = json.loads(page[0]).get("authors") or []
        except (ValueError, AttributeError):
            authors = []
        return [b for a in authors if isinstance(a, str) for b in parse_author_field(a)]
    return []


# ---------------------------------------------------------------------------- markup


def _authors_from_markup(
    root: etree._Element,
    base: str,
    zone: set[etree._Element] | frozenset = frozenset(),
    entry: etree._Element | None = None,
) -> list[Byline]:
    """Microdata ``itemprop=author`` and ``rel=author`` links.

    (An hCard ``.vcard .fn`` inside an author block was read here too; the byline block
    reader finds the same names, and without it no tuning-half page changed.)
    """
    found: list[Byline] = []
    for el in root.xpath('//*[@itemprop][@itemprop="author" or @itemprop="creator"]'):
        if _boilerplate(el, entry) or in_credit(el) or _of_media(el):
            continue  # a photo's author, in its caption or its ImageObject
        names = el.xpath('.//*[@itemprop="name"]')
        # One author element may list every co-author as its own itemprop="name".
        raws = [n.get("content") or text_of(n) for n in names] or [el.get("content") or text_of(el)]
        link = el.get("href") or next(iter(el.xpath(".//a/@href")), None)
        url = urljoin(base, link) if link and len(raws) == 1 else None
        for raw in raws:
            found.extend(_byline_text(raw, url))
    if not found:
        rel_author = (
            '//a[contains(@rel, "author")]'
            '[contains(concat(" ", normalize-space(@rel), " "), " author ")]'
        )
        links = [el for el in root.xpath(rel_author) if not _boilerplate(el, entry)]
        if len({text_of(el) for el in links}) > 2:
            # Many writers linked as rel=author: a listing of other articles, each with its
            # own byline. The article's own is the one under its headline, else the first.
            links = [el for el in links if el in zone] or links[:1]
        for el in links:
            found.extend(_byline_text(text_of(el), urljoin(base, el.get("href") or "")))
    return _dedupe(found)


_MEDIA_TYPE = re.compile(r"(?:Image|Video|Audio|Media)Object|Photograph", re.I)


def _of_media(el: etree._Element) -> bool:
    """Whether a microdata property belongs to an image, video or audio item: the item it
    is a property of is the nearest ``itemscope`` around it."""
    for a in el.iterancestors():
        if a.get("itemscope") is not None:
            return bool(_MEDIA_TYPE.search(a.get("itemtype") or ""))
    return False


# The cheap ``contains(@class, "entry")`` first: libxml2 then builds the normalised class
# string only for the few elements that can match.
_ENTRY = (
    '//article|//*[contains(@class, "entry")]'
    '[contains(concat(" ", normalize-space(@class), " "), " hentry ") or '
    'contains(concat(" ", normalize-space(@class), " "), " h-entry ")]'
)


def article_entry(root: etree._Element) -> etree._Element | None:
    """The page's one article element: an ``<article>`` or an hAtom/h-entry ``hentry``.

    Only when the page has exactly one (nested ones aside) and no ``<h1>`` outside it:
    then the page is that article, and the blocks around it are layout, whatever their
    classes say (a blog platform names every section a "widget"). A listing with many
    entries has none.
    """
    entries = root.xpath(_ENTRY)
    found = set(entries)
    outer = [e for e in entries if not any(a in found for a in e.iterancestors())]
    if len(outer) != 1:
        return None
    entry = outer[0]
    if _HENTRY.search(classes_of(entry)) and entry.xpath(_ENTRY_TITLE):
        return entry  # a blog post marked up as one: the <h1> outside is the blog's name
    inside = set(entry.iter("h1"))
    return None if any(h not in inside for h in root.iter("h1")) else entry


_HENTRY = re.compile(r"(?<!\S)h-?entry(?!\S)")
# The hAtom/h2 entry's own title: a microformats entry that carries one is a post.
_ENTRY_TITLE = (
    './/*[contains(concat(" ", normalize-space(@class), " "), " entry-title ") or '
    'contains(concat(" ", normalize-space(@class), " "), " p-name ")]'
)


def _boilerplate(el: etree._Element, entry: etree._Element | None) -> bool:
    """In a comment, sidebar, teaser or navigation block; inside the page's one article
    only the blocks within that article count (see :func:`article_entry`)."""
    inside = entry is not None and any(a is entry for a in el.iterancestors())
    return is_excluded(el, stop=entry if inside else None)


# ---------------------------------------------------------------------------- bylines


#: A piece word and a conjunction before a credit: "Story and photos by", "Text und Fotos
#: von" (never a name: "Jane & photos by John Roe" credits John with the photos only).
_JOINT_CREDIT = re.compile(
    r"^(?:story|text|words|article|report|reporting|interview|artikel|bericht|texte?|"
    r"reportage)\s+(?:and|&|und|et|y|e|en|og|och)$",
    re.I,
)


def _byline_text(raw: str | None, url: str | None = None) -> list[Byline]:
    """Read a visible byline: "By A and B | March 3, 2020", "Posted by A", "Words: A"."""
    if not raw:
        return []
    text = WS.sub(" ", raw).strip()
    if not text or len(text) > 200:
        return []
    text = CREDITED_NAME.sub("", unglue_labels(text))
    credit = CREDIT_LABEL.search(text)
    if credit:
        # "Jane Doe; photos by John Roe": a second clause credits someone else. With no
        # separator before it the whole line is the credit ("Revised edition edited by").
        before = text[: credit.start()].rstrip()
        if _JOINT_CREDIT.match(before):  # "Story and photos by Jane Doe": she wrote it too
            text = text[credit.end() :]
        else:
            text = before if re.search(r"[,;|•·–—/(]$", before) else ""
    m = LABEL_IN_TEXT.search(text)
    if m and m.start() < 40 and not _particle(text, m):
        text = text[m.end() :]
    text = _unglue_role(text)
    text = _AGENCY_SUFFIX.sub("", text)
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


# Two texts glued with no space: a capitalised word's lowercase run then a capitalised word
# ("Jane SmaleBusiness reporter"; split only before a role, see _unglue_role). Four
# lowercase letters at least before the seam, so that "McDonald", "MacKenzie", "DeShawn"
# and "FitzGerald" stay whole. Only after another word of the name: one word alone in
# capitals and humps ("KleineGrüneMonster") is an account's name, kept whole.
_WORD_SEAM = re.compile(r"(?<=\w\s)([A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{4,})(?=[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{2})")


def _unglue_role(text: str) -> str:
    """ "Jane SmaleBusiness reporter" -> "Jane Smale; Business reporter": a name glued to
    the writer's role is split at the seam, only when what follows holds a job word up to
    the next separator. Glued words that are no role ("Sarah Johnson MarketWatch", an
    outlet in humps) stay as they are, not split into a name and a word of their own."""
    m = _WORD_SEAM.search(text)
    if m is None:
        return text
    rest = text[m.end() :]
    role = re.split(r"[,;|•·–—/(]", rest, maxsplit=1)[0].split()
    if not any(is_job_word(w) for w in role):
        return text
    return f"{text[: m.end()]}; {rest}"


def _particle(text: str, label: re.Match[str]) -> bool:
    """ "Christoph von Eichhorn": a lowercase "von" after a given name is part of the
    name (a nobiliary particle), not the label "by"."""
    before = text[: label.start()].split()
    return (
        label.group(0).strip() == "von"
        and bool(before)
        and before[-1][:1].isupper()
        and is_given_name_anywhere(before[-1])
    )


def unglue_labels(text: str) -> str:
    """ "ByJane Doe" -> "By Jane Doe"; "Jane DoePublished May 3" -> "Jane Doe"."""
    text = GLUED_LEAD.sub(lambda m: m.group(0) + " ", text.strip())
    return _SPACED_TAIL.sub("", _GLUED_TAIL.sub("", text)).strip()


# A class token that is plain lowerCamelCase words ("documentByLine", "postAuthor"):
# letters only, each hump a capital then lowercase letters. Generated class
# names ("sc-bdVaJa", "css-1x2y3z", "aBcD") have digits, hyphens or bare capitals.
_CAMEL_CLASS = re.compile(r"(?<!\S)[a-z]{2,}(?:[A-Z][a-z]+)+(?!\S)")


def _decamel(m: re.Match[str]) -> str:
    """ "documentByLine" -> "document-by-line", matched like any hyphenated class."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "-", m.group(0)).lower()


def _is_byline_element(el: etree._Element) -> bool:
    """A block classed (or ``id``/``data-testid``-named) as a byline, or a ``<byline>``."""
    if el.tag == "byline":
        return True
    names = classes_of(el)
    testid = el.get("data-testid")
    if testid:
        names = f"{names} {testid}"
    return _names_a_byline(names)


@lru_cache(maxsize=8192)
def _names_a_byline(names: str) -> bool:
    """Whether class, id and data-testid words (``names``) name a byline block.

    Cached: a page repeats the same few class strings on hundreds of elements, and a
    site on all its pages.
    """
    if not _BYLINE_CLASS.search(names):
        if names.islower() or names.isspace():
            return False  # no token can match: one search instead of one per token
        names = _CAMEL_CLASS.sub(_decamel, names)  # mixed case: maybe camelCase words
        if not _BYLINE_CLASS.search(names):
            return False
    for token in names.split():
        if _BYLINE_CLASS.search(token) and not _BYLINE_CLASS_NOT.search(token):
            return True
    return False


# A credit link, not a byline: it points at an image file or a media page.
_MEDIA_LINK = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|tiff?)(?:[?#]|$)|/File:|/photos?/", re.I)


# How much text may stand between the headline and its byline.
_HEADER_CHARS = 300


def headline_zone(root: etree._Element) -> list[etree._Element]:
    """The elements that follow the page's first headline within a few lines of text,
    in document order.

    A byline there belongs to the article even when its block is classed like a
    side block ("teaser__metadata", "ShareByline": the share buttons sit beside it).
    Read from the headline on (its following elements, climbing no higher than the
    body), not from the top of the page: the navigation before it is never looked at.
    """
    body = root.find("body")
    if body is None:
        return []
    h1 = next((h for h in body.iter("h1") if not is_excluded(h)), None)
    if h1 is None:
        return []
    zone: list[etree._Element] = []
    chars = len((h1.tail or "").strip())
    for el in _following(h1, body):
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("script", "style"):
            chars += len((el.tail or "").strip())
            continue
        zone.append(el)
        chars += len((el.text or "").strip()) + len((el.tail or "").strip())
        if chars > _HEADER_CHARS:
            break
    return zone


def _following(el: etree._Element, top: etree._Element) -> Iterator[etree._Element]:
    """The nodes after ``el`` and its descendants inside ``top``, in document order."""
    node: etree._Element | None = el
    while node is not None and node is not top:
        for sib in node.itersiblings():
            yield from sib.iter()
        node = node.getparent()


# The only elements :func:`_is_byline_element` can accept, in document order: a class,
# id or data-testid to read, or a ``<byline>`` tag. Chosen by libxml2, so that the many
# bare elements of a page never become Python objects.
_NAMED_BLOCKS = etree.XPath(
    "descendant-or-self::*[@class or @id or @data-testid] | descendant-or-self::byline"
)


def _authors_from_bylines(
    root: etree._Element,
    base: str,
    accept: Callable[[Byline], bool] = lambda b: True,
    zone: set[etree._Element] | frozenset = frozenset(),
    origin: list[etree._Element] | None = None,
    entry: etree._Element | None = None,
) -> list[Byline]:
    """The first byline block that names someone, blocks under the headline first.

    A block whose only persons fail ``accept`` (interface text such as "Zur
    Artikelübersicht" in a block classed ``author``) does not end the search: the
    next block is read. Image credits and licence notes are not bylines. The block
    read is appended to ``origin``.
    """
    candidates: list[etree._Element] = []
    for el in _NAMED_BLOCKS(root):
        if el.tag in ("script", "style", "meta", "link", "body"):
            continue
        if not _is_byline_element(el) or (_boilerplate(el, entry) and el not in zone):
            continue
        if in_credit(el) or _in_teaser_link(el) or _container(el):
            continue
        candidates.append(el)
    candidates.sort(key=lambda el: el not in zone)  # stable: document order within each
    for el in candidates:
        # Prefer the elements the block marks as names; failing those, its links.
        inner = _outermost(el.xpath(_NAMED)) or el.xpath(".//a[@href]")
        found: list[Byline] = []
        for child in inner:
            if child.tag == "a" and _elsewhere(child.get("href") or ""):
                continue
            if _credited(child, el):
                continue  # "Übersetzung <a>Jane Doe</a>": the translator, not the writer
            found.extend(_byline_text(text_of(child), _name_link(child, el, base)))
        if not found:
            found = _byline_text(text_of(el))
        elif all(b.kind == "person" and not accept(b) for b in found):
            # Only interface links ("Alle Artikel" under the name): the name is the text.
            found = _byline_text(_text_outside_links(el)) or found
        found = [b for b in found if b.kind != "organisation" or len(b.name.split()) <= 4]
        if found and all(b.kind == "person" and not accept(b) for b in found):
            continue
        if found:
            if origin is not None:
                origin.append(el)
            return _dedupe(found)
    return []


# A child classed as a name. "fn" only as a whole class token: generated names hold it
# ("default__atfni").
_NAMED = (
    './/*[contains(@class, "name") or contains(@data-testid, "name") or '
    'contains(concat(" ", normalize-space(@class), " "), " fn ")]'
)


def _outermost(els: list[etree._Element]) -> list[etree._Element]:
    """The elements not inside another of them: a name classed "name" holding its parts
    classed "firstname" and "lastname" is one name, not three."""
    found = set(els)
    return [e for e in els if not any(a in found for a in e.iterancestors())]


def _elsewhere(href: str) -> bool:
    """A link that leads to no writer's page: a tag or section, comments, an e-mail
    address, an image."""
    return bool(_NOT_A_WRITER_LINK.search(href) or _MEDIA_LINK.search(href))


_NOT_A_WRITER_LINK = re.compile(
    r"/(?:tags?|category|categories|topics?|thema|themen|section|rubrik)/|#comment|^mailto:",
    re.I,
)


def _name_link(child: etree._Element, block: etree._Element, base: str) -> str | None:
    """Where a name in a byline block links: its own link, the one link inside it, or the
    link around it within the block; none when that leads elsewhere (:func:`_elsewhere`)."""
    link = child if child.tag == "a" else None
    inside = child.xpath(".//a[@href]")
    if link is None and len(inside) == 1:
        link = inside[0]
    if link is None:
        for a in child.iterancestors():
            if a.tag == "a" or a is block:
                link = a if a.tag == "a" else None
                break
    href = link.get("href") if link is not None else None
    return urljoin(base, href) if href and not _elsewhere(href) else None


def _container(el: etree._Element) -> bool:
    """An ``<article>`` classed like a byline is the article, not its byline: blog
    platforms class every post with its writer's slug ("author-jane-doe"), and its
    headline, text and links are no names. The byline blocks inside it are read on their
    own."""
    return el.tag == "article"


def _text_outside_links(el: etree._Element) -> str:
    """A byline block's text without its links: the name beside an "All articles" link."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str) and node.tag not in ("a", "script", "style"):
            parts.append(node.text or "")
            for child in node:
                walk(child)
        if node is not el:
            parts.append(node.tail or "")

    walk(el)
    return WS.sub(" ", " ".join(parts)).strip()


def _credited(child: etree._Element, block: etree._Element) -> bool:
    """Whether the text of ``block`` just before ``child`` credits it with something other
    than the writing ("Übersetzung", "Photos by", "Foto:")."""
    before: list[str] = []

    def walk(node: etree._Element) -> bool:
        """Append the text of ``node`` up to ``child``; True once ``child`` is reached."""
        if node is child:
            return True
        if isinstance(node.tag, str) and node.tag not in ("script", "style"):
            before.append(node.text or "")
            for sub in node:
                if walk(sub):
                    return True
                before.append(sub.tail or "")
        return False

    walk(block)
    return bool(CREDIT_BEFORE.search(WS.sub(" ", "".join(before))[-40:]))


# More text than this besides the byline makes a link a teaser card, not a name link.
_TEASER_EXTRA_CHARS = 40


def _in_teaser_link(el: etree._Element) -> bool:
    """Inside a link that also holds another article's headline or summary: a teaser
    card for that article ("<a><h3>…</h3><p>…</p><h6>By A</h6></a>"), whose byline is
    that article's. A link that is only the name ("By <a>A</a>") is no teaser."""
    link = next(el.iterancestors("a"), None)
    return (
        link is not None and len(link.text_content()) > len(el.text_content()) + _TEASER_EXTRA_CHARS
    )


def _dedupe(bylines: Iterable[Byline]) -> list[Byline]:
    out: list[Byline] = []
    seen: set[str] = set()
    for b in bylines:
        key = name_key(b.name)
        if key and key not in seen:
            seen.add(key)
            out.append(b)
    return out


def _alone(word: str, rest: str) -> bool:
    """The one capitalised word is all the name the line gives: the line ends there or a
    date, a time or punctuation follows ("Konstantin @ 12:00"), not another word that the
    byline reader dropped ("Miami Today on May 3": "Today" read as a date)."""
    follows = r"\s*(?:$|[^\w\s]|\d)"
    return word[:1].isupper() and bool(re.match(re.escape(word) + follows, rest.strip()))


def _first_line(el: etree._Element) -> str:
    """The element's text up to its first ``<br>``: "Von A und B<br>Kakuma" -> "Von A und B"."""
    parts: list[str] = []

    def walk(node: etree._Element) -> bool:
        """Append the text of ``node``; False once a ``<br>`` ends the line."""
        parts.append(node.text or "")
        for child in node:
            if child.tag == "br":
                return False
            text_node = isinstance(child.tag, str) and child.tag not in ("script", "style")
            if text_node and not walk(child):
                return False
            parts.append(child.tail or "")
        return True

    walk(el)
    return WS.sub(" ", "".join(parts)).strip()


def _after_label(el: etree._Element) -> str:
    """The text that follows a label-only element: its tail, else the next element's text.

    Climbs at most three levels ("<p class=label><b>By</b></p>" then a sibling block
    with the name), and takes only the first text found.
    """
    node: etree._Element | None = el
    for _ in range(3):
        if node is None:
            return ""
        tail = WS.sub(" ", node.tail or "").strip()
        if tail:
            return tail
        sib = node.getnext()
        while sib is not None and not isinstance(sib.tag, str):
            sib = sib.getnext()
        if sib is not None:
            return _first_line(sib)
        node = node.getparent()
    return ""


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
    "dt",
    "th",
    "td",
)


def _authors_from_prefix_lines(
    root: etree._Element,
    base: str,
    zone: set[etree._Element] | frozenset = frozenset(),
    origin: list[etree._Element] | None = None,
    entry: etree._Element | None = None,
) -> list[Byline]:
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
        if len(raw) > 160 or not _opens_with_label(raw):
            continue  # cheap test first: most short elements are no byline
        text = _first_line(el).lstrip("-–—|•·» ")
        if LABEL_ONLY.match(text):
            # "Autor:" or "By" as its own element, the name in the text that follows
            following = _after_label(el)
            if not following or len(following) > 120:
                continue
            text = f"{text.rstrip(':')}: {following}"
        elif not LABEL_THEN_TEXT.match(text):
            continue
        if _boilerplate(el, entry) and el not in zone or _in_teaser_link(el):
            continue
        seen += 1
        if seen > 3:
            return []
        # One word is a name only after an unambiguous label ("Posted by Konstantin"):
        # after a bare "by"/"von" it is as often a place or a thing.
        label = EXPLICIT_LABEL.match(text)
        if label:
            text = text[: label.end()] + _WITH.sub("", text[label.end() :])
        found = [
            b
            for b in _byline_text(text)
            if b.kind == "person"
            and (" " in b.name or (label and _alone(b.name, text[label.end() :])))
        ]
        if found:
            if origin is not None:
                origin.append(el)
            return found
    return []


@lru_cache(maxsize=16384)
def _opens_with_label(raw: str) -> bool:
    """Whether an element's text, read as one line, opens with a byline label. Cached:
    nested elements share their text ("<p><span>By A</span></p>"), pages share theirs."""
    text = WS.sub(" ", raw).strip().lstrip("-–—|•·» ")
    return bool(text) and bool(LABEL_ONLY.match(text) or LABEL_THEN_TEXT.match(text))


def _authors_from_break_lines(
    root: etree._Element, entry: etree._Element | None = None
) -> list[Byline]:
    """A line inside a longer block, after a ``<br>``, that states its writer: "…<br>
    Autor: Jane Doe</div>" at the end of a text written as one block.

    Only a role noun with its colon or an explicit label counts (a bare "by" after a
    line break is as often running text), and only the first such line, outside
    comments, sidebars and navigation.
    """
    for br in root.iter("br"):
        line = _line_after(br)
        if not line or not STATED_LABEL_THEN_TEXT.match(line):
            continue
        parent = br.getparent()
        if parent is None or _boilerplate(parent, entry) or in_credit(parent):
            continue
        found = [b for b in _byline_text(line) if b.kind == "person" and " " in b.name]
        if found:
            return found
    return []


def _line_after(br: etree._Element) -> str:
    """The text after a ``<br>`` up to the next one (its tail and the siblings after it)."""
    parts = [br.tail or ""]
    for sib in br.itersiblings():
        if sib.tag == "br" or sum(map(len, parts)) > 160:
            break
        if isinstance(sib.tag, str) and sib.tag not in ("script", "style"):
            parts.append(sib.text_content())
        parts.append(sib.tail or "")
    line = WS.sub(" ", "".join(parts)).strip()
    return line if len(line) <= 160 else ""


def extract_authors(
    root: etree._Element,
    url: str,
    meta: dict[str, list[str]] | None = None,
    ld: list[dict] | None = None,
    trace: dict[str, object] | None = None,
) -> list[Byline]:
    """The page's authors: persons (or, failing any, handles), precision first.

    Every source is read (see module doc), and its candidates are judged with
    evidence that generalises rather than lists of names:

    * never an organisation (JSON-LD ``Organization``, agencies, desks), the site's
      own name, or a domain-like string;
    * a person named by two independent sources (JSON-LD and a visible byline, say)
      is accepted as written; one named by a single source must also be shaped like
      a name (:func:`~innercircle.extract.name_shape.looks_like_person_name`).

    The most explicit source with an accepted person wins, unless its persons stand
    alone while two other sources agree on someone else (a meta ``author`` naming
    the publishing house while JSON-LD and the byline name the writer).

    ``trace``, when given, receives what each source offered after the checks
    (``"offered"``: source label to names) and which one decided (``"won"``), so a
    benchmark can tell which kind of evidence produces the false authors.
    """
    trace = {} if trace is None else trace
    meta = meta_tags(root) if meta is None else meta
    ld = json_ld(root) if ld is None else ld
    site = site_names(root, meta, url)
    publishers = publisher_names(root, ld, site)
    lang = declared_language(root.get("lang"), *meta.get("og:locale", []))
    langs = (lang,) if lang else ()
    citation = _authors_from_citation_meta(meta)
    if citation:
        trace["won"] = "citation"
        return [b for b in _dedupe(_clean(citation)) if b.kind == "person"]
    ordered_zone = headline_zone(root)
    zone = set(ordered_zone)
    entry = article_entry(root)
    shown = _shown(root)
    sources = [
        [b for b in _authors_from_json_ld(ld) if b.kind != "person" or shown(b.name)],
        [b for b in _authors_from_meta(meta) if b.kind != "person" or shown(b.name)],
        _authors_from_markup(root, url, zone, entry),
    ]
    block: list[etree._Element] = []
    line: list[etree._Element] = []
    prefixed = _authors_from_prefix_lines(root, url, zone, line, entry)
    named = {name_key(b.name) for found in (*sources, prefixed) for b in found}
    visible = [
        _authors_from_bylines(
            root,
            url,
            lambda b: name_key(b.name) in named or looks_like_person_name(b.name, langs),
            zone,
            block,
            entry,
        ),
        prefixed,
    ]
    labels = ["json-ld", "meta", "markup", "byline-block", "by-line"]
    if block and line and block[0] not in zone and line[0] in zone:
        visible.reverse()  # a "By" line under the headline beats a byline block elsewhere
        labels[3], labels[4] = labels[4], labels[3]
    sources = [_dedupe(_clean(found, langs)) for found in (*sources, *visible)]
    support: dict[str, int] = {}
    for found in sources:
        for key in {name_key(b.name) for b in found if b.kind == "person"}:
            support[key] = support.get(key, 0) + 1
    personal = publisher_is_person(ld)

    def acceptable(found: list[Byline]) -> list[Byline]:
        return [b for b in found if _acceptable(b, site, langs, support, personal, publishers)]

    accepted = [acceptable(found) for found in sources]
    if not any(b.kind == "person" for found in accepted for b in found):
        # The weakest evidence, read only now that nothing above names a person (so most
        # pages never pay for it), and adding no support: it can neither outvote a
        # stronger source nor spare a name the name-shape check by echoing it.
        accepted += [
            acceptable(_dedupe(_clean(found, langs)))
            for found in (
                dated_line_authors(ordered_zone),
                archive_link_authors(ordered_zone),
                _authors_from_break_lines(root, entry),
                signature_authors(root),
            )
        ]
        labels += ["dated-line", "archive-link", "break-line", "signature"]
    if not any(b.kind == "person" for found in accepted for b in found):
        # Weaker still: the site's licence credits its owner, not this article's writer.
        accepted.append(acceptable(_dedupe(_clean(licensor_authors(root), langs))))
        labels.append("licence")
    trace["offered"] = {
        label: [b.name for b in found] for label, found in zip(labels, accepted, strict=True)
    }
    persons = [[b for b in found if b.kind == "person"] for found in accepted]
    agreed = [b for found in persons for b in found if support.get(name_key(b.name), 0) >= 2]
    for label, found in zip(labels, persons, strict=True):
        if not found:
            continue
        if agreed and all(support.get(name_key(b.name), 0) < 2 for b in found):
            trace["won"] = "agreed"
            return _dedupe(agreed)
        trace["won"] = label
        return _with_coauthors(found, persons, support)
    for label, found in zip(labels, accepted, strict=True):
        if found:
            trace["won"] = f"{label} (handles)"
            return found  # handles alone: a blog's account name
    return []


def publisher_is_person(ld: list[dict]) -> bool:
    """Whether the page's JSON-LD names a person, and no organisation, as its publisher.

    A personal site says so in its schema (a ``Person`` publisher, or a publisher
    ``@id`` under ``/person/`` as site plugins write it); its name is then its owner's.
    """
    index = {o["@id"]: o for o in ld if isinstance(o.get("@id"), str)}
    person = False
    for obj in ld:
        pub = obj.get("publisher")
        for item in pub if isinstance(pub, list) else [pub]:
            if not isinstance(item, dict):
                continue
            ref = item.get("@id") if isinstance(item.get("@id"), str) else ""
            types = types_of({**index.get(ref, {}), **item})
            if types & {"Organization", "NewsMediaOrganization", "Corporation"}:
                return False
            person = person or "Person" in types or "/person/" in ref
    return person


def _with_coauthors(
    chosen: list[Byline], persons: list[list[Byline]], support: dict[str, int]
) -> list[Byline]:
    """Keep every co-author: JSON-LD naming only the first of two bylined writers.

    Another source that names everyone chosen and more adds the others, when each of
    them is named by at least two sources.
    """
    keys = {name_key(b.name) for b in chosen}
    out = list(chosen)
    for found in persons:
        names = {name_key(b.name) for b in found}
        if keys < names:
            out += [
                b
                for b in found
                if name_key(b.name) not in keys and support.get(name_key(b.name), 0) >= 2
            ]
    return _dedupe(out)


def _clean(bylines: list[Byline], langs: tuple[str, ...] = ()) -> list[Byline]:
    """Glued labels and a title off every name, whichever source it came from."""
    for b in bylines:
        if b.kind == "person":
            b.name = without_title(_undouble(unglue_labels(b.name) or b.name), langs)
    return bylines


def _undouble(name: str) -> str:
    """ "Jane Doe Jane Doe" -> "Jane Doe": a name read twice (a visible and a hidden copy)."""
    words = name.split()
    half = len(words) // 2
    if len(words) >= 4 and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return name


_POSSESSIVE = re.compile(r"(\w)['’]s\b")


def _shown(root: etree._Element) -> Callable[[str], bool]:
    """Whether a name is written where the reader sees it (not only in scripts or meta).

    A name that only the page's metadata gives is often the account that published it
    (a CMS user, the site's owner), not a byline a reader would call the author. Its
    first and last words must appear in the visible text; a name written without spaces
    (CJK) must appear as written. Both sides are compared as :func:`name_key` words, so
    that case, diacritics and punctuation do not hide a name the reader sees ("JOSÉ
    MÜLLER" in the byline, "Jose Muller" in the metadata). The text is read once, on the
    first question.
    """
    seen: list[tuple[set[str], str]] = []

    def shown(name: str) -> bool:
        key = name_key(name).split()
        if not key:
            return False
        if not seen:
            # "Jane Doe's column": the possessive goes first, or the key reads "does".
            text = text_key(_POSSESSIVE.sub(r"\1", visible_text(root)))
            seen.append((set(text.split()), text))
        words, text = seen[0]
        if len(key) == 1 and not key[0].isascii():
            return key[0] in text  # "严玉洁": no spaces between words to split on
        return key[0] in words and key[-1] in words

    return shown


def _initials_only(name: str) -> bool:
    """ "DT", "J. D.", "mvs": a desk's or an editor's short code, no name to rank."""
    words = [w.strip(".") for w in re.split(r"[\s.]+", name) if w.strip(".")]
    return all(len(w) <= 3 and (w.isupper() or w.islower()) for w in words)


def _acceptable(
    b: Byline,
    site: set[str],
    langs: tuple[str, ...],
    support: dict[str, int],
    personal_site: bool = False,
    publishers: set[str] | frozenset[str] = frozenset(),
) -> bool:
    """Persons shaped like a name, and handles; never organisations or the site itself.

    An organisation named as author (JSON-LD ``Organization``, "Staff", an agency) is
    the publisher speaking, not a voice; precision comes first.
    """
    if b.kind == "organisation" or b.kind == "person" and _initials_only(b.name):
        return False
    names_site = squash(b.name) in site or name_key(b.name) in site
    if names_site or b.kind == "person" and names_the_publisher(b.name, publishers):
        # A personal site is named after its author: the site's name is a person's
        # only when the site says its publisher is a person (JSON-LD), two sources
        # name them as the author, and it reads as a full name.
        return (
            personal_site
            and b.kind == "person"
            and len(b.name.split()) >= 2
            and support.get(name_key(b.name), 0) >= 2
            and looks_like_person_name(b.name, langs)
        )
    if b.kind == "handle" or is_domain_like(b.name):
        return b.kind == "handle" and not is_domain_like(b.name)
    if opens_with_site_name(b.name, site):
        return False
    return support.get(name_key(b.name), 0) >= 2 or looks_like_person_name(b.name, langs)
