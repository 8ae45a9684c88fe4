"""The real-page replay: the shared article pages served as a web, the whole pipeline run.

Serves ``../shared/eval/articles`` on 127.0.0.x (see innercircle/evaluation/replay.py:
one address per site, an author-less RSS feed per site, one industry per language group
``en``/``de``/``other``), runs ``innercircle run`` once as a child process, then reads
its warehouse and reports:

- bylines through the pipeline (``documents.byline``) against the expected authors,
  scored as innercircle/evaluation/authors.py scores them, on the gold sources and on
  all pages, for the tuning half, the test half and both;
- the top 50 of each group's ``recurring_voices``, written to ``top50.tsv`` with a
  ``label`` column from ``benchmarks/replay_labels.tsv`` (labelled by a person reading
  each name's evidence; unlabelled names are reported as such), and the share of
  non-people (``not_person`` or ``fragment``) among them;
- wall time and peak RSS of the child;
- the distribution of stored text lengths (``documents.text_chars``).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/replay.py [--limit N] [--out DIR]

``--out`` (default: a temporary folder, printed) receives ``report.json``, ``top50.tsv``
and ``evidence.tsv`` (the snippets behind each top-50 voice, for labelling), beside the
run's warehouse; ``--rescore DIR`` scores that run again without re-running it (after
adding labels, say).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "benchmarks" / "replay_labels.tsv"
TOP = 50


def _default_eval_dir() -> Path:
    for base in (ROOT, *ROOT.parents):
        if (base / "shared" / "eval" / "articles" / "authors.jsonl").exists():
            return base / "shared" / "eval"
    return ROOT.parent / "shared" / "eval"


def measure(eval_dir: Path, out: Path, limit: int | None = None) -> dict:
    """Serve the replay, run the pipeline once into ``out/run``, then score it."""
    from innercircle.evaluation import replay

    pages = replay.load_pages(eval_dir, limit=limit)
    web = replay.ReplayWeb(pages)
    with replay.ReplayServer(web) as server:
        run = replay.run_pipeline(server, out / "run")
        served = len(server.pages_served())
        not_found = server.not_found()
    if run.returncode != 0:
        print(run.stderr[-4000:], file=sys.stderr)
    facts = {
        "limit": limit,
        "pages_served_200": served,
        "not_found_requests": len(not_found),
        "returncode": run.returncode,
        "wall_s": round(run.wall_s, 1),
        "peak_rss_mb": round(run.peak_rss_mb, 1) if run.peak_rss_mb else None,
        "rss_by_stage_mb": {k: round(v) for k, v in run.rss_by_stage.items()},
        "largest_process_by_stage_mb": {k: round(v) for k, v in run.largest_by_stage.items()},
    }
    (out / "run.json").write_text(json.dumps(facts, indent=2), encoding="utf-8")
    return score(eval_dir, out)


def score(eval_dir: Path, out: Path) -> dict:
    """Score the warehouse of a finished run in ``out`` (again, e.g. after labelling)."""
    import duckdb

    from innercircle.evaluation import replay

    facts = json.loads((out / "run.json").read_text(encoding="utf-8"))
    pages = replay.load_pages(eval_dir, limit=facts["limit"])
    web = replay.ReplayWeb(pages)
    con = duckdb.connect(str(out / "run" / "innercircle.duckdb"), read_only=True)
    try:
        docs = con.execute(
            "SELECT url, byline, text_chars FROM documents WHERE kind = 'article'").fetchall()
        top = [dict(zip(("group", "rank", "name", "score", "sources", "documents",
                         "authored"), r, strict=True))
               for r in con.execute(
                   "SELECT industry, rank, name, score, distinct_sources, distinct_documents, "
                   "authored_docs FROM recurring_voices WHERE rank <= ? "
                   "ORDER BY industry, rank", [TOP]).fetchall()]
        voice_urls = con.execute(
            "SELECT v.industry, v.rank, list(DISTINCT f.url) FROM recurring_voices v "
            "JOIN mention_facts f ON f.person_id = v.person_id AND f.industry = v.industry "
            "WHERE v.rank <= ? GROUP BY ALL", [TOP]).fetchall()
        evidence = con.execute(
            "SELECT industry, rank, name, role, source, mentioned_as, snippet "
            "FROM voice_evidence WHERE rank <= ? ORDER BY ALL",
            [TOP]).fetchall()
    finally:
        con.close()

    labels = replay.load_labels(LABELS)
    _write_top(out / "top50.tsv", top, labels)
    _write_evidence(out / "evidence.tsv", evidence)
    groups = {g: replay.non_person_share([v for v in top if v["group"] == g], labels)
              for g in replay.GROUPS}
    halves = _voice_halves(web, voice_urls)
    by_half = {f"{g}/{h}": replay.non_person_share(
                   [v for v in top if v["group"] == g and halves.get((g, v["rank"])) == h],
                   labels)
               for g in replay.GROUPS for h in ("tune", "test")}
    return {
        "pages": len(pages),
        "sites": len(web.sites),
        "pages_per_group": {g: sum(p.group == g for p in pages) for g in replay.GROUPS},
        **{k: v for k, v in facts.items() if k != "limit"},
        "documents": len(docs),
        "bylines": replay.byline_scores(web, {u: b for u, b, _ in docs}),
        "top50_non_person": groups,
        "top50_non_person_by_half": by_half,
        "text_chars": replay.quantiles([int(c or 0) for _, _, c in docs]),
    }


def _voice_halves(web, voice_urls: list[tuple]) -> dict[tuple[str, int], str]:
    """(group, rank) -> the half (``tune``/``test``, innercircle/evaluation/split.py) that
    holds most of the voice's documents; a tie counts as ``test``."""
    from innercircle.evaluation.split import half_of

    out = {}
    for group, rank, urls in voice_urls:
        pages = [p for p in (web.page_for(u) for u in urls or []) if p is not None]
        tune = sum(half_of(p.local_file) == "tune" for p in pages)
        out[(group, rank)] = "tune" if tune * 2 > len(pages) else "test"
    return out


