"""A writer's name linked to their archive page, right under the headline.

Many sites print no "By" and no byline class: under the headline stands the writer's
name as a link to the page listing their articles ("<a href="/autoren/jane-doe-6841">
Jane Doe</a> am 26.01.2022"). Two things make such a link a byline rather than any
link: its address is an archive of writers (a path part such as ``author``,
``autoren``, ``staff``), and its last part spells the very name it shows
("jane-doe-6841" for "Jane Doe", "juergen-mueller" for "Jürgen Müller"). Links to
writers in sidebars and teasers are many on news pages, so only the headline zone
(:func:`~innercircle.extract.page_authors.headline_zone`) is read, and only when no
other source names a person.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from innercircle.extract.bylines import full_person_names
from innercircle.extract.html import WS, in_credit
from innercircle.extract.names import name_key
from innercircle.model import Byline

# A path part naming an archive of writers (the slug follows it).
_ARCHIVE = re.compile(
    r"^(?:authors?|autor(?:en|in)?|auteurs?|autores?|writers?|journalists?|journalisten|"
    r"staff|contributors?|redakteur(?:e|in)?|people|profiles?)$",
    re.I,
)
# German letters whose ASCII spelling in addresses doubles them: "ü" -> "ue".
_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def spells_name(slug: str, name: str) -> bool:
    """Whether every word of ``name`` is a word of ``slug`` ("jane-doe-6841"), read with
    diacritics dropped or spelled out the German way."""
    words = set(re.split(r"[\W_\d]+", slug.lower())) - {""}
    keys = (name_key(name).split(), name_key(name.translate(_GERMAN)).split())
    return any(key and all(w in words for w in key) for key in keys)


def archive_link_authors(zone: list[etree._Element]) -> list[Byline]:
    """The persons linked to their writer's archive page in ``zone`` (document order),
    each shown under its own name: a full name opening with a given name."""
    found: list[Byline] = []
    for el in zone:
        if el.tag != "a" or in_credit(el):
            continue
        parts = [p for p in urlsplit(el.get("href") or "").path.split("/") if p]
        if len(parts) < 2 or not _ARCHIVE.match(parts[-2]):
            continue
        text = _shown_name(el, parts[-1])
        if text:
            found += full_person_names(text)
    return found


def _shown_name(link: etree._Element, slug: str) -> str | None:
    """The shortest text, the link's own or an element's inside it, that spells ``slug``:
    a link holding the writer's portrait holds its photo credit too ("© Jane Doe Jane
    Doe"), the name standing in an element of its own."""
    spelled = []
    for el in link.iter():
        if not isinstance(el.tag, str) or el is not link and in_credit(el, levels=1):
            continue
        text = WS.sub(" ", el.text_content()).strip()
        if text and len(text) <= 60 and spells_name(slug, text):
            spelled.append(text)
    return min(spelled, key=len) if spelled else None
