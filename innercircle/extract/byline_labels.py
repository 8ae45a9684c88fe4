"""The words pages put before an author's name, per language, and the patterns built from them.

One home for byline labels, so that every reader of bylines (a line opening with a
label, a label standing in its own element, a label glued to the name, a label found
inside a longer byline block) recognises the same words. A new language is one more
entry in the tables below; no pattern is written by hand elsewhere.

Three kinds of label, because they say different things about what follows:

* :data:`BY`: the bare preposition ("By", "Von", "Par"). After it comes a name, but
  after a bare "by" a single word is as often a place or a thing ("By Tuesday").
* :data:`EXPLICIT`: a verb or noun before the preposition that states authorship
  outright ("Written by", "Posted by", "Verfasst von", "Guest post by"): after it one
  word can be a name ("Posted by Konstantin").
* :data:`NOUNS`: a noun naming the role ("Author:", "Autorin:", "Text:"): in running
  text it needs its colon, at the start of a line or alone in its element it does not.
"""

from __future__ import annotations

import re

#: The preposition that introduces an author, per language.
BY: dict[str, tuple[str, ...]] = {
    "en": ("by",),
    "de": ("von",),
    "fr": ("par",),
    "es": ("por",),
    "pt": ("por",),
    "nl": ("door",),
}
#: Words before the preposition that make authorship explicit ("written by").
EXPLICIT: dict[str, tuple[str, ...]] = {
    "en": ("written", "posted", "published", "reported"),
    "de": ("erstellt", "verfasst", "geschrieben"),
}
#: Nouns for a piece of writing that compound with the preposition ("a guest post by",
#: "Ein Gastbeitrag von"): matched as the end of a word, with an optional word before it.
PIECES: dict[str, tuple[str, ...]] = {
    "en": ("article", "story", "post", "interview"),
    "de": ("artikel", "beitrag", "bericht", "interview"),
}
#: Words before the preposition that credit someone other than the writer ("Edited by",
#: "Photos by", "Übersetzt von"): what follows them is not the article's author.
CREDITS: dict[str, tuple[str, ...]] = {
    "en": (
        "edited",
        "photographed",
        "photos?",
        "photography",
        "pictures?",
        "images?",
        "illustrated",
        "illustrations?",
        "translated",
        "translation",
        "reviewed",
        "checked",
        "produced",
        "narrated",
        "designed",
        "compiled",
        "curated",
        "hosted",
        "sponsored",
        "presented",
        "powered",
        "video",
        "graphics?",
        "animation",
    ),
    "de": (
        "bearbeitet",
        "redigiert",
        "übersetzt",
        "übersetzung",
        "fotos?",
        "fotografiert",
        "bilder",
        "illustriert",
        "illustrationen?",
        "präsentiert",
        "gesponsert",
        "grafiken?",
    ),
    "fr": ("édité", "photos?", "traduit", "illustré", "présenté"),
    "es": ("editado", "fotos?", "traducido", "ilustrado", "presentado"),
}
#: Role nouns that label the author's name ("Autor: Jane Doe").
NOUNS: dict[str, tuple[str, ...]] = {
    "en": ("author", "words", "text"),
    "de": ("autor", "autorin", "verfasser", "verfasserin", "redaktion", "text"),
    "fr": ("auteur",),
    "es": ("autor",),
}


def _alternation(table: dict[str, tuple[str, ...]], escape: bool = True) -> str:
    words = sorted({w for ws in table.values() for w in ws}, key=len, reverse=True)
    return "|".join(map(re.escape, words) if escape else words)


_BY = _alternation(BY)
_NOUN = _alternation(NOUNS)
_EXPLICIT = rf"(?:{_alternation(EXPLICIT)})\s+(?:{_BY})"
# "Blog Beitrag von", "Ein Gastbeitrag von", "A guest post by": a word for the piece,
# maybe compounded or after one other word and an article.
_PIECE = (
    rf"(?:(?:an?|ein(?:en?)?)\s+)?(?:[^\W\d_]{{1,20}}[\s-])?[^\W\d_]{{0,12}}"
    rf"(?:{_alternation(PIECES)})\s+(?:{_BY})"
)
# Any label, the most specific first.
_LABEL = rf"(?:{_EXPLICIT}|{_PIECE}|{_BY}|(?:{_NOUN}))"

#: Words that join two people in a byline ("Jane Doe and John Roe", "und", "et", "y",
#: Norwegian "og", Swedish "och"): the byline splitter and the credit rule share them.
CONJUNCTIONS = ("and", "und", "et", "y", "og", "och")

#: A line that opens with a label and goes on: "By Jane Doe", "Autor: Jane Doe".
LABEL_THEN_TEXT = re.compile(rf"^{_LABEL}\s*:?\s+\S", re.I)
#: An element holding only the label; the name follows in the next text.
LABEL_ONLY = re.compile(rf"^{_LABEL}\s*:?$", re.I)
#: A label inside a byline block ("Blog | By Jane Doe"); a role noun needs its colon there.
LABEL_IN_TEXT = re.compile(rf"(?:^|\b)(?:{_EXPLICIT}|{_PIECE}|{_BY}|(?:{_NOUN})\s*:)\s+", re.I)
#: A credit to someone other than the writer: "Edited by", "Fotos von".
CREDIT_LABEL = re.compile(rf"\b(?:{_alternation(CREDITS, escape=False)})\s*(?:{_BY})\b", re.I)
#: Text ending in a credit word, maybe with its preposition or a colon: "Übersetzung",
#: "Photos by", "Foto:", what comes before a name credited with something else.
CREDIT_BEFORE = re.compile(
    rf"\b(?:{_alternation(CREDITS, escape=False)})\s*(?:(?:{_BY})\b)?\s*:?\s*$", re.I
)
#: A name with a credit in brackets, and the separator before it: "and Jane Doe
#: (photography)", ", Jane Doe (Fotos)": credited with something other than the writing.
#: The name starts at the text's start or after a separator and never runs across a
#: conjunction, so "Jane Doe and John Roe (photography)" loses John Roe only.
_AND = "|".join(CONJUNCTIONS)
CREDITED_NAME = re.compile(
    rf"(?:^|[,;&]|\s(?:{_AND})\s)(?:(?!\s(?:{_AND})\s)[^,;&()])*"
    rf"\(\s*(?:{_alternation(CREDITS, escape=False)})\s*\)",
    re.I,
)
#: A line opening with a label that cannot be running text: a role noun with its colon
#: ("Autor: Jane Doe") or an explicit label ("Written by Jane Doe"), not a bare "By".
STATED_LABEL_THEN_TEXT = re.compile(rf"^(?:{_EXPLICIT}|{_PIECE}|(?:{_NOUN})\s*:)\s*\S", re.I)
#: A label stating authorship outright, after which one word may be a name.
EXPLICIT_LABEL = re.compile(rf"^(?:{_EXPLICIT}|{_PIECE})\s", re.I)
#: The preposition glued to a capitalised name, no space: "ByJane Doe".
GLUED_LEAD = re.compile(
    rf"^(?:{'|'.join(w.capitalize() for w in _BY.split('|'))})(?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ])"
)
