"""People named in running text: spaCy PERSON entities, cleaned, joined and quoted.

The model is loaded once per :class:`PersonFinder` with only what NER needs
(``tok2vec`` and ``ner``, plus a rule-based ``sentencizer`` for evidence
sentences): tagger, parser, lemmatizer and attribute ruler are excluded, which
roughly halves the time per document and does not change the entities.

On top of the raw entities:

* organisations, places and products that the small model tags as PERSON are
  dropped by their shape (``Acme Inc``, ``Main Street``, digits, all lowercase);
* honorifics and possessives are removed from the span (``Mr. Smith's`` ->
  ``Smith``), so the span is the name itself;
* a one-word mention ("Smith", "Jane") takes the full name used earlier in the
  same document ("Jane Smith"), or later if that is the only candidate;
* each mention keeps its sentence (at most :data:`SNIPPET_CHARS` characters around
  the name) and ``quoted=True`` when the sentence reports speech: a speech verb
  next to the name ("…", said Smith / Smith told …) with a quotation mark nearby.

Texts longer than :data:`MAX_CHARS` are cut at the last paragraph or sentence end
before the limit: people who matter in an article are named in its first pages,
and the limit bounds memory and time per document (spaCy's cost is linear in
length, and one 2 MB page must not stall a batch).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from innercircle.errors import ModelLoadError
from innercircle.extract.names import HONORIFICS, clean_person_name
from innercircle.model import PersonMention
from innercircle.settings import Settings

MAX_CHARS = 100_000
SNIPPET_CHARS = 240
_KEEP = ("tok2vec", "transformer", "ner")

# Words that make a "PERSON" span an organisation, place, event or product.
_NOT_PERSON_WORDS = frozenset(
    [
        "inc",
        "corp",
        "corporation",
        "co",
        "ltd",
        "llc",
        "plc",
        "gmbh",
        "ag",
        "group",
        "holdings",
        "bank",
        "capital",
        "partners",
        "ventures",
        "fund",
        "university",
        "college",
        "school",
        "institute",
        "foundation",
        "association",
        "society",
        "party",
        "church",
        "council",
        "committee",
        "ministry",
        "department",
        "agency",
        "commission",
        "court",
        "street",
        "st",
        "road",
        "avenue",
        "ave",
        "boulevard",
        "square",
        "park",
        "bridge",
        "river",
        "lake",
        "mountain",
        "island",
        "city",
        "county",
        "state",
        "province",
        "airport",
        "station",
        "stadium",
        "arena",
        "hospital",
        "hotel",
        "center",
        "centre",
        "museum",
        "gallery",
        "theatre",
        "theater",
        "festival",
        "award",
        "awards",
        "prize",
        "cup",
        "league",
        "championship",
        "open",
        "olympics",
        "games",
        "tour",
        "series",
        "app",
        "apps",
        "pro",
        "max",
        "mini",
        "plus",
        "ios",
        "android",
        "windows",
        "linux",
        "online",
        "news",
        "times",
        "post",
        "journal",
        "magazine",
        "radio",
        "tv",
        "network",
        "media",
    ]
)
_SPEECH_VERBS = (
    r"said|says|say|told|tells|added|adds|explained|explains|noted|notes|stated|states|"
    r"wrote|writes|asked|asks|argued|argues|recalled|recalls|insisted|insists|warned|"
    r"warns|declared|declares|claimed|claims|replied|replies|commented|comments|"
    r"according\s+to|sagte|sagt|erklärte|erklärt|betonte|betont"
)
_QUOTE_CHARS = '"“”„«»‘’‚‹›「」'
_SPEECH_AFTER = re.compile(rf"^\W{{0,3}}\s*(?:{_SPEECH_VERBS})\b", re.I)
_SPEECH_BEFORE = re.compile(rf"\b(?:{_SPEECH_VERBS})\s*[,:]?\s*(?:\w+\s+){{0,3}}$", re.I)
_LEADING = re.compile(r"^(?:the\s+)?", re.I)
_WS = re.compile(r"\s+")


def _truncate(text: str, limit: int = MAX_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    if cut < limit // 2:
        cut = max(text.rfind(". ", 0, limit), limit // 2)
    return text[: cut + 1]


class PersonFinder:
    """Finds people in texts with one spaCy model loaded once; see the module doc."""

    def __init__(self, model_name: str | None = None, batch_size: int = 64) -> None:
        self.model_name = model_name or Settings.from_env().spacy_model
        self.batch_size = batch_size
        try:
            import spacy

            nlp = spacy.load(self.model_name, exclude=self._excluded())
        except (OSError, ImportError, ValueError) as exc:
            raise ModelLoadError(
                f"could not load the spaCy model {self.model_name!r} ({exc}); install it or "
                "set INNERCIRCLE_SPACY_MODEL to an installed spaCy pipeline with an 'ner' "
                "component"
            ) from exc
        if "ner" not in nlp.pipe_names:
            raise ModelLoadError(
                f"spaCy model {self.model_name!r} has no 'ner' component; set "
                "INNERCIRCLE_SPACY_MODEL to a pipeline that recognises PERSON entities"
            )
        if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer", first=True)
        self.nlp = nlp

    def _excluded(self) -> list[str]:
        """Every component of the pipeline except those NER needs, read from its meta.json."""
        from pathlib import Path

        from spacy.util import get_package_path, is_package, srsly

        try:
            if is_package(self.model_name):
                root = get_package_path(self.model_name)
            else:
                root = Path(self.model_name)
            metas = [root / "meta.json", *sorted(root.glob("*/meta.json"))]
            meta = srsly.read_json(next(p for p in metas if p.is_file()))
        except (StopIteration, OSError, ValueError):
            return []  # unknown layout: load everything, still correct, only slower
        names = meta.get("components") or meta.get("pipeline") or []
        return [n for n in names if n not in _KEEP]

    def raw_entities(self, texts: Iterable[str]) -> list[list[tuple[int, int]]]:
        """Plain PERSON spans as the model gives them (the baseline of the benchmark)."""
        out = []
        for doc in self.nlp.pipe((_truncate(t or "") for t in texts), batch_size=self.batch_size):
            out.append([(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"])
        return out

    def find_people(self, texts: Iterable[str]) -> list[list[PersonMention]]:
        """PersonMentions for each text, in order; empty lists for empty texts."""
        out = []
        for doc in self.nlp.pipe((_truncate(t or "") for t in texts), batch_size=self.batch_size):
            out.append(_mentions(doc))
        return out


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading honorifics/"the" and a trailing possessive from a span."""
    while True:
        m = re.match(r"(\w+)\.?\s+", text[start:end])
        if m and m.group(1).lower() in HONORIFICS and end - start > m.end():
            start += m.end()
            continue
        break
    m = re.search(r"['’]s?$", text[start:end])
    if m and end - start > 2:
        end = start + m.start()
    while end > start and text[end - 1] in " ,.;:-–—":
        # keep a final initial's dot ("John F.") only when it follows a single letter
        if (
            text[end - 1] == "."
            and end - start >= 2
            and text[end - 2].isalpha()
            and (end - start == 2 or not text[end - 3].isalpha())
        ):
            break
        end -= 1
    return start, end


