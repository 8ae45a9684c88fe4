"""Main-text benchmark: the text we store for NER beside trafilatura's own ``extract``.

Reads ``articles/maintext.jsonl`` from the shared evaluation data (trafilatura's own
evaluation snippets, see its README). Each page lists ``with`` snippets its main text
must contain and ``without`` snippets (navigation, footers, comments, related links)
it must not. A ``with`` snippet found is a true positive, one missing a false negative,
a ``without`` snippet found a false positive: boilerplate that would reach NER
("leaks"). Both extractors' texts and the snippets are normalised the same way
(whitespace collapsed, case folded) before the substring test.

"ours" is exactly what :func:`innercircle.stages.extraction.build_document` stores
(``extract_page(html, url).text``), so the figure is the pipeline's, not a lab
variant's. Figures are given per half of the fixed tuning/test split
(:mod:`innercircle.evaluation.split`) and overall, with pages per second (parsing
included for both).

Usage: ``innercircle eval maintext PATH/maintext.jsonl [--json] [--errors N]``;
``--record-trafilatura FILE`` writes trafilatura's figures alone, the record the CI gate
compares against (:mod:`innercircle.evaluation.recorded_baseline`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from innercircle.evaluation import harness, recorded_baseline
from innercircle.evaluation.cli import comparing_parser
from innercircle.evaluation.scores import prf
from innercircle.evaluation.split import HALVES, half_of
from innercircle.extract.page import extract_page

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace collapsed and case folded: how both texts and snippets are compared."""
    return _WS.sub(" ", text or "").strip().casefold()


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0  # boilerplate ("without") snippets found in the text
    pages: int = 0
    empty: int = 0  # pages where the extractor returned no text at all

    def add(self, text: str, with_: list[str], without: list[str]) -> tuple[list, list]:
        """Count one page; return its missed ``with`` and leaked ``without`` snippets."""
        norm = normalise(text)
        self.pages += 1
        self.empty += not norm
        missed = [s for s in with_ if normalise(s) not in norm]
        leaked = [s for s in without if normalise(s) and normalise(s) in norm]
        self.tp += len(with_) - len(missed)
        self.fn += len(missed)
        self.fp += len(leaked)
        return missed, leaked

    def figures(self) -> dict[str, float | int]:
        return {
            **prf(self.tp, self.fp, self.fn),
            "tp": self.tp,
            "fn": self.fn,
            "leaks": self.fp,
            "pages": self.pages,
            "empty": self.empty,
        }


@dataclass
class Run:
    name: str
    halves: dict[str, Score] = field(default_factory=lambda: {h: Score() for h in HALVES})
    all: Score = field(default_factory=Score)
    timed: harness.Pass = field(default_factory=harness.Pass)


def ours(html: bytes, url: str) -> str:
    """The text our pipeline stores for a page (what ``build_document`` puts in ``text``)."""
    return extract_page(html, url).text


def trafilatura_text(html: bytes, url: str) -> str:
    """trafilatura's own ``extract`` with its default settings, plain text."""
    from trafilatura import extract

    return extract(html, url=url) or ""


def run_extractor(name: str, fn: Callable[[bytes, str], str], rows: list[dict]) -> Run:
    run = Run(name, timed=harness.timed_pass(fn, rows, str))  # a crash on one page is an empty text
    for row, text in zip(rows, run.timed.outputs, strict=True):
        missed, leaked = run.halves[half_of(row["local_file"])].add(
            text, row["with"], row["without"]
        )
        run.all.add(text, row["with"], row["without"])
        row.setdefault("results", {})[name] = {"missed": missed, "leaked": leaked}
    return run


