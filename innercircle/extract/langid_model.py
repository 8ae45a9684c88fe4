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

The folder is :func:`innercircle.model_cache.cache_root`'s; when it cannot be
written or read, the model is loaded from py3langid's own file as before.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from innercircle.model_cache import cached_folder

#: The arrays of a model, in the order py3langid's ``load_model`` returns them.
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


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
    """The cache folder of ``source``'s arrays, written first if missing."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    return cached_folder(f"py3langid-{digest}", lambda folder: _unpack(source, folder))


def _unpack(source: Path, folder: Path) -> None:
    import io
    import lzma

    with np.load(io.BytesIO(lzma.decompress(source.read_bytes())), allow_pickle=False) as npz:
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", npz[name], allow_pickle=False)
