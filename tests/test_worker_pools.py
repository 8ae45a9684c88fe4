"""However many interrupts arrive while a run stops its worker pools, the pools stop and
the run's process exits: the workers ignore SIGINT (the run stops them), so a stop that
an interrupt broke would leave them waiting for work for ever, and Python's exit joining
them (``innercircle run`` hung after a double Ctrl-C in the mentions step)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from innercircle.errors import ModelLoadError
from innercircle.extract.ner_pool import PooledPersonFinder

ROOT = Path(__file__).resolve().parents[1]


def _alive(pid: int) -> bool:
    """Running, not ended (a child ended but not yet reaped counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait_ended(pids: set[int], seconds: float) -> set[int]:
    """The ``pids`` still alive after up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return {p for p in pids if _alive(p)}


def _kill(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_a_close_interrupted_while_it_waits_still_stops_the_workers(monkeypatch):
    """Ctrl-C while the pool waits for its workers to finish: they are killed, not left."""
    from innercircle.settings import Settings

    try:
        pooled = PooledPersonFinder(Settings().spacy_model, 2)
    except ModelLoadError as exc:  # pragma: no cover - the model is installed by make
        pytest.skip(f"spaCy model unavailable: {exc}")
    pooled.start_workers()
    pooled.find_people(["Jane Smith said so."] * 4)
    pool = pooled._pool
    assert pool is not None
    workers = set(pool._processes)
    shutdown = pool.shutdown
    test_over = threading.Event()

    def interrupted_while_waiting(wait: bool = True, **kwargs) -> None:
        if wait:  # the second Ctrl-C, while the first stops the run, and a long wait
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
            test_over.wait(30)
        shutdown(wait=wait, **kwargs)

    monkeypatch.setattr(pool, "shutdown", interrupted_while_waiting)
    try:
        with pytest.raises(KeyboardInterrupt):
            pooled.close()
        assert len(workers) == 2
        assert _wait_ended(workers, 10) == set()  # killed, not waited for
    finally:
        test_over.set()
        _kill(workers)


#: A process with a tracked pool of two workers that ignore SIGINT, busy for a minute.
BUSY_POOL = """
import signal, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from innercircle import worker_pools

pool = worker_pools.track(ProcessPoolExecutor(
    2, mp_context=multiprocessing.get_context("fork"),
    initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN)))
busy = [pool.submit(time.sleep, 60) for _ in range(2)]
while len(pool._processes) < 2:
    time.sleep(0.01)
"""

#: A run's process: Ctrl-C stops the "run", which then stops the pool, waiting for the
#: workers; a second Ctrl-C arrives during that wait.
RUN = BUSY_POOL + """
try:
    print("workers", *pool._processes, flush=True)
    busy[0].result()
except KeyboardInterrupt:
    print("stopping", flush=True)
    worker_pools.stop(pool)
    raise
"""


@contextlib.contextmanager
def started(script: str) -> Iterator[tuple[subprocess.Popen, set[int]]]:
    """``script`` running in a process of its own, with its pool's worker PIDs (the line
    it prints); the process and the workers are killed by PID afterwards if still there."""
    run = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    workers: set[int] = set()
    try:
        first = run.stdout.readline().split()
        assert first[0] == "workers"
        workers = {int(pid) for pid in first[1:]}
        yield run, workers
    finally:
        _kill(workers | {run.pid})
        run.wait()


def test_two_ctrl_c_while_a_run_stops_its_pool_end_the_process_and_its_workers():
    with started(RUN) as (run, workers):
        run.send_signal(signal.SIGINT)
        assert run.stdout.readline().strip() == "stopping"
        time.sleep(0.3)
        run.send_signal(signal.SIGINT)
        run.wait(timeout=10)
        assert _wait_ended(workers, 5) == set()


#: A process that ends leaving its pool running (never stopped).
LEFT = BUSY_POOL + """
print("workers", *pool._processes, flush=True)
"""


def test_a_process_ending_with_a_pool_nobody_stopped_does_not_wait_for_its_workers():
    with started(LEFT) as (run, workers):
        run.wait(timeout=20)  # not the workers' 60 s: they are killed at exit
        assert _wait_ended(workers, 5) == set()


def test_the_pool_is_shut_down_in_a_thread_no_interrupt_reaches():
    """Python raises KeyboardInterrupt in the main thread only, between two bytecodes;
    one landing just after a shutdown in that thread took the pool's lock, before its
    ``with`` block began, left the lock taken, and the process hung at exit when the
    pool was collected (about one double Ctrl-C in 25, the second 1-100 ms
    after the first). So :func:`stop` and :func:`kill` shut pools down in a thread of
    their own and only wait for it where the interrupt may land."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from innercircle import worker_pools

    caller = threading.current_thread()
    for end in (worker_pools.stop, worker_pools.kill):
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        assert pool.submit(int, "7").result() == 7
        shut_down_in: list[threading.Thread] = []
        shutdown = pool.shutdown

        def recorded(*args, shutdown=shutdown, into=shut_down_in, **kwargs) -> None:
            into.append(threading.current_thread())
            shutdown(*args, **kwargs)

        pool.shutdown = recorded
        end(pool)
        assert shut_down_in and caller not in shut_down_in, end


def test_at_the_interpreters_end_the_shutdown_runs_in_the_calling_thread(monkeypatch):
    """From Python 3.12 no thread starts while the interpreter ends, which is when the exit
    hook kills a pool nobody stopped: the shutdown then runs where it is called (seen on
    3.12.1: it never ran), since no interrupt is handled any more either."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from innercircle import worker_pools

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    assert pool.submit(int, "3").result() == 3
    shut_down_in: list[threading.Thread] = []
    shutdown = pool.shutdown

    def recorded(*args, **kwargs) -> None:
        shut_down_in.append(threading.current_thread())
        shutdown(*args, **kwargs)

    def no_new_threads(self) -> None:
        raise RuntimeError("can't create new thread at interpreter shutdown")

    pool.shutdown = recorded
    monkeypatch.setattr(threading.Thread, "start", no_new_threads)
    worker_pools.kill(pool)
    assert shut_down_in == [threading.current_thread()]


#: A run with both of its pools started (the crawl's page reader, the NER workers), then
#: killed outright: no stop, no exit hook runs.
KILLED = """
import time
from innercircle.extract.ner_pool import PooledPersonFinder
from innercircle.settings import Settings
from innercircle.stages import early_parse

early_parse.start_early(1)
while (reader := early_parse.feed_worker()) is None:
    time.sleep(0.05)
ner = PooledPersonFinder(Settings().spacy_model, 2)
ner.start_workers()
while len(ner._pool._processes) < 2:
    time.sleep(0.05)
print("workers", *reader._processes, *ner._pool._processes, flush=True)
time.sleep(120)
"""


@pytest.mark.timeout(120)
def test_the_workers_of_a_run_killed_outright_end_by_themselves():
    """SIGKILL (the OOM killer, `kill -9`) leaves a run no chance to stop its pools: their
    workers, waiting for work, kept the fork server and their models (about 140 MB a NER
    worker) for as long as the machine ran. Each now ends once the run is gone."""
    with started(KILLED) as (run, workers):
        assert len(workers) == 3
        run.kill()
        run.wait(timeout=10)
        assert _wait_ended(workers, 10) == set()
