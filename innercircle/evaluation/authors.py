"""Author extraction benchmark: our extractor beside trafilatura, same pages, same run.

Reads ``articles/authors.jsonl`` from the shared evaluation data (see its README).
Names are compared as :func:`~innercircle.extract.names.name_key` sets per page;
scores are micro-averaged over names. A page whose expected answer is "no author"
(``has_author: false``) counts one false positive for every name returned, so an
extractor that guesses is penalised. Figures are reported on the gold sources
(hand-annotated) and on all pages, each for the tuning half, the test half (see
:mod:`innercircle.evaluation.split`) and both, with pages per second for each
extractor (parsing included, since both extractors parse the HTML themselves).
``--errors`` lists tuning-half failures only: rules are written from those.

Usage: ``python -m innercircle.evaluation.authors PATH/authors.jsonl [--errors N]``
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from innercircle.evaluation import harness
from innercircle.evaluation.cli import comparing_parser
from innercircle.evaluation.scores import prf
from innercircle.evaluation.split import HALVES, half_of
from innercircle.extract.names import COMMA_DEGREES, name_key
from innercircle.extract.page import extract_page
from innercircle.vocabulary import is_given_name_anywhere

GOLD_SOURCES = frozenset({"trafilatura-eval", "postlight-parser"})


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    no_author_pages: int = 0
    false_on_no_author: int = 0  # names returned on pages with has_author false
    pages_with_false_author: int = 0

    def add(self, expected: set[str], predicted: set[str], has_author: bool) -> None:
        if not has_author:
            self.no_author_pages += 1
            self.fp += len(predicted)
            self.false_on_no_author += len(predicted)
            self.pages_with_false_author += bool(predicted)
            return
        self.tp += len(expected & predicted)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)

    def figures(self) -> dict[str, float | int]:
        return {
            **prf(self.tp, self.fp, self.fn),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "no_author_pages": self.no_author_pages,
            "false_authors_on_no_author_pages": self.false_on_no_author,
            "no_author_pages_with_false_author": self.pages_with_false_author,
        }


@dataclass
class Run:
    name: str
    gold: Score = field(default_factory=Score)
    all: Score = field(default_factory=Score)
    halves: dict[str, Score] = field(
        default_factory=lambda: {f"{h}/{s}": Score() for h in HALVES for s in ("gold", "all")}
    )
    timed: harness.Pass = field(default_factory=harness.Pass)
    # Author pages whose expected byline names no one once read ("By", a date): left out.
    skipped: int = 0


def ours(html: bytes, url: str) -> list[str]:
    """Every byline name our page extractor returns (persons, organisations and handles)."""
    return [b.name for b in extract_page(html, url).authors]


def trafilatura_authors(html: bytes, url: str) -> list[str]:
    """trafilatura's ``extract_metadata`` author field, split on its "; " separator."""
    from trafilatura import extract_metadata

    doc = extract_metadata(html, default_url=url)
    author = getattr(doc, "author", None) if doc is not None else None
    return [a.strip() for a in author.split(";") if a.strip()] if author else []


_SPLIT = re.compile(r"\s*(?:[;|,]|\s(?:and|und|&|et)\s)\s*", re.I)
# "Jong, Michiel de", "Almeida, Maria C", "Ray, L. B.": one person written surname first,
# as scholarly metadata and some bylines give it. One capitalised word (not an acronym:
# "AFP, MANILA" is an agency and a place) before the only comma, a given name or initials
# after it, maybe initials or lowercase particles ("de", "van der") to follow.
_SURNAME_FIRST = re.compile(
    r"^\s*(?P<surname>[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’\-]+),\s*"
    r"(?P<given>[^\W\d_][\w.\-]*(?:\s+(?:[A-Z]\.?|[a-z]{1,3}))*\.?)\s*$"
)
_LEAD = re.compile(r"^(?:by|von|par|por)\s+", re.I)
_DROP = frozenset({"phd", "jr", "dr", "prof", "mr", "mrs", "ms"})


