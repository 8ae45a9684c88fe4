"""A second wording of the sample web's English sentences, for a generalisation check.

The ranking's person-or-not evidence reads how sentences use a name ("X said", "launched
X", "analysts at X"). The unseen seeds of ``benchmarks/ranking_quality.py`` change every
name, company, product and blog, but every seed writes with the same sentence templates
(``innercircle/sampleweb/vocab.py``), so rules that fit those templates would still
score well there. These templates say the same things in other words. They were written
once, from scratch and before any run used them (commit history shows it), and nothing in
the pipeline may be tuned on them: they measure, they do not teach.

``ranking_quality.py --paraphrase`` swaps them in for the web it builds (the answer key
does not depend on the wording: each sentence kind still names the same kind of thing).
Constraints the generator sets: ``QUOTE_FULL[0]`` is used alone, at least two
``QUOTE_SHORT`` and three ``FOLLOW`` templates, and a template quotes when it holds
``{q}``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

PARAPHRASED: dict[str, list[str]] = {
    "INTRO": [
        "{full} ({role}) has spent years on {topic}.",
        "I caught up with {full}, {role}, to talk about {topic}.",
        "Among the people who saw this coming early is {full}, {role}.",
        "{full} is {role} and has watched {topic} up close.",
        "For {full}, {role}, {topic} is a long game.",
    ],
    "MENTION": [
        "{full} gave a well-received keynote on this at {event}.",
        "Much of the early thinking on {topic} came from {full}.",
        "Readers of {full}'s newsletter will recognise the argument.",
        "{full} sketched the same idea in a blog post last spring.",
        "Credit for the framing goes to {full}.",
    ],
    "QUOTE_FULL": [
        "\u201c{q}\u201d, {full} wrote in a recent post.",
        "{full} was blunt: \u201c{q}.\u201d",
        "\u201c{q},\u201d {full} told me.",
        "Speaking at {event}, {full} said: \u201c{q}.\u201d",
    ],
    "QUOTE_SHORT": [
        "\u201c{q},\u201d {short} says.",
        "\u201c{q},\u201d {short} told me.",
        "{short} sums it up: \u201c{q}.\u201d",
    ],
    "FOLLOW": [
        "{short} believes {claim}.",
        "In {short}'s view, {claim}.",
        "{short} would not say which customers were involved.",
        "{short} argues that {claim}.",
        "{short} and colleagues released their own figures in the spring.",
    ],
    "ORG_SENTENCES": [
        "Researchers at {org} estimate the {topic} market at {n} billion dollars.",
        "{org}, which sells into {topic}, is said to be expanding.",
        "{org} did not respond to a request for comment about {topic}.",
        "Figures published by {org} suggest {topic} adoption is accelerating.",
        "A spokesperson for {org} confirmed a new {topic} hire.",
    ],
    "PRODUCT_SENTENCES": [
        "{co} shipped {prod} in the spring for {topic} teams.",
        "Customers of {prod} say it cut their {topic} backlog.",
        "{prod} is now the default choice for {topic} at several firms.",
        "A new version of {prod} arrived this week with {topic} features.",
        "Reviews of {prod} have been lukewarm so far.",
        "Pricing for {prod} went up again this quarter.",
        "Is {prod} worth the switch? Readers keep asking.",
    ],
    "EPONYM_SENTENCES": [
        "{firm} plans to grow its {topic} business next year.",
        "{bare} would not comment on its {topic} strategy.",
        "{bare} is hiring aggressively for {topic}.",
        "{bare}'s new {topic} study made the rounds this week.",
        "A team at {bare} thinks {topic} will consolidate.",
        "{founder} started {firm} to focus on {topic}.",
        "{bare} opened a {topic} office in Lisbon on Monday.",
    ],
    "FICTION_SENTENCES": [
        "Think of {char} in the {kind} {title}: the ending is known, the route is not.",
        "Anyone who has seen {title} will recall {char} saying the map is not the territory.",
        "Like {char} in {title}, the industry keeps rediscovering the same lesson.",
        "The launch played out like the last chapter of {title}.",
        "It felt lifted from {title}, with {char} cast as the reluctant engineer.",
    ],
}


@contextlib.contextmanager
def paraphrased() -> Iterator[None]:
    """The sample web's English templates replaced by :data:`PARAPHRASED` while inside."""
    from innercircle.sampleweb import vocab

    saved = {name: getattr(vocab, name) for name in PARAPHRASED}
    try:
        for name, templates in PARAPHRASED.items():
            setattr(vocab, name, templates)
        yield
    finally:
        for name, templates in saved.items():
            setattr(vocab, name, templates)
