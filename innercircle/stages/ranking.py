"""Ranking stage: resolve names to people, cluster reposted stories, rank and snapshot.

Plain functions over a DuckDB connection; the ``ranking`` assets (``assets/ranking.py``)
only pick the settings and call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from innercircle import personhood, warehouse
from innercircle.dedup import Doc, cluster_rows
from innercircle.identity import IndustryEvidence, split_unlinked_industries
from innercircle.model import PIECES_SQL
from innercircle.ranking import RankingConfig, rank_voices
from innercircle.resolve import AliasStats, NameContext, resolve_names
from innercircle.stages import arrow

MAX_SENTENCES_PER_NAME = 40  # sentences per name read to tell organisations from people

ALIAS_STATS_SQL = """
SELECT m.name_key, mode(m.name ORDER BY m.name) AS display, count(*) AS mentions,
       count(DISTINCT m.doc_id) AS documents, list(DISTINCT d.host ORDER BY d.host) AS hosts
FROM mentions m JOIN documents d USING (doc_id)
GROUP BY m.name_key
"""

PEOPLE_SQL = """
SELECT p.person_id, p.name, p.name_key,
       count(DISTINCT pa.alias_key)::INTEGER AS aliases,
       count(DISTINCT m.doc_id)::INTEGER AS documents,
       coalesce(any_value(prof.profiles), []::VARCHAR[]) AS profiles,
       min(d.published_at) AS first_seen, max(d.published_at) AS last_seen
FROM _people p
JOIN person_aliases pa USING (person_id)
JOIN mentions m ON m.name_key = pa.alias_key
JOIN documents d ON d.doc_id = m.doc_id
LEFT JOIN (
    SELECT pa2.person_id, flatten(list(ap.profiles)) AS profiles
    FROM author_pages ap
    JOIN mentions m2 ON m2.origin = 'author_page'
    JOIN documents d2 ON d2.doc_id = m2.doc_id AND d2.url = ap.url
    JOIN person_aliases pa2 ON pa2.alias_key = m2.name_key
    GROUP BY pa2.person_id
) prof USING (person_id)
GROUP BY p.person_id, p.name, p.name_key
"""


NAME_CONTEXT_SQL = """
SELECT m.name_key, mode(m.name ORDER BY m.name) AS display,
       count(*) FILTER (WHERE m.role = 'author') AS authored,
       list(struct_pack(surface := m.surface, snippet := m.snippet, quoted := m.quoted)
            ORDER BY m.mention_id)
           FILTER (WHERE m.role = 'mentioned')[1:$max_sentences] AS sentences,
       list(DISTINCT d.language ORDER BY d.language)
           FILTER (WHERE m.role = 'author' AND d.language IS NOT NULL) AS languages
FROM mentions m LEFT JOIN documents d USING (doc_id) GROUP BY m.name_key
"""

PROFILES_SQL = """
SELECT m.name_key, list(DISTINCT p.link) AS links
FROM (SELECT url, unnest(profiles) AS link FROM author_pages) p
JOIN documents d ON d.url = p.url
JOIN mentions m ON m.doc_id = d.doc_id AND m.origin = 'author_page' AND m.role = 'author'
GROUP BY m.name_key
"""

# Per (person, industry): the evidence that could tie two industries' bearers of a name
# together. Read while no splits are applied, so it sees the name-level person.
INDUSTRY_EVIDENCE_SQL = """
WITH authors AS (
    SELECT DISTINCT doc_id, industry, person_id AS author FROM mention_facts WHERE role = 'author'
),
profiles AS (
    SELECT f.person_id, f.industry, unnest(ap.profiles) AS link
    FROM mention_facts f JOIN author_pages ap ON ap.url = f.url
    WHERE f.origin = 'author_page'
)
SELECT f.person_id, f.industry, count(DISTINCT f.doc_id) AS documents,
       list(DISTINCT f.host) AS hosts,
       coalesce(list(DISTINCT a.author) FILTER (WHERE a.author <> f.person_id), []) AS citing,
       coalesce(any_value(p.links), []) AS profiles
