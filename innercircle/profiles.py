"""What each voice covers, and how close they are to a focus: pure text logic, no I/O.

* **Beats** are class-based: each voice is one class whose text is the documents they
  wrote (titles twice) plus the sentences that name them (and those pieces' titles); a
  phrase weighs by the log-odds of the voice using it against the rest of the industry,
  with an informative Dirichlet prior, as a z-score (Monroe, Colaresi & Quinn, "Fightin'
  Words", 2008). Plain c-TF-IDF (BERTopic's) was tried first: on the sample web it
  favoured rare fragments ("orchestration got right") over the phrases a voice keeps
  returning to; the z-score needs a phrase to be both over-represented and frequent
  (beats precision@5 0.14-0.23 -> 0.31-0.44, benchmarks/profiles_quality.py, seed 7).
* **Relevance** to a focus is the cosine between the focus and the voice's text, both as
  TF-IDF vectors of 1-2 word phrases with the industry's document frequencies. Cosine
  (rather than BM25) because it is length-normalised on the voice's side too: a voice who
  writes a lot is not more relevant just for writing more, and a one-line focus and a
  paragraph focus give comparable scores.
* **Search** ("who covers X") is Okapi BM25 over single documents, where document length
  normalisation and term saturation are what one wants for a short query.

Phrases are 1-3 word n-grams of whole words (in any script) that never cross punctuation,
never start or end with a stop word (spaCy's list for the document's language, and
English's) and never contain a person's name: the names a document mentions, and the
known people's names it holds where NER found none (:class:`KnownNames`), are masked
before it is tokenised, surnames alone included (:func:`mask_names`).

Everything here is numpy and the standard library: profiles for 150 voices in each of
several industries take well under a second on the sample web.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from innercircle.vocabulary import spacy_stop_words, zipf

#: Words of web furniture, stop words in any language the pages are in.
_FURNITURE = frozenset({"said", "says", "like", "just", "also", "new", "year", "week", "per",
                        "cent", "percent", "mr", "ms", "dr"})
#: spaCy's English stop words (already a dependency) plus words of web furniture.
STOP = spacy_stop_words("en") | _FURNITURE


def _language_code(language: str | None) -> str:
    """``documents.language`` as spaCy's and wordfreq's lists are named: "pt-BR" -> "pt";
    English when unsure."""
    return (language or "en").split("-")[0].lower()


@functools.cache
def stop_words(language: str | None = None) -> frozenset[str]:
    """The stop words for a text in ``language`` (``documents.language``: ISO 639-1, None
    when unsure): spaCy's list for it with the English one (pages in other languages quote
    English, and an unknown or wrongly detected language is most often English), plus web
    furniture. English alone for None or a language spaCy has no list for."""
    return STOP | spacy_stop_words(_language_code(language))


#: Of a language's stop-word list, the words at least this frequent (wordfreq's Zipf scale)
#: are its function words ("der" 7.5, "wenn" 6.5, "porque" 6.1). spaCy's lists for some
#: languages also hold content nouns ("governo", "lavoro", "kroner": Zipf 5.3-5.9), which a
#: search must keep.
FUNCTION_WORD_ZIPF = 6.0


@functools.cache
def function_words(language: str | None = None) -> frozenset[str]:
    """:func:`stop_words` for searching a text in ``language``: the English list and web
    furniture, and of the language's own list only its function words
    (:data:`FUNCTION_WORD_ZIPF`) and elided forms ("dell'", "l'"), so that "governo" in
    Italian is still found."""
    code = _language_code(language)
    own = frozenset(w for w in spacy_stop_words(code)
                    if w.endswith("'") or zipf(w, code) >= FUNCTION_WORD_ZIPF)
    return STOP | own


_CHUNK = re.compile(r"[.,;:!?()\[\]{}\"“”«»|/\\…—–]+|\s-\s|\s'|'\s")
#: A word in any script: a letter, then letters, digits or combining marks, hyphens and
#: apostrophes joining parts ("Françoise", "köll", "real-time", "o'brien"). An ASCII-only
#: class cut "Françoise" into "fran" and "oise" and "Köll Labs" into "ll labs".
#: Scripts written without spaces between words (Thai, kana, Han): a run of them is a
#: clause, not a word, so they make no tokens (no beats) rather than whole clauses.
_UNSPACED = r"\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_LETTER = rf"(?![{_UNSPACED}])[^\W\d_]"
_INNER = rf"(?:(?![{_UNSPACED}])[^\W_]|[\u0300-\u036f])"
_TOKEN = re.compile(rf"{_LETTER}{_INNER}*(?:[-'’]{_INNER}+)*")
BREAK = " | "
PRIOR = 100.0  # pseudo-counts of the prior drawn from the industry background


def mask_names(text: str, names: Iterable[str]) -> str:
    """Replace each name (as written, whole words) by a phrase break, longest first, so
    ``Jane Doe`` never becomes a beat and no phrase spans the gap it leaves.

    Each word of a name of two or more words that starts with a capital is masked on its
    own too: once a text names Jarlath Greely, "For Greely, ..." means him. Not when a
    capitalised word follows it, though: "Rodriguez & Partners" or "Köll Labs" is a firm,
    named after someone perhaps, but no person. Text and names are NFC-normalised, so
    "Françoise" written with a combining cedilla is still her name."""
    text = unicodedata.normalize("NFC", text)
    whole, forms = _name_forms(tuple(names))
    # str.find, not one regex per text: compiling it cost more than the masking itself
    spans: list[tuple[int, int]] = []
    covered = bytearray(len(text))  # 1 where a longer form was masked: linear, not per span
    for form in forms:
        at = text.find(form)
        while at >= 0:
            end = at + len(form)
            if (
                not (at and text[at - 1].isalnum())
                and not (end < len(text) and text[end].isalnum())
                and (form in whole or not _starts_name(text, end))
                and not any(covered[at:end])
            ):
                spans.append((at, end))
                covered[at:end] = b"\x01" * (end - at)
            at = text.find(form, at + 1)
    out, last = [], 0
    for a, b in sorted(spans):
        out += [text[last:a], BREAK]
        last = b
    return "".join([*out, text[last:]])


@functools.lru_cache(maxsize=4096)  # a document's names mask its text and each snippet
def _name_forms(names: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The names as written, and those with their capitalised words, longest first."""
    whole: set[str] = set()
    parts: set[str] = set()
    for name in names:
        name = unicodedata.normalize("NFC", name or "").strip()
        if len(name) > 1:
            whole.add(name)
            words = _TOKEN.findall(name)
            if len(words) > 1:
                parts.update(w for w in words if len(w) > 1 and w[0].isupper())
    return frozenset(whole), tuple(sorted(whole | parts, key=lambda f: (-len(f), f)))


