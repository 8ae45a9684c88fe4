"""Stopping a pool of worker processes so that Ctrl-C can never leave the run hanging.

The run's worker pools (the NER workers, :mod:`~innercircle.extract.ner_pool`; the
crawl's page reader, :mod:`~innercircle.stages.early_parse`) ignore SIGINT on purpose:
Ctrl-C reaches the terminal's whole process group, and the run's process stops them.
So a pool the run fails to stop is never stopped: its workers wait for work for ever
and Python's exit joins them for ever (a second Ctrl-C that broke an orderly
``shutdown(wait=True)`` hung ``innercircle run`` at exit, immune to SIGINT and SIGTERM).

Hence :func:`stop`: an orderly shutdown that, interrupted while it waits, kills the
workers instead and lets the interrupt go on; and an exit hook that kills the workers of
any pool still alive when the interpreter ends, before Python would wait for them. Both
shut a pool down in a thread of their own (an interrupt, raised in the main thread only,
may then break the wait, never the shutdown while it holds the pool's lock).

A run killed outright (SIGKILL, the OOM killer) runs neither: so each worker, as it
starts, also watches the process that made its pool and ends when that is gone
(:func:`end_with`).
"""

from __future__ import annotations

import concurrent.futures.process  # noqa: F401 - registers its exit join before our hook
import contextlib
import os
import threading
import time
import weakref
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

#: Pools whose workers the exit hook kills if they are still alive then.
_TRACKED: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()


#: Seconds between a worker's looks at whether the process that made its pool is there.
OWNER_CHECK_S = 1.0


def end_with(owner: int) -> None:
    """In a pool's worker, as it starts: end this worker once ``owner`` (the PID of the
    process that made the pool) is gone. A run killed outright cannot stop its pools, and
    their workers, waiting for work for ever, kept the fork server and their models'
    memory (about 140 MB a NER worker) for as long as the machine ran. The owner is told
    by its PID and its start time, so a new process given the same PID is not it."""
    started = _start_time(owner)

    def watch() -> None:
        while not _ended(owner, started):
            time.sleep(OWNER_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-owner", daemon=True).start()


def _stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (None without it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _start_time(pid: int) -> str | None:
    """When ``pid`` started, in clock ticks since boot (None where /proc is not)."""
    fields = _stat(pid)
    return fields[19] if fields and len(fields) > 19 else None


def _ended(pid: int, started: str | None = None) -> bool:
    """Whether process ``pid`` (started at ``started``, when known) has ended: gone, ended
    but not yet reaped, or its PID now another process's."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process now holds the PID
        return True
    fields = _stat(pid)
    if fields is None:  # no /proc (not Linux): alive, as kill said
        return False
    return fields[0] in ("Z", "X") or (started is not None and _start_time(pid) != started)


def track(pool: ProcessPoolExecutor) -> ProcessPoolExecutor:
    """``pool``, remembered so that its workers never outlive this process."""
    _TRACKED.add(pool)
    return pool


def stop(pool: ProcessPoolExecutor, cancel_futures: bool = True) -> None:
    """Shut ``pool`` down, waiting for its workers (at most the tasks they are on). If
    anything interrupts the wait (Ctrl-C, SIGTERM, which Dagster turns into the same
    interrupt), the workers are killed at once and the interrupt goes on: stopping must
    finish however many interrupts arrive."""
    workers = _workers(pool)
    try:
        _waited_in_a_thread(pool.shutdown, wait=True, cancel_futures=cancel_futures)
    except BaseException:
        _kill(pool, workers)
        raise
    finally:
        _TRACKED.discard(pool)


def kill(pool: ProcessPoolExecutor) -> None:
    """Kill ``pool``'s workers now, without waiting (its pending tasks are cancelled).
    An interrupt in the middle only makes it go through them again (it is called while
    an interrupt is already on its way out, so none is lost that matters)."""
    _kill(pool, _workers(pool))


def _workers(pool: ProcessPoolExecutor) -> list:
    # ProcessPoolExecutor has no public way to stop its workers before Python 3.14
    # (kill_workers); its ``_processes`` (pid -> Process) are those still running.
    return list((getattr(pool, "_processes", None) or {}).values())


def _kill(pool: ProcessPoolExecutor, workers: list) -> None:
    _TRACKED.discard(pool)
    for _attempt in range(3):  # an interrupt within microseconds of another: again
        try:
            for worker in workers:
                with contextlib.suppress(OSError, ValueError):  # gone, or closed
                    worker.kill()
            # the pool may be broken or shut already: whatever it says is no news here
            _waited_in_a_thread(pool.shutdown, wait=False, cancel_futures=True, quiet=True)
            return
        except BaseException:  # noqa: BLE001 - the interrupt under way is the one raised
            continue


def _waited_in_a_thread(shutdown, *, quiet: bool = False, **kwargs) -> None:  # noqa: ANN001
    """``shutdown(**kwargs)`` in a thread of its own, waited for.

    Python runs signal handlers in the main thread only, so an interrupt can then break
    the wait but never the shutdown itself. Called in the main thread, an interrupt could
    land just after ``shutdown`` took the pool's lock and before its ``with`` block
    began: the lock stayed taken, and the interpreter's exit, which takes it again
    when the pool is collected, hung for ever (one double Ctrl-C in about 25, with
    the second 1-100 ms after the first; CPython's bpo-29988). What ``shutdown``
    raises is raised here, unless ``quiet``."""
    raised: list[BaseException] = []

    def call() -> None:
        try:
            shutdown(**kwargs)
        except Exception as exc:  # noqa: BLE001 - handed to the waiting thread
            raised.append(exc)

    thread = threading.Thread(target=call, name="worker-pool-shutdown", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # the interpreter is ending (3.12+ starts no thread then), and
        call()  # nothing runs signal handlers any more: the shutdown in this thread
    else:
        thread.join()
    if raised and not quiet:
        raise raised[0]


def _kill_left_behind() -> None:
    """At exit, kill the workers of a pool nobody stopped, before anything waits for them.

    ``concurrent.futures`` joins every pool's workers in a hook of
    ``threading._register_atexit``, which Python runs before any ``atexit`` hook (so an
    ``atexit`` hook here came too late: a busy worker held the exit for as long as its
    task, for ever for one that never ends). Hooks of that list run last registered
    first, and this one is registered after ``concurrent.futures.process`` (imported
    above), so it runs before that join. It is a private function of ``threading``, the
    one ``concurrent.futures`` itself uses; without it (another Python), the hook falls
    back to ``atexit`` and only idle workers are sure to end."""
    for pool in list(_TRACKED):
        kill(pool)


_register = getattr(threading, "_register_atexit", None)
if _register is not None:
    _register(_kill_left_behind)
else:  # pragma: no cover - CPython 3.9+ has it
    import atexit

    atexit.register(_kill_left_behind)
