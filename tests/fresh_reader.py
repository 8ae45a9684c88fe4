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


def main(public: Path, stop: Path) -> None:
    queries, extracted, error = 0, set(), None
    read_state, read_at = None, 0.0
    while True:
        last = stop.exists()
        state = file_state(public)
        # Opened afresh within 10 ms of any change to the file (published or written in
        # place), and twice a second whatever happens: each file the run leaves is read,
        # and a file held or locked for longer than half a second is met, without
        # opening it 20 times a second (a fifth of a core, taken from the run).
        if last or state != read_state or time.monotonic() - read_at >= 0.5:
            read_state, read_at = state, time.monotonic()
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
        time.sleep(0.01)
    print(json.dumps({"queries": queries, "extracted": sorted(extracted), "error": error}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
