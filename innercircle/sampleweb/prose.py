"""Article prose: templated sentences that name, quote and then re-mention people.

Each person's first mention in a document is a full name in the blog's spelling;
later ones are the surname only, as newspapers write, so that in-document joining
of "Vasquez" to "Dr. Sarah R. Vasquez" is exercised.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import vocab
from .cast import Persona


@dataclass
class Featured:
    person: Persona
    role: str  # "subject" | "quoted" | "mentioned" | "heavy"
    topic: str | None = None  # what the passage naming them discusses (else the article's)


@dataclass
class Prose:
    paragraphs: list[str]
    surfaces: dict[str, list[str]] = field(default_factory=dict)  # canonical -> as written
    quoted: list[str] = field(default_factory=list)


def fill(template: str, **kw: str) -> str:
    topic = kw.get("topic", "")
    return template.format(Topic=topic[:1].upper() + topic[1:], **kw)


class _Writer:
    def __init__(self, rng: random.Random, host: str, industry: str, topic: str,
                 events: list[str]) -> None:
        self.rng = rng
        self.events = events
        self.host = host
        self.industry = industry
        self.topic = topic
        self.prose = Prose([])

    def _say(self, template: str, person: Persona | None = None, short: bool = False,
             topic: str | None = None) -> str:
        topic = topic or self.topic
        kw = {
            "topic": topic,
            "event": self.rng.choice(self.events),
            "q": fill(self.rng.choice(vocab.QUOTES), topic=topic),
            "claim": fill(self.rng.choice(vocab.CLAIMS), topic=topic),
        }
        if person is not None:
            kw["full"] = person.form(self.host)
            kw["short"] = person.short(self.host)
            kw["role"] = person.role
            self.prose.surfaces.setdefault(person.name, []).append(
                kw["short"] if short else kw["full"]
            )
            if "{q}" in template and person.name not in self.prose.quoted:
                self.prose.quoted.append(person.name)
        return fill(template, **kw)

    def filler(self) -> str:
        return self._say(self.rng.choice(vocab.FILLER))

    def block(self, item: Featured) -> list[str]:
        """Sentences about one person: full name first, then surname references.

        They discuss the person's own topic (``item.topic``) where they have one, so a
        voice's passages are about what that voice covers, whatever the article is about.
        """
        p, rng, t = item.person, self.rng, item.topic
        if item.role == "subject":
            out = [self._say(rng.choice(vocab.INTRO), p, topic=t)]
            out.append(self._say(rng.choice(vocab.QUOTE_SHORT), p, short=True, topic=t))
            out.append(self._say(rng.choice(vocab.FOLLOW), p, short=True, topic=t))
        elif item.role == "quoted":
            out = [self._say(rng.choice(vocab.QUOTE_FULL), p, topic=t)]
            if rng.random() < 0.6:
                out.append(self._say(rng.choice(vocab.FOLLOW), p, short=True, topic=t))
        elif item.role == "heavy":
            # Seven references in one article: the stuff of a one-source obsession.
            out = [self._say(rng.choice(vocab.INTRO), p, topic=t),
                   self._say(vocab.QUOTE_FULL[0], p, topic=t)]
            for template in rng.sample(vocab.QUOTE_SHORT, 2) + rng.sample(vocab.FOLLOW, 3):
                out.append(self._say(template, p, short=True, topic=t))
        else:
            out = [self._say(rng.choice(vocab.MENTION), p, topic=t)]
            if rng.random() < 0.4:
                out.append(self._say(rng.choice(vocab.FOLLOW), p, short=True, topic=t))
        return out


def compose(rng: random.Random, host: str, industry: str, topic: str,
            featured: list[Featured], orgs: list[str], events: list[str],
            asides: list[str] = ()) -> Prose:
    """Paragraphs for one article: an opening, one paragraph per person, org asides.

    ``asides`` are ready-made sentences (products, eponymous companies, fiction) placed
    in random paragraphs, as organisations are.
    """
    writer = _Writer(rng, host, industry, topic, events)
    paragraphs = [[writer.filler(), writer.filler()]]
    for item in featured:
        sentences = writer.block(item)
        if rng.random() < 0.5:
            sentences.insert(0, writer.filler())
        paragraphs.append(sentences)
    for org in orgs:
        sentence = fill(rng.choice(vocab.ORG_SENTENCES), org=org, topic=topic,
                         n=str(rng.randint(2, 90)))
        paragraphs[rng.randrange(len(paragraphs))].append(sentence)
    for sentence in asides:
        paragraphs[rng.randrange(len(paragraphs))].append(sentence)
    paragraphs.append([writer.filler(), writer.filler()])
    writer.prose.paragraphs = [" ".join(s) for s in paragraphs]
    return writer.prose


_FOREIGN = {
    "de": (vocab.DE_FILLER, vocab.DE_INTRO, vocab.DE_QUOTE, vocab.DE_FOLLOW),
    "fr": (vocab.FR_FILLER, vocab.FR_INTRO, vocab.FR_QUOTE, vocab.FR_FOLLOW),
}


def compose_foreign(rng: random.Random, host: str, language: str, topic: str,
                    featured: list[Featured]) -> Prose:
    """A German or French article: capitalised nouns, local people quoted with "sagte".

    The same shape as ``compose`` (full name first, surname after), so that a pipeline
    which sends these pages to an English model finds "people" in German nouns, and one
    that detects the language finds the real people only with a model for it.
    """
    filler, intro, quote, follow = _FOREIGN[language]
    prose = Prose([])

    def say(template: str, person: Persona | None = None, short: bool = False) -> str:
        kw = {"topic": topic}
        if person is not None:
            kw["full"], kw["short"] = person.form(host), person.short(host)
            prose.surfaces.setdefault(person.name, []).append(kw["short" if short else "full"])
            if template in quote and person.name not in prose.quoted:
                prose.quoted.append(person.name)
        return fill(template, **kw)

    paragraphs = [[say(rng.choice(filler)), say(rng.choice(filler))]]
    for item in featured:
        p = item.person
        sentences = [say(rng.choice(intro if item.role == "subject" else quote), p)]
        if rng.random() < 0.6:
            sentences.append(say(rng.choice(follow), p, short=True))
        paragraphs.append([say(rng.choice(filler)), *sentences])
    paragraphs.append([say(rng.choice(filler)), say(rng.choice(filler))])
    prose.paragraphs = [" ".join(s) for s in paragraphs]
    return prose
