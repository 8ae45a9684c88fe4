"""Shared fixtures: the sample web served on 127.0.0.x, the one way tests configure a run
(:func:`sample_env`), the one nightly run over the sample web that read-only tests share
(:func:`sample_run`) and the one re-run over it (:func:`second_run`). Builders for fetch
policies and warehouse rows: tests/builders.py.

Tests that run the whole pipeline or start Dagster or Chromium are marked ``slow``
(those using ``sample_run`` are marked here); ``make test-fast`` leaves them out. ``make
test`` runs the files on one worker per core (pytest-xdist). There the sample web is
served once, by the process that hands out the files, and the shared run is made once,
by the first worker that needs it, and read by the others (:func:`sample_run`); tests
must not depend on one another's order.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# The real-world evaluation data (../shared/eval beside the checkout); INNERCIRCLE_EVAL_DIR
# points a checkout elsewhere (a worktree, a clone in /tmp) at it. Tests reading it skip
# with a reason where it is absent.
EVAL_DIR = Path(
    os.environ.get("INNERCIRCLE_EVAL_DIR")
    or Path(__file__).resolve().parents[1].parent / "shared" / "eval"
)
ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "sample_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    items.sort(key=_file_turn(items))


def _file_turn(items: list[pytest.Item]) -> Callable[[pytest.Item], tuple]:
    """The order ``make test`` hands whole files to its workers (``--dist loadfile``):
    files with a slow test first, each file's tests still together and in order.

    Among them, first the files that do not read the shared run (the Celery test, which
    makes it meanwhile, leads), then those that read it: those wait for it, the others
    work in the meantime. Within each, the longest first, as its ``slow(seconds=...)``
    mark says (what it took on this 2-core machine): a long file handed out last would
    leave the other worker idle while it runs.
    """
    slow: dict[Path, float] = {}
    for item in items:
        for mark in item.iter_markers("slow"):
            seconds = mark.kwargs.get("seconds", mark.args[0] if mark.args else 0.0)
            slow[item.path] = max(slow.get(item.path, 0.0), seconds)
    on_run = {item.path for item in items if "sample_run" in getattr(item, "fixturenames", ())}

    def turn(item: pytest.Item) -> tuple:
        if item.path not in slow:
            return (1,)
        return (0, item.path in on_run, -slow[item.path], item.path)

    return turn


# Under ``make test`` (pytest-xdist) the process handing out files serves the sample web
# and tells each worker its port: one server for the whole run, so that the shared run
# made by one worker holds URLs the others can fetch again.
SAMPLE_WEB_PORT = "innercircle_sample_web_port"
SAMPLE_WEB_DIGEST = "innercircle_sample_web_digest"
_SERVED = pytest.StashKey[dict[str, Any]]()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """In the xdist controller, before each worker starts: serve the sample web (for the
    first) and pass its port and digest on."""
    config = node.config
    if _SERVED not in config.stash:
        from innercircle.sampleweb import build_sample_web
        from innercircle.sampleweb.server import serve

        server = serve(build_sample_web())
        config.add_cleanup(server.close)
        config.stash[_SERVED] = {
            SAMPLE_WEB_PORT: server.port,
            SAMPLE_WEB_DIGEST: server.web.digest(),
        }
    node.workerinput.update(config.stash[_SERVED])


def _served_port(config: pytest.Config) -> int | None:
    """The sample web's port when the xdist controller serves it, else None."""
    return getattr(config, "workerinput", {}).get(SAMPLE_WEB_PORT)


