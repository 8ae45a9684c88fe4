"""How the whole corpus uses each word of the names the NER model found.

Two questions about a single word of a name are better answered by the corpus than by a
word list, because the answer depends on what the pages write about:

* Is it a word organisations carry? "United", "Telecom", "Pro", "API" end the names of
  clubs, companies and products; they are not in
  :data:`innercircle.vocabulary.ORGANISATION_WORDS` (which keeps only words no person's
  name holds), but a corpus that names "Manchester United", "Leeds United" and "United
  Airlines" as organisations says it: the word is part of several multi-word names the
  model labels ORG, PRODUCT, GPE …, and of few it labels PERSON
  (:meth:`NameWords.organisation_word`).
* Is a word of the given-name lists used as a given name here? "Page", "May", "Will",
  "Mark" and "Hope" are in name lists and are also ordinary words; word frequencies cannot
  tell them from "David", which is as frequent for being a name. The corpus can, two
  ways: its texts write the word in lower case at least as often as capitalised ("will",
  "page"; nobody writes "david"), and other names the model labels PERSON start with it
  ("Will Smith", "Mark Evans") (:meth:`NameWords.is_given_name_here`).

Counts are of distinct name keys, not of spans, so one organisation named a thousand
times is one piece of evidence, and only multi-word names count: a word standing alone
says nothing about which names it is part of.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from innercircle.vocabulary import (
    is_given_name_anywhere,
    is_name_word_anywhere,
    is_surname_anywhere,
)

#: A word is an organisation word when at least this many distinct multi-word names that
#: hold it are labelled as something other than a person ...
ORG_WORD_MIN_NAMES = 3
#: ... and at least this many times as many as are labelled PERSON (the name under judgement
#: counts on the PERSON side when the model labelled it so).
ORG_WORD_RATIO = 3
#: A word the texts write in lower case this often (of all its occurrences) is an ordinary
#: word of the corpus, whatever the name lists say.
LOWER_CASE_SHARE = 0.5


@dataclass
class NameWords:
    """Per word: distinct multi-word names the model labelled PERSON and non-person that
    hold it, and PERSON names it starts."""

    person: Counter[str] = field(default_factory=Counter)
    other: Counter[str] = field(default_factory=Counter)
    first: Counter[str] = field(default_factory=Counter)
    person_keys: frozenset[str] = frozenset()
    #: word -> share of its occurrences in the texts written in lower case (only the words
    #: asked about: see :func:`word_casing`)
    lower_share: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_keys(cls, keys: Iterable[tuple[str, bool]]) -> NameWords:
        """From distinct (name_key, labelled PERSON) pairs; one-word keys are ignored."""
        words = cls()
        person_keys = set()
        for key, is_person in set(keys):
            tokens = key.split()
            if len(tokens) < 2:
                continue
            if is_person:
                person_keys.add(key)
                words.first[tokens[0]] += 1
            (words.person if is_person else words.other).update(set(tokens))
        words.person_keys = frozenset(person_keys)
        return words

    def given_name_uses(self, key: str) -> int:
        """How many *other* names labelled PERSON start with the first word of ``key``."""
        first = key.split()[0] if key.split() else ""
        return self.first[first] - (key in self.person_keys)

    def is_given_name_here(self, key: str) -> bool:
        """True when the first word of ``key`` is a given name of the lists
        (:func:`~innercircle.vocabulary.is_given_name_anywhere`) that this corpus uses as
        one: its texts seldom write it in lower case, another PERSON name starts with it, or
        a surname of the lists that the texts seldom write in lower case ends the name ("Will
        Smith": the corpus may write "will" in lower case nearly always, "smith" it does not;
        "Hope Street" stays a phrase where the texts write "street")."""
        words = key.split()
        first = words[0] if words else ""
        if not is_given_name_anywhere(first):
            return False
        return (
            self.lower_share.get(first, 0.0) < LOWER_CASE_SHARE
            or self.given_name_uses(key) > 0
            or (
                len(words) > 1
                and is_surname_anywhere(words[-1])
                and self.lower_share.get(words[-1], 1.0) < LOWER_CASE_SHARE
            )
        )

    def organisation_word(self, key: str, display: str) -> str | None:
        """The first word of ``key`` that the corpus uses as organisations' names use it
        (see :data:`ORG_WORD_MIN_NAMES`), or None. Never counted: an initial ("J. P.
        Morgan"), a word written in lower case in the name ("de", "van", "bin": a particle
        of a person's name), and a word of the given-name and surname lists ("Hill",
        "Washington", "Victoria": places and firms are named after people, too)."""
        lower = {w.lower() for w in re.findall(r"[^\W\d_]+", display) if w.islower()}
        for token in key.split():
            if len(token) < 2 or token in lower or is_name_word_anywhere(token):
                continue
            other = self.other[token]
            if other >= ORG_WORD_MIN_NAMES and other >= ORG_WORD_RATIO * self.person[token]:
                return token
        return None


NAME_WORDS_SQL = """
SELECT DISTINCT name_key, label = 'PERSON'
FROM entity_labels
WHERE refused = '' AND contains(name_key, ' ') AND list_contains($labels, label)
"""


def name_words(
    con, non_person_labels: Iterable[str], first_words: Iterable[str] = ()
) -> NameWords:
    """:class:`NameWords` over every entity of the warehouse's ``entity_labels``, with the
    casing of ``first_words`` in the documents' texts."""
    labels = sorted({"PERSON", *non_person_labels})
    words = NameWords.from_keys(con.execute(NAME_WORDS_SQL, {"labels": labels}).fetchall())
    words.lower_share = word_casing(con, first_words)
    return words


#: One pass over the texts for all the words asked about (RE2: an alternation is linear).
CASING_SQL = """
SELECT m, count(*)::BIGINT
FROM (SELECT unnest(regexp_extract_all(text, $pattern)) AS m FROM documents WHERE text <> '')
GROUP BY m
"""


def word_casing(con, words: Iterable[str]) -> dict[str, float]:
    """word -> share of its occurrences in ``documents.text`` written all in lower case
    (words that never occur are left out). Only plain letter words are asked about."""
    asked = sorted({w.lower() for w in words if w.isalpha()})
    if not asked:
        return {}
    pattern = r"(?i)\b(?:" + "|".join(re.escape(w) for w in asked) + r")\b"
    lower: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for match, n in con.execute(CASING_SQL, {"pattern": pattern}).fetchall():
        total[match.lower()] += n
        lower[match.lower()] += n * match.islower()
    return {w: lower[w] / total[w] for w in total}
