"""Pages parsed while the crawl fetches them, so the documents step finds them read.

A fetch step mostly waits (politeness, the network) and leaves a core idle, while the
documents step later parses every new page in the run's process, beside the NER workers
that want both cores. So a fetch step of a kind whose pages are documents hands each
body it stores to :class:`EarlyParser`: one worker process reads it as the documents
step would, from the page alone (``content(html, url, None)``; the feed entry, which a
fetch step does not have, is applied later by the kind's ``with_feed``), and the results
go into the shard's folder in the lake (``parsed.parquet``: run, URL, document kind, the
body's digest and the pickled :class:`~innercircle.stages.kinds.PageContent`), a few
rows at a time, replaced with the shard's other files when the shard runs again.

The documents step (:func:`parsed_pages`) takes a result only for the page it was read
from (same URL, kind and digest as the stored body) and only from its own run (an older
run's files may have been parsed by older code), and parses every other page itself: a
crashed, partial or lagging early parse changes where a page is parsed, never its
document. The crawl does not wait for the worker's reading (only, when its fetch ends,
for the pages in flight): a page that arrives while :data:`IN_FLIGHT` pages wait for
the worker is left to the documents step, and a page the worker cannot read is too (the
documents step then reports it, as before).

The worker is spawned (never forked from the threaded run's process, and not from the
NER fork server, whose preload is NER's); it imports the page readers and loads their
models once, and runs at a lower priority (:data:`.early_reader.NICENESS`), so it takes only the CPU
the crawl leaves. Being spawned, it imports the main module of the process that starts
it as ``__mp_main__``: a script that runs the job must guard its entry point with
``if __name__ == "__main__":``, as for any spawned process (the CLI and Dagster's do).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from upath import UPath

from innercircle import lake, worker_pools
from innercircle.stages import early_reader
from innercircle.stages.kinds import PageContent, SourceKind

#: Pages waiting for the worker at once (their gzipped bodies are held until read); a
#: page arriving beyond that, or beyond :data:`IN_FLIGHT_BYTES`, is parsed later.
IN_FLIGHT = 64
IN_FLIGHT_BYTES = 16 * 2**20
#: Shards with fewer pages to fetch are not read early: the worker's start (0.6-0.8 CPU
#: seconds measured: imports and the readers' models) would cost more than the parsing it
#: moves (about 5 ms a sample-web page).
MIN_PAGES = 100
#: Results written to the lake at once (one row group).
WRITE_ROWS = 32
#: The file of parsed pages in a shard's folder.
PARSED = "parsed"
SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("url", pa.string()),
        ("kind", pa.string()),  # the document kind (documents.kind)
        ("content_hash", pa.string()),  # the body's digest (raw_pages.content_hash)
        ("content", pa.binary()),  # the pickled PageContent, read from the page alone
    ]
)


def reads_early(kind: SourceKind, pages: int) -> bool:
    """Whether a fetch of ``pages`` of the kind reads them early: they are documents,
    reading one needs no feed entry or the kind says how to add it later, there are
    enough of them, and this process may start a worker (a daemonic one, e.g. a Celery
    prefork worker, may not)."""
    return bool(
        pages >= MIN_PAGES
        and not multiprocessing.current_process().daemon
        and kind.document_kind
        and kind.content is not None
        and (not kind.feed_context or kind.with_feed is not None)
    )


def _start(processes: int) -> tuple[ProcessPoolExecutor, Future]:
    """A pool whose workers start (and warm) now, not at the first page; the future says
    when the first is ready."""
    pool = worker_pools.track(
        ProcessPoolExecutor(
            max_workers=max(1, processes),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=early_reader.warm,
            initargs=(os.getpid(),),
        )
    )
    return pool, pool.submit(early_reader.ready)


#: The worker started for every fetch step of a run that runs them all in this process
#: (:func:`start_early`), and when it is ready.
_EARLY: tuple[ProcessPoolExecutor, Future] | None = None


def start_early(processes: int = 1) -> None:
    """Start the worker now, for the fetch steps that will run later in this process.

    Its start (0.6-0.8 CPU seconds measured: it imports the page readers, not the
    crawl's modules, and loads the language identifier) is then
    paid while the crawl waits on the feeds, not while the article pages arrive; a fetch
    step that started its own worker found it ready only near its end. Only for one
    process running every step (Dagster's in-process executor): elsewhere each fetch
    step starts its own. :func:`close_early` stops it."""
    global _EARLY
    if _EARLY is None and not multiprocessing.current_process().daemon:
        _EARLY = _start(processes)


def start_during_crawl(
    starters: Iterable[Callable[[], object]], warn: Callable[[str], None]
) -> None:
    """Start workers for later steps of the run while the crawl waits (the page reader
    above, the mentions step's NER pool). Best effort, each on its own: one that cannot
    start (a missing model, Python refusing a new process) must not lose the crawl; it
    is one ``warn`` line, and the later steps start their own and report what fails."""
    for start in starters:
        try:
            start()
        except Exception as exc:  # noqa: BLE001 - reported, and the crawl goes on
            why = (str(exc).strip().splitlines() or [""])[0]
            warn(f"workers not started during the crawl: {type(exc).__name__}: {why}")


def feed_worker() -> ProcessPoolExecutor | None:
    """The worker :func:`start_early` started, once it is ready (else None): the feeds
    step hands it feeds to read while it has no pages yet
    (:mod:`~innercircle.stages.feed_reading`)."""
    if _EARLY is None or not _EARLY[1].done():
        return None
    return _EARLY[0]


def close_early() -> None:
    """Stop the worker :func:`start_early` started (the documents step no longer needs
    it; or the run ends)."""
    global _EARLY
    if _EARLY is not None:
        pool, _EARLY = _EARLY[0], None
        worker_pools.stop(pool)  # killed instead if interrupted: its worker ignores SIGINT


@dataclass
class _Waiting:
    url: str
    content_hash: str
    future: Future
    size: int


class EarlyParser:
    """Reads a kind's fetched pages in a worker process while the fetch goes on, into
    ``target`` (a Parquet file in the lake). Call :meth:`submit` for each stored body
    and :meth:`close` when the fetch ends (it waits for the pages in flight). The worker
    is the one :func:`start_early` started, if any (it outlives the parser), else its own."""

    def __init__(self, kind: SourceKind, target: UPath, run_id: str, processes: int = 1) -> None:
        assert kind.document_kind and kind.content is not None
        self.kind = kind.document_kind
        self.target = target
        self.run_id = run_id
        self.parsed = self.left = self.failed = 0  # read early / left for later / unreadable
        self._content = kind.content
        self._waiting: deque[_Waiting] = deque()
        self._bytes = 0
        self._rows: list[dict] = []
        self._sink: lake.ParquetSink | None = None
        self._owned = _EARLY is None  # its own worker, stopped when it closes
        pool, self._warmed = _start(processes) if self._owned else _EARLY
        self._pool: ProcessPoolExecutor | None = pool

    def submit(self, url: str, content_hash: str, body_gzip: bytes) -> bool:
        """Send one stored page to the worker; False when it is left to the documents
        step (too many pages waiting, or the worker is gone). Never waits."""
        self._collect(wait=False)
        size = len(body_gzip)
        if (
            self._pool is None
            or len(self._waiting) >= IN_FLIGHT
            or (self._waiting and self._bytes + size > IN_FLIGHT_BYTES)
        ):
            self.left += 1
            return False
        try:
            future = self._pool.submit(early_reader.read, self._content, url, body_gzip)
        except (BrokenProcessPool, RuntimeError):  # the worker died, or was stopped
            self._stop()
            self.left += 1
            return False
        self._waiting.append(_Waiting(url, content_hash, future, size))
        self._bytes += size
        return True

    def _collect(self, wait: bool) -> None:
        """Results of the oldest pages, in order, as far as they are done (or all)."""
        while self._waiting and (wait or self._waiting[0].future.done()):
            page = self._waiting.popleft()
            self._bytes -= page.size
            try:
                content = page.future.result()
            except Exception:  # noqa: BLE001 - the documents step reads it and reports it
                self.failed += 1
                continue
            self.parsed += 1
            self._rows.append(
                {
                    "run_id": self.run_id,
                    "url": page.url,
                    "kind": self.kind,
                    "content_hash": page.content_hash,
                    "content": content,
                }
            )
            if len(self._rows) >= WRITE_ROWS:
                self._write()

    def _write(self) -> None:
        if self._rows:
            if self._sink is None:
                self._sink = lake.ParquetSink(self.target, SCHEMA)
            self._sink.write_rows(self._rows)
            self._rows = []

    def _stop(self) -> None:
        # Always waited for: a step process whose executor was shut down without waiting
        # hung at exit (Python 3.11: its manager thread joined a worker still waiting for
        # work). The wait is the worker's current page, or its start; interrupted, the
        # worker is killed instead (worker_pools.stop).
        pool, self._pool = self._pool, None
        if pool is not None and self._owned:
            worker_pools.stop(pool)

    def close(self) -> dict[str, int]:
        """Write the results and stop the worker; how many pages were read early, left
        for later and unreadable. The pages in flight are waited for (at most
        :data:`IN_FLIGHT`) once the worker has started; a fetch that ended before it had
        leaves them to the documents step (its own worker is still stopped, which waits
        for its start: only where each step starts its own, not in the in-process job)."""
        warmed = self._pool is not None and self._warmed.done()
        try:
            self._collect(wait=warmed)
            self.left += len(self._waiting)
            for page in self._waiting:
                page.future.cancel()  # on a shared worker: not read for nothing
            self._waiting.clear()
            self._write()
        finally:
            self._stop()
            if self._sink is not None:
                self._sink.close()
        return {"parsed": self.parsed, "left": self.left, "failed": self.failed}


def parsed_files(location: str) -> list[UPath]:
    """Every crawl shard's file of parsed pages in the lake at ``location``."""
    root = lake.path(location, "crawl")
    if not root.exists():
        return []
    return sorted(root.glob(f"*/shard-*/{PARSED}.parquet"), key=str)


def parsed_pages(location: str, run_id: str, batch: int) -> Iterator[pa.Table]:
    """This run's parsed pages (``url, kind, content_hash, content``), ``batch`` rows at
    a time, from every crawl shard's file in the lake."""
    for source in parsed_files(location):
        for part in lake.read_batches(source, batch):
            rows = pa.Table.from_batches([part])
            mine = pc.equal(rows.column("run_id"), run_id)
            rows = rows.filter(mine).drop_columns(["run_id"])
            if rows.num_rows:
                yield rows


def page_content(data: bytes) -> PageContent:
    """A parsed page's content, as the worker read it."""
    return pickle.loads(data)
