"""Sensors: freshness of the ranking, and a record of every failed run."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

from assets.ranking import recurring_voices
from assets.resources import WarehouseResource

#: The nightly schedule's hour (UTC); pipelines/definitions.py schedules the job at it.
NIGHTLY_HOUR_UTC = 2
#: A ranking older than this is stale: the nightly run has missed more than a night.
RANKING_MAX_AGE = timedelta(hours=36)
_HOURS = round(RANKING_MAX_AGE.total_seconds() / 3600)
FRESHNESS_DESCRIPTION = (
    f"recurring_voices updated within {_HOURS} h: nightly at {NIGHTLY_HOUR_UTC:02d}:00 UTC "
    f"plus {_HOURS - 24} h of slack. A warning, never a failure."
)
FRESHNESS_SENSOR_DESCRIPTION = (
    f"Runs the freshness check of recurring_voices (updated within {_HOURS} h: nightly at "
    f"{NIGHTLY_HOUR_UTC:02d}:00 UTC plus {_HOURS - 24} h of slack) whenever it could have "
    "become overdue; once it fails, the next update of recurring_voices runs it again."
)


def described(checks: dg.AssetChecksDefinition, description: str) -> dg.AssetChecksDefinition:
    """``checks`` with ``description`` on each of its checks: Dagster's freshness checks
    take none and show their own ("Evaluates freshness for targeted asset.")."""
    specs = {
        output: dg.AssetCheckSpec(
            name=spec.name, asset=spec.asset_key, description=description,
            additional_deps=spec.additional_deps, blocking=spec.blocking,
            metadata=spec.metadata, automation_condition=spec.automation_condition,
        )
        for output, spec in checks.check_specs_by_output_name.items()
    }
    return dg.AssetChecksDefinition.create(
        keys_by_input_name=checks.keys_by_input_name, node_def=checks.node_def,
        check_specs_by_output_name=specs, can_subset=checks.can_subset,
        resource_defs=checks.resource_defs,
    )


# Dagster 1.13 marks these superseded by FreshnessPolicy, but the policy is evaluated only
# by Dagster+; the check and its sensor work in open-source Dagster and show in the UI.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    ranking_freshness_checks = [
        described(checks, FRESHNESS_DESCRIPTION)
        for checks in dg.build_last_update_freshness_checks(
            assets=[recurring_voices], lower_bound_delta=RANKING_MAX_AGE
        )
    ]
    _dagster_freshness_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=ranking_freshness_checks
    )


@dg.sensor(
    name=_dagster_freshness_sensor.name,
    asset_selection=dg.AssetSelection.checks(*ranking_freshness_checks),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=FRESHNESS_SENSOR_DESCRIPTION,
)
def freshness_sensor(context: dg.SensorEvaluationContext):
    """Dagster's own freshness sensor, under a description that says what it watches
    (its own shows the docstring of its builder)."""
    return _dagster_freshness_sensor(context)


def run_failures_path(warehouse: Path) -> Path:
    """Where failed runs are recorded: ``run_failures.jsonl`` beside the warehouse (the
    published file and its working copy share the folder, so either may be given)."""
    return Path(warehouse).parent / "run_failures.jsonl"


def record_run_failure(
    warehouse: Path,
    run_id: str,
    job_name: str,
    message: str,
    steps: list[str],
    failed_checks: list[str] | None = None,
) -> Path:
    """Append one JSON line for a failed run beside ``warehouse``; ``failed_checks`` names
    the blocking checks that stopped it (e.g. nearly every feed failed), each with its
    description."""
    path = run_failures_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {
        "failed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": run_id,
        "job": job_name,
        "failed_steps": steps,
        "failed_checks": failed_checks or [],
        "message": message,
    }
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
    return path


def failed_blocking_checks(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The run's checks that failed with ERROR severity, as ``name: description``."""
    failed = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data if entry.dagster_event else None
        if (
            evaluation is not None
            and not evaluation.passed
            and evaluation.severity == dg.AssetCheckSeverity.ERROR
        ):
            failed.append(f"{evaluation.check_name}: {evaluation.description or 'failed'}")
    return failed


@dg.run_failure_sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Appends every failed run to run_failures.jsonl beside "
    "the warehouse (see README: Where failures show up).",
)
def run_failure_recorder(
    context: dg.RunFailureSensorContext, warehouse_db: WarehouseResource
) -> None:
    steps = [e.step_key for e in context.get_step_failure_events() if e.step_key]
    path = record_run_failure(
        Path(warehouse_db.database),
        context.dagster_run.run_id,
        context.dagster_run.job_name,
        context.failure_event.message or "",
        steps,
        failed_blocking_checks(context.instance, context.dagster_run.run_id),
    )
    context.log.info(f"recorded failure of run {context.dagster_run.run_id} in {path}")
