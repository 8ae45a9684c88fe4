"""The fixed tuning/test split of the shared evaluation pages, decided before any tuning.

Rules in the extractors may be written only from failures on the *tuning* half; the
*test* half is looked at only as a score. Every benchmark reports both halves, so a rule
that fits the pages it was written from shows up as a gap between them.

The rule (written down on 2026-11-30, before tuning, and never to change): a page belongs
to the tuning half when the first byte of ``sha256(local_file)`` is even, where
``local_file`` is the page's path as given in ``articles/authors.jsonl`` and
``articles/maintext.jsonl`` (e.g. ``articles/trafilatura-eval/html/lemire.me.json.html.gz``).
The same page is therefore in the same half in every benchmark. CoNLL documents are split
the same way, keyed by their ordinal (``conll:<n>``, counting ``-DOCSTART-`` lines from 0).
"""

from __future__ import annotations

import hashlib
from typing import Literal

Half = Literal["tune", "test"]
HALVES: tuple[Half, Half] = ("tune", "test")


def half_of(key: str) -> Half:
    """``"tune"`` or ``"test"`` for a page's ``local_file`` (or ``conll:<n>``)."""
    return "tune" if hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 == 0 else "test"

