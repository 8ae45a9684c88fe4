"""Language detection benchmark: ``documents.language`` against the pages' known language.

``articles/authors.jsonl`` has a ``lang_or_region`` field. Only some sources fill it
with a *language* tag ("en", "en-US", "zh-TW": mozilla-readability, newspaper4k,
metascraper-citation); those pages are the exact test. fundus and trafilatura-eval
fill it with a *country* ("uk", "za", "DE", "CHL"); where the country has one
dominant language (Germany, Austria, France, Italy, Japan, Korea, the US, the UK,
Ireland, Australia) it is used as a second, approximate test, since a German site
may publish in English. Pages are scored with what the pipeline stores
(``extract_page(html, url).language``), beside the page's own ``<html lang>``
claim alone, per half of the fixed split and overall. "unsure" counts the pages
where the detector answered None (scored as wrong).

Usage: ``innercircle eval language PATH/authors.jsonl [--json]``
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from innercircle.evaluation.cli import eval_parser
from innercircle.evaluation.harness import load_pages, run_page_benchmark
from innercircle.evaluation.split import HALVES, half_of
from innercircle.extract.html import parse_html
from innercircle.extract.language import declared_language
from innercircle.extract.page import extract_page

LANGUAGE_SOURCES = frozenset({"mozilla-readability", "newspaper4k", "metascraper-citation"})
COUNTRY_LANGUAGE = {
    "de": "de",
    "at": "de",
    "fr": "fr",
    "it": "it",
    "jp": "ja",
    "kr": "ko",
    "us": "en",
    "uk": "en",
    "ie": "en",
    "au": "en",
}


def expected_language(row: dict) -> tuple[str, str] | None:
    """``("exact", code)`` or ``("region", code)`` for a row, None when it says nothing."""
    raw = (row.get("lang_or_region") or "").strip()
    if not raw:
        return None
    if row["source"] in LANGUAGE_SOURCES:
        return "exact", raw.split("-")[0].lower()
    code = COUNTRY_LANGUAGE.get(raw.lower())
    return ("region", code) if code else None


def evaluate(path: Path, rows: list[dict] | None = None) -> dict[str, dict]:
    """Accuracy per test kind (exact / region) and half, ours beside ``<html lang>``."""
    rows = load_pages(path) if rows is None else rows
    counts: dict[str, Counter] = {}
    for row in rows:
        expected = expected_language(row)
        if expected is None:
            continue
        kind, code = expected
        ours = extract_page(row["html"], row["url"]).language
        root = parse_html(row["html"])
        html_lang = declared_language(root.get("lang") or root.get("xml:lang"))
        for half in (half_of(row["local_file"]), "all"):
            c = counts.setdefault(f"{kind}/{half}", Counter())
            c["pages"] += 1
            c["ours_correct"] += ours == code
            c["ours_unsure"] += ours is None
            c["html_lang_correct"] += html_lang == code
            c["html_lang_missing"] += html_lang is None
            if ours != code and half == "all":
                row["language_error"] = (code, ours)
    return {
        key: {
            **dict(c),
            "ours_accuracy": round(c["ours_correct"] / c["pages"], 4),
            "html_lang_accuracy": round(c["html_lang_correct"] / c["pages"], 4),
        }
        for key, c in sorted(counts.items())
    }


def format_table(result: dict[str, dict]) -> str:
    lines = [f"{'test/half':<13} {'pages':>5} {'ours':>6} {'unsure':>6} {'<html lang>':>11}"]
    for kind in ("exact", "region"):
        for half in (*HALVES, "all"):
            r = result.get(f"{kind}/{half}")
            if r:
                lines.append(
                    f"{kind + '/' + half:<13} {r['pages']:>5} {r['ours_accuracy']:>6.3f} "
                    f"{r['ours_unsure']:>6} {r['html_lang_accuracy']:>11.3f}"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = eval_parser("language", __doc__, "articles/authors.jsonl of the eval data")
    parser.add_argument("--errors", action="store_true", help="list tuning-half misses")
    args = parser.parse_args(argv)
    return run_page_benchmark(
        args,
        lambda rows: evaluate(args.path, rows=rows),
        format_table,
        _print_errors if args.errors else None,
    )


def _print_errors(rows: list[dict]) -> None:
    """Tuning-half pages whose language we got wrong (never the test half)."""
    for row in rows:
        if "language_error" in row and half_of(row["local_file"]) == "tune":
            print(f"- {row['local_file']} expected/ours={row['language_error']}")


if __name__ == "__main__":
    raise SystemExit(main())
