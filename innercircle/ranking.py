"""Score and rank people per industry from resolved mentions.

The ranking runs as SQL inside DuckDB (group-bys over the mention facts, which DuckDB
does over millions of rows in seconds without pulling them into Python), plus one
numpy step: PageRank on the graph in which an author points at the people they mention.
Every signal is kept as its own column of ``recurring_voices`` so analysts can
re-weight them; each signal is declared once, in :data:`SIGNALS`.

How a score is made (the README's "How the score works" says the same in prose):

1. **Evidence units.** A document counts once per (industry, person). Near-duplicate
   documents (one story reposted on several sites, see :mod:`innercircle.dedup`) form a
   cluster, and only the cluster's earliest copy in the industry counts.
2. **Signals** per (industry, person): the rows of :data:`SIGNALS` (named there only, so
   this text cannot drift from them), each an SQL expression and, unless ``column`` is
   None, a column of ``recurring_voices``. A full name that signs pieces counts as
   mentioned where the NER model labelled it ORG, PRODUCT, … instead.
3. **Breadth is built in.** Authored and mentioned documents are counted per site with a
   logarithm and summed over sites, so fifty posts on one blog weigh about as much as
   four posts on four blogs; a voice carried by one site keeps
   :data:`SINGLE_SOURCE_FACTOR` of its score.
4. **Score** = ``Σ weight × ln(1 + signal)`` × single-source factor × named-only factor
   × ``(0.5 + 0.5 × recency)``. The named-only factor (:data:`NAMED_ONLY_FACTOR`) hits a
   name that acts as a person in none of its documents (``person_docs`` = 0, see
   :mod:`innercircle.person_evidence`): a product or a fictional character is named as
   widely as a voice, but never writes, speaks or holds a job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa

from innercircle.person_evidence import PERSON_CUE, acts_as_person_sql

# A voice carried by one site keeps only this share of its score.
SINGLE_SOURCE_FACTOR = 0.5
# A name that acts as a person in none of the documents that could show it (no byline,
# author page, quote, speech, job title or he/she: a product, a fictional character, a
# caption) keeps only this share of its score. See :mod:`innercircle.person_evidence`.
NAMED_ONLY_FACTOR = 0.5
# PageRank: damping and convergence.
DAMPING = 0.85
MAX_ITERATIONS = 100
TOLERANCE = 1e-10


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _count(template: str, column: str) -> Callable[[dict], str | None]:
    """A phrase for a count column, e.g. ``_count("wrote {n} piece{s}", "authored_docs")``;
    nothing when the count is 0."""
    return lambda row: template.format(n=row[column], s=_s(row[column])) if row[column] else None


def _mentioned(row: dict) -> str | None:
    n, by = row["mentioned_docs"], row["citing_authors"]
    return f"mentioned in {n} piece{_s(n)} by {by} author{_s(by)}" if n else None


def _centrality(row: dict) -> str | None:
    c = row.get("centrality")
    return None if c is None else f"centrality {c:.1f}× the industry average"


def _reposts(row: dict) -> str | None:
    n = row.get("syndicated_copies")
    return f"{n} repost{_s(n)} of stories already counted not counted again" if n else None


def _single_source(row: dict) -> str | None:
    single = row["distinct_sources"] == 1
    return f"single source: score × {SINGLE_SOURCE_FACTOR:g}" if single else None


def _named_only(row: dict) -> str | None:
    if row.get("person_docs") == 0:
        return f"never acts as a person (writes, speaks, a title): score × {NAMED_ONLY_FACTOR:g}"
    return None


def _quiet(row: dict) -> str | None:
    r = row.get("recency")
    return f"quiet lately: recency {r:.2f}" if r is not None and r < 0.5 else None


INTEGER = "{}::INTEGER"
ROUNDED = "round({}, 4)"


@dataclass(frozen=True)
class Signal:
    """One signal of the ranking, declared once: everything else is derived from it.

    ``sql`` is its expression in the ranking's ``signals`` step, over the CTEs ``t``
    (per-person totals over counted documents), ``b`` (per-site breadth), ``c`` (citing
    authors), ``pr`` (PageRank centrality) and ``cp`` (reposts not counted).
    A signal with neither weight nor column still reaches the ``signals`` step (the score's
    factors read it there).
    """

    name: str  # its column (and its key in WEIGHTS)
    sql: str
    weight: float | None = None  # multiplies ln(1 + signal) in the score; None: not scored
    words: str = ""  # what it counts, in the score's explanation
    readme: str = ""  # its label in the README's "How the score works" (weighted ones)
    column: str | None = INTEGER  # how recurring_voices stores it; None: not stored
    phrase: Callable[[dict], str | None] | None = None  # its part of a row's ``reasons``


#: Every signal, in the order ``reasons`` reads them (and the export lists them). To add
#: one: a row here; its column also needs an ``ALTER TABLE recurring_voices ADD COLUMN`` in
#: warehouse/schema/ and its name in the README (the ``recurring_voices`` entry, and step 2
#: of "How the score works"; if weighted, its label and weight in step 4). Tests check the
#: README against this.
SIGNALS: tuple[Signal, ...] = (
    Signal("distinct_sources", "b.distinct_sources", 3.0,
           "distinct sites carrying the person", "distinct sites",
           phrase=_count("carried by {n} site{s}", "distinct_sources")),
    Signal("authored_evidence", "b.authored_evidence", 1.2,
           "pieces they wrote (counted per site: Σ ln(1 + pieces on the site))",
           "authored evidence", column=None),
    Signal("authored_docs", "t.authored_docs",
           phrase=_count("wrote {n} piece{s}", "authored_docs")),
    Signal("mentioned_evidence", "b.mentioned_evidence", 1.0,
           "pieces naming them (counted per site)", "mentioned evidence", column=None),
    Signal("mentioned_docs", "t.mentioned_docs", phrase=_mentioned),
    Signal("citing_authors", "coalesce(c.citing_authors, 0)", 1.5,
           "distinct other authors who name them", "citing authors"),
    Signal("quoted_docs", "t.quoted_docs", 0.5, "pieces quoting them", "quoted documents",
           phrase=_count("quoted in {n}", "quoted_docs")),
    Signal("distinct_weeks", "t.distinct_weeks", 1.0,
           "distinct weeks in which they appear", "distinct weeks",
           phrase=lambda row: f"seen in {row['distinct_weeks']} week{_s(row['distinct_weeks'])}"),
    Signal("centrality", "coalesce(pr.centrality, 0)", 1.5,
           "PageRank on the author → mentioned graph (1 = industry average)", "centrality",
           column=ROUNDED, phrase=_centrality),
    # Kept as a column to re-weight; its breadth-robust form is the evidence per site.
    Signal("distinct_documents", "t.distinct_documents", 0.0,
           "distinct stories naming them", "distinct documents"),
    Signal("syndicated_copies", "coalesce(cp.copies, 0)", phrase=_reposts),
    Signal("max_source_share", "b.max_source_share", column=ROUNDED, phrase=_single_source),
    # Documents in which the name acts as a person (writes, is quoted or speaks, has a
    # job title, is he/she); NULL when no document could show it either way. At 0 the
    # score is multiplied by NAMED_ONLY_FACTOR.
    Signal("person_docs", "CASE WHEN t.judged_docs > 0 THEN t.person_docs END",
           phrase=_named_only),
    # NULL when never dated (DuckDB's greatest() skips a NULL: it read as today's).
    Signal("recency",
           "CASE WHEN t.last_seen IS NOT NULL THEN"
           " pow(0.5, greatest(date_diff('day', t.last_seen, $as_of), 0) / $half_life) END",
           column=ROUNDED, phrase=_quiet),
)

#: The weight of every scored signal; each multiplies ln(1 + signal).
WEIGHTS: dict[str, float] = {s.name: s.weight for s in SIGNALS if s.weight is not None}
@dataclass(frozen=True)
class RankingConfig:
    top_n: int = 150
    half_life_days: float = 90.0  # recency: a voice last seen this long ago has recency 0.5


FACTS_SQL = """
CREATE OR REPLACE TEMP TABLE _facts AS
SELECT f.industry, f.person_id, f.doc_id, f.cluster_id, f.host, f.role, f.quoted,
       f.published_at AS seen_at,  -- NULL for undated documents (author pages)
       coalesce(dc.cluster_size, 1) > 1 AS in_cluster,
       -- a span the model labelled otherwise ('ner_label') has no sentence: it neither
       -- shows nor denies acting as a person
       CASE WHEN f.mention_id IS NOT NULL THEN {acts} END AS acts_as_person
