"""General vocabulary that tells a person's name from other capitalised text.

One place for the word lists that extraction (:mod:`innercircle.extract.people`) and
resolution (:mod:`innercircle.resolve`, :mod:`innercircle.personhood`) used to keep
apart, and the three lookups that replace hand lists of names with kept datasets:

* :func:`is_given_name`: the given names of the ``nicknames`` package (Apache-2.0, a
  hand-curated set of ~2,100 English given names and their diminutives). Picked over
  ``names-dataset`` (hundreds of MB in memory, and built from a social-network leak in
  which almost every word is someone's "name") and ``probablepeople`` (a CRF tuned on
  US name/company strings, which needs training data we do not have for other
  languages): a small clean list is what a "is this a given name?" test needs.
* :func:`is_common_word`: ``wordfreq`` frequencies in the document's language, for words
  so frequent that they are never a name by themselves ("Doch", "Wenn", "More").
* :func:`formal_names`: the formal names a nickname stands for, from ``nicknames``.

Everything here is general language, never a list of particular people, products or
companies. The cue patterns that judge a name by how a sentence uses it ("analysts at X",
"launched X", "X said") live with the rules that count them (:mod:`innercircle.resolve`,
:mod:`innercircle.personhood`, :mod:`innercircle.person_evidence`); the speech verbs those
patterns share are here (:data:`SPEECH_VERBS`, :data:`SOFT_SPEECH_VERBS`), so the rule that
tells a person from an organisation and the ranking's "acts as a person" hear the same verbs.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

from innercircle.extract.names import name_key

#: Words that only organisations, places and events carry in their names ("Acme Capital",
#: "Stanford University", "Harbor Road"). Words that are also common surnames or given
#: names (Park, Day, Post, Power, Street, Banks, Church, Hall, Max, Open) are left out on
#: purpose: a name with them is judged by its context instead.
ORGANISATION_WORDS = frozenset(
    """
    inc incorporated ltd limited llc llp plc corp corporation co company companies gmbh ag
    sa nv bv oy ab spa srl pty kk group holdings holding capital partners bank bancorp
    banking securities investments ventures fund funds trust asset assets management
    advisors advisory associates consulting labs laboratories technologies technology
    systems solutions software networks network industries international global media
    pharma pharmaceuticals therapeutics biosciences biotech energy motors airlines
    university universität université universidad college institute institut school
    academy foundation stiftung association society council agency authority ministry
    department commission committee bureau office board federation union alliance
    consortium coalition exchange reserve treasury
    hospital clinic centre center museum gallery theatre theater stadium arena airport
    station hotel times journal news review magazine radio tv
    avenue road boulevard city county province valley river lake mountain island
    summit forum conference expo awards award prize festival league championship olympics
    app apps ios android windows linux online
    street square bridge state cup games tour series mini plus
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

#: Verbs that make a name next to them a person speaking ("X said", "told X", "as X put it"),
#: as regex alternatives: the one list behind :data:`innercircle.resolve.PERSON_CUES` and
#: :data:`innercircle.person_evidence.PERSON_CUE` (and its SQL twin). Only speech and
#: opinion: "sees" is left out, since markets, firms and products see things ("the app sees
#: heavy use", "the market sees Acme as ...").
SPEECH_VERBS = (
    r"said|says|told|tells|explained|explains|argued|argues|recalled|recalls|warned|warns|"
    r"insisted|insists|replied|replies|wrote|writes|believes|thinks|put it"
)
#: Verbs that are speech only with what is said after them ("X added: ...", "X noted that
#: ...") or with the clause ending at the name (", added X."); otherwise they take an object
#: ("the latest release of X adds better reporting", "readers asked whether X ...").
#: "continued" is left out: "X continued." is as often a trend's ("demand for X continued.").
SOFT_SPEECH_VERBS = r"added|adds|noted|notes"
#: Speech that organisations make as often as people: a filing states, a company comments,
#: a party asks a court. The ranking's "acts as a person" hears them as the soft verbs
#: (a speaking organisation acts as a voice too); the rule that tells people from
#: organisations does not take them as a person's ("In a filing, X stated that ...").
FORMAL_SPEECH_VERBS = r"asked|asks|stated|states|commented|comments"
#: Speech verbs that before a name are something else: "regulators recalled X pacemakers".
#: The organisation rule hears them only after the name ("X recalled the early days").
OBJECT_TAKING_SPEECH = r"recalled|recalls"

