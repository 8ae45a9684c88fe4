"""Beats and relevance on the sample web, against the topics the generator planted, and
what profiles, relevance, feeds and reports cost in a nightly run.

The generator gives each top voice two topics and each mid-tier voice one (phrases of the
industry's topic list, dealt per seed): the pieces a voice writes are about one of them
and the sentences naming a voice discuss one of theirs. The pipeline never sees that
answer key; beats and relevance are computed from the crawled text alone.

* **beats precision@5**: for each planted top voice found in the ranking, the share of
  their first five beats that name one of their topics (a beat counts when it contains a
  topic phrase or lies inside one: "payments" for "real-time payments"). Beats are
  distinct phrases, so a voice with two topics scores at most about 0.4 here.
* **topics@5**: for the same voices, the share of their planted topics that one of their
  first five beats names: do the beats contain the topics the generator gave them?
* **relevance AUC**: per industry and planted topic, focus = the topic; planted voices
  (top and mid-tier) who were given the topic are on-topic, the other planted voices
  off-topic. AUC = chance a random on-topic voice gets a higher relevance than a random
  off-topic one (ties count half); averaged over the topics.
* **wall share** (when this script runs the pipeline itself): the seconds of the
  ``voice_profiles``, ``voice_feeds`` and ``voice_reports`` steps plus the beats and
  relevance computed for the ranking's preview, over the nightly run's wall time. The run
  states a focus (one planted topic per industry) so that relevance is computed too.

    # run the nightly job over the sample web of a seed, then score it
    .venv/bin/python benchmarks/profiles_quality.py --seed 7 [--scale 1]
    # score a warehouse made from that seed's web
    .venv/bin/python benchmarks/profiles_quality.py --warehouse DIR/innercircle.duckdb --seed 7
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: The steps of the profiles group (the preview's share is timed inside the ranking step).
PROFILE_STEPS = ("voice_profiles", "voice_feeds", "voice_reports")


def planted_topics(web) -> dict[str, dict[str, set[str]]]:
    """{industry: {person name: the topics the generator gave them}}."""
    return {
        industry: {n: {t.lower() for t in ts} for n, ts in truth.topics.items()}
        for industry, truth in web.truth.industries.items()
    }


def _hit(beat: str, topics: set[str]) -> bool:
    b = f" {beat} "
    return any(f" {t} " in b or b in f" {t} " for t in topics)


def person_ids(con, web, names) -> dict[str, str]:
    from innercircle.extract.names import name_key

    aliases = dict(con.execute("SELECT alias_key, person_id FROM person_aliases").fetchall())
    out = {}
    for name in names:
        forms = [name, *web.truth.aliases.get(name, [])]
        found = [aliases[k] for f in forms if (k := name_key(f)) in aliases]
        if found:
            out[name] = max(set(found), key=found.count)
    return out


def auc(pos: list[float], neg: list[float]) -> float | None:
    if not pos or not neg:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def measure(con, web) -> dict:
    from innercircle.stages.profiles import profile_texts

    results: dict = {}
    for industry, people in sorted(planted_topics(web).items()):
        ids = person_ids(con, web, people)
        by_id = {ids[n]: ts for n, ts in people.items() if n in ids}
        top = [ids.get(n) for n in web.truth.industries[industry].top_voices]
        beats = dict(con.execute(
            "SELECT person_id, beats FROM voice_profiles WHERE industry = $i", {"i": industry}
        ).fetchall())
        # A planted voice with no beats scores 0 on both: leaving them out would reward a
        # change that empties a voice's profile.
        scored = [p for p in top if p in by_id]
        first = {p: (beats.get(p) or [])[:5] for p in scored}
        precisions = [sum(_hit(b, by_id[p]) for b in first[p]) / len(first[p]) if first[p]
                      else 0.0 for p in scored]
        found = [sum(any(_hit(b, {t}) for b in first[p]) for t in by_id[p]) / len(by_id[p])
                 for p in scored]
        aucs = []
        for topic in sorted({t for ts in by_id.values() for t in ts}):
            rel = {r["person_id"]: r["focus_similarity"]
                   for r in profile_texts(con, {industry: topic}) if r["industry"] == industry}
            pos = [rel[p] for p, ts in by_id.items() if p in rel and topic in ts]
            neg = [rel[p] for p, ts in by_id.items() if p in rel and topic not in ts]
            if (a := auc(pos, neg)) is not None:
                aucs.append(a)
        results[industry] = {
            "voices_scored": len(precisions),
            "beats_p@5": sum(precisions) / len(precisions) if precisions else None,
            "topics@5": sum(found) / len(found) if found else None,
            "topics": len(aucs),
            "relevance_auc": sum(aucs) / len(aucs) if aucs else None,
        }
    return results


def run_nightly_over(web, root: Path) -> tuple[Path, dict]:
    """Serve ``web``, run the nightly job over it into ``root`` with a focus per industry;
    returns the published warehouse and the timings."""
    import yaml

    from innercircle.sampleweb.server import serve
    from innercircle.settings import Settings
    from pipelines.bench import ephemeral_instance, timed_previews
    from pipelines.runner import run_nightly

    topics = planted_topics(web)
    with serve(web) as server:
        sources = server.sources()
        for industry, entry in sources["industries"].items():
            entry["focus"] = sorted({t for ts in topics[industry].values() for t in ts})[0]
        path = root / "sources.yaml"
        path.write_text(yaml.safe_dump(sources, sort_keys=False, allow_unicode=True))
        env = {
            "INNERCIRCLE_SOURCES": str(path),
            "INNERCIRCLE_WAREHOUSE": str(root / "innercircle.duckdb"),
            "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
            "INNERCIRCLE_HOST_RATE": "50",
            "INNERCIRCLE_AS_OF": web.reference_date.isoformat(),
        }
        settings = Settings.from_env({**os.environ, **env})
        with timed_previews() as preview_seconds:
            start = time.perf_counter()
            result = run_nightly(settings, ephemeral_instance())
            wall = time.perf_counter() - start
        preview_s = preview_seconds[0]
    if not result.success:
        raise SystemExit("the nightly run failed")
    steps = {e.step_key: e.event_specific_data.duration_ms / 1000
             for e in result.get_step_success_events()}
    profile = {k: v for k, v in steps.items() if k.split(".")[-1] in PROFILE_STEPS}
    return Path(env["INNERCIRCLE_WAREHOUSE"]), {
        "wall_s": wall, "steps": profile, "preview_s": preview_s,
        "added_s": sum(profile.values()) + preview_s,
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def main(argv: list[str] | None = None) -> int:
    import duckdb

    from innercircle.sampleweb import build_sample_web

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--warehouse", type=Path,
                    help="score this warehouse (else run the nightly job over the web)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--keep", type=Path, help="run into this directory and keep it")
    args = ap.parse_args(argv)
    web = build_sample_web(args.seed, scale=args.scale)
    with tempfile.TemporaryDirectory() as tmp:
        timings = None
        if args.warehouse is None:
            root = args.keep or Path(tmp)
            root.mkdir(parents=True, exist_ok=True)
            args.warehouse, timings = run_nightly_over(web, root)
        con = duckdb.connect(str(args.warehouse), read_only=True)
        res = measure(con, web)
        docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        con.close()
    print(f"seed {args.seed}, scale {args.scale:g}: {docs} documents; "
          "topics planted by the generator")
    print(f"{'industry':<10} {'voices':>6} {'beats p@5':>9} {'topics@5':>8} {'topics':>6} "
          f"{'rel. AUC':>8}")

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    for ind, r in res.items():
        print(f"{ind:<10} {r['voices_scored']:>6} {fmt(r['beats_p@5']):>9} "
              f"{fmt(r['topics@5']):>8} {r['topics']:>6} {fmt(r['relevance_auc']):>8}")
    means = {k: [r[k] for r in res.values() if r[k] is not None]
             for k in ("beats_p@5", "topics@5", "relevance_auc")}
    print(f"{'mean':<10} {'':>6} {fmt(_mean(means['beats_p@5'])):>9} "
          f"{fmt(_mean(means['topics@5'])):>8} {'':>6} {fmt(_mean(means['relevance_auc'])):>8}")
    if timings:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(timings["steps"].items()))
        print(f"nightly wall {timings['wall_s']:.1f} s (load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs); {steps}; "
              f"preview beats {timings['preview_s']:.1f} s")
        print(f"profiles, relevance, feeds and report: {timings['added_s']:.1f} s = "
              f"{timings['added_s'] / timings['wall_s']:.1%} of the wall, "
              f"+{timings['added_s'] / (timings['wall_s'] - timings['added_s']):.1%} "
              "on the rest of the run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
