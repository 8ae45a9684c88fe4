"""The people of the sample web: who they are, how each blog writes their name.

Who they are changes with the seed (``names.py``); what makes them hard does not.
A persona's variants are handed out to blogs in rotation, so every variant of a
name (nickname, honorific, ASCII spelling) is guaranteed to be written somewhere
as soon as the person appears on as many blogs as they have variants.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from . import vocab
from .names import NameDraw, ascii_fold, nickname_pairs

_HONORIFIC_RE = re.compile(r"^(?:{})\s+".format("|".join(re.escape(h) for h in vocab.HONORIFICS)))

#: Names one blog repeats heavily, per industry: they top raw mention counts by design.
ONE_SOURCE_DECOYS = 4


def slugify(text: str) -> str:
    folded = ascii_fold(text)
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
    # industry -> the topics this person covers there (planted voices only): what their
    # own articles are about and what the passages naming them discuss.
    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)

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

    def topics_for(self, industry: str) -> tuple[str, ...]:
        """Their topics in ``industry``, else in their first industry (a voice of one
        industry named on a blog shared with another still talks about their own)."""
        return self.topics.get(industry) or next(iter(self.topics.values()), ())

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
    distinct: list[tuple[str, str]] = field(default_factory=list)  # same surname, 2 people

    def tier(self, industry: str, tier: str) -> list[Persona]:
        found = [p for p in self.people.values() if p.tier == tier and industry in p.industries]
        return sorted(found, key=lambda p: (p.strength, p.name))


def _role(rng: random.Random, companies: list[str]) -> str:
    return rng.choice(vocab.ROLES).format(co=rng.choice(companies))


def _special(draw: NameDraw, rng: random.Random) -> list[tuple[str, tuple[str, ...], str,
                                                               tuple[str, ...]]]:
    """The hard cases, drawn fresh per seed: (canonical, industries, tier, variants).

    Shared surnames (a top voice and a mid-tier person of the same industry, and two
    people of different industries), middle initials and honorifics, accented names
    written in ASCII elsewhere, nicknames from the ``nicknames`` dataset, and two people
    who are voices of two industries each.
    """
    nicks = list(nickname_pairs())
    rng.shuffle(nicks)
    formal_used: set[str] = set()

    def nick() -> tuple[str, str]:
        for formal, short in nicks:
            if formal not in formal_used and short not in formal_used:
                formal_used.update((formal, short))
                return formal, short
        raise RuntimeError("nickname pairs exhausted")

    def initial() -> str:
        return rng.choice("ABCDEFGHJKLMNPRSTW") + "."

    out = []
    # fintech: two people sharing a surname; a doctor with a middle initial.
    shared = draw.surname()
    out.append((f"{draw.given()} {shared}", ("fintech",), "top", None))
    out.append((f"{draw.given()} {shared}", ("fintech",), "mid", None))
    g, s, m = draw.given(), draw.surname(), initial()
    out.append((f"{g} {s}", ("fintech",), "top", (f"{g} {s}", f"Dr. {g} {m} {s}",
                                                    f"{g} {m} {s}")))
    # climate: accented names, written in ASCII on some blogs.
    for region in ("german", "french"):
        name = f"{draw.given(region, accented=True)} {draw.surname(region, accented=True)}"
        out.append((name, ("climate",), "top", (name, ascii_fold(name))))
    # biotech: a doctor, a nickname, an accented Nordic name.
    g, s, m = draw.given(), draw.surname(), initial()
    out.append((f"{g} {s}", ("biotech",), "top", (f"{g} {s}", f"Dr. {g} {m} {s}")))
    formal, short = nick()
    s = draw.surname("anglo")
    out.append((f"{formal} {s}", ("biotech",), "top", (f"{formal} {s}", f"{short} {s}")))
    name = f"{draw.given('nordic', accented=True)} {draw.surname('nordic')}"
    out.append((name, ("biotech",), "top", (name, ascii_fold(name))))
    # devtools: nicknames (one also written 'Robert "Bob" Kim'), and a surname shared
    # with a mid-tier biotech person.
    formal, short = nick()
    s = draw.surname()
    out.append((f"{formal} {s}", ("devtools",), "top",
                (f"{formal} {s}", f"{short} {s}", f"{formal} \u201c{short}\u201d {s}")))
    formal, short = nick()
    s = draw.surname()
    out.append((f"{formal} {s}", ("devtools",), "top", (f"{formal} {s}", f"{short} {s}")))
    shared = draw.surname()
    out.append((f"{draw.given()} {shared}", ("devtools",), "top", None))
    out.append((f"{draw.given()} {shared}", ("biotech",), "mid", None))
    # Voices of two industries: climate finance, and software for the lab.
    out.append((draw.person(), ("fintech", "climate"), "top", None))
    g, s = draw.given(), draw.surname()
    out.append((f"{g} {s}", ("biotech", "devtools"), "top", (f"{g} {s}", f"Dr. {g} {s}")))
    return [(n, inds, tier, variants or (n,)) for n, inds, tier, variants in out]


def build_cast(rng: random.Random, industries: list[str], draw: NameDraw,
               companies: dict[str, list[str]], n_top: int = 20,
               n_mid: int = 16) -> Cast:
    """Top voices (special hard cases first), mid-tier names, and one-source decoys."""
    people: dict[str, Persona] = {}
    special = _special(draw, rng)
    distinct: list[tuple[str, str]] = []
    by_surname: dict[str, str] = {}
    for name, inds, tier, variants in special:
        people[name] = Persona(name, inds, tier, variants, role=_role(rng, companies[inds[0]]))
        other = by_surname.setdefault(name.split()[-1], name)
        if other != name:
            distinct.append((other, name))
    def newcomer(industry: str, tier: str) -> Persona:
        """A freshly drawn person of one industry and tier, added to the cast."""
        name = draw.person()
        people[name] = Persona(name, (industry,), tier, (name,),
                               role=_role(rng, companies[industry]))
        return people[name]

    def filled(industry: str, tier: str, n: int) -> list[Persona]:
        """The tier's people in ``industry``, newcomers drawn until there are ``n``."""
        found = [p for p in people.values() if p.tier == tier and industry in p.industries]
        while len(found) < n:
            found.append(newcomer(industry, tier))
        return found

    for industry in industries:
        tops = filled(industry, "top", n_top)
        # Strength: special cases spread through the list rather than all at the top.
        rng.shuffle(tops)
        for rank, person in enumerate(tops):
            person.strength = rank if len(person.industries) == 1 else min(rank, 6)
        filled(industry, "mid", n_mid)
        for tier in ("repeated",) * ONE_SOURCE_DECOYS + ("syndicated",):
            newcomer(industry, tier)
    return Cast(people, distinct)


