"""Keep apart two people who share a full name but not a world.

Name resolution works on names alone, so "Alex Morgan" in fintech and "Alex Morgan" in
biotech start as one person. They stay one only when the evidence links the industries:
a site that carries the name in both, the same profile link on their author pages, or an
author who names them in both. Otherwise the person is split per group of linked
industries: the best-attested group keeps the ``person_id``, each other group gets an
id derived from it and its industries, so splits are stable from run to run too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from innercircle.disjoint import DisjointSets


@dataclass(frozen=True)
class IndustryEvidence:
    """What one industry knows about one person."""

    person_id: str
    industry: str
    documents: int
    hosts: frozenset[str] = field(default_factory=frozenset)
    profiles: frozenset[str] = field(default_factory=frozenset)
    citing: frozenset[str] = field(default_factory=frozenset)  # authors who name them

    def shares_with(self, other: IndustryEvidence) -> bool:
        return bool(
            self.hosts & other.hosts or self.profiles & other.profiles or self.citing & other.citing
        )


@dataclass(frozen=True)
class Split:
    person_id: str  # the resolved person
    industry: str
    split_person_id: str  # who the person is in that industry


def split_id(person_id: str, industries: Iterable[str]) -> str:
    key = person_id + "|" + ",".join(sorted(industries))
    return "p_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def split_unlinked_industries(evidence: Iterable[IndustryEvidence]) -> list[Split]:
    """The (person, industry) pairs that belong to a different person than the name's."""
    by_person: dict[str, list[IndustryEvidence]] = {}
    for ev in evidence:
        by_person.setdefault(ev.person_id, []).append(ev)
    splits: list[Split] = []
    for person_id, evs in sorted(by_person.items()):
        if len(evs) < 2:
            continue
        groups = _linked_groups(sorted(evs, key=lambda e: e.industry))
        if len(groups) < 2:
            continue
        groups.sort(key=lambda g: (-sum(e.documents for e in g), g[0].industry))
        for group in groups[1:]:
            new_id = split_id(person_id, (e.industry for e in group))
            splits.extend(Split(person_id, e.industry, new_id) for e in group)
    return splits


def _linked_groups(evs: list[IndustryEvidence]) -> list[list[IndustryEvidence]]:
    """Connected components of industries, linked by any shared evidence."""
    sets = DisjointSets(range(len(evs)))
    for i in range(len(evs)):
        for j in range(i + 1, len(evs)):
            if evs[i].shares_with(evs[j]):
                sets.union(i, j)
    return [[evs[i] for i in group] for group in sets.groups()]
