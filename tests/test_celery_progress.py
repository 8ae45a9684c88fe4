"""The command that submits a run to the Celery workers prints a line as its steps end,
read from the instance (the workers' console is elsewhere); the run is the one carrying
the submitter's tag. Here with runs in this process; the Celery test sees the lines of a
real Celery run."""

from __future__ import annotations

import io
import time

import dagster as dg

from pipelines.celery_progress import TAG, CeleryProgress, submission_id


@dg.asset
def fetched() -> int:
    return 1


@dg.asset
def ranked(fetched: int) -> int:
    return fetched + 1


@dg.asset
def reported(ranked: int) -> None:
    raise RuntimeError("the report's disk is full")


def test_a_line_each_time_more_steps_have_ended_and_none_in_between():
    instance = dg.DagsterInstance.ephemeral()
    submission = submission_id()
    progress = CeleryProgress(instance, submission)
    assert progress.poll() is None  # not submitted yet

    dg.materialize([fetched, ranked, reported], instance=instance, raise_on_error=False,
                   tags={TAG: submission})

    assert progress.poll() == "innercircle: 2 steps done (1 failed), latest reported"
    assert progress.poll() is None  # nothing new since


def test_only_the_run_with_the_submitters_tag_is_followed():
    instance = dg.DagsterInstance.ephemeral()
    dg.materialize([fetched], instance=instance)  # another run, e.g. the schedule's
    dg.materialize([fetched], instance=instance, tags={TAG: submission_id()})
    assert CeleryProgress(instance, submission_id()).poll() is None


def test_the_watching_thread_prints_while_the_run_goes_on_and_stops_with_it():
    instance = dg.DagsterInstance.ephemeral()
    out = io.StringIO()
    submission = submission_id()
    with CeleryProgress(instance, submission, every_s=0.05, out=out) as progress:
        dg.materialize([fetched], instance=instance, tags={TAG: submission})
        deadline = time.monotonic() + 10
        while "1 steps done" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.02)
    assert not progress._thread.is_alive()
    assert out.getvalue().splitlines() == ["innercircle: 1 steps done, latest fetched"]


def test_the_steps_ended_since_the_last_look_are_reported_as_the_run_ends():
    instance = dg.DagsterInstance.ephemeral()
    out = io.StringIO()
    submission = submission_id()
    with CeleryProgress(instance, submission, every_s=3600, out=out):
        dg.materialize([fetched, ranked], instance=instance, tags={TAG: submission})
        assert out.getvalue() == ""  # no look yet
    assert out.getvalue() == "innercircle: 2 steps done, latest ranked\n"


def test_a_look_that_fails_is_said_once_and_the_run_goes_on():
    class Unreachable:
        def get_runs(self, **kwargs):
            raise ConnectionError("the instance database is restarting")

    out = io.StringIO()
    with CeleryProgress(Unreachable(), submission_id(), every_s=0.02, out=out):
        time.sleep(0.2)
    assert out.getvalue() == (
        "innercircle: no progress to show (ConnectionError: the instance database is "
        "restarting)\n")