_NEXT_WORD = re.compile(r"[ \t]+(?:&[ \t]+)?([^\W\d_])")


def _starts_name(text: str, at: int) -> bool:
    """Whether a capitalised word follows ``at`` on the same line (maybe after "&")."""
    m = _NEXT_WORD.match(text, at)
    return m is not None and m.group(1).isupper()


@dataclass(frozen=True)
class KnownNames:
    """The people's names the pipeline knows (people and their aliases, two words or more),
    to find the ones a text holds where NER missed them: an interview's title "Interview:
    Shanice Devereux on gene editing" named her in no mention, so "shanice" and
    "devereux" became beats of the piece's author."""

    by_word: dict[str, tuple[tuple[str, ...], ...]]

    @classmethod
    def of(cls, names: Iterable[str]) -> KnownNames:
        """Index ``names`` by each of their words; one-word names are left out (a lone
        "Will" or "Rose" in a text is more often no one)."""
        by_word: dict[str, set[tuple[str, ...]]] = {}
        for name in names:
            words = tuple(_TOKEN.findall(unicodedata.normalize("NFC", name or "")))
            if len(words) > 1:
                for w in words:
                    by_word.setdefault(w, set()).add(words)
        return cls({w: tuple(sorted(v)) for w, v in by_word.items()})

    def found_in(self, text: str) -> list[str]:
        """The known names ``text`` holds, as written there (sorted): all of a name's words,
        in order, with nothing but spaces, quotes or brackets between them, or one more
        capitalised word (a middle name, a nickname)."""
        text = unicodedata.normalize("NFC", text or "")
        found: set[str] = set()
        for run in self._runs(text):
            words = [m.group() for m in run]
            for name in {n for w in words for n in self.by_word[w]}:
                for first, last in _in_order(words, name):
                    found.add(text[run[first].start() : run[last].end()])
        return sorted(found)

    def _runs(self, text: str) -> list[list[re.Match]]:
        """Runs of two or more words of known names, next to each other as in a name."""
        runs: list[list[re.Match]] = []
        run: list[re.Match] = []
        for m in _TOKEN.finditer(text):
            if m.group() not in self.by_word:
                continue
            if run and not _name_gap(text[run[-1].end() : m.start()]):
                if len(run) > 1:
                    runs.append(run)
                run = []
            run.append(m)
        if len(run) > 1:
            runs.append(run)
        return runs


