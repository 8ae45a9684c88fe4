"""A folder per machine for data that libraries ship packed and every process unpacks.

Some of what a page reader needs is slow to make and the same every time: py3langid's
model is LZMA-compressed (:mod:`~innercircle.extract.langid_model`), Faker's name lists
are spread over a hundred modules (:mod:`~innercircle.vocabulary`). Each process that
reads pages (the run's, the crawl's early page reader, every test worker) made them
again. Made once into this folder, under a name that says what they were made from (a
digest, a version), they are read back in milliseconds, and are the same data.

The folder is ``$XDG_CACHE_HOME/innercircle``, else ``~/.cache/innercircle`` (the
freedesktop convention; deleting it costs only the next process's time). Callers fall
back to making the data in the process when it cannot be written or read (any
exception: a damaged file, another library version): the cache only ever saves time. A
folder that fails to read is removed (:func:`read_cached`), so the next process makes it
again instead of failing on it forever.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_root() -> Path:
    """Where made data is kept (see the module's docstring); OSError without a home.

    A relative ``XDG_CACHE_HOME`` is invalid by the XDG spec and taken as unset. Without
    a home (``HOME`` unset and a uid without a passwd entry) ``Path.expanduser`` raises
    RuntimeError, which callers would not expect: it is an OSError here, as for any
    other cache out of reach."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "innercircle"
    try:
        base = Path("~", ".cache").expanduser()
    except RuntimeError as error:
        raise OSError(f"no home directory for a cache: {error}") from error
    if not base.is_absolute():  # e.g. HOME set to a relative path
        raise OSError(f"no folder for a cache ({base})")
    return base / "innercircle"


def read_cached(name: str, fill: Callable[[Path], None], read: Callable[[Path], T]) -> T:
    """``read(folder)`` of the cache folder ``name`` (filled by ``fill`` first if missing).

    When ``read`` fails (a file truncated by a full disk, damaged, or written by other
    code) the folder is removed before the error is raised, so that the next process
    fills it again; the caller falls back to making the data itself."""
    folder = cached_folder(name, fill)
    try:
        return read(folder)
    except Exception:
        discard(folder)
        raise


def discard(folder: Path) -> None:
    """Remove a cache folder; renamed aside first, so no reader sees it half removed."""
    aside = folder.with_name(f"{folder.name}.discarded-{uuid.uuid4().hex}")
    with contextlib.suppress(OSError):
        folder.rename(aside)
        shutil.rmtree(aside, ignore_errors=True)


def cached_folder(name: str, fill: Callable[[Path], None]) -> Path:
    """The folder ``name`` of the cache, filled by ``fill(folder)`` first if missing.

    Filled in a folder of its own, flushed to disk (so that a crash cannot leave a
    ``done`` folder of empty files) and renamed into place, so a reader never sees it
    half written; when two processes fill it at once, the first rename wins and the
    other's copy is dropped (both are the same data)."""
    folder = cache_root() / name
    if (folder / "done").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    work = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=folder.parent))
    try:
        fill(work)
        _flush(work)
        (work / "done").touch()
        _fsync(work)
        work.rename(folder)
        _fsync(folder.parent)
    except OSError:
        if not (folder / "done").exists():
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder


#: A fill or a removal older than this has died (a fill takes seconds).
STALE_S = 3600.0


def _sweep(folder: Path) -> None:
    """Remove what fills and removals of ``folder`` that died (killed, out of power) left
    beside it: their folders are named after it (``<name>.<random>``, ``<name>.discarded-…``)
    and nothing else would ever remove them. Only those older than :data:`STALE_S`, so a
    fill still running in another process is left alone."""
    now = time.time()
    for left in folder.parent.glob(f"{glob.escape(folder.name)}.*"):
        with contextlib.suppress(OSError):
            if now - left.stat().st_mtime > STALE_S:
                shutil.rmtree(left)


def _flush(folder: Path) -> None:
    """fsync every file and folder under ``folder``, and ``folder`` itself."""
    for parent, _, files in os.walk(folder, topdown=False):
        for file in files:
            _fsync(Path(parent, file))
        _fsync(Path(parent))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
