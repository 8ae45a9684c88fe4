"""An analyst with the warehouse open neither blocks nor breaks the nightly run, and never
sees a half-written ranking. The run is `innercircle run --reextract` from a shell, over a
copy of the session's shared sample-web warehouse."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from innercircle import warehouse
from tests.conftest import ROOT, copy_warehouse, innercircle
from tests.fresh_reader import WhenChanged, check_complete

pytestmark = pytest.mark.slow(seconds=40)


def test_readers_during_a_full_run_see_only_complete_rankings(
    sample_run, tmp_path, dagster_home
):
    # NER as users run it: a pool of two workers, started early by the documents step and
    # reading each batch of documents ahead (the shared run uses one process, to be quick).
    home = dagster_home  # the run's events are read back from this instance
    env = copy_warehouse(
        sample_run, tmp_path, INNERCIRCLE_NER_PROCESSES="2", DAGSTER_HOME=str(home)
    )
    public = Path(env["INNERCIRCLE_WAREHOUSE"])
    # The feeds are read again in full (not 304): they announce their pages, so the crawl
    # starts the NER workers, as on a night with new articles.
    with duckdb.connect(str(warehouse.working_path(public))) as con:
        con.execute("DELETE FROM http_cache WHERE url IN (SELECT feed_url FROM feeds)")
    voices = "SELECT industry, person_id, rank, round(score, 9) FROM recurring_voices ORDER BY ALL"
    held = duckdb.connect(str(public), read_only=True)  # opened before the run, kept open
    before = check_complete(held)
    extracted_before = held.execute("SELECT max(extracted_at) FROM mention_extractions").fetchone()
    stop = threading.Event()
    seen: dict[str, int] = {"queries": 0}
    errors: list[BaseException] = []

    def analyst_with_the_file_open() -> None:
        # Through the held connection, whenever the file changed (and twice a second), as
        # the fresh reader below: querying it blindly 20 times a second took ~2 CPU s.
        when = WhenChanged(public)
        while not stop.is_set():
            if when.due():
                try:
                    assert check_complete(held) == before
                    seen["queries"] += 1
                except BaseException as exc:  # noqa: BLE001 - collected and re-raised below
                    errors.append(exc)
                    return
            when.pause()

    # And one who opens the file afresh each time, in a process of their own (see
    # tests/fresh_reader.py): they see each published ranking, whole.
    done = tmp_path / "run-done"
    fresh = subprocess.Popen(
        [sys.executable, "-m", "tests.fresh_reader", str(public), str(done)],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True,
    )
    reader = threading.Thread(target=analyst_with_the_file_open, daemon=True)
    reader.start()
    try:
        # A full run that rewrites documents, mentions, people and the ranking.
        result = innercircle("run", "--reextract", env=env)
    finally:
        stop.set()
        done.touch()
        reader.join(timeout=30)
        held.close()
        try:
            said_fresh = fresh.communicate(timeout=60)[0]
        except subprocess.TimeoutExpired:
            fresh.kill()  # stopped by PID, never left behind
            said_fresh = fresh.communicate()[0]
    assert result.returncode == 0, result.stderr[-3000:]
    assert fresh.returncode == 0, f"the fresh reader exited {fresh.returncode}: {said_fresh!r}"
    saw = json.loads(said_fresh)
    assert not errors, errors[0]
    assert seen["queries"] > 10
    assert saw["error"] is None, saw["error"]
    assert saw["queries"] > 10
    # The fresh reader read the file as it was and as the run published it, each whole.
    assert len(saw["extracted"]) >= 2, saw
    with duckdb.connect(str(public), read_only=True) as con:
        assert check_complete(con) == before  # nothing lost: same web, same ranking shape
        again = con.execute(voices).fetchall()
        extracted_after = con.execute(
            "SELECT min(extracted_at) FROM mention_extractions"
        ).fetchone()
    # What a user sees from `innercircle run`: a summary, then the top voices.
    for line in ("sources ", "fetches ", "documents ", "warehouse ", "rank  name"):
        assert line in result.stdout, line
    assert extracted_after > extracted_before  # --reextract extracted every document again
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        said = [entry.user_message for entry in instance.all_logs(run.run_id)]
    assert any("NER workers start during the crawl" in line for line in said)
    assert any("(workers started early)" in line for line in said)  # the step took them
    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        assert again == con.execute(voices).fetchall()  # the pool finds what one process found
