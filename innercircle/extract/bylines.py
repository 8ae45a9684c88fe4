"""Author fields, as feeds and bylines really write them, turned into :class:`Byline` lists.

Feeds put anything in their author fields: ``jane@example.com (Jane Doe)``, several
people in one string, "Surname, I." lists from journals, Reddit handles, agency
names, and placeholders such as ``noreply@blogger.com``. Persons, organisations and
handles are kept apart here because resolution treats them differently: only
persons become voices, handles are identity evidence, organisations are context.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from innercircle.extract.byline_labels import CONJUNCTIONS
from innercircle.extract.name_shape import is_full_given_name
from innercircle.extract.names import COMMA_DEGREES, PLACEHOLDERS, clean_person_name
from innercircle.model import Byline
from innercircle.vocabulary import is_given_name_anywhere

_WS = re.compile(r"\s+")
_EMAIL = r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+"
_EMAIL_PAREN = re.compile(rf"^(?:mailto:)?({_EMAIL})\S*\s*\((.*)\)$")
_NAME_ANGLE = re.compile(rf"^(.*?)\s*<(?:mailto:)?({_EMAIL})>$")
_BARE_EMAIL = re.compile(rf"^(?:mailto:)?({_EMAIL})\S*$")
_HANDLE = re.compile(r"^(?:/?u/|@)([\w.\-]{2,64})$")
_USERNAME = re.compile(r"^(?=.*[a-z])[a-z0-9][a-z0-9_.\-]{1,38}$")
_URL = re.compile(r"^https?://", re.I)
# One word of letters and digits ("c1ph4", "Bo2man", "r23"): an account's name, as forums
# and blogs show their users; not an organisation (which the digits alone would suggest).
# Capitals throughout ("A1", "WDR2") read as an acronym instead. An outlet written in lower
# case with digits ("t3n", "15min") reads as a handle too: a handle is never a voice, so
# the cost is a handle byline where an organisation's would have been dropped.
_ACCOUNT = re.compile(r"^(?=.*\d)(?=.*[a-z])[^\W_][\w.\-]{1,38}$")

# Whole-field organisation markers: legal forms that also contain "&"/"und", so the
# field must not be split into people first.
_LEGAL_FORM = re.compile(
    r"\b(?:GmbH|AG|KG|Inc|Ltd|LLC|LLP|PLC|S\.A|S\.p\.A|SARL|SAS|B\.V|N\.V|Co|Corp|Pty|e\.V)\b\.?",
)
# Words that make a capitalised byline an organisation rather than a person.
ORG_WORDS = frozenset(
    [
        "staff",
        "team",
        "editorial",
        "editors",
        "board",
        "desk",
        "newsroom",
        "press",
        "associated",
        "agency",
        "agencies",
        "reuters",
        "afp",
        "dpa",
        "apa",
        "ap",
        "upi",
        "bloomberg",
        "bbc",
        "cnn",
        "npr",
        "news",
        "media",
        "group",
        "network",
        "radio",
        "tv",
        "television",
        "online",
        "magazine",
        "journal",
        "times",
        "post",
        "daily",
        "weekly",
        "herald",
        "tribune",
        "gazette",
        "wire",
        "service",
        "services",
        "department",
        "institute",
        "institution",
        "university",
        "college",
        "school",
        "society",
        "foundation",
        "association",
        "council",
        "committee",
        "company",
        "corporation",
        "studio",
        "studios",
        "presents",
        "podcast",
        "podcasts",
        "blog",
        "official",
        "redaktion",
        "redaction",
        "rédaction",
        "redacción",
        "nachrichten",
        "zeitung",
        "verlag",
        "communications",
        "marketing",
        "research",
        "lab",
        "labs",
        "project",
        "community",
        "club",
        "government",
        "ministry",
        "office",
        "bureau",
        "centre",
        "center",
        "fund",
        "partners",
    ]
)
_GENERIC_ORG = frozenset({"staff", "agencies", "agency", "wires", "wire services", "reporters"})
_JOB_WORDS = frozenset(
    [
        "editor",
        "correspondent",
        "reporter",
        "writer",
        "columnist",
        "contributor",
        "producer",
        "journalist",
        "analyst",
        "critic",
        "photographer",
        "author",
        "director",
        "manager",
        "founder",
        "ceo",
        "cto",
        "chief",
        "head",
        "redakteur",
        "redakteurin",
        "autor",
        "autorin",
    ]
)
# Interview credits name both people: "A im Gespräch mit B", "A in conversation with B".
# A conjunction followed by a dot or hyphen is an initial ("Ma, Y.", "Y.-H."), not "y".
_SPLIT = re.compile(
    r"\s*(?:;|\||\s&\s|\s&amp;\s|"
    + "".join(rf"\b{word}\b(?![.\-])|" for word in CONJUNCTIONS)
    + r"\bim\s+gespräch\s+mit\b|\bin\s+conversation\s+with\b|\ben\s+conversation\s+avec\b)\s*",
    re.I,
)
# "L. B.", "H.-X.", "JR", "J": initials carry a dot or are short uppercase runs, so that
# two-letter surnames ("Li", "Ma", "Wu") are not mistaken for them.
_INITIALS = re.compile(r"^(?:(?:[^\W\d_]\.|[A-Z]{1,3}(?![A-Za-z]))[\s\-]*)+$")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
# A site's name as an author field: one word of labels ending in a lowercase top-level
# domain ("HDblog.it", "example.co.uk"); "J.Smith", "St.Clair" and "M.Sc." are not.
_SITE_NAME = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$")
# A nickname in quotes between given name and surname: 'Amanda "Tania Mae" Tan'.
_QUOTED_NICKNAME = re.compile(r"(?<=\s)[\"“„]([^\"“”„]{2,30})[\"”“](?=\s)")
_IN_PLACE = re.compile(r"\s+in\s+[A-Z][\w.'\-]*(?:[\s,]+[A-Z][\w.'\-]*)*\s*$")


def _clean(raw: str) -> str:
    return _WS.sub(" ", html.unescape(raw or "")).strip().strip(",;|")


def is_job_word(word: str) -> bool:
    """Whether ``word`` names a job in a byline ("reporter", "Editor.", "writer")."""
    return word.lower().strip(".,") in _JOB_WORDS


def is_organisation(name: str) -> bool:
    """True for bylines that name an organisation: agency, desk, team, company."""
    words = re.findall(r"[\w.&]+", name)
    if not words:
        return False
    lowered = [w.lower().strip(".") for w in words]
    if _LEGAL_FORM.search(name) or lowered[0] == "the" and len(words) > 1:
        return True
    if any(w in ORG_WORDS for w in lowered):
        return True
    if len(words) == 1:
        word = words[0]
        # "iHeartRadio", "BBC" (an acronym alone), "DASDING"
        if word[0].islower() and any(c.isupper() for c in word[1:]):
            return True
        if len(word) >= 3 and word.isupper():
            return True
    return any(ch.isdigit() for ch in name)


def _is_initials(part: str) -> bool:
    return bool(_INITIALS.match(part.strip())) and any(c.isupper() for c in part)


#: Lowercase particles of a surname ("de", "van der", "von"), which Dutch and German
#: sorted forms move behind the given name: "Jong, Michiel de" is "Michiel de Jong".
_PARTICLE = re.compile(r"^(?:d[aeiou]s?|v[ao]n|der|den|ten|ter|zu[mr]?|l[ae]|del|della)$")


def _given_after_surname(piece: str) -> bool:
    """ "J.", "Jane", "Jane Q.": what follows "Doe," when a field names one person surname
    first. A given name of any locale (Faker) counts, so that "Doe, Jane" is not read as
    two one-word people; "Doe, Reuters" stays two bylines."""
    words = piece.split()
    if _is_initials(piece):
        return True
    # "Jong, Michiel de": the surname's lowercase particle follows the given name.
    return (
        bool(words)
        and is_given_name_anywhere(words[0].strip("."))
        and all(_is_initials(w) or _PARTICLE.match(w) for w in words[1:])
    )


def is_degree(piece: str) -> bool:
    """ "MA", "Ph.D.", "RN": a credential after a comma, never initials or a person."""
    return piece.strip().lower().rstrip(".") in COMMA_DEGREES


#: A short surname in capitals ("LI", "WU", "KIM"), which alone reads as undotted initials.
_SHORT_CAPITALS = re.compile(r"^[A-Z]{2,3}$")


def _capital_surname(surname: str, initials: str) -> bool:
    """Whether ``surname`` is a short capital run that the dotted initials after its comma
    show to be a surname: in "LI, N." the pair is surname first, so "LI" is no initials
    ("J. R., Smith" and "JJ, AB" stay as they were)."""
    return bool(_SHORT_CAPITALS.match(surname.strip())) and "." in initials


def _opens_surname_pair(pieces: list[str], i: int) -> bool:
    """Whether piece ``i`` is the surname of a surname-first pair opening the field: "MA, Y."
    is Y. Ma, whereas a degree ("Jane Doe, MA") only ever follows a name."""
    return (
        i == 0
        and len(pieces) > 1
        and _given_after_surname(pieces[1])
        and not is_degree(pieces[1])
    )


def _surname_initial_list(field: str) -> list[str] | None:
    """Read "Ray, L. B., Vinson, V." as ["L. B. Ray", "V. Vinson"]; None if not that shape."""
    parts = [p.strip() for p in field.split(",")]
    if len(parts) < 2 or len(parts) % 2:
        return None
    out = []
    for surname, initials in zip(parts[0::2], parts[1::2], strict=True):
        if is_degree(initials) or not _is_initials(initials):
            return None
        if not surname or _is_initials(surname) and not _capital_surname(surname, initials):
            return None
        if len(parts) == 2 and "." not in initials and _capitalised_words(surname) > 1:
            return None  # "Jane Doe, CNN": a name and an outlet, not "Doe, J."
        out.append(f"{initials} {surname}")
    return out


def _capitalised_words(text: str) -> int:
    return sum(w[:1].isupper() for w in text.split())


def _strip_role(part: str) -> str:
    """Drop "in London" and trailing job titles: "Jane Doe Environment editor" -> "Jane Doe"."""
    part = _TRAILING_PAREN.sub("", _IN_PLACE.sub("", part))
    tokens = part.split()
    for i, tok in enumerate(tokens):
        if i >= 2 and is_job_word(tok):
            keep = tokens[:i]
            # "Damian Carrington Environment editor": the desk word before the title goes too.
            if len(keep) > 2 and not _is_initials(keep[-2]):
                keep = keep[:-1]
            return " ".join(keep)
    return part


def _one(part: str, email: str | None = None, url: str | None = None) -> Byline | None:
    part = _clean(part)
    if not part:
        return None
    m = _HANDLE.match(part)
    if m:
        return Byline(name=part.lstrip("/"), kind="handle", email=email, url=url)
    if part.lower() in PLACEHOLDERS:
        return None
    if _ACCOUNT.match(part):
        return Byline(name=part, kind="handle", email=email, url=url)
    part = _QUOTED_NICKNAME.sub(r"\1", _strip_role(part))
    if _SITE_NAME.match(part):  # "HDblog.it": a site's name, never a person's
        return Byline(name=part, kind="organisation", email=email, url=url)
    if is_organisation(part) and part.lower() not in PLACEHOLDERS:
        return Byline(name=part, kind="organisation", email=email, url=url)
    name = clean_person_name(part)
    if name:
        return Byline(name=name, kind="person", email=email, url=url)
    if _USERNAME.match(part):
        return Byline(name=part, kind="handle", email=email, url=url)
    if re.search(r"\b[A-Z]", part) and len(part) <= 60 and not re.search(r"[@/]", part):
        return Byline(name=part, kind="organisation", email=email, url=url)
    return None


_CONNECTOR = re.compile(r"\s(?:für|fur|of|for|in|de|des|du|del|della|di)\s")


def _institution_head(part: str) -> bool:
    """An organisation's name joined by a lowercase connector ("Departement für X"),
    never a person's: its first word is capitalised and it does not read as a name."""
    first = part.split(",")[0].strip()
    if not _CONNECTOR.search(f" {first} ") or len(first.split()) < 3:
        return False
    b = _one(first)
    return b is not None and b.kind == "organisation"


