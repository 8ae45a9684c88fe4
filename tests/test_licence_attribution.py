"""The person a Creative Commons licence credits, read when a page names no one else.

Pages are small and hand-written in the shape licence choosers produce; names invented.
"""

from innercircle.extract.page import extract_page

URL = "https://tagebuch.example.org/2024/05/01/ein-tag/"
TEXT = "<p>" + "Heute war ein langer Tag am Fluss mit dem Hund. " * 8 + "</p>"


def licence(credited: str) -> str:
    return (
        "<aside class='widget'><a rel='license' href='https://creativecommons.org/licenses/"
        "by/3.0/'><img alt='Creative Commons Lizenzvertrag'></a><br><span>Ein Tagebuch</span>"
        f" von <a href='https://tagebuch.example.org/' rel='cc:attributionURL'>{credited}</a>"
        " steht unter einer Creative Commons Namensnennung 3.0 Lizenz.</aside>"
    )


def authors(body: str) -> list[str]:
    html = f"<html lang='de'><head><title>Ein Tag</title></head><body>{body}</body></html>"
    return [b.name for b in extract_page(html, URL).authors]


def test_a_blog_without_a_byline_is_written_by_the_person_its_licence_credits():
    body = f"<article><h1>Ein Tag</h1>{TEXT}</article>{licence('Orla Penhallow')}"
    assert authors(body) == ["Orla Penhallow"]


def test_the_attribution_name_property_counts_too():
    body = (
        f"<article><h1>Ein Tag</h1>{TEXT}</article><footer><span property='cc:attributionName'>"
        "Orla Penhallow</span> is licensed under CC BY-SA 4.0</footer>"
    )
    assert authors(body) == ["Orla Penhallow"]


def test_a_byline_beats_the_licence():
    body = (
        f"<article><h1>Ein Tag</h1><p>Von Tamsin Quellbrunn</p>{TEXT}</article>"
        f"{licence('Orla Penhallow')}"
    )
    assert authors(body) == ["Tamsin Quellbrunn"]


def test_a_team_credited_by_the_licence_is_no_author():
    body = f"<article><h1>Ein Tag</h1>{TEXT}</article>{licence('the Core Developers')}"
    assert authors(body) == []
