"""The replay's memory sampler: which stage a progress line names, and the resident
memory of every process of the run (the largest one is what ``/usr/bin/time %M`` says)."""

from __future__ import annotations

import os
import subprocess
import sys

from innercircle.evaluation.replay import process_rss_mb, stage_of


def test_progress_lines_name_the_stage_and_its_end():
    assert stage_of("articles         248/904    errors so far: 0\n", "feeds") == "articles"
    assert stage_of("articles         904/904    errors so far: 0\n", "articles") == (
        "after articles"
    )
    # a shard's tag between the stage and its count
    assert stage_of("mentions [shard 1/2]  256/904 errors so far: 0", "x") == "mentions"
    assert stage_of("mentions [shard 2/2]  904/904 errors so far: 0", "x") == "after mentions"
    # a stage with nothing to do has not finished anything yet
    assert stage_of("discover           0/0      errors so far: 0", "feeds") == "discover"
    # any other line leaves the stage as it was
    assert stage_of("Traceback (most recent call last):", "documents") == "documents"
    assert stage_of("", "documents") == "documents"


def test_every_process_of_the_tree_is_sampled():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        found = process_rss_mb(os.getpid())
        assert child.pid in found and os.getpid() in found
        assert all(mb > 0 for mb in found.values())
    finally:
        child.kill()
        child.wait()
    assert process_rss_mb(child.pid) == {}  # gone
