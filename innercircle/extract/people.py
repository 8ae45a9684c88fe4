"""People named in running text: spaCy PERSON entities, cleaned, joined and quoted.

Each document goes only to the model of its language (:func:`language_models`: English
by default, more through ``INNERCIRCLE_SPACY_MODELS``). A document in a language without
a model gets no NER at all (its bylines still count): the English model reads
capitalised German nouns as people ("Art und Weise", "Wenn Sie"). A document whose
language is unknown (``NULL``) is identified here with ``py3langid``; it is read only
when that says it is in a language with a model. Each model is loaded once per process,
on the first document in its language, with only what NER needs (``tok2vec`` and
``ner``, plus a rule-based ``sentencizer`` for evidence sentences).

On top of the raw entities, per document:

* spans are trimmed: honorifics, possessives and interface words glued to the edges
  ("Meet Jane Doe", "Jane Doe Follow") are removed, so the span is the name itself;
* spans that are not a mention at all are refused, with a reason recorded in the
  entity labels: organisation and place words (``Acme Inc``, ``Main Street``), digits,
  all-lowercase text, citation-style names ("Lee H", "Roger A."), names in a reference
  list or figure caption ("et al.", "Fig. 2", a wiki's "↑", "27: 89–118", "Lee AB, Kim
  CD", a supplier's "(City, ST, USA)"; judged on the span's own line), a heading or a list
  of titles (:data:`LIST_CAPS_SHARE`), a dateline ("PLACE, REGION — …"), a possessive
  inside the span ("Lantern's Night"), button text made of interface words
  ("Camera Zoom"), and a one-word name that is a common word of the document's language
  where its capital letter is no evidence ("Doch", "Wenn");
* a one-word mention ("Smith", "Jane") takes the full name used earlier in the same
  document ("Jane Smith"), or later if that is the only candidate. It is never joined
  across documents (see :mod:`innercircle.personhood`);
* each mention keeps its sentence (at most :data:`SNIPPET_CHARS` characters around
  the name) and ``quoted=True`` when the sentence reports speech: a speech verb
  next to the name ("…", said Smith / Smith told …) with a quotation mark nearby.

Every entity the model labels, PERSON or not, is also counted per name key
(:attr:`DocPeople.labels`), so resolution can ask how the whole corpus labels a string.

Texts longer than :data:`MAX_CHARS` are cut at the last paragraph or sentence end
before the limit: people who matter in an article are named in its first pages,
and the limit bounds memory and time per document (spaCy's cost is linear in
length, and one 2 MB page must not stall a batch).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from innercircle.errors import ModelLoadError
from innercircle.extract.names import HONORIFICS, clean_person_name, name_key
from innercircle.model import PersonMention
from innercircle.settings import Settings, language_code, parse_spacy_models
from innercircle.vocabulary import (
    ORGANISATION_WORDS,
    UI_LEADING,
    UI_TRAILING,
    UI_WORDS,
    in_reference_context,
    is_citation_style,
    is_common_word,
    is_given_name,
    is_given_name_anywhere,
    zipf,
)

MAX_CHARS = 100_000
SNIPPET_CHARS = 240
_KEEP = ("tok2vec", "transformer", "ner")
DEFAULT_LANGUAGE = "en"
#: Entity labels counted per name key; other models' person label maps to PERSON.
RECORDED_LABELS = frozenset(
    ["PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "GPE", "LOC", "FAC", "NORP", "EVENT", "MISC"]
)
_PERSON_LABELS = frozenset(["PERSON", "PER"])
#: Languages that capitalise every noun: there a capital letter says nothing about a name.
_NOUN_CAPITALISING = frozenset(["de", "lb"])
_DETECT_CHARS = 2000


def language_models(english: str | None = None, others: str | None = None) -> dict[str, str]:
    """Language (ISO 639-1) -> spaCy model: ``others`` in the ``INNERCIRCLE_SPACY_MODELS``
    form ("fr=fr_core_news_sm,de=de_core_news_sm"; default: that setting), with English from
    ``english`` or ``INNERCIRCLE_SPACY_MODEL``."""
    if english is None or others is None:
        settings = Settings.from_env()
        english = english or settings.spacy_model
        others = settings.spacy_models if others is None else others
    return {**parse_spacy_models(others), DEFAULT_LANGUAGE: english}


def models_signature(models: Mapping[str, str]) -> str:
    """A stored signature ("en=...,fr=...") per document: it is read again when the model of
    any language changes or one is added."""
    return ",".join(f"{k}={v}" for k, v in sorted(models.items()))


_norm_lang = language_code


def reading_language(text: str, declared: str | None) -> str | None:
    """The language a text is read in: the declared one, else the one ``py3langid`` reads
    in the text's start (an empty text has nothing to read: it counts as the default
    language)."""
    lang = _norm_lang(declared)
    if lang:
        return lang
    if not text.strip():
        return DEFAULT_LANGUAGE
    from innercircle.extract.language import most_likely_language

    return _norm_lang(most_likely_language(text[:_DETECT_CHARS]))


@dataclass
class DocPeople:
    """What NER found in one document."""

    mentions: list[PersonMention] = field(default_factory=list)
    language: str | None = None  # the language the document was read as
    model: str | None = None  # None: no model for its language, no NER
    #: (name_key, label, refused reason or "") -> spans in the document
    labels: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    display: dict[str, str] = field(default_factory=dict)  # name_key -> as first written


class PersonFinder:
    """Finds people in texts, each with the model of its language; see the module doc."""

    def __init__(
        self,
        model_name: str | None = None,
        batch_size: int = 64,
        models: Mapping[str, str] | None = None,
    ) -> None:
        self.models = dict(models) if models else language_models(model_name)
        if model_name:
            self.models[DEFAULT_LANGUAGE] = model_name
        self.model_name = self.models[DEFAULT_LANGUAGE]
        self.signature = models_signature(self.models)
        self.batch_size = batch_size
        self._nlp: dict[str, object] = {}
        # The default model is loaded now, so that a missing model fails the step at once
        # with a clear message; the others on their first document.
        self.nlp = self._model(DEFAULT_LANGUAGE)

    def _model(self, lang: str):
        if lang not in self._nlp:
            self._nlp[lang] = _load(self.models[lang])
        return self._nlp[lang]

    def language_of(self, text: str, declared: str | None) -> str | None:
        """:func:`reading_language` (the method kept for callers of the finder)."""
        return reading_language(text, declared)

    def raw_entities(self, texts: Iterable[str]) -> list[list[tuple[int, int]]]:
        """Plain PERSON spans as the default model gives them (the benchmark's baseline)."""
        out = []
        capped = (truncate_text(t or "") for t in texts)
        for doc in self.nlp.pipe(capped, batch_size=self.batch_size):
            out.append([(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"])
        return out

    def analyse(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[DocPeople]:
        """:class:`DocPeople` per text, in order. ``languages=None`` means every text is in
        the default language (English); a ``None`` item is detected from the text."""
        texts = [t or "" for t in texts]
        if languages is None:
            langs: list[str | None] = [DEFAULT_LANGUAGE] * len(texts)
        else:
            langs = [self.language_of(t, d) for t, d in zip(texts, languages, strict=True)]
        out = [DocPeople(language=lang) for lang in langs]
        by_lang: dict[str, list[int]] = {}
        for i, lang in enumerate(langs):
            if lang in self.models and texts[i].strip():
                by_lang.setdefault(lang, []).append(i)
            elif lang in self.models:
                out[i].model = self.models[lang]
        for lang, idx in by_lang.items():
            nlp = self._model(lang)
            docs = nlp.pipe((truncate_text(texts[i]) for i in idx), batch_size=self.batch_size)
            for i, doc in zip(idx, docs, strict=True):
                out[i] = _analyse(doc, lang)
                out[i].model = self.models[lang]
        return out

    def find_people(
        self, texts: Iterable[str], languages: Sequence[str | None] | None = None
    ) -> list[list[PersonMention]]:
        """PersonMentions for each text, in order; empty lists for empty texts and texts
        in a language without a model."""
        return [d.mentions for d in self.analyse(list(texts), languages)]


def cannot_load(model_name: str, why: str) -> ModelLoadError:
    """The one line for a model that cannot be loaded, saying which settings name it."""
    return ModelLoadError(
        f"could not load the spaCy model {model_name!r} ({why}); install it or "
        "set INNERCIRCLE_SPACY_MODEL (English) / INNERCIRCLE_SPACY_MODELS "
        "(lang=model,...) to installed spaCy pipelines with an 'ner' component"
    )


def _load(model_name: str):
    try:
        import spacy

        nlp = spacy.load(model_name, exclude=_excluded(model_name))
    except (OSError, ImportError, ValueError) as exc:
        raise cannot_load(model_name, str(exc)) from exc
    if "ner" not in nlp.pipe_names:
        raise ModelLoadError(
            f"spaCy model {model_name!r} has no 'ner' component; set "
            "INNERCIRCLE_SPACY_MODEL to a pipeline that recognises PERSON entities"
        )
    if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    return nlp


def _excluded(model_name: str) -> list[str]:
    """Every component of the pipeline except those NER needs, read from its meta.json."""
    from pathlib import Path

    from spacy.util import get_package_path, is_package, srsly

    try:
        root = get_package_path(model_name) if is_package(model_name) else Path(model_name)
        metas = [root / "meta.json", *sorted(root.glob("*/meta.json"))]
        meta = srsly.read_json(next(p for p in metas if p.is_file()))
    except (StopIteration, OSError, ValueError):
        return []  # unknown layout: load everything, still correct, only slower
    names = meta.get("components") or meta.get("pipeline") or []
    return [n for n in names if n not in _KEEP]


_SPEECH_VERBS = (
    r"said|says|say|told|tells|added|adds|explained|explains|noted|notes|stated|states|"
    r"wrote|writes|asked|asks|argued|argues|recalled|recalls|insisted|insists|warned|"
    r"warns|declared|declares|claimed|claims|replied|replies|commented|comments|"
    r"according\s+to|sagte|sagt|erklärte|erklärt|betonte|betont"
)
_QUOTE_CHARS = '"“”„«»‘’‚‹›「」'
#: ’ and ‘ between two letters are apostrophes ("Poe’s", "market’s"), not quotation marks.
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[’‘](?=[^\W\d_])")
_SPEECH_AFTER = re.compile(rf"^\W{{0,3}}\s*(?:{_SPEECH_VERBS})\b", re.I)
_SPEECH_BEFORE = re.compile(rf"\b(?:{_SPEECH_VERBS})\s*[,:]?\s*(?:\w+\s+){{0,3}}$", re.I)
_LEADING = re.compile(r"^(?:the\s+)?", re.I)
_DIGIT_TOKEN = re.compile(r"\s+\S*\d")
#: A leading word this frequent in the language that is not a given name is a title or a
#: role before a name of two or more words ("Defender Hassan Abbas", "Centre Jane Doe").
TITLE_ZIPF = 4.0
_WS = re.compile(r"\s+")


def truncate_text(text: str, limit: int = MAX_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    if cut < limit // 2:
        cut = max(text.rfind(". ", 0, limit), limit // 2)
    return text[: cut + 1]


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading honorifics/"the" and a trailing possessive from a span; cut it at a line
    break or at a token with digits ("Astle 2", "Afridi 88\nC. Cairns"): a name has
    neither."""
    while start < end and text[start].isspace():
        start += 1
    nl = text.find("\n", start, end)
    if nl > start:
        end = nl
    m = _DIGIT_TOKEN.search(text, start, end)
    if m and m.start() > start:
        end = m.start()
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
    if any(w.lower() in ORGANISATION_WORDS for w in words):
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
    """A speech verb beside the name, in a sentence that holds a quotation mark (the end of
    a quote that began sentences earlier counts). A quotation in a sentence nearby is not
    enough: "Several readers asked whether Jake AI is worth it." quotes no one."""
    sentence = _APOSTROPHE.sub("", text[sent_start:sent_end])
    if not any(q in sentence for q in _QUOTE_CHARS):
        return False
    after = text[end : end + 40]
    before = text[max(sent_start, start - 60) : start]
    return bool(_SPEECH_AFTER.match(after) or _SPEECH_BEFORE.search(before))


def _trim_ui(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop interface words glued to a span's edges ("Meet Jane Doe", "Jane Doe Follow")."""
    while True:
        m = re.match(r"([^\W\d_]+)\s+", text[start:end])
        if m and m.group(1).lower() in UI_LEADING and end - start > m.end():
            start += m.end()
            continue
        m = re.search(r"\s+([^\W\d_]+)$", text[start:end])
        if m and m.group(1).lower() in UI_TRAILING and m.start() > 0:
            end = start + m.start()
            continue
        return start, end


def trim_title(text: str, start: int, end: int, lang: str | None) -> tuple[int, int]:
    """Drop leading role words while three or more words are left ("Prime Minister Jane
    Doe" -> "Jane Doe"; see :data:`TITLE_ZIPF`)."""
    while lang:
        m = re.match(r"([^\W\d_]+)\s+(?=\S+\s+\S)", text[start:end])
        if not m or is_given_name(m.group(1)) or zipf(m.group(1), lang) < TITLE_ZIPF:
            break
        start += m.end()
    return start, end


#: A sentence whose other words are mostly capitalised is a heading, a menu, a list of
#: titles ("One year ago: Swirled Berry Yogurt Popsicles and Pasta Salad …", "Routing and
#: Templating Single Stores 13:30 - Using Pre-Save hooks to make Unique Slugs"), not prose:
#: a capitalised span in it is no evidence of a name. Counted over words of four letters
#: or more (function words are short) outside every entity the model found, without the
#: sentence's first word; only with enough such words to tell. A given name (in any
#: locale) does not count as capitalised: a team sheet the model only half read is a list
#: of people, not of titles.
LIST_CAPS_SHARE = 0.7
LIST_MIN_WORDS = 8
#: A place written in capitals at the start of a line and followed by a dash opens a news
#: story ("PLACE, REGION — The …"): a dateline, not a person.
_DATELINE = re.compile(r"(?:\s*,\s*[^\W\d_][^\W\d_ .]*(?:\s[^\W\d_.]+)?)?\s*[—–-]\s")
_POSSESSIVE_INSIDE = re.compile(r"[^\W\d_]['’]s\s")


def is_dateline(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is written in capitals, opens its line and is followed
    by a dash, maybe after ", REGION" (see :data:`_DATELINE`)."""
    opens_line = not text[text.rfind("\n", 0, start) + 1 : start].strip()
    return opens_line and text[start:end].isupper() and bool(_DATELINE.match(text, end))


def title_case_share(sent, in_entity: set[int]) -> tuple[float, int]:
    """(share of capitalised words, words counted) of a spaCy sentence (see
    :data:`LIST_CAPS_SHARE`)."""
    caps = n = 0
    for tok in sent[1:]:
        if tok.i in in_entity or len(tok.text) < 4 or not tok.text.isalpha():
            continue
        n += 1
        caps += tok.text[0].isupper() and not is_given_name_anywhere(tok.text)
    return (caps / n if n else 0.0), n


def refusal(
    surface: str,
    sentence: str,
    lang: str | None,
    sentence_initial: bool,
    caps_share: tuple[float, int] = (0.0, 0),
) -> str | None:
    """Why a PERSON span is not a mention of a person at all, or None.

    Shape and context only, nothing about particular names: see the module doc.
    ``caps_share`` is :func:`title_case_share` of the span's sentence.
    """
    if not looks_like_person(surface) or _POSSESSIVE_INSIDE.search(surface):
        return "not a name shape"
    words = re.findall(r"[^\W\d_]+", surface)
    if all(w.lower() in UI_WORDS for w in words):
        return "interface text"
    if is_citation_style(surface):
        return "citation style"
    if in_reference_context(sentence):
        return "reference or caption"
    capital_is_evidence = not sentence_initial and lang not in _NOUN_CAPITALISING
    share, counted = caps_share
    if lang not in _NOUN_CAPITALISING and counted >= LIST_MIN_WORDS and share >= LIST_CAPS_SHARE:
        return "heading or list"
    if len(words) == 1 and not capital_is_evidence and is_common_word(words[0], lang):
        return "common word"
    return None


def _analyse(doc, lang: str | None = DEFAULT_LANGUAGE) -> DocPeople:
    text = doc.text
    out = DocPeople(language=lang)
    others = []
    in_entity = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    shares: dict[int, tuple[float, int]] = {}
    for ent in doc.ents:
        label = "PERSON" if ent.label_ in _PERSON_LABELS else ent.label_
        if label not in RECORDED_LABELS:
            continue
        start, end = trim_span(text, ent.start_char, ent.end_char)
        if label != "PERSON":
            _count(out, text[start:end], label, "")
            others.append((ent, start, end))
            continue
        _take(out, text, ent, start, end, lang, record=True, shares=(shares, in_entity))
    # The model labels a person's short form ORG or GPE in one sentence and PERSON in
    # another ("Brian Lara" ... "Lara"): inside the document, the same name is the same
    # person. Only a span that is exactly a person's name or surname here is taken.
    known = {name_key(m.surface) for m in out.mentions}
    known |= {name_key(m.name).split()[-1] for m in out.mentions if " " in m.name}
    for ent, start, end in others:
        if ent.label_ in _RELABEL and name_key(text[start:end]) in known:
            _take(out, text, ent, start, end, lang, record=False, shares=(shares, in_entity))
    out.mentions.sort(key=lambda m: m.start)
    _join_partial_names(out.mentions)
    return out


#: Labels the model gives people by mistake, that in-document evidence may overrule.
_RELABEL = frozenset(["ORG", "GPE", "PRODUCT", "NORP", "FAC", "WORK_OF_ART", "LOC", "MISC"])


def _take(
    out: DocPeople,
    text: str,
    ent,
    start: int,
    end: int,
    lang: str | None,
    record: bool,
    shares: tuple[dict[int, tuple[float, int]], set[int]],
) -> None:
    """Add the span as a mention unless it is refused (and count it when ``record``).
    ``shares`` caches :func:`title_case_share` per sentence, with the entity tokens.
    ``text`` is the document's text, passed in: spaCy's ``Doc.text`` joins every token
    again on each call, which for every entity of a long document cost more than half
    of the work after NER."""
    start, end = _trim_ui(text, start, end)
    start, end = trim_title(text, start, end, lang)
    surface = text[start:end]
    sent = ent.sent
    initial = not text[sent.start_char : start].strip(" \t\n\"'“”‘’„«»([-–—•*")
    cache, in_entity = shares
    if sent.start not in cache:
        cache[sent.start] = title_case_share(sent, in_entity)
    # A sentence the sentencizer ran across line breaks: only the span's own line is its
    # context (a reference line must not refuse the prose paragraph after it).
    line_start = max(sent.start_char, text.rfind("\n", 0, start) + 1)
    line_end = text.find("\n", end, sent.end_char)
    line = text[line_start : line_end if line_end >= 0 else sent.end_char]
    reason = refusal(surface, line, lang, initial, cache[sent.start])
    if not reason and is_dateline(text, start, end):
        reason = "dateline"
    name = None if reason else clean_person_name(surface)
    if record:
        _count(out, surface, "PERSON", "" if name else reason or "not a name shape")
    if not name:
        return
    out.mentions.append(
        PersonMention(
            name=name,
            surface=surface,
            start=start,
            end=end,
            sentence=_snippet(sent.text, start - sent.start_char, end - sent.start_char),
            quoted=_is_quoted(text, sent.start_char, sent.end_char, start, end),
        )
    )


def doc_mentions(doc) -> list[PersonMention]:
    """The mentions of one English spaCy doc, for callers that run `nlp.pipe` themselves
    (benchmarks/ner_parallel.py times spaCy's own `n_process` with it)."""
    return _analyse(doc).mentions


def _count(out: DocPeople, surface: str, label: str, refused: str) -> None:
    """Count one entity under its name key, when it has the shape of a name at all."""
    words = surface.split()
    if not words or len(words) > 6 or len(surface) > 80:
        return
    key = name_key(surface)  # the span is already trimmed of honorifics and possessives
    if key:
        out.labels[(key, label, refused)] += 1
        out.display.setdefault(key, surface.strip())


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
