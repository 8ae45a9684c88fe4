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
joining sees its context. Words per second counts CoNLL tokens; ``speed_ratio`` is
ours' time over plain ``nlp.pipe``'s time on the same texts (goal: at most 1.5).

Figures are given for the tuning and the test half (:mod:`innercircle.evaluation.split`,
document ``n`` keyed ``conll:<n>`` counting ``-DOCSTART-`` lines from 0) and for all
documents. Rules in :mod:`innercircle.extract.people` may be written only from errors on
the tuning half (``--half tune --errors`` lists them); the test half is only a score.

Usage: ``python -m innercircle.evaluation.ner PATH/eng.testb [--model NAME]``;
``--record-plain FILE`` writes the plain model's figures alone, the record the PER gate
compares against (:mod:`innercircle.evaluation.recorded_baseline`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from innercircle.evaluation import recorded_baseline
from innercircle.evaluation.cli import eval_parser
from innercircle.evaluation.harness import not_a_file
from innercircle.evaluation.split import HALVES, Half, half_of
from innercircle.extract.people import PersonFinder


@dataclass
class Document:
    text: str
    tokens: int
    gold: set[tuple[int, int]]  # character spans of PER entities
    ordinal: int = 0  # which -DOCSTART- this document follows, from 0

    @property
    def half(self) -> Half:
        return half_of(f"conll:{self.ordinal}")


def read_conll(path: Path) -> list[Document]:
    """CoNLL-2003 (IOB1 or IOB2, four columns) as documents with PER character spans."""
    docs: list[Document] = []
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    ordinal = -1  # -DOCSTART- lines seen, minus one

    def flush_doc() -> None:
        if current:
            sentences.append(list(current))
            current.clear()
        if sentences:
            doc = _build(sentences)
            doc.ordinal = max(ordinal, 0)
            docs.append(doc)
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
                ordinal += 1
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


SYSTEMS = ("plain", "ours")


def evaluate(
    path: Path, model_name: str | None = None, finder: PersonFinder | None = None,
    systems: tuple[str, ...] = SYSTEMS,
) -> dict[str, dict]:
    """Figures per half: ``{"tune": {"plain": {...}, "ours": {...}}, "test": ..., "all": ...,
    "speed": {...}, "model": {...}}``, each with P/R/F1; ``systems`` picks which run (the
    PER gate reads "plain" from its record, :func:`plain_record`)."""
    docs = read_conll(path)
    finder = finder or PersonFinder(model_name)
    texts = [d.text for d in docs]
    words = sum(d.tokens for d in docs)
    english = ["en"] * len(texts)  # CoNLL-2003 is English: no language detection
    run = {
        "plain": finder.raw_entities,
        "ours": lambda texts: [[(m.start, m.end) for m in ms]
                               for ms in finder.find_people(texts, english)],
    }

    finder.raw_entities(texts[:8])  # warm up, so neither system pays the first batch
    result: dict[str, dict] = {h: {"documents": len(_pick(docs, h))} for h in (*HALVES, "all")}
    seconds = {}
    for name in systems:
        start = time.perf_counter()
        spans = run[name](texts)
        seconds[name] = time.perf_counter() - start
        for half, figures in half_figures(docs, doc_counts(spans, docs)).items():
            result[half][name] = figures
    result["speed"] = {"words": words}
    for name, took in seconds.items():
        result["speed"][f"{name}_s"] = round(took, 2)
        result["speed"][f"{name}_words_per_s"] = round(words / took) if took else 0
    if set(SYSTEMS) <= set(systems):
        plain_s, ours_s = seconds["plain"], seconds["ours"]
        result["speed"]["speed_ratio"] = round(ours_s / plain_s, 3) if plain_s else 0.0
    result["model"] = {"name": finder.model_name, "documents": len(docs)}
    return result


def _pick(docs: list[Document], half: str) -> list[int]:
    return [i for i, d in enumerate(docs) if half == "all" or d.half == half]


def doc_counts(spans: list[list[tuple[int, int]]], docs: list[Document]) -> list[list[int]]:
    """``[correct, predicted]`` spans per document."""
    return [[len(set(found) & d.gold), len(set(found))]
            for found, d in zip(spans, docs, strict=True)]


def half_figures(docs: list[Document], counts: list[list[int]]) -> dict[str, dict]:
    """P/R/F1 per half and overall from :func:`doc_counts`."""
    return {
        half: _prf(sum(counts[i][0] for i in pick), sum(counts[i][1] for i in pick),
                   sum(len(docs[i].gold) for i in pick))
        for half in (*HALVES, "all") for pick in [_pick(docs, half)]
    }


def plain_versions(finder: PersonFinder) -> dict[str, str]:
    """What the plain model's answers depend on besides the texts."""
    import spacy

    return {"spacy": spacy.__version__, finder.model_name: finder.nlp.meta["version"]}


def conll_digest(path: Path) -> str:
    return recorded_baseline.digest([path.read_bytes()])


def plain_record(path: Path, finder: PersonFinder) -> dict:
    """The plain model's figures on ``path``, as the PER gate's record."""
    docs = read_conll(path)
    counts = doc_counts(finder.raw_entities([d.text for d in docs]), docs)
    return recorded_baseline.record(
        plain_versions(finder), conll_digest(path), half_figures(docs, counts), counts,
        f"the plain model's PERSON figures on {path.name}",
    )


def errors(path: Path, half: Half, finder: PersonFinder | None = None) -> list[str]:
    """Ours' false positives and misses on one half, one line each (for tuning: use only
    ``half="tune"``)."""
    docs = [d for d in read_conll(path) if d.half == half]
    finder = finder or PersonFinder()
    found = finder.find_people([d.text for d in docs], ["en"] * len(docs))
    lines = []
    for d, ms in zip(docs, found, strict=True):
        spans = {(m.start, m.end) for m in ms}
        lines += [f"FP conll:{d.ordinal}\t{d.text[a:b]}" for a, b in sorted(spans - d.gold)]
        lines += [f"FN conll:{d.ordinal}\t{d.text[a:b]}" for a, b in sorted(d.gold - spans)]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = eval_parser("ner", __doc__, "CoNLL-2003 file, e.g. eng.testb")
    parser.add_argument("--model", default=None, help="spaCy model (default: settings)")
    parser.add_argument(
        "--errors", choices=HALVES, help="list ours' errors on this half instead (tune only!)"
    )
    parser.add_argument(
        "--record-plain", type=Path, metavar="FILE",
        help="run the plain model alone and write its figures to FILE (the PER gate's record)",
    )
    args = parser.parse_args(argv)
    if not_a_file(args.path):
        return 2
    if args.record_plain:
        recorded = plain_record(args.path, PersonFinder(args.model))
        recorded_baseline.write(args.record_plain, recorded)
        print(f"wrote {args.record_plain}: plain {recorded['figures']['all']}")
        return 0
    if args.errors:
        print("\n".join(errors(args.path, args.errors, PersonFinder(args.model))))
        return 0
    result = evaluate(args.path, args.model)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"PER on {args.path.name} ({result['model']['documents']} documents, "
        f"model {result['model']['name']})"
    )
    print(f"{'half':<5} {'docs':>4} {'system':<7} {'P':>6} {'R':>6} {'F1':>6}")
    for half in (*HALVES, "all"):
        for name in ("plain", "ours"):
            r = result[half][name]
            print(
                f"{half:<5} {result[half]['documents']:>4} {name:<7} {r['precision']:>6.3f} "
                f"{r['recall']:>6.3f} {r['f1']:>6.3f}"
            )
    sp = result["speed"]
    print(
        f"speed: plain nlp.pipe {sp['plain_words_per_s']} words/s, ours "
        f"{sp['ours_words_per_s']} words/s, ratio {sp['speed_ratio']:.2f}x (goal <= 1.5x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
