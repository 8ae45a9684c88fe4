"""The crawl's early page reader: what runs inside its worker process.

:mod:`~innercircle.stages.early_parse` starts the worker (spawned) and hands it pages;
the worker unpickles these functions by reference, so it imports this module and, from
it, only what reading a page needs (:mod:`~innercircle.stages.page_readers`): not
``early_parse`` itself, whose lake files need pyarrow and universal-pathlib, nor the
crawl's fetcher or DuckDB. Those imports were about a third of the worker's start, paid
once a run. The feeds step also hands it feeds to read (:func:`read_feed`,
:mod:`~innercircle.stages.feed_reading`), which imports the feed parser on the first.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import pickle
import signal

from innercircle import worker_pools
from innercircle.stages.kinds import Content

#: A page each reader reads once when the worker starts, so that it loads its models
#: (the language identifier, trafilatura's lists) before the first real page arrives.
WARM_PAGE = (
    b"<!doctype html><html lang='en'><head><title>Warm</title></head><body><article>"
    b"<p>A few words of English are enough to load the readers and their models.</p>"
    b"</article></body></html>"
)

#: The worker's niceness: it takes only the CPU the crawl leaves. Under load from other
#: programs, at the default priority it lengthened the article fetch (1.5 → 2.2 s at
#: scale 1, 4.7 → 8.0 s at scale 16, one run each, 2026-12-07).
NICENESS = 10


def warm(owner: int | None = None) -> None:
    """The worker's start: a lower priority, to end once ``owner`` (the process that made
    its pool) is gone, then every built-in reader, with its models, loaded once."""
    with contextlib.suppress(OSError, AttributeError):  # not on every platform
        os.nice(NICENESS)
    # Ctrl-C reaches the whole process group: the run's process stops this worker, which
    # would otherwise print a KeyboardInterrupt traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if owner is not None:
        worker_pools.end_with(owner)  # a run killed outright stops nothing
    from innercircle.stages.page_readers import READERS

    for reader in READERS:
        # a reader that fails here fails on the real pages too, and says so there
        with contextlib.suppress(Exception):
            reader(WARM_PAGE, "http://warm.invalid/", None)


def ready() -> bool:
    return True


def read(content: Content, url: str, body_gzip: bytes) -> bytes:
    """One stored page read by its kind's reader, pickled for the way back."""
    return pickle.dumps(content(gzip.decompress(body_gzip), url, None), pickle.HIGHEST_PROTOCOL)


def read_feed(*args) -> bytes:  # noqa: ANN002 - feed_reading.read_feed's arguments
    """One fetched feed read into rows (:func:`~innercircle.stages.feed_reading.read_feed`),
    pickled for the way back."""
    from innercircle.stages import feed_reading

    return pickle.dumps(feed_reading.read_feed(*args), pickle.HIGHEST_PROTOCOL)
