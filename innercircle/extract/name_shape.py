"""Whether a byline string is shaped like a person's name, from evidence that generalises.

Visible bylines carry interface text next to the name: buttons ("Print", "Share",
"Edit", "See more"), labels ("Zur Artikelübersicht", "Beitrag"), product accounts
("Super User"). No list of such strings can be complete, and no list of names either.
What separates them is how the words are used in the language at large:

* word frequencies from ``wordfreq`` (Apache-2.0/CC-BY-SA data; a well-kept
  aggregate of many corpora): a name's words are rare as ordinary words, interface
  text is made of the commonest words of the page's language or English;
* given names from the ``nicknames`` dataset (Apache-2.0; a maintained table of
  English given names and their nicknames): "Mark Brown" and "Will Young" are common
  words too, but open with a given name.

Also refused: anything with digits or "@", and domain-like strings ("example.com",
"Redaktion example.de"), which name a site, not a person.
"""

from __future__ import annotations

import re

from innercircle.vocabulary import (
    is_given_name,
    is_given_name_anywhere,
    is_name_word_anywhere,
    spacy_stop_words,
    zipf,
)

# A word this frequent (Zipf scale: 6 = once per thousand words) opening a
# "name" is a function word or a button label ("Zur", "See", "This"), never a surname.
FUNCTION_WORD_ZIPF = 6.0
# Every word at least this frequent: the string is ordinary language ("Super User",
# "Here's Why"). Common names are frequent words too ("Dylan Jones": 4.1 and 4.7), so
# the bar for several words is higher than for one ("Edit", "Suchen").
COMMON_WORD_ZIPF = 4.5
COMMON_SINGLE_WORD_ZIPF = 4.0

_DOMAIN = re.compile(r"\b[\w\-]+\.(?:[a-z]{2,6})(?:\b|$)|^www\.|\.[a-z]{2,}$", re.I)
_INITIALS_THEN_SURNAME = re.compile(r"^(?:[A-Z]\.\s?(?:-\s?)?){1,3}[A-Z][a-zà-ÿ'’\-]+$")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", re.U)


def is_domain_like(text: str) -> bool:
    """"example.com", "www.example", "Redaktion example.de": a site, not a person."""
    return bool(_DOMAIN.search(text.strip()))


def looks_like_person_name(name: str, languages: tuple[str, ...] = ("en",)) -> bool:
    """Whether ``name`` reads as a person's name rather than interface or ordinary text.

    ``languages`` are the page's language(s) whose word frequencies count, besides
    English (interface text is often English on pages in any language).
    """
    text = name.strip()
    if not text or "@" in text or any(ch.isdigit() for ch in text) or is_domain_like(text):
        return False
    tokens = _TOKEN.findall(text)
    words = [w.lower() for w in tokens]
    if not words:
        return False
    langs = tuple(dict.fromkeys((*languages, "en")))
    freq = [max(zipf(w, lang) for lang in langs) for w in words]
    if all(f >= FUNCTION_WORD_ZIPF for f in freq):
        return False  # "See more", "Read this": even given-name lookalikes are words here
    if is_given_name(words[0]):
        return True
    if _INITIALS_THEN_SURNAME.match(text) and freq[-1] < FUNCTION_WORD_ZIPF:
        return True  # "J.R. Stone", "A. B. Miller": dotted initials are a name's shape
    if freq[0] >= FUNCTION_WORD_ZIPF or _opens_with_stop_word(words, langs):
        return False  # opens with a function word: "Zur Artikelübersicht", "This Week"
    # Lowercase particles ("de la", "von") and initials are part of names: not evidence.
    capitalised = [f for t, f in zip(tokens, freq, strict=True) if t[0].isupper() and len(t) > 1]
    bar = COMMON_SINGLE_WORD_ZIPF if len(words) == 1 else COMMON_WORD_ZIPF
    return not capitalised or not all(f >= bar for f in capitalised)


#: Languages whose stop-word lists are syllables that names are made of too
#: (Vietnamese "thanh", "văn"): a first word there says nothing.
_SYLLABLE_LANGUAGES = frozenset({"vi"})
#: Shorter stop words are as often syllables of names ("Lei", "Hui", "Na", "Pan", "Ibu").
_MIN_STOP_WORD = 4


def _opens_with_stop_word(words: list[str], languages: tuple[str, ...]) -> bool:
    """The first word is a stop word of the page's language or English (spaCy's lists:
    "Unsere", "Wenn", "Whatever"), rarer than the frequency bar above catches ("unsere":
    Zipf 5.6 in German): such a word opens a noun phrase, not a name. Not when it is a
    name of some locale ("Lang", "Anders", "Uwe"), a short word (name syllables: "Lei
    Wang" on an Italian page, where "lei" is "she"), or an honorific before a given name
    ("Pani Anna Nowak", "Ibu Sri Mulyani"), nor in a language whose list is syllables."""
    first = words[0]
    if len(first) < _MIN_STOP_WORD or is_name_word_anywhere(first):
        return False
    stop = [spacy_stop_words(lang) for lang in languages if lang not in _SYLLABLE_LANGUAGES]
    if not any(first in words_of for words_of in stop):
        return False
    # An honorific, then a given name that is no stop word, then more: "Pani Anna Nowak";
    # not "Toutes les Actualités" ("les" is a given name somewhere, and French for "the").
    honorific = (len(words) >= 3 and is_given_name_anywhere(words[1])
                 and not any(words[1] in words_of for words_of in stop))
    return not honorific


# A word at least this common before a full name is a title or a role, not part of it.
TITLE_WORD_ZIPF = 3.5


def without_title(name: str, languages: tuple[str, ...] = ("en",)) -> str:
    """ "Rechtsanwalt Jane Doe" -> "Jane Doe": a common word of the page's language (or
    English) that is no given name, before a given name and a surname, is a title or a
    role ("Senator", "Pfarrer"), not the first of the person's names. Other names are
    kept as they are.
    """
    words = name.split()
    if len(words) < 3 or not words[0].isalpha() or is_given_name_anywhere(words[0]):
        return name
    if not is_given_name_anywhere(words[1]):
        return name
    langs = tuple(dict.fromkeys((*languages, "en")))
    common = max(zipf(words[0].lower(), lang) for lang in langs)
    return " ".join(words[1:]) if common >= TITLE_WORD_ZIPF else name


# Languages whose function words ("El", "La", "Van") open outlet names that sign a story
# like a person: "(El Economista)" credits a source.
_FUNCTION_WORD_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl")


def is_full_given_name(name: str) -> bool:
    """A full name opening with a given name of some locale ("Jane Doe"), its first word
    no function word in any of the languages above: the shape the weakest author
    sources (a signature, a dated line, an archive link, a licence) must have, since
    nothing else on the page vouches for them."""
    words = name.split()
    if len(words) < 2 or not is_given_name_anywhere(words[0]):
        return False
    return all(
        zipf(words[0].lower(), lang) < FUNCTION_WORD_ZIPF for lang in _FUNCTION_WORD_LANGUAGES
    )
