"""Ranking quality on the sample web, whose planted top voices are known.

Per industry: precision@20 (how many of our top 20 are planted top-20 voices) and
recall@50 (how many of the planted top 20 are in our top 50), for our ranking beside two
naive baselines computed on the same warehouse data (the same resolved people, the same
mentions): rank by raw mention count, and rank by articles authored.

People are matched by ``person_id``, through ``person_aliases``: a planted voice is found
when any of the name forms the sample web wrote for them resolves to the ranked person
(so "Sarah R. Vasquez" displayed for "Sarah Vasquez" is a hit, and two planted people
merged into one row would be caught).

    .venv/bin/python benchmarks/ranking_quality.py              # crawl the sample web first (~45 s)
    .venv/bin/python benchmarks/ranking_quality.py --warehouse warehouse/innercircle.duckdb
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

BASELINES = {
    "mention count": """
        SELECT industry, person_id, count(*) AS n FROM mention_facts GROUP BY ALL""",
    "articles authored": """
        SELECT industry, person_id, count(DISTINCT doc_id) AS n FROM mention_facts
        WHERE role = 'author' GROUP BY ALL""",
}


def truth_ids(con, web) -> dict[str, list[str | None]]:
    """Planted top-20 voices per industry as person ids (None when never resolved)."""
    from innercircle.extract.names import name_key

    aliases = dict(con.execute("SELECT alias_key, person_id FROM person_aliases").fetchall())
    out: dict[str, list[str | None]] = {}
    for industry, truth in web.truth.industries.items():
        ids = []
        for name in truth.top_voices[:20]:
            forms = [name, *web.truth.aliases.get(name, [])]
            found = [aliases[k] for f in forms if (k := name_key(f)) in aliases]
            ids.append(max(set(found), key=found.count) if found else None)
        out[industry] = ids
    return out


def ranked_ids(con, industry: str, sql: str | None) -> list[str]:
    if sql is None:
        query = "SELECT person_id FROM recurring_voices WHERE industry = $i ORDER BY rank"
    else:  # ties broken by id, as a naive ranking would (no signal says otherwise)
        query = f"SELECT person_id FROM ({sql}) WHERE industry = $i ORDER BY n DESC, person_id"
    return [r[0] for r in con.execute(query, {"i": industry}).fetchall()]


def measure(con, web) -> dict[str, dict[str, tuple[float, float]]]:
    """{industry: {method: (precision@20, recall of the true top 20 within the top 50)}}"""
    truths = truth_ids(con, web)
    results: dict[str, dict[str, tuple[float, float]]] = {}
    for industry, truth in truths.items():
        want = {t for t in truth if t}
        results[industry] = {}
        for method, sql in [("innercircle", None), *BASELINES.items()]:
            ranked = ranked_ids(con, industry, sql)
            p20 = len(want & set(ranked[:20])) / 20
            r50 = len(want & set(ranked[:50])) / 20
            results[industry][method] = (p20, r50)
    return results


def build_warehouse(tmp: Path) -> Path:
    from innercircle.cli import run_nightly
    from innercircle.sampleweb import build_sample_web
    from innercircle.sampleweb.server import serve
    from innercircle.settings import Settings

    with serve(build_sample_web()) as server:
        sources = server.write_sources(tmp / "sources.yaml")
        os.environ.update(
            {
                "INNERCIRCLE_SOURCES": str(sources),
                "INNERCIRCLE_WAREHOUSE": str(tmp / "innercircle.duckdb"),
                "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
                "INNERCIRCLE_HOST_RATE": os.environ.get("INNERCIRCLE_HOST_RATE", "100"),
            }
        )
        settings = Settings.from_env()
        if not run_nightly(settings).success:
            raise SystemExit("the nightly run failed")
        return settings.warehouse_path


def report(results) -> str:
    methods = list(next(iter(results.values())))
    lines = [
        "precision@20 / recall of the true top 20 within the top 50, per industry",
        "",
        f"{'industry':<10}" + "".join(f"{m:>22}" for m in methods),
    ]
    for industry, by_method in results.items():
        cells = "".join(f"{p:>14.2f} / {r:<5.2f}" for p, r in by_method.values())
        lines.append(f"{industry:<10}{cells}")
    means = [
        (
            sum(results[i][m][0] for i in results) / len(results),
            sum(results[i][m][1] for i in results) / len(results),
        )
        for m in methods
    ]
    lines.append(f"{'mean':<10}" + "".join(f"{p:>14.2f} / {r:<5.2f}" for p, r in means))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, help="an existing sample-web warehouse")
    args = parser.parse_args(argv)

    from innercircle import warehouse
    from innercircle.sampleweb import build_sample_web

    web = build_sample_web()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.warehouse or build_warehouse(Path(tmp))
        with warehouse.connect(path, read_only=True) as con:
            results = measure(con, web)
    print(report(results))
    worst = min(r["innercircle"][0] for r in results.values())
    print(f"\nworst industry precision@20: {worst:.2f} (target 0.90)")
    return 0 if worst >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
