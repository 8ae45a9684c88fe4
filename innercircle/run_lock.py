"""One run at a time on a warehouse: an exclusive lock beside its working file.

Two runs on the same warehouse write the same working file and the same lake files (the
NER shards' Parquet files): the second would fail half-way with a confusing traceback,
or worse, read the other's half-written files. So a run started in this process takes
:func:`run_lock` first, and a second one refuses at once, in one line naming the run
that holds it.

The lock is ``flock`` on ``<name>.run.lock`` beside the warehouse (``innercircle.run.lock``
for ``innercircle.duckdb``): the operating system releases it when its process ends,
however it ends, so a killed run never leaves a stale lock. The file holds the holder's
PID, only for the message; it is never removed (removing a lock file races with the
next run taking it). Only runs of one machine see one another's lock: it protects the
in-process runs (``innercircle run``, ``innercircle demo``), not Dagster-launched runs
spread over several processes (see the README's operations part).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from innercircle.errors import InnercircleError

#: The exit code of a command refused because another run holds the lock: sysexits'
#: EX_TEMPFAIL ("try again later"), so a scheduler or script can tell "busy" from a
#: wrong setting (2) or a failed run (1).
EXIT_BUSY = 75

#: Locks this process holds, by lock file: a nested run_lock of the same warehouse (the
#: command's, then the runner's) is the same run, not a second one.
_HELD: dict[Path, int] = {}


class RunInProgress(InnercircleError):
    """Another run holds the warehouse's run lock."""


def lock_path(warehouse: Path) -> Path:
    """The lock file of the warehouse published at ``warehouse``."""
    return warehouse.with_name(warehouse.stem + ".run.lock")


@contextlib.contextmanager
def run_lock(warehouse: Path) -> Iterator[None]:
    """Hold the run lock of ``warehouse`` (the published path) for the block; raise
    :class:`RunInProgress` at once, having written nothing else, if another process
    holds it."""
    path = lock_path(Path(warehouse)).absolute()
    if path in _HELD:
        _HELD[path] += 1
        try:
            yield
        finally:
            _HELD[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(
                f"another run is writing {warehouse} ({_holder(fd)}); wait for it or stop it"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _HELD[path] = 1
        try:
            yield
        finally:
            del _HELD[path]
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> str:
    """``pid N`` of the process that holds the lock, as it wrote it (unknown if it has
    not written it yet)."""
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return f"pid {text}" if text.isdigit() else "pid unknown"