FROM mention_facts f
LEFT JOIN document_clusters dc ON dc.doc_id = f.doc_id
LEFT JOIN mentions m ON m.mention_id = f.mention_id
LEFT JOIN documents d ON d.doc_id = f.doc_id
WHERE f.person_id IS NOT NULL
  AND (f.published_at IS NULL OR f.published_at <= $as_of)  -- rank as of a past day, too
""".format(acts=acts_as_person_sql("f.role", "f.doc_kind", "f.quoted", "f.snippet", "m.surface",
                                   "d.language"))

# One row per (industry, person, counted document). Of the copies of a story, only the
# earliest within the industry counts; documents with no copies (most) skip that work.
UNITS_SQL = """
CREATE OR REPLACE TEMP TABLE _units AS
WITH copies AS (
    SELECT DISTINCT industry, cluster_id, doc_id, seen_at FROM _facts WHERE in_cluster
),
canon AS (
    SELECT industry, arg_min(doc_id, (coalesce(seen_at, TIMESTAMP '9999-12-31'), doc_id)) AS doc_id
    FROM copies GROUP BY industry, cluster_id
)
SELECT f.industry, f.person_id, f.doc_id, any_value(f.host) AS host, min(f.seen_at) AS seen_at,
       bool_or(f.role = 'author') AS authored,
       bool_or(f.role = 'mentioned') AS mentioned,
       bool_or(f.quoted) AS quoted,
       bool_or(f.acts_as_person) AS acts_as_person  -- NULL when no mention could tell
