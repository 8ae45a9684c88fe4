"""Small helpers the assets share: the writer pool, progress logging, metadata."""

from __future__ import annotations

import time
from collections.abc import Sequence

import dagster as dg

from assets.resources import WarehouseResource
from innercircle import warehouse
from innercircle.progress import report
from innercircle.stages import Progress, arrow  # noqa: F401  (re-exported for assets)

#: Every step that writes DuckDB runs in this pool; dagster.yaml limits it to one at a time.
WRITER_POOL = "duckdb_writer"
#: The queue a Celery run sends such a step to: only the workers on the warehouse file's
#: machine read it (pipelines/celery.py, README: Scaling out).
WAREHOUSE_QUEUE = "warehouse"
#: ... declared on each writer step beside its pool, as dagster-celery's own queue tag, so
#: it routes the step and its run log names that queue. A plain tag: no Celery needed here.
WRITER_TAGS = {"dagster-celery/queue": WAREHOUSE_QUEUE}


#: The partitioned asset every nightly run ends with; its day is the run's partition.
HISTORY = dg.AssetKey("voice_history")


def refuse_a_run_without_its_day(context: dg.AssetExecutionContext) -> None:
    """Fail the run's first step when it will snapshot ``voice_history`` but names no day:
    Dagster would otherwise crawl, read and rank first, and fail only at the snapshot."""
    tags = context.run.tags
    if HISTORY in context.job_def.asset_layer.selected_asset_keys and not (
        "dagster/partition" in tags or "dagster/asset_partition_range_start" in tags
    ):
        raise dg.Failure(
            "this run names no day for voice_history's snapshot: launch it for a partition "
            "(--tags '{\"dagster/partition\": \"YYYY-MM-DD\"}', the UI's partition picker) "
            "or with `innercircle run`, which picks today"
        )


def log_progress(context: dg.AssetExecutionContext, every_s: float = 5.0) -> Progress:
    """Progress for long steps: a log line when a stage starts, ends, or every few seconds."""
    last = {"t": 0.0}

    def progress(stage: str, done: int, total: int, errors: int) -> None:
        report(stage, done, total, errors)
        now = time.monotonic()
        if done in (0, total) or now - last["t"] >= every_s:
            last["t"] = now
            context.log.info(f"{stage}: {done}/{total} done, {errors} errors so far")

    return progress


def table_metadata(con, table: str, **extra) -> dict:
    """A table's materialisation metadata: its row count first. What its columns hold is
    the asset's column schema (the DDL's comments), shown beside it, not a pointer here."""
    return {
        "dagster/row_count": dg.MetadataValue.int(warehouse.row_count(con, table)),
        "table": dg.MetadataValue.text(table),
        **extra,
    }


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join(str(v).replace("|", "/") for v in row) + " |")
    return "\n".join(lines)


def references_check(asset, name: str, table: str, key: str, parent: str, description: str):
    """A blocking check that every row of ``table`` finds its ``key`` in ``parent``;
    its metadata counts the orphans."""

    @dg.asset_check(pool=WRITER_POOL, op_tags=WRITER_TAGS, asset=asset, name=name, blocking=True,
                    description=description)
    def check(warehouse_db: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse_db.connect() as con:
            return references_result(con, table, key, parent)

    return check


def references_result(con, table: str, key: str, parent: str,
                      check_name: str | None = None) -> dg.AssetCheckResult:
    """Whether every row of ``table`` finds its ``key`` in ``parent``; the metadata counts
    the orphans (``check_name`` when the asset's own step reports it)."""
    orphans = warehouse.orphan_count(con, table, key, parent)
    return dg.AssetCheckResult(
        passed=orphans == 0, metadata={f"orphan_{table}": orphans}, check_name=check_name
    )
