"""Measure a nightly run end to end on the sample web, then a second run over the same,
unchanged web.

Prints: articles processed, wall time of each run, the NER floor (plain ``nlp.pipe`` on
the same texts, same model, only the NER components), peak memory, bytes downloaded per
run, documents sent to NER per run, and how many planted top voices land in the top 20.

    .venv/bin/python benchmarks/pipeline_run.py
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    from ranking_quality import measure  # beside this script

    from innercircle import warehouse
    from innercircle.cli import run_nightly
    from innercircle.sampleweb import build_sample_web
    from innercircle.sampleweb.server import serve
    from innercircle.settings import Settings

    web = build_sample_web()
    with tempfile.TemporaryDirectory() as tmp, serve(web) as server:
        sources = server.write_sources(Path(tmp) / "sources.yaml")
        os.environ.update(
            {
                "INNERCIRCLE_SOURCES": str(sources),
                "INNERCIRCLE_WAREHOUSE": str(Path(tmp) / "innercircle.duckdb"),
                "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
                "INNERCIRCLE_HOST_RATE": os.environ.get("INNERCIRCLE_HOST_RATE", "50"),
            }
        )
        settings = Settings.from_env()
        runs = []
        for label in ("first", "second"):
            t0 = time.perf_counter()
            result = run_nightly(settings)
            ok = result.success
            wall = time.perf_counter() - t0
            steps = step_seconds(result)
            with warehouse.connect(settings.warehouse_path, read_only=True) as con:
                run_id = con.execute(
                    "SELECT arg_max(run_id, fetched_at) FROM crawl_log"
                ).fetchone()[0]
                nbytes, requests, not_modified = con.execute(
                    "SELECT sum(bytes), count(*), count(*) FILTER (WHERE from_cache) "
                    "FROM crawl_log WHERE run_id = $r",
                    {"r": run_id},
                ).fetchone()
                ner_docs = con.execute(
                    "SELECT count(*) FROM mention_extractions WHERE extracted_at >= "
                    "(SELECT min(fetched_at) FROM crawl_log WHERE run_id = $r)",
                    {"r": run_id},
                ).fetchone()[0]
                articles = con.execute(
                    "SELECT count(*) FROM documents WHERE kind = 'article'"
                ).fetchone()[0]
            runs.append(
                dict(
                    label=label,
                    ok=ok,
                    wall=wall,
                    bytes=nbytes,
                    requests=requests,
                    not_modified=not_modified,
                    ner_docs=ner_docs,
                    articles=articles,
                    steps=steps,
                )
            )

        with warehouse.connect(settings.warehouse_path, read_only=True) as con:
            texts = [
                r[0] or ""
                for r in con.execute("SELECT text FROM documents ORDER BY doc_id").fetchall()
            ]
            # Planted voices matched by person (all their name forms), as ranking_quality does.
            quality = measure(con, web)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = ner_floor(texts, settings.spacy_model)

    first, second = runs
    print(f"articles processed:        {first['articles']}")
    for r in runs:
        print(
            f"{r['label']:<6} run: ok={r['ok']} wall {r['wall']:.1f} s, {r['requests']} "
            f"requests ({r['not_modified']} x 304), {r['bytes'] / 1e6:.2f} MB, "
            f"NER on {r['ner_docs']} documents"
        )
    for r in runs:
        print(f"{r['label']:<6} run steps: " + ", ".join(
            f"{k} {v:.2f}s" for k, v in r["steps"].items()))
    print(f"second/first bytes:        {second['bytes'] / max(first['bytes'], 1):.2%}")
    print(f"second/first wall time:    {second['wall'] / first['wall']:.2%}")
    print(f"NER floor (plain nlp.pipe on the {len(texts)} texts): {floor:.1f} s")
    print(f"peak memory (max RSS):     {peak_mb:.0f} MB")
    for industry, methods in quality.items():
        hits = round(methods["innercircle"][0] * 20)
        print(f"planted top voices in top 20, {industry}: {hits}/20")
    return 0 if first["ok"] and second["ok"] else 1


def step_seconds(result) -> dict[str, float]:
    """Wall time of each step, as Dagster measured it (STEP_SUCCESS duration)."""
    return {
        e.step_key: e.event_specific_data.duration_ms / 1000
        for e in result.get_step_success_events()
    }


def ner_floor(texts: list[str], model: str) -> float:
    import spacy

    nlp = spacy.load(model, exclude=["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"])
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.exit(main())
