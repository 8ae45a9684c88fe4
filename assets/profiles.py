"""Profiles group: who each ranked voice is, the nightly Atom feeds and HTML reports.

The logic lives in :mod:`innercircle.stages.profiles`, :mod:`innercircle.activity_feed`
and :mod:`innercircle.report`; these assets pick their resources, call them and report
metadata. All run after the ranking and before ``published_warehouse``. A step that writes
several tables (``voice_profiles`` with ``industry_focus``; ``voice_feeds`` with
``document_arrivals`` and ``arrival_runs``) is a ``multi_asset``, one asset per table.
"""

from pathlib import Path

import dagster as dg

from assets.common import WRITER_POOL, WRITER_TAGS, markdown_table
from assets.ranking import recurring_voices, voice_history
from assets.resources import OutputsResource, WarehouseResource
from assets.tables import table_result, table_spec
from innercircle.activity_feed import write_feeds
from innercircle.report import write_reports
from innercircle.sources import load_focus
from innercircle.stages.crawl import now_utc
from innercircle.stages.profiles import ranked_industries, record_arrivals, write_profiles

GROUP = "profiles"


PROFILE_SPECS = [
    table_spec(
        "voice_profiles",
        deps=[recurring_voices, "industry_focus", "document_links", "author_pages"],
        group=GROUP,
        note="Beats (phrases that set them apart), outlets, latest pieces, profile links, "
        "circle, and relevance (0-100) to the industry's focus in the sources file "
        "(NULL without one).",
    ),
    table_spec("industry_focus", deps=["sources"], group=GROUP, kinds=("duckdb", "yaml")),
]


@dg.multi_asset(name="voice_profiles", specs=PROFILE_SPECS, pool=WRITER_POOL, op_tags=WRITER_TAGS)
def voice_profiles(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, outputs: OutputsResource
):
    """Profile every ranked voice against its industry's focus: one transaction."""
    focus = load_focus(outputs.sources_path)
    with warehouse_db.connect() as con:
        figures = write_profiles(con, focus, now_utc())
        metadata = {}
        for industry, f in figures.items():
            metadata[f"{industry}/voices"] = dg.MetadataValue.int(f["voices"])
            metadata[f"{industry}/with_5_beats"] = dg.MetadataValue.int(f["with_5_beats"])
            if f["mean_relevance"] is not None:
                metadata[f"{industry}/mean_relevance"] = dg.MetadataValue.float(
                    round(f["mean_relevance"], 2))
        context.log.info(f"profiles: {figures}")
        yield table_result(con, "industry_focus")  # first: voice_profiles reads it
        yield table_result(con, "voice_profiles", **metadata)


FEED_SPECS = [
    dg.AssetSpec(
        "voice_feeds",
        deps=["voice_profiles", "document_arrivals", "arrival_runs"],
        description="One Atom feed per industry (INNERCIRCLE_FEEDS_DIR/<industry>.atom): the "
        "new pieces written by, or naming, inner-circle members, each saying who and why. "
        "Its row count is the feed entries written.",
        group_name=GROUP,
        kinds={"xml"},
    ),
    table_spec(
        "document_arrivals",
        deps=["document_industries", "documents", "arrival_runs"],
        group=GROUP,
        note="Marked in one transaction with arrival_runs, before the feeds are written.",
    ),
    table_spec("arrival_runs", group=GROUP),
]


@dg.multi_asset(name="voice_feeds", specs=FEED_SPECS, pool=WRITER_POOL, op_tags=WRITER_TAGS)
def voice_feeds(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, outputs: OutputsResource
):
    """Mark the documents first seen in this run, then write the Atom feeds."""
    now = now_utc()
    directory = Path(outputs.feeds_dir)
    with warehouse_db.connect() as con:
        arrived = record_arrivals(con, now)  # one transaction for both tables
        yield table_result(con, "arrival_runs")  # in the order of their lineage
        yield table_result(
            con, "document_arrivals", arrived_this_run=dg.MetadataValue.int(sum(arrived.values()))
        )
        entries = write_feeds(con, ranked_industries(con), directory, now)
        context.log.info(f"new documents {arrived}; feed entries {entries} in {directory}")
        yield dg.MaterializeResult(
            asset_key="voice_feeds",
            metadata={
                "dagster/row_count": dg.MetadataValue.int(sum(entries.values())),
                "directory": dg.MetadataValue.path(str(directory)),
                "entries": dg.MetadataValue.md(
                    markdown_table(["industry", "new documents", "feed entries"],
                                   [(i, arrived.get(i, 0), n) for i, n in entries.items()])),
                **{f"{i}/feed_entries": dg.MetadataValue.int(n) for i, n in entries.items()},
            },
        )


@dg.asset(
    group_name=GROUP, pool=WRITER_POOL, op_tags=WRITER_TAGS,
    deps=["voice_profiles", voice_history], kinds={"html"},
)
def voice_reports(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, outputs: OutputsResource
) -> dg.MaterializeResult:
    """One self-contained HTML page per industry (``INNERCIRCLE_REPORTS_DIR``/<industry>.html):
    the ranked voices with score, relevance, beats, latest piece and a rank-over-time chart,
    and the newcomers and departures. Opens offline; no script. Its row count is the
    reports written."""
    directory = Path(outputs.reports_dir)
    with warehouse_db.connect() as con:
        written = write_reports(con, ranked_industries(con), directory, now_utc())
    context.log.info(f"reports {written} in {directory}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(len(written)),
            "directory": dg.MetadataValue.path(str(directory)),
            **{f"{i}/bytes": dg.MetadataValue.int(n) for i, n in written.items()},
        }
    )


PROFILE_ASSETS = [voice_profiles, voice_feeds, voice_reports]
