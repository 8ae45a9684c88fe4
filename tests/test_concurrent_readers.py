"""An analyst with the warehouse open neither blocks nor breaks the nightly run, and never
sees a half-written ranking. The run is `innercircle run --reextract` from a shell, over a
copy of the session's shared sample-web warehouse."""

import shutil
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import ROOT, copy_warehouse, innercircle

pytestmark = pytest.mark.slow(seconds=40)

RANKING_SHAPE = """
SELECT industry, count(*) AS voices, max(rank) AS last_rank, count(DISTINCT rank) AS ranks
FROM recurring_voices GROUP BY industry ORDER BY industry
"""


def check_complete(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    rows = con.execute(RANKING_SHAPE).fetchall()
    assert len(rows) == 4, rows
    for industry, voices, last_rank, ranks in rows:
        assert voices > 0 and voices == last_rank == ranks, (industry, voices, last_rank, ranks)
    return rows


def test_readers_during_a_full_run_see_only_complete_rankings(sample_run, tmp_path):
    # NER as users run it: a pool of two workers, started early by the documents step and
    # reading each batch of documents ahead (the shared run uses one process, to be quick).
    home = tmp_path / "dagster_home"  # the run's events are read back from this instance
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    env = copy_warehouse(
        sample_run, tmp_path, INNERCIRCLE_NER_PROCESSES="2", DAGSTER_HOME=str(home)
    )
    public = Path(env["INNERCIRCLE_WAREHOUSE"])
    voices = "SELECT industry, person_id, rank, round(score, 9) FROM recurring_voices ORDER BY ALL"
    held = duckdb.connect(str(public), read_only=True)  # opened before the run, kept open
    before = check_complete(held)
    extracted_before = held.execute("SELECT max(extracted_at) FROM mention_extractions").fetchone()
    stop = threading.Event()
    seen: dict[str, int] = {"queries": 0}
    errors: list[BaseException] = []

    def analyst() -> None:
        while not stop.is_set():
            try:
                fresh = duckdb.connect(str(public), read_only=True)
                try:
                    check_complete(fresh)
                finally:
                    fresh.close()
                assert check_complete(held) == before
                seen["queries"] += 2
            except BaseException as exc:  # noqa: BLE001 - collected and re-raised below
                errors.append(exc)
                return
            time.sleep(0.01)

    reader = threading.Thread(target=analyst, daemon=True)
    reader.start()
    try:
        # A full run that rewrites documents, mentions, people and the ranking.
        result = innercircle("run", "--reextract", env=env)
    finally:
        stop.set()
        reader.join(timeout=30)
        held.close()
    assert result.returncode == 0, result.stderr[-3000:]
    assert not errors, errors[0]
    assert seen["queries"] > 10
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
    assert any("(workers started early)" in line for line in said)
    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        assert again == con.execute(voices).fetchall()  # the pool finds what one process found
