"""Shared fixtures: the sample web served on 127.0.0.x, and a pipeline environment
(sources file, temporary warehouse, private networks allowed for loopback)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

EVAL_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


@pytest.fixture(scope="session")
def sample_web():
    from innercircle.sampleweb import build_sample_web

    return build_sample_web()


@pytest.fixture(scope="session")
def sample_server(sample_web):
    from innercircle.sampleweb.server import serve

    with serve(sample_web) as server:
        yield server


@pytest.fixture(scope="session")
def pipeline_env(tmp_path_factory, sample_web, sample_server) -> Iterator[dict[str, str]]:
    """Environment for a run against the sample web, into a temporary warehouse."""
    root = tmp_path_factory.mktemp("pipeline")
    sources = sample_server.write_sources(root / "sources.yaml")
    env = {
        "INNERCIRCLE_SOURCES": str(sources),
        "INNERCIRCLE_WAREHOUSE": str(root / "innercircle.duckdb"),
        "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
        "INNERCIRCLE_HOST_RATE": "100",
        # Rank as of the sample web's own date, as the demo does.
        "INNERCIRCLE_AS_OF": sample_web.reference_date.isoformat(),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield env
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def innercircle(*args: str, env: dict[str, str], timeout: float = 600):
    """Run the installed ``innercircle`` command the way a user would."""
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("innercircle")
    return subprocess.run(
        [str(exe), *args], env={**os.environ, **env}, capture_output=True, text=True,
        timeout=timeout, check=False,
    )


@pytest.fixture(scope="session")
def cli_run(tmp_path_factory, sample_server) -> dict:
    """One ``innercircle run`` against the sample web, in a fresh temporary warehouse."""
    root = tmp_path_factory.mktemp("cli")
    env = {
        "INNERCIRCLE_SOURCES": str(sample_server.write_sources(root / "sources.yaml")),
        "INNERCIRCLE_WAREHOUSE": str(root / "innercircle.duckdb"),
        "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
        "INNERCIRCLE_HOST_RATE": "100",
    }
    env.pop("DAGSTER_HOME", None)
    result = innercircle("run", env=env)
    return {"env": env, "result": result, "root": root}
