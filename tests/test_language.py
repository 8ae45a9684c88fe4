"""Document language: detected from the text, the page's declared language a tie-breaker."""

import pytest

from innercircle.extract.language import declared_language, detect_language
from innercircle.extract.page import extract_page

EN = (
    "The city council met on Tuesday evening to discuss the budget for next year. "
    "Several members asked why the library would close earlier, and the mayor said "
    "that the decision had not been taken yet."
)
DE = (
    "Der Gemeinderat hat am Dienstagabend über den Haushalt für das kommende Jahr "
    "beraten. Mehrere Mitglieder fragten, warum die Bibliothek früher schließen soll, "
    "und der Bürgermeister sagte, dass noch nichts entschieden sei."
)
FR = (
    "Le conseil municipal s'est réuni mardi soir pour discuter du budget de l'année "
    "prochaine. Plusieurs membres ont demandé pourquoi la bibliothèque fermerait plus "
    "tôt, et le maire a répondu que la décision n'était pas encore prise."
)


@pytest.mark.parametrize(("text", "code"), [(EN, "en"), (DE, "de"), (FR, "fr")])
def test_long_text_decides_by_itself(text, code):
    assert detect_language(f"{text} {text}") == code


def test_text_overrules_a_template_that_always_says_english():
    assert detect_language(DE, "en-US") == "de"


def test_short_text_takes_the_declared_language():
    assert detect_language("Hallo Welt, kurz notiert.", "de-AT") == "de"


def test_unsure_without_text_or_claim():
    assert detect_language("") is None
    assert detect_language("Kurz notiert.") is None  # too short to read, nothing declared
    assert detect_language("12 34 !!") is None


def test_declared_tags_are_normalised_to_iso_639_1():
    assert declared_language("pt_BR") == "pt"
    assert declared_language(None, "", "nb-NO") == "no"
    assert declared_language("x-klingon", "fr-CA") == "fr"


def test_page_language_is_stored_on_the_extract():
    html = (
        "<html lang='en'><head><meta property='og:locale' content='de_DE'></head><body>"
        f"<article><h1>Haushalt</h1><p>{DE}</p><p>{DE}</p></article></body></html>"
    )
    result = extract_page(html, "https://example.org/a")
    assert result.language == "de"
    assert result.lang == "en"  # what the HTML claims stays available as such
