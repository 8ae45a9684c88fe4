"""Sharded crawling with the multiprocess executor: shards of hosts are fetched by
parallel steps, DuckDB still has one writer, and the result is the same warehouse."""

import os
from pathlib import Path

import dagster as dg
import pytest

from innercircle import warehouse
from innercircle.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def sharded_env(tmp_path: Path, sample_env, monkeypatch):
    # The job's steps run in child processes that build their resources from the
    # environment: here, and only here, the test's settings go through os.environ.
    for key, value in sample_env(tmp_path, INNERCIRCLE_CRAWL_SHARDS="3").items():
        monkeypatch.setenv(key, value)
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        (Path(__file__).resolve().parents[1] / "dagster.yaml").read_text()
    )
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return tmp_path


def test_the_parallel_job_fetches_shards_in_separate_steps_and_reads_every_article(
    sharded_env, sample_web, sample_server
):
    from pipelines.definitions import parallel_job, run_partition_key

    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(
            dg.reconstructable(parallel_job),
            instance=instance,
            tags={"dagster/partition": run_partition_key(Settings.from_env())},
        )
        assert result.success
        steps = {e.step_key for e in result.get_step_success_events()}
    for stage in ("feeds.fetch_feeds", "articles.fetch_articles"):
        shard_steps = {s for s in steps if s.startswith(stage + "[")}
        assert len(shard_steps) == 3, (stage, sorted(steps))

    public = Path(os.environ["INNERCIRCLE_WAREHOUSE"])
    with warehouse.connect(public, read_only=True) as con:
        fetched = {
            r[0] for r in con.execute("SELECT url FROM articles WHERE outcome = 'ok'").fetchall()
        }
        ranked = con.execute("SELECT count(DISTINCT industry) FROM recurring_voices").fetchone()
    planted = {sample_server.url(a.host, a.path) for a in sample_web.articles}
    assert planted <= fetched
    assert ranked == (len(sample_web.industries),)
