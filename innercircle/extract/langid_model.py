"""py3langid's model, decompressed once per machine instead of once per process.

py3langid ships its model as an LZMA-compressed ``.npz`` (4.5 MB on disk, 68 MB of
arrays). Every process that reads pages decompresses it on its first page: the run's
process, the crawl's early page reader, every test worker; LZMA alone is about 0.4 CPU
seconds of the 0.6 a load takes on a quiet core (over a second under load). The arrays
are therefore written once, uncompressed, to a cache folder (one ``.npy`` file per
array, under a name made of the model file's digest, so another py3langid version or
model gets a folder of its own) and read from there: the identifier is built from the
same arrays, so it gives the same answers. The largest array (the per-feature class
scores) is memory-mapped read-only: processes on one machine share its pages.

The cache folder is ``$INNERCIRCLE_MODEL_CACHE``, else ``$XDG_CACHE_HOME/innercircle``,
else ``~/.cache/innercircle``. When it cannot be written or read, the model is loaded
from py3langid's own file as before: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

#: The arrays of a model, in the order py3langid's ``load_model`` returns them.
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def cache_root() -> Path:
    """Where decompressed models are kept (see the module's docstring)."""
    explicit = os.environ.get("INNERCIRCLE_MODEL_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "innercircle"


def model_file() -> Path:
    """py3langid's packaged model."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


def load_identifier(norm_probs: bool = True):
    """py3langid's ``LanguageIdentifier`` over its packaged model, read from the cache
    (written there first if missing); as ``LanguageIdentifier.from_model_file`` when
    the cache is out of reach."""
    from py3langid.langid import LanguageIdentifier
    from py3langid.modelio import _to_array

    source = model_file()
    try:
        folder = _cached(source)
        ptc = np.load(folder / "ptc.npy", mmap_mode="r", allow_pickle=False)
        data = {k: np.load(folder / f"{k}.npy", allow_pickle=False) for k in _ARRAYS[1:]}
    except (OSError, ValueError):
        return LanguageIdentifier.from_model_file(source, norm_probs=norm_probs)
    # what py3langid.modelio.load_model makes of the same arrays
    return LanguageIdentifier(
        np.asarray(ptc),  # a plain array over the mapped file, as from_model_file's
        data["pc"],
        data["classes"].tolist(),
        _to_array(data["nextmove"]),
        data["out_feat"].tolist(),
        norm_probs=norm_probs,
        tk_row=_to_array(data["nextmove_row"]),
    )


def _cached(source: Path) -> Path:
    """The cache folder of ``source``'s arrays, written (atomically) if missing."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    folder = cache_root() / f"py3langid-{digest}"
    if (folder / "done").exists():
        return folder
    import io
    import lzma

    folder.parent.mkdir(parents=True, exist_ok=True)
    with np.load(io.BytesIO(lzma.decompress(source.read_bytes())), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in _ARRAYS}
    work = Path(tempfile.mkdtemp(prefix=f"{folder.name}.", dir=folder.parent))
    for name, array in arrays.items():
        np.save(work / f"{name}.npy", array, allow_pickle=False)
    (work / "done").touch()
    try:
        work.rename(folder)  # another process may have written it meanwhile: either is whole
    except OSError:
        for child in work.iterdir():
            child.unlink()
        work.rmdir()
    return folder
