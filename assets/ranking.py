"""Ranking group: resolve names to people, rank the recurring voices, snapshot the ranking.

The logic lives in :mod:`innercircle.stages.ranking`; these assets pick their resources,
call it and report metadata. The ``people`` step writes five tables in one transaction,
each an asset of its own (a ``multi_asset``). The checks that guard ``recurring_voices``
stand below it.
"""

import warnings

import dagster as dg

from assets.common import (
    WRITER_POOL,
    WRITER_TAGS,
    markdown_table,
    references_result,
    table_metadata,
)
from assets.resources import RankingResource, SourcesResource, WarehouseResource
from assets.tables import table_result, table_spec
from innercircle.ranking import RankingConfig, score_explanation
from innercircle.settings import FIRST_DAY
from innercircle.sources import load_focus
from innercircle.stages.crawl import now_utc
from innercircle.stages.profiles import circle_changes, preview_extras, ranked_members
from innercircle.stages.ranking import (
    build_people,
    ranking_faults,
    snapshot_as_of,
    write_ranking,
    write_snapshot,
)

GROUP = "ranking"
PREVIEW_PER_INDUSTRY = 10


PEOPLE_SPECS = [
    table_spec(
        "document_clusters",
        deps=["documents"],
        group=GROUP,
        note="Rebuilt by the people step, in its transaction.",
    ),
    table_spec(
        "excluded_names",
        deps=["mentions", "entity_labels"],
        group=GROUP,
        note="Decided per name over the whole corpus (entity_labels and how sentences use it).",
    ),
    table_spec(
        "person_aliases",
        deps=["mentions", "documents", "author_pages", "excluded_names"],
        group=GROUP,
        note="Last run's ids are inherited from the aliases that had them.",
    ),
    table_spec(
        "people",
        deps=["person_aliases", "mentions", "documents", "author_pages"],
        group=GROUP,
        note="Written in one transaction with document_clusters, excluded_names, "
        "person_aliases and person_industry_splits.",
    ),
    table_spec(
        "person_industry_splits",
        deps=["people", "person_aliases", "document_industries", "author_pages"],
        group=GROUP,
    ),
]
#: What the ranking reads (through the mention_facts view), all written by ``people``.
RESOLVED = ["people", "person_aliases", "person_industry_splits", "document_clusters",
            "document_industries"]


@dg.multi_asset(name="people", specs=PEOPLE_SPECS, pool=WRITER_POOL, op_tags=WRITER_TAGS)
def people(context: dg.AssetExecutionContext, warehouse_db: WarehouseResource):
    """Cluster reposted stories, keep non-people out, resolve name forms to people and
    split names that are different people in unlinked industries: one transaction."""
    with warehouse_db.connect() as con:
        counts = build_people(con)
        context.log.info(
            f"{counts['name_forms']} name forms -> {counts['people']} people "
            f"({counts['people_with_several_aliases']} with several aliases, "
            f"{counts['unresolved_name_forms']} unresolved, "
            f"{counts['excluded_non_person_names']} not people); "
            f"{counts['clusters_with_copies']} stories reposted across "
            f"{counts['documents_in_those_clusters']} documents"
        )
        figures = {k: dg.MetadataValue.int(v) for k, v in counts.items()}
        yield table_result(
            con,
            "document_clusters",
            **{k: figures[k] for k in ("clusters_with_copies", "documents_in_those_clusters")},
        )
        yield table_result(con, "excluded_names")
        yield table_result(
            con,
            "person_aliases",
            **{k: figures[k] for k in ("name_forms", "unresolved_name_forms")},
        )
        yield table_result(
            con,
            "people",
            **{
                k: v
                for k, v in figures.items()
                if k not in ("people", "name_forms", "clusters_with_copies",
                             "documents_in_those_clusters")
            },
        )
        yield table_result(
            con,
            "person_industry_splits",
            people_split_by_industry=figures["people_split_by_industry"],
        )


#: One snapshot of the ranking per day. ``end_offset=1`` makes today a partition, so the
#: nightly run records the day it runs on; past days can be backfilled from the UI.
daily = dg.DailyPartitionsDefinition(start_date=FIRST_DAY.isoformat(), end_offset=1)


# A backfill of many days is one run, one step and one open of the warehouse, not a run
# per day (each waiting its turn for the writer pool). Dagster 1.13 calls the parameter
# beta, and would say so on every import of the definitions (every command's stderr).
#: What the UI says of ``voice_history``, days and figures as its page shows them.
HISTORY_DESCRIPTION = (
    "The ranking as it stood on each day: evidence published up to the end of that day "
    "(or up to now, for today). Only the days a run made or a backfill filled exist: the "
    f"other daily partitions since {FIRST_DAY.isoformat()} show as missing, as expected. "
    "Backfill missed nights from the UI (any range, in one run); re-running a day replaces "
    "its snapshot. Its row count is the whole table's, every day's snapshot together; a "
    "day's own rows are snapshot_rows (a range's materializations share one table of each "
    "day's rows)."
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)
    _daily_snapshots = dg.asset(
        description=HISTORY_DESCRIPTION,
        group_name=GROUP,
        pool=WRITER_POOL, op_tags=WRITER_TAGS,
        deps=RESOLVED,
        partitions_def=daily,
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds={"duckdb"},
    )


