"""Beats and relevance on the sample web, against the topics its voices were given.

* **beats precision@5**: for each planted top voice found in the ranking, the share of
  their first five beats that name one of their topics (a beat counts when it contains a
  topic phrase or lies inside one).
* **relevance AUC**: per industry and topic, focus = the topic; a voice is on-topic when
  the topic is one of theirs. AUC = chance a random on-topic voice gets a higher
  relevance than a random off-topic one (ties count half); averaged over topics.

Where the topics come from: the web's own per-voice ``topics`` when it offers them
(``web.truth.industries[i].topics``: name -> topics, or ``web.topics``); otherwise a
proxy derived from the web: the industry topic phrase in the title of each article a
voice wrote or is named in, kept when it appears at least twice for that voice. The
output says which was used.

    .venv/bin/python benchmarks/profiles_quality.py --warehouse DIR/innercircle.duckdb \
        [--seed 7 --scale 1]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def planted_topics(web) -> tuple[dict[str, dict[str, set[str]]], str]:
    """{industry: {person name: topics}} and where they came from."""
    out: dict[str, dict[str, set[str]]] = {}
    for industry, truth in web.truth.industries.items():
        given = getattr(truth, "topics", None) or (getattr(web, "topics", None) or {}).get(
            industry
        )
        if given:
            out[industry] = {n: {t.lower() for t in ts} for n, ts in given.items()}
    if out:
        return out, "planted by the generator (web topics)"
    from innercircle.sampleweb import vocab

    topics = getattr(vocab, "INDUSTRY_TOPICS", {})
    counts: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for art in web.articles:
        title = art.title.lower()
        for topic in topics.get(art.industry, []):
            if topic.lower() in title:
                for name in {*art.authors, *art.mentioned}:
                    counts[art.industry][name][topic.lower()] += 1
    for industry, people in counts.items():
        out[industry] = {n: {t for t, c in c_.items() if c >= 2} for n, c_ in people.items()}
        out[industry] = {n: ts for n, ts in out[industry].items() if ts}
    return out, "proxy: topic phrases in the titles of each voice's articles (>= 2)"


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

    topics, origin = planted_topics(web)
    results: dict = {"origin": origin, "industries": {}}
    for industry, people in sorted(topics.items()):
        ids = person_ids(con, web, people)
        by_id = {ids[n]: ts for n, ts in people.items() if n in ids}
        top = [ids.get(n) for n in web.truth.industries[industry].top_voices[:20]]
        beats = dict(con.execute(
            "SELECT person_id, beats FROM voice_profiles WHERE industry = $i", {"i": industry}
        ).fetchall())
        precisions = [
            sum(_hit(b, by_id[p]) for b in beats[p][:5]) / len(beats[p][:5])
            for p in top if p in by_id and beats.get(p)
        ]
        aucs = []
        for topic in sorted({t for ts in by_id.values() for t in ts}):
            rel = {r["person_id"]: r["focus_similarity"]
                   for r in profile_texts(con, {industry: topic}) if r["industry"] == industry}
            pos = [rel[p] for p, ts in by_id.items() if p in rel and topic in ts]
            neg = [rel[p] for p, ts in by_id.items() if p in rel and topic not in ts]
            if (a := auc(pos, neg)) is not None:
                aucs.append(a)
        results["industries"][industry] = {
            "voices_scored": len(precisions),
            "beats_p@5": sum(precisions) / len(precisions) if precisions else None,
            "topics": len(aucs),
            "relevance_auc": sum(aucs) / len(aucs) if aucs else None,
        }
    return results


def main(argv: list[str] | None = None) -> int:
    import duckdb

    from innercircle.sampleweb import build_sample_web

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args(argv)
    web = build_sample_web(args.seed, scale=args.scale)
    con = duckdb.connect(str(args.warehouse), read_only=True)
    res = measure(con, web)
    print(f"topics: {res['origin']}")
    print(f"{'industry':<10} {'voices':>6} {'beats p@5':>9} {'topics':>6} {'rel. AUC':>8}")
    for ind, r in res["industries"].items():
        p5 = "n/a" if r["beats_p@5"] is None else f"{r['beats_p@5']:.2f}"
        a = "n/a" if r["relevance_auc"] is None else f"{r['relevance_auc']:.2f}"
        print(f"{ind:<10} {r['voices_scored']:>6} {p5:>9} {r['topics']:>6} {a:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
