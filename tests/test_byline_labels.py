"""Byline shapes read from labels and class names: interview credits, compound labels,
one-word names after explicit labels, camelCase byline classes, an article's footer row.

Each page is small and hand-written, shaped like a kind of markup seen on real sites
(never copied from them); the names are invented.
"""

import pytest

from innercircle.extract.bylines import parse_author_field
from tests.test_byline_structure import TEXT, authors, page


@pytest.mark.parametrize(
    "field",
    [
        "Orla Penhallow im Gespräch mit Tamsin Quillfeather",
        "Orla Penhallow in conversation with Tamsin Quillfeather",
    ],
)
def test_interview_credit_names_both_people(field):
    assert [b.name for b in parse_author_field(field)] == ["Orla Penhallow", "Tamsin Quillfeather"]


def test_interview_credit_in_an_author_block():
    body = (
        "<h1>Ein Gespräch</h1><p class='author'>Orla Penhallow im Gespräch mit "
        "Tamsin Quillfeather</p>" + TEXT
    )
    assert authors(page(body, lang="de")) == ["Orla Penhallow", "Tamsin Quillfeather"]


@pytest.mark.parametrize(
    "line",
    [
        "Blog Beitrag von Orla Penhallow",
        "Ein Gastbeitrag von Orla Penhallow",
        "A guest post by Orla Penhallow",
    ],
)
def test_compound_label_opens_a_byline_line(line):
    body = f"<h1>A story</h1><div><p>{line}</p></div>" + TEXT
    assert authors(page(body)) == ["Orla Penhallow"]


def test_one_word_name_after_an_explicit_label():
    body = (
        "<h2>A story</h2><div class='postdata'><span class='category'>Posted by Tamsinor"
        "</span><span class='date'>21.10.2019</span></div>" + TEXT
    )
    assert authors(page(body)) == ["Tamsinor"]


def test_one_word_after_a_bare_by_is_not_a_name():
    body = "<h2>A story</h2><div><p>By Tamsinor</p></div>" + TEXT
    assert authors(page(body)) == []


def test_one_word_left_of_a_word_read_as_a_date_is_not_a_name():
    # "Harbour Today" is the site; "Today" is read as a date and dropped.
    body = "<h2>A story</h2><div class='head'>Written by Harbour Today on May 3, 2023</div>" + TEXT
    assert authors(page(body)) == []


def test_camel_case_byline_class():
    body = (
        "<h1>A story</h1>" + TEXT + "<div class='documentByLine'><span class='documentAuthor'>"
        "erstellt von <a href='/author/tamsinor'>Tamsinor</a> — </span></div>"
    )
    assert authors(page(body, lang="de")) == ["Tamsinor"]


def test_generated_class_names_are_not_read_as_camel_case():
    body = "<h1>A story</h1><div class='sc-byLine aBy'>Some Words Here</div>" + TEXT
    assert authors(page(body)) == []


def test_footer_row_inside_the_article_holds_its_byline():
    body = (
        "<article><h1>A story</h1>" + TEXT + "<div class='row footerRow'>"
        "<div class='byline'>von <a href='/author/tamsinor'>Tamsin Quillfeather</a></div>"
        "</div></article><div class='footerRow'><div class='byline'>von Orla Penhallow</div></div>"
    )
    assert authors(page(body, lang="de")) == ["Tamsin Quillfeather"]


def test_site_footer_outside_the_article_stays_excluded():
    body = (
        "<article><h1>A story</h1>" + TEXT + "</article>"
        "<div class='footerRow'><div class='byline'>von Orla Penhallow</div></div>"
    )
    assert authors(page(body, lang="de")) == []


def test_an_editors_credit_is_not_the_author():
    body = (
        "<h1>A term</h1><div><em>---- by Orla Penhallow</em></div>"
        + TEXT
        + "<p><span itemprop='author'>Second edition edited by Tamsin Quillfeather</span></p>"
    )
    assert authors(page(body)) == ["Orla Penhallow"]


@pytest.mark.parametrize(
    "byline, expected",
    [
        ("By Orla Penhallow; photos by Tamsin Quillfeather", ["Orla Penhallow"]),
        ("Von Orla Penhallow, Fotos von Tamsin Quillfeather", ["Orla Penhallow"]),
        ("Photography by Tamsin Quillfeather", []),
        # a joint credit names the writer too
        ("Story and photos by Orla Penhallow", ["Orla Penhallow"]),
        ("Text und Fotos von Orla Penhallow", ["Orla Penhallow"]),
    ],
)
def test_a_credit_after_the_byline_is_cut_off(byline, expected):
    body = f"<h1>A story</h1><p class='byline'>{byline}</p>" + TEXT
    assert authors(page(body, lang="de")) == expected