def _clean(value: object) -> str:
    return " ".join(str(value if value is not None else "").split())


def _write_top(path: Path, top: list[dict], labels: dict[str, str]) -> None:
    lines = ["group\trank\tname\tscore\tsources\tdocuments\tauthored\tlabel"]
    for v in top:
        lines.append("\t".join(_clean(x) for x in (
            v["group"], v["rank"], v["name"], round(v["score"], 3), v["sources"],
            v["documents"], v["authored"], labels.get(v["name"], "unlabelled"))))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_evidence(path: Path, rows: list[tuple]) -> None:
    lines = ["group\trank\tname\trole\tsource\tmentioned_as\tsnippet"]
    lines += ["\t".join(_clean(x)[:300] for x in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _print(report: dict) -> None:
    print(f"pages {report['pages']} on {report['sites']} sites "
          f"{report['pages_per_group']}; served 200: {report['pages_served_200']}; "
          f"documents: {report['documents']}; exit {report['returncode']}")
    print(f"wall {report['wall_s']} s, peak RSS {report['peak_rss_mb']} MB; peak while "
          f"each stage ran (MB, sampled, summed over the process tree): "
          f"{report.get('rss_by_stage_mb')}; of the largest process: "
          f"{report.get('largest_process_by_stage_mb')}")
    t = report["text_chars"]
    print(f"text chars: median {t['median']}, p99 {t['p99']}, max {t['max']} (n={t['n']})")
    print("bylines through the pipeline   pages   P      R      F1     false authors on "
          "author-less pages")
    for name, s in report["bylines"].items():
        if name in ("documents_matched", "pages_skipped_no_expected_name"):
            continue
        print(f"  {name:<28} {s['pages']:>5}  {s['precision']:.3f}  {s['recall']:.3f}  "
              f"{s['f1']:.3f}  {s['false_authors_on_no_author_pages']} on "
              f"{s['no_author_pages_with_false_author']}/{s['no_author_pages']}")
    skipped = report["bylines"].get("pages_skipped_no_expected_name", {}).get("pages", 0)
    print(f"  author pages left out, their expected byline naming no one: {skipped}")
    print(f"top {TOP} per group: non-people (not_person + fragment) among labelled")
    for group, s in report["top50_non_person"].items():
        print(f"  {group:<6} {s['non_person_share']:.0%} ({s['not_person']} not_person, "
              f"{s['fragment']} fragment of {s['labelled']} labelled; "
              f"{s['unlabelled']} unlabelled; {s['top']} ranked)")
    print("  the same per half (a voice in the half holding most of its documents):")
    for key, s in report.get("top50_non_person_by_half", {}).items():
        print(f"    {key:<11} {s['non_person_share']:.0%} ({s['not_person'] + s['fragment']} of "
              f"{s['labelled']} labelled; {s['unlabelled']} unlabelled)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=_default_eval_dir())
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N pages by sha256(local_file)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--rescore", type=Path, default=None, metavar="DIR",
                        help="no new run: score the run already in DIR (after labelling)")
    args = parser.parse_args()
    if not (args.eval_dir / "articles" / "authors.jsonl").exists():
        print(f"no evaluation data at {args.eval_dir}", file=sys.stderr)
        return 2
    if args.rescore:
        out = args.rescore
        report = score(args.eval_dir, out)
    else:
        out = args.out or Path(tempfile.mkdtemp(prefix="innercircle-replay-"))
        out.mkdir(parents=True, exist_ok=True)
        report = measure(args.eval_dir, out, args.limit)
    (out / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    _print(report)
    print(f"written: {out}/report.json, top50.tsv, evidence.tsv")
    return 0 if report["returncode"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
