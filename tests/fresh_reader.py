"""``python -m tests.fresh_reader WAREHOUSE STOP``: an analyst who opens the published
warehouse afresh, again and again, until the file ``STOP`` exists (then once more), and
prints what they saw as one JSON object: opened whenever it changed, and twice a second.
tests/test_concurrent_readers.py runs it beside a nightly run.

A process of its own: DuckDB keeps one database per file and process, so a second
``duckdb.connect`` in a process that already holds the file open reads through that
first connection's database, the file as it was, never one published since.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

RANKING_SHAPE = """
SELECT industry, count(*) AS voices, max(rank) AS last_rank, count(DISTINCT rank) AS ranks
FROM recurring_voices GROUP BY industry ORDER BY industry
"""


def check_complete(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The ranking's shape per industry, asserting that each of the four industries is
    ranked 1..N with no rank missing."""
    rows = con.execute(RANKING_SHAPE).fetchall()
    assert len(rows) == 4, rows
    for industry, voices, last_rank, ranks in rows:
        assert voices > 0 and voices == last_rank == ranks, (industry, voices, last_rank, ranks)
    return rows


def file_state(public: Path) -> tuple:
    """What changes when the file is replaced or written: its and its WAL's inode, size
    and modification time (a ``stat`` costs microseconds; an open ~10 ms of CPU)."""
    state = []
    for path in (public, public.with_name(public.name + ".wal")):
        try:
            st = path.stat()
        except FileNotFoundError:
            state.append(None)
        else:
            state.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(state)


class WhenChanged:
    """Says when to read the file again: within 10 ms of any change to it (published or
    written in place, seen by :func:`file_state` polled 100 times a second) and twice a
    second whatever happens. Each file the run leaves is read, and a file held or locked
    for longer than half a second is met, without querying 20 times a second blindly
    (for an open, a fifth of a core taken from the run)."""

    def __init__(self, public: Path, every_s: float = 0.5) -> None:
        self.public, self.every_s = public, every_s
        self.state: tuple | None = None
        self.at = 0.0

    def due(self) -> bool:
        state = file_state(self.public)
        if state == self.state and time.monotonic() - self.at < self.every_s:
            return False
        self.state, self.at = state, time.monotonic()
        return True

    @staticmethod
    def pause() -> None:
        time.sleep(0.01)


def main(public: Path, stop: Path) -> None:
    queries, extracted, error = 0, set(), None
    when = WhenChanged(public)
    while True:
        last = stop.exists()
        if when.due() or last:
            try:
                with duckdb.connect(str(public), read_only=True) as con:
                    check_complete(con)
                    extracted.add(str(con.execute(
                        "SELECT max(extracted_at) FROM mention_extractions").fetchone()[0]))
                queries += 1
            except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails
                error = repr(exc)
                break
        if last:
            break
        when.pause()
    print(json.dumps({"queries": queries, "extracted": sorted(extracted), "error": error}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
