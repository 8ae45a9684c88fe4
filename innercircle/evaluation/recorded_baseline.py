"""trafilatura's main-text figures on the shared pages, recorded once instead of computed in
every CI run.

The main-text gate asks that our stored text leak less boilerplate than trafilatura's own
``extract`` on the same pages. trafilatura's answer depends only on the pages and on the
installed trafilatura, yet computing it took about half of the extraction gates' time in
every ``make test``. So its figures are recorded (numbers only: the counts per half, and
per page the snippets found, missed and leaked, in page order; no text from the pages)
with the trafilatura version and a digest of the pages they were measured on. The gate
compares ours against the record, and fails with :func:`stale`'s message, telling how to
record again, when the installed trafilatura or the pages differ from what was recorded.

Record with ``innercircle eval maintext PATH/maintext.jsonl --record-trafilatura FILE``.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

from innercircle.evaluation.split import HALVES

REFRESH = (
    "record it again: innercircle eval maintext ../shared/eval/articles/maintext.jsonl "
    "--record-trafilatura {path}"
)


def pages_digest(rows: list[dict]) -> str:
    """A digest of the pages as the benchmark reads them: each row's fields (its file,
    URL and snippets) and its HTML bytes, in order."""
    digest = hashlib.sha256()
    for row in rows:
        fields = {k: v for k, v in row.items() if k not in ("html", "results")}
        digest.update(json.dumps(fields, sort_keys=True).encode())
        digest.update(hashlib.sha256(row["html"]).digest())
    return digest.hexdigest()


def page_counts(row: dict, name: str) -> list[int]:
    """``[found, missed, leaked]`` snippets of one extractor on a scored row."""
    result = row["results"][name]
    return [len(row["with"]) - len(result["missed"]), len(result["missed"]),
            len(result["leaked"])]


def record(rows: list[dict], figures: dict[str, Any]) -> dict[str, Any]:
    """The record of trafilatura's run over ``rows`` (already scored, with ``figures`` its
    per-half figures from ``maintext.evaluate``)."""
    return {
        "_comment": "trafilatura extract's figures on ../shared/eval/articles/maintext.jsonl "
        "(innercircle/evaluation/recorded_baseline.py); numbers only.",
        "trafilatura": version("trafilatura"),
        "pages_sha256": pages_digest(rows),
        "figures": {h: figures[h] for h in (*HALVES, "all")},
        "pages": [page_counts(row, "trafilatura") for row in rows],
    }


def stale(recorded: dict[str, Any], rows: list[dict], path: Path) -> str | None:
    """Why the record at ``path`` cannot stand for trafilatura on ``rows`` here, or None."""
    why = []
    if recorded["trafilatura"] != version("trafilatura"):
        why.append(f"it was measured with trafilatura {recorded['trafilatura']}, "
                   f"trafilatura {version('trafilatura')} is installed")
    if recorded["pages_sha256"] != pages_digest(rows):
        why.append("the pages it was measured on differ from these")
    if not why:
        return None
    return f"{path}: {'; '.join(why)}; " + REFRESH.format(path=path)


def write(path: Path, recorded: dict[str, Any]) -> None:
    """The record as JSON, one page's counts per line (readable diffs)."""
    pages = ",\n    ".join(json.dumps(p) for p in recorded["pages"])
    head = json.dumps({k: v for k, v in recorded.items() if k != "pages"}, indent=2)
    path.write_text(f'{head[:-2]},\n  "pages": [\n    {pages}\n  ]\n}}\n')
