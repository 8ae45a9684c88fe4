"""Profiles stage: beats, outlets, latest pieces, links, circle and relevance per voice.

Plain functions over a DuckDB connection, called by the ``voice_profiles`` asset after the
ranking. Outlets, pieces, links and the circle are SQL over ``mention_facts``; beats and
relevance are :mod:`innercircle.profiles` over the industry's texts, each document
tokenised once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

import pyarrow as pa

from innercircle import warehouse
from innercircle.model import PIECES_SQL
from innercircle.profiles import KnownNames, VoiceText, beats, mask_names, phrases, relevance

BEATS_PER_VOICE = 8
LATEST_PER_VOICE = 5
CIRCLE_PER_VOICE = 5

#: Phrase counts per document version (text, title, and the names masked in it), kept in
#: the process: the ranking's preview and the profiles step (one process with the
#: in-process executor) tokenise each document once.
_PHRASES: dict[tuple, tuple[Counter, Counter, tuple[str, ...]]] = {}
MAX_CACHED_DOCUMENTS = 50_000

#: Each article's text with the names to mask in it, and its language (for stop words).
#: The names are grouped by ``doc_id`` alone and the texts joined afterwards: grouping by
#: the text itself made DuckDB hash every text (about 200 MB more resident memory on 900
#: real pages, against 45 MB). The lists are sorted so that the same inputs read the same
#: (see :func:`inputs_fingerprint`).
TEXTS_SQL = f"""
WITH doc_names AS (
    SELECT d.doc_id, list(DISTINCT m.surface ORDER BY m.surface) AS surfaces,
           list(DISTINCT m.name ORDER BY m.name) AS names
    FROM documents d LEFT JOIN mentions m USING (doc_id)
    WHERE d.kind IN {PIECES_SQL} AND d.text IS NOT NULL
    GROUP BY d.doc_id
)
SELECT d.doc_id, d.content_hash, d.text, d.title, n.surfaces || n.names || d.byline AS names,
       d.language
FROM documents d JOIN doc_names n USING (doc_id)
"""
#: Texts fetched at once by :func:`profile_texts`.
TEXT_BATCH = 256

INDUSTRY_DOCS_SQL = f"""
SELECT DISTINCT di.industry, di.doc_id FROM document_industries di
JOIN documents d ON d.doc_id = di.doc_id AND d.kind IN {PIECES_SQL}
"""

# One row per (industry, voice, document or sentence) that stands for the voice.
VOICE_UNITS_SQL = f"""
SELECT f.industry, f.person_id, f.doc_id, f.role, f.snippet
FROM mention_facts f
JOIN recurring_voices v ON v.industry = f.industry AND v.person_id = f.person_id
WHERE f.doc_kind IN {PIECES_SQL} AND f.canonical
"""

PROFILES_SQL = f"""
WITH facts AS (
    SELECT f.* FROM mention_facts f
    JOIN recurring_voices v ON v.industry = f.industry AND v.person_id = f.person_id
),
wrote AS (
    SELECT industry, person_id, list(host ORDER BY n DESC, host) AS hosts FROM (
        SELECT industry, person_id, host, count(DISTINCT doc_id) AS n FROM facts
        WHERE role = 'author' GROUP BY ALL) GROUP BY ALL
),
carried AS (
    SELECT industry, person_id, list(host ORDER BY n DESC, host) AS hosts FROM (
        SELECT industry, person_id, host, count(DISTINCT doc_id) AS n FROM facts
        WHERE role = 'mentioned' GROUP BY ALL) GROUP BY ALL
),
pieces AS (
    SELECT industry, person_id, doc_id, any_value(title) AS title, any_value(url) AS url,
           any_value(published_at) AS published_at,
           CASE WHEN bool_or(role = 'author') THEN 'author'
                WHEN bool_or(quoted) THEN 'quoted' ELSE 'mentioned' END AS role
    FROM facts WHERE doc_kind IN {PIECES_SQL} AND canonical GROUP BY ALL
),
latest AS (
    SELECT industry, person_id,
           list(struct_pack(title := title, url := url, published_at := published_at,
                            "role" := role)
                ORDER BY published_at DESC NULLS LAST, url)[1:$latest] AS latest
    FROM pieces GROUP BY ALL
),
page_links AS (
    SELECT f.industry, f.person_id, min(ap.homepage) AS homepage,
           flatten(list(ap.profiles ORDER BY ap.url)) AS links
    FROM facts f JOIN author_pages ap ON ap.url = f.url
    WHERE f.origin = 'author_page' GROUP BY ALL
),
authors AS (
    SELECT DISTINCT industry, doc_id, person_id FROM mention_facts WHERE role = 'author'
),
named AS (
    SELECT DISTINCT industry, doc_id, person_id FROM mention_facts WHERE role = 'mentioned'
),
cites_pairs AS (   -- author a names person b in n documents
    SELECT a.industry, a.person_id AS a, b.person_id AS b, count(DISTINCT a.doc_id) AS n
    FROM authors a JOIN named b ON b.industry = a.industry AND b.doc_id = a.doc_id
    WHERE a.person_id <> b.person_id GROUP BY ALL
),
cites AS (
    SELECT c.industry, c.a AS person_id,
           list(struct_pack(person_id := c.b, name := p.name, documents := c.n::INTEGER)
                ORDER BY c.n DESC, p.name)[1:$circle] AS people
    FROM cites_pairs c JOIN people p ON p.person_id = c.b GROUP BY ALL
),
cited_by AS (
    SELECT c.industry, c.b AS person_id,
           list(struct_pack(person_id := c.a, name := p.name, documents := c.n::INTEGER)
                ORDER BY c.n DESC, p.name)[1:$circle] AS people
    FROM cites_pairs c JOIN people p ON p.person_id = c.a GROUP BY ALL
)
SELECT v.industry, v.person_id, v.name, v.rank, v.score,
       b.relevance, b.focus_similarity,
       coalesce(b.beats, []) AS beats, coalesce(b.beat_weights, []) AS beat_weights,
       coalesce(w.hosts, []) AS writes_for, coalesce(c.hosts, []) AS carried_by,
       coalesce(l.latest, []) AS latest,
       pl.homepage,
       list_sort(list_distinct(coalesce(pl.links, []) || coalesce(pe.profiles, [])))
           AS profiles,
       coalesce(ci.people, []) AS cites, coalesce(cb.people, []) AS cited_by,
       $now AS profiled_at
