"""Dagster's Celery executor, with the steps that write DuckDB sent to their own queue.

Workers on any machine run the crawl's fetch shards and the NER shards (they need only
the lake and the instance database), but a step in the ``duckdb_writer`` pool opens the
warehouse file, which lives on one machine. Those steps go to the ``warehouse`` queue,
which only the workers on that machine consume (``-q dagster,warehouse``: one list,
since Celery keeps only the last of several ``-q``); every other step goes to Celery's
default ``dagster`` queue. An op's own ``dagster-celery/queue`` tag still wins.
"""

from __future__ import annotations

import dagster as dg
from dagster._core.definitions.executor_definition import (
    multiple_process_executor_requirements,
)
from dagster._core.execution.retries import RetryMode
from dagster_celery.executor import CELERY_CONFIG, CeleryExecutor, _submit_task
from dagster_celery.tags import DAGSTER_CELERY_QUEUE_TAG

from assets.common import WRITER_POOL

WAREHOUSE_QUEUE = "warehouse"


def _route(app, plan_context, step, queue, priority, known_state):
    if step.pool == WRITER_POOL and DAGSTER_CELERY_QUEUE_TAG not in step.tags:
        queue = WAREHOUSE_QUEUE
    return _submit_task(app, plan_context, step, queue, priority, known_state)


class WarehouseRoutingCeleryExecutor(CeleryExecutor):
    def execute(self, plan_context, execution_plan):
        from dagster_celery.core_execution_loop import core_celery_execution_loop

        return core_celery_execution_loop(plan_context, execution_plan, step_execution_fn=_route)


@dg.executor(
    name="celery_warehouse_routing",
    config_schema=CELERY_CONFIG,
    requirements=multiple_process_executor_requirements(),
)
def celery_routing_executor(init_context: dg.InitExecutorContext) -> CeleryExecutor:
    """``celery_executor`` with DuckDB-writing steps on the ``warehouse`` queue."""
    config = init_context.executor_config
    return WarehouseRoutingCeleryExecutor(
        broker=config.get("broker"),
        backend=config.get("backend"),
        config_source=config.get("config_source"),
        include=config.get("include"),
        retries=RetryMode.from_config(config["retries"]),
    )
