"""Concurrency slots (the ``duckdb_writer`` pool's) that runs which will never end keep.

The Celery executor claims a step's slot in the submitting process and gives it back when
the step ends. A submitter that stops without giving it back (killed, its instance
database gone mid-run, ``dagster job execute`` failing) leaves the pool's only slot taken,
and every later run waited for it for ever, saying nothing. Dagster's daemon frees the
slots of runs that *ended* (``run_monitoring`` in dagster.yaml), but a run left STARTED
never ends on its own, and the Celery setup may run no daemon.

So before ``innercircle run`` submits (:func:`make_way`): slots of ended runs are given
back; a run whose submitter is known to be gone (it ran on this machine, and its process
is no more) is marked failed and its slots given back; any other run that holds or waits
for a slot is named in one line, with what to do if it is dead (:func:`fail_run`).
A submitter is known by the run tag :data:`SUBMITTER_TAG`: host, boot, PID namespace,
PID and the process's start time, so a PID used again by another process is not taken
for the submitter.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import UTC, datetime
from typing import TextIO

import dagster as dg

from innercircle.errors import InnercircleError

#: The run tag naming the process that submitted the run (:func:`this_process`).
SUBMITTER_TAG = "innercircle/submitter"


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as f:
            return f.read().strip()
    except OSError:
        return None


def _start_ticks(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), None if there is none."""
    stat = _read(f"/proc/{pid}/stat")
    # the command name, in parentheses, may hold spaces: the fields after it are fixed
    return stat.rsplit(")", 1)[1].split()[19] if stat else None


def _pid_namespace() -> str | None:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return None


def _machine() -> dict[str, str | None]:
    return {"host": socket.gethostname(), "boot": _read("/proc/sys/kernel/random/boot_id"),
            "pidns": _pid_namespace()}


def this_process() -> str:
    """The value of :data:`SUBMITTER_TAG` for this process."""
    pid = os.getpid()
    return json.dumps({**_machine(), "pid": pid, "start": _start_ticks(pid)})


def submitter_gone(tag: str | None) -> bool | None:
    """Is the process a run's :data:`SUBMITTER_TAG` names gone? True or False when it ran on
    this machine (same host, PID namespace), None when that cannot be told: a run submitted
    elsewhere, or not by ``innercircle run``, or a system without ``/proc``."""
    try:
        who = json.loads(tag or "")
        pid, start = int(who["pid"]), who["start"]
    except (ValueError, TypeError, KeyError):
        return None
    here = _machine()
    if None in (start, here["boot"], here["pidns"]):
        return None
    if (who.get("host"), who.get("pidns"), who.get("boot")) != (
        here["host"], here["pidns"], here["boot"]
    ):
        # Another machine, or this one restarted since: two machines may share a host
        # name and the host's own PID namespace number, so a boot that differs cannot tell
        # a restart from a live submitter elsewhere.
        return None
    return _start_ticks(pid) != start


def submitter_tag(run: dg.DagsterRun) -> str | None:
    """The run's :data:`SUBMITTER_TAG`, unless the run is a re-execution: the Dagster UI
    copies a run's tags to its re-execution, whose submitter is then not the one named."""
    return None if run.parent_run_id else run.tags.get(SUBMITTER_TAG)


def free_slots_of_ended_runs(instance: dg.DagsterInstance) -> int:
    """Give back the concurrency slots that runs which have ended still hold; returns how
    many runs held some. The daemon does the same after a delay
    (``run_monitoring.free_slots_after_run_end_seconds`` in dagster.yaml); this does it at
    once, for the runs this command submits."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return 0
    ended = [
        run_id for run_id in storage.get_concurrency_run_ids()
        if (run := instance.get_run_by_id(run_id)) is None or run.is_finished
    ]
    for run_id in ended:
        storage.free_concurrency_slots_for_run(run_id)
    return len(ended)


def _slots_by_run(instance: dg.DagsterInstance) -> dict[str, dict[str, str]]:
    """For each run in the pools' tables: pool -> "holds" or "waits for" (a slot)."""
    storage = instance.event_log_storage
    found: dict[str, dict[str, str]] = {}
    for pool in sorted(storage.get_concurrency_keys()):
        info = storage.get_concurrency_info(pool)
        for step in info.pending_steps:
            found.setdefault(step.run_id, {})[pool] = "waits for"
        for slot in info.claimed_slots:
            found.setdefault(slot.run_id, {})[pool] = "holds"
    return found


