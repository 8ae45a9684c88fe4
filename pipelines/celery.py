"""Dagster's Celery executor, with the steps that write DuckDB on their own queue.

Workers on any machine run the crawl's fetch shards and the NER shards (they need only
the lake and the instance database), but a step in the ``duckdb_writer`` pool opens the
warehouse file, which lives on one machine. Each such step carries dagster-celery's queue
tag ``warehouse`` beside its pool (``assets.common.WRITER_TAGS``), so dagster-celery
itself sends it there, and the run's log says so; only the workers on that machine
consume it (``-q dagster,warehouse``: one list, since Celery keeps only the last of
several ``-q``). Every other step goes to Celery's default ``dagster`` queue.

A queue no worker reads holds its steps until one does, and Celery says nothing: so the
run's log starts with a warning naming each queue the run needs that no worker reads
(``innercircle run`` asks before it submits, and refuses: :func:`idle_queues`).

Ctrl-C (or SIGTERM) makes dagster-celery revoke the run's tasks and wait for each to
answer; a task no worker has taken never answers, and the submitter waited for ever. Here
a revoked task that has not answered within :data:`REVOKE_WAIT_S` counts as revoked,
unless a worker says it is running it: a revoke does not stop a started step, so the run
waits for that step to end (:class:`BoundedRevoke`).
"""

from __future__ import annotations

import os
import sys
import time
import warnings

import dagster as dg
from celery.exceptions import TaskRevokedError
from dagster._core.definitions.executor_definition import (
    multiple_process_executor_requirements,
)
from dagster._core.execution.retries import RetryMode
from dagster_celery.core_execution_loop import core_celery_execution_loop
from dagster_celery.executor import CELERY_CONFIG, CeleryExecutor, _submit_task
from dagster_celery.tags import DAGSTER_CELERY_QUEUE_TAG

from assets.common import WAREHOUSE_QUEUE

#: Seconds the run's start waits for the workers to say which queues they read; before
#: refusing a run for a queue no worker read, they are asked again for longer.
INSPECT_TIMEOUT_S = 1.0
INSPECT_AGAIN_S = 5.0
#: Seconds an interrupted run waits for its revoked tasks to answer before it stops
#: (those a worker is running excepted: it waits for them, asking every ASK_AGAIN_S).
REVOKE_WAIT_S = 3.0
ASK_AGAIN_S = 2.0


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


def needed_queues(execution_plan, default: str) -> list[str]:  # noqa: ANN001
    """The queues the plan's steps go to, those mapped over shards not yet known included."""
    keys = set(execution_plan.step_keys_to_execute)
    steps = [s for s in execution_plan.get_all_steps_in_topo_order() if s.key in keys]
    return sorted({step_queue(step, default) for step in steps})


def idle_queues(
    job: dg.JobDefinition, run_config: dict, tags: dict[str, str],
    timeout: float = INSPECT_TIMEOUT_S,
) -> list[str]:
    """The queues ``job`` run with ``run_config`` needs that no worker reads, asked before
    anything is submitted (workers have ``timeout`` seconds to answer). Raises what the
    broker raises when it cannot be asked."""
    from dagster._core.execution.api import create_execution_plan
    from dagster_celery.make_app import make_app

    config = run_config["execution"]["config"]
    executor = WarehouseRoutingCeleryExecutor(
        broker=_value(config.get("broker")), backend=_value(config.get("backend")),
        config_source=config.get("config_source"), retries=RetryMode.DISABLED,
    )
    app = make_app(executor.app_args())
    plan = create_execution_plan(job, run_config=run_config, tags=tags)
    return queues_without_workers(
        app, needed_queues(plan, app.conf.task_default_queue), timeout=timeout)


def _value(setting):  # noqa: ANN001, ANN202 - a run config value
    """A run config value as Dagster gives it to the executor: ``{"env": NAME}`` (a broker
    URL with a password is named by its variable, ``definitions.broker_source``) is that
    variable's value."""
    if isinstance(setting, dict) and "env" in setting:
        return os.environ.get(setting["env"])
    return setting


