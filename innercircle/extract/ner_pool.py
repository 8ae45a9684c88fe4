"""People found on every core: :class:`PersonFinder` in a pool of worker processes.

spaCy's NER holds the GIL, so threads do not help and one process uses one core. Two
ways to use more are measured side by side (benchmarks/ner_parallel.py): spaCy's own
``nlp.pipe(n_process=N)`` and this pool. On a busy shared machine the two were within a
few percent of each other; the pool is the default because

* each worker sends back a few :class:`~innercircle.model.PersonMention` per document,
  where ``n_process`` serialises every whole ``Doc`` (tokens, vectors) back to the
  parent, which costs memory and time on long texts;
* workers are *spawned*, not forked: the parent may run threads (Dagster's, httpx's)
  and forking a threaded process can deadlock; the model loads once per worker;
* texts travel in small chunks, so a long document never makes a batch wait for it
  and at most ``processes × chunk`` texts are in flight.

With one process (or inside a daemonic process, e.g. a Celery prefork worker, which may
not start children) the finder runs in this process, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor

from innercircle.extract.people import DocPeople, PersonFinder, _truncate
from innercircle.model import PersonMention

#: Texts sent to a worker at once: small enough that the cores stay evenly busy.
CHUNK = 16
#: Texts the workers read (all together) before they are replaced by fresh ones, between
#: two calls. A worker's memory grows with the texts it has read (spaCy's vocabulary keeps
#: every new word it meets, and the heap the high-water mark of the longest batch): on
#: the sample web the largest worker held 301 MB after about 300 texts and 538 MB after
#: about 4,400. Recycling bounds it by this many texts, not by the corpus, for one model
#: load per worker per recycling. (Not ``max_tasks_per_child``: on Python 3.11 it can
#: deadlock, CPython gh-115634.)
TEXTS_PER_POOL = 4096

_WORKER_FINDER: PersonFinder | None = None


def cores() -> int:
    """CPUs this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def processes_for(requested: int, shards: int = 1) -> int:
    """Processes one NER step uses: ``requested``, or (0) this machine's cores shared
    among ``shards`` steps that may run at once; 1 inside a daemonic process."""
    if multiprocessing.current_process().daemon:
        return 1
    if requested > 0:
        return requested
    return max(1, cores() // max(1, shards))


def cap_text(text: str, max_chars: int) -> tuple[str, bool]:
    """The text NER reads, cut at a paragraph or sentence end before ``max_chars``;
    and whether it was cut."""
    text = text or ""
    if len(text) <= max_chars:
        return text, False
    return _truncate(text, max_chars), True


def _init_worker(models: dict[str, str]) -> None:
    global _WORKER_FINDER
    _WORKER_FINDER = PersonFinder(models=models)


def _find(texts: list[str]) -> list[list[PersonMention]]:
    assert _WORKER_FINDER is not None
    return _WORKER_FINDER.find_people(texts)


def _analyse(chunk: tuple[list[str], list[str | None] | None]) -> list[DocPeople]:
    assert _WORKER_FINDER is not None
    return _WORKER_FINDER.analyse(*chunk)


def _ready() -> bool:
    return _WORKER_FINDER is not None


class PooledPersonFinder:
    """``find_people`` over ``processes`` worker processes, results in input order.

    Use as a context manager (or call :meth:`close`): the workers live until then, so a
    step pays the model load once per worker, not once per batch.
    """

    def __init__(
        self,
        models: Mapping[str, str] | str,
        processes: int,
        local: PersonFinder | None = None,
    ) -> None:
        """``models``: language -> spaCy model (or one English model's name); ``local``: a
        finder already loaded in this process, used when ``processes`` is 1."""
        models = {"en": models} if isinstance(models, str) else dict(models)
        self.models = models
        self.processes = max(1, processes)
        self._local: PersonFinder | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._texts_read = 0  # by the current workers
        self.early = False  # started by start_early, before its step
        if self.processes == 1:
            self._local = local or PersonFinder(models=models)
        else:
            self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.models,),
        )

    def start_workers(self) -> None:
        """Spawn every worker now and return at once: each loads its model while the
        caller goes on (a pool spawns its workers on demand, one per task submitted while
        none is idle, so one no-op task per worker starts them all)."""
        if self._pool is not None:
            for _ in range(self.processes):
                self._pool.submit(_ready)

    def _workers_for(self, texts: int) -> ProcessPoolExecutor:
        """The pool for the next ``texts``: fresh workers once these have read
        :data:`TEXTS_PER_POOL` (nothing is in flight between two calls)."""
        assert self._pool is not None
        if self._texts_read >= TEXTS_PER_POOL:
            self._pool.shutdown(wait=True)
            self._pool = self._start()
            self._texts_read = 0
        self._texts_read += texts
        return self._pool

    def find_people(self, texts: Sequence[str]) -> list[list[PersonMention]]:
        texts = list(texts)
        if self._local is not None:
            return self._local.find_people(texts)
        pool = self._workers_for(len(texts))
        chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
        return [found for chunk in pool.map(_find, chunks) for found in chunk]

    def analyse(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[DocPeople]:
        """:meth:`PersonFinder.analyse` (each text with its language's model), pooled."""
        texts = list(texts)
        if self._local is not None:
            return self._local.analyse(texts, languages)
        pool = self._workers_for(len(texts))
        langs = list(languages) if languages is not None else None
        chunks = [
            (texts[i : i + CHUNK], langs[i : i + CHUNK] if langs is not None else None)
            for i in range(0, len(texts), CHUNK)
        ]
        return [found for chunk in pool.map(_analyse, chunks) for found in chunk]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PooledPersonFinder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ------------------------------------------------------------------ started early

#: Pools started ahead of their step (:func:`start_early`), by (models, processes).
_EARLY: dict[tuple, PooledPersonFinder] = {}


def _early_key(models: Mapping[str, str], processes: int) -> tuple:
    return tuple(sorted(models.items())), processes


def start_early(models: Mapping[str, str], processes: int) -> None:
    """Start a pool's workers now, for a NER step that will run later in this process.

    Spawning a worker and loading its model takes seconds of CPU that a step which only
    waits for NER would spend idle; started while other steps (building documents) keep
    one core busy, the load uses the cores they leave free. Only for one process running
    every step (Dagster's in-process executor): a step in another process cannot take
    it. :func:`take_early` hands it over; :func:`close_early` stops one never taken.
    """
    key = _early_key(models, processes)
    if processes > 1 and key not in _EARLY and not multiprocessing.current_process().daemon:
        _EARLY[key] = PooledPersonFinder(models, processes)
        _EARLY[key].start_workers()
        _EARLY[key].early = True


def take_early(models: Mapping[str, str], processes: int) -> PooledPersonFinder | None:
    """The pool :func:`start_early` started with these models and processes (the caller
    now owns it and closes it), or None."""
    return _EARLY.pop(_early_key(models, processes), None)


def close_early() -> None:
    """Stop every pool started early and never taken (a run with nothing to read)."""
    while _EARLY:
        _EARLY.popitem()[1].close()
