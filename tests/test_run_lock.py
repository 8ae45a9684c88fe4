"""One run at a time on a warehouse: a second ``innercircle run`` (or ``demo``) on a
warehouse another run is writing refuses at once, in one line, touching nothing; the lock
goes with the run that held it, however that run ends."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from innercircle.run_lock import EXIT_BUSY, lock_path
from tests.conftest import innercircle

ROOT = Path(__file__).resolve().parents[1]

#: Another run's process, as far as the lock goes: it takes the lock and waits.
HOLDER = """
import sys, time
from pathlib import Path
from innercircle.run_lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


@contextmanager
def another_run(warehouse: Path) -> Iterator[subprocess.Popen]:
    """A process holding ``warehouse``'s run lock for the block (stopped by its PID)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse)], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def is_free(warehouse: Path) -> bool:
    """Can a process take the lock now (without keeping it)?"""
    fd = os.open(lock_path(warehouse), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def run_env(tmp_path: Path) -> dict[str, str]:
    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  fintech:\n    feeds: [https://a.example/feed]\n")
    return {"INNERCIRCLE_SOURCES": str(sources),
            "INNERCIRCLE_WAREHOUSE": str(tmp_path / "innercircle.duckdb")}


@pytest.mark.parametrize("command", [["run"], ["run", "--reextract"], ["demo", "--port", "0"]])
def test_a_run_on_a_warehouse_another_run_is_writing_refuses_in_one_line(tmp_path, command):
    env = run_env(tmp_path)
    warehouse = Path(env["INNERCIRCLE_WAREHOUSE"])
    with another_run(warehouse) as other:
        before = sorted(p.name for p in tmp_path.iterdir())
        result = innercircle(*command, env=env, timeout=60)
        assert result.returncode == EXIT_BUSY, result.stderr[-2000:]
        assert result.stderr.splitlines() == [
            f"innercircle: another run is writing {warehouse} (pid {other.pid}); "
            "wait for it or stop it"
        ]
        assert result.stdout == ""
        # no working file, no lake, no demo sources file: nothing was touched
        assert sorted(p.name for p in tmp_path.iterdir()) == before
        assert before == ["innercircle.run.lock", "sources.yaml"]


def test_a_killed_run_leaves_no_stale_lock(tmp_path):
    warehouse = tmp_path / "innercircle.duckdb"
    with another_run(warehouse) as other:
        assert not is_free(warehouse)
        other.send_signal(signal.SIGKILL)
        other.wait()
        assert is_free(warehouse)


def test_a_run_holds_the_lock_while_it_runs_and_frees_it_when_it_ends(tmp_path, monkeypatch,
                                                                       capsys):
    from innercircle import cli
    from tests.hostile_server import serve

    warehouse = tmp_path / "innercircle.duckdb"
    free_during_run = []

    def feed(handler):  # not found: the run fails, and ends
        free_during_run.append(is_free(warehouse))
        handler.send_body(404)

    with serve({"/feed.xml": feed}, "127.0.0.82") as srv:
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"industries:\n  x:\n    feeds: [{srv.url('/feed.xml')}]\n")
        monkeypatch.setenv("INNERCIRCLE_SOURCES", str(sources))
        monkeypatch.setenv("INNERCIRCLE_WAREHOUSE", str(warehouse))
        monkeypatch.setenv("INNERCIRCLE_ALLOW_PRIVATE_NETWORKS", "1")
        monkeypatch.setenv("INNERCIRCLE_RESPECT_ROBOTS", "0")
        monkeypatch.delenv("DAGSTER_HOME", raising=False)
        code = cli.main(["run"])
    assert code == 1, capsys.readouterr().err[-2000:]
    assert free_during_run == [False]
    assert is_free(warehouse)


def test_a_run_submitted_to_celery_takes_no_lock_on_this_machine(tmp_path, monkeypatch):
    # Its warehouse is the workers' (on other machines): nothing is made for it here.
    from innercircle import cli, setting_checks
    from pipelines import runner

    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  x:\n    feeds: [https://a.example/feed]\n")
    warehouse = tmp_path / "workers" / "innercircle.duckdb"
    monkeypatch.setenv("INNERCIRCLE_SOURCES", str(sources))
    monkeypatch.setenv("INNERCIRCLE_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("INNERCIRCLE_EXECUTOR", "celery")
    submitted = []
    monkeypatch.setattr(cli, "run_and_report", lambda args, settings: submitted.append(1) or 0)
    # The broker, the PostgreSQL instance and the workers answer (checked:
    # tests/test_settings.py, tests/test_celery_queues.py)
    monkeypatch.setattr(setting_checks, "check_broker", lambda broker: None)
    monkeypatch.setattr(runner, "check_before_celery_run", lambda settings: None)
    assert cli.main(["run"]) == 0 and submitted
    assert not warehouse.parent.exists() and not lock_path(warehouse).exists()