FROM _facts f
LEFT JOIN canon c ON c.industry = f.industry AND c.doc_id = f.doc_id
WHERE NOT f.in_cluster OR c.doc_id IS NOT NULL
GROUP BY ALL
"""

COPIES_SQL = """
CREATE OR REPLACE TEMP TABLE _copies AS
SELECT industry, person_id, count(DISTINCT doc_id) - count(DISTINCT cluster_id) AS copies
FROM _facts WHERE in_cluster
GROUP BY ALL HAVING count(DISTINCT doc_id) > count(DISTINCT cluster_id)
"""

# Who points at whom: an author of a (counted) document -> each other person it mentions.
EDGES_SQL = """
CREATE OR REPLACE TEMP TABLE _edges AS
SELECT a.industry, a.person_id AS src, m.person_id AS dst, count(*) AS docs
FROM _units a
JOIN _units m ON m.industry = a.industry AND m.doc_id = a.doc_id
WHERE a.authored AND m.mentioned AND a.person_id <> m.person_id
GROUP BY ALL
"""

NODES_SQL = """
CREATE OR REPLACE TEMP TABLE _nodes AS
SELECT industry, person_id,
       (row_number() OVER (ORDER BY industry, person_id) - 1)::BIGINT AS node,
       (dense_rank() OVER (ORDER BY industry) - 1)::BIGINT AS ind
