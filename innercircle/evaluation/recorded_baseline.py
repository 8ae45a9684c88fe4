"""A baseline's figures on the shared evaluation data, recorded once instead of computed in
every CI run.

The gates compare our extractors with a baseline measured on the same data: the main-text
gate with trafilatura's own ``extract``, the PER gate with the spaCy model's raw PERSON
entities. A baseline's answer depends only on the data and on the installed versions of
what computes it, yet computing it took about half of each gate's time in every ``make
test``. So its figures are recorded (numbers only: the counts per half, and per page or
document the counts it scored, in order; no text from the data) with those versions and
a digest of the data. A gate compares ours against the record; when a version or the
data differ from what was recorded (a newer trafilatura on a fresh machine, say), it
measures the baseline again instead, slower but right, and warns with :func:`stale`'s
message saying how to record it again (:func:`recorded_or_measured`). A gate also runs
the baseline on a sample of the data (:func:`sample`) and checks the recorded counts.

Recorded by the benchmarks' command lines: ``innercircle eval maintext …
--record-trafilatura FILE`` and ``innercircle eval ner … --record-plain FILE``.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: Every SAMPLE-th page or document is run again by a gate to check the record.
SAMPLE = 16


def digest(parts: Iterable[bytes]) -> str:
    """The sha256 of the data a baseline was measured on, given as byte strings in order."""
    found = hashlib.sha256()
    for part in parts:
        found.update(hashlib.sha256(part).digest())
    return found.hexdigest()


def record(
    versions: Mapping[str, str], data_sha256: str, figures: Mapping[str, Any],
    items: list[list[int]], about: str,
) -> dict[str, Any]:
    """A record: what computed it (``versions``), on what (``data_sha256``), its figures
    per half and its counts per page or document (``items``, in the data's order)."""
    return {"_comment": f"{about}; numbers only (innercircle/evaluation/recorded_baseline.py).",
            "versions": dict(versions), "data_sha256": data_sha256, "figures": dict(figures),
            "items": items}


def stale(
    recorded: Mapping[str, Any], versions: Mapping[str, str], data_sha256: str, path: Path,
    refresh: str,
) -> str | None:
    """Why the record at ``path`` cannot stand for the baseline here, with ``refresh`` (the
    command that records it again), or None."""
    why = [f"it was measured with {name} {recorded['versions'].get(name)}, {name} {have} "
           "is installed" for name, have in versions.items()
           if recorded["versions"].get(name) != have]
    if recorded["data_sha256"] != data_sha256:
        why.append("the data it was measured on differ from these")
    if not why:
        return None
    return f"{path}: {'; '.join(why)}; record it again: {refresh}"


def sample(items: list[T]) -> list[T]:
    """The pages or documents a gate runs the baseline on again: every SAMPLE-th."""
    return items[::SAMPLE]


def write(path: Path, recorded: Mapping[str, Any]) -> None:
    """The record as JSON, one item's counts per line (readable diffs)."""
    items = ",\n    ".join(json.dumps(i) for i in recorded["items"])
    head = json.dumps({k: v for k, v in recorded.items() if k != "items"}, indent=2)
    path.write_text(f'{head[:-2]},\n  "items": [\n    {items}\n  ]\n}}\n')


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def recorded_or_measured(
    path: Path, versions: Mapping[str, str], data_sha256: str, refresh: str,
    measure: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], str | None]:
    """The record at ``path`` and None while it stands for ``versions`` and the data;
    otherwise ``measure()``'s fresh record and why the stored one was set aside (also
    warned, with ``refresh``, the command that records it again)."""
    recorded = read(path)
    why = stale(recorded, versions, data_sha256, path, refresh)
    if why is None:
        return recorded, None
    warnings.warn(f"{why} (measured again for this run instead)", stacklevel=2)
    return measure(), why