#: Interface words that make up button and caption text ("Zum Download", "Read More",
#: "Camera Zoom"): a name made only of them is not one.
UI_WORDS = frozenset(
    """
    follow following unfollow meet share shares shared tweet retweet like likes subscribe
    download downloads print email mail contact view views read more less next previous
    prev back home menu search login logout sign register reply comment comments click
    tap open close zoom camera photo photos image images video videos gallery slideshow
    caption credit credits source sources related top bottom skip continue loading
    profile bio posts articles author authors editor
    zum zur mehr weiterlesen teilen drucken saiba mais leia ver más leer lire suite voir
    """.split()  # noqa: SIM905
)

#: Interface verbs pages glue before a name ("Follow Jane Doe", "Meet Jane Doe") and
#: labels glued after it ("Jane Doe Follow"): trimmed from the edges of a PERSON span.
UI_LEADING = frozenset(
    "follow meet contact email share view read subscribe download".split()  # noqa: SIM905
)
UI_TRAILING = frozenset("follow following share profile bio posts email contact".split())  # noqa: SIM905

#: Words after which a capitalised span is a scholarly reference or a figure, not a
#: person named in the text ("Supplementary Fig", "et al.", "doi:").
_REFERENCE_CONTEXT = re.compile(
    r"\bet\s+al\b|\bdoi\s*[:.]|\bfig(?:ure)?s?\.?\s*\d|\bsupplementa(?:ry|l)\b|"
    r"\bpp\.\s*\d|\bvol\.\s*\d|\b(?:19|20)\d\d\s*;\s*\d+\s*[(:]|"
    # volume: pages ("Brain Res Rev 27: 89–118"), a volume(issue): page
    # (a page range ends in two digits or more, so a score "2: 3-1" is not one)
    r"\b\d+\s*(?:\(\d+\)\s*)?:\s+\d+\s*[–-]\s*\d{2,}|"
    # the back-reference arrow wikis put before each reference ("↑ 10.1 Title, Chapter 11")
    r"↑|"
    # figure panels ("Panels IX and X:", "panel b,")
    r"\bpanels?\s+(?:[ivx]{1,4}|[a-h])\s*(?:and\b|[,:;)–-])|"
    # a supplier's address in a methods section ("Sigma (St Louis, MO, USA)"); the state
    # code is matched case-sensitively, or "(Paris, in, France)" would be one
    r"(?-i:,\s*[A-Z]{2},\s*[A-Z][\w. ]{1,20}\))",
    re.I,
)
#: Reference lists written without dots: "Romanovsky AA, Ivanov AI, ..." (two authors in a
#: row, surname then capital initials) or "Craig AD (2003) Title" (initials, then the year
#: in parentheses). Case-sensitive: the initials are what makes it a reference.
_REFERENCE_AUTHORS = re.compile(
    r"\b[A-ZÀ-Þ][^\W\d_'’\-]+\s[A-Z]{1,3},\s+[A-ZÀ-Þ][^\W\d_'’\-]+\s[A-Z]{1,3}\b|"
    r"\b[A-Z]{1,3}\s+\((?:1[89]|20)\d\d[a-z]?\)"
)
#: "Lee H", "Roger A.", "Smith J.A." and "Lee, H.": a surname followed by initials only is
#: how reference lists write authors; running text writes "H. Lee" or "Hannah Lee".
#: Two or three undotted capitals ("Smith JA") are left to the reference-list context:
#: by shape alone they are a product ("Jasper AI") as often as an author.
_CITATION_NAME = re.compile(
    r"^[^\W\d_][^\W\d_'’\-]+,?\s+(?:[A-Z]\.?|(?:[A-Z]\.\s?){2,3}|(?:[A-Z]\.-?){2,3})$"
)

#: Zipf frequency (log10 per billion words) at or above which a word is a common word of
#: its language, not a name by itself: about the 2,000 most frequent words.
COMMON_ZIPF = 5.5


def is_citation_style(surface: str) -> bool:
    """True for "Lee H", "Roger A.", "Smith JA": surname then initials, as references write."""
    return bool(_CITATION_NAME.match(surface.strip()))


def in_reference_context(sentence: str) -> bool:
    """True when a sentence reads as a reference list entry or a figure caption."""
    return bool(_REFERENCE_CONTEXT.search(sentence) or _REFERENCE_AUTHORS.search(sentence))


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    from nicknames import name_triplets

    names: set[str] = set()
    for t in name_triplets():
        names.add(t.name1)
        names.add(t.name2)
    return frozenset(names)


def is_given_name(word: str) -> bool:
    """True when ``word`` (any case) is a given name or diminutive in ``nicknames``."""
    return word.lower() in _given_names()


