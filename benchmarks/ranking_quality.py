"""Ranking quality on sample webs whose planted top voices are known: seed 7 and unseen seeds.

Per industry: precision@20 (how many of our top 20 are planted top-20 voices) and
recall@50 (how many of the planted top 20 are in our top 50), for our ranking beside two
naive baselines computed on the same warehouse data (the same resolved people, the same
mentions): rank by raw mention count, and rank by articles authored.

People are matched by ``person_id``, through ``person_aliases``: a planted voice is found
when any of the name forms the sample web wrote for them resolves to the ranked person
(so "Sarah R. Vasquez" displayed for "Sarah Vasquez" is a hit, and two planted people
merged into one row would be caught).

Seed 7 is the demo's web, the one the ranking is tuned on. The other seeds in ``SEEDS``
were fixed here before anyone tuned against them (every person, company, product, blog
and address differs per seed): they say how the ranking does on webs it has not seen.
The WORST seed is the figure to quote.

    .venv/bin/python benchmarks/ranking_quality.py                  # every seed (~1-2 min each)
    .venv/bin/python benchmarks/ranking_quality.py --seeds 7 101
    .venv/bin/python benchmarks/ranking_quality.py --seeds 7 --warehouse PATH.duckdb
    .venv/bin/python benchmarks/ranking_quality.py --paraphrase --seeds 101 102 103

``--paraphrase`` builds the webs with another wording of their English sentences
(``benchmarks/paraphrased_templates.py``): the same kinds of sentences about the same kinds
of names, in words no rule was written from. Every seed is unseen there, seed 7 included.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paraphrased_templates import paraphrased  # noqa: E402

#: Fixed before tuning: 7 is the tuning web, the rest are never tuned on.
SEEDS = (7, 101, 102, 103, 104, 105)
TUNING_SEED = 7

BASELINES = {
    "mention count": """
        SELECT industry, person_id, count(mention_id) AS n FROM mention_facts GROUP BY ALL""",
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


def intruders(con, web) -> dict[str, list[tuple[str, str]]]:
    """Per industry, our top-20 names that are not planted top-20 voices, with what the
    answer key says each one is (a product, an eponymous company, a mid-tier person...)."""
    truths = truth_ids(con, web)
    out: dict[str, list[tuple[str, str]]] = {}
    for industry, ids in truths.items():
        rows = con.execute("SELECT person_id, name FROM recurring_voices WHERE industry = $i "
                           "AND rank <= 20 ORDER BY rank", {"i": industry}).fetchall()
        truth = web.truth.industries[industry]
        variant_of = {v: c for c, vs in web.truth.aliases.items() for v in vs if v != c}
        out[industry] = [(name, f"a variant of {variant_of[name]} (split)" if name in variant_of
                          else truth.kind_of(name)) for pid, name in rows
                         if pid not in set(ids)]
    return out


#: What the answer key calls a name that is no person at all (as opposed to a person who
#: is no top voice): the kinds the inner circle must leave out.
NOT_PEOPLE = ("product", "eponymous company", "fiction", "organisation", "byline label")


def non_people(con, web, top: int = 50) -> dict[str, int]:
    """Names in our top ``top`` (every industry) that are no person, counted by kind."""
    counts: dict[str, int] = {}
    for industry, truth in web.truth.industries.items():
        names = [r[0] for r in con.execute(
            "SELECT name FROM recurring_voices WHERE industry = $i AND rank <= $n",
            {"i": industry, "n": top}).fetchall()]
        for name in names:
            kind = truth.kind_of(name)
            if kind in NOT_PEOPLE:
                counts[kind] = counts.get(kind, 0) + 1
    return counts


def build_warehouse(tmp: Path, web) -> Path:
    """Serve ``web`` on loopback and run the nightly job on it, in-process, into ``tmp``."""
    from innercircle.cli import run_nightly
    from innercircle.sampleweb.server import serve
    from innercircle.settings import Settings

    with serve(web) as server:
        sources = server.write_sources(tmp / "sources.yaml")
        os.environ.update(
            {
                "INNERCIRCLE_SOURCES": str(sources),
                "INNERCIRCLE_WAREHOUSE": str(tmp / "innercircle.duckdb"),
                "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
                "INNERCIRCLE_HOST_RATE": os.environ.get("INNERCIRCLE_HOST_RATE", "100"),
                # Rank as of the web's own date, as the demo and the tests do.
                "INNERCIRCLE_AS_OF": web.reference_date.isoformat(),
            }
        )
        settings = Settings.from_env()
        if not run_nightly(settings).success:
            raise SystemExit(f"the nightly run failed on seed {web.seed}")
        return settings.warehouse_path


def report(results) -> str:
    methods = list(next(iter(results.values())))
    lines = [
        f"{'industry':<10}" + "".join(f"{m:>22}" for m in methods),
    ]
    for industry, by_method in results.items():
        cells = "".join(f"{p:>14.2f} / {r:<5.2f}" for p, r in by_method.values())
        lines.append(f"{industry:<10}{cells}")
    means = mean_by_method(results)
    lines.append(f"{'mean':<10}" + "".join(f"{p:>14.2f} / {r:<5.2f}" for p, r in means.values()))
    return "\n".join(lines)


def mean_by_method(results) -> dict[str, tuple[float, float]]:
    methods = list(next(iter(results.values())))
    n = len(results)
    return {m: (sum(results[i][m][0] for i in results) / n,
                sum(results[i][m][1] for i in results) / n) for m in methods}


def summary(by_seed: dict[int, dict]) -> str:
    """One line per seed (mean over industries), and the worst seed and industry."""
    methods = list(next(iter(next(iter(by_seed.values())).values())))
    lines = ["mean precision@20 / recall@50 over industries, per seed", "",
             f"{'seed':<10}" + "".join(f"{m:>22}" for m in methods)]
    for seed, results in by_seed.items():
        cells = "".join(f"{p:>14.2f} / {r:<5.2f}" for p, r in mean_by_method(results).values())
        tag = " (tuning)" if seed == TUNING_SEED else ""
        lines.append(f"{str(seed) + tag:<10}{cells}")
    unseen = {s: r for s, r in by_seed.items() if s != TUNING_SEED} or by_seed
    worst_seed = min(unseen, key=lambda s: mean_by_method(unseen[s])["innercircle"][0])
    worst = mean_by_method(unseen[worst_seed])
    cell = min(((s, i, r[i]["innercircle"][0]) for s, r in unseen.items() for i in r),
               key=lambda t: t[2])
    label = "unseen seed" if any(s != TUNING_SEED for s in by_seed) else "seed"
    lines += ["", f"WORST {label}: {worst_seed}: precision@20 "
              f"{worst['innercircle'][0]:.2f} (mention count {worst['mention count'][0]:.2f}, "
              f"articles authored {worst['articles authored'][0]:.2f}); "
              f"recall@50 {worst['innercircle'][1]:.2f}",
              f"worst industry on an {label}: seed {cell[0]} {cell[1]}: "
              f"precision@20 {cell[2]:.2f}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS),
                        help=f"sample-web seeds (default {' '.join(map(str, SEEDS))})")
    parser.add_argument("--warehouse", type=Path,
                        help="an existing warehouse of the (single) seed given")
    parser.add_argument("--paraphrase", action="store_true",
                        help="build the webs with the other wording of their English "
                             "sentences (benchmarks/paraphrased_templates.py)")
    args = parser.parse_args(argv)
    if args.warehouse and len(args.seeds) != 1:
        parser.error("--warehouse needs exactly one --seeds value")

    from innercircle import warehouse
    from innercircle.sampleweb import build_sample_web

    if args.paraphrase:
        print("the webs' English sentences in their other wording "
              "(benchmarks/paraphrased_templates.py)", flush=True)
    by_seed: dict[int, dict] = {}
    kinds: dict[str, int] = {}
    top50_non_people: dict[int, int] = {}
    for seed in args.seeds:
        with paraphrased() if args.paraphrase else contextlib.nullcontext():
            web = build_sample_web(seed)
        with tempfile.TemporaryDirectory() as tmp:
            path = args.warehouse or build_warehouse(Path(tmp), web)
            with warehouse.connect(path, read_only=True) as con:
                by_seed[seed] = measure(con, web)
                wrong = intruders(con, web)
                nobody = non_people(con, web)
        tag = " (tuning web)" if seed == TUNING_SEED else " (unseen)"
        print(f"\nseed {seed}{tag}: precision@20 / recall of the true top 20 within the top 50",
              flush=True)
        print(report(by_seed[seed]), flush=True)
        for industry, names in wrong.items():
            if names:
                print(f"  not top voices in our {industry} top 20: "
                      + "; ".join(f"{n} ({k})" for n, k in names), flush=True)
            for _, kind in names:
                base = kind.removesuffix(" (part)")
                kinds[base] = kinds.get(base, 0) + (seed != TUNING_SEED)
        print(f"  no person at all in our top 50s: {sum(nobody.values())}"
              + (" (" + ", ".join(f"{k} {n}" for k, n in sorted(nobody.items())) + ")"
                 if nobody else ""), flush=True)
        top50_non_people[seed] = sum(nobody.values())
    print()
    print(summary(by_seed))
    if any(kinds.values()):
        print("\nwhat took the places of planted voices in our top 20s, over the unseen seeds: "
              + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda t: -t[1])))
    print("names that are no person (products, firms, fiction, organisations, byline labels)"
          " in the top 50s of all industries, per seed: "
          + ", ".join(f"{s} {n}" for s, n in top50_non_people.items()))
    unseen = [s for s in by_seed if s != TUNING_SEED] or list(by_seed)
    worst = min(min(r["innercircle"][0] for r in by_seed[s].values()) for s in unseen)
    print(f"\nworst industry precision@20 over the unseen seeds: {worst:.2f} (target 0.90)")
    return 0 if worst >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