FROM recurring_voices v
LEFT JOIN _profile_text b ON b.industry = v.industry AND b.person_id = v.person_id
LEFT JOIN wrote w ON w.industry = v.industry AND w.person_id = v.person_id
LEFT JOIN carried c ON c.industry = v.industry AND c.person_id = v.person_id
LEFT JOIN latest l ON l.industry = v.industry AND l.person_id = v.person_id
LEFT JOIN page_links pl ON pl.industry = v.industry AND pl.person_id = v.person_id
LEFT JOIN people pe ON pe.person_id = v.person_id
LEFT JOIN cites ci ON ci.industry = v.industry AND ci.person_id = v.person_id
LEFT JOIN cited_by cb ON cb.industry = v.industry AND cb.person_id = v.person_id
"""

TEXT_SCHEMA = pa.schema(
    [
        ("industry", pa.string()),
        ("person_id", pa.string()),
        ("beats", pa.list_(pa.string())),
        ("beat_weights", pa.list_(pa.float64())),
        ("relevance", pa.int32()),
        ("focus_similarity", pa.float64()),
    ]
)


RANKED_SQL = "SELECT industry, person_id FROM recurring_voices"
NAMES_SQL = "SELECT name FROM people UNION SELECT alias FROM person_aliases"

#: Every query :func:`profile_texts` reads, whose rows make its result.
PROFILE_INPUTS = (TEXTS_SQL, INDUSTRY_DOCS_SQL, VOICE_UNITS_SQL, RANKED_SQL, NAMES_SQL)

#: The last result of :func:`profile_texts`, under the fingerprint of its inputs: the
#: ranking's preview and the profiles step (one process with the in-process executor)
#: need the same beats, and computing them is most of either step's time.
_LAST_TEXTS: dict[tuple, list[dict]] = {}


def inputs_fingerprint(con, focus: Mapping[str, str]) -> tuple:
    """What :func:`profile_texts` reads, summarised: per input query its row count and the
    sum of its rows' hashes (order-independent, so DuckDB's row order does not matter),
    and the focus texts. Equal fingerprints mean equal inputs, bar a 64-bit hash collision
    in every sum at once; a tenth or less of the cost of the profiles themselves."""
    sums = tuple(
        con.execute(f"SELECT count(*), sum(hash(q)) FROM ({sql}) q").fetchone()
        for sql in PROFILE_INPUTS
    )
    return sums, tuple(sorted(focus.items()))


def profile_texts(con, focus: Mapping[str, str]) -> list[dict]:
    """Beats and relevance for every ranked voice: one dict per (industry, person_id).

    Computed once for a given state of its inputs (see :func:`inputs_fingerprint`): a
    second call on the same evidence, ranking and focus returns the same rows again.
    Under the multiprocess and Celery executors the two callers run in different
    processes, so there the fingerprint (0.03-0.05 CPU s at scale 16) finds nothing.
    """
    key = inputs_fingerprint(con, focus)
    if key not in _LAST_TEXTS:
        _LAST_TEXTS.clear()  # one result kept: memory stays that of one ranking's profiles
        _LAST_TEXTS[key] = _profile_texts(con, focus)
    # Copies down to the lists, so no caller can change what the next call returns.
    return [
        {k: list(v) if isinstance(v, list) else v for k, v in row.items()}
        for row in _LAST_TEXTS[key]
    ]


def _profile_texts(con, focus: Mapping[str, str]) -> list[dict]:
    """What :func:`profile_texts` returns, computed. It may read only the queries in
    ``PROFILE_INPUTS`` (and ``focus``): a query read here but missing there would let the
    cache serve beats computed from other rows."""
    doc_counts: dict[str, Counter] = {}
    doc_names: dict[str, tuple[str, ...]] = {}
    doc_titles: dict[str, Counter] = {}
    doc_language: dict[str, str | None] = {}
    if len(_PHRASES) > MAX_CACHED_DOCUMENTS:
        _PHRASES.clear()
    # Everyone's names, lower case (no beat may hold one), and indexed to find the names
    # a text holds where NER found none: a text is masked of its mentions and of those.
    people = [n for (n,) in con.execute(NAMES_SQL).fetchall() if n and " " in n]
    never = frozenset(n.lower() for n in people)
    known, known_key = KnownNames.of(people), hash(frozenset(people))
    texts = con.execute(TEXTS_SQL)  # a batch of texts at a time, never all
    while batch := texts.fetchmany(TEXT_BATCH):
        for doc_id, content_hash, text, title, names, language in batch:
            names = [n for n in (names or []) if n]
            doc_language[doc_id] = language
            key = (doc_id, content_hash, title, tuple(names), known_key, language)
            if key not in _PHRASES:
                masked = (*names, *known.found_in(text or ""), *known.found_in(title or ""))
                _PHRASES[key] = (
                    phrases(mask_names(text or "", masked), language=language),
                    phrases(mask_names(title or "", masked), language=language),
                    masked,
                )
            doc_counts[doc_id], doc_titles[doc_id], doc_names[doc_id] = _PHRASES[key]
    by_industry: dict[str, list[str]] = defaultdict(list)
    for industry, doc_id in con.execute(INDUSTRY_DOCS_SQL).fetchall():
        if doc_id in doc_counts:
            by_industry[industry].append(doc_id)
    voices: dict[str, dict[str, VoiceText]] = defaultdict(dict)
    for industry, person_id, doc_id, role, snippet in con.execute(VOICE_UNITS_SQL).fetchall():
        voice = voices[industry].setdefault(person_id, VoiceText(person_id))
        # A title states what a piece is about: it counts for its author beside the text,
        # and for a voice named in the piece beside the sentence that names them.
        title = doc_titles.get(doc_id, Counter())
        if role == "author" and doc_id in doc_counts:
            voice.add(doc_counts[doc_id], title, title)
        elif role == "mentioned" and snippet:
            language = doc_language.get(doc_id)
            key = (doc_id, snippet, doc_names.get(doc_id, ()), language)
            if key not in _PHRASES:
                _PHRASES[key] = (phrases(mask_names(snippet, doc_names.get(doc_id, ())),
                                         language=language), Counter(), ())
            voice.add(_PHRASES[key][0], title)
    ranked = con.execute(RANKED_SQL).fetchall()
    for industry, person_id in ranked:
        voices[industry].setdefault(person_id, VoiceText(person_id))
    neutral = industry_neutral_phrases(by_industry, doc_counts, doc_titles)
    rows = []
    for industry, members in voices.items():
        background: Counter = Counter()
        df: Counter = Counter()
        for doc_id in by_industry.get(industry, ()):
            background.update(doc_counts[doc_id])
            df.update(doc_counts[doc_id].keys())
        listed = list(members.values())
        top = beats(listed, background, k=BEATS_PER_VOICE, never=never, neutral=neutral)
        text = focus.get(industry)
        near = relevance(text, listed, df, len(by_industry.get(industry, ()))) if text else {}
        for voice in listed:
            rel = near.get(voice.key)
            rows.append(
                {
                    "industry": industry,
                    "person_id": voice.key,
                    "beats": [p for p, _ in top[voice.key]],
                    "beat_weights": [w for _, w in top[voice.key]],
                    "relevance": rel[0] if rel else None,
                    "focus_similarity": round(rel[1], 6) if rel else None,
                }
            )
    return rows


#: How the sources write, not what a voice covers: a phrase in at least this share of each
#: industry's own documents (and in at least :data:`NEUTRAL_MIN_DOCS` of them), each
#: industry using it at least half as often as the one using it most. Below the share,
#: phrases every industry mentions now and then are news ("ukraine" in 2-4 % of each).
NEUTRAL_MIN_SHARE = 0.03
NEUTRAL_MIN_DOCS = 3
#: Industries with fewer documents of their own take no part (a new one, or one whose
#: feeds failed tonight, would otherwise decide for all).
NEUTRAL_MIN_INDUSTRY_DOCS = 30


def industry_neutral_phrases(
    by_industry: Mapping[str, Sequence[str]],
    doc_counts: Mapping[str, Counter],
    doc_titles: Mapping[str, Counter],
) -> frozenset[str]:
    """Phrases every industry writes alike, which are no beat: "interview", "lessons", "a
    field guide" say how the sources write, not what sets a voice apart. Read from each
    industry's own documents (a document of a source listed under several industries
    belongs to all of them and tells nothing apart), in the texts and titles of every
    industry with :data:`NEUTRAL_MIN_INDUSTRY_DOCS` of them, three industries or more;
    with fewer nothing tells the two apart, and nothing is left out. The cost: a topic
    that every industry covers alike is no one's beat either."""
    membership = Counter(d for docs in by_industry.values() for d in set(docs))
    own = {industry: [d for d in dict.fromkeys(docs) if membership[d] == 1]
           for industry, docs in by_industry.items()}
    own = {k: v for k, v in own.items() if len(v) >= NEUTRAL_MIN_INDUSTRY_DOCS}
    if len(own) < 3:
        return frozenset()
    shares: dict[str, list[float]] | None = None
    # Smallest first: after it, only the phrases every industry so far holds are counted.
    for docs in sorted(own.values(), key=len):
        df: Counter = Counter()
        for doc_id in docs:
            found = set(doc_counts[doc_id]) | set(doc_titles.get(doc_id, ()))
            df.update(found if shares is None else found & shares.keys())
        here = {p: c / len(docs) for p, c in df.items()
                if c >= NEUTRAL_MIN_DOCS and c / len(docs) >= NEUTRAL_MIN_SHARE}
        shares = ({p: [v] for p, v in here.items()} if shares is None
                  else {p: [*v, here[p]] for p, v in shares.items() if p in here})
    return frozenset(p for p, v in (shares or {}).items() if min(v) >= 0.5 * max(v))


