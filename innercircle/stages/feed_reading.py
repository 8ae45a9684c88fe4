"""Feeds read into rows as they arrive, some of them by the crawl's idle worker.

Reading a feed (feedparser's XML pass, then each entry's content to text) is CPU work,
and the feeds step did it inside the fetcher's event loop: at ``--scale 16`` the sample
web's 54 feeds of ~180 KB took ~3-5 CPU seconds there, one core busy while the other
idled and no other feed was fetched. When the run's page reader
(:mod:`~innercircle.stages.early_parse`, started once the feeds announce enough pages) is
up, :class:`FeedReading` hands it a feed whenever fewer than :data:`IN_WORKER` wait for it
and reads the others itself, so both cores read feeds. The rows are added in the order
the feeds arrived, whoever read them, and a feed the worker fails on (or a worker that
is gone) is read here again: where a feed is read never changes its rows. Only the
bodies sent to the worker are held (at most :data:`IN_WORKER`); a feed read here keeps
only its rows until the feeds before it are delivered.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime

from innercircle.extract.dates import naive_utc
from innercircle.feeds import entry_text, parse_feed
from innercircle.model import FeedEntry, ParsedFeed
from innercircle.stages import early_reader

#: Feeds waiting for the worker at once: one being read and one next, so that it never
#: waits for the event loop, and at most two bodies are held for it.
IN_WORKER = 2


#: What marks the address given to each of several entries that share one link (see
#: :func:`entry_rows`): such an address is no page of its own and is never fetched. Named
#: for this project, so that no site's own anchor ("#entry-123") is taken for it.
SHARED_LINK_MARK = "#innercircle-entry-"


def _entry_key(entry: FeedEntry) -> str:
    """What tells one entry from another: its id, else its title and date."""
    return entry.entry_id or f"{entry.title}|{entry.published}"


def shared_link_url(link: str, entry: FeedEntry) -> str:
    """The address of one of several entries sharing ``link``: the link with a fragment
    made from the entry's id (else its title and date), the same every night."""
    digest = hashlib.sha1(_entry_key(entry).encode("utf-8"),
                          usedforsecurity=False).hexdigest()[:12]
    return f"{link.split('#', 1)[0]}{SHARED_LINK_MARK}{digest}"


def entry_rows(feed_url: str, parsed: ParsedFeed, seen_at: datetime) -> list[dict]:
    """A feed's ``feed_entries`` rows (each URL once).

    Entries that share one link (a podcast's episodes all linking to its homepage, a
    changelog's releases to one page) are different pieces, as a feed reader shows
    them: each gets its own address (:func:`shared_link_url`), which is never fetched,
    so its document is its entry's text. Kept by their link alone, 122 of a podcast's
    131 episodes were lost without a word. An entry with no link but with text is kept
    the same way, under the feed's address.
    """
    rows: list[dict] = []
    seen: set[str] = set()
    # a link two different entries give (the same entry listed twice is one entry)
    keys = Counter(u for u, _ in {(e.url, _entry_key(e)) for e in parsed.entries if e.url})
    shared = {u for u, n in keys.items() if n > 1}
    for entry in parsed.entries:
        text = entry_text(entry) or None  # markup read once per entry
        if entry.url in shared:
            url = shared_link_url(entry.url, entry)
        elif not entry.url and text:
            url = shared_link_url(feed_url, entry)
        else:
            url = entry.url
        if not url or url in seen:
            continue
        seen.add(url)
        rows.append(
            {
                "feed_url": feed_url,
                "url": url,
                "title": entry.title,
                "published_at": naive_utc(entry.published),
                "updated_at": naive_utc(entry.updated),
                "raw_authors": list(entry.raw_authors),
                "feed_authors": list(parsed.feed_authors),
                "first_seen_at": seen_at,
                "last_seen_at": seen_at,
                "content_text": text,
                "entry_id": _entry_key(entry),
            }
        )
    return rows


def read_feed(
    feed_url: str, base_url: str, body: bytes, content_type: str, seen_at: datetime
) -> tuple[ParsedFeed, list[dict], int]:
    """One fetched feed read: its summary (entries dropped), its entry rows, and how
    many entries it had."""
    parsed = parse_feed(body, base_url, content_type)
    rows = entry_rows(feed_url, parsed, seen_at)
    count = len(parsed.entries)
    parsed.entries = []
    return parsed, rows, count


#: What :class:`FeedReading` calls with each feed's reading, in arrival order.
OnRead = Callable[[str, ParsedFeed, list[dict], int], None]


class FeedReading:
    """Feeds read in the order they arrived, by this process or by ``worker()`` (a
    process pool, or None while there is none ready). :meth:`add` each fetched feed,
    then :meth:`finish` once the fetch ends; ``on_read`` gets every feed's reading."""

    def __init__(self, on_read: OnRead, worker: Callable[[], object | None] = lambda: None):
        self._on_read = on_read
        self._worker = worker
        self._waiting: deque[tuple[tuple, Future | None, tuple | None]] = deque()
        self.in_worker = 0  # feeds the worker read (for tests and logs)

    def add(
        self, feed_url: str, base_url: str, body: bytes, content_type: str, seen_at: datetime
    ) -> None:
        self._deliver(wait=False)  # what the worker finished: it may take the next feed
        args = (feed_url, base_url, body, content_type, seen_at)
        pool = self._worker()
        busy = sum(1 for _, future, _ in self._waiting if future is not None)
        future = None
        if pool is not None and busy < IN_WORKER:
            try:
                future = pool.submit(early_reader.read_feed, *args)  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - the worker is gone: read it here
                future = None
        if future is not None:  # the body is kept, to read it here if the worker fails
            self._waiting.append((args, future, None))
        else:  # read now; only the rows wait for the feeds before them
            self._waiting.append(((feed_url,), None, read_feed(*args)))
        self._deliver(wait=False)

    def finish(self) -> None:
        """Every feed added so far read and delivered."""
        self._deliver(wait=True)

    def _deliver(self, wait: bool) -> None:
        while self._waiting:
            args, future, done = self._waiting[0]
            if future is not None:
                if not (wait or future.done()):
                    return
                try:
                    done = pickle.loads(future.result())
                    self.in_worker += 1
                except Exception:  # noqa: BLE001 - the worker failed: read it here
                    done = read_feed(*args)
            self._waiting.popleft()
            parsed, rows, count = done
            self._on_read(args[0], parsed, rows, count)
