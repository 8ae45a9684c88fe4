"""Source suggestions on the sample web with hidden blogs: are they found, do they help?

1. Plant hidden blogs (``innercircle.sampleweb.hidden``): per industry a few blogs left
   out of the sources file, reachable only through main-text links of the listed ones,
   with three of its planted top-20 voices written about only there (so unranked until
   the hidden blogs are read).
2. Run the nightly job. Report, per industry, precision@10 of the suggestions (share of
   the top 10 that are hidden blogs; with 2 hidden per industry it cannot exceed 0.2
   unless fewer than 10 are suggested), recall of the hidden blogs in the top 10 and in
   all suggestions, and recall@50 of the planted top-20 voices (as ranking_quality does).
3. Accept the top N suggestions with a feed per industry, as ``innercircle sources accept
   --top N`` does, run again, and report recall@50 of the planted voices after: of all
   20, and of the confined ones (their rank before -> after).
4. Wall time: the ``source_suggestions`` step, plus the time spent extracting main-text
   links (re-timed on the stored pages), as a share of the whole nightly run.

    .venv/bin/python benchmarks/source_suggestions.py [--seed 7] [--accept-top 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ranking_quality import ranked_ids, truth_ids  # noqa: E402


def run(settings):  # noqa: ANN001, ANN201
    from pipelines.bench import ephemeral_instance, latest_metadata, step_spans
    from pipelines.runner import run_nightly

    instance = ephemeral_instance()
    start = time.perf_counter()
    result = run_nightly(settings, instance)
    wall = time.perf_counter() - start
    if not result.success:
        raise SystemExit("the nightly run failed")
    steps: dict = {key: end - begin for key, begin, end in step_spans(instance, result.run_id)}
    meta = latest_metadata(instance, "source_suggestions")
    if meta is not None:
        steps["metadata"] = {k: meta[k] for k in
                             ("candidates", "checked", "rechecked", "with_feed", "refused",
                              "score_ms", "feed_check_ms") if k in meta}
    return wall, steps


def link_time(warehouse: Path) -> float:
    """Seconds main_text_links takes over every stored article page (what a cold run pays)."""
    from innercircle import warehouse as wh
    from innercircle.extract.links import main_text_links

    with wh.connect(warehouse, read_only=True) as con:
        pages = con.execute("SELECT r.url, r.body_gzip, d.text FROM raw_pages r JOIN documents d "
                            "USING (url) WHERE d.kind = 'article'").fetchall()
    start = time.perf_counter()
    for url, body, text in pages:
        main_text_links(gzip.decompress(body), url, text or "")
    return time.perf_counter() - start


def recall50(con, web) -> dict[str, tuple[float, float, float]]:
    """{industry: (recall@50, precision@20, mean rank of the planted top 20 (151 = absent))}"""
    out = {}
    for industry, ids in truth_ids(con, web).items():
        want = {t for t in ids if t}
        ranked = ranked_ids(con, industry, None)
        pos = {p: i + 1 for i, p in enumerate(ranked)}
        mean_rank = sum(pos.get(t, 151) if t else 151 for t in ids) / len(ids)
        out[industry] = (len(want & set(ranked[:50])) / 20, len(want & set(ranked[:20])) / 20,
                         mean_rank)
    return out


def voice_ranks(con, web, names: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """{industry: {planted name: rank in recurring_voices (151 = absent)}} for ``names``."""
    out: dict[str, dict[str, int]] = {}
    truths = truth_ids(con, web)
    for industry, wanted in names.items():
        ids = dict(zip(web.truth.industries[industry].top_voices[:20], truths[industry],
                       strict=True))
        pos = {p: i + 1 for i, p in enumerate(ranked_ids(con, industry, None))}
        out[industry] = {n: pos.get(ids.get(n), 151) if ids.get(n) else 151 for n in wanted}
    return out


def suggestion_scores(con, plan) -> dict[str, tuple[float, float, float, int]]:
    """{industry: (precision@10, hidden recall@10, hidden recall in all, suggestions)}"""
    out = {}
    for industry, hidden in plan.hidden.items():
        hosts = [r[0] for r in con.execute(
            "SELECT host FROM source_suggestions WHERE industry = $i ORDER BY rank",
            {"i": industry}).fetchall()]
        top = hosts[:10]
        hits = len(set(hidden) & set(top))
        out[industry] = (hits / len(top) if top else 0.0, hits / len(hidden),
                         len(set(hidden) & set(hosts)) / len(hidden), len(hosts))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--accept-top", type=int, default=3)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the warehouse and sources file in DIR (for profiling)")
    args = parser.parse_args(argv)

    from innercircle import warehouse as wh
    from innercircle.accept import accept_into_sources, choose
    from innercircle.sampleweb import build_sample_web, serve
    from innercircle.sampleweb.hidden import plant_hidden, write_hidden_sources
    from innercircle.settings import Settings

    web, plan = plant_hidden(build_sample_web(args.seed))
    with tempfile.TemporaryDirectory() as tmp, serve(web) as server:
        tmp = Path(tmp)
        if args.keep:
            tmp = args.keep
            tmp.mkdir(parents=True, exist_ok=True)
            (tmp / "innercircle.duckdb").unlink(missing_ok=True)
        sources = write_hidden_sources(server, plan, tmp / "sources.yaml")
        settings = Settings(
            sources_path=sources, warehouse_path=tmp / "innercircle.duckdb",
            allow_private_networks=True, host_rate=100.0, as_of=web.reference_date,
        )
        wall, steps = run(settings)
        links_s = link_time(settings.warehouse_path)
        print(f"seed {args.seed}; hidden blogs per industry: "
              f"{ {i: len(h) for i, h in plan.hidden.items()} }")
        print(f"run 1 (hidden blogs left out): {wall:.1f} s wall; source_suggestions step "
              f"{steps.get('source_suggestions', 0):.1f} s; main-text links "
              f"{links_s:.1f} s -> {(steps.get('source_suggestions', 0) + links_s) / wall:.1%}; "
              f"{steps.get('metadata')}")
        with wh.connect(settings.warehouse_path, read_only=True) as con:
            scores = suggestion_scores(con, plan)
            before = recall50(con, web)
            confined_before = voice_ranks(con, web, plan.confined)
            rows = [dict(zip([d[0] for d in con.description], r, strict=True)) for r in
                    con.execute("SELECT * FROM source_suggestions ORDER BY industry, rank")
                    .fetchall()]
        listed = {}
        for industry, entry in yaml.safe_load(sources.read_text("utf-8"))["industries"].items():
            for urls in entry.values():
                for url in urls:
                    listed.setdefault(url.split("//")[1].split(":")[0], set()).add(industry)
        for r in rows:
            kind = ("hidden" if r["host"] in plan.hidden[r["industry"]]
                    else plan.decoys.get(r["host"]) or
                    ("listed by " + "/".join(sorted(listed[r["host"]])) if r["host"] in listed
                     else "other"))
            print(f"  {r['industry']:<9}{r['rank']:>3} {r['host']:<14}{r['feed_status']:<6}"
                  f" {kind:<22} sources={r['linking_sources']} voices={r['voices']}")
        print(f"{'industry':<10}{'P@10':>6}{'R@10':>6}{'R all':>7}{'n':>4}")
        for industry, (p, r10, r_all, n) in scores.items():
            print(f"{industry:<10}{p:>6.2f}{r10:>6.2f}{r_all:>7.2f}{n:>4}")
        n = len(scores)
        print(f"{'mean':<10}{sum(s[0] for s in scores.values()) / n:>6.2f}"
              f"{sum(s[1] for s in scores.values()) / n:>6.2f}"
              f"{sum(s[2] for s in scores.values()) / n:>7.2f}")
        text, accepted = sources.read_text("utf-8"), []
        for industry in plan.hidden:
            chosen = choose([r for r in rows if r["industry"] == industry], top=args.accept_top)
            text, new = accept_into_sources(text, industry, chosen, web.reference_date.date())
            accepted += [(industry, r["host"], r["host"] in plan.hidden[industry])
                         for r in chosen if r["url"] in new]
        sources.write_text(text, "utf-8")
        print(f"accepted (top {args.accept_top} with a feed per industry): "
              f"{sum(a[2] for a in accepted)} hidden of {len(accepted)}")
        wall2, steps2 = run(settings)
        with wh.connect(settings.warehouse_path, read_only=True) as con:
            after = recall50(con, web)
            confined_after = voice_ranks(con, web, plan.confined)
        print(f"run 2 (after accepting): {wall2:.1f} s wall; source_suggestions step "
              f"{steps2.get('source_suggestions', 0):.1f} s "
              f"({steps2.get('source_suggestions', 0) / wall2:.1%}); {steps2.get('metadata')}")
        wall3, steps3 = run(settings)
        print(f"run 3 (a night with nothing new): {wall3:.1f} s wall; source_suggestions step "
              f"{steps3.get('source_suggestions', 0):.1f} s "
              f"({steps3.get('source_suggestions', 0) / wall3:.1%}); {steps3.get('metadata')}")
        print("planted top-20 voices: recall@50, precision@20, mean rank; before -> after")
        for industry in before:
            b, a = before[industry], after[industry]
            print(f"{industry:<10} R@50 {b[0]:.2f} -> {a[0]:.2f}   P@20 {b[1]:.2f} -> "
                  f"{a[1]:.2f}   mean rank {b[2]:.1f} -> {a[2]:.1f}")
        for k, label in enumerate(("R@50", "P@20", "mean rank")):
            print(f"mean {label}: {sum(v[k] for v in before.values()) / n:.2f} -> "
                  f"{sum(v[k] for v in after.values()) / n:.2f}")
        print("voices confined to the hidden blogs: rank before -> after (151 = unranked)")
        hits = {"before": 0, "after": 0}
        for industry, ranks in confined_before.items():
            for name, rank in ranks.items():
                now = confined_after[industry][name]
                hits["before"] += rank <= 50
                hits["after"] += now <= 50
                print(f"  {industry:<10}{name:<28}{rank:>4} -> {now:>4}")
        total = sum(len(r) for r in confined_before.values())
        print(f"confined voices in the top 50: {hits['before']}/{total} -> {hits['after']}/{total}"
              f" (recall@50 {hits['before'] / max(total, 1):.2f} -> "
              f"{hits['after'] / max(total, 1):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
