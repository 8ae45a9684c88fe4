"""Voice profiles, relevance, "who covers X", the Atom feed, the report and exports, on
small hand-made inputs (fast). The same on the sample web: tests/test_profiles_pipeline.py."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

import feedparser
import pytest

from innercircle.activity_feed import atom_feed, group_by_document, why
from innercircle.errors import SourcesFileError
from innercircle.feeds import parse_feed
from innercircle.profiles import (
    KnownNames,
    VoiceText,
    beats,
    best_sentence,
    bm25,
    mask_names,
    phrases,
    relevance,
)
from innercircle.report import render, sparkline
from innercircle.sources import parse_focus, parse_sources


def test_phrases_do_not_cross_punctuation_nor_start_or_end_with_stop_words():
    got = phrases("The real-time payments market, in Europe, grows.")
    assert got["real-time payments"] == 1
    assert got["real-time payments market"] == 1
    assert "market in" not in got and "the real-time" not in got
    assert "market europe" not in got  # a comma is a phrase break
    assert "europe" in got and "europe grows" not in got


def test_names_are_masked_so_they_never_become_beats():
    text = mask_names("Jane Doe said open banking wins. Doe agrees.", ["Jane Doe", "Doe"])
    assert "jane" not in " ".join(phrases(text)) and "doe" not in " ".join(phrases(text))
    assert "open banking" in phrases(text)



def test_words_with_accents_or_in_other_scripts_are_whole_words():
    got = phrases("Pavlík's team grows at Köll Labs, says Ørsted. Москва растёт.")
    assert "köll labs" in got and "pavlík's team" in got and "ørsted" in got
    assert "москва" in got
    assert not {"ll", "ll labs", "pavl", "k's team", "rsted"} & set(got)
    # Scripts written without spaces make no words here, rather than whole clauses.
    assert phrases("我们认为人工智能将改变一切，这是新的时代。") == Counter()


def test_names_with_accents_are_masked_however_the_accent_is_written():
    decomposed = "Franc\u0327oise Reavy backs credit underwriting."  # c + combining cedilla
    text = mask_names(decomposed, ["Françoise Reavy"])
    assert " ".join(phrases(text)) == " ".join(phrases("backs credit underwriting."))
    assert not any("fran" in p or "oise" in p or "reavy" in p for p in phrases(text))


def test_a_surname_alone_is_masked_once_the_text_names_the_person_but_a_firm_is_not():
    text = mask_names("Jarlath Greely backs embedded lending. For Greely, embedded lending "
                      "wins; Greely's team agrees. Greely Capital and Greely & Sons disagree.",
                      ["Jarlath Greely"])
    got = phrases(text)
    assert "greely's team" not in got and "team" in got
    assert got["greely capital"] == got["greely sons"] == 1  # firms named after someone ...
    assert got["greely"] == 2  # ... are all that is left of "Greely"


def test_names_nobody_marked_are_found_among_the_people_known():
    known = KnownNames.of(["Shanice Devereux", "Emily Varkey", "Will Power", "Cher"])
    text = ("Interview: Shanice Devereux on gene editing. As Emily “Emma” Varkey said, "
            "Varkey expects more. Will power grids hold? Cher sings.")
    found = known.found_in(text)
    assert found == ["Emily “Emma” Varkey", "Shanice Devereux"]  # not "Will power", no one-word
    got = phrases(mask_names(text, found))
    assert "gene editing" in got and "power grids" in got
    assert not {"shanice", "devereux", "emma", "varkey", "emily"} & set(got)


def test_names_listed_one_after_another_are_each_found():
    known = KnownNames.of(["Jane Doe", "Jane Smith", "Ana Ruiz"])
    assert known.found_in("Speakers:\nJane Smith\nJane Doe\nAna Ruiz") == [
        "Ana Ruiz", "Jane Doe", "Jane Smith"]
    assert known.found_in("with Jane Smith Jane Doe") == ["Jane Doe", "Jane Smith"]
    # A name never runs on to the next line.
    assert known.found_in("Jane\nDoe") == []

def _voice(key: str, *texts: str) -> VoiceText:
    v = VoiceText(key)
    for t in texts:
        v.add(phrases(t))
    return v


def _industry():
    shared = "Markets moved this quarter and analysts watched the market closely."
    a = _voice("a", f"Open banking APIs need consent. {shared}",
               f"Consent for open banking APIs is hard. {shared}")
    b = _voice("b", f"Fraud detection models flag card fraud. {shared}",
               f"Card fraud detection improves with graph models. {shared}")
    c = _voice("c", f"Stablecoin settlement is slow. {shared}",
               f"Settlement with stablecoin rails needs treasury. {shared}")
    background = Counter()
    df = Counter()
    for v in (a, b, c):
        background.update(v.counts)
        df.update(v.counts.keys())
    return [a, b, c], background, df


def test_beats_are_what_sets_a_voice_apart_not_what_everyone_says():
    voices, background, _ = _industry()
    got = {k: [p for p, _ in v] for k, v in beats(voices, background, k=5).items()}
    assert any("open banking" in p for p in got["a"][:3]), got["a"]
    assert any("fraud detection" in p or "card fraud" in p for p in got["b"][:3]), got["b"]
    assert any("stablecoin" in p for p in got["c"][:3]), got["c"]
    for phrase_list in got.values():
        assert not any("market" in p or "quarter" in p for p in phrase_list), phrase_list


def _industries(topics: dict[str, str], docs: int = 40) -> tuple[dict, dict]:
    """``docs`` documents per industry on its topic, every fourth an interview, and one
    mentioning open banking; returns (documents by industry, phrase counts by document)."""
    texts: dict[str, str] = {}
    by_industry: dict[str, list[str]] = {}
    for industry, topic in topics.items():
        for i in range(docs):
            doc = f"{industry}{i}"
            texts[doc] = (f"An interview on {topic}." if i % 4 == 0 else f"Notes: {topic} grows.")
            if i == 1:
                texts[doc] += " Open banking came up."
            by_industry.setdefault(industry, []).append(doc)
    return by_industry, {d: phrases(t) for d, t in texts.items()}


TOPICS = {"fintech": "card issuing", "climate": "carbon markets", "biotech": "gene editing"}


def test_what_every_industry_writes_alike_is_no_beat():
    """An interview is how the sources write in every industry, card issuing what one
    covers, open banking a passing mention: only the first is left out of the beats, and
    only with three industries or more to compare."""
    from innercircle.stages.profiles import industry_neutral_phrases

    by_industry, counts = _industries(TOPICS)
    neutral = industry_neutral_phrases(by_industry, counts, {})
    assert "interview" in neutral
    assert not neutral & {"card issuing", "carbon markets", "gene editing", "open banking"}
    two = {k: v for k, v in by_industry.items() if k != "biotech"}
    assert industry_neutral_phrases(two, counts, {}) == frozenset()

    voice = _voice("a", "An interview on card issuing.", "Another interview about card issuing.")
    background = sum(counts.values(), Counter())
    got = [p for p, _ in beats([voice], background, k=5, neutral=neutral)["a"]]
    assert "card issuing" in got and "interview" not in got


def test_a_source_listed_under_every_industry_keeps_its_topics_as_beats():
    """Documents of a source listed under several industries are in all of them alike:
    they tell no industry apart, so they make nothing neutral."""
    from innercircle.stages.profiles import industry_neutral_phrases

    by_industry, counts = _industries(TOPICS)
    for i in range(15):
        counts[f"shared{i}"] = phrases("Stablecoin reserves and tokenised deposits.")
        for docs in by_industry.values():
            docs.append(f"shared{i}")
    neutral = industry_neutral_phrases(by_industry, counts, {})
    assert "interview" in neutral
    assert not neutral & {"stablecoin reserves", "tokenised deposits"}


def test_a_phrase_used_once_is_not_a_beat_when_the_voice_has_more_to_go_on():
    v = _voice("a", "Open banking matters.", "Open banking again.", "Quantum teleportation once.")
    got = [p for p, _ in beats([v], Counter(v.counts), k=10)["a"]]
    assert "open banking" in got and "quantum teleportation" not in got


def test_a_text_in_another_language_loses_that_languages_stop_words():
    french = phrases("La technique, ce sont les équipes de l'entreprise qui comptent.",
                     language="fr")
    assert {"technique", "équipes", "entreprise"} <= set(french)
    assert not {"la", "la technique", "ce sont les", "les", "de", "l'entreprise"} & set(french)
    german = phrases("Die Wärmepumpe ist nicht das Problem, sagt sie.", language="de-AT")
    assert set(german) >= {"wärmepumpe", "problem"} and not {"die", "ist", "das"} & set(german)
    # English words stay stop words in any language; a language without a list is English
    assert "the" not in phrases("the Wärmepumpe", language="de")
    assert phrases("the open banking", language="xx") == phrases("the open banking")


def test_a_german_voice_among_english_ones_gets_topics_as_beats_not_function_words():
    voices, background, _ = _industry()
    german = VoiceText("d")
    for text in ("Die Wärmepumpe ist nicht das Problem, sagt sie bei der Tagung.",
                 "Das Problem ist die Wärmepumpe nicht, sondern die Netzplanung mit Daten."):
        german.add(phrases(text, language="de"))
    background.update(german.counts)
    got = [p for p, _ in beats([*voices, german], background, k=5)["d"]]
    assert "wärmepumpe" in got
    assert not any(w in {"die", "das", "ist", "nicht", "mit", "der", "sie"}
                   for p in got for w in p.split()), got

def test_relevance_ranks_the_on_focus_voice_first_and_is_0_without_overlap():
    voices, _, df = _industry()
    near = relevance("fraud detection for card payments", voices, df, n_docs=6)
    assert near["b"][0] == 100
    assert near["a"][0] < 100 and near["c"][0] == 0 and near["c"][1] == 0.0
    assert relevance("zebra husbandry", voices, df, 6)["b"] == (0, 0.0)


def test_bm25_finds_the_matching_documents_best_first():
    docs = [phrases(t) for t in ("Real-time payments in Brazil.", "Card issuing.",
                                 "Real-time payments and real-time payments rails.")]
    hits = bm25("real-time payments", docs)
    assert [h.doc for h in hits] == [2, 0]
    assert bm25("quantum", docs) == []


def test_best_sentence_shares_most_of_the_query():
    text = "Pix changed Brazil. Real-time payments need fraud checks. Cards are old."
    assert best_sentence("real-time payments fraud", [text]) == (
        "Real-time payments need fraud checks."
    )
    assert best_sentence("zebra", [text]) is None


def test_focus_is_read_from_the_sources_file_as_text_or_phrases():
    text = (
        "industries:\n"
        "  fintech:\n"
        "    focus: instant payments for small merchants\n"
        "    feeds: [https://a.example/feed]\n"
        "  climate:\n"
        "    focus: [heat pumps, grid storage]\n"
        "    sites: [https://b.example/]\n"
        "  biotech:\n"
        "    feeds: [https://c.example/feed]\n"
    )
    assert len(parse_sources(text)) == 3  # focus is not a source
    assert parse_focus(text) == {
        "fintech": "instant payments for small merchants",
        "climate": "heat pumps. grid storage",
    }


def test_a_malformed_focus_names_its_line():
    text = "industries:\n  fintech:\n    feeds: [https://a.example/feed]\n    focus: {a: b}\n"
    with pytest.raises(SourcesFileError, match=r":4: 'focus' of 'fintech' must be a text"):
        parse_sources(text, "s.yaml")


ROWS = [
    {"doc_id": "d1", "url": "https://x.example/a?x=1&y=2", "title": "Pay <fast> & safe",
     "published_at": datetime(2025, 3, 1, 9), "noticed_at": datetime(2025, 3, 2),
     "source": "x.example", "person_id": "p1", "name": "Jane Doe", "rank": 3,
     "role": "author", "snippet": None},
    {"doc_id": "d1", "url": "https://x.example/a?x=1&y=2", "title": "Pay <fast> & safe",
     "published_at": datetime(2025, 3, 1, 9), "noticed_at": datetime(2025, 3, 2),
     "source": "x.example", "person_id": "p2", "name": "Bob Roe", "rank": 7,
     "role": "quoted", "snippet": "“Instant is the norm,” said Bob Roe."},
    {"doc_id": "d2", "url": "https://y.example/b", "title": None,
     "published_at": None, "noticed_at": datetime(2025, 3, 2),
     "source": "y.example", "person_id": "p1", "name": "Jane Doe", "rank": 3,
     "role": "mentioned", "snippet": "Jane Doe wrote about it."},
]


def test_the_atom_feed_validates_and_says_who_and_why():
    docs = group_by_document(ROWS)
    body = atom_feed("fintech", docs, datetime(2025, 3, 2, 6))
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.link for e in parsed.entries] == ["https://x.example/a?x=1&y=2",
                                                "https://y.example/b"]
    first = parsed.entries[0]
    assert first.title == "Pay <fast> & safe" and first.author == "Jane Doe"
    assert first.summary.startswith("Written by Jane Doe (#3). Quotes Bob Roe (#7).")
    assert "Instant is the norm" in first.summary
    assert parsed.entries[1].summary.startswith("Names Jane Doe (#3).")
    ours = parse_feed(body, "file:///feeds/fintech.atom")  # the project's own feed reader
    assert [e.url for e in ours.entries] == [e.link for e in parsed.entries]
    assert ours.entries[0].raw_authors == ["Jane Doe"]


def test_an_empty_feed_is_still_valid_atom():
    parsed = feedparser.parse(atom_feed("climate", [], datetime(2025, 3, 2)))
    assert not parsed.bozo and parsed.version == "atom10" and parsed.entries == []


def test_why_lists_people_by_role():
    assert why([{"name": "A", "rank": 1, "role": "mentioned"},
                {"name": "B", "rank": 2, "role": "author"}]) == "Written by B (#2). Names A (#1)."


def test_sparkline_draws_rank_one_at_the_top():
    svg = sparkline([(date(2025, 1, 1), 1), (date(2025, 1, 8), 5)], worst=5)
    assert svg.startswith("<svg") and "<polyline" in svg
    points = svg.split('points="')[1].split('"')[0].split()
    (x1, y1), (x2, y2) = (tuple(map(float, p.split(","))) for p in points)
    assert x1 < x2 and y1 < y2  # later and worse: right and lower
    assert "<polyline" not in sparkline([(date(2025, 1, 1), 3)], worst=5)  # one day: a dot


def test_the_report_is_self_contained_and_escapes_text():
    voice = {"rank": 1, "person_id": "p1", "name": "Jane <Doe>", "score": 12.5,
             "relevance": None, "beats": ["open banking"], "writes_for": ["x.example"],
             "latest": [{"title": "T", "url": "https://x.example/t", "role": "author",
                         "published_at": datetime(2025, 3, 1)}],
             "homepage": None, "profiles": ["https://github.com/jane"]}
    page = render("fintech", [voice], {"p1": [(date(2025, 1, 1), 2), (date(2025, 1, 2), 1)]},
                  [("Bob Roe", 7, date(2025, 1, 2))], [], None, datetime(2025, 3, 2))
    assert "Jane &lt;Doe&gt;" in page and "<script" not in page
    assert "http" not in page.replace("https://x.example/t", "").replace(
        "https://github.com/jane", "").replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "Bob Roe (now #7" in page and "open banking" in page
    # A link a feed or page gave that is no web address stays text: the page runs no script.
    hostile = {**voice, "homepage": "javascript:alert(1)",
               "latest": [{**voice["latest"][0], "url": " JavaScript:alert(2)"}]}
    page = render("fintech", [hostile], {}, [], [], None, datetime(2025, 3, 2))
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs == ["https://github.com/jane"]  # shown as text, never as links


def test_the_report_says_the_day_of_its_evidence_when_not_the_day_it_was_made():
    made = datetime(2026, 12, 7, 2, 0)
    page = render("fintech", [], {}, [], [], None, made, ranked_as_of=datetime(2025, 6, 20, 12))
    assert "by\ninnercircle, from the evidence published up to 2025-06-20." in page
    same_day = render("fintech", [], {}, [], [], None, made, ranked_as_of=datetime(2026, 12, 7))
    assert "evidence published up to" not in same_day
    assert "evidence published up to" not in render("fintech", [], {}, [], [], None, made)


def test_csv_and_json_helpers_write_from_a_query(tmp_path):
    import duckdb

    from innercircle.export import export_tables

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 1 AS a, ['x', 'y'] AS b")
    written = export_tables(con, tmp_path)
    assert written == {"t": 1}
    assert con.execute(f"SELECT * FROM '{tmp_path / 't.parquet'}'").fetchall() == [
        (1, ["x", "y"])
    ]


def test_circle_changes_count_newcomers_and_departures_per_industry():
    from innercircle.stages.profiles import circle_changes

    before = {("fintech", "a"), ("fintech", "b")}
    after = {("fintech", "b"), ("fintech", "c"), ("fintech", "d"), ("climate", "x")}
    assert circle_changes(before, after) == {
        "climate": {"voices": 1, "newcomers": 0, "departures": 0},  # first ranking: baseline
        "fintech": {"voices": 3, "newcomers": 2, "departures": 1},
    }


def test_a_run_is_recorded_with_its_arrivals_or_not_at_all(tmp_path):
    # If marking the arrivals fails after the run was numbered, the step run again must
    # not find the run recorded without them (its documents would never arrive).
    from innercircle import warehouse
    from innercircle.stages.profiles import record_arrivals
    from tests.builders import document_row, load_world

    class FailsOnArrivals:  # the warehouse, refusing the arrivals of the new run
        def __init__(self, con):
            self.con = con

        def execute(self, sql, *args):
            if "$run AS run" in sql:
                raise RuntimeError("disk full")
            return self.con.execute(sql, *args)

    day = datetime(2026, 3, 1)
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        load_world(con, [document_row("a1", "a.example", day)], [], {"a1": "fintech"}, {})
        with pytest.raises(RuntimeError, match="disk full"):
            record_arrivals(FailsOnArrivals(con), day)
        assert con.execute("SELECT count(*) FROM arrival_runs").fetchone() == (0,)
        assert record_arrivals(con, day) == {"fintech": 1}


def test_every_piece_arrives_once_an_article_or_a_feed_entry_never_an_author_page(tmp_path):
    # A feed entry stands for an article whose page was out of reach: the voices it ranks
    # show it in voice_activity and the Atom feeds; an author page is no piece.
    from innercircle import warehouse
    from innercircle.stages.profiles import record_arrivals
    from tests.builders import document_row, load_world

    day = datetime(2026, 3, 1)
    docs = [document_row("a1", "a.example", day),
            document_row("e1", "b.example", day, kind="feed_entry"),
            document_row("p1", "a.example", None, kind="author_page")]
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        load_world(con, docs, [], {d["doc_id"]: "fintech" for d in docs}, {})
        assert record_arrivals(con, day) == {"fintech": 2}
        assert con.execute("SELECT doc_id FROM document_arrivals ORDER BY 1").fetchall() == [
            ("a1",), ("e1",)]
        assert record_arrivals(con, datetime(2026, 3, 2)) == {}  # nothing new the next run
    # A warehouse from before feed entries counted: its old entries arrived back then.
    with warehouse.connect(tmp_path / "old.duckdb") as con:
        load_world(con, docs, [], {d["doc_id"]: "fintech" for d in docs}, {})
        con.execute("INSERT INTO arrival_runs VALUES (1, '2026-03-01 06:00')")
        con.execute("INSERT INTO document_arrivals VALUES ('fintech', 'a1', 1, '2026-03-01')")
        assert record_arrivals(con, datetime(2026, 3, 2)) == {}
        assert con.execute("SELECT run FROM document_arrivals WHERE doc_id = 'e1'").fetchall() \
            == [(1,)]


def test_the_ranking_preview_shows_beats_and_the_latest_piece():
    from assets.ranking import industry_metadata, top_voices_metadata

    rows = [{"industry": "fintech", "rank": 1, "person_id": "p1", "name": "Jane Doe",
             "score": 3.0, "reasons": "r"}]
    extras = {("fintech", "p1"): (["open banking", "consent"],
                                  {"title": "On consent", "url": "https://x.example/c",
                                   "published_at": datetime(2025, 3, 1)})}
    md = top_voices_metadata(rows, None, extras)["top_voices"].value
    assert "| beats | latest piece |" in md
    assert "open banking, consent" in md and "[On consent](https://x.example/c) (2025-03-01)" in md
    meta = industry_metadata({"fintech": {"voices": 1, "newcomers": 0, "departures": 2}},
                             {"fintech": 41.5})
    assert meta["fintech/departures"].value == 2 and meta["fintech/mean_relevance"].value == 41.5


def test_the_report_names_a_departed_voice_no_longer_in_people(tmp_path):
    """A voice ranked yesterday whose person_id has no ``people`` row any more (its name
    merged into someone else's) is listed by its id, not a crash of the nightly report."""
    from innercircle import warehouse
    from innercircle.report import write_reports

    with warehouse.connect(tmp_path / "w.duckdb") as con:
        # p_gone's snapshot is older than voice_history.name; p_kept_out's names him.
        con.execute("""INSERT INTO voice_history BY NAME
            SELECT * FROM (VALUES
            ('2025-01-01'::DATE, 'fintech', 'p_gone', 1, 9.0, NULL),
            ('2025-01-01', 'fintech', 'p_kept_out', 3, 7.0, 'Eric Keohan'),
            ('2025-01-01', 'fintech', 'p_new', 2, 8.0, 'Ann New'),
            ('2025-01-02', 'fintech', 'p_new', 1, 9.5, 'Ann New'))
            AS t(snapshot_date, industry, person_id, rank, score, name)""")
        written = write_reports(con, ["fintech"], tmp_path / "reports", datetime(2025, 1, 2))
    assert written["fintech"] > 0
    page = (tmp_path / "reports" / "fintech.html").read_text()
    assert "p_gone (no longer named) (last #1 on 2025-01-01)" in page
    assert "Eric Keohan (last #3 on 2025-01-01)" in page


def _rank(con, industry: str, voices: list[tuple[str, str, float, str]],
          day: datetime = datetime(2025, 1, 2)) -> None:
    """Rank ``voices`` (person_id, name, score, reasons), best first, in ``industry`` as
    the ranking and the profiles would: a row each in recurring_voices and voice_profiles."""
    for rank, (person_id, name, score, reasons) in enumerate(voices, 1):
        con.execute(
            """INSERT INTO recurring_voices BY NAME SELECT $industry AS industry, $rank AS rank,
                   $pid AS person_id, $name AS name, $score AS score, 0 AS authored_docs,
                   0 AS mentioned_docs, 0 AS quoted_docs, 1 AS distinct_sources,
                   0 AS citing_authors, 1 AS distinct_weeks, 1.0 AS max_source_share,
                   $reasons AS reasons, $day AS ranked_at""",
            {"industry": industry, "rank": rank, "pid": person_id, "name": name,
             "score": score, "reasons": reasons, "day": day})
        con.execute(
            """INSERT INTO voice_profiles BY NAME SELECT $industry AS industry,
                   $pid AS person_id, $name AS name, $rank AS rank, $score AS score,
                   [] AS beats, [] AS beat_weights, [] AS writes_for, [] AS carried_by,
                   [] AS latest, [] AS profiles, [] AS cites, [] AS cited_by,
                   $day AS profiled_at""",
            {"industry": industry, "rank": rank, "pid": person_id, "name": name,
             "score": score, "day": day})


def test_each_score_in_the_report_says_what_it_is_made_of(tmp_path):
    """"18.70" alone means nothing to a reader who never writes SQL: under each score, the
    ranking's own sentence for it; in the header, what the scores run from and to."""
    from innercircle import warehouse
    from innercircle.report import write_reports

    with warehouse.connect(tmp_path / "w.duckdb") as con:
        _rank(con, "fintech", [
            ("p1", "Jane Doe", 18.697, "carried by 9 sites; wrote 2 pieces; quoted in 10"),
            ("p2", "Acme Lab", 1.549, "carried by 2 sites; never acts as a person: score × 0.5"),
        ])
        write_reports(con, ["fintech"], tmp_path / "reports", datetime(2025, 1, 2))
    page = (tmp_path / "reports" / "fintech.html").read_text()
    assert '18.70<div class="why">carried by 9 sites; wrote 2 pieces; quoted in 10</div>' in page
    assert '1.55<div class="why">carried by 2 sites; never acts as a person: score × 0.5' in page
    assert "the top voice scores 18.70 and the last 1.55" in page


def _ranked(person_id: str, rank: int, relevance: int | None = None, **extra) -> dict:
    """A voice_profiles row as the report reads it, with only what a test needs."""
    return {"rank": rank, "person_id": person_id, "name": person_id.title(),
            "score": 10.0 / rank, "relevance": relevance, "beats": [], "writes_for": [],
            "latest": [], "homepage": None, "profiles": [], **extra}


def _headers(page: str) -> list[str]:
    head = page.split('<table id="voices"><thead><tr>')[1].split("</tr>")[0]
    return [h.split("</th>")[0] for h in head.split("<th>")[1:]]


def test_the_report_leaves_out_relevance_when_the_industry_states_no_focus():
    made = datetime(2025, 1, 2)
    history = {"ann": [(date(2025, 1, 1), 1), (date(2025, 1, 2), 1)]}
    page = render("fintech", [_ranked("ann", 1)], history, [], [], None, made)
    assert "Relevance" not in _headers(page)
    assert "No focus stated for this industry, so no relevance" in page
    focused = render("fintech", [_ranked("ann", 1, relevance=100)], history, [], [],
                     "instant payments", made)
    assert _headers(focused)[3] == "Relevance"
    assert '<td class="num" data-label="Relevance">100</td>' in focused
    assert "closeness to the focus “instant payments”" in focused


def test_rank_over_time_shows_once_a_voice_was_ranked_twice():
    made = datetime(2025, 1, 2)
    voices = [_ranked("ann", 1), _ranked("bob", 2)]
    once = {"ann": [(date(2025, 1, 2), 1)], "bob": [(date(2025, 1, 2), 2)]}
    page = render("fintech", voices, once, [], [], None, made)
    assert "Rank over time" not in _headers(page) and "<svg" not in page
    twice = {**once, "ann": [(date(2025, 1, 1), 2), (date(2025, 1, 2), 1)]}
    page = render("fintech", voices, twice, [("Bob", 2, date(2025, 1, 2))], [], None, made)
    assert "Rank over time" in _headers(page) and page.count("<svg") == 1
    assert '<span class="muted">ranked once</span>' in page  # bob, new today


def test_a_first_run_says_there_is_nothing_to_compare_yet():
    made = datetime(2025, 1, 2)
    first = render("fintech", [_ranked("ann", 1)], {"ann": [(date(2025, 1, 2), 1)]},
                   [], [], None, made)
    assert "First run: nothing to compare yet" in first and "<th>Newcomers</th>" not in first
    later = render("fintech", [_ranked("ann", 1)],
                   {"ann": [(date(2025, 1, 2), 1)], "bob": [(date(2025, 1, 1), 1)]},
                   [], [("Bob", 1, date(2025, 1, 1))], None, made)
    assert "nothing to compare" not in later
    assert '<li class="muted">none</li>' in later and "Bob (last #1 on 2025-01-01)" in later


def test_the_latest_piece_says_at_once_whether_it_is_by_them_or_about_them():
    def piece(role: str) -> dict:
        return {"title": "Interview: Bob Roe on payments", "url": "https://x.example/i",
                "role": role, "published_at": datetime(2025, 6, 19)}

    voices = [_ranked("ann", 1, latest=[piece("mentioned")]),
              _ranked("bob", 2, latest=[piece("quoted")]),
              _ranked("cy", 3, latest=[piece("author")])]
    page = render("fintech", voices, {}, [], [], None, datetime(2025, 6, 20))
    assert "Latest piece by or about them" in _headers(page)
    assert ('<span class="role">mentions them</span> <a href="https://x.example/i">'
            "Interview: Bob Roe on payments</a>") in page
    assert '<span class="role">quotes them</span>' in page
    assert '<span class="role by">by them</span>' in page
    assert "(mentioned" not in page and "(author" not in page  # no internal role names


def test_on_a_narrow_screen_each_voice_is_a_card_its_cells_named_by_their_columns():
    """Below 700 px the table would run off a phone's screen: the CSS stacks each row and
    writes every cell's column name above it, from the cell's data-label (no script)."""
    import re

    history = {"ann": [(date(2025, 1, 1), 2), (date(2025, 1, 2), 1)]}
    page = render("fintech", [_ranked("ann", 1, relevance=80)], history, [], [],
                  "instant payments", datetime(2025, 1, 2))
    labels = re.findall(r'<td[^>]* data-label="([^"]*)">', page)
    assert labels == _headers(page) and len(labels) == 8
    narrow = page.split("@media (max-width:700px){")[1].split("</style>")[0]
    assert "#voices thead{display:none}" in narrow
    assert "#voices td::before{content:attr(data-label)" in narrow
    assert "<script" not in page
