"""How the author benchmark compares names: the same keys for the expectation and for
every extractor's answer, so a rule here can favour no extractor."""

import pytest

from innercircle.evaluation.authors import Score, _keys


@pytest.mark.parametrize(
    ("written", "keys"),
    [
        # Several people in one expected value are several names ...
        ("Daniel Braun, Davor Pasoski", {"daniel braun", "davor pasoski"}),
        ("Rudolf Fischer und Simon Kohler", {"rudolf fischer", "simon kohler"}),
        # ... but one person written surname first is one name, as scholarly metadata has it.
        ("Jong, Michiel de", {"michiel de jong"}),
        ("Almeida, Maria C", {"maria c almeida"}),
        ("Ray, L. B.", {"l b ray"}),
        # An agency and its dateline, or a desk and its outlet, stay two.
        ("AFP, MANILA", {"afp", "manila"}),
        ("Editors, USA TODAY", {"editors", "usa today"}),
        ("By Jane Doe", {"jane doe"}),
    ],
)
def test_names_are_compared_as_keys(written, keys):
    assert _keys([written]) == keys


def test_a_name_on_a_page_without_author_is_a_false_author():
    score = Score()
    score.add(set(), {"jane doe"}, has_author=False)
    score.add({"michiel de jong"}, _keys(["Michiel de Jong"]), has_author=True)
    figures = score.figures()
    assert (figures["tp"], figures["fp"], figures["false_authors_on_no_author_pages"]) == (1, 1, 1)
