"""What ``innercircle run`` says of a run on the Celery workers as it ends: Ctrl-C is one
line and exit 130, recorded as "interrupted", as for an in-process run; a failed step is
one line naming the error that failed it, said once. Dagster's ``execute_job`` is
replaced here by one returning what it returns for such runs; the real executor is in
tests/test_celery.py."""

from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import dagster as dg
import pytest
from dagster._core.events import JobFailureData
from dagster._utils.error import serializable_error_info_from_exc_info

from innercircle.settings import Settings
from pipelines import runner
from pipelines.sensors import run_failures_path
from tests.conftest import ROOT


class ModelLoadError(Exception):
    pass


@dg.asset
def find_people() -> None:
    try:
        raise OSError("[E050] Can't find model 'en_core_web_sm'")
    except OSError as exc:
        raise ModelLoadError("cannot load the NER model 'en_core_web_sm'") from exc


@pytest.fixture
def celery_env(tmp_path, monkeypatch):
    """The settings of a Celery run whose workers all answer; returns the warehouse path."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  x:\n    feeds: [https://a.example/feed]\n")
    monkeypatch.setenv("INNERCIRCLE_SOURCES", str(sources))
    monkeypatch.setenv("INNERCIRCLE_WAREHOUSE", str(tmp_path / "w" / "innercircle.duckdb"))
    monkeypatch.setenv("INNERCIRCLE_EXECUTOR", "celery")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setattr(Settings, "validate", lambda self: None)  # no broker to reach here
    monkeypatch.setattr(runner, "refuse_without_workers", lambda settings: None)
    monkeypatch.setattr(runner, "check_instance", lambda home: None)  # its own tests: test_settings
    return tmp_path / "w" / "innercircle.duckdb"


def _interrupted_run(*args, **kwargs):
    """What execute_job returns when Ctrl-C stops the submitter, after Dagster's console
    logger wrote the run's failure with its stack trace."""
    print("2026-12-07 17:51:23 +0000 - dagster - ERROR - nightly_celery - RUN_FAILURE - "
          "Execution was interrupted unexpectedly.\n\nStack Trace:\n  File ...", file=sys.stderr)
    try:
        raise dg.DagsterExecutionInterruptedError("Execution was interrupted")
    except dg.DagsterExecutionInterruptedError:
        error = serializable_error_info_from_exc_info(sys.exc_info())
    failure = dg.DagsterEvent(
        event_type_value=dg.DagsterEventType.RUN_FAILURE.value, job_name="nightly_celery",
        event_specific_data=JobFailureData(error=error, failure_reason=None),
    )
    return SimpleNamespace(
        success=False, run_id="5e18ff69", job_def=SimpleNamespace(name="nightly_celery"),
        all_events=[failure], get_asset_check_evaluations=list,
    )


def test_ctrl_c_on_a_celery_run_is_one_line_exit_130_and_recorded_as_interrupted(
    celery_env, monkeypatch, capsys
):
    from innercircle import cli

    monkeypatch.setattr(runner.dg, "execute_job", _interrupted_run)
    assert cli.main(["run"]) == 130
    err = capsys.readouterr().err.splitlines()
    assert err == ["innercircle: the nightly run goes to the Celery workers; its steps show "
                   "in the Dagster UI (Runs) as they run", cli.INTERRUPTED]
    recorded = json.loads(run_failures_path(celery_env).read_text().splitlines()[-1])
    assert (recorded["run_id"], recorded["message"]) == ("5e18ff69", "interrupted")


def test_a_failed_step_is_said_once_with_the_error_that_failed_it(
    celery_env, monkeypatch, capsys
):
    from innercircle import cli

    def failed_run(*args, **kwargs):
        return dg.materialize([find_people], raise_on_error=False)

    monkeypatch.setattr(runner.dg, "execute_job", failed_run)
    assert cli.main(["run"]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if line.startswith("step ")]
    assert said == ["step find_people failed: ModelLoadError: cannot load the NER model "
                    "'en_core_web_sm'"]


def test_an_in_process_step_failure_names_the_error_too(capsys):
    result = dg.materialize([find_people], raise_on_error=False)
    capsys.readouterr()  # Dagster's own log
    runner.print_step_failures(result)
    assert capsys.readouterr().err == (
        "step find_people failed: ModelLoadError: cannot load the NER model 'en_core_web_sm'\n")


def test_a_celery_run_is_checked_before_reextract_touches_anything(celery_env, monkeypatch,
                                                                     capsys):
    """``--reextract`` resets documents before the run: a Celery run whose instance cannot
    be opened (or whose queues no worker reads) must refuse first, one line, exit 2."""
    from innercircle import cli
    from innercircle.settings import SettingError

    def no_instance(home):
        raise SettingError(f"DAGSTER_HOME={home}: the instance's PostgreSQL database cannot "
                           "be opened (refused)")

    monkeypatch.setattr(runner, "check_instance", no_instance)
    monkeypatch.setattr(cli, "reset_extraction",
                        lambda settings: pytest.fail("documents reset before the checks"))
    assert cli.main(["run", "--reextract"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("innercircle: error: DAGSTER_HOME=") and err.count("\n") == 1


def test_ctrl_c_that_dagster_lets_out_of_a_celery_run_is_recorded_too(celery_env, monkeypatch):
    """Dagster may let the interrupt out of ``execute_job`` instead of failing the run with
    it: the run it made is still recorded as interrupted."""
    from innercircle import cli

    def interrupted(job, instance, run_config, tags, raise_on_error):  # noqa: ARG001
        instance.add_run(dg.DagsterRun(job_name="nightly_celery", run_id="7a1c0de5", tags=tags))
        raise dg.DagsterExecutionInterruptedError("Execution was interrupted")

    monkeypatch.setattr(runner.dg, "execute_job", interrupted)
    assert cli.main(["run"]) == 130
    recorded = json.loads(run_failures_path(celery_env).read_text().splitlines()[-1])
    assert (recorded["run_id"], recorded["message"]) == ("7a1c0de5", "interrupted")