FROM (SELECT DISTINCT industry, person_id FROM _units)
"""

EDGE_INDEX_SQL = """
SELECT s.node AS src, d.node AS dst, e.docs::DOUBLE AS docs
FROM _edges e
JOIN _nodes s ON s.industry = e.industry AND s.person_id = e.src
JOIN _nodes d ON d.industry = e.industry AND d.person_id = e.dst
"""

RANKING_SQL_TEMPLATE = """
WITH per_host AS (
    SELECT industry, person_id, host,
           count(*) FILTER (WHERE authored) AS authored_docs,
           count(*) FILTER (WHERE mentioned AND NOT authored) AS mentioned_docs,
           count(*) AS docs
    FROM _units GROUP BY ALL
),
breadth AS (
    SELECT industry, person_id,
           count(*) AS distinct_sources,
           sum(ln(1 + authored_docs)) AS authored_evidence,
           sum(ln(1 + mentioned_docs)) AS mentioned_evidence,
           max(docs) / sum(docs) AS max_source_share
    FROM per_host GROUP BY ALL
),
citing AS (
    SELECT industry, dst AS person_id, count(*) AS citing_authors
    FROM _edges GROUP BY ALL
),
totals AS (
    SELECT industry, person_id,
           count(*) AS distinct_documents,
           count(*) FILTER (WHERE authored) AS authored_docs,
           count(*) FILTER (WHERE mentioned AND NOT authored) AS mentioned_docs,
           count(*) FILTER (WHERE quoted) AS quoted_docs,
           count(*) FILTER (WHERE acts_as_person) AS person_docs,
           count(acts_as_person) AS judged_docs,
           count(DISTINCT date_trunc('week', seen_at)) AS distinct_weeks,
           min(seen_at) AS first_seen, max(seen_at) AS last_seen
    FROM _units GROUP BY ALL
),
signals AS (
    SELECT t.industry, t.person_id, t.first_seen, t.last_seen,
           {signal_columns}
    FROM totals t
    JOIN breadth b USING (industry, person_id)
    LEFT JOIN citing c USING (industry, person_id)
    LEFT JOIN _centrality pr USING (industry, person_id)
    LEFT JOIN _copies cp USING (industry, person_id)
),
scored AS (
    SELECT s.*,
           ( {weighted_sum} )
           * CASE WHEN distinct_sources = 1 THEN $single_source ELSE 1.0 END
           * CASE WHEN person_docs = 0 THEN $named_only ELSE 1.0 END
           * (0.5 + 0.5 * coalesce(recency, 0.5))  -- no dated evidence at all: neutral
           AS score
    FROM signals s
),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY industry ORDER BY score DESC, distinct_sources DESC, person_id
    ) AS rank
    FROM scored
)
SELECT r.industry, r.rank::INTEGER AS rank, r.person_id, p.name, round(r.score, 4) AS score,
       {stored_columns}, r.first_seen, r.last_seen
