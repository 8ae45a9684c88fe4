"""What each rule of the page extractor pays on the tuning half: the same pages with one rule
switched off at a time.

The author extractor (innercircle/extract/page_authors.py) grew rule by rule, each written
from tuning-half failures. A rule that no longer changes any tuning-half answer (another
rule came to cover its pages) or changes one page only is a candidate for removal: fewer,
more general rules carry better to pages no rule was written from. This benchmark runs
the extractor on the tuning half (innercircle/evaluation/split.py) with each rule below
replaced by a neutral stand-in, and reports per rule the F1 (gold, all), the false
authors on author-less pages, how many pages' answers changed and how many pages' offered
names (the trace of ``extract_authors``) changed, with the changed answers listed. The
test half is never read: rules are judged on the tuning half only.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/author_rules.py \
        ../shared/eval/articles/authors.jsonl [--rule NAME ...] [--list]

A rule's stand-in is the answer the code would give without it (no source, no cleaning,
no veto); the names are the module's own, so a renamed rule fails here loudly.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from innercircle.evaluation.authors import GOLD_SOURCES, Score, name_keys, no_one_to_find
from innercircle.evaluation.harness import load_pages
from innercircle.evaluation.split import half_of
from innercircle.extract import html, names, page_authors
from innercircle.extract.html import json_ld, meta_tags, parse_html

_NEVER = re.compile(r"(?!x)x")  # a pattern that matches nothing: a cleaning rule switched off


def _none(*_args: object, **_kwargs: object) -> list:
    return []


def _false(*_args: object, **_kwargs: object) -> bool:
    return False


#: Rule name -> the attributes of page_authors replaced to switch it off.
RULES: dict[str, dict[str, object]] = {
    # sources, weakest last
    "citation first": {"_authors_from_citation_meta": _none},
    "markup (itemprop, rel=author)": {"_authors_from_markup": _none},
    "'By' lines": {"_authors_from_prefix_lines": _none},
    "dated line": {"dated_line_authors": _none},
    "archive link": {"archive_link_authors": _none},
    "line after <br>": {"_authors_from_break_lines": _none},
    "signature": {"signature_authors": _none},
    "licence credit": {"licensor_authors": _none},
    # how sources are combined
    "co-authors from a second source": {
        "_with_coauthors": lambda chosen, persons, support: page_authors._dedupe(chosen)
    },
    "headline zone": {"headline_zone": lambda root: []},
    "one article element": {"article_entry": lambda root: None},
    "metadata name shown to the reader": {"_shown": lambda root: lambda name: True},
    "personal site's name as author": {"publisher_is_person": _false},
    # vetoes
    "byline opening with the site's name": {"opens_with_site_name": _false},
    "byline naming the publisher": {"names_the_publisher": _false},
    "initials only": {"_initials_only": _false},
    "microdata author of an image": {"_of_media": _false},
    "<article> classed as a byline": {"_container": _false},
    "teaser link": {"_in_teaser_link": _false},
    "credit before a name ('Übersetzung')": {"_credited": _false},
    "link to no writer's page": {"_elsewhere": _false},
    "one word alone after a label": {"_alone": lambda word, rest: True},
    "parts beside the name (avatar, bio)": {"_BYLINE_CLASS_NOT": _NEVER},
    # cleaning
    "title before a name": {"without_title": lambda name, languages=(): name},
    "name read twice": {"_undouble": lambda name: name},
    "role glued to the name": {"_WORD_SEAM": _NEVER},
    "'von' as a particle": {"_particle": _false},
    "'Story and photos by'": {"_JOINT_CREDIT": _NEVER},
    "'with' after a piece label": {"_WITH": _NEVER},
    "agency code after a slash": {"_AGENCY_SUFFIX": _NEVER},
    "glued label after the name": {"_GLUED_TAIL": _NEVER},
    "spaced label after the name": {"_SPACED_TAIL": _NEVER},
    "noise after the name": {"_TAIL_NOISE": _NEVER},
    "lowerCamelCase classes": {"_CAMEL_CLASS": _NEVER},
    "text outside a block's links": {"_text_outside_links": lambda el: ""},
}


def tuning_rows(path: Path) -> list[dict]:
    """The tuning half's pages with a target to score (see ``no_one_to_find``)."""
    rows = []
    for row in load_pages(path):
        row["expected"] = name_keys(row["expected_authors"], expected=True)
        if half_of(row["local_file"]) == "tune" and not no_one_to_find(
            row["expected"], bool(row["has_author"])
        ):
            rows.append(row)
    return rows


Answers = dict[str, tuple[set[str], dict[str, frozenset[str]]]]


def answers(rows: list[dict]) -> Answers:
    """Per page: the names returned and the names each source offered."""
    out: Answers = {}
    for row in rows:
        root = parse_html(row["html"])
        trace: dict = {}
        found = page_authors.extract_authors(
            root, row["url"], meta_tags(root), json_ld(root), trace
        )
        offered = {k: frozenset(name_keys(v)) for k, v in trace.get("offered", {}).items()}
        out[row["local_file"]] = (name_keys([b.name for b in found]), offered)
    return out


def figures(rows: list[dict], got: Answers) -> dict[str, tuple[float, int]]:
    """F1 and false authors on author-less pages, gold and all."""
    scores = {"gold": Score(), "all": Score()}
    for row in rows:
        predicted = got[row["local_file"]][0]
        scores["all"].add(row["expected"], predicted, bool(row["has_author"]))
        if row["source"] in GOLD_SOURCES:
            scores["gold"].add(row["expected"], predicted, bool(row["has_author"]))
    return {
        kind: (round(s.figures()["f1"], 4), s.false_on_no_author) for kind, s in scores.items()
    }


def without(rule: str, run: Callable[[], Answers]) -> Answers:
    """``run()`` with ``rule`` switched off. The extractor's per-string caches are emptied
    before and after: an answer cached with the rule on must not stand for one without it."""
    _clear_caches()
    try:
        with mock.patch.multiple(page_authors, **RULES[rule]):
            return run()
    finally:
        _clear_caches()


def _clear_caches() -> None:
    for module in (page_authors, html, names):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="articles/authors.jsonl of the eval data")
    parser.add_argument("--rule", action="append", choices=sorted(RULES), help="only these")
    parser.add_argument("--list", action="store_true", help="list the changed pages too")
    args = parser.parse_args(argv)
    rows = tuning_rows(args.path)
    base = answers(rows)
    print(f"tuning half, {len(rows)} pages; all rules on: {figures(rows, base)}")
    print(f"{'rule switched off':<40} {'gold F1, false':>16} {'all F1, false':>16} "
          f"{'answers':>8} {'offered':>8}")
    for rule in args.rule or RULES:
        got = without(rule, lambda: answers(rows))
        changed = [f for f in base if base[f][0] != got[f][0]]
        offered = sum(base[f][1] != got[f][1] for f in base)
        fig = figures(rows, got)
        print(f"{rule:<40} {fig['gold']!s:>16} {fig['all']!s:>16} {len(changed):>8} {offered:>8}")
        if args.list:
            for f in changed:
                print(f"    {Path(f).name}: {sorted(base[f][0])} -> {sorted(got[f][0])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
