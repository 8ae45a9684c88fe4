"""Everything named in one web that is not a planted person, made per seed.

Companies, organisations that look like people, companies named after their founders,
products with a given name first, fictional characters and their works, blog names,
events, commenters and bylines: each is built from the parts in ``vocab.py`` and the
name pools in ``names.py``, so another seed gives other names throughout. Surnames used
here are reserved in the ``NameDraw`` so that no planted person shares one by accident.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import vocab
from .names import NameDraw


@dataclass(frozen=True)
class Eponym:
    """A company named after its founder, written in full and as the bare surname."""

    firm: str  # "Okafor Analytics"
    bare: str  # "Okafor": "Okafor said it would ..."
    founder: str  # "Ada Okafor", named in a few articles


@dataclass(frozen=True)
class Fiction:
    character: str  # a name that looks like a person's
    title: str  # the film, novel or series the character is from
    kind: str


@dataclass
class Lexicon:
    companies: dict[str, list[str]] = field(default_factory=dict)
    name_like_orgs: dict[str, list[str]] = field(default_factory=dict)
    eponyms: dict[str, list[Eponym]] = field(default_factory=dict)
    products: dict[str, list[str]] = field(default_factory=dict)
    fiction: list[Fiction] = field(default_factory=list)
    blog_names: dict[str, list[str]] = field(default_factory=dict)
    shared_blog: str = ""
    events: dict[str, list[str]] = field(default_factory=dict)
    org_bylines: list[str] = field(default_factory=list)
    wire_byline: str = ""
    commenters: list[str] = field(default_factory=list)
    designer: str = ""


def _unique(rng: random.Random, make, n: int, taken: set[str]) -> list[str]:  # noqa: ANN001
    out: list[str] = []
    for _ in range(n * 50):
        if len(out) == n:
            break
        value = make()
        if value not in taken:
            taken.add(value)
            out.append(value)
    return out


def build_lexicon(rng: random.Random, draw: NameDraw, industries: list[str],
                  blogs_per_industry: int = 9) -> Lexicon:
    lex = Lexicon()
    taken: set[str] = set()
    given_pool = [g for g in draw_given_pool() if len(g) <= 8]
    for ind in industries:
        lex.companies[ind] = _unique(
            rng, lambda ind=ind: rng.choice(vocab.BRAND_HEADS[ind]) + rng.choice(
                vocab.BRAND_TAILS), 6, taken)
        # Firms that read like people: two surnames, "A & B", or a given name and surname.
        orgs = [f"{draw.surname()} {draw.surname()}", f"{draw.surname()} & {draw.surname()}",
                f"{draw.surname()} {draw.surname()}",
                f"{draw.given('anglo')} {draw.surname('anglo')}"]
        lex.name_like_orgs[ind] = orgs
        lex.eponyms[ind] = []
        for suffix in rng.sample(vocab.EPONYM_SUFFIXES[ind], 2):
            bare = draw.surname()
            lex.eponyms[ind].append(Eponym(f"{bare} {suffix}", bare,
                                           f"{draw.given()} {bare}"))
        words = vocab.PRODUCT_WORDS[ind] + vocab.PRODUCT_GENERIC
        lex.products[ind] = _unique(
            rng, lambda words=words: f"{rng.choice(given_pool)} {rng.choice(words)}", 2, taken)
        heads = rng.sample(vocab.BRAND_HEADS[ind], 3)
        lex.events[ind] = [rng.choice(vocab.EVENT_PATTERNS).format(H=h) for h in heads]
        blog_words = rng.sample(vocab.BLOG_WORDS[ind], len(vocab.BLOG_WORDS[ind]))
        patterns = rng.sample(vocab.BLOG_PATTERNS, len(vocab.BLOG_PATTERNS))
        lex.blog_names[ind] = [
            patterns[i % len(patterns)].format(W=blog_words[i],
                                               V=blog_words[-1 - i])
            for i in range(blogs_per_industry)]
    # One organisation that looks like a person is active in two industries.
    if len(industries) >= 4:
        lex.name_like_orgs[industries[3]][0] = lex.name_like_orgs[industries[1]][0]
    lex.shared_blog = (f"{rng.choice(vocab.BLOG_WORDS[industries[1]])} & "
                       f"{rng.choice(['Capital', 'Credit', 'Yield', 'Ledger'])}")
    for _ in range(2):
        kind = rng.choice(vocab.FICTION_KINDS)
        title = rng.choice(vocab.FICTION_TITLE_PATTERNS).format(
            A=rng.choice(vocab.FICTION_ADJ), N=rng.choice(vocab.FICTION_NOUN),
            P=rng.choice(vocab.FICTION_PLACE))
        lex.fiction.append(Fiction(draw.person("anglo"), title, kind))
    lex.org_bylines = rng.sample(vocab.ORG_BYLINE_POOL, 3)
    lex.wire_byline = rng.choice(vocab.WIRE_BYLINE_POOL)
    lex.commenters = [draw.person() for _ in range(2 * len(industries))]
    lex.designer = draw.person()
    return lex


def draw_given_pool() -> list[str]:
    """Given names products are named after: the commoner English ones."""
    from .names import region_pool

    pool = region_pool("anglo").given
    return list(pool[: len(pool) // 2])


__all__ = ["Eponym", "Fiction", "Lexicon", "build_lexicon"]
