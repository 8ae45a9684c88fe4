"""A Celery worker checks what its queues' steps need as it starts (pipelines/worker_checks.py):
a lake it cannot write or a missing spaCy model ends it with one line, instead of a worker
that says "ready" and a run that fails 12-40 s later."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from innercircle.settings import SettingError, Settings
from pipelines.worker_checks import check_worker

ROOT = Path(__file__).resolve().parents[1]


def _settings(tmp_path: Path) -> Settings:
    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  fintech:\n    feeds: [https://a.example/feed]\n")
    return Settings(sources_path=sources, warehouse_path=tmp_path / "wh" / "w.duckdb",
                    lake=str(tmp_path / "lake"), spacy_model="blank:en")


def test_each_worker_checks_what_the_steps_of_its_queues_need(tmp_path):
    ok = _settings(tmp_path)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    for queues in ({"dagster"}, {"warehouse"}, {"dagster", "warehouse"}):
        check_worker(ok, queues)
        # every step hands its output over through the lake
        with pytest.raises(SettingError, match=f"^INNERCIRCLE_LAKE=.*: {a_file} is a file"):
            check_worker(ok.replace(lake=str(a_file / "lake")), queues)
    no_model = ok.replace(spacy_model="en_core_web_not_installed")
    # NER runs on the default queue: its workers need the model, the warehouse's do not
    with pytest.raises(SettingError, match="^INNERCIRCLE_SPACY_MODEL=en_core_web_not_installed"):
        check_worker(no_model, {"dagster"})
    check_worker(no_model, {"warehouse"})
    # the warehouse's steps write it and the feeds and reports, and read the sources file
    for changes, env in (({"warehouse_path": a_file / "w.duckdb"}, "INNERCIRCLE_WAREHOUSE"),
                         ({"reports_dir": a_file}, "INNERCIRCLE_REPORTS_DIR"),
                         ({"sources_path": tmp_path / "none.yaml"}, "INNERCIRCLE_SOURCES")):
        with pytest.raises(SettingError, match=f"^{env}="):
            check_worker(ok.replace(**changes), {"warehouse"})
        check_worker(ok.replace(**changes), {"dagster"})


@pytest.mark.timeout(180)
def test_a_worker_whose_lake_cannot_be_written_stops_at_start_with_one_line(tmp_path):
    from tests import services

    pytest.importorskip("dagster_celery")
    if services.missing():
        pytest.skip(services.missing())
    home = tmp_path / "dagster_home"  # dagster-celery writes the worker's config there
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    bin_dir = Path(sys.executable).parent  # dagster-celery starts `celery` from PATH
    with services.redis_server() as broker:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(home),
               "PATH": str(bin_dir) + os.pathsep + os.environ.get("PATH", ""),
               "INNERCIRCLE_CELERY_BROKER": broker, "INNERCIRCLE_LAKE": str(a_file / "lake")}
        worker = subprocess.Popen(
            [str(bin_dir / "dagster-celery"), "worker", "start", "-A", "dagster_celery.app",
             "-y", "deploy/celery/celery.yaml", "-i", "pipelines.definitions", "-q", "dagster",
             "-l", "WARNING", "--", "--concurrency=1"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )
        try:
            _, err = worker.communicate(timeout=60)
        finally:
            services.stop(worker)
    said = [line for line in err.splitlines() if line.startswith("innercircle:")]
    assert said == [f"innercircle: error: this worker cannot run its steps: INNERCIRCLE_LAKE="
                    f"{a_file / 'lake'}: {a_file} is a file, not a folder"], err[-3000:]
    assert "exit status 2" in err  # celery ended; dagster-celery says so in its own way