def evaluate(
    path: Path, with_trafilatura: bool = True, rows: list[dict] | None = None,
    with_ours: bool = True,
) -> dict[str, dict]:
    """Figures per extractor: ``{"ours": {"tune": {...}, "test": {...}, "all": {...}, ...}}``."""
    rows = harness.load_pages(path) if rows is None else rows
    result: dict[str, dict] = {}
    chosen = harness.extractors(ours, trafilatura_text, with_trafilatura)
    for name, fn in chosen if with_ours else chosen[1:]:
        run = run_extractor(name, fn, rows)
        result[name] = {
            **{h: run.halves[h].figures() for h in HALVES},
            "all": run.all.figures(),
            **harness.speed(len(rows), run.timed),
        }
    return result


def format_table(result: dict[str, dict]) -> str:
    return harness.table(
        f"{'extractor':<12} {'half':<5} {'P':>6} {'R':>6} {'F1':>6} {'leaks':>6} "
        f"{'empty':>6} {'pages':>6} {'pages/s':>8}",
        result,
        (*HALVES, "all"),
        lambda name, half, f, r: (
            f"{name:<12} {half:<5} {f['precision']:>6.3f} {f['recall']:>6.3f} "
            f"{f['f1']:>6.3f} {f['leaks']:>6} {f['empty']:>6} {f['pages']:>6} "
            f"{r['pages_per_s']:>8.1f}"
        ),
    )


def _print_errors(rows: list[dict], limit: int) -> None:
    """Tuning-half pages where our text misses or leaks snippets (never the test half)."""
    shown = 0
    for row in rows:
        if half_of(row["local_file"]) != "tune":
            continue
        res = row.get("results", {}).get("ours")
        if res and (res["missed"] or res["leaked"]):
            print(f"- {row['local_file']}\n    missed={res['missed']}\n    leaked={res['leaked']}")
            shown += 1
            if shown >= limit:
                return


def trafilatura_versions() -> dict[str, str]:
    """What trafilatura's answers depend on besides the pages."""
    from importlib.metadata import version

    return {"trafilatura": version("trafilatura")}


def pages_digest(rows: list[dict]) -> str:
    """The digest of the pages as read: each row's file, URL and snippets, and its HTML."""
    def parts():
        for row in rows:
            fields = {k: v for k, v in row.items() if k not in ("html", "results")}
            yield json.dumps(fields, sort_keys=True).encode()
            yield row["html"]

    return recorded_baseline.digest(parts())


def page_counts(row: dict, name: str) -> list[int]:
    """``[found, missed, leaked]`` snippets of one extractor on a scored row."""
    result = row["results"][name]
    return [len(row["with"]) - len(result["missed"]), len(result["missed"]),
            len(result["leaked"])]


def trafilatura_record(path: Path, rows: list[dict]) -> dict:
    """trafilatura's figures on ``rows`` (loaded from ``path``), as the gate's record."""
    figures = evaluate(path, rows=rows, with_ours=False)["trafilatura"]
    return recorded_baseline.record(
        trafilatura_versions(), pages_digest(rows), {h: figures[h] for h in (*HALVES, "all")},
        [page_counts(row, "trafilatura") for row in rows],
        f"trafilatura extract's main-text figures on {path.name}",
    )


def _record_trafilatura(path: Path, out: Path) -> int:
    if harness.not_a_file(path):
        return 2
    recorded = trafilatura_record(path, harness.load_pages(path))
    recorded_baseline.write(out, recorded)
    print(f"wrote {out}: trafilatura {recorded['figures']['all']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = comparing_parser(
        "maintext",
        __doc__,
        "articles/maintext.jsonl of the eval data",
        "list N tuning-half pages where our text misses or leaks snippets",
    )
    parser.add_argument(
        "--record-trafilatura", type=Path, metavar="FILE",
        help="run trafilatura alone and write its figures to FILE (the gate's record)",
    )
    args = parser.parse_args(argv)
    if args.record_trafilatura:
        return _record_trafilatura(args.path, args.record_trafilatura)
    return harness.run_page_benchmark(
        args,
        lambda rows: evaluate(args.path, not args.no_trafilatura, rows=rows),
        format_table,
        (lambda rows: _print_errors(rows, args.errors)) if args.errors else None,
    )


if __name__ == "__main__":
    raise SystemExit(main())
