"""PageRank on the author -> mentioned graph: influence flows along who names whom."""

import numpy as np

from innercircle.ranking import pagerank


def test_the_person_everyone_points_at_ranks_highest_and_each_industry_sums_to_one():
    # group 0: authors 1, 2, 3 all name 0; 0 names 1.  group 1: 4 -> 5, an isolated pair.
    src = np.array([1, 2, 3, 0, 4])
    dst = np.array([0, 0, 0, 1, 5])
    weight = np.ones(5)
    group = np.array([0, 0, 0, 0, 1, 1])
    rank = pagerank(src, dst, weight, group)
    assert rank[0] == rank[:4].max()
    assert rank[1] > rank[2] == rank[3]  # named by the central person
    assert rank[5] > rank[4]
    assert np.isclose(rank[:4].sum(), 1.0) and np.isclose(rank[4:].sum(), 1.0)


def test_a_graph_with_no_edges_gives_everyone_the_same_rank():
    rank = pagerank(np.array([], int), np.array([], int), np.array([]), np.zeros(4, int))
    assert np.allclose(rank, 0.25)


def test_one_author_repeating_a_name_passes_on_no_more_than_that_author_has():
    # 0 is named once each by five authors; 6 is named by one author (5) many times.
    src = np.array([1, 2, 3, 4, 7, 5])
    dst = np.array([0, 0, 0, 0, 0, 6])
    weight = np.log1p(np.array([1, 1, 1, 1, 1, 50.0]))
    rank = pagerank(src, dst, weight, np.zeros(8, int))
    assert rank[0] > 2 * rank[6]
