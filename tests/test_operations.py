"""Operating the code location: schedule on by default, freshness, failed runs recorded."""

import json

import dagster as dg

from innercircle.settings import Settings
from pipelines.definitions import ALL_ASSETS, build_resources, defs
from pipelines.sensors import (
    RANKING_MAX_AGE,
    freshness_sensor,
    ranking_freshness_checks,
    run_failure_recorder,
)


def test_the_nightly_schedule_and_the_sensors_run_by_default():
    # The repository's resolved schedule (Definitions.get_schedule_def warns of a change).
    schedule = defs.get_repository_def().get_schedule_def("nightly_schedule")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    for sensor in defs.sensors:
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING, sensor.name


def test_the_nightly_job_says_every_step_it_runs():
    job = defs.resolve_job_def("nightly")
    steps = {definition.node_def.name for definition in ALL_ASSETS}
    assert {step for step in steps if step not in job.description} == set()


def test_a_stale_ranking_is_flagged_after_36_hours():
    keys = {c.name for c in defs.resolve_asset_graph().asset_check_keys}
    assert any("freshness" in k for k in keys), keys
    assert RANKING_MAX_AGE.total_seconds() == 36 * 3600


def test_the_freshness_check_and_its_sensor_say_what_they_watch_and_still_work():
    graph = defs.resolve_asset_graph()
    (key,) = [k for k in graph.asset_check_keys if k.name == "freshness_check"]
    description = graph.get_check_spec(key).description
    assert description.startswith("recurring_voices updated within 36 h: nightly at 02:00 UTC")
    sensor = defs.get_repository_def().get_sensor_def("freshness_checks_sensor")
    assert sensor.description.startswith("Runs the freshness check of recurring_voices")

    just_ranked = dg.Definitions(
        assets=[dg.AssetSpec("recurring_voices")], asset_checks=ranking_freshness_checks)
    with dg.instance_for_test() as instance:
        instance.report_runless_asset_event(dg.AssetMaterialization("recurring_voices"))
        request = freshness_sensor(dg.build_sensor_context(instance, definitions=just_ranked))
        assert request.asset_check_keys == [key]
        result = dg.materialize(ranking_freshness_checks, instance=instance,
                                selection=dg.AssetSelection.checks(key))
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN


def test_a_failed_run_is_recorded_beside_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("INNERCIRCLE_WAREHOUSE", str(tmp_path / "innercircle.duckdb"))

    @dg.op
    def explode():
        raise RuntimeError("feed server on fire")

    @dg.job
    def doomed():
        explode()

    with dg.instance_for_test() as instance:
        result = doomed.execute_in_process(instance=instance, raise_on_error=False)
        assert not result.success
        failure = result.get_run_failure_event()
        context = dg.build_run_status_sensor_context(
            sensor_name="run_failure_recorder", dagster_instance=instance,
            dagster_run=result.dagster_run, dagster_event=failure,
            resources={"warehouse_db": build_resources(Settings.from_env())["warehouse_db"]},
        ).for_run_failure()
        run_failure_recorder(context)

    (line,) = (tmp_path / "run_failures.jsonl").read_text().splitlines()
    record = json.loads(line)
    assert record["run_id"] == result.run_id
    assert record["job"] == "doomed"
    assert record["failed_steps"] == ["explode"]
