"""Word frequencies come from wordfreq's ``small`` lists (a tenth of the ``large`` lists'
memory in every process that reads names); that is only safe while every threshold on
them is at or above the small lists' floor, and the small lists agree with the large ones
there."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import innercircle
from innercircle.vocabulary import ZIPF_FLOOR, zipf


def _zipf_thresholds() -> dict[str, float]:
    """Every module-level ``*_ZIPF`` number in the innercircle package (not sampleweb,
    which generates the sample web and reads wordfreq itself)."""
    found = {}
    for info in pkgutil.walk_packages(innercircle.__path__, "innercircle."):
        if ".sampleweb" in info.name or ".evaluation" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.endswith("_ZIPF") and isinstance(value, int | float):
                found[f"{info.name}.{name}"] = float(value)
    return found


def test_every_threshold_is_above_the_small_lists_floor():
    thresholds = _zipf_thresholds()
    assert "innercircle.vocabulary.COMMON_ZIPF" in thresholds  # the scan sees them
    below = {k: v for k, v in thresholds.items() if v < ZIPF_FLOOR + 0.5}
    assert not below, f"thresholds too close to the small wordlist's floor: {below}"


def test_rare_words_read_as_zero_and_common_ones_as_in_the_large_list():
    from wordfreq import top_n_list, zipf_frequency

    assert zipf("zzqxqz", "en") == 0.0
    for lang in ("en", "de"):
        # words around every threshold: the 200th to the 30,000th most frequent
        words = top_n_list(lang, 30000, wordlist="large")[200::97]
        for word in words:
            large = zipf_frequency(word, lang, "large")
            if large >= ZIPF_FLOOR + 0.5:
                assert zipf(word, lang) == pytest.approx(large), (lang, word)
            else:
                assert zipf(word, lang) < ZIPF_FLOOR + 0.5, (lang, word)

