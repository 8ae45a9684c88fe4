"""An unlabelled byline under the headline: a name beside the date, and nothing else.

Many pages put no "By" before the writer: the line under the headline reads "25.10.2022
- Jane Doe" or "Jane Doe | 05.04.2025". The date is what marks the line as the article's
metadata rather than its text, so the line must hold a date (maybe with its time of
day) and one name, separated by a dash or a bar (a comma too after the date: a name and
a comma before it is a dateline's place), nothing else, and sit right under the headline
(:func:`~innercircle.extract.page_authors.headline_zone`). The name must be a full name
opening with a given name (:func:`~innercircle.extract.bylines.full_person_names`): a
place ("Berlin, 3.5.2024") or a section beside the date is no writer.
"""

from __future__ import annotations

import re

from lxml import etree

from innercircle.extract.byline_labels import CREDIT_LABEL
from innercircle.extract.bylines import full_person_names
from innercircle.extract.html import WS, in_credit
from innercircle.model import Byline

_DATE = r"(?:\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
_DATE_IN = re.compile(_DATE)
# The time of day may follow the date: "25.10.2022, 14:05", "05.04.2025 - 10:30 Uhr".
_TIME = r"(?:(?:\s*[-–—|·•,]\s*|\s+)\d{1,2}:\d{2}(?:\s*(?:Uhr|h|[ap]\.?m\.?))?)?"
_SEP = r"\s*[-–—|·•,]\s*"
_NAME = r"(?P<name>[^\W\d_][^\d|•·–—,:;]{3,40}?)"
_DATE_THEN_NAME = re.compile(rf"^{_DATE}{_TIME}{_SEP}{_NAME}\s*\|?$")
# No comma before the date: "Berlin, 3.5.2024", "Santa Monica, 10/25/2022" is a dateline.
_NAME_THEN_DATE = re.compile(rf"^{_NAME}\s*[-–—|·•]\s*{_DATE}{_TIME}\s*\|?$")
# Longer than this, the element holds more than a byline line.
_LINE_CHARS = 100


def dated_line_authors(zone: list[etree._Element]) -> list[Byline]:
    """The person named beside the date on the first such line in ``zone`` (document
    order).

    The line must be the date, maybe its time of day, and the name, with nothing after
    ("Jane Doe | 25.10.2022 | Elbphilharmonie" names a performer and a venue). A line in a
    caption or after a credit word ("Photo by") names a photographer, and one inside a
    link, or whose date is a link, is a teaser for another article.
    """
    for el in zone:
        if el.tag in ("script", "style", "a", "time"):
            continue
        text = WS.sub(" ", el.text_content()).strip()
        if not text or len(text) > _LINE_CHARS:
            continue
        m = _DATE_THEN_NAME.match(text) or _NAME_THEN_DATE.match(text)
        if not m or CREDIT_LABEL.search(text) or in_credit(el) or _linked(el):
            continue
        found = full_person_names(m.group("name"))
        if found:
            return found
    return []


def _linked(el: etree._Element) -> bool:
    """Inside a link, or holding one around the date: a teaser card's line."""
    if next(el.iterancestors("a"), None) is not None:
        return True
    return any(_DATE_IN.search(a.text_content()) for a in el.iter("a"))
