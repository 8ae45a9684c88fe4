"""How the author benchmark compares names: the same keys for the expectation and for
every extractor's answer, so a rule here can favour no extractor."""

import pytest

from innercircle.evaluation.authors import Score, name_keys, run_extractor


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
        # A capitalised word after the comma that is no given name: a desk, not a person.
        ("Editors, Newsroom", {"editors", "newsroom"}),
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
        # The date beside a name is cut off, the name kept.
        ("By Jonna Velder Updated 6:01 am", {"jonna velder"}),
        ("May 3, 2021 at 6:01 am Updated May 4, 2021 at 3:33 pm", set()),
        ("6:01 am - Jonna Velder", {"jonna velder"}),
        ("Arvid Lenkmann, 25.10.2022", {"arvid lenkmann"}),
        # Co-authors on lines of their own are all expected; an outlet below them is not.
        ("Jonna Velder\nArvid Lenkmann", {"jonna velder", "arvid lenkmann"}),
        ("Jonna Velder\nArvid Lenkmann\nWebMD Health News", {"jonna velder", "arvid lenkmann"}),
        # Names written surname first, listed with semicolons.
        ("Velder, Jonna; Lenkmann, Arvid", {"jonna velder", "arvid lenkmann"}),
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


def test_a_page_whose_expected_byline_names_no_one_is_not_scored():
    # "By" and a date: an author page with nothing to find would count every answer as
    # false and no name as missed. It is left out, and counted.
    rows = [
        {
            "expected_authors": ["Updated: January 7, 2025"],
            "has_author": True,
            "local_file": "x/a.html",
            "html": b"",
            "url": "https://a.example.com/",
            "source": "trafilatura-eval",
        },
        {
            "expected_authors": ["Jonna Velder"],
            "has_author": True,
            "local_file": "x/b.html",
            "html": b"",
            "url": "https://b.example.com/",
            "source": "trafilatura-eval",
        },
    ]
    run = run_extractor("fixed", lambda html, url: ["Jonna Velder"], rows)
    assert run.all.figures()["fp"] == 0
    assert run.all.figures()["tp"] == 1
    assert run.skipped == 1


def test_a_name_on_a_page_without_author_is_a_false_author():
    score = Score()
    score.add(set(), {"jane doe"}, has_author=False)
    score.add({"michiel de jong"}, name_keys(["Michiel de Jong"]), has_author=True)
    figures = score.figures()
    assert (figures["tp"], figures["fp"], figures["false_authors_on_no_author_pages"]) == (1, 1, 1)


def test_the_replay_leaves_out_the_same_pages():
    from innercircle.evaluation.replay import ReplayPage, ReplayWeb, byline_scores

    def shared(name: str, expected: str) -> ReplayPage:
        return ReplayPage(
            f"articles/x/{name}.html.gz", "", "news.example.com", f"/{name}", "en", name,
            None, [expected], True, "trafilatura-eval", b"",
        )

    web = ReplayWeb([shared("dated", "May 3, 2021 at 6:01 am"), shared("signed", "Jonna Velder")])
    stored = {p.served_url(80): ["Jonna Velder"] for p in web.pages}
    scores = byline_scores(web, stored)
    assert (scores["all/all"]["tp"], scores["all/all"]["fp"]) == (1, 0)
    assert scores["pages_skipped_no_expected_name"] == {"pages": 1}