# Languages whose wordfreq lists need extra tokenisers (MeCab, jieba): names there are
# written without spaces, so word frequencies say nothing about them anyway.
_NO_WORDLIST = frozenset({"ja", "zh", "ko", "th", "my", "km", "lo"})
_WORDFREQ_CODE = {"no": "nb"}


#: The wordfreq list read: ``small`` holds every word of at least :data:`ZIPF_FLOOR`, with
#: the same frequencies as the ``large`` list, at a tenth of its memory (11 languages: 50
#: MB, not 518 MB, held by every process that reads names). Every threshold on ``zipf``
#: is at or above the floor, so the answers are the same.
WORDLIST = "small"
#: Zipf frequency under which a word is absent from :data:`WORDLIST` (reads as 0).
ZIPF_FLOOR = 3.0


@lru_cache(maxsize=65536)
def zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency of ``word`` in ``lang``; 0 for unknown languages and for
    words rarer than :data:`ZIPF_FLOOR`."""
    if lang in _NO_WORDLIST:
        return 0.0
    from wordfreq import zipf_frequency

    try:
        return zipf_frequency(word.lower(), _WORDFREQ_CODE.get(lang, lang), WORDLIST)
    except Exception:  # noqa: BLE001 - an unsupported language is no evidence, not an error
        return 0.0


def is_common_word(word: str, lang: str | None) -> bool:
    """True for a very frequent word of ``lang`` that is not also a given name.

    "Doch", "Wenn", "More", "Read" are never a name by themselves; "Will" and "May" are
    frequent words but also given names, so they are left to the other evidence.
    """
    word = word.strip(".'’").lower()
    if not word or not lang or is_given_name(word):
        return False
    return zipf(word, lang) >= COMMON_ZIPF


@cache
def spacy_stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words for ``language`` (an ISO 639 code), read from spaCy's own list
    (``spacy/lang/<language>/stop_words.py``, a module without imports) without importing
    spaCy: the package's start costs about half a CPU second, and the run's process, which
    builds profiles and judges bylines, runs no NER of its own (its NER workers are other
    processes). Read once per language. Empty for a language spaCy has no list for."""
    import importlib.util

    if not re.fullmatch(r"[a-z]{2,3}", language):
        return frozenset()
    spec = importlib.util.find_spec("spacy")  # finds the package; does not import it
    roots = spec.submodule_search_locations if spec is not None else None
    path = Path(roots[0], "lang", language, "stop_words.py") if roots else None
    if path is not None and path.is_file():
        namespace: dict = {}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
        if isinstance(namespace.get("STOP_WORDS"), set):
            return frozenset(w.replace("’", "'") for w in namespace["STOP_WORDS"])
    if language != "en":
        return frozenset()
    from spacy.lang.en.stop_words import STOP_WORDS  # a spaCy that keeps the list elsewhere

    return frozenset(STOP_WORDS)


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


def formal_names(first: str) -> frozenset[str]:
    """The formal given names ``first`` is a nickname of ("bob" -> robert, ...), from
    ``nicknames``; empty for a name that is nobody's nickname."""
    return frozenset(_nicknamer().canonicals_of(first))


def is_nickname_of(nickname: str, formal: str) -> bool:
    """True when ``nickname`` is a listed nickname of ``formal`` ("bob", "robert")."""
    return formal.lower() in _nicknamer().canonicals_of(nickname)


#: The Faker cache's format, in its folder's name: bump it when
#: :func:`_write_faker_names` or the reading in :func:`_faker_names` change.
FAKER_CACHE_FORMAT = 1


def _faker_names(kind: str) -> set[str]:
    """Every ``first`` or ``last`` name of every locale in Faker's person data (MIT; census
    and registry lists of 80+ locales), lower-cased: from the machine's cache
    (:mod:`~innercircle.model_cache`, one file per Faker version), made there from Faker
    on first use. Importing Faker's hundred-odd person modules took about a tenth of a
    CPU second in every process that reads names. Anything amiss with the cache (out
    of reach, damaged, Faker without its package metadata) reads Faker itself."""
    from importlib.metadata import version

    from innercircle.model_cache import read_cached

    def read(folder: Path) -> set[str]:
        names = json.loads((folder / f"{kind}.json").read_text(encoding="utf-8"))
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError(f"{folder / kind}.json is not a list of names")
        return set(names)

    try:
        name = f"faker-names-v{FAKER_CACHE_FORMAT}-{version('faker')}"
        return read_cached(name, _write_faker_names, read)
    except Exception:  # the cache only saves time
        return _read_faker_names(kind)