_QUOTES = "\"“”‘’'()"


def _name_gap(gap: str) -> bool:
    """Whether ``gap`` may stand between two words of a name: spaces, quotes or brackets
    around a nickname ('Emily “Emma” Varkey'), or one capitalised word (a middle name)."""
    if "\n" in gap:  # a name never runs on to the next line (a list of names, one a line)
        return False
    words = "".join(" " if c in _QUOTES else c for c in gap).split()
    return not words or (len(words) == 1 and words[0][0].isupper() and words[0].isalpha())


def _in_order(words: list[str], name: tuple[str, ...]) -> list[tuple[int, int]]:
    """Every place ``name``'s words stand in ``words`` in order, from each occurrence of
    its first word, with at most one other word among them (a middle name): (first,
    last) indexes. "Jane Smith Jane Doe" holds Jane Doe from its second "Jane"."""
    spans = []
    for first, word in enumerate(words):
        if word != name[0]:
            continue
        at = first
        for w in name[1:]:
            try:
                at = words.index(w, at + 1)
            except ValueError:
                break
        else:
            if at - first <= len(name):
                spans.append((first, at))
    return spans


def tokens(text: str) -> list[list[str]]:
    """Lowercase word runs between punctuation (phrases never cross a comma or a full stop).
    The text is NFC-normalised first, so a letter written as a base and a combining accent
    is one letter, as it is in a name NER found; a typographic apostrophe is a plain one."""
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'")
    return [_TOKEN.findall(chunk) for chunk in _CHUNK.split(text)]


def phrases(
    text: str, max_n: int = 3, language: str | None = None, stop: frozenset[str] | None = None
) -> Counter:
    """1..``max_n``-word phrases of ``text``, counted. A phrase neither starts nor ends with a
    stop word (``stop``; by default those of ``language``, see :func:`stop_words`) or a
    one-letter word. An elided stop word is no part of the word it is written onto: French
    "l'équipe" is "équipe"."""
    stop = stop_words(language) if stop is None else stop
    out: list[str] = []
    for run in tokens(text):
        run = [_unelided(w, stop) for w in run]
        ok = [w not in stop and len(w) > 1 for w in run]
        out.extend(w for w, good in zip(run, ok, strict=True) if good)
        for n in range(2, max_n + 1):
            out.extend(
                " ".join(run[i : i + n])
                for i in range(len(run) - n + 1)
                if ok[i] and ok[i + n - 1]
            )
    return Counter(out)


def _unelided(word: str, stop: frozenset[str]) -> str:
    """``word`` without a stop word elided onto its front ("l'", "qu'", "dell'"), as
    spaCy's French and Italian lists hold them; English lists only suffixes ("'s")."""
    cut = word.find("'") + 1
    return word[cut:] if 0 < cut < len(word) and word[:cut] in stop else word


@dataclass
class VoiceText:
    """The text that stands for one voice in one industry, as phrase counts."""

    key: str  # person_id
    counts: Counter = field(default_factory=Counter)
    units: Counter = field(default_factory=Counter)  # in how many documents/sentences a phrase is
    n_units: int = 0  # documents and sentences added

    def add(self, *parts: Counter) -> None:
        """One document or sentence, given as one or more phrase counts."""
        for part in parts:
            self.counts.update(part)
        self.units.update(set().union(*parts) if len(parts) > 1 else parts[0].keys())
        self.n_units += 1