class BoundedRevoke:
    """A submitted task's ``AsyncResult`` that, once revoked, reads as revoked after
    ``wait_s`` seconds without an answer, unless a worker says it is running it: a task
    still in a queue no worker reads never answers, and dagster-celery's loop waited for
    it for ever after Ctrl-C. A revoke does not stop a step a worker has started (it goes
    on, and may write the warehouse), so the run waits for that one to end: leaving it
    would give its writer slot back while it still writes."""

    def __init__(self, result, wait_s: float = REVOKE_WAIT_S) -> None:  # noqa: ANN001
        self.result, self.wait_s = result, wait_s
        self._deadline: float | None = None
        self._next_ask = 0.0
        self._running = False
        self._said = False

    def revoke(self, *args, **kwargs):  # noqa: ANN002, ANN003
        self._deadline = time.monotonic() + self.wait_s
        return self.result.revoke(*args, **kwargs)

    def _given_up(self) -> bool:
        now = time.monotonic()
        if self._deadline is None or now < self._deadline:
            return False
        if now >= self._next_ask:  # asked again every few seconds while it runs
            self._running = self._worker_runs_it()
            self._next_ask = now + ASK_AGAIN_S
            if self._running and not self._said:
                self._said = True
                print("innercircle: a Celery worker is still running one of the run's steps; "
                      "waiting for it to end", file=sys.stderr, flush=True)
        return not self._running

    def _worker_runs_it(self) -> bool:
        """Whether a worker says it is running this task now (one that only holds it
        reserved got the revoke and will not start it)."""
        try:
            answers = self.result.app.control.inspect(
                timeout=INSPECT_TIMEOUT_S).query_task(self.result.id) or {}
        except Exception:  # noqa: BLE001 - a broker that cannot be asked: nothing to wait for
            return False
        return any((tasks or {}).get(self.result.id, [None])[0] == "active"
                   for tasks in answers.values())

    def ready(self) -> bool:
        return self._given_up() or self.result.ready()

    def get(self, *args, **kwargs):  # noqa: ANN002, ANN003
        if self._given_up() and not self.result.ready():
            raise TaskRevokedError(f"no answer {self.wait_s:g} s after it was revoked")
        return self.result.get(*args, **kwargs)


def submit_with_bounded_revoke(*args, **kwargs) -> BoundedRevoke:  # noqa: ANN002, ANN003
    """dagster-celery's task submission, its result wrapped in :class:`BoundedRevoke`."""
    return BoundedRevoke(_submit_task(*args, **kwargs))


class WarehouseRoutingCeleryExecutor(CeleryExecutor):
    """dagster-celery's executor, warning first of the queues no worker reads, and
    stopping within :data:`REVOKE_WAIT_S` of an interrupt."""

    def execute(self, plan_context, execution_plan):
        warn_about_queues_without_workers(self, plan_context, execution_plan)
        return core_celery_execution_loop(
            plan_context, execution_plan, step_execution_fn=submit_with_bounded_revoke
        )


def warn_about_queues_without_workers(executor, plan_context, execution_plan) -> list[str]:  # noqa: ANN001
    """Log a warning for each queue the run's steps go to that no worker reads; returns
    those queues. A broker that cannot be asked is left to the run, which says so."""
    from dagster_celery.make_app import make_app

    try:
        app = make_app(executor.app_args())
        idle = queues_without_workers(
            app, needed_queues(execution_plan, app.conf.task_default_queue))
    except Exception:  # noqa: BLE001 - only a warning: the run itself reports the broker
        return []
    for queue in idle:
        plan_context.log.warning(
            f"no Celery worker reads the {queue!r} queue: its steps wait until one does; "
            f"{how_to_serve(queue)}"
        )
    return idle


def how_to_serve(queue: str) -> str:
    """The command that starts a worker reading ``queue``, and where."""
    return (
        "start one with `dagster-celery worker start -A dagster_celery.app "
        "-y deploy/celery/celery.yaml -i pipelines.definitions -q "
        + (f"dagster,{queue}` on the machine with the warehouse file "
           if queue == WAREHOUSE_QUEUE else f"{queue}` ")
        + "(README: Scaling out)"
    )


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
