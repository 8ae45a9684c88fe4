"""The NER pool replaces its workers after TEXTS_PER_POOL texts (their memory grows with
what they read), between two calls, and finds the same people before and after."""

from __future__ import annotations

import pytest

from innercircle.errors import ModelLoadError
from innercircle.extract import ner_pool
from innercircle.extract.ner_pool import PooledPersonFinder


def _worker_pids(pool: PooledPersonFinder) -> set[int]:
    assert pool._pool is not None
    return set(pool._pool._processes)


def test_workers_are_replaced_after_their_share_of_texts_with_the_same_results(monkeypatch):
    from innercircle.extract.people import PersonFinder
    from innercircle.settings import Settings

    model = Settings().spacy_model
    texts = [
        "Jane Smith, the chief executive, said the results were strong. Smith added more.",
        "Analysts including Rahul Mehta and Maria Garcia disagreed, Garcia told reporters.",
    ] * 4
    try:
        single = PersonFinder(model).find_people(texts)
    except ModelLoadError as exc:  # pragma: no cover - the model is installed by make
        pytest.skip(f"spaCy model unavailable: {exc}")
    monkeypatch.setattr(ner_pool, "TEXTS_PER_POOL", len(texts) + 1)
    with PooledPersonFinder(model, 2) as pooled:
        assert pooled.find_people(texts) == single
        first = _worker_pids(pooled)
        assert pooled.analyse(texts, ["en"] * len(texts))[0].mentions == single[0]
        assert _worker_pids(pooled) == first  # 8 texts read: under the limit, kept
        assert pooled.find_people(texts) == single  # 16 read before this call: replaced
        second = _worker_pids(pooled)
    assert first and second and not first & second
    assert any(single)


def test_ctrl_c_at_the_terminal_leaves_the_workers_to_the_run(tmp_path):
    """Ctrl-C reaches every process of the terminal's group; the workers ignore it (the
    run's process stops them), so they print no traceback of their own and still answer."""
    import os
    import signal

    from innercircle.settings import Settings

    model = Settings().spacy_model
    text = "Jane Smith, the chief executive, said the results were strong."
    try:
        with PooledPersonFinder(model, 2) as pooled:
            before = pooled.find_people([text] * 4)
            workers = _worker_pids(pooled)
            for pid in workers:
                os.kill(pid, signal.SIGINT)
            assert pooled.find_people([text] * 4) == before
            assert _worker_pids(pooled) == workers
    except ModelLoadError as exc:  # pragma: no cover - the model is installed by make
        pytest.skip(f"spaCy model unavailable: {exc}")
    assert before[0]


def test_a_model_that_is_not_installed_is_one_line_before_any_worker_starts():
    """A run launched from the UI is not checked by a command first: the pool says which
    model it cannot load, instead of every worker failing its start (BrokenProcessPool)."""
    with pytest.raises(ModelLoadError, match="'en_no_such_model_xyz' .not installed.; install it"):
        PooledPersonFinder({"en": "en_no_such_model_xyz"}, 2)
