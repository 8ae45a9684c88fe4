"""Replay the real feeds of ../shared/eval/feeds through the whole nightly job, on
loopback, with every article page answering 404: what do the feed entries alone give?

Every request goes to one local server: the feeds are served from the corpus files, and
any other URL (the entries' real article addresses, robots.txt) answers 404. A transport
rewrites each request to that server, and a resolver answers 127.0.0.1 for every name,
so nothing leaves the machine. The job then runs as at night (feeds, articles, documents,
mentions with spaCy, resolution, ranking), into a temporary warehouse.

Reported per half of the fixed split (``half_of("feeds/<path>")``) and in total: feeds,
feeds whose entries carry text (content or summary) and a link, how many of those gave
documents, documents by kind, and people (resolved persons named or credited in them).

    python benchmarks/feed_entries_replay.py [--eval-dir ../shared/eval] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from innercircle import warehouse  # noqa: E402
from innercircle.evaluation.split import HALVES, half_of  # noqa: E402
from innercircle.settings import Settings  # noqa: E402

FEED_PREFIX = "/__feeds__/"


def feed_files(feeds_dir: Path) -> list[Path]:
    """The corpus's feed files (as tests/test_real_feeds.py walks them)."""
    return sorted(
        p
        for p in feeds_dir.rglob("*")
        if p.is_file()
        and p.parent != feeds_dir
        and not any(part.startswith("_") for part in p.relative_to(feeds_dir).parts)
    )


@contextlib.contextmanager
def serve_corpus(feeds_dir: Path) -> Iterator[int]:
    """A loopback server: corpus feeds under FEED_PREFIX, 404 for everything else."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            body, status, ctype = b"not found", 404, "text/plain"
            if path.startswith(FEED_PREFIX):
                target = (feeds_dir / path[len(FEED_PREFIX) :]).resolve()
                if target.is_file() and feeds_dir.resolve() in target.parents:
                    body, status, ctype = target.read_bytes(), 200, "application/xml"
                    if target.suffix == ".json":
                        ctype = "application/json"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def run(eval_dir: Path) -> dict:
    from pipelines.bench import materialize_all_from_loopback

    feeds_dir = eval_dir / "feeds"
    files = feed_files(feeds_dir)
    with tempfile.TemporaryDirectory() as tmp, serve_corpus(feeds_dir) as port:
        base = f"http://127.0.0.1:{port}{FEED_PREFIX}"
        rel = {f"{base}{p.relative_to(feeds_dir).as_posix()}": p for p in files}
        sources = Path(tmp) / "sources.yaml"
        lines = "".join(f"      - {json.dumps(u)}\n" for u in rel)
        sources.write_text(f"industries:\n  replay:\n    feeds:\n{lines}", "utf-8")
        os.environ.update(
            {
                "INNERCIRCLE_SOURCES": str(sources),
                "INNERCIRCLE_WAREHOUSE": str(Path(tmp) / "replay.duckdb"),
                "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
            }
        )
        settings = Settings.from_env()
        started = time.monotonic()
        result = materialize_all_from_loopback(settings, port, per_host_rate=1000.0, retries=0)
        elapsed = time.monotonic() - started
        with warehouse.connect(warehouse.working_path(settings.warehouse_path)) as con:
            report = summarise(con, rel, feeds_dir)
        report["run_succeeded"] = bool(result.success)
        report["run_seconds"] = round(elapsed, 1)
        return report


def summarise(con, rel: dict[str, Path], feeds_dir: Path) -> dict:
    def half(feed_url: str) -> str:
        return half_of("feeds/" + rel[feed_url].relative_to(feeds_dir).as_posix())

    with_text = {
        u for (u,) in con.execute(
            "SELECT DISTINCT feed_url FROM feed_entries WHERE coalesce(content_text, '') <> ''"
        ).fetchall()
    }
    docs = con.execute(
        """SELECT DISTINCT e.feed_url, d.doc_id, d.kind FROM documents d
           JOIN feed_entries e ON e.url = d.url"""
    ).fetchall()
    people = con.execute(
        """SELECT DISTINCT e.feed_url, f.person_id FROM mention_facts f
           JOIN feed_entries e ON e.url = f.url"""
    ).fetchall()
    ranked = con.execute("SELECT count(*) FROM recurring_voices").fetchone()[0]
    out: dict = {"ranked_voices": ranked}
    for name in (*HALVES, "all"):
        def keep(u: str, name: str = name) -> bool:
            return name == "all" or half(u) == name

        feeds = [u for u in rel if keep(u)]
        text_feeds = [u for u in feeds if u in with_text]
        doc_feeds = {u for u, _, _ in docs if keep(u)}
        kinds: dict[str, set] = {}
        for u, doc, kind in docs:
            if keep(u):
                kinds.setdefault(kind, set()).add(doc)
        out[name] = {
            "feeds": len(feeds),
            "feeds_with_entry_text": len(text_feeds),
            "of_those_with_documents": sum(1 for u in text_feeds if u in doc_feeds),
            "without_documents": sorted(
                rel[u].relative_to(feeds_dir).as_posix() for u in text_feeds if u not in doc_feeds
            ),
            "documents": {k: len(v) for k, v in sorted(kinds.items())},
            "people": len({p for u, p in people if keep(u)}),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not (args.eval_dir / "feeds").is_dir():
        print(f"no feeds at {args.eval_dir / 'feeds'}", file=sys.stderr)
        return 2
    report = run(args.eval_dir)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"run succeeded: {report['run_succeeded']} in {report['run_seconds']} s; "
          f"ranked voices: {report['ranked_voices']}")
    for name in (*HALVES, "all"):
        r = report[name]
        print(
            f"{name:>4}: {r['feeds']} feeds, {r['feeds_with_entry_text']} with entry text and "
            f"links, {r['of_those_with_documents']} of them gave documents; documents "
            f"{r['documents']}; people {r['people']}"
        )
        for missing in r["without_documents"]:
            print(f"      no documents: {missing}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
