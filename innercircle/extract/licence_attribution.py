"""The person a Creative Commons licence credits: the site's own statement of authorship.

A blog with no byline often carries its licence in a sidebar or footer, written by the
licence chooser in the ccREL vocabulary ("<span>My Blog</span> von <a rel=
"cc:attributionURL">Jane Doe</a> steht unter einer Creative-Commons-Lizenz"). The
``cc:attributionName`` property, or the text of the ``cc:attributionURL`` link, is the
name the licensor asks to be credited with: the writer of the site's pieces. It is a
site-wide claim, not one about this article, so the page extractor reads it last, after
every other source, and only a full name opening with a given name counts ("the Python
Core Developers" is a team).
"""

from __future__ import annotations

from lxml import etree

from innercircle.extract.bylines import full_person_names
from innercircle.extract.html import text_of
from innercircle.model import Byline

_ATTRIBUTION = (
    '//*[@property="cc:attributionName"]'
    '|//a[contains(concat(" ", normalize-space(@rel), " "), " cc:attributionURL ")]'
)


def licensor_authors(root: etree._Element) -> list[Byline]:
    """The person the page's CC licence credits, or nobody (see the module doc)."""
    for el in root.xpath(_ATTRIBUTION):
        raw = el.get("content") if el.tag == "meta" else text_of(el)
        found = full_person_names(raw or "")
        if found:
            return found[:1]
    return []
