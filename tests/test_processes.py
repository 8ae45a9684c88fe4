"""The process table the Celery test and the UI driver read (tests/processes.py)."""

import os
import subprocess
import sys
import time

import pytest

from tests.processes import process_table

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="no /proc here")


def test_a_child_is_listed_under_its_parent_and_shows_as_a_zombie_once_it_exits():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 10
        while True:  # not reaped (no wait yet), so it stays in the table as a zombie
            (row,) = [p for p in process_table() if p.pid == child.pid]
            if row.state == "Z" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert (row.parent, row.group, row.state) == (os.getpid(), os.getpgrp(), "Z")
    finally:
        child.wait()
    assert child.pid not in {p.pid for p in process_table()}
