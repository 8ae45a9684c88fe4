"""Person-name cleaning and matching keys.

Every stage that reads a name (feed bylines, page bylines, NER mentions) passes it
through :func:`clean_person_name` so that "By DR. JANE DOE's" and "Jane Doe" reach
resolution as the same display name, and :func:`name_key` gives the comparison key
(case, diacritics and punctuation folded) that resolution and the benchmark use.
Both are pure, dependency-free and cheap enough to call per mention.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

# Titles that precede a name and say nothing about identity.
HONORIFICS = frozenset(
    [
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "professor",
        "sir",
        "dame",
        "rev",
        "revd",
        "reverend",
        "hon",
        "fr",
        "herr",
        "frau",
        "mme",
        "mlle",
        "dott",
        "dott.ssa",
        "ing",
        "lord",
        "lady",
    ]
)
# Trailing degrees and generational suffixes; dropped so "Jane Doe, PhD" == "Jane Doe".
SUFFIXES = frozenset(
    ["jr", "sr", "ii", "iii", "iv", "phd", "ph.d", "md", "mba", "esq", "dphil", "msc", "bsc", "frs"]
)
# Degrees and credentials that follow a name only after a comma ("Jane Doe, MA"): as
# bare tokens several are also surnames or honorifics ("Ma", "Ms"), so only this form.
COMMA_DEGREES = SUFFIXES | frozenset(
    ["ma", "ms", "mph", "rn", "dds", "dvm", "mfa", "cpa", "cfa", "rd", "lcsw", "facs", "ba", "bs"]
)
# Lowercase words allowed inside a person name (nobiliary particles and the like).
PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "lo",
        "ter",
        "ten",
        "zu",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "e",
        "und",
        "st",
    ]
)
# Strings feeds and CMSs put in author fields when there is no author.
PLACEHOLDERS = frozenset(
    {
        "admin",
        "administrator",
        "unknown",
        "anonymous",
        "anon",
        "guest",
        "staff",
        "editor",
        "editors",
        "webmaster",
        "root",
        "user",
        "null",
        "none",
        "nobody",
        "author",
        "redaktion",
        "redaction",
        "team",
        "blog",
        "owner",
        "site",
        "default",
        "staff writer",
        "staff reporter",
        "guest author",
        "guest post",
        "unknown author",
        "no author",
        "the editors",
        "editorial staff",
        "web editor",
        "site admin",
        "contributor",
        "contributors",
        "various",
        "various authors",
        "multiple authors",
    }
)

# Characters NFKD does not decompose into ASCII.
_TRANSLIT = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
    }
)
# The same as a pattern: ``str.translate`` looks every character of a non-ASCII text up in
# the table, where a search touches Python only for the few it replaces (a page's text).
_TRANSLIT_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLIT) + "]")
_WS = re.compile(r"\s+")
_BY_PREFIX = re.compile(
    r"^(?:(?:written|posted|reported|words|text|story|photos?|compiled)\s+)?(?:by|von|par|por|door|av|di|da)\b[\s:]*",
    re.I,
)
_LABEL_PREFIX = re.compile(
    r"^(?:(?:author|authors|autor|autorin|auteur|words|text|byline|interview|fotos?|photos?)"
    r"\s*:\s*|(?:author|autor|autorin|auteur)\s+(?=[A-Z]))",
    re.I,
)
_POSSESSIVE = re.compile(r"(?<=\w)['’]s?$")
_KEY_DROP = re.compile(r"['’`´]")
_KEY_SPACE = re.compile(r"[^\w]+|_")
_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:[.'’\-][^\W\d_]*)*\.?$")
_COMMA_SUFFIX = re.compile(
    r"(?:,\s*(?:" + "|".join(re.escape(s) for s in sorted(COMMA_DEGREES)) + r")\.?)+$", re.I
)
_MC = re.compile(r"^(Mc|Mac|O['’])([a-z])")


def _fix_caps(token: str) -> str:
    """Title-case one ALL-CAPS token, keeping Mc/O' and hyphen structure."""
    parts = re.split(r"([\-'’])", token.lower())
    out = "".join(p[:1].upper() + p[1:] if p not in "-'’" else p for p in parts)
    return _MC.sub(lambda m: m.group(1) + m.group(2).upper(), out)


