"""Source suggestions (profiles group): sites an industry does not read yet, from its evidence.

The logic lives in :mod:`innercircle.stages.suggestions`; this asset picks its resources,
calls it to make, store and (when asked) auto-accept the suggestions, and previews the
best candidates with their evidence. It runs after the ranking (it needs the voices) and
before publishing.
"""

from pathlib import Path

import dagster as dg

from assets.common import WRITER_POOL, WRITER_TAGS, markdown_table
from assets.ranking import recurring_voices
from assets.resources import (
    HttpFetcherResource,
    RankingResource,
    SourcesResource,
    SuggestionsResource,
    WarehouseResource,
)
from assets.tables import table_result, table_spec
from innercircle.stages.crawl import now_utc
from innercircle.stages.suggestions import (
    accept_tonight,
    previous_checks,
    store_suggestions,
    suggest_sources,
)

GROUP = "profiles"  # like the profiles, it reads the ranked voices and precedes publishing
PREVIEW_PER_INDUSTRY = 5


#: What suggestions are made from: links in the industry's documents, its sources, and
#: where its ranked voices write.
EVIDENCE = [recurring_voices, "document_links", "document_industries", "sources", "author_pages"]
SUGGESTION_SPECS = [
    table_spec(
        "source_suggestions",
        deps=[*EVIDENCE, "suggestion_feed_checks"],
        group=GROUP,
        note="Each with a feed found the way the crawl finds one (robots.txt and the "
        "private-network guard included). Nothing is added to the sources file unless "
        "INNERCIRCLE_SUGGEST_AUTO_ACCEPT says so.",
    ),
    table_spec(
        "suggestion_feed_checks",
        deps=EVIDENCE,
        group=GROUP,
        note="Written with source_suggestions, in the same transaction.",
    ),
]


@dg.multi_asset(
    name="source_suggestions", specs=SUGGESTION_SPECS, pool=WRITER_POOL, op_tags=WRITER_TAGS
)
def source_suggestions(
    context: dg.AssetExecutionContext,
    warehouse_db: WarehouseResource,
    http: HttpFetcherResource,
    ranking: RankingResource,
    suggestions: SuggestionsResource,
    sources_file: SourcesResource,
):
    """Sites to add to each industry's sources, from its links and where its voices write,
    with their feeds checked: one transaction for both tables."""
    as_of = ranking.as_of_time() or now_utc()
    with warehouse_db.connect() as con, http.open() as fetcher:
        rows, checks, counts = suggest_sources(
            con, fetcher, as_of, suggestions.top_per_industry, ranking.half_life_days,
            previous_checks(con),
        )
        store_suggestions(con, rows, checks)
        path = Path(sources_file.path)
        added = accept_tonight(path, rows, suggestions.auto_accept)
        for url in added:
            context.log.info(f"auto-accepted {url} into {path}")
        # Dagster wants a multi-asset's tables in the order of their lineage.
        yield table_result(con, "suggestion_feed_checks")
        yield table_result(
            con,
            "source_suggestions",
            **{k: dg.MetadataValue.int(v) for k, v in counts.items()},
            auto_accepted=dg.MetadataValue.int(len(added)),
            top_suggestions=dg.MetadataValue.md(preview(rows)),
        )


def preview(rows: list[dict]) -> str:
    sections = []
    for industry in sorted({r["industry"] for r in rows}):
        top = [r for r in rows if r["industry"] == industry][:PREVIEW_PER_INDUSTRY]
        sections.append(
            f"### {industry}\n\n"
            + markdown_table(
                ["rank", "site", "feed", "linked by", "voices there"],
                [
                    (
                        r["rank"],
                        r["host"],
                        r["feed_url"] or f"none: {r['feed_note'] or ''}"[:80],
                        ", ".join(r["evidence_sources"]) or "-",
                        ", ".join(r["evidence_voices"][:5]) or "-",
                    )
                    for r in top
                ],
            )
        )
    return "\n\n".join(sections) or "no suggestions: no links or voices outside the sources yet"
