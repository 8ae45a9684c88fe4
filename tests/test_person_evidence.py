"""A mention acts as a person when it writes, is quoted, speaks, holds a job title or is
he/she; a product's or a fictional character's sentence does not. The SQL the ranking
runs and the Python rule give the same answers."""

from __future__ import annotations

import duckdb
import pytest

from innercircle.person_evidence import PERSON_CUE, acts_as_person, acts_as_person_sql
from innercircle.resolve import PERSON_CUES, mark_name

# (snippet, surface, quoted, expected)
CASES = [
    ("“Talent is the bottleneck,” said Jane Doe.", "Jane Doe", True, True),
    ("Jane Doe said the pilots worked.", "Jane Doe", False, True),
    ("As Jane Doe told the audience at the summit, prices will fall.", "Jane Doe", False, True),
    ("Prices will fall, according to Jane Doe.", "Jane Doe", False, True),
    ("Jane Doe, a partner at Acme, disagrees.", "Jane Doe", False, True),
    ("Doe thinks the data understates demand.", "Doe", False, True),
    ("Jane Doe has written about this before, and her team agrees.", "Jane Doe", False, True),
    ("Jane Doe added: the hard part is plumbing.", "Jane Doe", False, True),
    ("Prices will fall, added Jane Doe.", "Jane Doe", False, True),
    # Products and fictional characters: named, never acting as people.
    ("The latest release of Clara AI adds better reporting.", "Clara AI", True, False),
    ("Several readers asked whether Clara AI is worth switching to.", "Clara AI", True, False),
    ("Acme launched Clara AI last month.", "Clara AI", False, False),
    ("Clara AI's pricing changed again this quarter.", "Clara AI", False, False),
    ("It is a little like Eric Moss in the film The Glass Orchard.", "Eric Moss", False, False),
    ("Fans of The Glass Orchard will remember Eric Moss.", "Eric Moss", False, False),
    ("Early reviews of Jane Doe's book have been mixed.", "Jane Doe", False, False),
]


@pytest.mark.parametrize("snippet,surface,quoted,expected", CASES)
def test_a_sentence_shows_a_person_or_does_not(snippet, surface, quoted, expected):
    assert acts_as_person("mentioned", "article", quoted, snippet, surface) is expected


def test_bylines_and_author_pages_are_people_and_unknown_stays_unknown():
    assert acts_as_person("author", "article", False, None, "Jane Doe") is True
    assert acts_as_person("mentioned", "author_page", False, None, "Jane Doe") is True
    assert acts_as_person("mentioned", "article", False, None, "Jane Doe") is None
    # The cues are English: another language's sentence is not judged against them...
    assert acts_as_person("mentioned", "article", False, "Laut Jane Doe ist das so.",
                          "Jane Doe", "de") is None
    # ...but a quotation with its marks is speech in any language.
    assert acts_as_person("mentioned", "article", True, "„Das ist so“, sagte Jane Doe.",
                          "Jane Doe", "de") is True


def test_the_sql_gives_the_python_answers():
    rows = [("mentioned", "article", q, s, n, "en") for s, n, q, _ in CASES] + [
        ("author", "article", False, None, "Jane Doe", "en"),
        ("mentioned", "article", False, None, "Jane Doe", "en"),
        ("mentioned", "article", False, "Laut Jane Doe ist das so.", "Jane Doe", "de"),
        ("mentioned", "article", True, "„Das ist so“, sagte Jane Doe.", "Jane Doe", "de"),
        ("mentioned", "article", False, "Jane Doe said so.", "Jane Doe", None),
    ]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, role VARCHAR, doc_kind VARCHAR, quoted BOOLEAN, "
                "snippet VARCHAR, surface VARCHAR, language VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(i, *r) for i, r in enumerate(rows)])
    got = con.execute(f"SELECT {acts_as_person_sql()} FROM t ORDER BY i",
                      {"person_cue": PERSON_CUE}).fetchall()
    assert [g[0] for g in got] == [acts_as_person(*r) for r in rows]


# (sentence, is it a person speaking?) read by the ranking's rule and by the rule that
# tells people from organisations (resolve.PERSON_CUES): one list of speech verbs, one answer.
SPEECH_SENTENCES = [
    ("Jane Doe added: the hard part is plumbing.", True),
    ("Jane Doe recalled the early days of the project.", True),
    ("\"We were late,\" recalls Jane Doe.", True),
    ("Jane Doe replied that the numbers were wrong.", True),
    ("The numbers were wrong, insisted Jane Doe.", True),
    ("The latest release of Nora Desk adds better reporting.", False),
    ("Several readers asked whether Nora Desk is worth switching to.", False),
    ("Demand for Nora Desk continued.", False),
    ("The market sees Nora Desk as the default choice.", False),
]


@pytest.mark.parametrize("sentence,speaks", SPEECH_SENTENCES)
def test_the_ranking_and_the_organisation_rule_hear_the_same_speech(sentence, speaks):
    surface = "Jane Doe" if "Jane Doe" in sentence else "Nora Desk"
    marked = mark_name(sentence, surface)
    assert any(p.search(marked) for p in PERSON_CUES) is speaks
    assert acts_as_person("mentioned", "article", False, sentence, surface) is speaks


@pytest.mark.parametrize(
    "sentence",
    [
        "In a filing, Nora Desk stated that revenue rose.",
        "Nora Desk asked that the court dismiss the case.",
        "Regulators recalled Nora Desk pacemakers in March.",
    ],
)
def test_an_organisations_speech_is_no_persons_to_the_organisation_rule(sentence):
    """Filings state, companies ask courts, regulators recall products: the rule that tells
    people from organisations takes none of it as a person speaking. The ranking's rule
    hears the first two as a voice (a speaking organisation acts as one)."""
    marked = mark_name(sentence, "Nora Desk")
    assert not any(p.search(marked) for p in PERSON_CUES)

