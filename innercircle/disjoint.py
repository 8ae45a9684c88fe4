"""Disjoint sets (union-find): which items end up joined, through any chain of links.

Three steps group things this way: near-duplicate documents (:mod:`innercircle.dedup`),
name groups that share a profile link (:mod:`innercircle.resolve`) and a person's
industries linked by shared evidence (:mod:`innercircle.identity`). One implementation
serves them all, so the grouping rule (and its cost: near-constant per operation, with
path halving) is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class DisjointSets(Generic[T]):
    """Items start alone; :meth:`union` joins two items' sets."""

    def __init__(self, items: Iterable[T]) -> None:
        self._parent: dict[T, T] = {x: x for x in items}

    def find(self, x: T) -> T:
        """The representative of ``x``'s set (the same for every member)."""
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def joined(self, a: T, b: T) -> bool:
        return self.find(a) == self.find(b)

    def union(self, a: T, b: T) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self._parent[root_b] = root_a

    def groups(self) -> list[list[T]]:
        """Every set, its members in the order the items were given; the sets ordered by
        their first member, so the result does not depend on how they were joined."""
        out: dict[T, list[T]] = {}
        for x in self._parent:
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())
