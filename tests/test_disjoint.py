"""Disjoint sets: items joined through any chain of links end in one group."""

from innercircle.disjoint import DisjointSets


def test_chains_of_links_join_and_groups_keep_the_given_order():
    sets = DisjointSets(["a", "b", "c", "d", "e"])
    sets.union("d", "b")
    sets.union("e", "d")  # e-d-b: one group through a chain
    assert sets.joined("b", "e") and not sets.joined("a", "b")
    assert sets.groups() == [["a"], ["b", "d", "e"], ["c"]]


def test_the_groups_do_not_depend_on_which_side_of_a_union_comes_first():
    one, other = DisjointSets(range(6)), DisjointSets(range(6))
    for a, b in ((0, 3), (3, 5), (1, 2)):
        one.union(a, b)
        other.union(b, a)
    assert one.groups() == other.groups() == [[0, 3, 5], [1, 2], [4]]
