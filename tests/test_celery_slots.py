"""A Celery run that never ended must not keep the ``duckdb_writer`` slot from the next
``innercircle run`` in silence: before it submits, a run whose submitter is gone from this
machine is marked failed and its slot given back, and any other run holding the slot is
named in one line, with ``innercircle fail-run RUN_ID`` to end it if it is dead. Here on a
SQLite instance with the repository's dagster.yaml (one slot), the runs made by hand."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import pytest
from dagster._core.utils import make_new_run_id

from innercircle.settings import Settings
from pipelines import runner
from pipelines.slots import SUBMITTER_TAG, make_way, submitter_gone, this_process
from tests.conftest import ROOT


@pytest.fixture
def instance(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        instance.event_log_storage.set_concurrency_slots("duckdb_writer", 1)
        yield instance


def _gone_submitter() -> str:
    """The tag a submitter that has since exited on this machine left on its run."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tag = json.loads(this_process())
        tag["pid"] = child.pid
        tag["start"] = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    finally:
        child.kill()
        child.wait()
    return json.dumps(tag)


def _started_run(instance, tags: dict[str, str], step: str = "documents") -> str:
    """A nightly_celery run left STARTED, holding the writer slot for ``step``."""
    run_id = make_new_run_id()
    instance.add_run(dg.DagsterRun(job_name="nightly_celery", run_id=run_id,
                                   status=dg.DagsterRunStatus.STARTED, tags=tags))
    instance.event_log_storage.claim_concurrency_slot("duckdb_writer", run_id, step)
    return run_id


def _holders(instance) -> set[str]:
    return instance.event_log_storage.get_concurrency_run_ids()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_submitter_is_gone_only_when_its_process_on_this_machine_is():
    assert submitter_gone(this_process()) is False  # this very process
    assert submitter_gone(_gone_submitter()) is True
    elsewhere = {**json.loads(this_process()), "host": "another-machine"}
    assert submitter_gone(json.dumps(elsewhere)) is None  # cannot be told from here
    # Same host name and PID namespace number, another boot: a restart of this machine,
    # or a clone with the same name whose submitter may well be alive: cannot be told.
    twin = {**json.loads(_gone_submitter()), "boot": "another-boot-id"}
    assert submitter_gone(json.dumps(twin)) is None
    assert submitter_gone(None) is None  # e.g. `dagster job execute`'s run


def test_a_re_execution_is_not_taken_for_its_parents_submitter(instance):
    """The Dagster UI copies a run's tags to its re-execution: a re-execution launched
    here carries the old (gone) submitter's tag, and must not be failed for it."""
    parent = make_new_run_id()
    run_id = make_new_run_id()
    instance.add_run(dg.DagsterRun(
        job_name="nightly_celery", run_id=run_id, status=dg.DagsterRunStatus.STARTED,
        tags={SUBMITTER_TAG: _gone_submitter()}, parent_run_id=parent, root_run_id=parent))
    instance.event_log_storage.claim_concurrency_slot("duckdb_writer", run_id, "documents")
    out = io.StringIO()
    assert make_way(instance, out) == []
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED
    assert f"`innercircle fail-run {run_id}` ends it" in out.getvalue()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_run_whose_submitter_died_is_failed_and_gives_back_its_slot(instance):
    dead = _started_run(instance, {SUBMITTER_TAG: _gone_submitter()})
    out = io.StringIO()

    assert make_way(instance, out) == [dead]

    assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.FAILURE
    assert _holders(instance) == set()
    (line,) = out.getvalue().splitlines()
    assert line.startswith(f"innercircle: run {dead} (started ")
    assert line.endswith("was left unfinished by its submitter, which is gone: marked "
                         "failed, its slots given back")


def test_a_run_that_may_be_alive_keeps_its_slot_and_is_named_with_what_to_do(instance):
    # Submitted by `dagster job execute`, or from another machine: its submitter may run.
    other = _started_run(instance, {})
    out = io.StringIO()

    assert make_way(instance, out) == []

    assert instance.get_run_by_id(other).status == dg.DagsterRunStatus.STARTED
    assert _holders(instance) == {other}
    (line,) = out.getvalue().splitlines()
    assert line.startswith(f"innercircle: run {other} (started 20")
    assert "holds the 'duckdb_writer' slot and has not ended" in line
    assert line.endswith(f"`innercircle fail-run {other}` ends it")


def test_fail_run_ends_a_dead_run_and_refuses_one_whose_submitter_still_runs_here(
    instance, capsys
):
    from innercircle import cli

    other = _started_run(instance, {})
    assert cli.main(["fail-run", other]) == 0
    assert capsys.readouterr().err == (
        f"innercircle: run {other} (STARTED) marked failed, its slots given back\n")
    assert instance.get_run_by_id(other).status == dg.DagsterRunStatus.FAILURE
    assert _holders(instance) == set()

    live = _started_run(instance, {SUBMITTER_TAG: this_process()})
    assert cli.main(["fail-run", live]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"innercircle: error: run {live} is still going: its submitter")
    assert _holders(instance) == {live}
    assert cli.main(["fail-run", "no-such-run"]) == 1


def test_the_way_is_made_before_the_run_is_submitted_and_the_run_names_its_submitter(
    instance, monkeypatch, capsys
):
    left = _started_run(instance, {})
    seen = {}

    def submitted(job, instance, run_config, tags, raise_on_error):  # noqa: ANN001
        seen["said"] = capsys.readouterr().err
        seen["tags"] = tags
        return SimpleNamespace(success=True, all_events=[])

    monkeypatch.setattr(runner, "refuse_without_workers", lambda settings: None)
    monkeypatch.setattr(runner.dg, "execute_job", submitted)
    runner.run_on_celery(Settings(executor="celery"), instance)

    assert f"innercircle: run {left} (started " in seen["said"]  # before, not after
    assert json.loads(seen["tags"][SUBMITTER_TAG]) == json.loads(this_process())


def test_fail_run_on_an_instance_that_cannot_be_opened_is_one_line(tmp_path, monkeypatch,
                                                                    capsys):
    from innercircle import cli

    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        (ROOT / "deploy" / "celery" / "dagster.yaml").read_text())
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for key in ("DAGSTER_PG_PASSWORD", "DAGSTER_PG_USER", "DAGSTER_PG_HOST"):
        monkeypatch.delenv(key, raising=False)
    assert cli.main(["fail-run", "some-run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"innercircle: error: DAGSTER_HOME={home}: the instance cannot be "
                          "opened") and err.count("\n") == 1