def name_keys(names: list[str], expected: bool = False) -> set[str]:
    """Comparison keys, applied alike to the names every extractor returns.

    An expected "A und B" or "A; B" is two names, "Doe, Jane" one (:func:`_surname_last`,
    read after splitting on ";": "Doe, Jane; Roe, Rick" is two); "By"/"Von" prefixes,
    honorifics and PhD/Jr. tokens are ignored; case, diacritics and punctuation fold via
    name_key. An ``expected`` value is also read as a byline is written: its names on
    the first lines, a lone "By" aside, and the lines below them the outlet, the date or
    a biography ("By Jane Doe\n WebMD Health News", :func:`_named_lines`); a date beside
    a name is cut off, and an e-mail address or a degree names no one
    (:func:`_named_part`).
    """
    keys = set()
    for name in names:
        for line in _named_lines(name) if expected else [name]:
            for piece in line.split(";"):
                for part in _SPLIT.split(_surname_last(piece.strip())):
                    if expected:
                        part = _named_part(part)
                    words = [
                        w for w in name_key(_LEAD.sub("", part.strip())).split() if w not in _DROP
                    ]
                    if words:
                        keys.add(" ".join(words))
    return keys


def _named_lines(value: str) -> list[str]:
    """The first line of ``value`` that holds more than a "By" label, and the lines after
    it while each is a person's name (co-authors one per line): the first line that is
    not (an outlet, a date, a biography) ends the byline."""
    lines = [line.strip() for line in value.splitlines()]
    named = [line for line in lines if _LEAD.sub("", f"{line} ").strip()]
    out = named[:1]
    for line in named[1:]:
        if not _PERSON_LINE.match(line) or not is_given_name_anywhere(line.split()[0]):
            break
        out.append(line)
    return out


# A line that is only a person's name: two to four words, no digits.
_PERSON_LINE = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:\s+[^\W\d_][\w'’.\-]*){1,3}$")

_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|"
    r"oktober|dezember)[a-zä]*\.?"
)
_DATE_PART = re.compile(
    rf"\b\d{{1,2}}:\d{{2}}\b|\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\.?\s+{_MONTH}|"
    r"\b\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}\b|^\W*\d+\W*$",
    re.I,
)
_EMAIL_PART = re.compile(r"^\S+@\S+\.\w+$")


# What stands beside a date in a byline: "Updated 6:01 am", "Published: May 3", "2019 at".
_DATE_WORDS = r"(?:\d+|last|updated|published|posted|at|am|pm|on|um|aktualisiert|veröffentlicht)"
_DATE_WORDS_BEFORE = re.compile(rf"(?:\W*\b{_DATE_WORDS}\b)+\W*$", re.I)
_DATE_WORDS_AFTER = re.compile(rf"^(?:\W*\b{_DATE_WORDS}\b)+\W*", re.I)


def _named_part(part: str) -> str:
    """The name in one piece of an expected byline, "" if it names no one.

    A date ("April 28", "6:01 am", "2019") is cut off with the words around it, the name
    beside it kept ("Jane Doe Updated 6:01 am"); an e-mail address or a degree ("MA")
    beside the name ("Mike Cason | mcason@al.com") is no author to find.
    """
    bare = part.strip()
    m = _DATE_PART.search(bare)
    if m:
        before = _DATE_WORDS_BEFORE.sub("", bare[: m.start()]).strip()
        return before or _named_part(_DATE_WORDS_AFTER.sub("", bare[m.end() :]))
    if _EMAIL_PART.match(bare) or bare.lower().rstrip(".") in COMMA_DEGREES:
        return ""
    return bare


def _surname_last(name: str) -> str:
    """ "Jong, Michiel de" -> "Michiel de Jong": a name written surname first is one
    person, not the two that splitting on its comma would make. Other values are kept."""
    m = _SURNAME_FIRST.match(name)
    if not m:
        return name
    given = m.group("given")
    first = given.split()[0].rstrip(".")
    if len(first) > 1 and not is_given_name_anywhere(first):
        return name  # "Editors, Newsroom": no given name after the comma
    return f"{given} {m.group('surname')}"


def no_one_to_find(expected: set[str], has_author: bool) -> bool:
    """An author page whose expected byline names no one once read ("By" and a date):
    no target to score, since every answer would count as false and nothing as missed.
    Such pages are left out (and counted), wherever bylines are scored."""
    return has_author and not expected


