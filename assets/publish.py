"""Publish group: the warehouse analysts read, swapped in once everything else is written.

It stands in a group of its own because it reads both the ranking and the profiles
groups: in either of them, the UI's group lineage would show edges both ways.
"""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from assets.common import WRITER_POOL, WRITER_TAGS, markdown_table
from assets.profiles import voice_reports
from assets.ranking import recurring_voices, voice_history
from assets.resources import LakeResource, WarehouseResource
from innercircle import warehouse
from innercircle.schema_docs import warehouse_tables
from innercircle.stages.step_outputs import RunState, group_state, remove_old_step_outputs

GROUP = "publish"


@dg.asset(
    group_name=GROUP,
    pool=WRITER_POOL, op_tags=WRITER_TAGS,
    # Last: after the ranking, the profiles group and the source suggestions.
    deps=[
        recurring_voices,
        voice_history,
        "voice_profiles",
        "voice_feeds",
        voice_reports,
        "source_suggestions",
    ],
    kinds={"duckdb"},
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, lake_store: LakeResource
) -> dg.MaterializeResult:
    """The warehouse analysts read (``INNERCIRCLE_WAREHOUSE``): a checkpointed copy of the
    working file, swapped in atomically so open readers are never blocked nor see a
    half-written ranking. Its row count is every table's rows together. Then the lake
    sheds the step outputs of runs that can no longer be re-executed
    (innercircle/stages/step_outputs.py)."""
    work = Path(warehouse_db.database)
    public = warehouse.published_path(work)
    warehouse.publish(work, public)
    context.log.info(f"published {work} -> {public}")
    try:
        removed = remove_old_step_outputs(
            lake_store.location, context.run_id, lambda run_id: run_state(context.instance, run_id)
        )
    except Exception as exc:  # noqa: BLE001 - housekeeping: the published ranking stands
        removed = []
        context.log.warning(f"old step outputs left in the lake: {type(exc).__name__}: {exc}")
    if removed:
        context.log.info(f"removed the step outputs of {len(removed)} earlier runs from the lake")
    with warehouse.connect(public, read_only=True) as con:
        rows = [(t, warehouse.row_count(con, t)) for t in warehouse_tables()]
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(sum(n for _, n in rows)),
            "rows_by_table": dg.MetadataValue.md(markdown_table(["table", "rows"], rows)),
            "path": dg.MetadataValue.path(str(public)),
            "bytes": dg.MetadataValue.int(public.stat().st_size),
            "step_outputs_removed": dg.MetadataValue.int(len(removed)),
        }
    )


def run_state(instance: dg.DagsterInstance, run_id: str) -> RunState | None:
    """What ``instance`` knows of a run's re-execution group (whose later runs read this
    run's outputs): None for a run it never recorded."""
    group = instance.get_run_group(run_id) if instance.has_run(run_id) else None
    if group is None:
        return None
    records = instance.get_run_records(dg.RunsFilter(run_ids=[r.run_id for r in group[1]]))
    return group_state(
        RunState(
            ended=record.dagster_run.is_finished,
            ended_at=datetime.fromtimestamp(record.end_time, UTC) if record.end_time else None,
        )
        for record in records
    )
