"""The NER pool decides each text's language in the parent: a text of unknown language
(an author page) is identified there, so the workers never load the language identifier
(about 80 MB and a second of CPU each), and the people found are those one process finds."""

from __future__ import annotations

import pytest

from innercircle.errors import ModelLoadError
from innercircle.extract.ner_pool import PooledPersonFinder, languages_read


def _identifier_loaded() -> bool:
    """Run in a worker: whether it holds the language identifier."""
    from innercircle.extract import language

    return language._identifier.cache_info().currsize > 0


def test_unknown_languages_are_read_in_the_parent_with_the_same_people():
    from innercircle.extract.people import PersonFinder
    from innercircle.settings import Settings

    model = Settings().spacy_model
    texts = [
        "Jane Smith writes about payments. Smith said the results were strong this year.",
        "Rahul Mehta covers lending and credit; Maria Garcia told reporters she agreed.",
    ] * 24  # several chunks, so both workers read some
    declared = [None, "en-GB"] * 24
    assert languages_read(texts, declared) == ["en"] * len(texts)
    try:
        single = PersonFinder(model).analyse(texts, declared)
    except ModelLoadError as exc:  # pragma: no cover - the model is installed by make
        pytest.skip(f"spaCy model unavailable: {exc}")
    with PooledPersonFinder(model, 2) as pooled:
        found = pooled.analyse(texts, declared)
        assert pooled._pool is not None
        probes = [pooled._pool.submit(_identifier_loaded) for _ in range(8)]
        assert not any(p.result() for p in probes)
    assert [(d.language, d.mentions) for d in found] == [
        (d.language, d.mentions) for d in single
    ]
    assert any(d.mentions for d in found)


def test_an_empty_text_of_unknown_language_counts_as_the_default_one():
    assert languages_read(["", "   "], [None, None]) == ["en", "en"]
