"""``benchmarks/scale.py --steps`` also prints the run per phase (crawl, documents and
NER, ranking): where the cores idle and where parsing and NER share them."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from scale import median_run, phase_spans  # noqa: E402


def test_a_phase_runs_from_its_first_step_to_the_next_phase():
    steps = [  # (step, start, end) as the run's event log gives them, by end
        ("sources", 0.0, 0.2),
        ("feeds.fetch_feeds[shard_0]", 0.3, 4.0),
        ("documents", 4.1, 9.0),
        ("mentions.find_people[shard_0]", 9.2, 12.0),
        ("recurring_voices", 12.6, 13.0),
        ("people", 12.1, 12.5),
    ]
    assert phase_spans(steps) == {
        "crawl": (0.0, 4.1),
        "documents and NER": (4.1, 12.1),
        "ranking and the rest": (12.1, 13.0),
    }


def test_a_run_that_built_nothing_is_all_crawl():
    assert phase_spans([("sources", 0.0, 0.5), ("feeds.fetch_feeds[shard_0]", 0.6, 2.0)]) == {
        "crawl": (0.0, 2.0)
    }
    assert phase_spans([]) == {}


def test_repeated_runs_are_shown_by_the_run_with_the_median_ratio_to_its_floor():
    runs = [{"wall_s": w, "floor_s": f, "n": n}
            for n, (w, f) in enumerate([(40.0, 25.0), (38.0, 27.0), (41.0, 26.0)])]
    assert median_run(runs, floor=True)["n"] == 2  # 1.60x, 1.41x, 1.58x
    assert median_run(runs, floor=False)["n"] == 0  # 40, 38, 41 s
    assert median_run(runs[:2], floor=True)["n"] == 1  # the lower middle of two