FROM mention_facts f
LEFT JOIN authors a ON a.doc_id = f.doc_id AND a.industry = f.industry
LEFT JOIN (SELECT person_id, industry, list(DISTINCT link) AS links FROM profiles GROUP BY ALL) p
       ON p.person_id = f.person_id AND p.industry = f.industry
WHERE f.mention_id IS NOT NULL  -- mentions: as people.documents counts (no 'ner_label' rows)
GROUP BY f.person_id, f.industry
"""

SPLIT_PEOPLE_SQL = """
SELECT s.split_person_id AS person_id, any_value(p.name) AS name,
       any_value(p.name_key) AS name_key, any_value(p.aliases) AS aliases,
       count(DISTINCT f.doc_id)::INTEGER AS documents, []::VARCHAR[] AS profiles,
       min(f.published_at) AS first_seen, max(f.published_at) AS last_seen
FROM person_industry_splits s
JOIN people p ON p.person_id = s.person_id
JOIN mention_facts f ON f.person_id = s.split_person_id AND f.mention_id IS NOT NULL
GROUP BY s.split_person_id
"""


def split_unlinked_people(con) -> int:
    """Apply :func:`split_unlinked_industries`; returns how many people were split off."""
    con.execute(
        "DELETE FROM people WHERE person_id IN (SELECT split_person_id FROM person_industry_splits)"
    )
    con.execute("DELETE FROM person_industry_splits")
    evidence = [
        IndustryEvidence(
            person_id=pid,
            industry=ind,
            documents=docs,
            hosts=frozenset(hosts),
            citing=frozenset(citing),
            profiles=frozenset(profiles),
        )
        for pid, ind, docs, hosts, citing, profiles in con.execute(INDUSTRY_EVIDENCE_SQL).fetchall()
    ]
    splits = split_unlinked_industries(evidence)
    if not splits:
        return 0
    warehouse.insert(
        con,
        "person_industry_splits",
        arrow(
            [
                {
                    "person_id": s.person_id,
                    "industry": s.industry,
                    "split_person_id": s.split_person_id,
                }
                for s in splits
            ]
        ),
    )
    con.execute(f"INSERT INTO people BY NAME {SPLIT_PEOPLE_SQL}")
    return len({s.split_person_id for s in splits})


CLUSTER_INPUT_SQL = (
    f"SELECT doc_id, text, published_at FROM documents WHERE kind IN {PIECES_SQL}"
)


def cluster_documents(con) -> dict:
    """Near-duplicate articles into ``document_clusters`` (every article, one row each)."""
    docs = [Doc(d, t or "", p) for d, t, p in con.execute(CLUSTER_INPUT_SQL).fetchall()]
    rows = cluster_rows(docs)
    warehouse.replace_all(con, "document_clusters", arrow(rows))
    syndicated = [r for r in rows if r["cluster_size"] > 1]
    return {
        "clusters_with_copies": len({r["cluster_id"] for r in syndicated}),
        "documents_in_those_clusters": len(syndicated),
    }


def resolve_people(con) -> dict:
    """Resolution into ``people``, ``person_aliases`` and ``excluded_names``; returns counts.

    Names that read as organisations, places or products are kept out first (they are
    listed in ``excluded_names``), then the remaining name forms are grouped into people,
    with profile links from author pages as identity evidence and last run's ids kept.
    """
    contexts = [
        NameContext(
            key=k,
            display=d,
            authored=a,
            sentences=[(s["surface"], s["snippet"], s["quoted"]) for s in (sentences or [])],
            languages=tuple(languages or ()),
        )
        for k, d, a, sentences, languages in con.execute(
            NAME_CONTEXT_SQL, {"max_sentences": MAX_SENTENCES_PER_NAME}
        ).fetchall()
    ]
    excluded = personhood.exclusions(
        contexts, personhood.label_counts(con), personhood.name_words(con, contexts)
    )
    stats = [
        AliasStats(key=k, display=d, mentions=m, documents=n, hosts=frozenset(h))
        for k, d, m, n, h in con.execute(ALIAS_STATS_SQL).fetchall()
    ]
    by_key = {s.key: s for s in stats}
    people_stats = [s for s in stats if s.key not in excluded]
    previous = dict(con.execute("SELECT alias_key, person_id FROM person_aliases").fetchall())
    profiles = dict(con.execute(PROFILES_SQL).fetchall())
    resolution = resolve_names(people_stats, previous, profiles)
    alias_rows = [
        {
            "alias_key": a.key,
            "alias": by_key[a.key].display,
            "person_id": a.person_id,
            "mentions": by_key[a.key].mentions,
            "documents": by_key[a.key].documents,
            "hosts": sorted(by_key[a.key].hosts),
            "rule": a.rule,
        }
        for a in resolution.aliases.values()
    ]
    people_rows = [
        {"person_id": p.person_id, "name": p.name, "name_key": p.name_key}
        for p in resolution.people.values()
    ]
    excluded_rows = [
        {
            "name_key": k,
            "name": by_key[k].display,
            "reason": reason,
            "mentions": by_key[k].mentions,
            "documents": by_key[k].documents,
        }
        for k, reason in sorted(excluded.items())
        if k in by_key
    ] + personhood.refused_rows(con, by_key)
    warehouse.replace_all(con, "person_aliases", arrow(alias_rows))
    warehouse.replace_all(con, "excluded_names", arrow(excluded_rows))
    con.execute("DELETE FROM people")
    if people_rows:
        con.register("_people", arrow(people_rows))
        try:
            con.execute(f"INSERT INTO people BY NAME {PEOPLE_SQL}")
        finally:
            con.unregister("_people")
    split_off = split_unlinked_people(con)
    return {
        "name_forms": len(stats),
        "people_split_by_industry": split_off,
        "people": len(resolution.people),
        "aliases": len(alias_rows),
        "people_with_several_aliases": sum(
            1 for p in resolution.people.values() if len(p.alias_keys) > 1
        ),
        "unresolved_name_forms": len(resolution.unresolved),
        "excluded_non_person_names": len(excluded_rows),
    }


def build_people(con) -> dict:
    """Cluster reposted stories, then resolve people, in one transaction; returns counts."""
    with warehouse.transaction(con):
        clusters = cluster_documents(con)
        counts = resolve_people(con)
    return {**counts, **clusters}


def snapshot_as_of(end_of_day: datetime, now: datetime) -> datetime:
    """A day's snapshot counts evidence up to the end of that day, or up to now for today."""
    return min(end_of_day.replace(tzinfo=None), now)


