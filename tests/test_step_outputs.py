"""Dagster's step outputs in the lake (``<lake>/dagster/<run id>/``) are kept while their
run may be re-executed, then removed by the publish step: a nightly schedule's lake no
longer grows by every night's shard plans and fetch results for ever."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

from innercircle import warehouse
from innercircle.settings import Settings
from innercircle.stages.step_outputs import RunState, group_state, remove_old_step_outputs
from pipelines.definitions import build_resources

NOW = datetime(2026, 6, 20, 2, 0, tzinfo=UTC)


def _run_folder(lake: Path, run_id: str, changed: datetime) -> Path:
    """A run's folder of step outputs, as the IO manager writes it, last changed then."""
    folder = lake / "dagster" / run_id
    result = folder / "feeds.plan_feeds" / "result"
    result.parent.mkdir(parents=True)
    result.write_bytes(b"a pickled shard plan")
    for path in (result, result.parent, folder):
        os.utime(path, (changed.timestamp(), changed.timestamp()))
    return folder


def _run_id(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-000000000000"


def test_only_outputs_no_run_can_be_re_executed_from_are_removed(tmp_path):
    lake = tmp_path / "lake"
    current, old, recent, running, orphan, fresh_orphan = (_run_id(n) for n in range(6))
    states = {
        old: RunState(ended=True, ended_at=NOW - timedelta(days=8)),
        recent: RunState(ended=True, ended_at=NOW - timedelta(days=2)),
        running: RunState(ended=False),
    }
    for run_id in states:
        _run_folder(lake, run_id, NOW - timedelta(days=9))
    _run_folder(lake, current, NOW - timedelta(days=30))  # (its clock is no matter)
    _run_folder(lake, orphan, NOW - timedelta(days=8))  # another instance's, long done
    _run_folder(lake, fresh_orphan, NOW - timedelta(days=3))  # another's: it may re-run it
    assets_own = lake / "dagster" / "articles"  # an asset's output, replaced each run
    assets_own.mkdir()
    os.utime(assets_own, ((NOW - timedelta(days=30)).timestamp(),) * 2)

    removed = remove_old_step_outputs(str(lake), current, states.get, now=NOW)

    assert removed == sorted([old, orphan])
    left = {p.name for p in (lake / "dagster").iterdir()}
    assert left == {current, recent, running, fresh_orphan, "articles"}


def test_a_run_re_executed_later_keeps_its_outputs_as_long_as_the_last_re_execution():
    """Re-executing a run from a failed step reads the other steps' outputs from the
    earlier runs of its group: a run's folder is judged by its whole group."""
    first = RunState(ended=True, ended_at=NOW - timedelta(days=8))
    again = RunState(ended=True, ended_at=NOW - timedelta(days=2))
    assert group_state([first, again]) == again
    assert group_state([first, RunState(ended=False)]) == RunState(ended=False)
    assert group_state([first]) == first


def test_a_lake_with_no_step_outputs_yet_is_left_alone(tmp_path):
    assert remove_old_step_outputs(str(tmp_path / "lake"), _run_id(1), lambda _: None) == []
    assert not (tmp_path / "lake").exists()


def test_the_publish_step_removes_what_the_instance_says_no_one_can_re_execute(tmp_path):
    """Through Dagster: the real publish step, its instance asked about each run."""
    from assets.publish import published_warehouse

    public = tmp_path / "innercircle.duckdb"
    lake = tmp_path / "lake"
    with warehouse.connect(warehouse.working_path(public)):
        pass  # an empty warehouse, its schema made, to publish
    settings = Settings.from_env({
        "INNERCIRCLE_WAREHOUSE": str(public), "INNERCIRCLE_LAKE": str(lake)})
    instance = dg.DagsterInstance.ephemeral()

    @dg.asset
    def toy() -> int:
        return 1

    finished = dg.materialize([toy], instance=instance).run_id  # ended just now: kept
    retried = dg.materialize([toy], instance=instance, tags={  # ...and re-executed
        "dagster/parent_run_id": finished, "dagster/root_run_id": finished}).run_id
    days_ago = datetime.now(UTC) - timedelta(days=8)
    for run_id in (finished, retried):
        _run_folder(lake, run_id, days_ago)  # the files' age is no matter for a known run
    orphan = _run_folder(lake, _run_id(7), days_ago)  # no instance here knows it

    result = dg.materialize(
        [published_warehouse], resources=build_resources(settings), instance=instance)

    assert result.success
    assert not orphan.exists()
    assert (lake / "dagster" / finished).is_dir() and (lake / "dagster" / retried).is_dir()
    (materialization,) = result.asset_materializations_for_node("published_warehouse")
    assert materialization.metadata["step_outputs_removed"].value == 1


def test_a_lake_that_fails_while_being_tidied_does_not_fail_the_publish(tmp_path, monkeypatch):
    from assets.publish import published_warehouse
    from innercircle import lake

    public = tmp_path / "innercircle.duckdb"
    with warehouse.connect(warehouse.working_path(public)):
        pass
    settings = Settings.from_env({
        "INNERCIRCLE_WAREHOUSE": str(public), "INNERCIRCLE_LAKE": str(tmp_path / "lake")})

    def unreachable(*args, **kwargs):
        raise OSError("the object store timed out")

    monkeypatch.setattr(lake, "path", unreachable)  # what the tidying reads the lake with
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [published_warehouse], resources=build_resources(settings), instance=instance)
    assert result.success and public.is_file()
    said = [e.user_message for e in instance.all_logs(result.run_id)]
    assert any("old step outputs left in the lake: OSError: the object store" in m for m in said)