def _is_honorific(token: str) -> bool:
    return token.lower().rstrip(".") in HONORIFICS


def _is_suffix(token: str) -> bool:
    return token.lower().strip(".,") in SUFFIXES


def clean_person_name(raw: str) -> str | None:
    """Return the display form of a person's name, or None if ``raw`` is not one.

    Removes "By"/"Author:" prefixes, honorifics (Dr., Mr., Prof., Sir …), trailing
    degrees and generational suffixes, a possessive 's, surrounding punctuation;
    collapses whitespace; title-cases names written ALL IN CAPITALS. Rejects
    e-mail addresses, URLs, digits, placeholders ("admin", "unknown"), strings of
    more than six words and words that are neither capitalised nor a particle —
    a byline that fails here is better dropped than guessed.
    """
    if not raw:
        return None
    text = _WS.sub(" ", html.unescape(raw)).strip()
    text = _LABEL_PREFIX.sub("", text)
    text = _BY_PREFIX.sub("", text)
    text = text.strip(" \t,;:|/-–—•·()[]\"'“”‘’*")
    if not text or len(text) > 70 or "@" in text or "://" in text or "www." in text:
        return None
    if any(ch.isdigit() for ch in text):
        return None
    # "Doe, Jane, PhD" style suffixes after a comma.
    text = _COMMA_SUFFIX.sub("", text)
    tokens = text.replace(",", " ").split()
    while tokens and _is_honorific(tokens[0]):
        tokens.pop(0)
    while len(tokens) > 1 and _is_suffix(tokens[-1]):
        tokens.pop()
    if not tokens or len(tokens) > 6:
        return None
    if tokens:
        tokens[-1] = _POSSESSIVE.sub("", tokens[-1])
    letters = [ch for ch in "".join(tokens) if ch.isalpha()]
    if not letters:
        return None
    cased = [ch for ch in letters if ch.lower() != ch.upper()]
    if cased and all(ch.isupper() for ch in cased) and len(cased) > 2:
        tokens = [_fix_caps(t) if len(t.rstrip(".")) > 1 else t for t in tokens]
    for tok in tokens:
        if not _NAME_TOKEN.match(tok):
            return None
        first = tok[0]
        if first.lower() != first.upper() and first.islower() and tok.lower() not in PARTICLES:
            return None
    if all(t.lower() in PARTICLES for t in tokens) or (len(tokens) == 1 and len(letters) < 2):
        return None
    name = " ".join(tokens)
    if name.lower() in PLACEHOLDERS:
        return None
    return name


@lru_cache(maxsize=16384)
def name_key(name: str) -> str:
    """Comparison key: lowercase ASCII-folded words, punctuation dropped.

    "José Müller" -> "jose muller", "O'Brien" -> "obrien", "Bolz-Tereick" ->
    "bolz tereick". Scripts without an ASCII decomposition (Cyrillic, CJK) are
    kept as lowercase letters rather than lost.

    Cached, and an ASCII text skips the per-character filter (combining marks are never
    ASCII): parsing a page asks for the keys of the same few names dozens of times.
    """
    text = unicodedata.normalize("NFKD", _transliterate(name))
    if not text.isascii():
        text = _without_marks(text)
    text = _KEY_DROP.sub("", text.lower())
    return _WS.sub(" ", _KEY_SPACE.sub(" ", text)).strip()


def text_key(text: str) -> str:
    """:func:`name_key` of a whole text (a page's visible text): not cached, since each
    text is seen once and would push the names' keys out of the cache."""
    return name_key.__wrapped__(text)


def _without_marks(text: str) -> str:
    """``text`` without its combining marks (the accents NFKD split off).

    The marks are looked up once per distinct character, not once per character: a
    page's whole visible text (see ``page_authors._shown``) has thousands of
    characters but only a few hundred distinct ones.
    """
    marks = [re.escape(ch) for ch in set(text) if unicodedata.combining(ch)]
    return re.sub(f"[{''.join(marks)}]", "", text) if marks else text


def _transliterate(text: str) -> str:
    """``text.translate(_TRANSLIT)``, for long texts too (see :data:`_TRANSLIT_CHARS`)."""
    if text.isascii():
        return text  # the table holds no ASCII character
    return _TRANSLIT_CHARS.sub(lambda m: _TRANSLIT[ord(m.group())], text)
