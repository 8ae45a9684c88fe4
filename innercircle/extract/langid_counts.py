"""py3langid's byte n-gram counts, read with numpy instead of a Python loop per byte.

py3langid finds a text's features by walking its tokenizer (an Aho-Corasick automaton
over byte n-grams, compiled into a transition table) one byte at a time in Python: about
a millisecond for the 4,000 characters :mod:`~innercircle.extract.language` reads, as
long as NER's language choice and a third of the language step. In such an automaton
the state after a byte is the longest suffix of the text so far that begins a feature,
so it depends on the last :data:`WINDOW` bytes only (the deepest state is that many
steps from the start). Every byte's state is then found for all bytes at once: start
each one at the root, ``WINDOW`` bytes back, and take that many table steps, each a
numpy gather over the whole text.

The counts are handed to py3langid's own scoring in the order its ``Counter`` holds
them (first occurrence), so the float sums, and the labels and probabilities, are
py3langid's to the last bit; :func:`vector_identifier` checks the walk against
py3langid's own on a probe text when it loads, and keeps py3langid's walk if they
differ (a new model, a changed library); a test checks :data:`WINDOW` against the
model's depth.
"""

from __future__ import annotations

import numpy as np
from py3langid.langid import RAW_FLOOR, LanguageIdentifier, visit_counts

#: Bytes of context that fix the automaton's state: the deepest state's distance from
#: the start, 6 in py3langid 0.4's model. :func:`deepest` finds it (0.7 s: a test runs
#: it, not every process that loads the model).
WINDOW = 6
_PROBE = (
    "Grüße aus Köln: the quick brown fox, 1234 — ¿qué tal? Это пример. 例えば日本語の文。 "
    "Ζ ελληνικά, עברית, हिन्दी, 한국어 « citation » naïve café"
).encode()


class VectorIdentifier(LanguageIdentifier):
    """py3langid's identifier whose feature counts are read by :func:`counts`."""

    __slots__ = ("_np_next", "_np_rowbase", "_np_out", "_window")

    def use_vector_counts(self, window: int) -> None:
        """Read counts with numpy from now on (``window``: see :data:`WINDOW`)."""
        self._np_next = np.frombuffer(self.tk_nextmove, dtype=np.uint32)
        self._np_rowbase = np.asarray(self._rowbase, dtype=np.intp)
        self._np_out = np.asarray(self.tk_output)
        self._window = window

    def _raw_score(self, text: bytes) -> np.ndarray:
        """As py3langid's ``_raw_score``, the counts read by :meth:`counts`."""
        if getattr(self, "_window", 0) <= 0:
            return super()._raw_score(text)
        visits = self.counts(text)
        if visits:
            return self._sparse_score(visits, self.nb_ptc)
        fill = 0.0 if self._norm_probs else RAW_FLOOR
        return np.full(len(self.nb_classes), fill, dtype=np.float32)

    def counts(self, text: bytes) -> dict[int, int] | None:
        """Feature index -> count, in order of first occurrence (as py3langid's
        ``visit_counts``); None when the text holds no feature."""
        data = np.frombuffer(text, dtype=np.uint8).astype(np.intp)
        n = len(data)
        if n == 0:
            return None
        state = np.zeros(n, dtype=np.intp)
        positions = np.arange(n)
        for step in range(self._window):
            at = positions - (self._window - 1 - step)
            started = at >= 0
            moved = self._np_next[self._np_rowbase[state] + data[np.maximum(at, 0)]]
            state = np.where(started, moved, state)
        features = self._np_out[state]
        features = features[features >= 0]
        if len(features) == 0:
            return None
        keys, first, times = np.unique(features, return_index=True, return_counts=True)
        order = np.argsort(first)
        return dict(zip(keys[order].tolist(), times[order].tolist(), strict=True))


def deepest(identifier: LanguageIdentifier) -> int:
    """The most steps any state of the tokenizer lies from its start (breadth first)."""
    nextmove = np.frombuffer(identifier.tk_nextmove, dtype=np.uint32)
    rowbase = np.asarray(identifier._rowbase, dtype=np.intp)
    seen = np.zeros(len(rowbase), dtype=bool)
    seen[0] = True
    frontier, depth = np.array([0], dtype=np.intp), 0
    every_byte = np.arange(256, dtype=np.intp)
    while True:
        reached = np.unique(np.concatenate([
            nextmove[(rowbase[part][:, None] + every_byte).ravel()]
            for part in np.array_split(frontier, -(-len(frontier) // 1024))
        ]))
        reached = reached[~seen[reached]]
        if len(reached) == 0:
            return depth
        seen[reached] = True
        frontier, depth = reached.astype(np.intp), depth + 1


def vector_identifier(identifier: VectorIdentifier) -> VectorIdentifier:
    """``identifier`` reading counts with numpy when that gives py3langid's own counts on
    a probe text in many scripts; else as it is (py3langid's walk)."""
    expected = visit_counts(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output,
                            _PROBE)
    identifier.use_vector_counts(WINDOW)
    got = identifier.counts(_PROBE)
    if got is None or expected is None or list(got.items()) != list(expected.items()):
        identifier.use_vector_counts(0)
    return identifier
