"""The sample web's planted topics, and the sample web as it stood earlier (``as_of``).

Topics are what beats and relevance are scored against (benchmarks/profiles_quality.py),
so these checks read the generated pages, not the generator's notes: a topic that is
planted in the answer key but not written into the text fails here. Planting topics must
leave who is named where, and how often, exactly as it was, so the ranking benchmarks
keep measuring the same web.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import feedparser
import pytest
from bs4 import BeautifulSoup

from innercircle.sampleweb import build_sample_web, vocab
from innercircle.sampleweb.web import SampleWeb


@pytest.fixture(scope="module")
def web() -> SampleWeb:
    return build_sample_web(7)


def _text(web: SampleWeb, art) -> str:  # noqa: ANN001
    page = BeautifulSoup(web.pages[art.host][art.path].body, "lxml")
    return page.find("article").get_text(" ", strip=True)


def _shape(web: SampleWeb) -> list[tuple]:
    return [(a.host, a.published, a.industry, tuple(a.authors), tuple(a.mentioned),
             tuple(a.quoted), tuple(a.decoys), tuple(a.orgs), a.syndicated_from)
            for a in web.articles]


@pytest.mark.parametrize("seed", [7, 11])
def test_planting_topics_changes_what_is_said_not_who_is_named(seed: int) -> None:
    with_topics = build_sample_web(seed)
    without = build_sample_web(seed, with_topics=False)
    assert _shape(with_topics) == _shape(without)
    for industry, truth in with_topics.truth.industries.items():
        plain = without.truth.industries[industry]
        assert plain.topics == {} and truth.topics
        assert truth.top_voices == plain.top_voices
        assert truth.mid_voices == plain.mid_voices
        assert truth.founders == plain.founders
    # ... while the words are not the same
    assert [a.title for a in with_topics.articles] != [a.title for a in without.articles]


def test_every_planted_voice_has_its_own_topics_dealt_evenly(web: SampleWeb) -> None:
    for industry, truth in web.truth.industries.items():
        pool = set(vocab.INDUSTRY_TOPICS[industry])
        assert set(truth.topics) == {*truth.top_voices, *truth.mid_voices}
        for name in truth.top_voices:
            assert len(set(truth.topics[name])) == 2 and set(truth.topics[name]) <= pool
        for name in truth.mid_voices:
            assert len(truth.topics[name]) == 1 and set(truth.topics[name]) <= pool
        dealt = Counter(t for ts in truth.topics.values() for t in ts)
        assert set(dealt) == pool  # every topic is someone's ...
        assert max(dealt.values()) - min(dealt.values()) <= 2  # ... about as often


def test_topics_are_seeded(web: SampleWeb) -> None:
    again = build_sample_web(7)
    assert again.truth.industries["fintech"].topics == web.truth.industries["fintech"].topics
    other = build_sample_web(11).truth.industries["fintech"]
    mine = web.truth.industries["fintech"]
    # other people, and the topic pairs dealt differently
    assert set(other.topics) != set(mine.topics)
    pairs = lambda t: Counter(tuple(sorted(v)) for v in t.topics.values() if len(v) == 2)  # noqa: E731
    assert pairs(other) != pairs(mine)


def test_their_pieces_and_the_sentences_naming_them_discuss_their_topics(web) -> None:
    """A voice's own topics fill the sentences naming them far more than anyone else's
    topics do; and a piece a planted voice wrote is about one of their topics."""
    for industry, truth in web.truth.industries.items():
        everyone = {t.lower() for ts in truth.topics.values() for t in ts}
        own_rate, other_rate = [], []
        for name in truth.top_voices:
            mine = {t.lower() for t in truth.topics[name]}
            forms = [name, *web.truth.aliases.get(name, [])]
            surnames = {f.split()[-1] for f in forms}
            sentences = []
            for art in web.articles:
                if industry not in web.blog(art.host).industries or name not in art.mentioned:
                    continue
                for s in re.split(r"(?<=[.!?\u201d])\s+", _text(web, art)):
                    if any(f in s for f in forms) or any(re.search(rf"\b{re.escape(n)}\b", s)
                                                       for n in surnames):
                        sentences.append(s.lower())
            assert sentences, name
            own_rate.append(sum(any(t in s for t in mine) for s in sentences) / len(sentences))
            others = everyone - mine
            other_rate.append(sum(any(t in s for t in others) for s in sentences)
                              / len(sentences) / len(others) * len(mine))
            anywhere = {t for ind in web.truth.industries.values()
                        for t in ind.topics.get(name, ())}  # a voice of two industries
            for art in web.articles:
                if name in art.authors and art.syndicated_from is None:
                    assert any(t.lower() in art.title.lower() for t in anywhere), (name, art.title)
        mean_own = sum(own_rate) / len(own_rate)
        mean_other = sum(other_rate) / len(other_rate)
        assert mean_own >= 0.3 and mean_own > 4 * mean_other, (industry, mean_own, mean_other)


def test_the_web_as_it_stood_earlier(web: SampleWeb) -> None:
    """Before ``as_of`` the later pieces are not out: no page, in no feed, on no home page
    or author page; the pieces that are out are byte for byte the full web's."""
    as_of = web.reference_date - timedelta(days=10)
    early = build_sample_web(7, as_of=as_of)
    assert early.truth == web.truth and early.hosts == web.hosts
    later = [a for a in web.articles if a.published > as_of]
    out = [a for a in web.articles if a.published <= as_of]
    assert later and out
    for art in later:
        assert art.path not in early.pages[art.host]
        assert art.path in web.pages[art.host]
    same = sum(early.pages[a.host][a.path].body == web.pages[a.host][a.path].body for a in out)
    assert same >= 0.98 * len(out)  # only a "related" list may differ, next to a later piece
    later_paths = {(a.host, a.path) for a in later}
    for blog in early.blogs:
        for path, page in early.pages[blog.host].items():
            if page.content_type.startswith("text/html") or path == blog.feed_path:
                for (host, later_path) in later_paths:
                    if host == blog.host:
                        assert later_path.encode() not in page.body, (blog.host, path)
        feed = feedparser.parse(early.pages[blog.host][blog.feed_path].body)
        assert len(feed.entries) == sum(a.host == blog.host for a in out)


def test_the_command_serves_or_dumps_the_web_as_it_stood_earlier(tmp_path) -> None:
    from innercircle.sampleweb.__main__ import main

    assert main(["--dump", str(tmp_path / "all"), "--scale", "0.3"]) == 0
    assert main(["--dump", str(tmp_path / "early"), "--scale", "0.3",
                 "--days-earlier", "20"]) == 0
    every = {p.relative_to(tmp_path / "all") for p in (tmp_path / "all").rglob("*.html")}
    early = {p.relative_to(tmp_path / "early") for p in (tmp_path / "early").rglob("*.html")}
    assert early < every  # later pieces (and author pages of theirs alone) not out yet
