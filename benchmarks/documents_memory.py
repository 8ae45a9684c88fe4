"""What the documents step holds in memory, measured on a warehouse a run left behind.

Copies ``WAREHOUSE`` (e.g. the replay's ``run/innercircle.work.duckdb``, from
``benchmarks/replay.py --out DIR``), empties its documents so that every stored page is
built again, and runs the documents step alone in this process, printing its resident
memory after each batch of pages and at the end, then what DuckDB says it holds.

* ``--ahead``: as in the nightly job, NER workers start at the first batch and read
  every batch ahead (their memory is theirs; this process keeps their results);
* ``--trace``: tracemalloc's largest Python holders (by file) once the step is done:
  models loaded on the first page stay for the life of the process (slow: 2-3× CPU).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/documents_memory.py WAREHOUSE [--ahead] [--trace]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path


def rss_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


class Peak(threading.Thread):
    """This process's peak resident memory, sampled every 50 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.mb = 0
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            self.mb = max(self.mb, rss_mb())
            self.halt.wait(0.05)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--ahead", action="store_true")
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()

    from innercircle import warehouse
    from innercircle.extract.ner_pool import close_early, start_early
    from innercircle.extract.people import language_models
    from innercircle.settings import Settings
    from innercircle.stages.documents import build_documents
    from innercircle.stages.ner_shards import read_ahead

    max_chars = Settings.from_env().ner_max_chars

    def ahead(pages: int):
        finder = start_early(language_models(), 2)
        return None if finder is None else lambda rows: read_ahead(finder, rows, max_chars)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "copy.duckdb"
        shutil.copyfile(args.warehouse, db)
        with warehouse.connect(db) as con:
            con.execute("DELETE FROM document_links")
            con.execute("DELETE FROM documents")
            print(f"before the step: {rss_mb()} MB")
            peak = Peak()
            peak.start()
            if args.trace:
                tracemalloc.start()
            cpu0 = time.process_time()
            done = build_documents(
                con,
                progress=lambda _s, n, total, _f: print(
                    f"  {n:>5}/{total} pages: {rss_mb()} MB (peak {peak.mb} MB)", flush=True
                ),
                read_ahead=ahead if args.ahead else None,
            )
            cpu = time.process_time() - cpu0
            peak.halt.set()
            peak.join()
            print(f"{done.built} documents built ({'read ahead' if args.ahead else 'no NER'}):"
                  f" peak {peak.mb} MB, {rss_mb()} MB after, {cpu:.1f} CPU s")
            if args.trace:
                snapshot = tracemalloc.take_snapshot()
                tracemalloc.stop()
                print("largest Python holders after the step:")
                for stat in snapshot.statistics("filename")[:10]:
                    print(f"  {stat}")
            held = con.sql(
                "SELECT tag, memory_usage_bytes >> 20 FROM duckdb_memory() "
                "WHERE memory_usage_bytes >= 1 << 20 ORDER BY 2 DESC"
            ).fetchall()
            print("DuckDB holds (MB): " + ", ".join(f"{tag} {mb}" for tag, mb in held))
        close_early()
    return 0


if __name__ == "__main__":
    sys.exit(main())
