"""Sharded crawling with the multiprocess executor: shards of hosts are fetched by
parallel steps, DuckDB still has one writer, and the crawl fetches what the in-process
run fetched. Only the crawl group runs here: sharding happens there, and every step
after it is the same code whichever executor runs it (each step is a process here, so
the whole graph would cost minutes)."""

import multiprocessing.forkserver
import os
from pathlib import Path

import dagster as dg
import pytest

from innercircle import warehouse
from innercircle.settings import Settings
from innercircle.stages.early_parse import parsed_files

pytestmark = pytest.mark.slow(seconds=20)


@pytest.fixture
def sharded_env(tmp_path: Path, sample_env, dagster_home, monkeypatch):
    # The job's steps run in child processes that build their resources from the
    # environment: here, and only here, the test's settings go through os.environ.
    for key, value in sample_env(tmp_path, INNERCIRCLE_CRAWL_SHARDS="3").items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))  # the steps record their events
    return tmp_path


# Each step is still its own process, but forked from a server that imported the job's
# module once, instead of spawned to import Dagster and innercircle again (seconds of CPU
# per step, and the crawl group has 18 steps), and the instance's SQLite storage, which
# every step opens (SQLAlchemy, Alembic: half a second of CPU a step). As many steps at
# once as there are shards (the executor's default is one per core): the three shards'
# fetches wait on loopback sockets, not on each other. The storage module is Dagster's
# private one: the fork server skips a preload that fails to import, so a Dagster that
# renames it loses only the speed, never the test.
PRELOAD = ["pipelines.definitions", "dagster._core.storage.sqlite_storage"]
FORKSERVER = {"execution": {"config": {"max_concurrent": 3, "start_method": {
    "forkserver": {"preload_modules": PRELOAD}}}}}
CRAWL = [dg.AssetKey(name) for name in ("sources", "feeds", "author_pages", "articles")]
CRAWLED_SQL = """
SELECT 'article', url FROM articles WHERE outcome = 'ok'
UNION ALL SELECT 'feed', feed_url FROM feeds WHERE status = 'ok'
UNION ALL SELECT 'entry', url FROM feed_entries
UNION ALL SELECT 'author_page', url FROM author_pages WHERE error IS NULL
"""


def test_the_parallel_job_fetches_shards_in_separate_steps_and_reads_every_article(
    sharded_env, sample_web, sample_server, sample_run, monkeypatch
):
    from dagster._core.execution.plan import instance_concurrency_context

    from pipelines.definitions import parallel_job, run_partition_key

    # A step the `duckdb_writer` pool holds back asks for its slot again after 1 s, then
    # 1.1 s, 1.21 s ... (Dagster's backoff). A tenth of the first wait changes no step and
    # no result, only how soon a blocked step starts once the slot is free.
    monkeypatch.setattr(instance_concurrency_context, "INITIAL_INTERVAL_VALUE", 0.1)

    # A NER pool made earlier in this process (the shared run, say) started the process's
    # one fork server with its own environment and preload (ner_pool.worker_context):
    # stop it, so the job's steps start from a server with this test's settings.
    multiprocessing.forkserver._forkserver._stop()
    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(
            dg.reconstructable(parallel_job),
            instance=instance,
            tags={"dagster/partition": run_partition_key(Settings.from_env())},
            asset_selection=CRAWL,
            run_config=FORKSERVER,
        )
        assert result.success
        steps = {e.step_key for e in result.get_step_success_events()}
        read_early = [e.user_message for e in instance.all_logs(result.run_id)
                      if "pages read during the fetch" in (e.user_message or "")]
    for stage in ("feeds.fetch_feeds", "articles.fetch_articles"):
        shard_steps = {s for s in steps if s.startswith(stage + "[")}
        assert len(shard_steps) == 3, (stage, sorted(steps))

    # The crawl steps write the working copy; publishing is the last step.
    work = warehouse.working_path(Path(os.environ["INNERCIRCLE_WAREHOUSE"]))
    with warehouse.connect(work, read_only=True) as con:
        crawled = set(con.execute(CRAWLED_SQL).fetchall())
    with warehouse.connect(sample_run.warehouse, read_only=True) as con:
        in_process = set(con.execute(CRAWLED_SQL).fetchall())
    planted = {sample_server.url(a.host, a.path) for a in sample_web.articles}
    assert planted <= {url for kind, url in crawled if kind == "article"}
    assert crawled == in_process
    # No documents step in this run, so no page was read during its crawl (each article
    # shard's reader would have cost a process and held its step's end for nothing): no
    # fetch step had a reader (it says how many it read, or left), and none wrote a file.
    assert read_early == []
    assert parsed_files(Settings.from_env().lake_location) == []