def beats(
    voices: Sequence[VoiceText],
    background: Counter,
    k: int = 8,
    min_units: int = 2,
    floor: float = 0.25,
    never: frozenset[str] = frozenset(),
    neutral: frozenset[str] = frozenset(),
) -> dict[str, list[tuple[str, float]]]:
    """The ``k`` phrases that set each voice apart from ``background`` (the industry's
    phrase counts, each document once), by log-odds z-score against the rest of the
    industry; returns ``{key: [(phrase, z)]}``.

    Phrases weighing under ``floor`` times the voice's best are not beats (a voice with
    little text gets fewer than ``k``). A phrase must occur in at least ``min_units`` of
    the voice's documents or sentences (so one long article cannot give a voice its whole
    profile); one phrase is kept when another contains it (see :func:`_distinct`). A
    phrase holding a name of ``never`` (people's names, lower case: a name NER missed in
    some sentence must not become a beat) is not a beat, nor one of ``neutral`` (what
    every industry writes alike, see
    :func:`innercircle.stages.profiles.industry_neutral_phrases`). A voice left with no
    phrase seen ``min_units`` times takes phrases seen once.
    """
    total_words = sum(background.values())
    out: dict[str, list[tuple[str, float]]] = {}
    for voice in voices:
        size = sum(voice.counts.values())
        if not size:
            out[voice.key] = []
            continue
        scored = []
        for need in dict.fromkeys((max(1, min(min_units, voice.n_units)), 1)):
            # With 1: a voice named in a few unrelated sentences, or whose repeated phrases
            # are all names or what every industry writes, takes what there is: a voice
            # read in two pieces or more always has a beat.
            scored = [s for s in _scored(voice, background, total_words, need)
                      if not _holds_name(s[1], never) and s[1] not in neutral]
            if scored:
                break
        scored.sort(reverse=True)
        best = scored[0][0] if scored else 0.0
        out[voice.key] = _distinct([s for s in scored if s[0] >= floor * best], k, voice.counts)
    return out


def _holds_name(phrase: str, names: frozenset[str]) -> bool:
    words = phrase.split()
    return any(
        " ".join(words[i:j]) in names
        for i in range(len(words))
        for j in range(i + 2, len(words) + 1)
    )


def _scored(voice: VoiceText, background: Counter, total_words: int, need: int) -> list:
    size = sum(voice.counts.values())
    scored = []
    rest_total = max(total_words - size, 1)
    for phrase, c in voice.counts.items():
        if voice.units[phrase] < need:
            continue
        # Log-odds of the phrase in the voice's text against the rest of the industry,
        # with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), as a
        # z-score: frequent *and* over-represented phrases score high; a phrase seen
        # twice in all the industry cannot outweigh one a voice keeps returning to.
        prior = PRIOR * (background.get(phrase, 0) + 1) / (total_words + len(background))
        rest = max(background.get(phrase, 0) - c, 0)
        delta = math.log((c + prior) / (size + PRIOR - c - prior)) - math.log(
            (rest + prior) / (rest_total + PRIOR - rest - prior)
        )
        weight = delta / math.sqrt(1 / (c + prior) + 1 / (rest + prior))
        if weight > 0:
            scored.append((weight, phrase))
    return scored