def write_ranking(con, config: RankingConfig, as_of) -> pa.Table:
    """Rank as of ``as_of`` and replace ``recurring_voices``."""
    ranking = rank_voices(con, config, as_of)
    with warehouse.transaction(con):
        warehouse.replace_all(con, "recurring_voices", ranking)
    return ranking


def write_snapshot(con, config: RankingConfig, as_of, snapshot_date) -> int:
    """Rank as of ``as_of`` and replace the ``voice_history`` snapshot of ``snapshot_date``:
    delete-then-insert, so re-running a day never duplicates it."""
    ranking = rank_voices(con, config, as_of)
    with warehouse.transaction(con):
        con.execute("DELETE FROM voice_history WHERE snapshot_date = $d", {"d": snapshot_date})
        con.register("_snapshot", ranking)
        con.execute(
            """INSERT INTO voice_history BY NAME
               SELECT $d AS snapshot_date, industry, person_id, rank, score, name
               FROM _snapshot""",
            {"d": snapshot_date},
        )
        con.unregister("_snapshot")
    return ranking.num_rows


@dataclass(frozen=True)
class RankingFaults:
    """What the ranking's blocking checks look for: ``(industry, person_id)`` keys ranked
    more than once, and the industries with documents but no ranking (sorted)."""

    duplicate_keys: int
    industries_without_ranking: list[str]


def ranking_faults(con) -> RankingFaults:
    """:class:`RankingFaults` of ``recurring_voices`` as it is now."""
    dupes = con.execute(
        """SELECT count(*) FROM (SELECT industry, person_id FROM recurring_voices
           GROUP BY ALL HAVING count(*) > 1)"""
    ).fetchone()[0]
    missing = [
        r[0]
        for r in con.execute("""
        SELECT DISTINCT di.industry FROM document_industries di
        WHERE di.industry NOT IN (SELECT industry FROM recurring_voices)
        ORDER BY 1""").fetchall()
    ]
    return RankingFaults(dupes, missing)
