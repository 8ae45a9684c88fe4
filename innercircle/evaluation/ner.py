"""People-in-text benchmark: PER on CoNLL-2003 eng.testb, exact span match.

Each CoNLL document (``-DOCSTART-``) becomes one text: its tokens joined with single
spaces, one sentence a line, so that every character offset maps back to a token
boundary. A predicted span counts as correct only if it starts at the first
character of a gold PER entity's first token and ends at the last character of its
last token. Two systems run on the same texts in the same process:

* ``plain``: the model's raw PERSON entities (the baseline);
* ``ours``: :class:`~innercircle.extract.people.PersonFinder` mentions (post-filtered,
  honorifics and possessives trimmed).

Documents are passed whole, as the pipeline passes pages, so that in-document name
joining sees its context. Words per second counts CoNLL tokens.

Usage: ``python -m innercircle.evaluation.ner PATH/eng.testb [--model NAME]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from innercircle.extract.people import PersonFinder


@dataclass
class Document:
    text: str
    tokens: int
    gold: set[tuple[int, int]]  # character spans of PER entities


def read_conll(path: Path) -> list[Document]:
    """CoNLL-2003 (IOB1 or IOB2, four columns) as documents with PER character spans."""
    docs: list[Document] = []
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []

    def flush_doc() -> None:
        if current:
            sentences.append(list(current))
            current.clear()
        if sentences:
            docs.append(_build(sentences))
            sentences.clear()

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if current:
                    sentences.append(list(current))
                    current.clear()
                continue
            if parts[0] == "-DOCSTART-":
                flush_doc()
                continue
            current.append((parts[0], parts[-1]))
    flush_doc()
    return docs


def _build(sentences: list[list[tuple[str, str]]]) -> Document:
    pieces: list[str] = []
    gold: set[tuple[int, int]] = set()
    pos = 0
    ntok = 0
    for s_i, sent in enumerate(sentences):
        if s_i:
            pieces.append("\n")
            pos += 1
        ent_start = ent_end = None
        prev_tag = "O"
        for t_i, (token, tag) in enumerate(sent):
            if t_i:
                pieces.append(" ")
                pos += 1
            start, end = pos, pos + len(token)
            pieces.append(token)
            pos = end
            ntok += 1
            kind = tag[2:] if tag != "O" else "O"
            begins = kind == "PER" and (tag.startswith("B-") or prev_tag[2:] != "PER")
            if ent_start is not None and (kind != "PER" or begins):
                gold.add((ent_start, ent_end))
                ent_start = None
            if kind == "PER":
                if ent_start is None:
                    ent_start = start
                ent_end = end
            prev_tag = tag
        if ent_start is not None:
            gold.add((ent_start, ent_end))
    return Document("".join(pieces), ntok, gold)


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "predicted": n_pred,
        "gold": n_gold,
    }


def evaluate(
    path: Path, model_name: str | None = None, finder: PersonFinder | None = None
) -> dict[str, dict]:
    """``{"plain": {...}, "ours": {...}}`` with P/R/F1 and words per second."""
    docs = read_conll(path)
    finder = finder or PersonFinder(model_name)
    texts = [d.text for d in docs]
    words = sum(d.tokens for d in docs)
    n_gold = sum(len(d.gold) for d in docs)

    start = time.perf_counter()
    plain = finder.raw_entities(texts)
    plain_s = time.perf_counter() - start
    start = time.perf_counter()
    ours = [[(m.start, m.end) for m in ms] for ms in finder.find_people(texts)]
    ours_s = time.perf_counter() - start

    result = {}
    for name, spans, seconds in (("plain", plain, plain_s), ("ours", ours, ours_s)):
        tp = sum(len(set(s) & d.gold) for s, d in zip(spans, docs, strict=True))
        figures = _prf(tp, sum(len(set(s)) for s in spans), n_gold)
        figures.update(
            words=words,
            seconds=round(seconds, 2),
            words_per_s=round(words / seconds) if seconds else 0,
        )
        result[name] = figures
    result["model"] = {"name": finder.model_name, "documents": len(docs)}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="innercircle eval ner",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", type=Path, help="CoNLL-2003 file, e.g. eng.testb")
    parser.add_argument("--model", default=None, help="spaCy model (default: settings)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not args.path.is_file():
        print(f"not a file: {args.path}", file=sys.stderr)
        return 2
    result = evaluate(args.path, args.model)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"PER on {args.path.name} ({result['model']['documents']} documents, "
        f"model {result['model']['name']})"
    )
    print(f"{'system':<7} {'P':>6} {'R':>6} {'F1':>6} {'words/s':>9}")
    for name in ("plain", "ours"):
        r = result[name]
        print(
            f"{name:<7} {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f} "
            f"{r['words_per_s']:>9}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
