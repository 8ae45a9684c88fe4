"""clean_person_name and name_key: the normalisation every later stage relies on."""

import pytest

from innercircle.extract.names import clean_person_name, name_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Jane   Doe ", "Jane Doe"),
        ("By Jane Doe", "Jane Doe"),
        ("Dr. Jane Doe", "Jane Doe"),
        ("Prof. Dr. Hans Müller", "Hans Müller"),
        ("Sir Tim Berners-Lee", "Tim Berners-Lee"),
        ("Jane Doe's", "Jane Doe"),
        ("Jane Doe’s", "Jane Doe"),
        ("Jane Doe, PhD", "Jane Doe"),
        ("Martin Luther King Jr.", "Martin Luther King"),
        ("DAVID PORTER", "David Porter"),
        ("SEAN O'BRIEN", "Sean O'Brien"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("Author: Jane Doe", "Jane Doe"),
        ("Sandra G. Boodman", "Sandra G. Boodman"),
    ],
)
def test_clean_person_name(raw, expected):
    assert clean_person_name(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "admin", "Unknown", "noreply@blogger.com", "https://example.com/jane", "Room 101",
     "the quick brown fox", "A B C D E F G", "I", "Staff Writer"],
)
def test_clean_person_name_rejects(raw):
    assert clean_person_name(raw) is None


def test_name_key_folds_case_diacritics_punctuation():
    assert name_key("José Müller") == "jose muller"
    assert name_key("O'Brien") == "obrien"
    assert name_key("Jean-Luc  Picard") == "jean luc picard"
    assert name_key("Łukasz Straße") == "lukasz strasse"
    assert name_key("Александр") == "александр"
