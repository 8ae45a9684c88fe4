"""Progress of a run on the Celery workers, for the command that submitted it.

The steps run in the workers, on this machine or others, so the submitting command's
console shows nothing of them: Dagster's DEBUG events (every step submitted, started and
done, ~30 lines a run) were its only sign, and they are off. Instead a thread reads the
run's step events from the instance (what the UI's run page shows) every few seconds and
prints a line whenever more steps have ended: how many, how many failed, the latest. The
run is found by a tag the submitter gives it (:data:`TAG`, a fresh id), not by clocks: the
instance's database stamps runs with its own clock.
"""

from __future__ import annotations

import sys
import threading
import uuid
from typing import TextIO

import dagster as dg

#: Seconds between two looks at the instance.
EVERY_S = 5.0
#: The run tag that tells the submitter's run apart (its value: :func:`submission_id`).
TAG = "innercircle/submission"
_ENDED = {dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}


def submission_id() -> str:
    """A fresh value for :data:`TAG`."""
    return uuid.uuid4().hex


class CeleryProgress:
    """``with CeleryProgress(instance, submission) as p: execute_job(..., tags={TAG:
    submission})`` prints ``innercircle: 7 steps done, latest
    articles.fetch_articles[shard_0]`` lines to ``out`` (stderr) while that run goes on, and
    a last one as it ends."""

    def __init__(
        self,
        instance: dg.DagsterInstance,
        submission: str,
        every_s: float = EVERY_S,
        out: TextIO | None = None,
    ) -> None:
        self.instance, self.submission, self.every_s = instance, submission, every_s
        self.out = out
        self._failed_once = False
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
        self._report()  # the steps that ended since the last look

    def _report(self) -> None:
        try:
            line = self.poll()
        except Exception as exc:  # noqa: BLE001 - a failed look never stops the run
            if not self._failed_once:  # said once, not every few seconds
                self._failed_once = True
                self._print(f"innercircle: no progress to show ({type(exc).__name__}: {exc})")
            return
        if line:
            self._print(line)

    def _print(self, line: str) -> None:
        print(line, file=self.out or sys.stderr, flush=True)

    def poll(self) -> str | None:
        """Read the steps ended since the last look; the line to print, None if none ended."""
        if self.run_id is None:
            runs = self.instance.get_runs(
                filters=dg.RunsFilter(tags={TAG: self.submission}), limit=1
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
            self._report()
