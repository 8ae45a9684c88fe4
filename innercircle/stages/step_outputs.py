"""Dagster's step outputs in the lake, kept while a run may be re-executed, then removed.

The IO manager writes each op output of a run (the shard plans, the fetched shards'
results) under ``<lake>/dagster/<run id>/``, and Dagster never removes them: about 0.5 MB
a night on the sample web, in proportion to the pages (so a nightly schedule's lake grew
by that every night, for ever). They serve one purpose: re-executing a run from a failed
step, which reads the outputs of the steps it does not run again from the earlier runs of
its re-execution group. So the publish step removes the folders of runs that can no
longer serve that:

* a run the Dagster instance knows, once every run of its re-execution group (the run,
  the runs re-executing it, and theirs) has ended, the last more than :data:`KEEP_DAYS`
  days ago;
* a run the instance does not know (a run of another instance sharing the lake: the
  schedule's, beside `innercircle run` from a shell without ``DAGSTER_HOME``), once its
  files are all :data:`KEEP_DAYS` days old.

The current run's folder and a run not yet ended are never removed; nor is anything
under ``dagster/`` not named like a run (the assets' own outputs, replaced each run).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from upath import UPath

from innercircle import lake

#: Days a finished run's step outputs are kept, for re-executing it from a failed step.
KEEP_DAYS = 7
#: How long the folder of a run the instance does not know is left untouched first: as
#: long, since another instance may still re-execute it.
UNKNOWN_GRACE = timedelta(days=KEEP_DAYS)
#: The folder the IO manager writes step outputs under, in the lake.
FOLDER = "dagster"

_RUN_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class RunState:
    """What the instance says of a run: ended or not, and when (UTC)."""

    ended: bool
    ended_at: datetime | None = None


def group_state(runs: Iterable[RunState]) -> RunState:
    """The state of a re-execution group, as its first run's outputs see it: ended when
    every run of it has, at the last one's end."""
    runs = list(runs)
    ended = all(run.ended for run in runs)
    ends = [run.ended_at for run in runs if run.ended_at is not None]
    return RunState(ended=ended, ended_at=max(ends) if ended and ends else None)


def remove_old_step_outputs(
    location: str,
    current_run_id: str,
    run_state: Callable[[str], RunState | None],
    now: datetime | None = None,
) -> list[str]:
    """Remove the step-output folders of runs that can no longer be re-executed (see the
    module's docstring) from the lake at ``location``; returns their run ids, sorted.
    ``run_state`` answers for a run id with its re-execution group's state
    (:func:`group_state`), None for a run the instance does not know."""
    now = now or datetime.now(UTC)
    root = lake.path(location, FOLDER)
    if not root.exists():
        return []
    gone = []
    for folder in root.iterdir():
        name = folder.name
        if name == current_run_id or not _RUN_ID.match(name) or not folder.is_dir():
            continue
        if _removable(run_state(name), lambda f=folder: _newest_change(f), now):
            lake.clear(folder)
            gone.append(name)
    return sorted(gone)


def _removable(
    state: RunState | None, newest_change: Callable[[], datetime | None], now: datetime
) -> bool:
    if state is None:
        changed = newest_change()
        return changed is not None and now - changed > UNKNOWN_GRACE
    if not state.ended or state.ended_at is None:
        return False
    return now - state.ended_at > timedelta(days=KEEP_DAYS)


def _newest_change(folder: UPath) -> datetime | None:
    """When anything under ``folder`` last changed; None when a store cannot say (then
    the folder is kept)."""
    newest = None
    with contextlib.suppress(Exception):  # a store without modification times
        for item in [folder, *folder.rglob("*")]:
            changed = item.stat().st_mtime
            newest = changed if newest is None else max(newest, changed)
        return datetime.fromtimestamp(newest, UTC) if newest is not None else None
    return None
