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
