"""The one bridge from the ``innercircle`` command to Dagster.

``innercircle/cli.py`` imports this module lazily (``top`` and ``extract`` never load
Dagster) and hands it a validated :class:`~innercircle.settings.Settings`; the resources
are built from that value, so the CLI never edits the environment to configure a run.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
from pathlib import Path
from typing import TextIO

import dagster as dg

from innercircle import progress
from innercircle.run_lock import run_lock
from innercircle.settings import PROJECT_ROOT, SettingError, Settings
from pipelines.celery_progress import TAG, CeleryProgress, submission_id
from pipelines.definitions import (
    build_resources,
    celery_job,
    celery_run_config,
    defs,
    run_partition_key,
)
from pipelines.instance_checks import check_instance
from pipelines.slots import SUBMITTER_TAG, free_slots_of_ended_runs, make_way, this_process

#: Dagster's console log at WARNING: its DEBUG events (every step started and done) stay in
#: the instance for the UI; the command shows progress its own way.
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def run_nightly(
    settings: Settings,
    instance: dg.DagsterInstance | None = None,
    report_failures: bool = True,
    log_stream: TextIO | None = None,
    checked: bool = False,
) -> dg.ExecuteInProcessResult:
    """Execute the nightly job in this process with a live progress line, recorded in
    ``instance`` (default: ``$DAGSTER_HOME``'s, else an ephemeral one).

    Returns Dagster's result (truthy ``.success`` when the run succeeded); failed steps are
    printed unless ``report_failures`` is off (the caller reports them). Dagster's console
    log goes to ``log_stream`` when given (stderr otherwise). ``checked``: the caller ran
    :func:`check_before_celery_run` already (a Celery run's checks, made once).
    """
    if settings.executor == "celery":
        return run_on_celery(settings, instance, report_failures, log_stream, checked)
    job = defs.resolve_job_def("nightly")
    progress.set_sink(progress.TerminalProgress())
    logging.getLogger("dagster").setLevel(logging.WARNING)
    home = os.environ.get("DAGSTER_HOME")
    if instance is None and home and give_home_our_settings(Path(home)):
        # Said here, not in the Dagster log below, which a run that stops early drops.
        print(f"innercircle: wrote {home}/dagster.yaml (the repository's: telemetry off, one "
              "DuckDB writer at a time)", file=sys.stderr)
    redirect = contextlib.redirect_stderr(log_stream) if log_stream else contextlib.nullcontext()
    try:
        # One in-process run per warehouse (a second refuses: RunInProgress); the command
        # took the lock already, before writing anything, and this is the same run.
        with run_lock(settings.warehouse_path), redirect, _instance(instance) as recorded_in:
            result = job.execute_in_process(
                instance=recorded_in,
                partition_key=run_partition_key(settings),
                resources=build_resources(settings),
                raise_on_error=False,
                run_config=QUIET_CONSOLE,
            )
    finally:
        progress.set_sink(None)
    if not result.success and report_failures:
        print_step_failures(result)
    return result


def print_step_failures(result: dg.ExecuteInProcessResult | dg.ExecutionResult) -> None:
    """One stderr line per failed step, with the error that failed it (:func:`cause`)."""
    for event in result.all_events:
        if event.is_step_failure and event.event_specific_data is not None:
            error = getattr(event.event_specific_data, "error", None)
            if error is not None:
                print(f"step {event.step_key} failed: {cause(error)}", file=sys.stderr)


def cause(error) -> str:  # noqa: ANN001 - Dagster's SerializableErrorInfo
    """``ModelLoadError: cannot load ...``: the first error in ``error``'s chain that is not
    one of Dagster's own wrappers (``DagsterExecutionStepExecutionError: Error occurred
    while executing op ...``, which says only where), its class without its module."""
    while error.cause is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    text = error.message.strip()
    head, sep, rest = text.partition(": ")
    if error.cls_name and head.rsplit(".", 1)[-1] == error.cls_name:
        text = f"{error.cls_name}: {rest}" if sep else error.cls_name
    return " ".join(text.split())


def was_interrupted(result: dg.ExecuteInProcessResult | dg.ExecutionResult) -> bool:
    """Did the run stop because of Ctrl-C (SIGINT), or SIGTERM, which Dagster maps onto
    SIGINT's handler (``timeout``, systemd)? Dagster turns the interrupt (its own error, or
    ``KeyboardInterrupt`` from the crawl's event loop) into a failed step of an in-process
    run, and into the failure of a run on Celery (its submitter was interrupted), rather
    than letting it out of the run."""
    return any(
        (event.is_step_failure or event.event_type == dg.DagsterEventType.RUN_FAILURE)
        and getattr(getattr(event.event_specific_data, "error", None), "cls_name", "")
        in ("DagsterExecutionInterruptedError", "KeyboardInterrupt")
        for event in result.all_events
    )


def record_in_process_failure(
    result: dg.ExecuteInProcessResult, settings: Settings, message: str = "run failed"
) -> None:
    """Record a failed run as the run-failure sensor would. The sensor never sees a run
    this command made: on an ephemeral instance no daemon looks, and on ``$DAGSTER_HOME``'s
    a run executed here (in-process, or submitted to Celery) carries no code-location
    origin, which the sensor matches runs by. ``message`` is "interrupted" for a run
    stopped by SIGINT or SIGTERM (Dagster maps one onto the other, so which of them
    stopped it is not known here)."""
    from pipelines.sensors import record_run_failure

    steps = sorted({e.step_key for e in result.all_events if e.is_step_failure and e.step_key})
    checks = [
        f"{e.check_name}: {e.description or 'failed'}"
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    record_run_failure(
        settings.warehouse_path, result.run_id, result.job_def.name, message, steps, checks
    )


def run_on_celery(
    settings: Settings,
    instance: dg.DagsterInstance | None = None,
    report_failures: bool = True,
    log_stream: TextIO | None = None,
    checked: bool = False,
) -> dg.ExecutionResult:
    """Submit the nightly job to the Celery workers and wait for it.

    Needs a persistent instance (``$DAGSTER_HOME``, PostgreSQL-backed for workers on
    other machines, see deploy/celery/dagster.yaml) and running workers; the workers build
    their resources from their own ``INNERCIRCLE_*`` environment, which must match.
    Refuses (:class:`SettingError`) when no worker reads a queue the job needs. Dagster's
    console log goes to ``log_stream`` when given, as for an in-process run; the
    progress lines and what is said before the run go to stderr.
    """
    if not checked:  # the shared instance opens, a worker reads each queue (one line if not)
        if instance is None:
            check_instance(os.environ.get("DAGSTER_HOME"))
        refuse_without_workers(settings)
    print("innercircle: the nightly run goes to the Celery workers; its steps show in the "
          "Dagster UI (Runs) as they run", file=sys.stderr)
    submission = submission_id()
    console = sys.stderr
    redirect = contextlib.redirect_stderr(log_stream) if log_stream else contextlib.nullcontext()
    with _instance(instance) as recorded_in:
        make_way(recorded_in)  # before the run: a slot a dead run holds is said, not waited for
        try:
            with CeleryProgress(recorded_in, submission, out=console), redirect:
                result = dg.execute_job(
                    dg.reconstructable(celery_job),
                    instance=recorded_in,
                    # Dagster's DEBUG events (every step submitted, started, done: ~30 lines
                    # a run) stay in the instance for the UI; CeleryProgress prints a line
                    # as steps end, the console logger only warnings and errors.
                    run_config={**celery_run_config(settings), **QUIET_CONSOLE},
                    tags={"dagster/partition": run_partition_key(settings), TAG: submission,
                          SUBMITTER_TAG: this_process()},
                    raise_on_error=False,
                )
        except dg.DagsterExecutionInterruptedError as stopped:
            # Ctrl-C or SIGTERM that Dagster let out rather than failing the run with it
            # (was_interrupted): the command's one line and exit 130 all the same, and the
            # run recorded as interrupted like one that failed with it.
            record_interrupted(recorded_in, submission, settings)
            raise KeyboardInterrupt from stopped
        except Exception:
            if isinstance(log_stream, io.StringIO):  # what Dagster said before, not lost
                console.write(log_stream.getvalue())
            raise
        finally:
            # Never in place of the run's own error (an instance database gone, say).
            with contextlib.suppress(Exception):
                free_slots_of_ended_runs(recorded_in)
    if not result.success and report_failures and not was_interrupted(result):
        print_step_failures(result)
    return result


def record_interrupted(instance: dg.DagsterInstance, submission: str, settings: Settings) -> None:
    """Record in run_failures.jsonl, as "interrupted", the run this submission made (found
    by its submission tag); nothing when there is none yet or the instance cannot say."""
    from pipelines.sensors import record_run_failure

    with contextlib.suppress(Exception):  # never in place of the interrupt itself
        runs = instance.get_runs(filters=dg.RunsFilter(tags={TAG: submission}), limit=1)
        if runs:
            record_run_failure(settings.warehouse_path, runs[0].run_id, runs[0].job_name,
                               "interrupted", [])


def check_before_celery_run(settings: Settings) -> None:
    """What a Celery run needs from the services before anything is written (``innercircle
    run --reextract`` resets documents first): the shared instance opens, and a worker
    reads each queue. One line (:class:`SettingError`) when not."""
    check_instance(os.environ.get("DAGSTER_HOME"))
    refuse_without_workers(settings)


def fail_run(run_id: str) -> str:
    """``innercircle fail-run``: :func:`pipelines.slots.fail_run` in ``$DAGSTER_HOME``'s
    instance; what was done, in one line."""
    from pipelines.slots import fail_run as fail

    if not os.environ.get("DAGSTER_HOME"):
        raise SettingError("innercircle fail-run needs DAGSTER_HOME set to the instance "
                           "the run is in")
    try:
        instance = dg.DagsterInstance.get()
    except Exception as exc:  # noqa: BLE001 - a server down, a password unset: one line
        reason = " ".join(str(exc).split())[:300]
        raise SettingError(f"DAGSTER_HOME={os.environ['DAGSTER_HOME']}: the instance cannot "
                           f"be opened ({type(exc).__name__}: {reason})") from None
    with instance:
        return fail(instance, run_id)


def refuse_without_workers(settings: Settings) -> None:
    """A run whose queue no worker reads waits for ever, holding nothing but the command:
    refuse it, naming the queue and how to serve it. A broker that cannot be asked is left
    to the run, which says so."""
    from assets.common import WAREHOUSE_QUEUE
    from pipelines.celery import INSPECT_AGAIN_S, how_to_serve, idle_queues

    tags = {"dagster/partition": run_partition_key(settings)}
    try:
        idle = idle_queues(celery_job(), celery_run_config(settings), tags)
        if idle:  # a busy or distant worker may answer late: asked again, for longer
            idle = idle_queues(celery_job(), celery_run_config(settings), tags,
                               timeout=INSPECT_AGAIN_S)
    except Exception:  # noqa: BLE001 - the run reports an unreachable broker itself
        return
    if idle:
        queues = ", ".join(repr(q) for q in idle)
        raise SettingError(
            f"no Celery worker reads the {queues} queue{'s' if len(idle) > 1 else ''} at "
            f"INNERCIRCLE_CELERY_BROKER, so nothing was submitted; "
            f"{how_to_serve(WAREHOUSE_QUEUE if WAREHOUSE_QUEUE in idle else idle[0])}"
        )


def give_home_our_settings(home: Path) -> bool:
    """Put the repository's ``dagster.yaml`` in a ``DAGSTER_HOME`` that has none, as
    ``make dev`` does; True if it was written. Without it Dagster runs with its defaults:
    a banner and telemetry in every run's output, and no ``duckdb_writer`` pool limit.
    A home that cannot be written is left to Dagster, which says so itself."""
    target = home / "dagster.yaml"
    if target.exists():
        return False
    try:
        home.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as out:  # never over one made meanwhile
            out.write((PROJECT_ROOT / "dagster.yaml").read_text(encoding="utf-8"))
    except OSError:
        return False
    return True


def _instance(instance: dg.DagsterInstance | None):
    """``instance``, else ``$DAGSTER_HOME``'s, else an ephemeral one."""
    if instance is not None:
        return contextlib.nullcontext(instance)
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return contextlib.nullcontext(dg.DagsterInstance.ephemeral())
