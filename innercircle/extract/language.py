"""Which language a document is written in: it decides which NER model may read it.

The detector is py3langid (BSD; a maintained fork of langid.py: 97 languages, a
small naive-Bayes model over byte n-grams, offline and about a millisecond a page).
It reads the main text. What the page declares (``<html lang>``, ``og:locale``,
``Content-Language``) is weaker evidence, since templates often keep a default "en"
on pages written in another language; it serves as

* the tie-breaker when the text is ambiguous between the declared language and
  another one (close relatives: de/nl, es/pt/gl, no/da/sv), and
* the answer for texts too short to read, when nothing contradicts it.

The result is an ISO 639-1 code ("en", "de"), or None when neither the text nor the
page settles it: a wrong language would send the text to the wrong model, while
"unknown" lets the caller decide.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Below this many letters the text alone does not decide for a page that declares
# nothing; with a declared language, a clear reading of 80 letters may overrule it.
MIN_LETTERS = 200
# The detector's probability needed to overrule a declared language, or to decide
# alone when the page declares none.
CONFIDENT = 0.90
# A declared language this likely in the detector's own ranking is taken as the answer.
PLAUSIBLE = 0.05
# Reading more than this many characters changes nothing but the time taken.
MAX_CHARS = 4000

_LETTER = re.compile(r"[^\W\d_]", re.U)
_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")
# py3langid speaks ISO 639-1 already, except for a few legacy/macro codes.
_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "nb": "no", "nn": "no"}


@lru_cache(maxsize=1)
def _identifier():
    """The detector, loaded once per process (normalised probabilities), from the
    decompressed copy of its model (:mod:`.langid_model`)."""
    from innercircle.extract.langid_model import load_identifier

    return load_identifier(norm_probs=True)


@lru_cache(maxsize=1)
def _raw_identifier():
    """The same model scoring without normalised probabilities (``py3langid.classify``'s
    answers), built on the arrays of :func:`_identifier`: the model (about 80 MB) is held
    once per process, not twice."""
    from py3langid.langid import LanguageIdentifier

    model = _identifier()
    return LanguageIdentifier(
        model.nb_ptc, model.nb_pc, model.nb_classes, model.tk_nextmove, model.tk_output,
        norm_probs=False, tk_row=model.tk_row,
    )


def most_likely_language(text: str) -> str:
    """py3langid's best guess for ``text`` (as ``py3langid.classify``), however unsure."""
    return _raw_identifier().classify(text)[0]


def declared_language(*tags: str | None) -> str | None:
    """The first usable ISO 639-1 code among declared tags ("de-CH", "fr_FR", "en")."""
    labels = set(_identifier().labels)
    for tag in tags:
        m = _TAG.match(tag or "")
        if not m:
            continue
        code = m.group(1).lower()
        code = _ALIASES.get(code, code)
        if len(code) == 2 and code in labels:
            return code
    return None


def detect_language(text: str, *declared: str | None) -> str | None:
    """ISO 639-1 code of ``text``, the page's declared tags as tie-breaker; None if unsure.

    ``declared`` are the page's own claims in order of trust, e.g. the ``<html lang>``
    attribute then ``og:locale``.
    """
    hint = declared_language(*declared)
    sample = (text or "")[:MAX_CHARS]
    letters = len(_LETTER.findall(sample))
    if letters < 20:
        return hint
    ranking = _identifier().rank(sample)
    best, p_best = ranking[0]
    best = _ALIASES.get(best, best)
    p_hint = next((p for lang, p in ranking if _ALIASES.get(lang, lang) == hint), 0.0)
    confident = p_best >= CONFIDENT and letters >= (MIN_LETTERS if hint is None else 80)
    if hint is None or hint == best:
        return best if (hint == best or confident) else None
    if p_hint >= PLAUSIBLE:
        return hint  # a close call between relatives: the page's own claim decides
    if confident:
        return best  # the text clearly says otherwise: the template's claim is wrong
    return hint if letters < MIN_LETTERS else None
