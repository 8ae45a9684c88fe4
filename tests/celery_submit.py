"""``python -m tests.celery_submit``: the Celery test's run, submitted to the running
workers from a process of its own (as ``innercircle run`` would), printing the run's id.

A process of its own because the test's process makes the in-process run to compare with
meanwhile, and two Dagster runs in one process deadlock: a run starting re-reads the
logging configuration (``logging.config.dictConfig``, holding logging's module lock) while
the other's event handler, holding its own lock, logs (seen in the suite, 2026-12-07).
The environment is the test's (``INNERCIRCLE_*``, ``DAGSTER_HOME``, ``DAGSTER_PG_*``).
"""

from __future__ import annotations

import json


def main() -> None:
    import dagster as dg
    from dagster._core.execution.plan import instance_concurrency_context
    from dagster_celery import core_execution_loop

    from innercircle.settings import Settings
    from pipelines.runner import run_on_celery

    # The run polls its Celery tasks once a tick (1 s), so each of its ~35 steps, run one
    # after another, waits up to a second to be noticed done and its successor sent. A
    # tenth of that changes no step and no result, only how soon the next one starts.
    core_execution_loop.TICK_SECONDS = 0.1
    # Likewise a step the `duckdb_writer` pool holds back (deploy/celery/dagster.yaml: one
    # at a time) asks for its slot again after 1 s, then 1.1 s ... (Dagster's backoff), and
    # most steps after NER are such steps, one after another: a tenth of the first wait.
    instance_concurrency_context.INITIAL_INTERVAL_VALUE = 0.1
    with dg.DagsterInstance.get() as instance:
        result = run_on_celery(Settings.from_env(), instance)
    print(json.dumps({"run_id": result.run_id, "success": result.success}))


if __name__ == "__main__":
    main()
