"""A folder per machine for data that libraries ship packed and every process unpacks.

Some of what a page reader needs is slow to make and the same every time: py3langid's
model is LZMA-compressed (:mod:`~innercircle.extract.langid_model`), Faker's name lists
are spread over a hundred modules (:mod:`~innercircle.vocabulary`). Each process that
reads pages (the run's, the crawl's early page reader, every test worker) made them
again. Made once into this folder, under a name that says what they were made from (a
digest, a version), they are read back in milliseconds, and are the same data.

The folder is ``$XDG_CACHE_HOME/innercircle``, else ``~/.cache/innercircle`` (the
freedesktop convention; deleting it costs only the next process's time). Callers fall
back to making the data in the process when it cannot be written or read
(:class:`OSError`): the cache only ever saves time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def cache_root() -> Path:
    """Where made data is kept (see the module's docstring); OSError without a home."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path("~", ".cache").expanduser())
    if not base.is_absolute():  # no home directory to be found: no cache
        raise OSError(f"no folder for a cache ({base})")
    return base / "innercircle"


def cached_folder(name: str, fill: Callable[[Path], None]) -> Path:
    """The folder ``name`` of the cache, filled by ``fill(folder)`` first if missing.

    Filled in a folder of its own and renamed into place, so a reader never sees it
    half written; when two processes fill it at once, the first rename wins and the
    other's copy is dropped (both are the same data)."""
    folder = cache_root() / name
    if (folder / "done").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=folder.parent))
    try:
        fill(work)
        (work / "done").touch()
        work.rename(folder)
    except OSError:
        if not (folder / "done").exists():
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder
