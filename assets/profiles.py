"""Profiles group: who each ranked voice is, the nightly Atom feeds and HTML reports.

The logic lives in :mod:`innercircle.stages.profiles`, :mod:`innercircle.activity_feed`
and :mod:`innercircle.report`; these assets pick their resources, call them and report
metadata. All run after the ranking and before ``published_warehouse``.
"""

from pathlib import Path

import dagster as dg

from assets.common import WRITER_POOL, markdown_table, table_metadata
from assets.ranking import recurring_voices, voice_history
from assets.resources import OutputsResource, WarehouseResource
from innercircle.activity_feed import write_feeds
from innercircle.report import write_reports
from innercircle.sources import load_focus
from innercircle.stages.crawl import now_utc
from innercircle.stages.profiles import record_arrivals, write_profiles

GROUP = "profiles"


def _industries(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT DISTINCT industry FROM recurring_voices ORDER BY 1").fetchall()]


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[recurring_voices], kinds={"duckdb"})
def voice_profiles(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, outputs: OutputsResource
) -> dg.MaterializeResult:
    """One row per ranked voice: beats (phrases that set them apart), outlets, latest
    pieces, profile links, circle, and relevance (0-100) to the industry's ``focus:`` from
    the sources file (NULL without one)."""
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
        return dg.MaterializeResult(metadata=table_metadata(con, "voice_profiles", **metadata))


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[voice_profiles], kinds={"duckdb"})
def voice_feeds(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, outputs: OutputsResource
) -> dg.MaterializeResult:
    """Marks the documents first seen in this run (``document_arrivals``) and writes one
    Atom feed per industry (``INNERCIRCLE_FEEDS_DIR``/<industry>.atom): the new pieces
    written by, or naming, inner-circle members, each saying who and why."""
    now = now_utc()
    directory = Path(outputs.feeds_dir)
    with warehouse_db.connect() as con:
        arrived = record_arrivals(con, now)
        entries = write_feeds(con, _industries(con), directory, now)
    context.log.info(f"new documents {arrived}; feed entries {entries} in {directory}")
    return dg.MaterializeResult(
        metadata={
            "directory": dg.MetadataValue.path(str(directory)),
            "entries": dg.MetadataValue.md(
                markdown_table(["industry", "new documents", "feed entries"],
                               [(i, arrived.get(i, 0), n) for i, n in entries.items()])),
            **{f"{i}/feed_entries": dg.MetadataValue.int(n) for i, n in entries.items()},
        }
    )


@dg.asset(
    group_name=GROUP, pool=WRITER_POOL, deps=[voice_profiles, voice_history], kinds={"html"}
)
def voice_reports(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, outputs: OutputsResource
) -> dg.MaterializeResult:
    """One self-contained HTML page per industry (``INNERCIRCLE_REPORTS_DIR``/<industry>.html):
    the ranked voices with score, relevance, beats, latest piece and a rank-over-time chart,
    and the newcomers and departures. Opens offline; no script."""
    directory = Path(outputs.reports_dir)
    with warehouse_db.connect() as con:
        written = write_reports(con, _industries(con), directory, now_utc())
    context.log.info(f"reports {written} in {directory}")
    return dg.MaterializeResult(
        metadata={
            "directory": dg.MetadataValue.path(str(directory)),
            **{f"{i}/bytes": dg.MetadataValue.int(n) for i, n in written.items()},
        }
    )


PROFILE_ASSETS = [voice_profiles, voice_feeds, voice_reports]
