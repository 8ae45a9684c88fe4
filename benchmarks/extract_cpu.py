"""CPU per page of reading article pages, and whether a change keeps every answer.

Reads pages the way the pipeline does (``stages.page_readers.article_content``: the page parsed
once by ``parse_html``, then ``extract_page(html, url, root)`` and the main text's links
from the same tree) and keeps, per page, a digest of every field of the
:class:`~innercircle.model.PageExtract` and of the links. ``--record FILE`` writes them;
``--check FILE`` compares against a recording and names every page and field that
differs. Both print the CPU milliseconds a page (warm: the first page is read once
before timing, so loading models and libraries is not counted).

A speed-up that must keep the answers byte-identical is measured by recording on the
old code and checking on the new, the same script run on both trees in turn::

    PYTHONPATH=/work/main .venv/bin/python benchmarks/extract_cpu.py --record /tmp/old.jsonl
    PYTHONPATH=$PWD .venv/bin/python benchmarks/extract_cpu.py --check /tmp/old.jsonl

or, for a ratio that the machine's other load moves less, both at once:
``--against /work/main`` starts one reader process on each tree (this one's and the
other's) and hands them the pages in turn, ``--block`` pages at a time (100; in small
blocks the ratio moved towards 1, cause not found: 0.998 with 25 under load against 0.949
with 100 on a quiet machine, the same two trees), the
order swapped every turn; it prints each one's CPU ms/page, their ratio and the pages
whose answers differ::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/extract_cpu.py --against /work/main

Page sets (``--pages``): ``eval`` (every page of ``articles/authors.jsonl`` and
``maintext.jsonl`` under ``../shared/eval``), ``web7``/``web101`` (every HTML page of
the sample web of that seed; author and about pages also through
``extract_author_page``). Quote the ms/page of two trees from runs made side by side:
the machine is shared.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

EVAL = Path(__file__).resolve().parent.parent / ".." / "shared" / "eval"


def eval_pages(root: Path = EVAL) -> Iterator[tuple[str, str, bytes]]:
    """``(id, url, html)`` of every article page the eval files name, each file once."""
    from innercircle.evaluation.harness import load_pages

    seen: set[str] = set()
    for name in ("authors.jsonl", "maintext.jsonl"):
        for row in load_pages(root / "articles" / name):
            if row["local_file"] not in seen:
                seen.add(row["local_file"])
                yield row["local_file"], row["url"], row["html"]


def web_pages(seed: int) -> Iterator[tuple[str, str, bytes]]:
    """``(id, url, html)`` of every HTML page of the sample web of ``seed``."""
    from innercircle.sampleweb import build_sample_web

    port = 8000
    web = build_sample_web(seed)
    for host, pages in sorted(web.resolve(port).items()):
        for path, page in sorted(pages.items()):
            if page.content_type.startswith("text/html"):
                yield f"{seed}:{host}{path}", f"http://{host}:{port}{path}", page.body


def _digest(value: object) -> str:
    text = json.dumps(value, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read(page_id: str, url: str, html: bytes) -> dict[str, str]:
    """Digest per field of what the pipeline reads from one page."""
    from innercircle.extract.html import parse_html
    from innercircle.extract.links import main_text_links
    from innercircle.extract.page import extract_page

    root = parse_html(html)
    extract = extract_page(html, url, root)
    out = {f.name: _digest(getattr(extract, f.name)) for f in dataclasses.fields(extract)}
    out["authors"] = _digest([dataclasses.asdict(b) for b in extract.authors])
    out["links"] = _digest([dataclasses.astuple(x) for x in main_text_links(html, url,
                                                                             extract.text, root)])
    path = page_id.split("/", 1)[-1]
    if ":" in page_id and path.startswith(("author/", "about")):
        from innercircle.extract.author_page import extract_author_page

        out["author_page"] = _digest(dataclasses.asdict(extract_author_page(html, url)))
    return out


def serve(pages: list[tuple[str, str, bytes]]) -> None:
    """Reader process of ``--against``: a page index in, its CPU seconds and digests out."""
    read(*pages[0])
    for line in sys.stdin:
        page = pages[int(line)]
        c0 = time.process_time()
        fields = read(*page)
        print(json.dumps({"cpu": time.process_time() - c0, "fields": fields}), flush=True)


def against(
    pages: list[tuple[str, str, bytes]], other: str, argv: list[str], block: int = 100
) -> int:
    """This tree and ``other`` reading the same pages in turn: CPU ms/page and differences."""
    import os
    import subprocess

    here = str(Path(__file__).resolve().parent.parent)
    procs = {}
    for tree in (here, other):
        env = {**os.environ, "PYTHONPATH": tree}
        procs[tree] = subprocess.Popen(
            [sys.executable, __file__, "--serve", *argv], env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )
    cpu = dict.fromkeys(procs, 0.0)
    differ = 0
    try:
        for start in range(0, len(pages), block):
            answers: dict[str, list[dict[str, str]]] = {}
            turn = start // block
            for tree in (list(procs) if turn % 2 == 0 else list(procs)[::-1]):
                proc = procs[tree]
                assert proc.stdin is not None and proc.stdout is not None
                indexes = range(start, min(start + block, len(pages)))
                proc.stdin.write("".join(f"{i}\n" for i in indexes))
                proc.stdin.flush()
                answers[tree] = []
                for _ in indexes:
                    answer = json.loads(proc.stdout.readline())
                    cpu[tree] += answer["cpu"]
                    answers[tree].append(answer["fields"])
            read_now = zip(pages[start:], answers[here], answers[other], strict=False)
            for page, ours, theirs in read_now:
                if ours != theirs:
                    differ += 1
                    changed = [k for k in theirs if ours.get(k) != theirs[k]]
                    print(f"DIFFERS {page[0]}: {', '.join(changed)}")
    finally:
        for proc in procs.values():
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait()
    for tree, seconds in cpu.items():
        print(f"{tree}: {1000 * seconds / len(pages):.1f} CPU ms/page")
    print(f"ratio {here} / {other}: {cpu[here] / cpu[other]:.3f}")
    print(f"{differ} of {len(pages)} pages differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--record", type=Path, help="write a digest per page here")
    group.add_argument("--check", type=Path, help="compare with a recording")
    group.add_argument("--against", help="another tree to read the pages beside this one")
    group.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pages", default="eval,web7,web101",
                        help="comma-separated: eval, web7, web101 (any webSEED)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages a set")
    parser.add_argument("--block", type=int, default=100,
                        help="--against: pages a reader reads before the other's turn")
    args = parser.parse_args(argv)

    pages: list[tuple[str, str, bytes]] = []
    for name in args.pages.split(","):
        found = list(eval_pages() if name == "eval" else web_pages(int(name.removeprefix("web"))))
        pages += found[: args.limit] if args.limit else found
    if args.serve:
        serve(pages)
        return 0
    if args.against:
        return against(pages, args.against, ["--pages", args.pages, "--limit", str(args.limit)],
                       args.block)
    read(*pages[0])  # warm: models and libraries load here, not in the timing
    results: dict[str, dict[str, str]] = {}
    cpu = wall = 0.0
    for page in pages:
        c0, w0 = time.process_time(), time.perf_counter()
        results[page[0]] = read(*page)
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
    print(f"{len(pages)} pages: {1000 * cpu / len(pages):.1f} CPU ms/page, "
          f"{1000 * wall / len(pages):.1f} wall ms/page")
    if args.record:
        with args.record.open("w") as out:
            for page_id, fields in results.items():
                out.write(json.dumps({"id": page_id, **fields}) + "\n")
        return 0
    expected = {}
    for line in args.check.read_text().splitlines():
        row = json.loads(line)
        expected[row.pop("id")] = row
    differ = 0
    for page_id, fields in results.items():
        if page_id not in expected:
            print(f"not recorded: {page_id}")
            differ += 1
            continue
        changed = [k for k in expected[page_id] if fields.get(k) != expected[page_id][k]]
        if changed:
            differ += 1
            print(f"DIFFERS {page_id}: {', '.join(changed)}")
    for page_id in expected.keys() - results.keys():
        print(f"recorded, not read now: {page_id}")
        differ += 1
    print(f"{differ} of {len(results)} pages differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
