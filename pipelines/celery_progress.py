"""Progress of a run on the Celery workers, for the command that submitted it.

The steps run in the workers, on this machine or others, so the submitting command's
console shows nothing of them: Dagster's DEBUG events (every step submitted, started and
done, ~30 lines a run) were its only sign, and they are off. Instead a thread reads the
run's step events from the instance (what the UI's run page shows) every few seconds and
prints a line whenever more steps have ended: how many, how many failed, the latest.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from datetime import datetime
from typing import TextIO

import dagster as dg

#: Seconds between two looks at the instance.
EVERY_S = 5.0
_ENDED = {dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}


class CeleryProgress:
    """``with CeleryProgress(instance, "nightly_celery", submitted_at): execute_job(...)``
    prints ``innercircle: 7 steps done, latest articles.fetch_articles[shard_0]`` lines to
    ``out`` (stderr) while the newest run of that job created since then goes on."""

    def __init__(
        self,
        instance: dg.DagsterInstance,
        job_name: str,
        since: datetime,
        every_s: float = EVERY_S,
        out: TextIO | None = None,
    ) -> None:
        self.instance, self.job_name, self.since, self.every_s = instance, job_name, since, every_s
        self.out = out
        self.run_id: str | None = None
        self.done = self.failed = 0
        self.latest = ""
        self._cursor: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="celery-progress", daemon=True)

    def __enter__(self) -> CeleryProgress:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every_s + 5)

    def poll(self) -> str | None:
        """Read the steps ended since the last look; the line to print, None if none ended."""
        if self.run_id is None:
            runs = self.instance.get_runs(
                filters=dg.RunsFilter(job_name=self.job_name, created_after=self.since), limit=1
            )
            if not runs:
                return None
            self.run_id = runs[0].run_id
        before = self.done + self.failed
        while True:
            page = self.instance.get_records_for_run(
                self.run_id, cursor=self._cursor, of_type=_ENDED, limit=500
            )
            for record in page.records:
                event = record.event_log_entry.dagster_event
                if event is None:
                    continue
                self.failed += event.event_type == dg.DagsterEventType.STEP_FAILURE
                self.done += event.event_type == dg.DagsterEventType.STEP_SUCCESS
                self.latest = event.step_key or self.latest
            self._cursor = page.cursor
            if not page.has_more:
                break
        if self.done + self.failed == before:
            return None
        failed = f" ({self.failed} failed)" if self.failed else ""
        return f"innercircle: {self.done} steps done{failed}, latest {self.latest}"

    def _watch(self) -> None:
        while not self._stop.wait(self.every_s):
            # A failed look (the database busy, a restart) is no reason to stop the run.
            with contextlib.suppress(Exception):
                line = self.poll()
                if line:
                    print(line, file=self.out or sys.stderr, flush=True)
