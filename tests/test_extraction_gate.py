"""CI gate: author F1 and PER F1 on the real-world eval data may not regress.

The floors live in ``extraction_floor.json`` beside this file; a figure more than
``tolerance`` (one point) below its floor fails the suite, like trafilatura's own
evaluation gate. Our PER F1 must also stay at or above the plain model's raw PERSON
entities measured in the same run. Skipped where ../shared/eval is absent.
"""

import json
from pathlib import Path

import pytest

from innercircle.errors import ModelLoadError

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
FLOOR = json.loads((Path(__file__).parent / "extraction_floor.json").read_text())
AUTHORS = EVAL / "articles" / "authors.jsonl"
CONLL = EVAL / "ner" / "conll2003" / "eng.testb"

# Each gate runs a whole benchmark (~1 min): slow, left out of `make test-fast`.
pytestmark = [pytest.mark.eval, pytest.mark.slow]


@pytest.mark.skipif(not AUTHORS.is_file(), reason=f"evaluation data absent: {AUTHORS}")
def test_author_f1_floor():
    from innercircle.evaluation.authors import evaluate

    ours = evaluate(AUTHORS, with_trafilatura=False)["ours"]
    tol = FLOOR["tolerance"]
    assert ours["crashes"] == 0
    assert ours["gold"]["f1"] >= FLOOR["author_f1_gold"] - tol, ours["gold"]
    assert ours["all"]["f1"] >= FLOOR["author_f1_all"] - tol, ours["all"]


@pytest.mark.skipif(not CONLL.is_file(), reason=f"evaluation data absent: {CONLL}")
def test_per_f1_floor():
    from innercircle.evaluation.ner import evaluate

    try:
        result = evaluate(CONLL)
    except ModelLoadError as exc:
        pytest.skip(f"spaCy model not installed: {exc}")
    every = result["all"]
    assert every["ours"]["f1"] >= FLOOR["per_f1_conll"] - FLOOR["tolerance"], every["ours"]
    for half in ("tune", "test"):  # above the plain model on both halves, not only overall
        assert result[half]["ours"]["f1"] >= result[half]["plain"]["f1"], result[half]
