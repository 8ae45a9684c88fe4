"""Score and rank people per industry from resolved mentions.

The ranking runs as SQL inside DuckDB: it is a handful of group-bys over the mention
facts, and DuckDB does those over millions of rows in seconds without pulling them
into Python. Every signal is kept as its own column of ``recurring_voices`` so analysts
can re-weight them; the weights live in :data:`WEIGHTS` and nowhere else.

Breadth is built into the evidence: documents are counted per site with a logarithm,
then summed over sites, so fifty posts on one blog weigh about as much as four posts on
four different blogs, and a voice many sites carry outranks one a single site repeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

# The one place where the weights live. Each weight multiplies ln(1 + signal).
WEIGHTS: dict[str, float] = {
    "distinct_sources": 3.0,  # known by many: distinct sites carrying the person
    "authored_evidence": 1.2,  # information provider: writing, counted per site
    "mentioned_evidence": 1.0,  # talked about, counted per site
    "citing_authors": 1.5,  # delegated influence: distinct authors who mention them
    "distinct_weeks": 1.0,  # surfaces repeatedly, not one spike
    "quoted_docs": 0.5,  # quoted, not only named
}
# A voice carried by one site keeps only this share of its score.
SINGLE_SOURCE_FACTOR = 0.5


@dataclass(frozen=True)
class RankingConfig:
    top_n: int = 150
    half_life_days: float = 90.0  # recency: evidence this old counts half


RANKING_SQL = """
WITH facts AS (
    SELECT industry, person_id, doc_id, host, role, quoted,
           published_at AS seen_at  -- NULL for undated documents (author pages)
    FROM mention_facts
    WHERE person_id IS NOT NULL
),
doc_authors AS (
    SELECT DISTINCT doc_id, person_id AS author_id FROM facts WHERE role = 'author'
),
per_doc AS (   -- one row per (industry, person, document)
    SELECT industry, person_id, doc_id, any_value(host) AS host, min(seen_at) AS seen_at,
           bool_or(role = 'author') AS authored,
           bool_or(role = 'mentioned') AS mentioned,
           bool_or(quoted) AS quoted
    FROM facts GROUP BY ALL
),
per_host AS (
    SELECT industry, person_id, host,
           count(*) FILTER (WHERE authored) AS authored_docs,
           count(*) FILTER (WHERE mentioned AND NOT authored) AS mentioned_docs,
           count(*) AS docs
    FROM per_doc GROUP BY ALL
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
    SELECT p.industry, p.person_id, count(DISTINCT a.author_id) AS citing_authors
    FROM per_doc p JOIN doc_authors a ON a.doc_id = p.doc_id AND a.author_id <> p.person_id
    WHERE p.mentioned
    GROUP BY ALL
),
totals AS (
    SELECT industry, person_id,
           count(*) FILTER (WHERE authored) AS authored_docs,
           count(*) FILTER (WHERE mentioned AND NOT authored) AS mentioned_docs,
           count(*) FILTER (WHERE quoted) AS quoted_docs,
           count(DISTINCT date_trunc('week', seen_at)) AS distinct_weeks,
           min(seen_at) AS first_seen, max(seen_at) AS last_seen
    FROM per_doc GROUP BY ALL
),
signals AS (
    SELECT t.*, b.distinct_sources, b.authored_evidence, b.mentioned_evidence,
           b.max_source_share, coalesce(c.citing_authors, 0) AS citing_authors
    FROM totals t
    JOIN breadth b USING (industry, person_id)
    LEFT JOIN citing c USING (industry, person_id)
),
scored AS (
    SELECT s.*,
           ( $w_sources  * ln(1 + distinct_sources)
           + $w_authored * ln(1 + authored_evidence)
           + $w_mentioned * ln(1 + mentioned_evidence)
           + $w_citing   * ln(1 + citing_authors)
           + $w_weeks    * ln(1 + distinct_weeks)
           + $w_quoted   * ln(1 + quoted_docs) )
           * CASE WHEN distinct_sources = 1 THEN $single_source ELSE 1.0 END
           * (0.5 + 0.5 * coalesce(
                 pow(0.5, greatest(date_diff('day', last_seen, $as_of), 0) / $half_life),
                 0.5))  -- no dated evidence at all: neutral
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
       round(r.max_source_share, 4) AS max_source_share, r.first_seen, r.last_seen
FROM ranked r JOIN people p USING (person_id)
WHERE r.rank <= $top_n
ORDER BY r.industry, r.rank
"""


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
    }
    table = con.sql(RANKING_SQL, params=params).to_arrow_table()
    reasons = [explain(row) for row in table.to_pylist()]
    table = table.append_column("reasons", pa.array(reasons, pa.string()))
    ranked_at = pa.array([as_of] * table.num_rows, pa.timestamp("us"))
    return table.append_column("ranked_at", ranked_at)


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
    if row["distinct_sources"] == 1:
        parts.append("single source: score halved")
    return "; ".join(parts)


def _s(n: int) -> str:
    return "" if n == 1 else "s"
