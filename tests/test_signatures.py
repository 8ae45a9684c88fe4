"""Writers who sign below the text instead of above it."""

from innercircle.extract.html import parse_html
from innercircle.extract.page import extract_page
from innercircle.extract.signatures import signature_authors

URL = "https://regional.example.de/sport/2022/halbfinale.html"
PARAGRAPH = "<p>" + "Der Gastgeber hielt lange mit und verlor erst spät im Spiel. " * 3 + "</p>"


def signed(last: str, paragraphs: int = 3) -> str:
    body = PARAGRAPH * paragraphs + last
    return f"<html lang='de'><body><h1>Halbfinale</h1><div class='text'>{body}</div></body></html>"


def names(html: str) -> list[str]:
    return [b.name for b in signature_authors(parse_html(html))]


def test_a_name_alone_in_the_last_paragraph_signs_the_article():
    html = signed("<p><b><i>Stefan Wasmer</i></b></p>")
    assert names(html) == ["Stefan Wasmer"]
    assert [b.name for b in extract_page(html, URL).authors] == ["Stefan Wasmer"]


def test_a_name_in_brackets_closing_the_last_sentence_signs_it_too():
    last = "<p><strong>Es bleibt spannend.</strong> (Christian P. Stadtfeld) +++</p>"
    assert names(signed(last)) == ["Christian P. Stadtfeld"]


def test_what_is_no_signature():
    # A source credited in brackets, whose first word is an article somewhere.
    assert names(signed("<p>Das meldete die Zeitung. (El Economista)</p>")) == []
    # One word: a greeting or a nickname as often as a name.
    assert names(signed("<p>Benni</p>")) == []
    # A name in the middle of the text, and a short page with nothing to sign.
    assert names(signed("<p>Stefan Wasmer</p>" + PARAGRAPH)) == []
    assert names(signed("<p>Stefan Wasmer</p>", paragraphs=1)) == []
