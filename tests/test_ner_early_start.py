"""NER workers started ahead of their step: their model load overlaps the steps before,
the step takes the same workers and finds the same people; a pool never taken is
stopped."""

from __future__ import annotations

import time

import pytest

from assets.resources import NerModelResource
from innercircle.errors import ModelLoadError
from innercircle.extract import ner_pool
from innercircle.extract.people import language_models

TEXTS = [
    "Jane Smith, the chief executive, said the results were strong. Smith added more.",
    "Analysts including Rahul Mehta and Maria Garcia disagreed, Garcia told reporters.",
] * 3


def _workers(pool: ner_pool.PooledPersonFinder, expected: int, wait_s: float = 60) -> set[int]:
    """The pool's worker pids, once ``expected`` of them exist."""
    assert pool._pool is not None
    deadline = time.monotonic() + wait_s
    while len(pool._pool._processes) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return set(pool._pool._processes)


@pytest.fixture(autouse=True)
def nothing_left_running():
    """A failed assertion must not leave spawned workers for the next test to find."""
    yield
    ner_pool.close_early()


@pytest.fixture
def single(finder):
    try:
        return finder.find_people(TEXTS)
    except ModelLoadError as exc:  # pragma: no cover - the model is installed by make
        pytest.skip(f"spaCy model unavailable: {exc}")


def test_the_step_takes_the_workers_started_early_and_finds_the_same_people(single):
    resource = NerModelResource(processes=2)
    resource.start_early()  # returns at once: the workers load their model meanwhile
    models = resource.language_models()
    started = _workers(ner_pool._EARLY[ner_pool._early_key(models, 2)], 2)
    assert len(started) == 2  # both spawned before any text was sent

    with resource.pooled_finder(shards=1) as pooled:
        assert pooled.early
        assert pooled.find_people(TEXTS) == single
        assert _workers(pooled, 2) == started
    assert ner_pool._EARLY == {}
    with resource.pooled_finder(shards=1) as fresh:  # nothing started early any more
        assert not fresh.early


def test_a_pool_started_early_and_never_taken_is_stopped():
    models = language_models()
    ner_pool.start_early(models, 2)
    pool = ner_pool._EARLY[ner_pool._early_key(models, 2)]
    assert len(_workers(pool, 2)) == 2
    processes = list(pool._pool._processes.values())
    assert all(p.is_alive() for p in processes)
    ner_pool.close_early()
    assert ner_pool._EARLY == {} and pool._pool is None
    assert not any(p.is_alive() for p in processes)


def test_one_process_starts_nothing_early():
    ner_pool.start_early(language_models(), 1)  # the step loads the model in its process
    assert ner_pool._EARLY == {}


def test_texts_read_ahead_are_not_read_again_and_give_the_same_people(finder, monkeypatch):
    texts = TEXTS + ["Nobody is named here.", "", "Dr. Amelia Ortiz spoke first; Ortiz left."]
    langs = ["en"] * len(texts)
    try:
        single = finder.analyse(texts, langs)
    except ModelLoadError as exc:  # pragma: no cover - the model is installed by make
        pytest.skip(f"spaCy model unavailable: {exc}")
    monkeypatch.setattr(ner_pool, "CHUNK", 4)  # chunks sent while "documents" are built
    with ner_pool.PooledPersonFinder(finder.models, 2) as pooled:
        assert pooled.read_ahead(texts[:5], langs[:5])
        assert pooled.read_ahead(texts[5:7], langs[5:7])
        sent = pooled._texts_read
        assert sent == 4  # one full chunk sent, three texts wait for the next
        found = pooled.analyse(texts, langs)  # the rest: read now
        assert pooled._texts_read == len(texts)  # each text read once
    assert [d.mentions for d in found] == [d.mentions for d in single]
    assert [d.labels for d in found] == [d.labels for d in single]
    assert any(d.mentions for d in found)


