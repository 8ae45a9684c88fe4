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


def test_a_photo_credit_or_caption_closing_the_text_signs_nothing():
    # A credit line, in a paragraph of its own or in brackets after the last sentence.
    assert names(signed("<p>Photo by Jonna Velder</p>")) == []
    assert names(signed("<p>Das Spiel endete spät. (Foto von Jonna Velder)</p>")) == []
    # A caption or credit paragraph, or a comment, after the text: not the writer.
    for cls in ("photo-credit", "wp-caption-text", "copyright", "comment"):
        assert names(signed(f"<p class='{cls}'>Jonna Velder</p>")) == [], cls


def test_a_caption_after_the_signature_leaves_it_the_last_paragraph():
    last = "<p>Jonna Velder</p><p class='wp-caption-text'>Arvid Lenkmann</p>"
    assert names(signed(last)) == ["Jonna Velder"]


def test_a_sign_off_is_no_name_written_surname_first():
    assert names(signed("<p>Cheers, Jonna</p>")) == []
    assert names(signed("<p>Jonna Velder.</p>")) == ["Jonna Velder"]


def test_one_paragraph_of_text_is_too_few_to_sign():
    # One paragraph long enough to be an article body, then a name: a teaser or a note
    # with its contact, not a signed article.
    long = "<p>" + "Der Gastgeber hielt lange mit und verlor erst spät im Spiel. " * 10 + "</p>"
    html = (
        "<html lang='de'><body><h1>Halbfinale</h1><div class='text'>"
        f"{long}<p>Jonna Velder</p></div></body></html>"
    )
    assert names(html) == []
    assert names(html.replace("<p>Jonna", f"{PARAGRAPH}<p>Jonna")) == ["Jonna Velder"]
