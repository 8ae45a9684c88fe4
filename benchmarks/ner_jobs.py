"""Which runs NER faster on one machine: one step with a process pool on every core (the
in-process `nightly` job), or N shard steps in parallel processes (`nightly_parallel`)?

Runs the nightly job once over the sample web, then re-runs only the `mentions` asset
(every document again, as after a model change) each way, and prints the wall time of
that re-run.

    .venv/bin/python benchmarks/ner_jobs.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    from innercircle import warehouse
    from innercircle.extract.ner_pool import cores
    from innercircle.sampleweb import build_sample_web
    from innercircle.sampleweb.server import serve
    from innercircle.settings import Settings

    web = build_sample_web()
    with tempfile.TemporaryDirectory() as tmp, serve(web) as server:
        home = Path(tmp) / "home"
        home.mkdir()
        env = {
            "INNERCIRCLE_SOURCES": str(server.write_sources(Path(tmp) / "sources.yaml")),
            "INNERCIRCLE_WAREHOUSE": str(Path(tmp) / "innercircle.duckdb"),
            "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
            "INNERCIRCLE_HOST_RATE": "50",
            "INNERCIRCLE_AS_OF": web.reference_date.isoformat(),
            "DAGSTER_HOME": str(home),
        }
        os.environ.update(env)  # the code location and the step processes read it
        from pipelines.bench import (
            ephemeral_instance,
            rematerialize_in_process,
            rematerialize_in_processes,
        )
        from pipelines.runner import run_nightly

        settings = Settings.from_env()
        assert run_nightly(settings, ephemeral_instance()).success
        work = warehouse.working_path(settings.warehouse_path)

        def forget() -> int:
            with warehouse.connect(work) as con:
                con.execute("DELETE FROM mention_extractions")
                return con.execute("SELECT count(*) FROM documents").fetchone()[0]

        mentions = ["mentions"]
        docs = forget()
        instance = ephemeral_instance()
        start = time.perf_counter()
        result = rematerialize_in_process(mentions, instance)
        pool_s = time.perf_counter() - start
        assert result.success

        rows = {}
        for shards in (2,):
            forget()
            os.environ["INNERCIRCLE_NER_SHARDS"] = str(shards)
            start = time.perf_counter()
            done = rematerialize_in_processes(mentions, settings, home)
            rows[shards] = time.perf_counter() - start
            assert done
    print(f"load average {os.getloadavg()[0]:.1f} on {cores()} cores; NER over {docs} documents")
    print(f"in-process job, 1 step, pool of {cores()} processes: {pool_s:6.1f} s")
    for shards, seconds in rows.items():
        print(f"nightly_parallel, {shards} shard steps (multiprocess): {seconds:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
