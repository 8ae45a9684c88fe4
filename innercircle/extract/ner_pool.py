"""People found on every core: :class:`PersonFinder` in a pool of worker processes.

spaCy's NER holds the GIL, so threads do not help and one process uses one core. Two
ways to use more are measured side by side (benchmarks/ner_parallel.py): spaCy's own
``nlp.pipe(n_process=N)`` and this pool. On a busy shared machine the two were within a
few percent of each other; the pool is the default because

* each worker sends back a few :class:`~innercircle.model.PersonMention` per document,
  where ``n_process`` serialises every whole ``Doc`` (tokens, vectors) back to the
  parent, which costs memory and time on long texts;
* workers are never forked from the parent: it may run threads (Dagster's, httpx's)
  and forking a threaded process can deadlock. They are forked from a fork server
  (:func:`worker_context`), a fresh single-threaded process that imported spaCy and
  this module once, so a worker (and each renewal of the pool) skips those imports,
  about a second of CPU per worker; where there is no fork server, they are spawned.
  The model loads once per worker;
* texts travel in small chunks, so a long document never makes a batch wait for it
  and at most ``processes × chunk`` texts are in flight.

With one process (or inside a daemonic process, e.g. a Celery prefork worker, which may
not start children) the finder runs in this process, with the same results.

When every step of a run shares one process, NER need not wait for its own step: the
step that builds documents starts the workers (:func:`start_early`) and hands them each
batch of new texts (:meth:`PooledPersonFinder.read_ahead`) while it parses the next, so
the model load and most of the reading use the core that parsing leaves free; the NER
step then takes the workers and the results (each text is read once, with the same
model and the same cap, hence the same people).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from innercircle import worker_pools
from innercircle.extract.people import (
    DEFAULT_LANGUAGE,
    DocPeople,
    PersonFinder,
    cannot_load,
    reading_language,
    truncate_text,
)
from innercircle.model import PersonMention

#: Texts sent to a worker at once: small enough that the cores stay evenly busy.
CHUNK = 16
#: ... and at most this many characters (unless one text is longer): a worker's memory
#: peaks with the batch spaCy holds at once, so 16 long texts must not go together. On
#: the real-page replay a worker reading 16-text chunks peaked at 960 MB, the largest
#: process of the run. Sample-web chunks (about 1,000 characters a text) are unchanged.
CHUNK_CHARS = 100_000
#: Texts the workers read (all together) before they are replaced by fresh ones, between
#: two calls. A worker's memory grows with the texts it has read (spaCy's vocabulary keeps
#: every new word it meets, and the heap the high-water mark of the longest batch): on
#: the sample web the largest worker held 301 MB after about 300 texts and 538 MB after
#: about 4,400. Recycling bounds it by this many texts, not by the corpus, for one model
#: load per worker per recycling. (Not ``max_tasks_per_child``: on Python 3.11 it can
#: deadlock, CPython gh-115634.)
TEXTS_PER_POOL = 4096

#: Texts read ahead (:meth:`PooledPersonFinder.read_ahead`) that may wait for a worker at
#: once, and results read ahead that may wait for their step.
AHEAD_IN_FLIGHT = 512
AHEAD_KEPT = TEXTS_PER_POOL

_WORKER_FINDER: PersonFinder | None = None
T = TypeVar("T")


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
    return truncate_text(text, max_chars), True


def chunk_length(texts: Sequence[str]) -> int:
    """How many of ``texts``, from the first, make one chunk: :data:`CHUNK`, or fewer
    once they pass :data:`CHUNK_CHARS` characters together (always at least one)."""
    chars = 0
    for i, text in enumerate(texts[:CHUNK]):
        chars += len(text)
        if chars > CHUNK_CHARS and i > 0:
            return i
    return min(len(texts), CHUNK)


def split_chunks(items: Sequence[T], text_of: Callable[[T], str]) -> list[list[T]]:
    """``items`` cut into consecutive chunks (see :func:`chunk_length`)."""
    chunks: list[list[T]] = []
    start = 0
    while start < len(items):
        n = chunk_length([text_of(x) for x in items[start : start + CHUNK]])
        chunks.append(list(items[start : start + n]))
        start += n
    return chunks


def worker_context(models: Mapping[str, str]) -> multiprocessing.context.BaseContext:
    """How workers start: on Linux, forked from the fork server, which imports this
    module, spaCy and its models' languages once before the first worker; spawned
    elsewhere (on macOS forking after numpy and spaCy are imported is unsafe). Both start
    from a fresh process, never a fork of the (threaded) caller.

    Python keeps one fork server per process, with the environment and preload it had
    when first started. A pool that starts it therefore fixes both for anything else in
    the process that later uses the fork server, e.g. a Dagster multiprocess executor
    with ``start_method: forkserver`` run from the same process (a test does: it stops
    the server first). A run never does this: the in-process executor has no step
    processes, and under the multiprocess executor NER runs in the step processes."""
    if sys.platform != "linux":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    languages = [f"spacy.lang.{lang}" for lang in sorted(models)]
    context.set_forkserver_preload([__name__, "spacy", *languages])
    return context


def _init_worker(models: dict[str, str], owner: int) -> None:
    global _WORKER_FINDER
    # Ctrl-C in a terminal reaches the whole process group: the run's process stops the
    # pool, and a worker printing its own KeyboardInterrupt traceback would only bury the
    # one line the command prints. A run killed outright stops nothing: then the worker
    # ends by itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker_pools.end_with(owner)
    _WORKER_FINDER = PersonFinder(models=models)


def _find(texts: list[str]) -> list[list[PersonMention]]:
    assert _WORKER_FINDER is not None
    return _WORKER_FINDER.find_people(texts)


def _analyse(chunk: tuple[list[str], list[str | None] | None]) -> list[DocPeople]:
    assert _WORKER_FINDER is not None
    return _WORKER_FINDER.analyse(*chunk)


def _ready() -> bool:
    return _WORKER_FINDER is not None


def languages_read(texts: Sequence[str], languages: Sequence[str | None]) -> list[str | None]:
    """Each text's language as a worker would read it (:func:`reading_language`), decided
    here: a text of unknown language is identified by this process, so no worker loads
    the language identifier (about 80 MB and a second of CPU per worker, every time the
    pool is renewed) for the few texts (author pages) that need it. Under the in-process
    executor the process that builds documents holds it already; elsewhere the NER step
    loads it once."""
    return [reading_language(t, lang) for t, lang in zip(texts, languages, strict=True)]


def _ahead_key(text: str, lang: str | None) -> tuple[bytes, str | None]:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest(), lang


def _check_installed(models: Mapping[str, str]) -> None:
    """A model no worker can load fails here, in one line, not as every worker's failed
    start (``BrokenProcessPool``) after the step has begun (a run launched from the UI,
    where no command checked the settings first)."""
    from innercircle.setting_checks import is_installed_model

    for name in models.values():
        if not is_installed_model(name):
            raise cannot_load(name, "not installed")


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
        # read_ahead: texts waiting for a full chunk, and chunks sent, by (text, language)
        self._ahead_buffer: list[tuple[str, str | None]] = []
        self._ahead: dict[tuple[bytes, str | None], deque[tuple[Future, int]]] = {}
        self._ahead_texts = 0  # texts read ahead and not yet taken by analyse
        self._in_flight: deque[tuple[Future, int]] = deque()  # chunks sent, their texts
        self._in_flight_texts = 0
        self._starting: threading.Thread | None = None  # start_workers' submitting thread
        if self.processes == 1:
            self._local = local or PersonFinder(models=models)
        else:
            _check_installed(models)
            self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return worker_pools.track(
            ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=worker_context(self.models),
                initializer=_init_worker,
                initargs=(self.models, os.getpid()),
            )
        )

    def start_workers(self) -> None:
        """Start every worker and return at once: each loads its model while the caller
        goes on (a pool spawns its workers on demand, one per task submitted while none
        is idle, so one no-op task per worker starts them all). The tasks are submitted
        from a thread: starting a process from the fork server waits until the server
        has imported spaCy (seconds on its first use), which the caller need not."""
        if self._pool is not None:
            pool = self._pool
            self._starting = threading.Thread(
                target=lambda: [pool.submit(_ready) for _ in range(self.processes)],
                name="ner-workers-start",
                daemon=True,
            )
            self._starting.start()

    def _workers_for(self, texts: int) -> ProcessPoolExecutor:
        """The pool for the next ``texts``: fresh workers once these have read
        :data:`TEXTS_PER_POOL` (nothing is in flight between two calls)."""
        assert self._pool is not None
        if self._texts_read >= TEXTS_PER_POOL:
            pool, self._pool = self._pool, None  # stopped, even if interrupted
            worker_pools.stop(pool, cancel_futures=False)
            self._pool = self._start()
            self._texts_read = 0
        self._texts_read += texts
        return self._pool

    def find_people(self, texts: Sequence[str]) -> list[list[PersonMention]]:
        texts = list(texts)
        if self._local is not None:
            return self._local.find_people(texts)
        pool = self._workers_for(len(texts))
        chunks = split_chunks(texts, str)
        return [found for chunk in pool.map(_find, chunks) for found in chunk]

    def read_ahead(self, texts: Sequence[str], languages: Sequence[str | None]) -> bool:
        """Send texts to the workers now, before the step that reads them: a later
        :meth:`analyse` of the same text in the same language takes the result instead
        of reading it again. The texts and results held are bounded: at most
        :data:`AHEAD_IN_FLIGHT` texts wait for a worker (this call waits for the oldest
        chunk beyond that, so the caller goes at NER's pace), and beyond
        :data:`AHEAD_KEPT` results not yet taken, texts are no longer read ahead.
        Returns whether the texts were taken."""
        if self._pool is None or self._ahead_texts + len(texts) > AHEAD_KEPT:
            return False
        languages = languages_read(texts, languages)
        self._ahead_buffer.extend(zip(texts, languages, strict=True))
        self._ahead_texts += len(texts)
        while self._ahead_buffer:
            n = chunk_length([t for t, _ in self._ahead_buffer[:CHUNK]])
            if n == len(self._ahead_buffer) and n < CHUNK:
                break  # not full yet: it waits for more texts (or for analyse)
            self._send_ahead(self._ahead_buffer[:n])
            del self._ahead_buffer[:n]
        return True

    def _send_ahead(self, items: list[tuple[str, str | None]]) -> None:
        assert self._pool is not None
        while self._in_flight_texts >= AHEAD_IN_FLIGHT:
            done, n = self._in_flight.popleft()
            done.result()
            self._in_flight_texts -= n
        self._texts_read += len(items)
        future = self._pool.submit(_analyse, ([t for t, _ in items], [lang for _, lang in items]))
        self._in_flight.append((future, len(items)))
        self._in_flight_texts += len(items)
        for i, (text, lang) in enumerate(items):
            self._ahead.setdefault(_ahead_key(text, lang), deque()).append((future, i))

    def _taken_ahead(self, text: str, lang: str | None) -> DocPeople | None:
        """The result read ahead for this text in this language, if any (once)."""
        if self._ahead_buffer:  # the last, partial chunk goes now
            self._send_ahead(self._ahead_buffer)
            self._ahead_buffer = []
        key = _ahead_key(text, lang)
        queued = self._ahead.get(key)
        if not queued:
            return None
        future, i = queued.popleft()
        if not queued:
            del self._ahead[key]
        self._ahead_texts -= 1
        return future.result()[i]

    def analyse(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[DocPeople]:
        """:meth:`PersonFinder.analyse` (each text with its language's model), pooled;
        texts already sent by :meth:`read_ahead` are not read again."""
        texts = list(texts)
        if self._local is not None:
            return self._local.analyse(texts, languages)
        # no languages: every text is English (PersonFinder.analyse), None items detected
        langs = languages_read(
            texts, list(languages) if languages is not None else [DEFAULT_LANGUAGE] * len(texts)
        )
        out: list[DocPeople | None] = [None] * len(texts)
        if self._ahead or self._ahead_buffer:
            out = [self._taken_ahead(t, lang) for t, lang in zip(texts, langs, strict=True)]
        todo = [i for i, found in enumerate(out) if found is None]
        if todo:
            self._in_flight.clear()  # from here on, only results still to be taken
            self._in_flight_texts = 0
            pool = self._workers_for(len(todo))
            chunks = [
                ([texts[i] for i in part], [langs[i] for i in part])
                for part in split_chunks(todo, lambda i: texts[i])
            ]
            found = (d for chunk in pool.map(_analyse, chunks) for d in chunk)
            for i, doc in zip(todo, found, strict=True):
                out[i] = doc
        return out  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the workers, waiting for the chunks they are reading. Interrupted (a
        second Ctrl-C while the first stops the run), it kills them instead: they ignore
        SIGINT, so a pool left running would keep the run's process from ever exiting
        (:mod:`~innercircle.worker_pools`)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            if self._starting is not None:
                self._starting.join()  # its tasks are submitted before the pool shuts down
        except BaseException:
            worker_pools.kill(pool)
            raise
        worker_pools.stop(pool)

    def __enter__(self) -> PooledPersonFinder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ------------------------------------------------------------------ started early

#: Pools started ahead of their step (:func:`start_early`), by (models, processes).
_EARLY: dict[tuple, PooledPersonFinder] = {}


def _early_key(models: Mapping[str, str], processes: int) -> tuple:
    return tuple(sorted(models.items())), processes


def start_early(models: Mapping[str, str], processes: int) -> PooledPersonFinder | None:
    """Start a pool's workers now, for a NER step that will run later in this process.

    Spawning a worker and loading its model takes seconds of CPU that a step which only
    waits for NER would spend idle; started while other steps (building documents) keep
    one core busy, the load uses the cores they leave free. Only for one process running
    every step (Dagster's in-process executor): a step in another process cannot take
    it. :func:`take_early` hands it over; :func:`close_early` stops one never taken.
    Returns the pool (to :meth:`~PooledPersonFinder.read_ahead` texts), None with one
    process.
    """
    key = _early_key(models, processes)
    if processes > 1 and key not in _EARLY and not multiprocessing.current_process().daemon:
        _EARLY[key] = PooledPersonFinder(models, processes)
        _EARLY[key].start_workers()
        _EARLY[key].early = True
    return _EARLY.get(key)


def take_early(models: Mapping[str, str], processes: int) -> PooledPersonFinder | None:
    """The pool :func:`start_early` started with these models and processes (the caller
    now owns it and closes it), or None."""
    return _EARLY.pop(_early_key(models, processes), None)


def close_early() -> None:
    """Stop every pool started early and never taken (a run with nothing to read)."""
    while _EARLY:
        _EARLY.popitem()[1].close()