def write_profiles(con, focus: Mapping[str, str], now: datetime) -> dict:
    """Replace ``voice_profiles`` and ``industry_focus``; returns per-industry figures."""
    texts = pa.Table.from_pylist(profile_texts(con, focus), schema=TEXT_SCHEMA)
    with warehouse.transaction(con):
        warehouse.replace_all(
            con,
            "industry_focus",
            pa.Table.from_pylist(
                [{"industry": k, "focus": v} for k, v in sorted(focus.items())],
                schema=pa.schema([("industry", pa.string()), ("focus", pa.string())]),
            ),
        )
        con.execute("DELETE FROM voice_profiles")
        con.register("_profile_text", texts)
        try:
            con.execute(
                f"INSERT INTO voice_profiles BY NAME {PROFILES_SQL}",
                {"now": now, "latest": LATEST_PER_VOICE, "circle": CIRCLE_PER_VOICE},
            )
        finally:
            con.unregister("_profile_text")
    return industry_figures(con)


def industry_figures(con) -> dict[str, dict]:
    """Per industry: voices profiled, with beats, and mean relevance (None without focus)."""
    rows = con.execute(
        """SELECT industry, count(*), count(*) FILTER (WHERE len(beats) >= 5),
                  avg(relevance) FROM voice_profiles GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    return {
        ind: {"voices": n, "with_5_beats": b, "mean_relevance": rel}
        for ind, n, b, rel in rows
    }


def record_arrivals(con, now: datetime) -> dict[str, int]:
    """Mark the documents first seen in each industry since the last run; returns how many
    arrived per industry in this run (the first run marks every document). One
    transaction: a run is in ``arrival_runs`` only with its arrivals, so a failed step
    run again marks them then, not never."""
    with warehouse.transaction(con):
        arrived = _mark_arrivals(con, now)
    return arrived


def _mark_arrivals(con, now: datetime) -> dict[str, int]:
    # Arrivals recorded articles only before feed entries counted as pieces: a feed entry
    # extracted before the last run arrived then, not now (else the first run after the
    # upgrade would show every old one as new in voice_activity and the Atom feeds).
    con.execute(
        """INSERT INTO document_arrivals BY NAME
           SELECT DISTINCT di.industry, di.doc_id, r.run, r.ran_at AS noticed_at
           FROM document_industries di
           JOIN documents d ON d.doc_id = di.doc_id AND d.kind = 'feed_entry'
           JOIN (SELECT run, ran_at FROM arrival_runs ORDER BY run DESC LIMIT 1) r
             ON d.extracted_at <= r.ran_at
           WHERE NOT EXISTS (SELECT 1 FROM document_arrivals a
                             WHERE a.industry = di.industry AND a.doc_id = di.doc_id)"""
    )
    run = con.execute("SELECT coalesce(max(run), 0) + 1 FROM arrival_runs").fetchone()[0]
    con.execute("INSERT INTO arrival_runs VALUES ($run, $now)", {"run": run, "now": now})
    con.execute(
        f"""INSERT INTO document_arrivals BY NAME
           SELECT DISTINCT di.industry, di.doc_id, $run AS run, $now AS noticed_at
           FROM document_industries di
           JOIN documents d ON d.doc_id = di.doc_id AND d.kind IN {PIECES_SQL}
           WHERE NOT EXISTS (SELECT 1 FROM document_arrivals a
                             WHERE a.industry = di.industry AND a.doc_id = di.doc_id)""",
        {"run": run, "now": now},
    )
    return dict(
        con.execute(
            "SELECT industry, count(*) FROM document_arrivals WHERE run = $run GROUP BY 1",
            {"run": run},
        ).fetchall()
    )


def ranked_industries(con) -> list[str]:
    """The industries with ranked voices, sorted: those the feeds and reports are for."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT industry FROM recurring_voices ORDER BY 1").fetchall()]


