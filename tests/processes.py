"""The machine's process table from /proc, for tests that stop what they started: who
is whose child (the Celery test finds a worker's pool process to kill) and which
processes of a group still run (the UI driver waits for a browser's group to end)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Process:
    pid: int
    state: str  # "R", "S", ... "Z" for one that exited and waits to be reaped
    parent: int
    group: int


def process_table() -> Iterator[Process]:
    """Every process /proc lists now (none where there is no /proc); one that ends while
    it is read is left out."""
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if entry.name.isdigit():
            try:  # after the command's ")": state, parent, process group, ...
                state, parent, group = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
            except (OSError, IndexError, ValueError):
                continue
            yield Process(int(entry.name), state, int(parent), int(group))
