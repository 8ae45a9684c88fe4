"""Stopping a pool of worker processes so that Ctrl-C can never leave the run hanging.

The run's worker pools (the NER workers, :mod:`~innercircle.extract.ner_pool`; the
crawl's page reader, :mod:`~innercircle.stages.early_parse`) ignore SIGINT on purpose:
Ctrl-C reaches the terminal's whole process group, and the run's process stops them.
So a pool the run fails to stop is never stopped: its workers wait for work for ever
and Python's exit joins them for ever (a second Ctrl-C that broke an orderly
``shutdown(wait=True)`` hung ``innercircle run`` at exit, immune to SIGINT and SIGTERM).

Hence :func:`stop`: an orderly shutdown that, interrupted while it waits, kills the
workers instead and lets the interrupt go on; and an exit hook that kills the workers of
any pool still alive when the interpreter ends (by then Python has waited for every
pool's pending work, so a worker still there will never end on its own).
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing.util  # noqa: F401 - its exit hook (joining children) comes first
import weakref
from concurrent.futures import ProcessPoolExecutor

#: Pools whose workers the exit hook kills if they are still alive then.
_TRACKED: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()


def track(pool: ProcessPoolExecutor) -> ProcessPoolExecutor:
    """``pool``, remembered so that its workers never outlive this process."""
    _TRACKED.add(pool)
    return pool


def stop(pool: ProcessPoolExecutor, cancel_futures: bool = True) -> None:
    """Shut ``pool`` down, waiting for its workers (at most the tasks they are on). If
    anything interrupts the wait (Ctrl-C, SIGTERM, which Dagster turns into the same
    interrupt), the workers are killed at once and the interrupt goes on: stopping must
    finish however many interrupts arrive."""
    try:
        pool.shutdown(wait=True, cancel_futures=cancel_futures)
    except BaseException:
        kill(pool)
        raise
    finally:
        _TRACKED.discard(pool)


def kill(pool: ProcessPoolExecutor) -> None:
    """Kill ``pool``'s workers now, without waiting (its pending tasks are cancelled).
    An interrupt in the middle only makes it go through them again (it is called while
    an interrupt is already on its way out, so none is lost that matters)."""
    # ProcessPoolExecutor has no public way to stop its workers before Python 3.14
    # (kill_workers); its ``_processes`` (pid -> Process) are those still running.
    workers = list((getattr(pool, "_processes", None) or {}).values())
    _TRACKED.discard(pool)
    for _attempt in range(3):  # an interrupt within microseconds of another: again
        try:
            for worker in workers:
                with contextlib.suppress(OSError, ValueError):  # gone, or closed
                    worker.kill()
            with contextlib.suppress(Exception):  # the pool may be broken or shut already
                pool.shutdown(wait=False, cancel_futures=True)
            return
        except BaseException:  # noqa: BLE001 - the interrupt under way is the one raised
            continue


@atexit.register
def _kill_left_behind() -> None:
    """At exit, before multiprocessing joins every child it started (an exit hook
    registered earlier, hence run later): kill the workers of a pool nobody stopped."""
    for pool in list(_TRACKED):
        kill(pool)
