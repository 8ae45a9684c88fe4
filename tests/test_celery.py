"""The nightly job on Dagster's Celery executor: a Redis broker, a PostgreSQL instance and
two `dagster-celery` workers, all started here and stopped by PID. The ranking it
publishes equals the in-process run's, row for row; a worker process killed (SIGKILL)
while it runs an NER shard has its step run again, and no row is lost or duplicated."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests import services
from tests.processes import process_table

# It makes the shared run while its own waits for the workers: handed out first.
pytestmark = pytest.mark.slow(seconds=60)

ROOT = Path(__file__).resolve().parents[1]
RANKING_SQL = """
SELECT industry, name, rank, round(score, 9) FROM recurring_voices ORDER BY industry, rank
"""
COUNTS_SQL = """
SELECT (SELECT count(*) FROM mentions), (SELECT count(DISTINCT mention_id) FROM mentions),
       (SELECT count(*) FROM mention_extractions), (SELECT count(*) FROM documents)
"""


def _why_not() -> str | None:
    try:
        import dagster_celery  # noqa: F401
        import dagster_postgres  # noqa: F401
    except ImportError:
        return "dagster-celery / dagster-postgres are not installed (pip install -e '.[celery]')"
    return services.missing()


def _start_worker(name: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("dagster-celery")
    return subprocess.Popen(
        [str(exe), "worker", "start", "-A", "dagster_celery.app", "-n", name,
         "-y", str(ROOT / "deploy" / "celery" / "celery.yaml"), "-l", "WARNING",
         # Imported once by the worker before it forks its pool (README's command), so
         # neither its first task nor the process replacing a killed one imports it again.
         "-i", "pipelines.definitions",
         # Both run on this machine, so both may open the warehouse (pipelines/celery.py).
         "-q", "dagster,warehouse",  # one list: Celery keeps only the last of several -Q
         "--", "--concurrency=1"],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def _wait_until_ready(
    broker: str, workers: list[subprocess.Popen], logs: list[Path], stop: threading.Event
) -> None:
    """Until every worker answers a ping; fail with its log if one exits instead, or at
    once when ``stop`` is set (the test failed elsewhere)."""
    from celery import Celery

    app = Celery(broker=broker, backend=broker)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not stop.is_set():
        for worker, log in zip(workers, logs, strict=True):
            if worker.poll() is not None:
                pytest.fail(f"a Celery worker exited: {log.read_text()[-2000:]}")
        # Returns as soon as every worker has answered (``limit``), not after the timeout.
        if len(app.control.ping(timeout=0.5, limit=len(workers))) >= len(workers):
            return
        time.sleep(0.1)
    pytest.fail("stopped: the test failed elsewhere" if stop.is_set()
                else "the Celery workers did not answer within 180 s")


def _children(pid: int) -> list[int]:
    return [p.pid for p in process_table() if p.parent == pid]


def _pool_processes(worker: subprocess.Popen) -> list[int]:
    """The Celery pool process(es) that run tasks: grandchildren of the CLI we started
    (dagster-celery -> celery main -> pool child)."""
    return [child for main in _children(worker.pid) for child in _children(main)]


def _starts(instance, run_id: str) -> dict[str, int]:
    """How often each step of the run started (a step whose process died starts again)."""
    import dagster as dg

    counts: dict[str, int] = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_START):
        counts[entry.step_key] = counts.get(entry.step_key, 0) + 1
    return counts


def _kill_when_ner_starts(
    instance, workers: list[subprocess.Popen], killed: list[tuple[str, int]],
    done: threading.Event,
) -> None:
    """When an NER shard starts, SIGKILL the worker pool process that runs it (the process
    its STEP_START came from, one of ours) while the step has not ended: that step must
    run again. /proc is read only once such a step is seen."""
    import dagster as dg

    ended_types = {dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
    while not done.wait(0.2):
        runs = instance.get_runs(limit=1)
        if not runs:
            continue
        run_id = runs[0].run_id
        started = [
            entry for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_START)
            if entry.step_key.startswith("mentions.find_people")
        ]
        if not started:
            continue
        ended = {entry.step_key for entry in instance.all_logs(run_id, of_type=ended_types)}
        ours = {pid for worker in workers for pid in _pool_processes(worker)}
        for entry in started:
            pid = entry.dagster_event.pid
            if entry.step_key not in ended and pid in ours:
                os.kill(pid, signal.SIGKILL)
                killed.append((entry.step_key, pid))
                return


def _submit_when_ready(
    broker: str, workers: list[subprocess.Popen], logs: list[Path], env: dict[str, str],
    stop: threading.Event,
) -> dict:
    """Once every worker answers, the run submitted by ``tests/celery_submit.py``; returns
    its id, outcome and the submitter's stderr. The submitter is stopped by its PID as soon
    as ``stop`` is set (the test failed elsewhere), not waited for."""
    _wait_until_ready(broker, workers, logs, stop)
    submitter = subprocess.Popen(
        [sys.executable, "-m", "tests.celery_submit"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + 600
    try:
        while True:
            try:
                out, err = submitter.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if stop.is_set() or time.monotonic() > deadline:
                    pytest.fail("the Celery run's submitter was stopped: "
                                + ("the test failed elsewhere" if stop.is_set() else "600 s"))
    finally:
        services.stop(submitter)
    assert submitter.returncode == 0, err[-3000:]
    return {**json.loads(out.strip().splitlines()[-1]), "stderr": err[-3000:]}


@pytest.mark.timeout(900)
def test_the_celery_executor_ranks_as_the_in_process_run_even_when_a_worker_dies(
    tmp_path, sample_env, request, monkeypatch
):
    import dagster as dg
    from celery import Celery

    from innercircle import warehouse
    from pipelines.celery import queues_without_workers

    why = _why_not()
    if why:
        pytest.skip(why)
    workers: list[subprocess.Popen] = []
    # A broker with a password, as in production: it must not be stored with the run.
    with (services.redis_server(password="celery-test-s3cret") as broker,
          services.postgres_cluster() as pg):
        home = tmp_path / "dagster_home"
        home.mkdir()
        shutil.copy(ROOT / "deploy" / "celery" / "dagster.yaml", home / "dagster.yaml")
        env = {
            **sample_env(tmp_path),
            **pg.env(),
            "DAGSTER_HOME": str(home),
            "INNERCIRCLE_EXECUTOR": "celery",
            "INNERCIRCLE_CELERY_BROKER": broker,
            "INNERCIRCLE_NER_SHARDS": "2",
        }
        # The workers build their resources from the environment, as on other machines.
        bin_dir = str(Path(sys.executable).parent)  # dagster-celery starts `celery` from PATH
        worker_env = {**os.environ, **env, "PYTHONPATH": str(ROOT),
                      "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        # The instance's tables are made here, once: each worker opens the instance as it
        # starts, and two doing so at once on an empty database both create them, one
        # failing ("type runs already exists"; seen under load).
        with dg.DagsterInstance.get():
            pass
        try:
            logs = [tmp_path / f"w{i}.log" for i in (1, 2)]
            for i, log in enumerate(logs, 1):
                workers.append(_start_worker(f"w{i}@%h", worker_env, log))
            killed: list[tuple[str, int]] = []
            done = threading.Event()
            with dg.DagsterInstance.get() as instance, ThreadPoolExecutor(2) as background:
                killer = background.submit(
                    _kill_when_ner_starts, instance, workers, killed, done)
                on_celery = background.submit(
                    _submit_when_ready, broker, workers, logs, worker_env, done)
                try:
                    # The in-process run to compare with, made (or read, when another
                    # test made it) while the workers start and the Celery run goes on:
                    # they mostly wait (for imports, ticks, each other), this computes.
                    sample_run = request.getfixturevalue("sample_run")
                    result = on_celery.result()
                finally:
                    done.set()
                killer.result()  # its error, if it had one
                assert result["success"], [result["stderr"]] + [
                    (w, (tmp_path / f"w{w}.log").read_text()[-3000:]) for w in (1, 2)
                ]
                # What `innercircle run` prints meanwhile: no DEBUG event, no warning that
                # dagster-celery's task was registered again.
                assert " - DEBUG - " not in result["stderr"], result["stderr"]
                assert "Warning" not in result["stderr"], result["stderr"]
                assert "goes to the Celery workers" in result["stderr"]
                assert "steps done, latest " in result["stderr"]  # progress, as steps end
                starts = _starts(instance, result["run_id"])
                # The run's config (shown in the Dagster UI) names the broker's variable.
                assert "s3cret" not in json.dumps(
                    instance.get_run_by_id(result["run_id"]).run_config), "broker password"
                # Both queues had workers: the run's start found them, and says so by
                # saying nothing; a queue nobody reads is told apart through the broker.
                assert not [
                    e for e in instance.all_logs(result["run_id"])
                    if "no Celery worker reads" in (e.user_message or "")
                ]
                # The run's log names the queue each step went to, the writers' too.
                said = {e.user_message for e in instance.all_logs(result["run_id"])}
                for step, queue in (("documents", "warehouse"),
                                    ("mentions.find_people[shard_0]", "dagster")):
                    assert (f'Submitting celery task for step "{step}" to queue "{queue}".'
                            in said), sorted(m for m in said if "Submitting" in m)
                app = Celery(broker=broker, backend=broker)
                assert queues_without_workers(app, ["warehouse", "dagster", "nobody"]) == [
                    "nobody"]
        finally:
            for worker in workers:
                services.stop(worker)
    assert killed, "no worker process was killed while NER ran"
    ((step, _),) = killed
    assert starts[step] == 2, starts  # the killed shard's step ran again, once
    with warehouse.connect(Path(env["INNERCIRCLE_WAREHOUSE"]), read_only=True) as con:
        on_celery = con.execute(RANKING_SQL).fetchall()
        counts = con.execute(COUNTS_SQL).fetchone()
    with warehouse.connect(sample_run.warehouse, read_only=True) as con:
        in_process = con.execute(RANKING_SQL).fetchall()
        expected_counts = con.execute(COUNTS_SQL).fetchone()
    assert on_celery and on_celery == in_process
    assert counts[0] == counts[1]  # no mention twice
    assert counts == expected_counts  # none lost
