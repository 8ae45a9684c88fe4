"""py3langid's model, decompressed once per machine instead of once per process.

py3langid ships its model as an LZMA-compressed ``.npz`` (4.5 MB on disk, 68 MB of
arrays). Every process that reads pages decompresses it on its first page: the run's
process, the crawl's early page reader, every test worker; LZMA alone is about 0.4 CPU
seconds of the 0.6 a load takes on a quiet core (over a second under load). The arrays
are therefore written once, uncompressed, to a cache folder (one ``.npy`` file per
array, under a name made of the model file's digest, so another py3langid version or
model gets a folder of its own) and read from there: the identifier is built from the
same arrays, so it gives the same answers. The per-feature class scores (``ptc``, 28 MB,
the one array the identifier keeps as a NumPy array) are memory-mapped read-only, so
processes on one machine share its pages; the others, the largest among them
``nextmove`` (39 MB), are copied into Python arrays as py3langid does, once per process.

The folder is :func:`innercircle.model_cache.cache_root`'s; when it cannot be written
or read, or py3langid's internals differ from what is used here (its private
``modelio._to_array``, the ``tk_row`` keyword, the archive's keys: any version in the
pinned range may change them), the model is loaded by py3langid's own
``from_model_file`` as before.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from innercircle.model_cache import read_cached

#: The arrays of a model, in the order py3langid's ``load_model`` returns them.
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
#: The cache's format, in its folder's name: bump it when :func:`_unpack` or
#: :func:`_identifier` change what is written or how it is read.
FORMAT = 1


def model_file() -> Path:
    """py3langid's packaged model."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


def load_identifier(norm_probs: bool = True):
    """py3langid's ``LanguageIdentifier`` over its packaged model, read from the cache
    (written there first if missing); as ``LanguageIdentifier.from_model_file`` when
    the cache is out of reach, damaged, or py3langid is not the one this reads for."""
    from py3langid.langid import LanguageIdentifier

    source = model_file()
    try:
        _check_py3langid()  # before the cache: another py3langid would only empty it
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
        return read_cached(
            f"py3langid-v{FORMAT}-{digest}",
            lambda folder: _unpack(source, folder),
            lambda folder: _identifier(folder, norm_probs),
        )
    except Exception:  # the cache only saves time: anything amiss, py3langid's own way
        return LanguageIdentifier.from_model_file(source, norm_probs=norm_probs)


def _check_py3langid() -> None:
    """Raise when py3langid lacks what :func:`_identifier` uses (private to it)."""
    from py3langid import modelio
    from py3langid.langid import LanguageIdentifier

    if not callable(getattr(modelio, "_to_array", None)):
        raise AttributeError("py3langid.modelio._to_array is gone")
    if "tk_row" not in LanguageIdentifier.__init__.__code__.co_varnames:
        raise TypeError("LanguageIdentifier takes no tk_row")


def _identifier(folder: Path, norm_probs: bool):
    """What py3langid.modelio.load_model and ``from_model_file`` make of the arrays."""
    from py3langid.langid import LanguageIdentifier
    from py3langid.modelio import _to_array

    ptc = np.load(folder / "ptc.npy", mmap_mode="r", allow_pickle=False)
    data = {k: np.load(folder / f"{k}.npy", allow_pickle=False) for k in _ARRAYS[1:]}
    return LanguageIdentifier(
        np.asarray(ptc),  # a plain array over the mapped file, as from_model_file's
        data["pc"],
        data["classes"].tolist(),
        _to_array(data["nextmove"]),
        data["out_feat"].tolist(),
        norm_probs=norm_probs,
        tk_row=_to_array(data["nextmove_row"]),
    )


def _unpack(source: Path, folder: Path) -> None:
    import io
    import lzma

    with np.load(io.BytesIO(lzma.decompress(source.read_bytes())), allow_pickle=False) as npz:
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", npz[name], allow_pickle=False)