def run_extractor(name: str, fn: Callable[[bytes, str], list[str]], rows: list[dict]) -> Run:
    run = Run(name, timed=harness.timed_pass(fn, rows, list))  # a crash on one page is a miss
    for row, predicted in zip(rows, run.timed.outputs, strict=True):
        expected = name_keys(row["expected_authors"], expected=True)
        pred = name_keys(predicted)
        row.setdefault("predictions", {})[name] = predicted
        if no_one_to_find(expected, bool(row["has_author"])):
            run.skipped += 1
            continue
        half = half_of(row["local_file"])
        run.all.add(expected, pred, bool(row["has_author"]))
        run.halves[f"{half}/all"].add(expected, pred, bool(row["has_author"]))
        if row["source"] in GOLD_SOURCES:
            run.gold.add(expected, pred, bool(row["has_author"]))
            run.halves[f"{half}/gold"].add(expected, pred, bool(row["has_author"]))
    return run


def evaluate(
    path: Path, with_trafilatura: bool = True, rows: list[dict] | None = None
) -> dict[str, dict]:
    """Figures per extractor: ``{"ours": {"gold": {...}, "all": {...}, "tune/gold": {...},
    "tune/all": ..., "test/gold": ..., "test/all": ..., "pages_per_s": ...}}``."""
    rows = harness.load_pages(path) if rows is None else rows
    result: dict[str, dict] = {}
    for name, fn in harness.extractors(ours, trafilatura_authors, with_trafilatura):
        run = run_extractor(name, fn, rows)
        result[name] = {
            "gold": run.gold.figures(),
            "all": run.all.figures(),
            **{key: score.figures() for key, score in run.halves.items()},
            "pages": len(rows),
            "pages_skipped_no_expected_name": run.skipped,
            **harness.speed(len(rows), run.timed),
        }
    return result


def _print_errors(rows: list[dict], limit: int, gold_only: bool) -> None:
    shown = 0
    for row in rows:
        if gold_only and row["source"] not in GOLD_SOURCES:
            continue
        if half_of(row["local_file"]) != "tune":
            continue  # the test half is a score, never a source of rules
        pred = row.get("predictions", {}).get("ours", [])
        if name_keys(pred) != name_keys(row["expected_authors"], expected=True):
            tra = row["predictions"].get("trafilatura")
            print(
                f"- {row['local_file']}\n    expected={row['expected_authors']} ours={pred}"
                + (f" trafilatura={tra}" if tra is not None else "")
            )
            shown += 1
            if shown >= limit:
                return


def format_table(result: dict[str, dict]) -> str:
    skipped = next(iter(result.values()))["pages_skipped_no_expected_name"]
    return harness.table(
        f"{'extractor':<12} {'subset':<10} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'false@no-author':>16} {'pages/s':>8}",
        result,
        ("tune/gold", "test/gold", "gold", "tune/all", "test/all", "all"),
        lambda name, subset, f, r: (
            f"{name:<12} {subset:<10} {f['precision']:>6.3f} {f['recall']:>6.3f} "
            f"{f['f1']:>6.3f} {f['false_authors_on_no_author_pages']:>7}/"
            f"{f['no_author_pages']:<8} {r['pages_per_s']:>8.1f}"
        ),
    ) + f"\nauthor pages left out, their expected byline naming no one: {skipped}"


def main(argv: list[str] | None = None) -> int:
    parser = comparing_parser(
        "authors",
        __doc__,
        "articles/authors.jsonl of the eval data",
        "list N tuning-half pages where our answer differs from the expected one",
    )
    parser.add_argument("--gold-errors", action="store_true", help="--errors on gold only")
    args = parser.parse_args(argv)
    return harness.run_page_benchmark(
        args,
        lambda rows: evaluate(args.path, not args.no_trafilatura, rows=rows),
        format_table,
        (lambda rows: _print_errors(rows, args.errors, args.gold_errors)) if args.errors else None,
    )


if __name__ == "__main__":
    raise SystemExit(main())
