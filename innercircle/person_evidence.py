"""Does a mention show the name acting as a person? Evidence for the ranking.

The inner circle is made of people who write and are cited: they have bylines and author
pages, they are quoted, they "said" or "told", they carry a job title ("X, founder of
Y"), the text calls them he or she. A fictional character, a product with a given name
first ("Clara AI") or a caption that the NER model took for a name is named as often and
as widely, but never does any of that. So each mention is judged once, from its own
sentence, and the ranking counts the documents in which a name acts as a person
(``person_docs``): a name that is named in many documents and acts as a person in none
keeps only part of its score (:data:`innercircle.ranking.NAMED_ONLY_FACTOR`).

The cues are deliberately strict, so that a product's sentence does not pass for speech:
"X adds better reporting" and "readers asked whether X" are not speech, while
"X added: ..." and ", added X" are. A mention the rules cannot judge (no sentence, or a
language the cues are not written for) is unknown (None), neither for nor against.

The same rule runs in SQL over the whole corpus (:func:`acts_as_person_sql`, RE2 syntax
that Python's ``re`` reads the same way) and in Python (:func:`acts_as_person`), and the
tests hold the two to the same answers.
"""

from __future__ import annotations

import re

from innercircle.resolve import NAME_MARK, PERSON_APPOSITION
from innercircle.vocabulary import FORMAL_SPEECH_VERBS, SOFT_SPEECH_VERBS, SPEECH_VERBS

#: The name under test is replaced by this token in the lower-cased sentence.
NAME = NAME_MARK
# The verbs (vocabulary.SPEECH_VERBS, SOFT_SPEECH_VERBS) are the ones resolve.PERSON_CUES
# hears too; the shapes around them are this rule's own. An organisation's speech
# (FORMAL_SPEECH_VERBS) counts here as the soft verbs: a speaking organisation acts as a voice.
SOFT = f"{SOFT_SPEECH_VERBS}|{FORMAL_SPEECH_VERBS}"
QUOTE_CHARS = "\"“”„«»"
PRONOUNS = r"he|she|his|her|him|hers|himself|herself"

PERSON_CUE = "|".join(
    [
        rf"\b{NAME}\s+(?:(?:has|had|also|then|once)\s+)?(?:{SPEECH_VERBS})\b",
        rf"[,{QUOTE_CHARS}]\s*(?:{SPEECH_VERBS}|{SOFT})\s+(?:[a-z]+\.\s+)?{NAME}\b",
        rf"\baccording to\s+(?:[a-z]+\.\s+)?{NAME}\b",
        rf"\b{NAME}\s+(?:{SOFT})\s*[,:;.{QUOTE_CHARS}]",
        rf"\b{NAME}\s*,\s*(?:{PERSON_APPOSITION})\b",
        rf"\b{NAME}\b[^.;]*\b(?:{PRONOUNS})\b",
    ]
)
_PERSON_CUE = re.compile(PERSON_CUE)
_QUOTES = re.compile(f"[{QUOTE_CHARS}]")


def acts_as_person(
    role: str,
    doc_kind: str | None,
    quoted: bool,
    snippet: str | None,
    surface: str | None,
    language: str | None = "en",
) -> bool | None:
    """True when this mention shows the name acting as a person; False when its English
    sentence shows nothing of the kind; None when it cannot be judged."""
    if role == "author" or doc_kind == "author_page":
        return True
    if not snippet or not surface:
        return None
    if quoted and _QUOTES.search(snippet):
        return True
    if language and not language.startswith("en"):
        return None
    return bool(_PERSON_CUE.search(snippet.lower().replace(surface.lower(), NAME)))


def acts_as_person_sql(
    role: str = "role",
    doc_kind: str = "doc_kind",
    quoted: str = "quoted",
    snippet: str = "snippet",
    surface: str = "surface",
    language: str = "language",
    pattern: str = "$person_cue",
) -> str:
    """The same rule as :func:`acts_as_person`, as a DuckDB expression over the given
    columns; ``pattern`` is bound to :data:`PERSON_CUE`."""
    quotes = QUOTE_CHARS.replace("'", "''")
    return f"""CASE
        WHEN {role} = 'author' OR {doc_kind} = 'author_page' THEN true
        WHEN coalesce({snippet}, '') = '' OR coalesce({surface}, '') = '' THEN NULL
        WHEN {quoted} AND regexp_matches({snippet}, '[{quotes}]') THEN true
        WHEN {language} IS NOT NULL AND NOT starts_with({language}, 'en') THEN NULL
        ELSE regexp_matches(replace(lower({snippet}), lower({surface}), '{NAME}'), {pattern})
    END"""
