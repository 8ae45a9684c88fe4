"""Ranking group: resolve names to people, rank the recurring voices, publish the warehouse."""


from pathlib import Path

import dagster as dg

from assets.common import WRITER_POOL, arrow, markdown_table, table_metadata
from assets.extraction import mentions
from assets.resources import WarehouseResource
from innercircle import warehouse
from innercircle.ranking import RankingConfig, rank_voices
from innercircle.resolve import AliasStats, resolve_names
from innercircle.settings import Settings
from innercircle.stages.crawl import now_utc

GROUP = "ranking"
PREVIEW_PER_INDUSTRY = 10

ALIAS_STATS_SQL = """
SELECT m.name_key, mode(m.name) AS display, count(*) AS mentions,
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


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[mentions], kinds={"duckdb"})
def people(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource
) -> dg.MaterializeResult:
    """One row per person, with every alias that resolves to them. A person keeps their
    ``person_id`` from run to run."""
    with warehouse_db.connect() as con:
        stats = [
            AliasStats(key=k, display=d, mentions=m, documents=n, hosts=frozenset(h))
            for k, d, m, n, h in con.execute(ALIAS_STATS_SQL).fetchall()
        ]
        previous = dict(con.execute("SELECT alias_key, person_id FROM person_aliases").fetchall())
        resolution = resolve_names(stats, previous)
        by_key = {s.key: s for s in stats}
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
        con.execute("BEGIN")
        warehouse.replace_all(con, "person_aliases", arrow(alias_rows))
        con.execute("DELETE FROM people")
        if people_rows:
            con.register("_people", arrow(people_rows))
            con.execute(f"INSERT INTO people BY NAME {PEOPLE_SQL}")
            con.unregister("_people")
        con.execute("COMMIT")
        merged = sum(1 for p in resolution.people.values() if len(p.alias_keys) > 1)
        context.log.info(
            f"{len(stats)} name forms -> {len(resolution.people)} people "
            f"({merged} with several aliases, {len(resolution.unresolved)} unresolved)"
        )
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "people",
                aliases=dg.MetadataValue.int(len(alias_rows)),
                people_with_several_aliases=dg.MetadataValue.int(merged),
                unresolved_name_forms=dg.MetadataValue.int(len(resolution.unresolved)),
            )
        )


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[people], kinds={"duckdb"})
def recurring_voices(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource
) -> dg.MaterializeResult:
    """The inner circle: the top voices per industry, ranked, with every signal as a
    column and the score explained in words (``reasons``)."""
    settings = Settings.from_env()
    as_of = now_utc()
    with warehouse_db.connect() as con:
        ranking = rank_voices(con, RankingConfig(top_n=settings.top_n), as_of)
        con.execute("BEGIN")
        warehouse.replace_all(con, "recurring_voices", ranking)
        con.execute("DELETE FROM voice_history WHERE snapshot_date = $d", {"d": as_of.date()})
        con.execute("""INSERT INTO voice_history
                       SELECT ranked_at::DATE, industry, person_id, rank, score
                       FROM recurring_voices""")
        con.execute("COMMIT")
        return dg.MaterializeResult(
            metadata=table_metadata(
                con, "recurring_voices", **top_voices_metadata(ranking.to_pylist())
            )
        )


def top_voices_metadata(rows: list[dict]) -> dict:
    industries = sorted({r["industry"] for r in rows})
    sections = []
    for industry in industries:
        top = [r for r in rows if r["industry"] == industry][:PREVIEW_PER_INDUSTRY]
        sections.append(
            f"### {industry}\n\n"
            + markdown_table(
                ["rank", "name", "score", "why"],
                [(r["rank"], r["name"], f"{r['score']:.2f}", r["reasons"]) for r in top],
            )
        )
    return {
        "industries": dg.MetadataValue.int(len(industries)),
        "top_voices": dg.MetadataValue.md("\n\n".join(sections) or "no voices ranked"),
    }


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[recurring_voices], kinds={"duckdb"})
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource
) -> dg.MaterializeResult:
    """The warehouse analysts read (``INNERCIRCLE_WAREHOUSE``): a checkpointed copy of the
    working file, swapped in atomically so open readers are never blocked nor see a
    half-written ranking."""
    work = Path(warehouse_db.database)
    public = warehouse.published_path(work)
    warehouse.publish(work, public)
    context.log.info(f"published {work} -> {public}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(public)),
            "bytes": dg.MetadataValue.int(public.stat().st_size),
        }
    )