@pytest.fixture(scope="session", autouse=True)
def throwaway_instances_skip_fsync():
    """Dagster instances this process writes to SQLite files (the shared run's, the
    parallel crawl's parent) are thrown away after the session, so SQLite does not wait for the
    disk at each commit (``PRAGMA synchronous = OFF``), as the Celery test's PostgreSQL
    runs with ``fsync=off``. Each event of a run is a commit: a re-run over the sample
    web recorded on disk took 18-19 s against 8-9 s without (one process, two runs
    each); the shared run 34.0-44.5 s against 39.2-53.6 s (alternating, load 3.5-6).
    What is written, and when, is unchanged."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def no_fsync(connection: Any, _record: Any) -> None:
        if isinstance(connection, sqlite3.Connection):
            connection.execute("PRAGMA synchronous = OFF")

    event.listen(Engine, "connect", no_fsync)
    yield
    event.remove(Engine, "connect", no_fsync)


@pytest.fixture
def dagster_home(tmp_path: Path) -> Iterator[Path]:
    """A Dagster home with the repository's dagster.yaml for a run made in other processes
    (``innercircle run``, the multiprocess executor's steps), where the fixture above does
    not reach: on tmpfs (/dev/shm) where there is one, so that SQLite's commit at each
    event does not wait for the disk there either; removed afterwards. Elsewhere in
    ``tmp_path``, and where /dev/shm is small (a container's default is 64 MB), so that a
    full one never fails a run with "database or disk is full"."""
    shm = Path("/dev/shm")
    roomy = shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2**29
    parent = Path(tempfile.mkdtemp(prefix="innercircle-test-", dir=shm)) if roomy else tmp_path
    home = parent / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    try:
        yield home
    finally:
        if parent != tmp_path:
            shutil.rmtree(parent, ignore_errors=True)


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
def sample_server(request, sample_web):
    """The sample web on 127.0.0.x: served here, or, under xdist, by the controller (the
    same seed gives the same bytes, so its URLs are this web's)."""
    from innercircle.sampleweb.server import SampleWebServer, serve

    port = _served_port(request.config)
    if port is None:
        with serve(sample_web) as server:
            yield server
        return

    served = request.config.workerinput[SAMPLE_WEB_DIGEST]
    assert served == sample_web.digest(), "the controller serves another sample web than ours"

    class ServedByController:
        """The addresses of a SampleWebServer running in another process."""

        def __init__(self) -> None:
            self.web, self.port = sample_web, port

        url = SampleWebServer.url
        base = SampleWebServer.base
        sources = SampleWebServer.sources
        write_sources = SampleWebServer.write_sources

    yield ServedByController()


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
            # Nothing in the sample web fails only now and then (its refused host is not
            # tried again anyway): retries are the fetcher's tests'.
            "INNERCIRCLE_RETRIES": "0",
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
    recorded in ``dagster_home`` (the UI test serves a copy of it). Read it; don't write it
    (copy it with :func:`copy_warehouse` first)."""

    env: dict[str, str]
    settings: Any  # innercircle.settings.Settings
    result: Any  # dagster.ExecuteInProcessResult, or RecordedRun
    dagster_home: Path

    @property
    def warehouse(self) -> Path:
        return Path(self.env["INNERCIRCLE_WAREHOUSE"])


class RecordedRun:
    """A finished run read back from the instance that recorded it: what tests ask of an
    ``ExecuteInProcessResult`` (success, materialisations, check evaluations), for the
    run another worker made."""

    def __init__(self, home: Path, run_id: str) -> None:
        import dagster as dg

        self.run_id = run_id
        with dg.DagsterInstance.from_config(str(home)) as instance:
            self.success = instance.get_run_by_id(run_id).is_success
            self.all_events = [e.dagster_event for e in instance.all_logs(run_id)
                               if e.dagster_event is not None]

    def get_asset_materialization_events(self) -> list:
        return [e for e in self.all_events if e.is_step_materialization]

    def get_asset_check_evaluations(self) -> list:
        return [e.event_specific_data for e in self.all_events
                if e.event_type_value == "ASSET_CHECK_EVALUATION"]


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """Held by one process at a time (the xdist workers share the lock file)."""
    with lock.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def sample_run(request, tmp_path_factory, sample_env) -> SampleRun:
    """Made once per test run: under xdist, by the first worker that needs it (the others
    wait for it, then read its warehouse and its recorded events), else in-process."""
    import dagster as dg

    from innercircle.settings import Settings
    from pipelines.runner import run_nightly

    base = tmp_path_factory.getbasetemp()
    if _served_port(request.config) is not None:
        base = base.parent  # every worker's base directory is in it
    root = base / "shared_sample_run"
    with _exclusive(base / "shared_sample_run.lock"):
        made = root / "run.json"
        if not made.is_file():
            shutil.rmtree(root, ignore_errors=True)  # what a worker that failed left
            home = root / "dagster_home"
            home.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
            env = {**sample_env(root), "DAGSTER_HOME": str(home)}
            with dg.DagsterInstance.from_config(str(home)) as instance:
                result = run_nightly(Settings.from_env(env), instance)
            assert result.success
            # Written whole or not at all: a worker killed mid-write leaves no half file.
            partial = root / "run.json.partial"
            partial.write_text(json.dumps({"env": env, "run_id": result.run_id}))
            partial.replace(made)
        recorded = json.loads(made.read_text())
    env = recorded["env"]
    home = Path(env["DAGSTER_HOME"])
    result = RecordedRun(home, recorded["run_id"])
    assert result.success
    return SampleRun(env=env, settings=Settings.from_env(env), result=result, dagster_home=home)


@pytest.fixture(scope="session")
def second_run(tmp_path_factory, sample_run) -> SampleRun:
    """The nightly job run once more over the same sample web, into a copy of the shared
    run's warehouse: the cheap re-run (conditional GETs, no NER for unchanged documents)
    that several tests inspect. Read it; don't write it (``copy_warehouse`` it first).
    Its tests are kept in one file (tests/test_pipeline.py): each worker that reads it
    makes it, and ``make test`` hands a file to one worker."""
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
