"""The Makefile's targets as a newcomer meets them: `make demo` records its run where
`make dev` looks, so the UI opened after the demo shows the demo's run."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _recipe(target: str) -> str:
    """What ``make <target>`` would run (``make -n``: printed, not run)."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    done = subprocess.run(["make", "-n", "-s", target], cwd=ROOT, env=env, text=True,
                          capture_output=True, check=True)
    return done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_demo_records_its_run_in_the_instance_the_ui_opens():
    home = "DAGSTER_HOME=${DAGSTER_HOME:-" + str(ROOT) + "/.dagster_home}"
    demo, dev = _recipe("demo"), _recipe("dev")
    assert home in dev
    assert home in demo
    assert demo.index(home) < demo.index("innercircle demo")
