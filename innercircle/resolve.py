"""Resolve name variants to people: "Dr. Jane Q. Doe", "Jane Doe" and "Doe" are one person;
"Maria Chen" and "David Chen" are two.

Input is the set of normalised name keys seen in mentions (lowercase ASCII tokens, one
space apart: extraction has already stripped honorifics, folded diacritics and expanded
in-document short forms). Resolution is deliberately conservative: a variant joins a
person only when exactly one candidate fits, because a wrong merge pollutes the ranking
more than a missed one.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Common English nicknames -> the formal first name they stand for. Used only to join a
# nickname form to a formal form that is also seen, never to invent one.
NICKNAMES: dict[str, str] = {
    "bob": "robert",
    "bobby": "robert",
    "rob": "robert",
    "robbie": "robert",
    "bill": "william",
    "billy": "william",
    "will": "william",
    "liam": "william",
    "jim": "james",
    "jimmy": "james",
    "jamie": "james",
    "mike": "michael",
    "mick": "michael",
    "mikey": "michael",
    "dave": "david",
    "davy": "david",
    "dan": "daniel",
    "danny": "daniel",
    "tom": "thomas",
    "tommy": "thomas",
    "joe": "joseph",
    "joey": "joseph",
    "chris": "christopher",
    "kate": "katherine",
    "katie": "katherine",
    "kathy": "katherine",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "betty": "elizabeth",
    "lizzie": "elizabeth",
    "jen": "jennifer",
    "jenny": "jennifer",
    "sam": "samuel",
    "alex": "alexander",
    "andy": "andrew",
    "drew": "andrew",
    "tony": "anthony",
    "nick": "nicholas",
    "matt": "matthew",
    "pat": "patrick",
    "rick": "richard",
    "dick": "richard",
    "rich": "richard",
    "ted": "edward",
    "ed": "edward",
    "eddie": "edward",
    "steve": "steven",
    "stevie": "steven",
    "ben": "benjamin",
    "greg": "gregory",
    "jon": "jonathan",
    "josh": "joshua",
    "larry": "lawrence",
    "jeff": "jeffrey",
    "tim": "timothy",
    "ken": "kenneth",
    "ron": "ronald",
    "don": "donald",
    "peggy": "margaret",
    "maggie": "margaret",
    "meg": "margaret",
    "sue": "susan",
    "suzy": "susan",
    "cathy": "catherine",
    "abby": "abigail",
    "vicky": "victoria",
    "nate": "nathan",
    "frank": "francis",
    "fred": "frederick",
    "charlie": "charles",
    "chuck": "charles",
    "hank": "henry",
    "harry": "henry",
    "jack": "john",
    "johnny": "john",
    "becky": "rebecca",
    "mandy": "amanda",
    "nancy": "ann",
    "val": "valerie",
    "zach": "zachary",
    "ally": "allison",
    "manny": "manuel",
    "pepe": "jose",
    "paco": "francisco",
    "sasha": "alexander",
}


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


def _formal(first: str) -> str:
    return NICKNAMES.get(first, first)


def resolve_names(
    stats: Iterable[AliasStats], previous: Mapping[str, str] | None = None
) -> Resolution:
    """Group name keys into people.

    ``previous`` maps alias keys to the person ids an earlier run gave them, so that a
    person keeps their id when their canonical form changes (say a middle initial is
    learned): ids are inherited from the best-attested alias that had one.
    """
    previous = previous or {}
    by_key = {s.key: s for s in stats if s.key.strip()}
    full = [k for k in by_key if len(k.split()) >= 2]
    single = [k for k in by_key if len(k.split()) == 1]

    # 1. Group full names by (formal first name, surname); middle names and initials
    #    are folded in where they don't conflict.
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    initial_only: list[str] = []
    for key in full:
        tokens = key.split()
        first, last = tokens[0], tokens[-1]
        if len(first) == 1:
            initial_only.append(key)
            continue
        groups[(_formal(first), last)].append(key)

    # A nickname group joins its formal group only when the formal form is really seen.
    for (first, last), keys in list(groups.items()):
        formal_seen = any(k.split()[0] == first for k in keys)
        if not formal_seen and first != keys[0].split()[0]:
            # e.g. only "bob kim" seen: keep it under its own written first name.
            del groups[(first, last)]
            for key in keys:
                groups[(key.split()[0], last)].append(key)

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

    # 2. Initial-only first names ("r kim") join the one cluster they fit.
    unresolved: list[str] = []
    attach: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for key in initial_only:
        tokens = key.split()
        fits = [
            i
            for i, (keys, _) in enumerate(clusters)
            if any(k.split()[-1] == tokens[-1] and k.split()[0][0] == tokens[0] for k in keys)
        ]
        if len(fits) == 1:
            attach[fits[0]].append((key, "initial"))
        else:
            unresolved.append(key)

    # 3. A bare surname joins the one person with that surname; a bare first name never
    #    does (too ambiguous across documents).
    surname_owners: dict[str, list[int]] = defaultdict(list)
    for i, (keys, _) in enumerate(clusters):
        for last in {k.split()[-1] for k in keys}:
            surname_owners[last].append(i)
    for key in single:
        owners = surname_owners.get(key, [])
        if len(owners) == 1:
            attach[owners[0]].append((key, "surname_unique"))
        else:
            unresolved.append(key)

    aliases: dict[str, ResolvedAlias] = {}
    people: dict[str, Person] = {}
    for i, (keys, _rule) in enumerate(clusters):
        canonical = _canonical_key(keys, by_key)
        members = [(k, "exact" if k == canonical else _rule_for(k, canonical)) for k in keys]
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

    def order(key: str) -> tuple[int, int, int, str]:
        first = key.split()[0]
        return (
            int(first in NICKNAMES),
            -by_key[key].documents,
            -len(key.split()),
            key,
        )

    return min(keys, key=order)


def _rule_for(key: str, canonical: str) -> str:
    k, c = key.split(), canonical.split()
    if k[0] != c[0] and _formal(k[0]) == _formal(c[0]):
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
