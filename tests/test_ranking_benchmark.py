"""On the sample web (seed 7, the tuning web), whose planted top voices are known, the
ranking finds them and beats the two naive rankings (raw mention count; articles authored)
computed on the same warehouse. The same measurement as ``benchmarks/ranking_quality.py``,
which also runs the unseen seeds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from ranking_quality import intruders, measure  # noqa: E402

from innercircle import warehouse  # noqa: E402


@pytest.fixture(scope="module")
def sample_warehouse(sample_run):
    return sample_run.warehouse


def test_the_ranking_beats_both_baselines_and_recalls_the_planted_voices(
    sample_warehouse, sample_web
):
    with warehouse.connect(sample_warehouse, read_only=True) as con:
        results = measure(con, sample_web)
    for industry, by_method in results.items():
        ours, recall = by_method["innercircle"]
        print(industry, {m: p for m, (p, _) in by_method.items()})
        assert ours >= 0.75, industry
        assert recall >= 0.9, industry
    for baseline in ("mention count", "articles authored"):
        ours = sum(r["innercircle"][0] for r in results.values()) / len(results)
        theirs = sum(r[baseline][0] for r in results.values()) / len(results)
        # The aim (issue 9): 0.15 over both, on this web and on unseen ones.
        assert ours >= theirs + 0.15, baseline


def test_precision_at_20_is_at_least_0_9_per_industry(sample_warehouse, sample_web):
    with warehouse.connect(sample_warehouse, read_only=True) as con:
        results = measure(con, sample_web)
    assert all(r["innercircle"][0] >= 0.9 for r in results.values()), results


def test_names_that_are_not_people_stay_out_of_the_top_20(sample_warehouse, sample_web):
    with warehouse.connect(sample_warehouse, read_only=True) as con:
        wrong = intruders(con, sample_web)
    assert not [(i, n, k) for i, names in wrong.items() for n, k in names
                if not k.startswith(("mid-tier", "a top voice"))], wrong


def test_decoys_stay_out_of_the_top_20(sample_warehouse, sample_web):
    with warehouse.connect(sample_warehouse, read_only=True) as con:
        for industry, truth in sample_web.truth.industries.items():
            top = {
                r[0]
                for r in con.execute(
                    "SELECT name FROM recurring_voices WHERE industry = $i AND rank <= 20",
                    {"i": industry},
                ).fetchall()
            }
            decoys = {
                *truth.one_source_repeated,
                *truth.syndicated_only,
                *truth.organisations,
                *truth.single_site_prolific,
            }
            assert not top & decoys, (industry, top & decoys)
            excluded = {r[0] for r in con.execute("SELECT name FROM excluded_names").fetchall()}
            assert not excluded & set(truth.top_voices), industry


def test_the_paraphrased_web_says_the_same_things_in_other_words():
    """``--paraphrase`` changes the wording only: the same answer key, other sentences,
    and the generator's own templates back once the block ends."""
    from paraphrased_templates import PARAPHRASED, paraphrased

    from innercircle.sampleweb import build_sample_web, vocab

    original = {name: list(getattr(vocab, name)) for name in PARAPHRASED}
    with paraphrased():
        other = build_sample_web(101, scale=0.25)
    assert {name: getattr(vocab, name) for name in PARAPHRASED} == original
    usual = build_sample_web(101, scale=0.25)
    assert other.truth.industries.keys() == usual.truth.industries.keys()
    for industry, truth in usual.truth.industries.items():
        assert other.truth.industries[industry].top_voices == truth.top_voices

    def text(web) -> str:
        return b"".join(page.body for pages in web.pages.values() for page in pages.values()
                        if isinstance(page.body, bytes)).decode("utf-8", "replace")

    ours, theirs = text(other), text(usual)
    assert "declined to comment" in theirs and "declined to comment" not in ours
    assert "did not respond to a request for comment" in ours
