"""A Celery run whose queues no worker reads says so as it starts, instead of waiting in
silence: the steps that write the warehouse go to the ``warehouse`` queue, which only a
worker on the warehouse's machine reads (README: Scaling out). Offline: Celery's
in-memory broker, where no worker answers. The same check against live workers is in
tests/test_celery.py."""

from __future__ import annotations

from types import SimpleNamespace

from dagster._core.execution.api import create_execution_plan
from dagster._core.execution.retries import RetryMode

from pipelines.celery import (
    WarehouseRoutingCeleryExecutor,
    queues_without_workers,
    step_queue,
    warn_about_queues_without_workers,
)
from pipelines.definitions import celery_job


def _executor() -> WarehouseRoutingCeleryExecutor:
    return WarehouseRoutingCeleryExecutor(
        broker="memory://", backend="rpc://", retries=RetryMode.DISABLED
    )


def _plan():
    return create_execution_plan(
        celery_job(), run_config={"execution": {"config": {"broker": "memory://"}}},
        tags={"dagster/partition": "2025-06-20"},
    )


def test_every_step_that_writes_the_warehouse_and_only_those_go_to_its_queue():
    steps = _plan().get_all_steps_in_topo_order()
    writers = {s.key for s in steps if s.pool == "duckdb_writer"}  # dagster.yaml's pool
    queued = {s.key for s in steps if step_queue(s, "dagster") == "warehouse"}
    assert {"documents", "mentions.store_mentions", "published_warehouse"} <= writers
    assert queued == writers
    assert step_queue(next(s for s in steps if s.key == "mentions.find_people[?]"),
                      "dagster") == "dagster"


def test_with_no_worker_listening_the_run_names_each_queue_it_needs_and_how_to_serve_it():
    plan = _plan()
    warnings: list[str] = []
    log = SimpleNamespace(warning=warnings.append)

    idle = warn_about_queues_without_workers(_executor(), SimpleNamespace(log=log), plan)

    assert idle == ["dagster", "warehouse"]  # the shards', and the DuckDB writers'
    assert len(warnings) == 2
    assert warnings[1].startswith("no Celery worker reads the 'warehouse' queue: its steps wait")
    assert "-q dagster,warehouse` on the machine with the warehouse file" in warnings[1]
    assert warnings[0].endswith("-q dagster` (README: Scaling out)")


def test_queues_read_by_some_worker_are_not_reported():
    answers = {
        "w1@host": [{"name": "dagster"}],
        "w2@other": [{"name": "dagster"}, {"name": "warehouse"}],
    }
    inspect = SimpleNamespace(active_queues=lambda: answers)
    app = SimpleNamespace(control=SimpleNamespace(inspect=lambda timeout: inspect))
    assert queues_without_workers(app, ["dagster", "warehouse", "elsewhere"]) == ["elsewhere"]
    inspect.active_queues = lambda: None  # no worker answered
    assert queues_without_workers(app, ["dagster"]) == ["dagster"]


def test_a_broker_that_cannot_be_asked_gives_no_warning_the_run_reports_it_itself():
    executor = WarehouseRoutingCeleryExecutor(broker="nosuchscheme://x", retries=RetryMode.DISABLED)
    warnings: list[str] = []
    step = SimpleNamespace(key="feeds.plan_feeds", tags={}, pool=None)
    plan = SimpleNamespace(
        step_keys_to_execute=[step.key], get_all_steps_in_topo_order=lambda: [step])
    assert warn_about_queues_without_workers(
        executor, SimpleNamespace(log=SimpleNamespace(warning=warnings.append)), plan) == []
    assert warnings == []