def _when(instance: dg.DagsterInstance, run_id: str) -> str:
    record = instance.get_run_record_by_id(run_id)
    if record is None:
        return "start unknown"
    created = record.create_timestamp
    if created.tzinfo is None:  # naive UTC in some storages
        created = created.replace(tzinfo=UTC)
    stamp = record.start_time or created.timestamp()
    return "started " + datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _submitter(run: dg.DagsterRun) -> str:
    try:
        who = json.loads(run.tags.get(SUBMITTER_TAG, ""))
        return f", submitted from {who['host']} pid {who['pid']}"
    except (ValueError, TypeError, KeyError):
        return ""


def make_way(instance: dg.DagsterInstance, out: TextIO | None = None) -> list[str]:
    """Before submitting a run: give back the slots of runs that ended; mark failed, and
    give back the slots of, runs whose submitter is gone (:func:`submitter_gone`); print
    one line for each other run that holds or waits for a slot, so the new run does not
    wait for it in silence. Returns the ids of the runs marked failed."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    free_slots_of_ended_runs(instance)
    ended = []
    for run_id, pools in _slots_by_run(instance).items():
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            continue  # ended since the look above
        when = _when(instance, run_id)
        slots = ", ".join(f"{how} the {pool!r} slot" for pool, how in pools.items())
        if submitter_gone(submitter_tag(run)):
            end_run(instance, run, "its submitter's process is gone")
            ended.append(run_id)
            line = (f"run {run_id} ({when}{_submitter(run)}) was left unfinished by its "
                    "submitter, which is gone: marked failed, its slots given back")
        else:
            line = (f"run {run_id} ({when}{_submitter(run)}) {slots} and has not ended: "
                    "this run's steps in that pool wait for it; if that run is dead (its "
                    f"submitter stopped), `innercircle fail-run {run_id}` ends it")
        print(f"innercircle: {line}", file=out or sys.stderr, flush=True)
    return ended


def end_run(instance: dg.DagsterInstance, run: dg.DagsterRun, why: str) -> None:
    """Mark ``run`` failed (unless it ended) and give back every slot it holds or waits for."""
    if not run.is_finished:
        instance.report_run_failed(run, message=f"Marked failed by innercircle: {why}.")
    instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)


def fail_run(instance: dg.DagsterInstance, run_id: str) -> str:
    """``innercircle fail-run RUN_ID``: end a run whose submitter died where it cannot be
    told (another machine, ``dagster job execute``); returns the line to print. A run
    whose submitter still runs on this machine is refused: stop that process instead."""
    run = instance.get_run_by_id(run_id)
    if run is None:
        raise InnercircleError(f"no run {run_id} in the Dagster instance at DAGSTER_HOME")
    tag = submitter_tag(run)
    if not run.is_finished and submitter_gone(tag) is False:
        pid = json.loads(tag)["pid"]
        raise InnercircleError(
            f"run {run_id} is still going: its submitter, pid {pid} on this machine, "
            f"runs; stop that (Ctrl-C, or kill {pid}) instead"
        )
    was = run.status.value
    end_run(instance, run, "`innercircle fail-run`")
    if run.is_finished:
        return f"innercircle: run {run_id} had ended ({was}); its slots given back"
    return f"innercircle: run {run_id} ({was}) marked failed, its slots given back"