@_daily_snapshots
def voice_history(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, ranking: RankingResource
) -> dg.MaterializeResult:
    """The ranking as it stood on each day (see ``HISTORY_DESCRIPTION``)."""
    now = ranking.as_of_time() or now_utc()
    config = ranking.config()
    written = []
    with warehouse_db.connect() as con:
        for key in context.partition_keys:
            window = daily.time_window_for_partition_key(key)
            as_of = snapshot_as_of(window.end, now)
            rows = write_snapshot(con, config, as_of, window.start.date())
            context.log.info(f"snapshot of {window.start.date()} as of {as_of}: {rows} rows")
            written.append((str(window.start.date()), str(as_of), rows))
        first, last = written[0], written[-1]
        one_day = len(written) == 1
        if one_day:
            per_day = {"snapshot_rows": dg.MetadataValue.int(first[2])}
        else:  # each day's materialization carries this: no one day's count, the table
            per_day = {"snapshots": dg.MetadataValue.md(
                markdown_table(["day", "as of", "rows"], written))}
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "voice_history",
                snapshot_date=dg.MetadataValue.text(
                    first[0] if one_day else f"{first[0]} … {last[0]}"),
                as_of=dg.MetadataValue.text(last[1]),
                **per_day,
            )
        )


#: The blocking checks of the ranking. They are evaluated by the ``recurring_voices`` step
#: itself, on the connection that wrote the table: as separate steps each cost an open of
#: the warehouse and a step's event-log writes after the last NER shard. A failure fails
#: the step, so nothing downstream runs and the warehouse is not published.
RANKING_CHECK_SPECS = [
    dg.AssetCheckSpec(
        "voices_unique_per_industry", asset="recurring_voices", blocking=True,
        description="One row per (industry, person_id).",
    ),
    dg.AssetCheckSpec(
        "every_industry_ranked", asset="recurring_voices", blocking=True,
        description="Every industry that has sources with documents has a ranking.",
    ),
    dg.AssetCheckSpec(
        "voices_reference_people", asset="recurring_voices", blocking=True,
        description="Every ranked person exists in people.",
    ),
]


@dg.asset(
    group_name=GROUP,
    pool=WRITER_POOL, op_tags=WRITER_TAGS,
    deps=RESOLVED,
    kinds={"duckdb"},
    check_specs=RANKING_CHECK_SPECS,
)
def recurring_voices(
    context: dg.AssetExecutionContext,
    warehouse_db: WarehouseResource,
    ranking: RankingResource,
    sources_file: SourcesResource,
) -> dg.MaterializeResult:
    """The inner circle: the top voices per industry, ranked, with every signal as a
    column and the score explained in words (``reasons``)."""
    config = ranking.config()
    with warehouse_db.connect() as con:
        before = ranked_members(con)
        table = write_ranking(con, config, ranking.as_of_time() or now_utc())
        changes = circle_changes(before, ranked_members(con))
        extras, mean_relevance = preview_extras(
            con, load_focus(sources_file.path), PREVIEW_PER_INDUSTRY
        )
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "recurring_voices",
                **top_voices_metadata(table.to_pylist(), config, extras),
                **industry_metadata(changes, mean_relevance),
            ),
            check_results=ranking_checks(con),
        )


def industry_metadata(changes: dict, mean_relevance: dict) -> dict:
    """Numbers per industry, so the UI plots their history: voices, newcomers, departures
    and mean relevance (where the industry states a focus)."""
    out = {}
    for industry, figures in changes.items():
        for name, value in figures.items():
            out[f"{industry}/{name}"] = dg.MetadataValue.int(value)
        if industry in mean_relevance:
            out[f"{industry}/mean_relevance"] = dg.MetadataValue.float(
                round(mean_relevance[industry], 2)
            )
    return out


def top_voices_metadata(
    rows: list[dict], config: RankingConfig | None = None, extras: dict | None = None
) -> dict:
    """The preview: top voices per industry with why, and (``extras``, from the profiles
    stage) their beats and latest piece."""
    extras = extras or {}
    industries = sorted({r["industry"] for r in rows})
    sections = []
    for industry in industries:
        top = [r for r in rows if r["industry"] == industry][:PREVIEW_PER_INDUSTRY]
        sections.append(
            f"### {industry}\n\n"
            + markdown_table(
                ["rank", "name", "score", "beats", "latest piece", "why"],
                [
                    (r["rank"], r["name"], f"{r['score']:.2f}", *_extra(extras, r), r["reasons"])
                    for r in top
                ],
            )
        )
    body = "\n\n".join(sections) or "no voices ranked"
    return {
        "industries": dg.MetadataValue.int(len(industries)),
        "top_voices": dg.MetadataValue.md(
            f"{body}\n\n### How the score works\n\n{score_explanation(config)}"
        ),
    }


def _extra(extras: dict, row: dict) -> tuple[str, str]:
    beats, latest = extras.get((row["industry"], row["person_id"]), ([], None))
    piece = "–"
    if latest:
        day = f" ({latest['published_at']:%Y-%m-%d})" if latest["published_at"] else ""
        piece = f"[{(latest['title'] or latest['url']).replace(']', ')')}]({latest['url']}){day}"
    return ", ".join(beats[:5]) or "–", piece


# ---------------------------------------------------------------------------- checks


def ranking_checks(con) -> list[dg.AssetCheckResult]:
    """The results of :data:`RANKING_CHECK_SPECS` on the warehouse as it is now."""
    faults = ranking_faults(con)
    dupes, missing = faults.duplicate_keys, faults.industries_without_ranking
    return [
        dg.AssetCheckResult(check_name="voices_unique_per_industry", passed=dupes == 0,
                            metadata={"duplicate_keys": dupes}),
        dg.AssetCheckResult(
            check_name="every_industry_ranked", passed=not missing,
            metadata={"industries_without_ranking": ", ".join(missing) or "none"},
        ),
        references_result(con, "recurring_voices", "person_id", "people",
                          check_name="voices_reference_people"),
    ]