def _distinct(
    scored: list[tuple[float, str]], k: int, counts: Counter, complete: float = 0.8
) -> list[tuple[str, float]]:
    """The top ``k`` phrases, one of any two that contain each other: the longer one only
    when it is how the shorter one is nearly always used (``complete`` of its uses), so
    "payment orchestration" beats "payment orchestration got" but "real-time payments"
    beats "real-time"."""
    chosen: list[tuple[str, float]] = []
    for weight, phrase in scored:
        words = f" {phrase} "
        clash = next((i for i, (other, _w) in enumerate(chosen)
                      if words in f" {other} " or f" {other} " in words), None)
        if clash is None:
            chosen.append((phrase, round(weight, 6)))
        else:
            other = chosen[clash][0]
            longer, shorter = (phrase, other) if len(phrase) > len(other) else (other, phrase)
            # The shorter phrase wins unless the longer one is how it is nearly always
            # used; a single word never displaces a phrase that contains it.
            keep = longer if (counts[longer] >= complete * counts[shorter]
                              or " " not in shorter) else shorter
            if keep == phrase:
                chosen[clash] = (phrase, round(max(weight, chosen[clash][1]), 6))
        if len(chosen) >= k:
            break
    return chosen


# ------------------------------------------------------------------------- relevance


def relevance(
    focus: str, voices: Sequence[VoiceText], df: Counter, n_docs: int
) -> dict[str, tuple[int, float]]:
    """Each voice's closeness to ``focus``: ``{key: (relevance 0-100, cosine)}``.

    ``cosine`` is the TF-IDF cosine of 1-2 word phrases (industry document frequencies,
    sublinear term frequency); ``relevance`` rescales it so the industry's closest voice
    is 100 and a voice who shares no phrase with the focus is 0.
    """
    q = _tfidf(phrases(focus, 2), df, n_docs, 2)
    cos = {}
    for voice in voices:
        shared = [p for p in q if p in voice.counts]
        if not shared:
            cos[voice.key] = 0.0
            continue
        norm = _norm(voice.counts, df, n_docs)
        cos[voice.key] = sum(q[p] * _weight(voice.counts[p], df, n_docs, p) for p in shared) / norm
    top = max(cos.values(), default=0.0)
    return {k: (round(100 * c / top) if top > 0 else 0, c) for k, c in cos.items()}


def _weight(count: int, df: Counter, n_docs: int, phrase: str) -> float:
    idf = math.log((1 + n_docs) / (1 + df.get(phrase, 0))) + 1.0
    return (1.0 + math.log(count)) * idf


def _tfidf(counts: Counter, df: Counter, n_docs: int, max_words: int) -> dict[str, float]:
    vec = {p: _weight(c, df, n_docs, p) for p, c in counts.items()
           if p.count(" ") < max_words}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {p: v / norm for p, v in vec.items()}


def _norm(counts: Counter, df: Counter, n_docs: int) -> float:
    return math.sqrt(sum(_weight(c, df, n_docs, p) ** 2 for p, c in counts.items()
                         if p.count(" ") < 2)) or 1.0


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Hit:
    doc: int  # index into the documents searched
    score: float


def bm25(query: str, docs: Sequence[Counter], k1: float = 1.2, b: float = 0.75) -> list[Hit]:
    """Okapi BM25 of ``query`` (its words and two-word phrases) over ``docs`` (phrase counts
    per document), best first, documents that match nothing left out."""
    terms = [t for t in phrases(query, 2)]
    if not terms or not docs:
        return []
    n = len(docs)
    lengths = [sum(c for p, c in d.items() if " " not in p) for d in docs]
    avg = (sum(lengths) / n) or 1.0
    hits = []
    dfs = {t: sum(1 for d in docs if t in d) for t in terms}
    for i, d in enumerate(docs):
        score = 0.0
        for t in terms:
            tf = d.get(t, 0)
            if not tf:
                continue
            idf = math.log(1 + (n - dfs[t] + 0.5) / (dfs[t] + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[i] / avg))
        if score > 0:
            hits.append(Hit(i, score))
    hits.sort(key=lambda h: -h.score)
    return hits


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def best_sentence(query: str, texts: Iterable[str]) -> str | None:
    """The sentence of ``texts`` that shares most of the query's phrases (ties: shorter)."""
    terms = set(phrases(query, 2))
    best: tuple[int, int, str] | None = None
    for text in texts:
        for sentence in _SENTENCE.split(text or ""):
            got = len(terms & set(phrases(sentence, 2)))
            if got and (best is None or (got, -len(sentence)) > (best[0], best[1])):
                best = (got, -len(sentence), sentence.strip())
    return best[2] if best else None
