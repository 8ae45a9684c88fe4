"""Near-duplicate documents: the same wire story or cross-post on several sites.

One story reprinted on fifty sites is one piece of evidence, not fifty. Each article's
main text becomes a set of word shingles (five words in a row), summarised by a MinHash
signature; locality-sensitive hashing (bands of the signature) proposes candidate pairs,
and a pair joins one cluster when its estimated Jaccard similarity reaches
:data:`THRESHOLD`. The earliest document of a cluster is its canonical copy and names it
(``cluster_id`` = the canonical ``doc_id``), so a cluster keeps its id as copies come and go.

Pure Python and numpy (numpy comes with spaCy and pyarrow): hashing is vectorised per
document, and the pairwise work is only over LSH candidates, so the cost grows with the
number of documents, not its square.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from innercircle.disjoint import DisjointSets

SHINGLE_WORDS = 5
NUM_PERM = 64
BANDS = 16  # 16 bands of 4 rows: pairs at Jaccard 0.8 are candidates with p > 0.999
THRESHOLD = 0.8  # estimated Jaccard of shingle sets at or above which two texts are one story
MIN_SHINGLES = 8  # shorter texts are never merged: too little to tell copies from chance

_WORD = re.compile(r"\w+", re.UNICODE)
_MASK = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(0x1CC1)  # fixed: signatures are comparable across runs
_A = _rng.integers(1, 1 << 61, NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, 1 << 61, NUM_PERM, dtype=np.uint64)


@dataclass(frozen=True)
class Doc:
    doc_id: str
    text: str
    published_at: datetime | None = None


def shingles(text: str, k: int = SHINGLE_WORDS) -> np.ndarray:
    """The distinct k-word shingles of ``text`` as 32-bit hashes (case and punctuation folded)."""
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return np.empty(0, dtype=np.uint64)
    grams = {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}
    return np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), np.uint64, len(grams))


def signature(hashes: np.ndarray) -> np.ndarray:
    """MinHash signature: for each of NUM_PERM hash functions, the minimum over shingles."""
    if hashes.size == 0:
        return np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    # (a*x + b) mod 2^64, then keep 61 bits: a cheap universal family, vectorised.
    values = (np.outer(hashes, _A) + _B) & _MASK
    return values.min(axis=0)


def similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.mean(sig_a == sig_b))


def cluster_documents(docs: Iterable[Doc], threshold: float = THRESHOLD) -> dict[str, str]:
    """Map every doc_id to its cluster id: the doc_id of the earliest copy of its story.

    A document with no near-duplicate is its own cluster. Ties on the date go to the
    smaller doc_id, so the result does not depend on input order.
    """
    docs = list(docs)
    sigs: dict[str, np.ndarray] = {}
    for d in docs:
        h = shingles(d.text or "")
        if h.size >= MIN_SHINGLES:
            sigs[d.doc_id] = signature(h)
    sets = DisjointSets(d.doc_id for d in docs)

    rows = NUM_PERM // BANDS
    for band in range(BANDS):
        buckets: dict[bytes, list[str]] = defaultdict(list)
        for doc_id, sig in sigs.items():
            buckets[sig[band * rows : (band + 1) * rows].tobytes()].append(doc_id)
        for members in buckets.values():
            if len(members) < 2:
                continue
            first = members[0]
            for other in members[1:]:
                if sets.joined(first, other):
                    continue
                if similarity(sigs[first], sigs[other]) >= threshold:
                    sets.union(first, other)
    order = {d.doc_id: (_date_key(d.published_at), d.doc_id) for d in docs}
    out: dict[str, str] = {}
    for members in sets.groups():
        canonical = min(members, key=order.__getitem__)
        for m in members:
            out[m] = canonical
    return out


def _date_key(when: datetime | None) -> tuple[int, str]:
    return (1, "") if when is None else (0, when.isoformat())


def cluster_rows(docs: Sequence[Doc], threshold: float = THRESHOLD) -> list[dict]:
    """Rows for the ``document_clusters`` table."""
    clusters = cluster_documents(docs, threshold)
    sizes: dict[str, int] = defaultdict(int)
    for c in clusters.values():
        sizes[c] += 1
    return [
        {
            "doc_id": doc_id,
            "cluster_id": cluster_id,
            "canonical": doc_id == cluster_id,
            "cluster_size": sizes[cluster_id],
        }
        for doc_id, cluster_id in sorted(clusters.items())
    ]
