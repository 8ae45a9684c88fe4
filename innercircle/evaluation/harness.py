"""What the page benchmarks (authors, maintext, language) share: the pages, a timed pass of
an extractor over them, and the command-line run from data file to table.

Kept in one place so that every benchmark loads pages, times extractors, counts crashes
and reports speed the same way: figures from two benchmarks can then be set side by side.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Extractor = Callable[[bytes, str], Any]


def load_pages(path: Path) -> list[dict]:
    """The benchmark rows with their HTML bytes loaded (gzip read once, outside timing)."""
    base = path.resolve().parent.parent  # local_file is relative to the eval root
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            row["html"] = gzip.decompress((base / row["local_file"]).read_bytes())
            rows.append(row)
    return rows


@dataclass
class Pass:
    """One extractor's answers over every page, the seconds they took and its crashes."""

    outputs: list = field(default_factory=list)
    seconds: float = 0.0
    crashes: list[dict] = field(default_factory=list)  # {"file": local_file, "error": repr}


def timed_pass(fn: Extractor, rows: list[dict], empty: Callable[[], Any]) -> Pass:
    """``fn(html, url)`` on every row, timed as a whole (parsing included).

    A crash on one page is an ``empty()`` answer and a line in ``crashes``, not an abort:
    one odd page must not hide the figures of the other nine hundred.
    """
    run = Pass()
    start = time.perf_counter()
    for row in rows:
        try:
            run.outputs.append(fn(row["html"], row["url"]))
        except Exception as exc:  # noqa: BLE001 - see the docstring
            run.outputs.append(empty())
            run.crashes.append({"file": row["local_file"], "error": repr(exc)})
    run.seconds = time.perf_counter() - start
    return run


def extractors(
    ours: Extractor, trafilatura: Extractor, with_trafilatura: bool
) -> list[tuple[str, Extractor]]:
    """``ours``, and trafilatura's extractor beside it when ``with_trafilatura`` (its log
    silenced: it warns on every odd page)."""
    chosen: list[tuple[str, Extractor]] = [("ours", ours)]
    if with_trafilatura:
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
        chosen.append(("trafilatura", trafilatura))
    return chosen


def speed(pages: int, run: Pass) -> dict[str, float | int]:
    """Seconds, pages per second and crashes of a pass, as every benchmark reports them."""
    return {
        "seconds": round(run.seconds, 2),
        "pages_per_s": round(pages / run.seconds, 1) if run.seconds else 0.0,
        "crashes": len(run.crashes),
    }


def table(
    header: str,
    result: dict[str, dict],
    subsets: Iterable[str],
    row: Callable[[str, str, dict, dict], str],
) -> str:
    """The header, then ``row(extractor, subset, figures, all_figures)`` per extractor and
    subset (a half, "all", "tune/gold" …), in that order."""
    subsets = tuple(subsets)
    lines = [header]
    for name, figures in result.items():
        lines += [row(name, subset, figures[subset], figures) for subset in subsets]
    return "\n".join(lines)


def not_a_file(path: Path) -> bool:
    """True, after saying so on stderr, when the benchmark's data file is missing."""
    if path.is_file():
        return False
    print(f"not a file: {path}", file=sys.stderr)
    return True


def run_page_benchmark(
    args: argparse.Namespace,
    evaluate: Callable[[list[dict]], dict],
    format_table: Callable[[dict], str],
    print_errors: Callable[[list[dict]], None] | None = None,
) -> int:
    """The command line of a page benchmark: load ``args.path``, evaluate, print the table
    (or JSON with ``--json``), then the tuning-half errors if asked. Exit 2 without data."""
    if not_a_file(args.path):
        return 2
    rows = load_pages(args.path)
    result = evaluate(rows)
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    if print_errors is not None:
        print_errors(rows)
    return 0
