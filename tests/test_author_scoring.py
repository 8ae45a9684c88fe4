"""How the author benchmark compares names: the same keys for the expectation and for
every extractor's answer, so a rule here can favour no extractor."""

import pytest

from innercircle.evaluation.authors import Score, name_keys


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
    assert name_keys([written]) == keys


@pytest.mark.parametrize(
    ("written", "keys"),
    [
        # An expected byline as a page writes it: the name on its first line, below it the
        # outlet, the date or a biography; a date, an e-mail or a degree beside it is no one.
        ("By Kelli  Miller\n        WebMD Health News", {"kelli miller"}),
        ("By\n\t\tScott Cunningham", {"scott cunningham"}),
        ("By GILLIAN MOHNEY\n   March 11, 2015 3:46 PM", {"gillian mohney"}),
        ("By Brenda Goodman, MA\n   WebMD Health News", {"brenda goodman"}),
        ("Mike Cason | mcason@al.com", {"mike cason"}),
        ("Last Updated: January 7, 2025", set()),
        # Handles with digits are names, not dates.
        ("r23", {"r23"}),
        ("15min", {"15min"}),
    ],
)
def test_expected_bylines_are_read_as_written(written, keys):
    assert name_keys([written], expected=True) == keys


def test_an_extractors_answer_is_read_as_given():
    # A date an extractor returns as a name counts against it; only expectations are cleaned.
    assert name_keys(["Last Updated: January 7, 2025"]) == {"last updated january 7", "2025"}


def test_a_name_on_a_page_without_author_is_a_false_author():
    score = Score()
    score.add(set(), {"jane doe"}, has_author=False)
    score.add({"michiel de jong"}, name_keys(["Michiel de Jong"]), has_author=True)
    figures = score.figures()
    assert (figures["tp"], figures["fp"], figures["false_authors_on_no_author_pages"]) == (1, 1, 1)
