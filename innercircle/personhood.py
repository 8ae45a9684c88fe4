"""Person or not: decided once per name key from evidence over the whole corpus.

Extraction judges one span in one document (:mod:`innercircle.extract.people`); here a
name key is judged from everything the corpus says about it, with general rules only
(never a list of particular names). A key is kept out of the ranking, with the reason
written to ``excluded_names``, when:

* ``single word``: a bare one-word name ("Doe", "Doch"). Extraction already gave every
  one-word mention the full name its own document uses; one that is left has no full
  name to stand for, and joining it across documents is how the German word "Doch"
  became the top voice of an industry;
* ``organisation word`` / ``organisation context``: see
  :func:`innercircle.resolve.non_person_reason`; also ``organisation word`` when, with
  nothing saying person, one of its words is one the corpus uses in organisations' names
  (the model labels several other names holding it ORG, PRODUCT, GPE … and few PERSON:
  "United", "Pro"; :mod:`innercircle.name_words`);
* ``interface text``: made only of button and caption words ("Share", "Camera Zoom");
* ``citation style``: written as reference lists write authors ("Lee H", "Roger A.");
* ``product context``: the sentences treat it as a product or company ("launched X",
  "X's app", "using X", "X, the AI tool") at least twice and clearly more often than
  as a person ("X said", a quote, he/she, a job title), and it never writes;
* ``fiction context``: the sentences speak of it as a character of a film, novel or TV
  series ("X, the hero of the novel Y", "like X in the film Y", "the character X") at
  least twice and clearly more often than as a person, and it never writes;
* ``common words``: every word is a common word and the first is no given name
  ("Bottom Line", "Error Handling", "Twitter Thread";
  :func:`innercircle.vocabulary.is_common_phrase`), and nothing says it is a person: at
  most one sentence in four quotes it or uses it as a person. A first word of the name
  lists that is also a common word ("Page Views", "Will Power") counts as a given name
  only where the corpus uses it as one (its texts seldom write it in lower case, or other
  PERSON names start with it). A byline is judged too, in the languages of its documents
  ("Rezept des Tages", "Jewish Business"), when no sentence uses it as a
  person and its first word is no given name of any list (:func:`byline_phrase_reason`);
* ``acronym``: a word of three or more capitals without a vowel ("WBF", "NDR"): an
  organisation's initials, never part of a person's name, even in a byline;
* ``brand word``: a word joined from two common words ("OneWeb", "PayPal"), and it never
  writes;
* ``labelled <LABEL>``: across all documents the NER model labels the same string as an
  organisation, product, work or place (``entity_labels``) more often than as a person,
  at least twice, and nothing else (a byline, a quote) says it is a person.

Names refused at extraction (a span in a reference list, a common word) never become
mentions; :func:`extraction_refusals` lists those that were never taken anywhere, so
they too reach ``excluded_names`` with their reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from innercircle.name_words import NameWords
from innercircle.name_words import name_words as _name_words
from innercircle.resolve import (
    PERSON_CUES,
    NameContext,
    count_cue_sentences,
    mark_name,
    marked_sentence,
    non_person_reason,
)
from innercircle.vocabulary import (
    UI_WORDS,
    is_brand_word,
    is_citation_style,
    is_common_phrase,
    is_given_name_anywhere,
    is_surname_anywhere,
)

#: Labels that say "not a person"; NORP (nationalities) and MISC are too vague to count.
NON_PERSON_LABELS = frozenset(["ORG", "PRODUCT", "WORK_OF_ART", "GPE", "LOC", "FAC", "EVENT"])

_N = mark_name("name", "name")  # the marker mark_name puts in place of a name (resolve.NAME_MARK)
_PRODUCT_VERBS = (
    r"launch(?:ed|es|ing)?|releas(?:ed|es|ing)|unveil(?:ed|s|ing)?|introduc(?:ed|es|ing)|"
    r"ship(?:ped|s)?|roll(?:ed|s)? out|built (?:with|on)|powered by|using|uses|used|"
    r"download(?:ed|s)?|install(?:ed|s)?|subscribe to|sign(?:ed)? up for|integrat(?:es|ed) with|"
    r"version of|update to|users of|customers of|acquisition of|funding for|"
    r"(?:works?|worked|working|job|jobs|role|engineers?|employees?) at"
)
_PRODUCT_NOUNS = (
    r"app|apps|platform|tool|tools|model|models|software|product|products|api|plugin|"
    r"service|chatbot|assistant|feature|features|users|customers|subscribers|pricing|plan|"
    r"plans|website|headquarters|ceo|shares|stock|valuation|revenue|version"
)
#: Works and brands: "every X movie", "the X franchise" (never after a possessive: "Jane
#: Doe's books" are a person's).
_WORK_NOUNS = r"movies?|films?|franchise|series|novels?|albums?|games?|trailer|sequel|brand"
#: What a name can be said to *be* only when it is no person ("X is a chatbot", "X was a
#: hit series"): no job a person holds ("the CEO", "a model", "an assistant").
_THING_NOUNS = (
    r"apps?|platforms?|tools?|software|products?|plugins?|services?|chatbots?|features?|"
    rf"websites?|company|firm|startup|{_WORK_NOUNS}"
)
#: The noun ends its noun phrase (punctuation, a preposition, a verb or an article follows):
#: "a hit series." and "every X movie is" are works, "a typical games designer" is a person
#: (the noun there only describes the head noun that follows it).
_PHRASE_END = (
    r"(?=\s*(?:[.,;:!?)\"”]|’(?![^\W\d_])|$)|\s+(?:that|which|who|with|for|from|in|on|at|of|and|or|to|by|"
    r"as|like|is|was|are|were|has|had|have|will|would|can|could|became|made|makes|gets|got|"
    r"the|a|an)\b)"
)
_PRODUCT_CUES = [
    re.compile(rf"\b(?:{_PRODUCT_VERBS})\s+(?:the\s+|a\s+|an\s+|its\s+|new\s+)*{_N}\b", re.I),
    re.compile(rf"\b{_N}(?:['’]s)?\s+(?:new\s+|latest\s+)?(?:{_PRODUCT_NOUNS})\b", re.I),
    re.compile(
        rf"\b{_N}\s*,\s*(?:the|a|an)\s+(?:\w+\s+){{0,2}}(?:{_THING_NOUNS}|api|models?)"
        rf"{_PHRASE_END}",
        re.I,
    ),
    re.compile(
        rf"\b{_N}\s+(?:launched|released|unveiled|rolled out|shipped)\s+(?:its|a|an)\b", re.I
    ),
    re.compile(rf"\b{_N}\s+(?:{_WORK_NOUNS}){_PHRASE_END}", re.I),
    # "X is a popular chatbot", "X was a hit series"; a negation says what it is not, so
    # "X is not a brand" is no evidence either way
    re.compile(
        rf"\b{_N}\s+(?:is|was|has been)\s+(?:a|an|the)\s+(?:\w+\s+){{0,2}}"
        rf"(?:{_THING_NOUNS}){_PHRASE_END}",
        re.I,
    ),
]


#: What a character of a story is called ("X, the hero of the novel Y"); not "narrator"
#: (a documentary's is a person).
_FICTION_ROLES = r"hero|heroine|protagonist|antagonist|villain|antihero|sidekick"
#: Works that have characters; not "book" or "show" (their authors and guests are people),
#: not a bare "series" (of posts, of interviews, a podcast's, a funding round's "Series B")
#: nor a "saga" (the news's word for a long affair).
_FICTION_WORKS = (
    r"films?|movies?|novels?|novellas?|(?:tv|television)\s+series|sitcoms?|musicals?|"
    r"comics?|cartoons?|trilogy|video games?|graphic novels?|fairy tales?"
)
#: The work word ends its phrase: punctuation, the work's title (a capital) or a clause
#: follows; "the video games industry" and "the film's budget" are no work of fiction.
_WORK_END = (
    r"(?=\s*(?:[.,;:!?)\"”]|$)|\s+(?-i:[A-Z\"“‘'])|\s+(?:that|which|where|and|by)\b)"
)
_A_WORK = rf"(?:the|a|an)\s+(?:[\w'’]+\s+){{0,2}}(?:{_FICTION_WORKS}){_WORK_END}"
_FICTION_CUES = [
    # "X, the hero of the novel Y", "X, the reluctant villain in a TV series"
    re.compile(
        rf"\b{_N}\s*,\s*(?:the|a|an)\s+(?:\w+\s+){{0,2}}(?:{_FICTION_ROLES})\s+"
        rf"(?:of|in|from)\s+{_A_WORK}",
        re.I,
    ),
    # "like X in the film Y", "X from the TV series Y"
    re.compile(rf"\b{_N}\s+(?:in|from)\s+{_A_WORK}", re.I),
    # "the character X", "a character called X" (not "the characters X praised")
    re.compile(rf"\bcharacter\s*,?\s+(?:called\s+|named\s+)?{_N}\b", re.I),
    # "X, played by Y" (not "X played by the rules"); "Y voiced X" (not "portrayed X as")
    re.compile(rf"\b{_N}\s*,?\s+(?:played|portrayed|voiced)\s+by\s+(?-i:[A-Z])", re.I),
    re.compile(rf"\b(?:portrayed|portrays|voiced)\s+{_N}\b(?!['’]s|\s+as\b)", re.I),
]


def fiction_reason(ctx: NameContext) -> str | None:
    """``"fiction context"`` when the sentences speak of the name as a character of a
    film, novel or TV series ("X, the hero of the novel Y", "like X in the film Y") at
    least twice and clearly more often than as a person (quoted, "X said", he/she), and
    it never writes: a character is named as widely as a real voice, and never says
    anything."""
    return _context_reason(ctx, _FICTION_CUES, "fiction context")


def product_reason(ctx: NameContext) -> str | None:
    """``"product context"`` when the sentences treat the name as a product or company."""
    return _context_reason(ctx, _PRODUCT_CUES, "product context")


def _context_reason(ctx: NameContext, cues: list[re.Pattern[str]], reason: str) -> str | None:
    """``reason`` when at least two sentences use the name as ``cues`` say and clearly
    more than as a person (twice as many, and one), and it never writes."""
    if ctx.authored:
        return None
    cue, person = count_cue_sentences(ctx, cues, cue_beats_quote=False, full_name_first=True)
    return reason if cue >= 2 and cue >= 2 * person + 1 else None


def label_reason(ctx: NameContext, labels: Mapping[str, int], quoted: int = 0) -> str | None:
    """``"labelled ORG"`` (or PRODUCT, ...) when the model, over the whole corpus, labels
    the string as something else more often than as a person and at least twice."""
    if ctx.authored or quoted:
        return None
    others = Counter({k: v for k, v in labels.items() if k in NON_PERSON_LABELS})
    other = sum(others.values())
    if other >= 2 and other > labels.get("PERSON", 0):
        return f"labelled {others.most_common(1)[0][0]}"
    return None


def exclusion_reason(
    ctx: NameContext, labels: Mapping[str, int] | None = None, corpus: NameWords | None = None
) -> str | None:
    """Why the name key of ``ctx`` is not a person, or None to keep it (see the module doc).

    ``labels`` counts how often the NER model labelled this key with each label across
    the corpus (kept PERSON spans and every non-person label); ``corpus`` is how it
    labels the names that share its words (:mod:`innercircle.name_words`).
    """
    tokens = ctx.key.split()
    if len(tokens) == 1:
        return "single word"
    words = re.findall(r"[^\W\d_]+", ctx.display)
    if words and all(w.lower() in UI_WORDS for w in words):
        return "interface text"
    if is_citation_style(ctx.display):
        return "citation style"
    reason = non_person_reason(ctx)
    if reason:
        return reason
    person = _person_sentences(ctx)
    reason = shape_reason(ctx, corpus.is_given_name_here(ctx.key) if corpus else None, person)
    if reason:
        return reason
    reason = product_reason(ctx) or fiction_reason(ctx)
    if reason:
        return reason
    if not (ctx.authored or person) and corpus and corpus.organisation_word(ctx.key, ctx.display):
        return "organisation word"
    return label_reason(ctx, labels or {}, person)


_ACRONYM = re.compile(r"^[B-DF-HJ-NP-TV-XZ]{3,}$")


def shape_reason(
    ctx: NameContext, first_is_given: bool | None = None, person: int | None = None
) -> str | None:
    """``"acronym"``, ``"brand word"`` or ``"common words"`` for a name shaped like an
    organisation's initials, a brand or ordinary language (see the module doc).
    ``first_is_given``: see :func:`innercircle.vocabulary.is_common_phrase`; ``person``:
    :func:`_person_sentences`, when already counted."""
    if any(_ACRONYM.match(w) for w in ctx.display.split()):
        return "acronym"
    if person is None:
        person = _person_sentences(ctx)
    if ctx.authored:
        return byline_phrase_reason(ctx, person, first_is_given)
    if any(is_brand_word(w) for w in ctx.display.split()):
        return "brand word"
    if is_common_phrase(ctx.display, first_is_given=first_is_given) and 4 * person <= len(
        ctx.sentences
    ):
        return "common words"
    return None


def byline_phrase_reason(
    ctx: NameContext, person: int, first_is_given: bool | None = None
) -> str | None:
    """``"common words"`` for a byline that reads as ordinary words of the languages its
    documents are written in, when no sentence of the texts uses it as a person.

    A byline vouches for a person only when it is shaped like one: a site's section, a
    product or the publisher signing ("Rezept des Tages", "Jewish Business") fills the
    author field as readily, and is no one to rank. The words are judged in English and in
    each language of its documents (a German byline in German), and the first word must be
    no given name of any list. The corpus's casing
    (:meth:`~innercircle.name_words.NameWords.is_given_name_here`, ``first_is_given``) can
    only add given names here, never take one away: a writer called "Will" or "Hope"
    keeps the benefit of the doubt, and so does one whose given name the lists miss but
    the texts use as one."""
    if person or first_is_given or not is_common_phrase(ctx.display, ("en", *ctx.languages)):
        return None
    return "common words"


def _person_sentences(ctx: NameContext) -> int:
    """Sentences that quote the name or use it as a person ("X said", "X, a founder", she)."""
    return sum(
        1
        for surface, sentence, quoted in ctx.sentences
        if quoted
        or (
            sentence
            and surface
            and any(p.search(marked_sentence(ctx, surface, sentence)) for p in PERSON_CUES)
        )
    )


def exclusions(
    contexts: Iterable[NameContext],
    labels: Mapping[str, Mapping[str, int]] | None = None,
    words: NameWords | None = None,
) -> dict[str, str]:
    """``{name_key: reason}`` for every key that is not a person."""
    labels = labels or {}
    return {
        c.key: r for c in contexts if (r := exclusion_reason(c, labels.get(c.key, {}), words))
    }


def extraction_refusals(
    refused: Iterable[tuple[str, str, str, int, int]], taken: Iterable[str]
) -> list[dict]:
    """``excluded_names`` rows for keys refused at extraction and never taken as a mention.

    ``refused`` rows are (name_key, display, reason, spans, documents) summed over the
    corpus; the most frequent reason of a key wins.
    """
    taken = set(taken)
    best: dict[str, tuple[int, dict]] = {}
    for key, display, reason, spans, documents in refused:
        if key in taken or not key:
            continue
        row = {
            "name_key": key,
            "name": display,
            "reason": reason,
            "mentions": int(spans),
            "documents": int(documents),
        }
        if key not in best or spans > best[key][0]:
            best[key] = (spans, row)
    return [row for _, (_, row) in sorted(best.items())]


# --- reading the evidence from the warehouse (SQL only, no Dagster) ----------------------

LABELS_SQL = """
SELECT name_key, label, sum(n)::INTEGER
FROM entity_labels
WHERE refused = '' AND name_key IN (SELECT name_key FROM mentions)
GROUP BY ALL
"""

REFUSED_SQL = """
SELECT name_key, mode(name ORDER BY name), refused, sum(n)::INTEGER, count(DISTINCT doc_id)::INTEGER
FROM entity_labels
WHERE refused <> '' AND label = 'PERSON'
GROUP BY name_key, refused
"""


def label_counts(con) -> dict[str, dict[str, int]]:
    """``{name_key: {label: spans}}`` over the corpus, for the keys that are mentions."""
    out: dict[str, dict[str, int]] = {}
    for key, label, n in con.execute(LABELS_SQL).fetchall():
        out.setdefault(key, {})[label] = n
    return out


def name_words(con, contexts: Iterable[NameContext] = ()) -> NameWords:
    """How the corpus labels the names that hold each word, with how its texts write the
    first words that decide whether a name of ``contexts`` is a phrase of common words: a
    given name of the lists, every other word common (:mod:`innercircle.name_words`).
    Only those few words are looked for in the texts."""
    asked: set[str] = set()
    for c in contexts:
        words = re.findall(r"[^\W\d_]+", c.display)
        if is_common_phrase(c.display, first_is_given=False) and is_given_name_anywhere(words[0]):
            asked.add(words[0])
            if is_surname_anywhere(words[-1]):  # "Will Smith": is "smith" a word here?
                asked.add(words[-1])
    return _name_words(con, NON_PERSON_LABELS, sorted(asked))


def refused_rows(con, taken: Iterable[str]) -> list[dict]:
    """``excluded_names`` rows for names refused at extraction (see :func:`extraction_refusals`)."""
    return extraction_refusals(con.execute(REFUSED_SQL).fetchall(), taken)