FROM ranked r JOIN people p USING (person_id)
WHERE r.rank <= $top_n
ORDER BY r.industry, r.rank
"""


def ranking_sql(signals: Sequence[Signal] = SIGNALS) -> str:
    """The ranking query, with the signals step, the score and the columns of ``signals``."""
    return RANKING_SQL_TEMPLATE.format(
        signal_columns=",\n           ".join(f"{s.sql} AS {s.name}" for s in signals),
        weighted_sum="\n           + ".join(
            f"$w_{s.name} * ln(1 + {s.name})" for s in signals if s.weight is not None
        ),
        stored_columns=",\n       ".join(
            f"{s.column.format('r.' + s.name)} AS {s.name}" for s in signals if s.column
        ),
    )


RANKING_SQL = ranking_sql()


def pagerank(
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
    group: np.ndarray,
    damping: float = DAMPING,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
) -> np.ndarray:
    """PageRank of every node, computed separately within each group (industry).

    ``group[i]`` is node i's group; edges never cross groups. Random jumps and the rank
    of nodes with no out-edges are spread evenly over the node's own group, so each
    group's ranks sum to 1. Power iteration with sparse products via ``np.bincount``:
    each iteration is linear in edges + nodes.
    """
    n = group.size
    if n == 0:
        return np.zeros(0)
    sizes = np.bincount(group).astype(float)
    size_of = sizes[group]
    out = np.bincount(src, weights=weight, minlength=n)
    share = weight / out[src] if src.size else weight
    dangling = out == 0
    rank = 1.0 / size_of
    for _ in range(max_iterations):
        lost = np.bincount(group, weights=rank * dangling, minlength=sizes.size)
        new = (1 - damping) / size_of + damping * lost[group] / size_of
        new += damping * np.bincount(dst, weights=rank[src] * share, minlength=n)
        delta = np.abs(new - rank).sum()
        rank = new
        if delta < tolerance:
            break
    return rank


def centrality_table(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """PageRank per (industry, person) from ``_nodes`` and ``_edges``, scaled so 1 is the
    industry average (``rank × people in the industry``); edges weigh ``ln(1 + documents)``
    so that one author naming one person again and again gains little."""
    nodes = con.sql("SELECT industry, person_id, ind FROM _nodes ORDER BY node").to_arrow_table()
    edges = con.execute(EDGE_INDEX_SQL).fetchnumpy()
    group = np.asarray(nodes.column("ind").to_numpy(), dtype=np.int64)
    src = np.asarray(edges["src"], dtype=np.int64)
    dst = np.asarray(edges["dst"], dtype=np.int64)
    weight = np.log1p(np.asarray(edges["docs"], dtype=float))
    rank = pagerank(src, dst, weight, group)
    scaled = rank * np.bincount(group)[group] if group.size else rank
    return pa.table(
        {
            "industry": nodes.column("industry"),
            "person_id": nodes.column("person_id"),
            "centrality": pa.array(scaled, pa.float64()),
        }
    )


def rank_voices(
    con: duckdb.DuckDBPyConnection,
    config: RankingConfig,
    as_of: datetime,
    signals: Sequence[Signal] = SIGNALS,
) -> pa.Table:
    """Compute the ranking from the ``mention_facts`` view; returns the rows to store."""
    params = {
        "as_of": as_of,
        "top_n": config.top_n,
        "half_life": float(config.half_life_days),
        "single_source": SINGLE_SOURCE_FACTOR,
        "named_only": NAMED_ONLY_FACTOR,
        **{f"w_{s.name}": s.weight for s in signals if s.weight is not None},
    }
    con.execute(FACTS_SQL, {"as_of": as_of, "person_cue": PERSON_CUE})
    for sql in (UNITS_SQL, COPIES_SQL, EDGES_SQL, NODES_SQL):
        con.execute(sql)
    con.register("_centrality", centrality_table(con))
    try:
        table = con.sql(ranking_sql(signals), params=params).to_arrow_table()
    finally:
        con.unregister("_centrality")
        for name in ("_facts", "_units", "_copies", "_edges", "_nodes"):
            con.execute(f"DROP TABLE IF EXISTS {name}")
    reasons = [explain(row, signals) for row in table.to_pylist()]
    table = table.append_column("reasons", pa.array(reasons, pa.string()))
    ranked_at = pa.array([as_of] * table.num_rows, pa.timestamp("us"))
    return table.append_column("ranked_at", ranked_at)


def score_explanation(
    config: RankingConfig | None = None, signals: Sequence[Signal] = SIGNALS
) -> str:
    """The scoring rule in words, generated from :data:`SIGNALS` so it never drifts."""
    config = config or RankingConfig()
    terms = [f"{s.weight:g} × ln(1 + {s.words})" for s in signals if s.weight]
    return (
        "Score = " + " + ".join(terms) + ". "
        "A story reposted on several sites (near-duplicate text) counts once, on the site "
        "that published it first. "
        f"A voice carried by a single site keeps {SINGLE_SOURCE_FACTOR:g} of its score. "
        "A name that acts as a person in none of its documents (never writes, is never "
        "quoted or said to speak, has no job title, is never he or she) keeps "
        f"{NAMED_ONLY_FACTOR:g} of its score. "
        "Recency multiplies the score by 0.5 + 0.5 × 0.5^(days since last seen / "
        f"{config.half_life_days:g}), so a voice that went quiet fades. "
        f"The top {config.top_n} per industry are kept."
    )


def explain(row: dict, signals: Sequence[Signal] = SIGNALS) -> str:
    """The score in words, for the UI preview and the ``reasons`` column."""
    return "; ".join(part for s in signals if s.phrase and (part := s.phrase(row)))
