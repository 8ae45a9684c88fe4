"""py3langid's feature counts read with numpy give py3langid's own answers, to the bit."""

from __future__ import annotations

import random

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

from innercircle.extract import langid_counts
from innercircle.extract.langid_counts import WINDOW, VectorIdentifier, deepest, vector_identifier


@pytest.fixture(scope="module")
def plain() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@pytest.fixture(scope="module")
def vector(plain: LanguageIdentifier) -> VectorIdentifier:
    return vector_identifier(VectorIdentifier(
        plain.nb_ptc, plain.nb_pc, plain.nb_classes, plain.tk_nextmove, plain.tk_output,
        norm_probs=True, tk_row=plain.tk_row,
    ))


def _texts() -> list[str]:
    rng = random.Random(7)
    ranges = [(0x20, 0x80), (0x80, 0x800), (0x800, 0x3000), (0x3000, 0xA000), (0x10000, 0x10400)]
    made = [
        "".join(chr(rng.randrange(*rng.choice(ranges))) for _ in range(rng.randrange(300)))
        for _ in range(300)
    ]
    return [
        "", " ", "a", "ÄÖÜ", "1234 5678",
        "Der Bundestag hat am Donnerstag über das neue Gesetz beraten.",
        "The committee met on Thursday to discuss the new rules.",
        "Le comité s'est réuni jeudi pour discuter des nouvelles règles.",
        "委员会周四开会讨论新规则。", "Комитет собрался в четверг.",
        *made,
    ]


def test_the_tokenizer_is_no_deeper_than_the_window(plain: LanguageIdentifier):
    assert deepest(plain) <= WINDOW


def test_counts_are_py3langids_in_the_same_order(vector: VectorIdentifier):
    for text in _texts():
        data = vector._encode(text)
        expected = visit_counts(vector.tk_nextmove, vector._rowbase, vector.tk_output, data)
        got = vector.counts(data)
        assert (list(got.items()) if got else None) == (
            list(expected.items()) if expected else None
        ), text


def test_rankings_are_py3langids_to_the_bit(plain: LanguageIdentifier, vector: VectorIdentifier):
    for text in _texts():
        assert vector.rank(text) == plain.rank(text), text
        assert vector.classify(text) == plain.classify(text), text


def test_a_window_too_short_for_the_tokenizer_falls_back_to_py3langids_walk(
    plain: LanguageIdentifier, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(langid_counts, "WINDOW", 2)  # as if a deeper model came with an update
    fallback = vector_identifier(VectorIdentifier(
        plain.nb_ptc, plain.nb_pc, plain.nb_classes, plain.tk_nextmove, plain.tk_output,
        norm_probs=True, tk_row=plain.tk_row,
    ))
    assert fallback._window == 0  # the probe's counts differed: py3langid's own walk
    text = "Die Grüße aus Köln kamen gestern an."
    assert fallback.rank(text) == plain.rank(text)
