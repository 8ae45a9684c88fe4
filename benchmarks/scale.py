"""The nightly run at growing size: the sample web at ``--scale`` 1, 4 and 16.

Each size runs in its own process (so peak RSS is that run's alone) with the sample web
served on 127.0.0.x, politeness at 50 requests/s/host, and the default in-process job
(NER on every core). Printed per size: documents, wall time, peak RSS of the run's
process and of its largest NER worker, NER's share of the wall (the find_people steps),
and documents per second per core.

    .venv/bin/python benchmarks/scale.py [--scales 1 4 16]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(scale: float) -> dict:
    """Run the nightly job once over the sample web at ``scale``; measure it."""
    import dagster as dg

    from innercircle import warehouse
    from innercircle.extract.ner_pool import cores
    from innercircle.sampleweb import build_sample_web
    from innercircle.sampleweb.server import serve
    from innercircle.settings import Settings
    from pipelines.runner import run_nightly

    web = build_sample_web(scale=scale)
    with tempfile.TemporaryDirectory() as tmp, serve(web) as server:
        env = {
            "INNERCIRCLE_SOURCES": str(server.write_sources(Path(tmp) / "sources.yaml")),
            "INNERCIRCLE_WAREHOUSE": str(Path(tmp) / "innercircle.duckdb"),
            "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
            "INNERCIRCLE_HOST_RATE": "50",
            "INNERCIRCLE_AS_OF": web.reference_date.isoformat(),
        }
        settings = Settings.from_env({**os.environ, **env})
        instance = dg.DagsterInstance.ephemeral()
        start = time.perf_counter()
        result = run_nightly(settings, instance)
        wall = time.perf_counter() - start
        ner = sum(
            e.event_specific_data.duration_ms / 1000
            for e in result.get_step_success_events()
            if e.step_key.startswith("mentions.find_people")
        )
        with warehouse.connect(settings.warehouse_path, read_only=True) as con:
            documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    return {
        "scale": scale,
        "ok": result.success,
        "documents": documents,
        "wall_s": wall,
        "ner_s": ner,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "cores": cores(),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 4, 16])
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one)))
        return 0
    rows = []
    for scale in args.scales:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(scale)],
            capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'scale':>5} {'docs':>6} {'wall s':>7} {'peak RSS MB':>11} {'NER worker MB':>13} "
          f"{'NER share':>9} {'docs/s/core':>11} {'ms/doc':>7}")
    for r in rows:
        print(
            f"{r['scale']:>5g} {r['documents']:>6} {r['wall_s']:>7.1f} {r['peak_rss_mb']:>11.0f} "
            f"{r['peak_worker_rss_mb']:>13.0f} {r['ner_s'] / r['wall_s']:>9.0%} "
            f"{r['documents'] / r['wall_s'] / r['cores']:>11.2f} "
            f"{1000 * r['wall_s'] / max(r['documents'], 1):>7.1f}"
        )
    if len(rows) > 1:
        print(f"peak RSS, largest scale / smallest: "
              f"{rows[-1]['peak_rss_mb'] / rows[0]['peak_rss_mb']:.2f}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
