"""A byline that names the publisher, not a writer: the site signing with part of its name.

The page extractor (:mod:`innercircle.extract.page_authors`) drops a byline *equal* to one
of the site's own names (:func:`site_names`), opening with one
(:func:`opens_with_site_name`) or naming the publisher (:func:`names_the_publisher`).
Sites sign with part of their name, or with their name and more: "Jewish Business" under
a title ending "- Jewish Business News", "EFC Bayrische Bembel" on bayrische-bembel.de,
"痞客邦 PIXNET" where the title ends ":: 痞客邦 PIXNET ::". Such a byline is the
publisher speaking: no one to rank as a voice, and no author.

The evidence is the page's own: the names the site gives itself (``og:site_name``, the
title's last segment, the host name, the JSON-LD ``publisher``), compared word by word
(two words at least on the shorter side, so one common word shared proves nothing), and
the byline's first word, which must not be a given name of any list: "Jane Doe" on "Jane
Doe Writes" is the writer of a personal site. A site whose JSON-LD publisher is a person
keeps its writer's name as the author in every case (``page_authors._acceptable``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from innercircle.extract.byline_labels import LABEL_THEN_TEXT
from innercircle.extract.html import types_of
from innercircle.extract.names import name_key
from innercircle.vocabulary import is_given_name_anywhere

#: Separators between a title's segments when looking for the publisher: "Headline | Site",
#: "Headline :: Site ::" (both sides spaced, so "Jean-Luc" stays whole).
_TITLE_SEP = re.compile(r"\s+[|–—:@»·•/\-]{1,3}\s+|\s*::\s*")
_PUBLISHER_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation"})

_LEADING_ARTICLE = re.compile(
    r"^(?:the|die|der|das|la|le|les|el|los|las|il|lo|de|het|von)\s+", re.I
)
#: The narrower separators :func:`site_names` splits on; its first segment counts too when
#: shorter than the last ("Site | Headline"), so it cuts less eagerly.
_SITE_TITLE_SEP = re.compile(r"\s+[|–—:-]\s+|\s+[|»·•]\s*")


def squash(name: str) -> str:
    """Letters and digits only, leading article dropped: "Die FURCHE" -> "furche"."""
    return re.sub(r"[^0-9a-z]", "", _LEADING_ARTICLE.sub("", name_key(name) or ""))


def site_names(root: etree._Element, meta: dict[str, list[str]], url: str) -> set[str]:
    """The site's own names: og:site_name, the title's last segment, the host names.

    Each is kept as a ``name_key`` and squashed (no spaces or punctuation), so that
    "Lebensmittel Praxis" matches lebensmittelpraxis.de.
    """
    raw = meta.get("og:site_name", []) + meta.get("application-name", [])
    title = root.find(".//title")
    if title is not None and title.text:
        parts = _SITE_TITLE_SEP.split(title.text.strip())
        if len(parts) > 1:
            ends = [parts[-1], parts[0]] if len(parts[0]) < len(parts[-1]) else [parts[-1]]
            raw += [p for p in ends if not _credits_writer(p)]
    # The page's own address as it declares it (og:url, canonical link) besides the one
    # it was fetched from: a mirror, a proxy or an archive serves it under another host.
    canonical = root.xpath('//link[@rel="canonical"]/@href')[:1]
    for address in {url, *meta.get("og:url", [])[:1], *canonical}:
        host = urlsplit(address).hostname or ""
        labels = [p for p in host.split(".") if p not in ("www", "blog", "m", "news")]
        if labels:
            raw += [labels[0], ".".join(labels), labels[0].replace("-", " ")]
    names = {name_key(v) for v in raw} | {squash(v) for v in raw}
    return {n for n in names if n}


def opens_with_site_name(name: str, site: set[str]) -> bool:
    """ "Houzz Deutschland" on houzz.de, "Polizeiticker Schweiz" on polizeiticker.ch: a
    byline that opens with the site's own name is the site speaking (a country edition,
    a desk), not a person. A person's name opens with a given name, which a site may
    share ("Jane" on jane.example) without the byline being the site's."""
    words = name_key(name).split()
    return len(words) > 1 and words[0] in site and not is_given_name_anywhere(words[0])


def _credits_writer(segment: str) -> bool:
    """ "Headline | by Jane Doe": a title segment that is a byline names no site."""
    return bool(LABEL_THEN_TEXT.match(segment.strip()))


def publisher_names(root: etree._Element, ld: list[dict], site: set[str]) -> set[str]:
    """The names the site gives itself, as ``name_key`` words (see the module doc): its
    :func:`site_names` ``site``, the title's last segment cut more widely, and the JSON-LD
    publisher."""
    names = set(site)
    title = root.find(".//title")
    if title is not None and title.text:
        segments = [s for s in _TITLE_SEP.split(title.text.strip()) if s.strip()]
        if len(segments) > 1 and not _credits_writer(segments[-1]):
            names.add(name_key(segments[-1]))
    index = {o["@id"]: o for o in ld if isinstance(o.get("@id"), str)}
    for obj in ld:
        pub = obj.get("publisher")
        for item in pub if isinstance(pub, list) else [pub]:
            if isinstance(item, dict) and isinstance(item.get("@id"), str):
                item = {**index.get(item["@id"], {}), **item}
            named = isinstance(item, dict) and isinstance(item.get("name"), str)
            if named and types_of(item) & _PUBLISHER_TYPES:
                names.add(name_key(item["name"]))
    return {n for n in names if n}


def names_the_publisher(name: str, publishers: set[str]) -> bool:
    """Whether the byline ``name`` is part of one of the site's ``publishers`` names or
    holds one whole (word by word, two words at least), and opens with no given name."""
    words = name_key(name).split()
    first = re.findall(r"[^\W\d_]+", name)
    if len(words) < 2 or not first or is_given_name_anywhere(first[0]):
        return False
    for publisher in publishers:
        short, long = sorted((words, publisher.split()), key=len)
        if len(short) >= 2 and _contains(long, short):
            return True
    return False


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))
