"""Unlabelled bylines: the writer's name beside the date under the headline."""

import pytest

from innercircle.extract.page import extract_page

URL = "https://kultur.example.de/essay/die-freiheit-der-planung"
STORY = "<p>" + "Die Stadt der Zukunft entsteht in vielen kleinen Schritten. " * 6 + "</p>"


def authors(under_headline: str) -> list[str]:
    html = (
        "<html lang='de'><body><main><h1>Die Freiheit der Planung</h1>"
        f"<div class='meta'>{under_headline}</div>{STORY}</main></body></html>"
    )
    return [b.name for b in extract_page(html, URL).authors]


@pytest.mark.parametrize(
    "line",
    [
        "<span>25.10.2022 - Reiner Nagel</span>",
        "<span>Reiner Nagel |</span> <span>05.04.2025 - 10:30</span>",
        "<span>2022-10-25, 14:05 – Reiner Nagel</span>",
    ],
)
def test_a_name_beside_the_date_under_the_headline_is_the_writer(line):
    assert authors(line) == ["Reiner Nagel"]


@pytest.mark.parametrize(
    "line",
    [
        "<span>Berlin, 25.10.2022</span>",  # a dateline's place
        "<span>25.10.2022 - Essay</span>",  # a section
        "<span>25.10.2022 - Die Redaktion</span>",
    ],
)
def test_a_place_or_section_beside_the_date_is_no_writer(line):
    assert authors(line) == []


@pytest.mark.parametrize(
    "line",
    [
        "<span>Arvid Lenkmann | 25.10.2022 | Stadthalle</span>",  # a performer, date, venue
        "<span>Arvid Lenkmann, 12.03.1950 - 25.10.2022</span>",  # a life's dates
        "<span>Photo by Arvid Lenkmann | 25.10.2022</span>",  # a photographer
        "<figure><figcaption>Arvid Lenkmann, 25.10.2022</figcaption></figure>",
        "<span>Santa Monica, 10/25/2022</span>",  # a dateline's place
    ],
)
def test_a_line_holding_more_than_a_date_and_a_name_is_no_byline(line):
    assert authors(line) == []


def test_a_teaser_link_under_the_headline_names_another_articles_writer():
    teaser = "<a href='/essay/anderes'><span>25.10.2022 - Arvid Lenkmann</span></a>"
    assert authors(teaser) == []
    assert authors(f"<p>{teaser}</p>") == []
    # The writer's own name linked beside a plain date is still the byline.
    assert authors("<span>25.10.2022 - <a href='/autor/arvid'>Arvid Lenkmann</a></span>") == [
        "Arvid Lenkmann"
    ]