def test_reading_ahead_stops_at_its_bound(monkeypatch, finder):
    monkeypatch.setattr(ner_pool, "AHEAD_KEPT", 3)
    with ner_pool.PooledPersonFinder(finder.models, 2) as pooled:
        assert pooled.read_ahead(TEXTS[:2], ["en"] * 2)
        assert not pooled.read_ahead(TEXTS[2:4], ["en"] * 2)  # 4 would be held
        assert len(pooled.analyse(TEXTS[:4], ["en"] * 4)) == 4


def test_a_run_whose_ner_step_never_takes_the_workers_stops_them_when_it_ends():
    import dagster as dg

    @dg.asset
    def builds_documents(ner: NerModelResource) -> None:
        assert ner.start_early() is not None  # and no NER step follows

    result = dg.materialize(
        [builds_documents], resources={"ner": NerModelResource(processes=2)}
    )
    assert result.success
    assert ner_pool._EARLY == {}


def test_the_nightly_job_starts_ner_early_and_the_parallel_job_does_not():
    """Workers started early live in the run's process: only a job whose steps all run
    there (the default ``nightly``) may start them; ``nightly_parallel`` runs each step in
    a process of its own."""
    from pipelines.definitions import defs

    ner = NerModelResource(processes=2)
    assert ner.starts_early_in(defs.resolve_job_def("nightly"))
    assert not ner.starts_early_in(defs.resolve_job_def("nightly_parallel"))
    assert not NerModelResource(processes=2, shards=2).starts_early_in(
        defs.resolve_job_def("nightly")
    )


def test_a_read_ahead_that_fails_warns_once_lets_the_workers_go_and_stops():
    """Reading ahead is a speed-up: its failure (a worker that died, a model that will not
    load) must never roll back the documents step that calls it."""
    from innercircle.stages.ner_shards import best_effort

    sent, warned, stopped = [], [], []

    def send(rows: list[dict]) -> None:
        sent.append(rows)
        if len(sent) == 2:
            raise RuntimeError("A child process terminated abruptly")

    reader = best_effort(send, warned.append, lambda: stopped.append(True))
    for batch in ([{"n": 1}], [{"n": 2}], [{"n": 3}]):
        reader(batch)  # never raises
    assert sent == [[{"n": 1}], [{"n": 2}]]  # nothing sent after the failure
    assert stopped == [True]
    (message,) = warned
    assert "RuntimeError" in message and "read these texts itself" in message


def test_starting_the_workers_does_not_wait_for_them():
    """A worker forked from the fork server is only started once the server has imported
    spaCy (seconds, the first time): the step that starts them goes on meanwhile."""
    import threading

    returned, release, seen = threading.Event(), threading.Event(), []
    with ner_pool.PooledPersonFinder(language_models(), 2) as pooled:
        submit = pooled._pool.submit

        def held_submit(fn, *args):  # a process start that takes as long as the test wants
            release.wait(5)
            seen.append(returned.is_set())
            return submit(fn, *args)

        pooled._pool.submit = held_submit
        pooled.start_workers()
        returned.set()
        release.set()
        assert len(_workers(pooled, 2)) == 2
    assert seen == [True, True]  # start_workers had returned before any process started


def test_workers_started_for_a_night_with_nothing_new_stop_when_the_plan_finds_nothing(
    tmp_path,
):
    """The crawl starts NER workers as soon as the feeds announce pages; when no document
    then needs NER, ``plan_mentions`` stops them, not the end of the run."""
    import dagster as dg

    from assets.extraction import mentions
    from assets.resources import LakeResource, WarehouseResource
    from innercircle import warehouse

    work = tmp_path / "innercircle.work.duckdb"
    with warehouse.connect(work) as con:
        warehouse.ensure_schema(con)
    ner = NerModelResource(processes=2)
    assert ner.start_early() is not None
    resources = {
        "warehouse_db": WarehouseResource(database=str(work)),
        "ner": ner,
        "lake_store": LakeResource(location=str(tmp_path / "lake")),
    }
    plan = mentions.node_def.node_named("plan_mentions").definition  # the graph's first op
    with dg.build_op_context(resources=resources) as context:
        list(plan(context))
        assert ner_pool._EARLY == {}  # stopped by the step, before any teardown