def looks_like_person(surface: str) -> bool:
    """Shape filter for PERSON spans: no digits, no org/place words, some capital letter."""
    if any(ch.isdigit() for ch in surface) or "@" in surface or "/" in surface:
        return False
    words = re.findall(r"[^\W\d_]+", surface)
    if not words or len(words) > 5:
        return False
    if any(w.lower() in _NOT_PERSON_WORDS for w in words):
        return False
    return any(ch.isupper() for ch in surface) or not any(ch.isascii() for ch in surface)


def _snippet(sentence: str, rel_start: int, rel_end: int) -> str:
    sentence = sentence.strip()
    if len(sentence) <= SNIPPET_CHARS:
        return _WS.sub(" ", sentence)
    half = (SNIPPET_CHARS - (rel_end - rel_start)) // 2
    a = max(0, rel_start - half)
    b = min(len(sentence), rel_end + half)
    a = sentence.rfind(" ", 0, a) + 1 if a > 0 else 0
    b_space = sentence.find(" ", b)
    b = b_space if b_space != -1 else len(sentence)
    return ("…" if a > 0 else "") + _WS.sub(" ", sentence[a:b]) + ("…" if b < len(sentence) else "")


def _is_quoted(text: str, sent_start: int, sent_end: int, start: int, end: int) -> bool:
    window = text[max(0, sent_start - 200) : min(len(text), sent_end + 50)]
    if not any(q in window for q in _QUOTE_CHARS):
        return False
    after = text[end : end + 40]
    before = text[max(sent_start, start - 60) : start]
    return bool(_SPEECH_AFTER.match(after) or _SPEECH_BEFORE.search(before))


def _mentions(doc) -> list[PersonMention]:
    text = doc.text
    found: list[PersonMention] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        start, end = _trim_span(text, ent.start_char, ent.end_char)
        surface = text[start:end]
        if not looks_like_person(surface):
            continue
        name = clean_person_name(surface)
        if not name:
            continue
        sent = ent.sent
        found.append(
            PersonMention(
                name=name,
                surface=surface,
                start=start,
                end=end,
                sentence=_snippet(sent.text, start - sent.start_char, end - sent.start_char),
                quoted=_is_quoted(text, sent.start_char, sent.end_char, start, end),
            )
        )
    _join_partial_names(found)
    return found


def _join_partial_names(mentions: list[PersonMention]) -> None:
    """Give one-word mentions the full name they abbreviate in the same document."""
    full = [m.name for m in mentions if " " in m.name]
    for i, m in enumerate(mentions):
        if " " in m.name:
            continue
        word = m.name.lower()
        earlier = [
            n
            for n in (x.name for x in mentions[:i] if " " in x.name)
            if word in (n.split()[0].lower(), n.split()[-1].lower())
        ]
        if earlier:
            m.name = earlier[-1]
            continue
        later = {n for n in full if word in (n.split()[0].lower(), n.split()[-1].lower())}
        if len(later) == 1:
            m.name = later.pop()
