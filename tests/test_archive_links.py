"""A writer's name linked to their archive page under the headline is the byline.

Pages are small and hand-written in the shape such sites use; names invented.
"""

import pytest

from innercircle.extract.archive_links import spells_name
from innercircle.extract.page import extract_page

URL = "https://www.jagdblatt.example/news/waldwege-gesperrt"
TEXT = "<p>" + "Die Polizei ermittelt, nachdem Waldwege gesperrt wurden. " * 8 + "</p>"


def authors(body: str) -> list[str]:
    html = f"<html lang='de'><head><title>Waldwege</title></head><body>{body}</body></html>"
    return [b.name for b in extract_page(html, URL).authors]


@pytest.mark.parametrize(
    ("slug", "name", "spelled"),
    [
        ("orla-penhallow-684124", "Orla Penhallow", True),
        ("juergen-kuehnhaus", "Jürgen Kühnhaus", True),
        ("jurgen-kuhnhaus", "Jürgen Kühnhaus", True),
        ("orla-penhallow", "Alle Artikel", False),
        ("redaktion", "Orla Penhallow", False),
    ],
)
def test_a_slug_spells_a_name_with_or_without_its_diacritics(slug, name, spelled):
    assert spells_name(slug, name) is spelled


def test_the_writer_linked_to_their_archive_under_the_headline_wrote_it():
    byline = (
        "<div><a href='/autoren/marta-quellbruenn-6841'><picture><img alt=''></picture>"
        "<span class='teaser-copyright'>© Marta Quellbrünn</span>"
        "<span>Marta Quellbrünn</span></a> am 26.01.2022</div>"
    )
    assert authors(f"<article><h1>Waldwege gesperrt</h1>{byline}{TEXT}</article>") == [
        "Marta Quellbrünn"
    ]


def test_writers_linked_further_down_the_page_are_not_its_authors():
    sidebar = "<div><a href='/autoren/marta-quellbruenn-6841'>Marta Quellbrünn</a></div>"
    assert authors(f"<article><h1>Waldwege gesperrt</h1>{TEXT * 3}{sidebar}</article>") == []


def test_a_link_whose_address_is_no_writers_archive_names_no_author():
    link = "<div><a href='/themen/marta-quellbruenn'>Marta Quellbrünn</a></div>"
    assert authors(f"<article><h1>Waldwege gesperrt</h1>{link}{TEXT}</article>") == []
