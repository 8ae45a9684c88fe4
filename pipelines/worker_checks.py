"""A Celery worker checks, as it starts, what the steps of its queues need on its machine.

Without this a worker with a lake it cannot write, or without the spaCy model, said
"ready" and the run failed 12-40 s later, one traceback per step. The README's worker
command imports ``pipelines.definitions`` at start (``-i pipelines.definitions``), which
imports this module; Celery then sends ``worker_init`` once the worker has chosen its
queues and before it reads any, and :func:`check_this_worker` runs the same checks as
``innercircle run`` does before an in-process run, for the steps those queues carry. A
check that fails ends the worker with exit code 2 and one line naming the setting
(dagster-celery's own ``worker start`` command, which started it, then adds its
``CalledProcessError``).
"""

from __future__ import annotations

import sys

from assets.common import WAREHOUSE_QUEUE
from innercircle.settings import SettingError, Settings


def check_worker(settings: Settings, queues: set[str]) -> None:
    """What the steps sent to ``queues`` need where they run: every step hands its output
    over through the lake; those on the ``warehouse`` queue write the warehouse, the feeds
    and reports folders and read the sources file; the others, on dagster-celery's default
    queue, include NER, which loads the spaCy models."""
    from innercircle.setting_checks import check_lake, check_spacy_models

    settings.check_values()
    check_lake(settings.lake_location)
    if WAREHOUSE_QUEUE in queues:
        settings.check_writer_outputs()
        settings.check_sources_file()
    if queues - {WAREHOUSE_QUEUE}:
        check_spacy_models(settings.spacy_model, settings.spacy_models)


def check_this_worker(sender, **_) -> None:  # noqa: ANN001 - a Celery WorkController
    """``worker_init``'s receiver: check this worker's settings for its queues; on a
    :class:`SettingError` print one line and exit 2 (an exception would only be logged by
    Celery, which then starts the worker anyway)."""
    queues = set(sender.app.amqp.queues.consume_from or ())
    try:
        check_worker(Settings.from_env(), queues)
    except SettingError as exc:
        print(f"innercircle: error: this worker cannot run its steps: {exc}", file=sys.stderr,
              flush=True)
        raise SystemExit(2) from None


def connect() -> None:
    """Have Celery call :func:`check_this_worker` when a worker starts (nothing when
    Celery is not installed: the code location loads without the ``[celery]`` extra)."""
    try:
        from celery.signals import worker_init
    except ImportError:
        return
    worker_init.connect(check_this_worker, weak=False, dispatch_uid="innercircle-worker-checks")
