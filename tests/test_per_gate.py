"""CI gate: PER F1 on CoNLL-2003 eng.testb may not regress, and stays at or above the plain
model's raw PERSON entities on both halves of the fixed split. The plain model's figures
depend only on the file, spaCy and the model, so they are recorded in
``plain_model_per.json`` (numbers only; the model ran twice over every text, half the
gate's time, to measure them each run), checked against the installed versions and the
file, and spot-checked on a sample of the documents.

The floor is in ``extraction_floor.json`` beside this file, with the page gates'
(tests/test_extraction_gate.py); this gate shares nothing with them, so it is a file of
its own that another test worker can run while they do. Skipped where ../shared/eval is
absent.
"""

import json
from pathlib import Path

import pytest

from tests.conftest import EVAL_DIR

FLOOR = json.loads((Path(__file__).parent / "extraction_floor.json").read_text())
PLAIN = Path(__file__).parent / "plain_model_per.json"
EVAL = EVAL_DIR  # INNERCIRCLE_EVAL_DIR, else ../shared/eval (tests/conftest.py)
CONLL = EVAL / "ner" / "conll2003" / "eng.testb"

# The benchmark runs the model over every text (~10 s): slow, not in `make test-fast`.
pytestmark = [pytest.mark.eval, pytest.mark.slow(seconds=10)]


@pytest.fixture(scope="module")
def plain_recorded(finder) -> dict:
    """The plain model's recorded figures while they are for this CoNLL file, this spaCy
    and this model; else measured now (slower), with a warning saying how to record again."""
    from innercircle.evaluation import ner, recorded_baseline

    if not CONLL.is_file():
        pytest.skip(f"evaluation data absent: {CONLL}")
    recorded, _ = recorded_baseline.recorded_or_measured(
        PLAIN, ner.plain_versions(finder), ner.conll_digest(CONLL),
        f"innercircle eval ner {CONLL} --record-plain {PLAIN}",
        lambda: ner.plain_record(CONLL, finder),
    )
    return recorded


def test_the_plain_model_today_finds_what_was_recorded_on_a_sample(finder, plain_recorded):
    from innercircle.evaluation.ner import doc_counts, half_figures, read_conll
    from innercircle.evaluation.recorded_baseline import sample

    docs = read_conll(CONLL)
    some = sample(docs)
    assert len(some) > 10
    found = doc_counts(finder.raw_entities([d.text for d in some]), some)
    assert found == sample(plain_recorded["items"])
    # The recorded figures are those of the recorded documents.
    assert half_figures(docs, plain_recorded["items"]) == plain_recorded["figures"]


def test_per_f1_floor(finder, plain_recorded):
    from innercircle.evaluation.ner import evaluate

    result = evaluate(CONLL, finder=finder, systems=("ours",))
    plain = plain_recorded["figures"]
    every = result["all"]
    assert every["ours"]["f1"] >= FLOOR["per_f1_conll"] - FLOOR["tolerance"], every["ours"]
    for half in ("tune", "test"):  # above the plain model on both halves, not only overall
        assert result[half]["ours"]["f1"] >= plain[half]["f1"], (result[half], plain[half])
