"""Score and rank people per industry from resolved mentions.

The ranking runs as SQL inside DuckDB (group-bys over the mention facts, which DuckDB
does over millions of rows in seconds without pulling them into Python), plus one
numpy step: PageRank on the graph in which an author points at the people they mention.
Every signal is kept as its own column of ``recurring_voices`` so analysts can
re-weight them; the weights live in :data:`WEIGHTS` and nowhere else.

How a score is made (the README's "How the score works" says the same in prose):

1. **Evidence units.** A document counts once per (industry, person). Near-duplicate
   documents (one story reposted on several sites, see :mod:`innercircle.dedup`) form a
   cluster, and only the cluster's earliest copy in the industry counts.
2. **Signals** per (industry, person): ``distinct_sources`` (sites), ``distinct_documents``,
   ``authored_docs``, ``mentioned_docs``, ``quoted_docs``, ``citing_authors`` (distinct other
   people who wrote a document naming them), ``distinct_weeks``, ``centrality`` (PageRank,
   1 = the industry average) and ``recency`` (``0.5 ^ (days since last seen / half-life)``).
3. **Breadth is built in.** Authored and mentioned documents are counted per site with a
   logarithm and summed over sites, so fifty posts on one blog weigh about as much as
   four posts on four blogs; a voice carried by one site keeps
   :data:`SINGLE_SOURCE_FACTOR` of its score.
4. **Score** = ``Σ weight × ln(1 + signal)`` × single-source factor × ``(0.5 + 0.5 × recency)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa

# The one place where the weights live. Each weight multiplies ln(1 + signal).
WEIGHTS: dict[str, float] = {
    "distinct_sources": 3.0,  # known by many: distinct sites carrying the person
    "authored_evidence": 1.2,  # information provider: writing, counted per site
    "mentioned_evidence": 1.0,  # talked about, counted per site
    "citing_authors": 1.5,  # delegated influence: distinct authors who mention them
    "distinct_weeks": 1.0,  # surfaces repeatedly, not one spike
    "quoted_docs": 0.5,  # quoted, not only named
    "centrality": 1.5,  # influence passed along the author -> mentioned graph
    "distinct_documents": 0.0,  # kept as a column; its breadth-robust form is the evidence above
}
# A voice carried by one site keeps only this share of its score.
SINGLE_SOURCE_FACTOR = 0.5
# PageRank: damping and convergence.
DAMPING = 0.85
MAX_ITERATIONS = 100
TOLERANCE = 1e-10


@dataclass(frozen=True)
class RankingConfig:
    top_n: int = 150
    half_life_days: float = 90.0  # recency: a voice last seen this long ago has recency 0.5


FACTS_SQL = """
CREATE OR REPLACE TEMP TABLE _facts AS
SELECT f.industry, f.person_id, f.doc_id, f.cluster_id, f.host, f.role, f.quoted,
       f.published_at AS seen_at,  -- NULL for undated documents (author pages)
       coalesce(dc.cluster_size, 1) > 1 AS in_cluster
FROM mention_facts f
LEFT JOIN document_clusters dc ON dc.doc_id = f.doc_id
WHERE f.person_id IS NOT NULL
  AND (f.published_at IS NULL OR f.published_at <= $as_of)  -- rank as of a past day, too
