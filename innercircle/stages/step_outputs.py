"""Dagster's step outputs in the lake, kept while a run may be re-executed, then removed.

The IO manager writes each op output of a run (the shard plans, the fetched shards'
results) under ``<lake>/dagster/<run id>/``, and Dagster never removes them: about 0.5 MB
a night on the sample web, in proportion to the pages (so a nightly schedule's lake grew
by that every night, for ever). They serve one purpose: re-executing that run from a
failed step. So the publish step removes the folders of runs that can no longer be
re-executed:

* a run the Dagster instance knows, that ended more than :data:`KEEP_DAYS` ago;
* a run the instance does not know, whose files are all older than :data:`UNKNOWN_GRACE`.
  `innercircle run` without ``DAGSTER_HOME`` records its runs in a throwaway instance, so
  nothing can re-execute them; the grace is there because a run of another instance
  sharing the lake (the schedule's, beside a run from the shell) may be writing its
  folder now, and a day-old folder is no run's in progress.

The current run's folder and a run not yet ended are never removed; nor is anything
under ``dagster/`` not named like a run (the assets' own outputs, replaced each run).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from upath import UPath

from innercircle import lake

#: Days a finished run's step outputs are kept, for re-executing it from a failed step.
KEEP_DAYS = 7
#: How long the folder of a run the instance does not know is left untouched first.
UNKNOWN_GRACE = timedelta(days=1)
#: The folder the IO manager writes step outputs under, in the lake.
FOLDER = "dagster"

_RUN_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class RunState:
    """What the instance says of a run: ended or not, and when (UTC)."""

    ended: bool
    ended_at: datetime | None = None


def remove_old_step_outputs(
    location: str,
    current_run_id: str,
    run_state: Callable[[str], RunState | None],
    now: datetime | None = None,
) -> list[str]:
    """Remove the step-output folders of runs that can no longer be re-executed (see the
    module's docstring) from the lake at ``location``; returns their run ids, sorted.
    ``run_state`` answers for a run id, None for a run the instance does not know."""
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