def ranked_members(con) -> set[tuple[str, str]]:
    """(industry, person_id) of every ranked voice now."""
    return set(con.execute("SELECT industry, person_id FROM recurring_voices").fetchall())


def circle_changes(
    before: set[tuple[str, str]], after: set[tuple[str, str]]
) -> dict[str, dict[str, int]]:
    """Per industry: voices now, newcomers (ranked now, not before) and departures (ranked
    before, not now). An industry with no earlier ranking has no newcomers: its first run
    is the baseline, as in the ``voice_newcomers`` view."""
    industries = {i for i, _ in before | after}
    had = {i for i, _ in before}
    out = {}
    for ind in sorted(industries):
        now = {p for i, p in after if i == ind}
        then = {p for i, p in before if i == ind}
        out[ind] = {
            "voices": len(now),
            "newcomers": len(now - then) if ind in had else 0,
            "departures": len(then - now),
        }
    return out


PREVIEW_SQL = f"""
SELECT v.industry, v.person_id,
       (SELECT struct_pack(title := f.title, url := f.url, published_at := f.published_at)
        FROM mention_facts f WHERE f.industry = v.industry AND f.person_id = v.person_id
          AND f.doc_kind IN {PIECES_SQL}
        ORDER BY f.published_at DESC NULLS LAST, f.url LIMIT 1) AS latest
FROM recurring_voices v WHERE v.rank <= $top
"""


def preview_extras(con, focus: Mapping[str, str], top: int) -> tuple[dict, dict]:
    """For the ranking's preview: ``{(industry, person_id): (beats, latest piece)}`` for the
    top ``top`` per industry, and ``{industry: mean relevance}`` where a focus is stated."""
    texts = profile_texts(con, focus)
    beats_of = {(r["industry"], r["person_id"]): r["beats"] for r in texts}
    rel: dict[str, list[int]] = defaultdict(list)
    for r in texts:
        if r["relevance"] is not None:
            rel[r["industry"]].append(r["relevance"])
    extras = {
        (ind, pid): (beats_of.get((ind, pid), []), latest)
        for ind, pid, latest in con.execute(PREVIEW_SQL, {"top": top}).fetchall()
    }
    return extras, {ind: sum(v) / len(v) for ind, v in rel.items() if v}
