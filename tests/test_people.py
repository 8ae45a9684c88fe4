"""PersonFinder on small texts: entities, filters, joining, quotes, model errors."""

import pytest

from innercircle.errors import ModelLoadError
from innercircle.extract.people import MAX_CHARS, PersonFinder, looks_like_person, truncate_text

TEXT = (
    "Angela Merkel met Barack Obama in Berlin on Monday. "
    '"We agree on the main points," Obama told reporters. '
    "Later, Merkel's spokesman declined to comment. "
    "Mr. John Smith of Acme Inc said nothing."
)


def test_finds_people_with_joining_and_quotes(finder):
    [mentions] = finder.find_people([TEXT])
    names = [m.name for m in mentions]
    assert "Angela Merkel" in names and "Barack Obama" in names
    obama = [m for m in mentions if m.surface == "Obama"]
    assert obama and obama[0].name == "Barack Obama" and obama[0].quoted
    merkel = [m for m in mentions if m.surface == "Merkel"]
    assert merkel and merkel[0].name == "Angela Merkel" and not merkel[0].quoted
    first = mentions[0]
    assert TEXT[first.start:first.end] == first.surface
    assert "Berlin" in first.sentence
    assert all(not m.surface.startswith("Mr") for m in mentions)


def test_quoted_means_a_quotation_in_the_sentence_that_names_the_speaker(finder):
    text = (
        '"Prices will rise. Nobody doubts it," said Jane Roe. '
        "Several readers asked whether Mark Poe’s fund is worth following. "
        "Ann Coe said the market’s mood was calm."
    )
    [mentions] = finder.find_people([text])
    quoted = {m.name: m.quoted for m in mentions}
    assert quoted == {"Jane Roe": True, "Mark Poe": False, "Ann Coe": False}


def test_batch_keeps_order_and_empty_texts(finder):
    result = finder.find_people(["", "Nothing here.", "Jane Doe wrote it."])
    assert result[0] == [] and result[1] == []
    assert [m.name for m in result[2]] == ["Jane Doe"]


def test_shape_filter():
    assert looks_like_person("Jane Doe")
    assert not looks_like_person("Acme Inc")
    assert not looks_like_person("Main Street")
    assert not looks_like_person("R2D2")
    assert not looks_like_person("jane doe")


def test_truncate_cuts_at_a_boundary():
    text = ("word " * 30 + "\n") * (MAX_CHARS // 100)
    cut = truncate_text(text)
    assert len(cut) <= MAX_CHARS and cut.endswith("\n")
    assert truncate_text("short") == "short"


def test_missing_model_names_the_setting():
    with pytest.raises(ModelLoadError, match="INNERCIRCLE_SPACY_MODEL"):
        PersonFinder("no_such_model_xyz")