#: Topics per planted voice: top voices cover two, mid-tier people one.
TOPICS_PER_VOICE = {"top": 2, "mid": 1}


def plant_topics(rng: random.Random, cast: Cast, industries: list[str],
                 pool: dict[str, list[str]]) -> None:
    """Give every top and mid-tier voice their topics in each of their industries.

    Topics are dealt from a shuffled deck of the industry's topic phrases (``pool``),
    refilled when empty, so each topic goes to about as many voices as any other and
    every topic of a voice is a different one. ``rng`` is a stream of its own: planting
    topics never changes who is planted where, or how often.

    Raises ValueError when an industry has fewer distinct topics than one of its voices
    needs: every topic of a voice must differ, so no deal could ever finish.
    """
    for industry in industries:
        distinct = len(set(pool.get(industry, ())))
        for tier, per_voice in TOPICS_PER_VOICE.items():
            if per_voice > distinct and cast.tier(industry, tier):
                raise ValueError(
                    f"{industry}: {distinct} distinct topics, but each {tier} voice needs "
                    f"{per_voice} different ones"
                )
        deck: list[str] = []
        for tier, per_voice in TOPICS_PER_VOICE.items():
            for person in cast.tier(industry, tier):
                mine: list[str] = []
                while len(mine) < per_voice:
                    if not deck:
                        deck = rng.sample(pool[industry], len(pool[industry]))
                    topic = deck.pop()
                    if topic in mine:
                        deck.insert(0, topic)
                        if len(set(deck)) == 1:  # only this topic left: start a new deck
                            deck = []
                        continue
                    mine.append(topic)
                person.topics[industry] = tuple(mine)
