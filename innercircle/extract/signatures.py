"""A writer signing at the end of the article: the last paragraph is their name.

Regional papers and small sites often have no byline above the text; the writer signs
below it instead, as a paragraph of their own ("<p><b><i>Jane Doe</i></b></p>") or in
brackets after the last sentence ("... bleibt spannend. (Jane Doe) +++"). What makes such
a line a signature rather than a name in the story is where it stands: the last
paragraph of the page's article body (the block holding the most paragraph text), and
nothing else in it, or only the brackets closing it. It is the weakest evidence of who
wrote a page, so the page extractor reads it after every other source.
"""

from __future__ import annotations

import re

from lxml import etree

from innercircle.extract.byline_labels import CREDIT_LABEL
from innercircle.extract.bylines import full_person_names
from innercircle.extract.html import WS, in_credit, is_excluded
from innercircle.model import Byline

# Less paragraph text than this in the biggest block: no article body to sign.
_BODY_CHARS = 500
# A paragraph that is only a name ("Jane Doe", "(Jane Doe)", "Jane Doe +++").
_NAME_ALONE = re.compile(r"^\(?(?P<name>[^\W\d_][^()\d|:;!?]{3,50}?)\)?\s*\+*$")
# A name in brackets closing the last sentence: "… bleibt spannend. (Jane Doe) +++".
_NAME_CLOSING = re.compile(r"[.!?»“\"]\s*\((?P<name>[^\W\d_][^()\d|:;!?]{3,50})\)\s*\+*$")


def _article_body(root: etree._Element) -> etree._Element | None:
    """The element whose ``<p>`` children hold the most text, if it holds enough."""
    chars: dict[etree._Element, int] = {}
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is not None:
            chars[parent] = chars.get(parent, 0) + len(p.text_content())
    if not chars:
        return None
    body = max(chars, key=chars.__getitem__)
    return body if chars[body] >= _BODY_CHARS else None


def signature_authors(root: etree._Element) -> list[Byline]:
    """The person who signs the article body's last paragraph, or nobody.

    Only full names that open with a given name (:func:`full_person_names`): a one-word
    signature ("Benni") is as often a greeting or a place, and a sentence is no signature.
    """
    body = _article_body(root)
    if body is None or is_excluded(body) or in_credit(body):
        return []
    paragraphs = [p for p in body.iterchildren("p") if p.text_content().strip()]
    if len(paragraphs) < 3:
        return []
    # A caption, photo credit or comment after the text is not the text's last paragraph.
    signing = [
        p for p in paragraphs if not is_excluded(p, stop=body) and not in_credit(p, levels=1)
    ]
    text = WS.sub(" ", signing[-1].text_content()).strip() if signing else ""
    m = _NAME_ALONE.match(text) or _NAME_CLOSING.search(text)
    if not m or CREDIT_LABEL.search(text):
        return []  # "Photo by Jane Doe", "(Foto von Jane Doe)": a photographer
    # Only the words before a comma: "Jane Doe, dpa" signs as Jane Doe, and a sign-off
    # ("Cheers, Jane") is no name written surname first.
    name = m.group("name").split(",")[0].strip().rstrip(".")
    return full_person_names(name)

