"""A Celery run whose queues no worker reads says so as it starts, instead of waiting in
silence: the steps that write the warehouse go to the ``warehouse`` queue, which only a
worker on the warehouse's machine reads (README: Scaling out); ``innercircle run``
refuses such a run before it submits it, and Ctrl-C ends one within seconds. Offline:
Celery's in-memory broker, where no worker answers. The same check against live workers
is in tests/test_celery.py."""

from __future__ import annotations

import os
import signal
import threading
import time
from types import SimpleNamespace

import dagster as dg
import pytest
from dagster._core.execution.api import create_execution_plan
from dagster._core.execution.retries import RetryMode

from innercircle.settings import SettingError, Settings
from pipelines import runner
from pipelines.celery import (
    REVOKE_WAIT_S,
    WarehouseRoutingCeleryExecutor,
    celery_routing_executor,
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


@dg.op
def waits_for_a_worker() -> int:
    return 1


@dg.job(executor_def=celery_routing_executor)
def nobody_serves():
    waits_for_a_worker()


def _interrupt_once_submitted(instance, done: threading.Event) -> None:
    """Ctrl-C (SIGINT to this process) once the run sent its step to the queue."""
    while not done.wait(0.05):
        for run in instance.get_runs(limit=1):
            said = [e.user_message for e in instance.all_logs(run.run_id)]
            if any(m.startswith("Submitting celery task") for m in said):
                os.kill(os.getpid(), signal.SIGINT)
                return


@pytest.mark.timeout(60)
def test_ctrl_c_ends_a_run_whose_steps_no_worker_took_within_seconds(tmp_path):
    # dagster-celery revokes the run's tasks and waits for each to answer; a task still
    # in a queue nobody reads never does, and only kill -9 ended the submitter.
    done = threading.Event()
    with dg.DagsterInstance.local_temp(str(tmp_path)) as instance:
        watcher = threading.Thread(target=_interrupt_once_submitted, args=(instance, done))
        watcher.start()
        try:
            result = dg.execute_job(
                dg.reconstructable(nobody_serves), instance=instance, raise_on_error=False,
                run_config={"execution": {"config": {"broker": "memory://",
                                                     "backend": "cache+memory://"}},
                            "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
            )
            ended = time.time()  # the clock of the events' timestamps
        finally:
            done.set()
            watcher.join()
        failure = next(e for e in result.all_events
                       if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    assert failure.event_specific_data.error.cls_name == "DagsterExecutionInterruptedError"
    revoked = next(e for e in instance.all_logs(result.run_id)
                   if "received termination signal" in (e.user_message or ""))
    assert ended - revoked.timestamp < REVOKE_WAIT_S + 3


def test_a_job_whose_queues_no_worker_reads_is_refused_before_it_is_submitted(
    tmp_path, monkeypatch, capsys
):
    # Celery's in-memory broker: no worker answers, so neither queue has one.
    monkeypatch.setattr(runner.dg, "execute_job", lambda *a, **k: pytest.fail("submitted"))
    # A broker URL with a password, as the README sets it up: the run config names its
    # variable, and the question still reaches the broker.
    broker = "memory://:s3cret@localhost/"
    monkeypatch.setenv("INNERCIRCLE_CELERY_BROKER", broker)
    from pipelines import celery

    monkeypatch.setattr(celery, "INSPECT_AGAIN_S", 0.2)  # asked again before refusing
    with dg.DagsterInstance.ephemeral() as instance, pytest.raises(SettingError) as refused:
        runner.run_on_celery(Settings(executor="celery", celery_broker=broker), instance)
    assert str(refused.value) == (
        "no Celery worker reads the 'dagster', 'warehouse' queues at "
        "INNERCIRCLE_CELERY_BROKER, so nothing was submitted; start one with `dagster-celery "
        "worker start -A dagster_celery.app -y deploy/celery/celery.yaml -i "
        "pipelines.definitions -q dagster,warehouse` on the machine with the warehouse file "
        "(README: Scaling out)"
    )
    assert capsys.readouterr().err == ""


class _Result:
    """An AsyncResult stand-in whose workers say what they hold of it."""

    def __init__(self, held: dict) -> None:
        self.id, self.held, self.revoked = "task-1", held, False

        class _Inspect:
            def __init__(inner, timeout: float) -> None:  # noqa: N805
                pass

            def query_task(inner, task_id: str) -> dict:  # noqa: N805
                return self.held

        self.app = type("App", (), {"control": type("C", (), {"inspect": _Inspect})()})()

    def revoke(self, *args, **kwargs) -> None:
        self.revoked = True

    def ready(self) -> bool:
        return False


def test_a_revoked_step_a_worker_is_running_is_waited_for_one_nobody_took_is_not(
    monkeypatch, capsys
):
    """After Ctrl-C: a step no worker took counts as revoked after the wait; one a worker
    is running goes on whatever the revoke (it may be writing the warehouse), so the run
    waits for it, saying so once."""
    from pipelines import celery

    monkeypatch.setattr(celery, "ASK_AGAIN_S", 0.0)
    nobody = celery.BoundedRevoke(_Result({}), wait_s=0.0)
    reserved = celery.BoundedRevoke(_Result({"w1": {"task-1": ["reserved", {}]}}), wait_s=0.0)
    running_result = _Result({"w1": {"task-1": ["active", {}]}})
    running = celery.BoundedRevoke(running_result, wait_s=0.0)
    for task in (nobody, reserved, running):
        assert not task.ready()  # not revoked yet: it is waited for as any step
        task.revoke()
    assert nobody.ready() and reserved.ready()
    assert not running.ready() and not running.ready()
    assert capsys.readouterr().err.count("still running one of the run's steps") == 1
    running_result.held = {}  # it ended (its answer comes as any step's)
    assert running.ready()
