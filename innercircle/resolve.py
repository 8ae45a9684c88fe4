"""Resolve name variants to people: "Dr. Jane Q. Doe", "Jane Doe", "J. Doe" and "Janie Doe"
are one person; "Maria Chen" and "David Chen" are two.

Input is the set of normalised name keys seen in mentions (lowercase ASCII tokens, one
space apart: extraction has already stripped honorifics, folded diacritics and expanded
in-document short forms). Resolution is deliberately conservative: a variant joins a
person only when exactly one candidate fits, because a wrong merge pollutes the ranking
more than a missed one. A bare one-word key ("Doe") never joins anyone here: it could
only be joined inside a document that names the person in full, which extraction does;
across documents a bare word is as likely to be a common word ("Doch" is German for
"but") as a surname, so it stays unresolved (and :mod:`innercircle.personhood` excludes
it). Nicknames come from the ``nicknames`` dataset (:mod:`innercircle.vocabulary`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from innercircle.disjoint import DisjointSets
from innercircle.vocabulary import (
    OBJECT_TAKING_SPEECH,
    ORGANISATION_WORDS,
    SOFT_SPEECH_VERBS,
    SPEECH_VERBS,
    is_nickname_of,
)


@dataclass
class AliasStats:
    """What the warehouse knows about one name key."""

    key: str
    display: str  # the most common way it is written
    mentions: int = 0
    documents: int = 0
    hosts: frozenset[str] = field(default_factory=frozenset)


@dataclass
class ResolvedAlias:
    key: str
    person_id: str
    rule: str


@dataclass
class Person:
    person_id: str
    name: str
    name_key: str
    alias_keys: list[str]


@dataclass
class Resolution:
    aliases: dict[str, ResolvedAlias]
    people: dict[str, Person]
    unresolved: list[str]  # keys that fit no one or more than one person


def person_id_for(canonical_key: str) -> str:
    """A short stable id; used only for people no earlier run has named."""
    return "p_" + hashlib.sha1(canonical_key.encode("utf-8")).hexdigest()[:12]


def _nickname_pair(a: str, b: str) -> bool:
    """True when one first name is a listed nickname of the other ("bob"/"robert")."""
    return a != b and (is_nickname_of(a, b) or is_nickname_of(b, a))


def resolve_names(
    stats: Iterable[AliasStats],
    previous: Mapping[str, str] | None = None,
    profiles: Mapping[str, Iterable[str]] | None = None,
) -> Resolution:
    """Group name keys into people.

    ``previous`` maps alias keys to the person ids an earlier run gave them, so that a
    person keeps their id when their canonical form changes (say a middle initial is
    learned): ids are inherited from the best-attested alias that had one.

    ``profiles`` maps alias keys to the profile links (social accounts, homepages) found
    on author pages under that name: two name groups that share a profile link are one
    person whatever their names ("Kate L." and "Katherine Lindqvist" with the same
    Mastodon account), and the joined forms get the rule ``profile``.
    """
    previous = previous or {}
    profiles = profiles or {}
    by_key = {s.key: s for s in stats if s.key.strip()}
    full = [k for k in by_key if len(k.split()) >= 2]
    single = [k for k in by_key if len(k.split()) == 1]

    # 1. Group full names by (first name, surname); middle names and initials are folded
    #    in where they don't conflict. A nickname group ("bob kim") joins a formal group
    #    ("robert kim") when that formal form is really seen and is the only one it fits.
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    initial_only: list[str] = []
    for key in full:
        tokens = key.split()
        first, last = tokens[0], tokens[-1]
        if len(first) == 1:
            initial_only.append(key)
            continue
        groups[(first, last)].append(key)
    firsts_by_last: dict[str, set[str]] = defaultdict(set)
    for first, last in groups:
        firsts_by_last[last].add(first)
    for first, last in sorted(groups):
        formal = [f for f in firsts_by_last[last] if f != first and is_nickname_of(first, f)]
        # "bob" is listed under "bobby" too; the formal name is the one nobody's nickname
        formal = [f for f in formal if not any(is_nickname_of(f, g) for g in formal)]
        if len(formal) == 1 and (formal[0], last) in groups and (first, last) in groups:
            groups[(formal[0], last)].extend(groups.pop((first, last)))

    clusters: list[tuple[list[str], str]] = []  # (keys, rule for non-canonical members)
    for (_first, _last), keys in groups.items():
        middles = {tuple(k.split()[1:-1]) for k in keys} - {()}
        initials = {tuple(t[0] for t in m) for m in middles}
        if len(initials) <= 1:
            clusters.append((keys, "variant"))
        else:
            # Different middle names: different people. Middle-less forms go with the
            # best attested of them (the common way to write the common person).
            by_middle: dict[tuple[str, ...], list[str]] = defaultdict(list)
            bare: list[str] = []
            for k in keys:
                m = tuple(t[0] for t in k.split()[1:-1])
                (by_middle[m] if m else bare).append(k)
            best = max(by_middle, key=lambda m: sum(by_key[k].mentions for k in by_middle[m]))
            by_middle[best].extend(bare)
            clusters.extend((v, "variant") for v in by_middle.values())

    clusters = _merge_on_profiles(clusters, profiles)

    # 2. Initial-only first names ("r kim") join the one cluster they fit. Initials after
    #    the first ("h x lin", from "H.-X. Lin") must be written by the cluster too: the
    #    first initial alone joined a biologist to a designer called Hank Lin.
    unresolved: list[str] = []
    attach: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for key in initial_only:
        tokens = key.split()
        fits = [
            i
            for i, (keys, _) in enumerate(clusters)
            if any(_initials_fit(tokens, k.split()) for k in keys)
        ]
        if len(fits) == 1:
            attach[fits[0]].append((key, "initial"))
        else:
            unresolved.append(key)

    # 3. A bare word joins no one across documents (see the module doc).
    unresolved.extend(single)

    aliases: dict[str, ResolvedAlias] = {}
    people: dict[str, Person] = {}
    for i, (keys, _rule) in enumerate(clusters):
        canonical = _canonical_key(keys, by_key)
        members = [(k, "exact" if k == canonical else _rule_for(k, canonical, _rule)) for k in keys]
        members.extend(attach.get(i, []))
        person_id = _inherit_id([k for k, _ in members], previous, by_key) or person_id_for(
            canonical
        )
        while person_id in people:  # two clusters claiming one old id: the later gets a new one
            person_id = person_id_for(canonical + "#" + person_id)
        people[person_id] = Person(
            person_id=person_id,
            name=by_key[canonical].display,
            name_key=canonical,
            alias_keys=sorted(k for k, _ in members),
        )
        for key, rule in members:
            aliases[key] = ResolvedAlias(key=key, person_id=person_id, rule=rule)
    return Resolution(aliases=aliases, people=people, unresolved=sorted(unresolved))


def _canonical_key(keys: list[str], by_key: Mapping[str, AliasStats]) -> str:
    """The form to display: formal first names first, then the best attested, then longest."""

    firsts = {k.split()[0] for k in keys}

    def order(key: str) -> tuple[int, int, int, str]:
        first = key.split()[0]
        return (
            int(any(is_nickname_of(first, f) for f in firsts if f != first)),
            -by_key[key].documents,
            -len(key.split()),
            key,
        )

    return min(keys, key=order)


def _merge_on_profiles(
    clusters: list[tuple[list[str], str]], profiles: Mapping[str, Iterable[str]]
) -> list[tuple[list[str], str]]:
    """Join name groups that share a profile link (union-find over the groups)."""
    if not profiles:
        return clusters
    sets = DisjointSets(range(len(clusters)))
    owner: dict[str, int] = {}
    for i, (keys, _) in enumerate(clusters):
        for key in keys:
            for link in profiles.get(key, ()):
                link = link.strip().lower().rstrip("/")
                if not link:
                    continue
                if link in owner:
                    sets.union(owner[link], i)
                else:
                    owner[link] = i
    # A group of one keeps its own rule; joined groups were joined by a profile.
    return [
        (list(clusters[group[0]][0]), clusters[group[0]][1]) if len(group) == 1
        else ([key for i in group for key in clusters[i][0]], "profile")
        for group in sets.groups()
    ]


def _rule_for(key: str, canonical: str, group_rule: str = "variant") -> str:
    k, c = key.split(), canonical.split()
    if k[-1] != c[-1] or not _nickname_pair(k[0], c[0]) and k[0] != c[0] and k[0][0] != c[0][0]:
        return group_rule if group_rule == "profile" else "variant"
    if _nickname_pair(k[0], c[0]):
        return "nickname"
    if len(k) != len(c):
        return "middle_name"
    return "variant"


def _inherit_id(
    keys: list[str], previous: Mapping[str, str], by_key: Mapping[str, AliasStats]
) -> str | None:
    votes: Counter[str] = Counter()
    for key in keys:
        if key in previous:
            votes[previous[key]] += by_key[key].documents + 1 if key in by_key else 1
    if not votes:
        return None
    return min(votes, key=lambda pid: (-votes[pid], pid))


# --- organisations, places and products that extraction took for people ---------------------

#: Words that make a name an organisation, place or event wherever they appear in it; one
#: shared list (:data:`innercircle.vocabulary.ORGANISATION_WORDS`), kept under its old name.
NON_PERSON_WORDS = ORGANISATION_WORDS
_ORG_NOUNS = (
    r"analysts?|economists?|strategists?|researchers?|executives?|engineers?|staff|"
    r"employees?|teams?|spokes(?:person|man|woman)|customers?|clients?|investors? in|"
    r"shareholders?|(?:a |the )?(?:report|note|study|survey|statement|filing|memo|analysis|"
    r"forecast|estimate|data|research|press release)s?"
)
_ORG_VERBS = (
    r"hiring|acquired|acquiring|headquartered|incorporated|listed|announced (?:that )?its|"
    r"reported (?:quarterly|annual)|raised \$?\d|posted (?:a )?(?:profit|loss)|filed"
)
_AUX = r"has|had|is|was|have"
_ORG_OBJECT_VERBS = r"joined|joins|acquired|acquires|bought|buys|invested in|backed by|funded by"
PERSON_APPOSITION = (
    r"who|the (?:head|chief|founder|co-?founder|author|director|lead|partner)|"
    r"a (?:former |senior )?(?:partner|professor|analyst|researcher|founder|co-?founder|"
    r"investor|engineer|economist|scientist|director|fellow|writer|reporter|veteran)|head|chief|founder|co-?founder|ceo|cto|"
    r"cfo|coo|director|professor|vp|vice president|lead|principal|partner at|author of"
)


@dataclass
class NameContext:
    """How a name key is used, for telling organisations from people."""

    key: str
    display: str
    authored: int = 0  # mentions as a byline author
    # (surface, sentence, quoted) for mentions in the text
    sentences: list[tuple[str, str, bool]] = field(default_factory=list)
    # the languages of the documents it is a byline of (``documents.language``): a byline
    # is read as words of the language it is written in
    languages: tuple[str, ...] = ()


#: The name under test is replaced by this token, so the cue patterns compile once
#: instead of once per name (compiling them per name cost most of the people step). Every
#: rule that reads a sentence with its name marked (here, :mod:`innercircle.personhood`,
#: :mod:`innercircle.person_evidence` and its SQL twin) uses this one token.
NAME_MARK = "qqnameqq"


def _compile_cues() -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    n = NAME_MARK
    org = [
        re.compile(rf"\b(?:{_ORG_NOUNS})\s+(?:at|from|by|of)\s+(?:the\s+)?{n}\b", re.I),
        re.compile(rf"\b{n}(?:'s)?\b[^.;]*\bits\b", re.I),
        re.compile(rf"\b{n}\s+(?:{_AUX})?\s*(?:been\s+)?(?:quietly\s+)?(?:{_ORG_VERBS})\b", re.I),
        re.compile(rf"\b(?:{_ORG_OBJECT_VERBS})\s+{n}\b", re.I),
    ]
    person = [
        re.compile(
            rf"\b(?!(?:{OBJECT_TAKING_SPEECH})\b)(?:{SPEECH_VERBS})\s*,?\s+(?:\w+\.\s+)?{n}\b",
            re.I,
        ),
        # after a quote or a comma they are speech again: '"We were late," recalls X.'
        re.compile(rf"[,\"“”]\s*(?:{OBJECT_TAKING_SPEECH})\s+(?:\w+\.\s+)?{n}\b", re.I),
        re.compile(rf"\b{n}\s+(?:{SPEECH_VERBS})\b", re.I),
        re.compile(rf"\b{n}\s+(?:{SOFT_SPEECH_VERBS})\s*(?:that\b|[,:;.\"“”])", re.I),
        re.compile(
            rf"[,\"“”]\s*(?:{SOFT_SPEECH_VERBS})\s+(?:\w+\.\s+)?{n}\s*(?:[.,;:!?\"“”]|$)",
            re.I,
        ),
        re.compile(rf"\b{n}\s*,\s*(?:{PERSON_APPOSITION})\b", re.I),
        # he/she later in the sentence, with no other capitalised word between: in "X felt
        # compelled, as if Rowling knew she was ..." the pronoun is Rowling's
        re.compile(rf"\b{n}\b(?:(?!(?-i:[A-Z][a-z]))[^.;])*\b(?:he|she|his|her|him)\b", re.I),
    ]
    return org, person


ORG_CUES, PERSON_CUES = _compile_cues()


def mark_name(sentence: str, surface: str) -> str:
    """``sentence`` with every case-insensitive occurrence of ``surface`` replaced by the
    name token."""
    low, target = sentence.lower(), surface.strip().lower()
    if not target:
        return sentence
    if len(low) != len(sentence):  # lower() changed lengths (rare scripts): slow path
        return re.sub(re.escape(target), NAME_MARK, sentence, flags=re.I)
    out, i = [], 0
    while (j := low.find(target, i)) >= 0:
        out += [sentence[i:j], NAME_MARK]
        i = j + len(target)
    out.append(sentence[i:])
    return "".join(out)


def marked_sentence(ctx: NameContext, surface: str, sentence: str) -> str:
    """The sentence with the name marked: its full form first ("Harry" was joined to "Harry
    Potter", and "Harry Potter is a brand" is about the full name), then the surface."""
    if ctx.display and ctx.display != surface:
        sentence = mark_name(sentence, ctx.display)
    return mark_name(sentence, surface)


def count_cue_sentences(
    ctx: NameContext,
    cues: Sequence[re.Pattern[str]],
    *,
    cue_beats_quote: bool,
    full_name_first: bool,
) -> tuple[int, int]:
    """``(cue, person)``: how many of ``ctx``'s sentences use the name as ``cues`` say and
    not as a person, and how many use it as a person (:data:`PERSON_CUES`, or a quote).

    The one count behind the organisation rule here and the product and fiction
    rules of :mod:`innercircle.personhood`. ``cue_beats_quote``: a sentence flagged as a quote that
    also matches a cue is not a person's ("according to a note from X"). ``full_name_first``
    marks the name as :func:`marked_sentence` does, else the surface alone."""
    cue = person = 0
    for surface, sentence, quoted in ctx.sentences:
        if not sentence or not surface:
            person += bool(quoted)
            continue
        if full_name_first:
            marked = marked_sentence(ctx, surface, sentence)
        else:
            marked = mark_name(sentence, surface)
        is_cue = any(p.search(marked) for p in cues)
        says_person = any(p.search(marked) for p in PERSON_CUES)
        is_person = says_person or (quoted and not (cue_beats_quote and is_cue))
        cue += is_cue and not is_person
        person += is_person
    return cue, person


def non_person_reason(ctx: NameContext) -> str | None:
    """Why ``ctx`` is an organisation, place or product rather than a person, or None.

    Two general rules: a word that only organisations, places and events carry in their
    names (:data:`NON_PERSON_WORDS`, "&"); or the way the text uses the name: at least
    two sentences treat it as an organisation ("analysts at X", "a report from X",
    "X declined to comment on its plans", "X has been hiring") and clearly more than treat
    it as a person ("X said", "X, a founder of", "said X", he/she, a quote), and it never
    writes. Bylines and quotes are person evidence, so a real person named mostly in
    business context still stays in.
    """
    tokens = ctx.key.split()
    if "&" in ctx.display or any(t in NON_PERSON_WORDS for t in tokens[1:] or tokens):
        return "organisation word"
    if ctx.authored:
        return None
    # "according to a note from X" is flagged as a quote too: the org cue wins there.
    org_hits, person_hits = count_cue_sentences(
        ctx, ORG_CUES, cue_beats_quote=True, full_name_first=False
    )
    if org_hits >= 2 and org_hits >= 3 * person_hits and org_hits * 2 >= len(ctx.sentences):
        return "organisation context"
    return None


def _initials_fit(initials: list[str], full: list[str]) -> bool:
    """Whether ``initials`` ("r kim", "h x lin": a first initial, maybe more initials,
    a surname) can write the name ``full`` ("robert kim", "hong xia lin"): the same
    surname and every initial the first letter of ``full``'s given and middle names, in
    order."""
    given, written = initials[:-1], full[:-1]
    if initials[-1] != full[-1] or len(given) > len(written):
        return False
    return all(w.startswith(g[0]) for g, w in zip(given, written, strict=False))

