"""Data made once per machine into a cache folder (py3langid's model decompressed, Faker's
name lists gathered): the same data as each process made before, cheaper."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from innercircle import vocabulary
from innercircle.extract import langid_model
from innercircle.model_cache import cache_root

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


def test_what_a_killed_fill_left_is_swept_by_the_next_fill(cache):
    import os
    import time

    from innercircle.model_cache import STALE_S, cached_folder

    cache.mkdir(parents=True)
    old = time.time() - STALE_S - 60
    left = {n: cache / n for n in ("data.k3j2", "data.discarded-9f", "data.now", "database.x")}
    for name, folder in left.items():
        (folder / "part").mkdir(parents=True)
        if name != "data.now":  # a fill still running elsewhere is fresh
            os.utime(folder, (old, old))
    cached_folder("data", lambda folder: (folder / "x").write_text("1"))
    assert sorted(p.name for p in cache.iterdir()) == ["data", "data.now", "database.x"]


def test_a_damaged_model_cache_falls_back_and_is_made_again(cache):
    langid_model.load_identifier()
    (ptc,) = cache.glob("py3langid-*/ptc.npy")
    ptc.write_bytes(b"")  # e.g. a full disk; np.load raises EOFError
    assert langid_model.load_identifier().classify(TEXTS[1])[0] == "de"
    assert not ptc.exists()  # removed, not read and failed on by every process
    langid_model.load_identifier()
    assert np.load(ptc).shape == LanguageIdentifier.from_model_file(MODEL_FILE).nb_ptc.shape


def test_a_py3langid_without_what_the_cache_uses_loads_its_own_way(cache, monkeypatch):
    import sys
    import types

    import py3langid

    other = types.ModuleType("py3langid.modelio")  # a release without the private helper
    monkeypatch.setitem(sys.modules, "py3langid.modelio", other)
    monkeypatch.setattr(py3langid, "modelio", other, raising=False)
    assert langid_model.load_identifier().classify(TEXTS[0])[0] == "en"
    assert not cache.exists()  # nothing made that could not be read


def test_cache_folders_name_their_format(cache):
    langid_model.load_identifier()
    vocabulary._faker_names("first")
    assert len(list(cache.glob(f"py3langid-v{langid_model.FORMAT}-*/done"))) == 1
    assert len(list(cache.glob(f"faker-names-v{vocabulary.FAKER_CACHE_FORMAT}-*/done"))) == 1


def test_a_damaged_faker_cache_is_read_around_and_made_again(cache):
    first = vocabulary._faker_names("first")
    (names,) = cache.glob("faker-names-*/first.json")
    names.write_text("[")  # cut short
    assert vocabulary._faker_names("first") == first
    assert not names.exists()
    assert vocabulary._faker_names("first") == first
    assert set(json.loads(names.read_text())) == first


def test_faker_without_package_metadata_reads_faker_itself(cache, monkeypatch):
    import importlib.metadata

    def no_metadata(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", no_metadata)
    assert "jürgen" in vocabulary._faker_names("first")


def test_files_reach_the_disk_before_the_folder_is_marked_done(cache, monkeypatch):
    import os

    from innercircle.model_cache import cached_folder

    flushed = []
    real_fsync = os.fsync

    def fsync(fd):
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        flushed.append((path.name, (path / "done").exists() or (path.parent / "done").exists()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    cached_folder("flushed", lambda folder: (folder / "data").write_text("x"))
    assert ("data", False) in flushed
    assert any(name.startswith("flushed.") and not done for name, done in flushed)


def test_a_relative_xdg_cache_home_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_root() == tmp_path / ".cache" / "innercircle"


def test_no_home_is_an_oserror_callers_fall_back_on(monkeypatch):
    import pwd

    def no_entry(uid):
        raise KeyError(uid)

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    with pytest.raises(OSError):
        cache_root()
    assert langid_model.load_identifier().classify(TEXTS[0])[0] == "en"