def _write_faker_names(folder: Path) -> None:
    for kind in ("first", "last"):
        names = sorted(_read_faker_names(kind))
        (folder / f"{kind}.json").write_text(json.dumps(names, ensure_ascii=False), "utf-8")


def _read_faker_names(kind: str) -> set[str]:
    """The names as Faker's person providers hold them (see :func:`_faker_names`)."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in (f"{kind}_names", f"{kind}_names_male", f"{kind}_names_female"):
            value = provider.__dict__.get(attr)
            if isinstance(value, (dict, list, tuple)):
                names.update(str(n).lower() for n in value)
    return names


@lru_cache(maxsize=1)
def _given_names_anywhere() -> frozenset[str]:
    """Given names of every locale in Faker (~31,000), with the ``nicknames`` ones."""
    return frozenset(_faker_names("first") | _given_names())


def is_given_name_anywhere(word: str) -> bool:
    """True when ``word`` is a given name in any locale Faker knows, or in ``nicknames``.

    Broader than :func:`is_given_name` (which stays the narrow English list that byline and
    title trimming rely on): "Sean", "Taylor", "Todd", "Jürgen" are here. Used where a
    missing given name would wrongly make a person's name look like ordinary words.
    Some of Faker's lists are written without diacritics (Turkish "baris", "ayse"), so
    the word is also looked up folded: "Barış" and "Ayşe" are given names too.
    """
    names = _given_names_anywhere()
    return word.lower() in names or name_key(word) in names


@lru_cache(maxsize=1)
def _surnames_anywhere() -> frozenset[str]:
    """Surnames of every locale in Faker (~28,000)."""
    return frozenset(_faker_names("last"))


def is_surname_anywhere(word: str) -> bool:
    """True when ``word`` is a surname in any locale Faker knows."""
    return word.lower() in _surnames_anywhere()


def is_name_word_anywhere(word: str) -> bool:
    """True when ``word`` is a given name or a surname in any locale Faker knows ("Hill",
    "Washington", "Victoria"): a word a person's name may hold, whatever else holds it."""
    return is_given_name_anywhere(word) or word.lower() in _surnames_anywhere()


#: Zipf frequency from which every word of a multi-word "name" being this common makes it
#: ordinary language ("Bottom Line", "Error Handling", "Twitter Thread") rather than a
#: name, when its first word is no given name anywhere. Surnames are common words too
#: ("Jobs", "Gates"), which is why the first word must also fail the given-name test.
PHRASE_ZIPF = 4.0


def is_common_phrase(
    display: str, languages: tuple[str, ...] = ("en",), first_is_given: bool | None = None
) -> bool:
    """True for two or more words, every one common in ``languages`` (:data:`PHRASE_ZIPF`),
    the first not a given name: "Bottom Line", "Quick Note", not "Steve Jobs" or "Todd
    Orlando". Initials make it a name shape ("C. Jones"): never a phrase.

    Name lists hold words that are given names only now and then ("Page", "May", "Will",
    "Mark", "Hope"), and word frequencies cannot tell them from "David" (as frequent, being
    a name); where the corpus is at hand, ``first_is_given`` says whether it uses the first
    word as a given name (:meth:`innercircle.name_words.NameWords.is_given_name_here`).
    ``None`` trusts the lists alone (:func:`is_given_name_anywhere`)."""
    words = re.findall(r"[^\W\d_]+", display)
    if len(words) < 2 or any(len(w) < 2 for w in words):
        return False
    if is_given_name_anywhere(words[0]) if first_is_given is None else first_is_given:
        return False
    return all(max(zipf(w, lang) for lang in languages) >= PHRASE_ZIPF for w in words)


_CAMEL = re.compile(r"^([A-Z][a-z]+)([A-Z][a-z]+)$")
_NAME_PREFIXES = frozenset(["mc", "mac", "o", "de", "di", "da", "du", "la", "le", "van", "von"])
#: Both halves of a joined brand word ("OneWeb", "PayPal", "RedMonk") are this common.
BRAND_PART_ZIPF = 3.5


def is_brand_word(token: str) -> bool:
    """A word joined from two common words, each capitalised ("OneWeb", "YouTube",
    "DeepMind"): how brands are written, never a person's name. Surname prefixes ("Mc",
    "Mac", "De", "Van") and a given name as the second half ("MacDonald") are names."""
    m = _CAMEL.match(token)
    if not m:
        return False
    first, second = m.group(1).lower(), m.group(2).lower()
    if first in _NAME_PREFIXES or is_given_name_anywhere(second):
        return False
    return zipf(first, "en") >= BRAND_PART_ZIPF and zipf(second, "en") >= BRAND_PART_ZIPF
