"""Name pools for the sample web, drawn per seed from well-kept name datasets.

Given names and surnames come from Faker's per-locale person data (MIT; thousands of
real-world names in many locales, weighted by frequency where Faker has weights);
nickname pairs come from the ``nicknames`` package (the Old Dominion University
nickname/given-name table). Nothing here is a list of particular people: a seed
shuffles the pools, so every seed's web has other people, other nicknames, other
companies, products and blogs, while seed 7 stays the same bytes every time.

Strings that are also common English words ("Rose", "Grant", "Will") are left out of
the people pools with wordfreq: a planted person should be hard for the reasons the web
chooses (shared surnames, nicknames, organisations that look like people), not because
their name is the word "Young".
"""

from __future__ import annotations

import importlib
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

# Locales whose names are written in Latin script, grouped so that a person's given name
# and surname come from the same part of the world.
_REGIONS: dict[str, tuple[str, ...]] = {
    "anglo": ("en_US", "en_GB", "en_IE"),
    "german": ("de_DE", "de_AT"),
    "french": ("fr_FR",),
    "iberian": ("es_ES", "pt_BR"),
    "italian": ("it_IT",),
    "dutch": ("nl_NL",),
    "nordic": ("sv_SE", "da_DK", "fi_FI", "no_NO"),
    "indian": ("en_IN",),
    "nigerian": ("yo_NG", "ig_NG", "en_NG"),
    "central_european": ("cs_CZ", "hu_HU"),
}
# How often each region supplies an English-language blog's cast (the German and French
# blogs draw their local people from their own region).
_REGION_WEIGHTS = {"anglo": 8, "german": 1, "french": 1, "iberian": 2, "italian": 1,
                   "dutch": 1, "nordic": 1, "indian": 2, "nigerian": 1,
                   "central_european": 1}
_NAME_RE = re.compile(r"(?:Mc)?[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,11}")
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ł": "l",
                       "Ł": "L", "đ": "d", "ı": "i"})


def ascii_fold(text: str) -> str:
    """"Søren Müller" -> "Soren Muller": how an ASCII-only CMS writes the same name."""
    text = text.translate(_FOLD)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _names(value: object) -> list[str]:
    if isinstance(value, dict):  # Faker's weighted OrderedDict: most frequent first
        return sorted(value, key=lambda k: -value[k])
    if isinstance(value, (list, tuple)):
        return list(value)
    return []


def _provider(locale: str):  # noqa: ANN202 - Faker's class
    return importlib.import_module(f"faker.providers.person.{locale}").Provider


@lru_cache(maxsize=4)
def _common_words(n: int) -> frozenset[str]:
    """The ``n`` most frequent lower-cased English words (wordfreq)."""
    from wordfreq import top_n_list

    return frozenset(top_n_list("en", n))


def _clean(names: Iterable[str], common: frozenset[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        if name.startswith("Mc") and len(name) > 3:
            name = "Mc" + name[2:].capitalize()
        if _NAME_RE.fullmatch(name) and name.lower() not in common and name not in seen:
            seen.add(name)
            out.append(name)
    return out


@dataclass(frozen=True)
class RegionPool:
    given: tuple[str, ...]
    surnames: tuple[str, ...]


@cache
def region_pool(region: str) -> RegionPool:
    given: list[str] = []
    surnames: list[str] = []
    for locale in _REGIONS[region]:
        p = _provider(locale)
        for attr in ("first_names", "first_names_female", "first_names_male"):
            given += _names(getattr(p, attr, None))
        surnames += _names(getattr(p, "last_names", None))
    # A given name may be a word further down the list ("Rose", "Grant"); a surname that
    # is a common word ("Young", "Brown", "Long") is left out.
    return RegionPool(tuple(_clean(given, _common_words(1000))),
                      tuple(_clean(surnames, _common_words(5000))))


@lru_cache(maxsize=1)
def nickname_pairs() -> tuple[tuple[str, str], ...]:
    """(formal, nickname) pairs where both are given names people really carry.

    From the ``nicknames`` table, for formal names in Faker's English data, kept only
    when the nickname is in common use (wordfreq: "Bob", "Kate", "Bill", not "Hob" or
    "Dobbin") and is not a mere spelling variant ("Hailey"/"Hayley").
    """
    from nicknames import NickNamer
    from wordfreq import zipf_frequency

    english = region_pool("anglo").given
    namer = NickNamer()
    pairs: list[tuple[str, str]] = []
    for formal in sorted(set(english)):
        for nick in sorted(namer.nicknames_of(formal.lower())):
            nick_t = nick.capitalize()
            # A nickname with another initial ("Bob" for "Robert") only for very common
            # formal names, where such pairs are well known.
            known = nick_t[0] == formal[0] or zipf_frequency(formal.lower(), "en") >= 4.5
            if (known and nick.isalpha() and zipf_frequency(nick, "en") >= 3.3
                    and nick_t != formal and len(nick_t) >= 3 and len(nick_t) < len(formal)):
                pairs.append((formal, nick_t))
    return tuple(pairs)


def regions() -> list[str]:
    return list(_REGIONS)


class NameDraw:
    """Unique people for one web: a surname is never reused unless planted on purpose.

    ``person()`` picks a region by weight, then a given name and a surname from it; the
    first half of each pool (the more frequent names, where Faker weights them) is
    preferred so that names look like the people an industry actually has.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_surnames: set[str] = set()

    def reserve(self, name: str) -> None:
        self.used_surnames.add(name.split()[-1])

    def surname(self, region: str | None = None, accented: bool = False) -> str:
        pool = region_pool(region or self._region()).surnames
        for _ in range(2000):
            name = pool[int(len(pool) * self.rng.random() ** 1.6)]
            if name in self.used_surnames or (accented and ascii_fold(name) == name):
                continue
            self.used_surnames.add(name)
            return name
        raise RuntimeError(f"surname pool exhausted for {region}")

    def given(self, region: str | None = None, accented: bool = False) -> str:
        pool = region_pool(region or self._region()).given
        for _ in range(2000):
            name = pool[int(len(pool) * self.rng.random() ** 1.6)]
            if accented and ascii_fold(name) == name:
                continue
            return name
        raise RuntimeError(f"no given name in {region}")

    def person(self, region: str | None = None) -> str:
        region = region or self._region()
        surname = self.surname(region)
        given = self.given(region)
        while given == surname:
            given = self.given(region)
        return f"{given} {surname}"

    def _region(self) -> str:
        names = list(_REGION_WEIGHTS)
        return self.rng.choices(names, weights=[_REGION_WEIGHTS[n] for n in names])[0]


__all__ = ["NameDraw", "ascii_fold", "nickname_pairs", "region_pool", "regions"]