def parse_author_field(raw: str) -> list[Byline]:
    """Every byline in one raw author field, persons, organisations and handles apart.

    Understands ``email (Name)``, ``Name <email>``, "A, B and C", "A & B", "A; B",
    "Surname, I." lists, one name written surname first ("Doe, Jane"), a name and its
    outlet ("Jane Doe, CNN"), "Jane Doe in London", trailing job titles, handles
    (``@name``, ``/u/name``, bare lowercase usernames, one word with digits such as
    "c1ph4") and organisations; drops bare e-mail addresses, URLs and placeholders
    ("admin", "unknown", "noreply@…").
    """
    field = _clean(raw)
    if not field or _URL.match(field):
        return []
    email = None
    m = _EMAIL_PAREN.match(field)
    if m:
        email, field = m.group(1), _clean(m.group(2))
    else:
        m = _NAME_ANGLE.match(field)
        if m:
            field, email = _clean(m.group(1).strip("\"'")), m.group(2)
    if not field or _BARE_EMAIL.match(field):
        return []
    if _LEGAL_FORM.search(field):
        b = _one(field, email)
        return [b] if b else []
    listed = _surname_initial_list(field)
    if listed:
        return [b for b in (_one(p, email) for p in listed) if b]
    parts = [p for p in _SPLIT.split(field) if p and p.strip()]
    if len(parts) > 1 and all(p.strip().lower() in _GENERIC_ORG for p in parts):
        return [Byline(name=field, kind="organisation", email=email)]
    if len(parts) > 1 and _institution_head(parts[0]):
        # "Ministerium für Wirtschaft und Klimaschutz": one institution's name, whose
        # "und"/"and"/"," continue it rather than start a person's name.
        return [Byline(name=field, kind="organisation", email=email)]
    out: list[Byline] = []
    for part in parts:
        part = _IN_PLACE.sub("", part)
        pieces = [p for p in part.split(",") if p.strip()]
        pieces = [
            p for i, p in enumerate(pieces) if not is_degree(p) or _opens_surname_pair(pieces, i)
        ]
        # "Doe, J." and "Doe, Jane" but not "Jane Doe, CNN": one person written surname
        # first, a one-word surname before initials or a given name.
        if len(pieces) == 2 and len(pieces[0].split()) == 1 and _given_after_surname(pieces[1]):
            pieces = [f"{pieces[1].strip()} {pieces[0].strip()}"]
        for i, piece in enumerate(pieces):
            # "Jane Doe, Senior Reporter": a later comma piece that is a job title.
            # "…, illustration by X for the Post": lowercase continuations are credits.
            words = piece.split()
            # "Lifestyle writer", "Senior Reporter": a role, no one's name ("Jonathan Head"
            # opens with a given name: a person whose surname is a job word).
            role = len(words) <= 2 and is_job_word(words[-1])
            if role and not is_given_name_anywhere(words[0]) and not is_organisation(piece):
                continue
            if i > 0 and (
                any(is_job_word(w) for w in words) or words[0][:1].islower()
            ):
                continue
            b = _one(piece, email if len(parts) == 1 and len(pieces) == 1 else None)
            if b and all(b.name != o.name for o in out):
                out.append(b)
    return out


def entry_authors(raw_authors: Iterable[str], feed_authors: Iterable[str]) -> list[Byline]:
    """Bylines of one feed entry; the feed-level authors stand in when the entry has none.

    Duplicates (same name and kind) are removed, first occurrence kept.
    """
    out: list[Byline] = []
    seen: set[tuple[str, str]] = set()
    for raw in raw_authors:
        for b in parse_author_field(raw):
            if (b.name, b.kind) not in seen:
                seen.add((b.name, b.kind))
                out.append(b)
    if out:
        return out
    for raw in feed_authors:
        for b in parse_author_field(raw):
            if (b.name, b.kind) not in seen:
                seen.add((b.name, b.kind))
                out.append(b)
    return out


def full_person_names(raw: str) -> list[Byline]:
    """The persons of :func:`parse_author_field` whose names are full names opening with a
    given name (:func:`~innercircle.extract.name_shape.is_full_given_name`)."""
    return [b for b in parse_author_field(raw) if b.kind == "person" and is_full_given_name(b.name)]
