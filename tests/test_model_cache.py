"""Data made once per machine into a cache folder (py3langid's model decompressed, Faker's
name lists gathered): the same data as each process made before, cheaper."""

from __future__ import annotations

import lzma

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from innercircle import vocabulary
from innercircle.extract import langid_model

TEXTS = [
    "The quarterly report was published on Monday and the board approved the budget.",
    "Der Vorstand hat den Bericht am Montag veröffentlicht und das Budget genehmigt.",
    "De raad van bestuur heeft het rapport maandag gepubliceerd.",
    "O conselho publicou o relatório na segunda-feira e aprovou o orçamento.",
    "",
]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "innercircle"


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return type(a) is type(b) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("norm_probs", [True, False])
def test_the_cached_model_is_py3langids_own_and_answers_alike(cache, norm_probs):
    own = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=norm_probs)
    first = langid_model.load_identifier(norm_probs)  # writes the cache
    again = langid_model.load_identifier(norm_probs)  # reads it
    assert len(list(cache.glob("py3langid-*/ptc.npy"))) == 1
    for made in (first, again):
        for slot in LanguageIdentifier.__slots__:
            assert _same(getattr(made, slot), getattr(own, slot)), slot
        for text in TEXTS:
            assert made.rank(text) == own.rank(text)
            assert made.classify(text) == own.classify(text)


def test_a_written_cache_is_read_without_decompressing(cache, monkeypatch):
    langid_model.load_identifier()

    def no_lzma(*args, **kwargs):
        raise AssertionError("decompressed again")

    monkeypatch.setattr(lzma, "decompress", no_lzma)
    monkeypatch.setattr(LanguageIdentifier, "from_model_file", no_lzma)
    assert langid_model.load_identifier().classify(TEXTS[1])[0] == "de"


def test_a_cache_out_of_reach_falls_back_to_the_packaged_model(tmp_path, monkeypatch):
    blocker = tmp_path / "innercircle"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    identifier = langid_model.load_identifier()
    assert identifier.classify(TEXTS[0])[0] == "en"
    assert blocker.read_text().startswith("a file")


def test_fakers_names_come_from_the_cache_once_gathered(cache, monkeypatch):
    first, last = vocabulary._faker_names("first"), vocabulary._faker_names("last")
    assert first == vocabulary._read_faker_names("first") and "jürgen" in first
    assert last == vocabulary._read_faker_names("last") and "washington" in last
    assert len(list(cache.glob("faker-names-*/first.json"))) == 1

    def no_faker(kind):
        raise AssertionError("Faker read again")

    monkeypatch.setattr(vocabulary, "_read_faker_names", no_faker)
    assert vocabulary._faker_names("first") == first


def test_two_processes_filling_the_cache_at_once_leave_one_whole_folder(cache):
    from innercircle.model_cache import cached_folder

    def fill(folder):
        (folder / "data").write_text("same")
        if not (cache / "shared" / "done").exists():  # the other one gets there first
            cached_folder("shared", lambda other: (other / "data").write_text("same"))

    assert (cached_folder("shared", fill) / "data").read_text() == "same"
    assert sorted(p.name for p in cache.iterdir()) == ["shared"]
