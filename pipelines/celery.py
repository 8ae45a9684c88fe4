"""Dagster's Celery executor, with the steps that write DuckDB on their own queue.

Workers on any machine run the crawl's fetch shards and the NER shards (they need only
the lake and the instance database), but a step in the ``duckdb_writer`` pool opens the
warehouse file, which lives on one machine. Each such step carries dagster-celery's queue
tag ``warehouse`` beside its pool (``assets.common.WRITER_TAGS``), so dagster-celery
itself sends it there, and the run's log says so; only the workers on that machine
consume it (``-q dagster,warehouse``: one list, since Celery keeps only the last of
several ``-q``). Every other step goes to Celery's default ``dagster`` queue.

A queue no worker reads holds its steps until one does, and Celery says nothing: so the
run's log starts with a warning naming each queue the run needs that no worker reads.
"""

from __future__ import annotations

import warnings

import dagster as dg
from dagster._core.definitions.executor_definition import (
    multiple_process_executor_requirements,
)
from dagster._core.execution.retries import RetryMode
from dagster_celery.executor import CELERY_CONFIG, CeleryExecutor
from dagster_celery.tags import DAGSTER_CELERY_QUEUE_TAG

from assets.common import WAREHOUSE_QUEUE

#: Seconds the run's start waits for the workers to say which queues they read.
INSPECT_TIMEOUT_S = 1.0


def step_queue(step, default: str) -> str:  # noqa: ANN001 - a Dagster ExecutionStep
    """The queue ``step`` is sent to: its queue tag's (``warehouse`` for a step that writes
    DuckDB), else ``default`` (Celery's default queue), as dagster-celery reads it."""
    return step.tags.get(DAGSTER_CELERY_QUEUE_TAG, default)


def queues_without_workers(app, queues, timeout: float = INSPECT_TIMEOUT_S) -> list[str]:  # noqa: ANN001
    """Those of ``queues`` that no running worker reads (every one when no worker
    answers within ``timeout`` seconds), asked through the broker."""
    answers = app.control.inspect(timeout=timeout).active_queues() or {}
    read = {queue["name"] for worker in answers.values() for queue in worker or ()}
    return [queue for queue in queues if queue not in read]


# dagster-celery registers its one task again for every step it submits, and Celery warns
# that the new callable (the same code) is not registered: said once, here, for all.
warnings.filterwarnings("ignore", message="Task name 'execute_plan' is already registered")


class WarehouseRoutingCeleryExecutor(CeleryExecutor):
    """dagster-celery's executor, warning first of the queues no worker reads."""

    def execute(self, plan_context, execution_plan):
        warn_about_queues_without_workers(self, plan_context, execution_plan)
        return super().execute(plan_context, execution_plan)


def warn_about_queues_without_workers(executor, plan_context, execution_plan) -> list[str]:  # noqa: ANN001
    """Log a warning for each queue the run's steps go to that no worker reads; returns
    those queues. A broker that cannot be asked is left to the run, which says so."""
    from dagster_celery.make_app import make_app

    try:
        app = make_app(executor.app_args())
        default = app.conf.task_default_queue
        # every step the run executes, those mapped over shards not yet known included
        keys = set(execution_plan.step_keys_to_execute)
        steps = [s for s in execution_plan.get_all_steps_in_topo_order() if s.key in keys]
        needed = sorted({step_queue(step, default) for step in steps})
        idle = queues_without_workers(app, needed)
    except Exception:  # noqa: BLE001 - only a warning: the run itself reports the broker
        return []
    for queue in idle:
        plan_context.log.warning(
            f"no Celery worker reads the {queue!r} queue: its steps wait until one does; "
            f"start one with `dagster-celery worker start -A dagster_celery.app "
            f"-y deploy/celery/celery.yaml -i pipelines.definitions -q "
            + (f"dagster,{queue}` on the machine with the warehouse file "
               if queue == WAREHOUSE_QUEUE else f"{queue}` ")
            + "(README: Scaling out)"
        )
    return idle


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
