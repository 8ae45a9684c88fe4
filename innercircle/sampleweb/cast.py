"""The people of the sample web: who they are, how each blog writes their name.

A persona's variants are handed out to blogs in rotation, so every variant of a
name (nickname, honorific, ASCII spelling) is guaranteed to be written somewhere
as soon as the person appears on as many blogs as they have variants.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field

from . import vocab

_HONORIFIC_RE = re.compile(r"^(?:{})\s+".format("|".join(re.escape(h) for h in vocab.HONORIFICS)))

#: Names one blog repeats heavily, per industry: they top raw mention counts by design.
ONE_SOURCE_DECOYS = 4


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


@dataclass
class Persona:
    name: str  # canonical display name
    industries: tuple[str, ...]
    tier: str  # "top" | "mid" | "staff" | "repeated" | "syndicated"
    variants: tuple[str, ...]
    role: str = ""
    strength: int = 0  # 0 = strongest planted evidence among top voices
    forms: dict[str, str] = field(default_factory=dict)  # host -> variant used there

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def surname(self) -> str:
        return self.name.split()[-1]

    @property
    def profiles(self) -> list[str]:
        """Profile links shared by every author page of this person: identity evidence."""
        handle = self.slug.replace("-", "")
        links = [f"https://mastodon.example/@{handle}"]
        if self.tier in ("top", "staff"):
            links.append(f"https://github.com/{handle}")
        if self.tier == "top":
            links.append(f"https://www.linkedin.com/in/{self.slug}")
        return links

    def form(self, host: str) -> str:
        """The full name as ``host`` writes it: fixed per blog, rotating across blogs."""
        if host not in self.forms:
            self.forms[host] = self.variants[len(self.forms) % len(self.variants)]
        return self.forms[host]

    def short(self, host: str) -> str:
        """The later, surname-only reference ("Vasquez", or "Dr. Vasquez" where formal)."""
        full = self.form(host)
        match = _HONORIFIC_RE.match(full)
        last = full.split()[-1]
        return f"{match.group(0).strip()} {last}" if match else last


@dataclass
class Cast:
    people: dict[str, Persona]  # canonical name -> persona

    def tier(self, industry: str, tier: str) -> list[Persona]:
        found = [p for p in self.people.values() if p.tier == tier and industry in p.industries]
        return sorted(found, key=lambda p: (p.strength, p.name))


def _role(rng: random.Random, industry: str) -> str:
    return rng.choice(vocab.ROLES).format(co=rng.choice(vocab.INDUSTRY_COMPANIES[industry]))


def build_cast(rng: random.Random, industries: list[str], n_top: int = 20,
               n_mid: int = 16) -> tuple[Cast, _NameDraw]:
    """Top voices (special hard cases first), mid-tier names, and one-source decoys."""
    people: dict[str, Persona] = {}
    draw = _NameDraw(rng)
    draw.reserve_all()
    for name, inds, tier, variants in vocab.SPECIAL_PEOPLE:
        draw.reserve(name)
        people[name] = Persona(name, inds, tier, variants, role=_role(rng, inds[0]))
    for industry in industries:
        tops = [p for p in people.values() if p.tier == "top" and industry in p.industries]
        while len(tops) < n_top:
            name = draw.name()
            person = Persona(name, (industry,), "top", (name,), role=_role(rng, industry))
            people[name] = person
            tops.append(person)
        # Strength: special cases spread through the list rather than all at the top.
        rng.shuffle(tops)
        for rank, person in enumerate(tops):
            person.strength = rank if len(person.industries) == 1 else min(rank, 6)
        mids = [p for p in people.values() if p.tier == "mid" and industry in p.industries]
        while len(mids) < n_mid:
            name = draw.name()
            person = Persona(name, (industry,), "mid", (name,), role=_role(rng, industry))
            people[name] = person
            mids.append(person)
        for tier in ("repeated",) * ONE_SOURCE_DECOYS + ("syndicated",):
            name = draw.name()
            people[name] = Persona(name, (industry,), tier, (name,), role=_role(rng, industry))
    return Cast(people), draw


class _NameDraw:
    """Unique invented names; surnames never repeat unless planted on purpose."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = list(vocab.SURNAMES)
        rng.shuffle(self.surnames)
        self.used: set[str] = set()

    def reserve(self, name: str) -> None:
        self.used.add(name.split()[-1])

    def reserve_all(self) -> None:
        """Keep surnames of organisations and page-furniture names out of the draw."""
        for industry_orgs in vocab.INDUSTRY_NAME_LIKE_ORGS.values():
            for org in industry_orgs:
                self.reserve(org)
        for name in [*vocab.COMMENTER_NAMES, vocab.SITE_DESIGNER]:
            self.reserve(name)

    def name(self, in_prose: bool = True) -> str:
        """A fresh name; ``in_prose`` names avoid the ones NER is known to miss."""
        firsts = [f for f in vocab.FIRST_NAMES if not (in_prose and f in vocab.NER_SHY)]
        for i in range(len(self.surnames) - 1, -1, -1):
            last = self.surnames[i]
            if last in self.used or (in_prose and last in vocab.NER_SHY):
                continue
            del self.surnames[i]
            self.used.add(last)
            return f"{self.rng.choice(firsts)} {last}"
        raise RuntimeError("name pool exhausted: add surnames to vocab.SURNAMES")
