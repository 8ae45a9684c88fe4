"""Shared fixtures: the sample web served on 127.0.0.x, the one way tests configure a run
(:func:`sample_env`), the one nightly run over the sample web that read-only tests share
(:func:`sample_run`) and the one re-run over it (:func:`second_run`). Builders for fetch
policies and warehouse rows: tests/builders.py.

Tests that run the whole pipeline or start Dagster or Chromium are marked ``slow``
(those using ``sample_run`` are marked here); ``make test-fast`` leaves them out. ``make
test`` runs the files on one worker per core (pytest-xdist), so every worker that needs
the shared run makes its own; tests must not depend on one another's order.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

EVAL_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "sample_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    # Files with a slow test first, each file's tests still together and in order: ``make
    # test`` hands whole files to its workers (``--dist loadfile``), and a long file handed
    # out last would leave the other workers idle while it runs.
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


@pytest.fixture(scope="session", autouse=True)
def spacy_models_loaded_once():
    """Each spaCy model is loaded once per test session. A run loads its models once per
    process; the session holds a dozen runs and NER tests, and a pipeline is only read
    (``nlp.pipe``), so they can share it. Processes NER spawns still load their own."""
    import functools

    from innercircle.extract import people

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(people, "_load", functools.cache(people._load))
        yield


@pytest.fixture(scope="session")
def finder():
    """The people finder with the default models; skips where the English model is absent."""
    from innercircle.errors import ModelLoadError
    from innercircle.extract.people import PersonFinder

    try:
        return PersonFinder()
    except ModelLoadError as exc:
        pytest.skip(f"spaCy model not installed: {exc}")


@pytest.fixture(scope="session")
def sample_web():
    from innercircle.sampleweb import build_sample_web

    return build_sample_web()


@pytest.fixture(scope="session")
def sample_server(sample_web):
    from innercircle.sampleweb.server import serve

    with serve(sample_web) as server:
        yield server


@pytest.fixture(scope="session")
def sample_env(sample_web, sample_server) -> Callable[..., dict[str, str]]:
    """``sample_env(root, **overrides)``: the ``INNERCIRCLE_*`` variables of a run against
    the sample web into a warehouse under ``root`` (the sources file is written there).

    The one way tests configure: pass the result to ``Settings.from_env(env)`` in-process,
    to :func:`innercircle` for the command, or to ``monkeypatch.setenv`` where Dagster
    starts child processes that read the environment themselves.
    """

    def make(root: Path, **overrides: str) -> dict[str, str]:
        env = {
            "INNERCIRCLE_SOURCES": str(sample_server.write_sources(root / "sources.yaml")),
            "INNERCIRCLE_WAREHOUSE": str(root / "innercircle.duckdb"),
            "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
            "INNERCIRCLE_HOST_RATE": "100",
            # NER in the test's own process, on the model the session loaded once, not
            # in a pool of workers spawned to load it again: the pool is checked against
            # one process in tests/test_ner_shards.py, and tests/test_replay.py runs the
            # whole pipeline with it.
            "INNERCIRCLE_NER_PROCESSES": "1",
            # Rank as of the sample web's own date, as the demo does.
            "INNERCIRCLE_AS_OF": sample_web.reference_date.isoformat(),
        }
        return {**env, **overrides}

    return make


@dataclass(frozen=True)
class SampleRun:
    """The nightly job run once over the sample web (``innercircle run`` in-process),
    recorded in ``dagster_home`` so the UI test can serve it. Read it; don't write it
    (copy it with :func:`copy_warehouse` first)."""

    env: dict[str, str]
    settings: Any  # innercircle.settings.Settings
    result: Any  # dagster.ExecuteInProcessResult
    dagster_home: Path

    @property
    def warehouse(self) -> Path:
        return Path(self.env["INNERCIRCLE_WAREHOUSE"])


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, sample_env) -> SampleRun:
    import dagster as dg

    from innercircle.settings import Settings
    from pipelines.runner import run_nightly

    root = tmp_path_factory.mktemp("sample_run")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {**sample_env(root), "DAGSTER_HOME": str(home)}
    settings = Settings.from_env(env)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        result = run_nightly(settings, instance)
    assert result.success
    return SampleRun(env=env, settings=settings, result=result, dagster_home=home)


@pytest.fixture(scope="session")
def second_run(tmp_path_factory, sample_run) -> SampleRun:
    """The nightly job run once more over the same sample web, into a copy of the shared
    run's warehouse: the cheap re-run (conditional GETs, no NER for unchanged documents)
    that several tests inspect. Read it; don't write it (``copy_warehouse`` it first)."""
    from innercircle.settings import Settings
    from pipelines.runner import run_nightly

    root = tmp_path_factory.mktemp("second_run")
    env = copy_warehouse(sample_run, root)
    settings = Settings.from_env(env)
    result = run_nightly(settings, report_failures=False)
    return SampleRun(env=env, settings=settings, result=result, dagster_home=root)


def copy_warehouse(run: SampleRun, root: Path, **overrides: str) -> dict[str, str]:
    """A private copy of the shared run's warehouse (published and working files) under
    ``root``, for a test that runs again over it; returns that copy's environment."""
    from innercircle import warehouse

    public = root / "innercircle.duckdb"
    shutil.copy(run.warehouse, public)
    shutil.copy(warehouse.working_path(run.warehouse), warehouse.working_path(public))
    env = {k: v for k, v in run.env.items() if k != "DAGSTER_HOME"}
    return {**env, "INNERCIRCLE_WAREHOUSE": str(public), **overrides}


def innercircle(*args: str, env: dict[str, str], timeout: float = 600):
    """Run the installed ``innercircle`` command the way a user would."""
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("innercircle")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INNERCIRCLE_")}
    return subprocess.run(
        [str(exe), *args], env={**clean, **env}, capture_output=True, text=True,
        timeout=timeout, check=False,
    )
