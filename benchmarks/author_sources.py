"""Which kind of author evidence is right how often: a precision table per source.

The page extractor reads several sources (JSON-LD, meta tags, markup, byline blocks,
"By" lines, dated lines, signatures; see innercircle/extract/page_authors.py) and one
of them decides. This benchmark runs it on the shared article pages with its trace and
reports, per source and per half (innercircle/evaluation/split.py):

- ``offered``: the persons the source offered after the checks, right and wrong (a name
  on a page expected to have no author is wrong), and how many of those another source
  also offered (``confirmed``) with their precision;
- ``won``: the pages the source decided, with the right, wrong and missed names there,
  the wrong ones on pages expected to have no author (``w@none``), and the right and
  wrong names there that no other source offered (``alone``).

A source whose precision is poor on both halves, as an aggregate, is where a general
rule may pay. ``--examples LABEL`` lists tuning-half wrong names of one source (the
test half is only counted, never listed).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/author_sources.py \
        ../shared/eval/articles/authors.jsonl [--gold] [--examples json-ld]
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from innercircle.evaluation.authors import GOLD_SOURCES, name_keys, no_one_to_find
from innercircle.evaluation.harness import load_pages
from innercircle.evaluation.split import HALVES, half_of
from innercircle.extract.html import json_ld, meta_tags, parse_html
from innercircle.extract.page_authors import extract_authors


def tally(rows: list[dict], gold_only: bool) -> tuple[dict, list[tuple[str, str, str, list]]]:
    """Per (half, source) tallies, and the tuning half's wrong names as examples.

    A tally counts the names the source offered, right and wrong, and those another
    source offered too (``confirmed_*``); on the pages it decided (``won_*``), the pages,
    the right, wrong and missed names and the wrong ones on pages expected to have no
    author; and the right and wrong names there that no other source offered
    (``alone_*``).
    """
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    examples: list[tuple[str, str, str, list]] = []
    for row in rows:
        if gold_only and row["source"] not in GOLD_SOURCES:
            continue
        expected = name_keys(row["expected_authors"], expected=True)
        has_author = bool(row["has_author"])
        if no_one_to_find(expected, has_author):
            continue
        root = parse_html(row["html"])
        trace: dict = {}
        answer = extract_authors(root, row["url"], meta_tags(root), json_ld(root), trace)
        half = half_of(row["local_file"])
        offered = {label: name_keys(names) for label, names in trace.get("offered", {}).items()}
        for label, keys in offered.items():
            t = table[half, label]
            for key in keys:
                right = has_author and key in expected
                others = sum(key in other for lab, other in offered.items() if lab != label)
                t["right"] += right
                t["wrong"] += not right
                if others:
                    t["confirmed_right"] += right
                    t["confirmed_wrong"] += not right
                if not right and half == "tune":
                    examples.append((label, row["local_file"], key, row["expected_authors"]))
        won = trace.get("won")
        if won:
            t = table[half, won]
            got = name_keys([b.name for b in answer])
            t["won_pages"] += 1
            t["won_right"] += len(got & expected) if has_author else 0
            t["won_wrong"] += len(got - expected) if has_author else len(got)
            t["won_on_no_author"] += 0 if has_author else len(got)
            t["won_missed"] += len(expected - got) if has_author else 0
            for key in got:
                if sum(key in keys for keys in offered.values()) < 2:
                    right = has_author and key in expected
                    t["alone_right"] += right
                    t["alone_wrong"] += not right
    return table, examples


def format_tally(table: dict[tuple[str, str], Counter]) -> str:
    def pair(t: Counter, *keys: str) -> str:
        return "/".join(str(t[k]) for k in keys)

    def precision(t: Counter, kind: str) -> str:
        right, wrong = t[f"{kind}right"], t[f"{kind}wrong"]
        return f"{right / (right + wrong):.3f}" if right + wrong else "  -  "

    lines = [
        f"{'half':<5} {'source':<24} {'offered r/w':>12} {'P':>6} {'confirmed r/w':>14} "
        f"{'P':>6} | {'won pages':>9} {'r/w/missed':>12} {'P':>6} {'w@none':>6} "
        f"{'alone r/w':>10} {'P':>6}"
    ]
    for half in HALVES:
        for (h, label), t in sorted(table.items()):
            if h != half:
                continue
            lines.append(
                f"{half:<5} {label:<24} {pair(t, 'right', 'wrong'):>12} {precision(t, ''):>6} "
                f"{pair(t, 'confirmed_right', 'confirmed_wrong'):>14} "
                f"{precision(t, 'confirmed_'):>6} | {t['won_pages']:>9} "
                f"{pair(t, 'won_right', 'won_wrong', 'won_missed'):>12} "
                f"{precision(t, 'won_'):>6} {t['won_on_no_author']:>6} "
                f"{pair(t, 'alone_right', 'alone_wrong'):>10} {precision(t, 'alone_'):>6}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="articles/authors.jsonl of the eval data")
    parser.add_argument("--gold", action="store_true", help="the gold sources only")
    parser.add_argument("--examples", metavar="LABEL", help="tuning-half wrong names of LABEL")
    args = parser.parse_args(argv)
    table, examples = tally(load_pages(args.path), args.gold)
    print(format_tally(table))
    if args.examples:
        for label, page, key, expected in examples:
            if label == args.examples:
                print(f"- {page}\n    {key!r} expected={expected}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
