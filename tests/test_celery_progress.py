"""The command that submits a run to the Celery workers prints a line as its steps end,
read from the instance (the workers' console is elsewhere). Here with a run in this
process; the Celery test sees the lines of a real Celery run."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta

import dagster as dg

from pipelines.celery_progress import CeleryProgress


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
    progress = CeleryProgress(
        instance, "__ephemeral_asset_job__", datetime.now(UTC) - timedelta(seconds=1))
    assert progress.poll() is None  # not submitted yet

    dg.materialize([fetched, ranked, reported], instance=instance, raise_on_error=False)

    assert progress.poll() == "innercircle: 2 steps done (1 failed), latest reported"
    assert progress.poll() is None  # nothing new since


def test_a_run_of_another_job_or_from_before_is_not_followed():
    instance = dg.DagsterInstance.ephemeral()
    dg.materialize([fetched], instance=instance)  # before the submission
    since = datetime.now(UTC)
    assert CeleryProgress(instance, "__ephemeral_asset_job__", since).poll() is None
    dg.materialize([fetched], instance=instance)
    assert CeleryProgress(instance, "nightly_celery", since).poll() is None


def test_the_watching_thread_prints_and_stops_with_the_run():
    instance = dg.DagsterInstance.ephemeral()
    out = io.StringIO()
    since = datetime.now(UTC) - timedelta(seconds=1)
    with CeleryProgress(instance, "__ephemeral_asset_job__", since, every_s=0.05, out=out):
        dg.materialize([fetched, ranked], instance=instance)
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while "2 steps done" not in out.getvalue() and datetime.now(UTC) < deadline:
            time.sleep(0.02)
    assert out.getvalue().splitlines()[-1] == "innercircle: 2 steps done, latest ranked"