"""

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
       bool_or(f.quoted) AS quoted
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

RANKING_SQL = """
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
           count(DISTINCT date_trunc('week', seen_at)) AS distinct_weeks,
           min(seen_at) AS first_seen, max(seen_at) AS last_seen
    FROM _units GROUP BY ALL
),
signals AS (
    SELECT t.*, b.distinct_sources, b.authored_evidence, b.mentioned_evidence,
           b.max_source_share, coalesce(c.citing_authors, 0) AS citing_authors,
           coalesce(pr.centrality, 0) AS centrality,
           coalesce(cp.copies, 0) AS syndicated_copies,
           pow(0.5, greatest(date_diff('day', t.last_seen, $as_of), 0) / $half_life) AS recency
    FROM totals t
    JOIN breadth b USING (industry, person_id)
    LEFT JOIN citing c USING (industry, person_id)
    LEFT JOIN _centrality pr USING (industry, person_id)
    LEFT JOIN _copies cp USING (industry, person_id)
),
scored AS (
    SELECT s.*,
           ( $w_sources    * ln(1 + distinct_sources)
           + $w_authored   * ln(1 + authored_evidence)
           + $w_mentioned  * ln(1 + mentioned_evidence)
           + $w_citing     * ln(1 + citing_authors)
           + $w_weeks      * ln(1 + distinct_weeks)
           + $w_quoted     * ln(1 + quoted_docs)
           + $w_centrality * ln(1 + centrality)
           + $w_documents  * ln(1 + distinct_documents) )
           * CASE WHEN distinct_sources = 1 THEN $single_source ELSE 1.0 END
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
       r.authored_docs::INTEGER AS authored_docs, r.mentioned_docs::INTEGER AS mentioned_docs,
       r.quoted_docs::INTEGER AS quoted_docs, r.distinct_sources::INTEGER AS distinct_sources,
       r.citing_authors::INTEGER AS citing_authors, r.distinct_weeks::INTEGER AS distinct_weeks,
       round(r.max_source_share, 4) AS max_source_share, r.first_seen, r.last_seen,
       r.distinct_documents::INTEGER AS distinct_documents, round(r.centrality, 4) AS centrality,
       round(r.recency, 4) AS recency, r.syndicated_copies::INTEGER AS syndicated_copies
FROM ranked r JOIN people p USING (person_id)
WHERE r.rank <= $top_n
ORDER BY r.industry, r.rank
"""


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


def rank_voices(con: duckdb.DuckDBPyConnection, config: RankingConfig, as_of: datetime) -> pa.Table:
    """Compute the ranking from the ``mention_facts`` view; returns the rows to store."""
    params = {
        "as_of": as_of,
        "top_n": config.top_n,
        "half_life": float(config.half_life_days),
        "single_source": SINGLE_SOURCE_FACTOR,
        "w_sources": WEIGHTS["distinct_sources"],
        "w_authored": WEIGHTS["authored_evidence"],
        "w_mentioned": WEIGHTS["mentioned_evidence"],
        "w_citing": WEIGHTS["citing_authors"],
        "w_weeks": WEIGHTS["distinct_weeks"],
        "w_quoted": WEIGHTS["quoted_docs"],
        "w_centrality": WEIGHTS["centrality"],
        "w_documents": WEIGHTS["distinct_documents"],
    }
    con.execute(FACTS_SQL, {"as_of": as_of})
    for sql in (UNITS_SQL, COPIES_SQL, EDGES_SQL, NODES_SQL):
        con.execute(sql)
    con.register("_centrality", centrality_table(con))
    try:
        table = con.sql(RANKING_SQL, params=params).to_arrow_table()
    finally:
        con.unregister("_centrality")
        for name in ("_facts", "_units", "_copies", "_edges", "_nodes"):
            con.execute(f"DROP TABLE IF EXISTS {name}")
    reasons = [explain(row) for row in table.to_pylist()]
    table = table.append_column("reasons", pa.array(reasons, pa.string()))
    ranked_at = pa.array([as_of] * table.num_rows, pa.timestamp("us"))
    return table.append_column("ranked_at", ranked_at)


_SIGNAL_WORDS = {
    "distinct_sources": "distinct sites carrying the person",
    "authored_evidence": "pieces they wrote (counted per site: Σ ln(1 + pieces on the site))",
    "mentioned_evidence": "pieces naming them (counted per site)",
    "citing_authors": "distinct other authors who name them",
    "distinct_weeks": "distinct weeks in which they appear",
    "quoted_docs": "pieces quoting them",
    "centrality": "PageRank on the author → mentioned graph (1 = industry average)",
    "distinct_documents": "distinct stories naming them",
}


def score_explanation(config: RankingConfig | None = None) -> str:
    """The scoring rule in words, generated from :data:`WEIGHTS` so it never drifts."""
    config = config or RankingConfig()
    terms = [f"{w:g} × ln(1 + {_SIGNAL_WORDS[k]})" for k, w in WEIGHTS.items() if w]
    return (
        "Score = " + " + ".join(terms) + ". "
        "A story reposted on several sites (near-duplicate text) counts once, on the site "
        "that published it first. "
        f"A voice carried by a single site keeps {SINGLE_SOURCE_FACTOR:g} of its score. "
        "Recency multiplies the score by 0.5 + 0.5 × 0.5^(days since last seen / "
        f"{config.half_life_days:g}), so a voice that went quiet fades. "
        f"The top {config.top_n} per industry are kept."
    )


def explain(row: dict) -> str:
    """The score in words, for the UI preview and the ``reasons`` column."""
    parts = [f"carried by {row['distinct_sources']} site{_s(row['distinct_sources'])}"]
    if row["authored_docs"]:
        parts.append(f"wrote {row['authored_docs']} piece{_s(row['authored_docs'])}")
    if row["mentioned_docs"]:
        parts.append(
            f"mentioned in {row['mentioned_docs']} piece{_s(row['mentioned_docs'])}"
            f" by {row['citing_authors']} author{_s(row['citing_authors'])}"
        )
    if row["quoted_docs"]:
        parts.append(f"quoted in {row['quoted_docs']}")
    parts.append(f"seen in {row['distinct_weeks']} week{_s(row['distinct_weeks'])}")
    centrality = row.get("centrality")
    if centrality is not None:
        parts.append(f"centrality {centrality:.1f}× the industry average")
    if row.get("syndicated_copies"):
        n = row["syndicated_copies"]
        parts.append(f"{n} repost{_s(n)} of stories already counted not counted again")
    if row["distinct_sources"] == 1:
        parts.append(f"single source: score × {SINGLE_SOURCE_FACTOR:g}")
    recency = row.get("recency")
    if recency is not None and recency < 0.5:
        parts.append(f"quiet lately: recency {recency:.2f}")
    return "; ".join(parts)


def _s(n: int) -> str:
    return "" if n == 1 else "s"
