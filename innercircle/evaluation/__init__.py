"""Benchmarks against the real pages in ``../shared/eval``: author, main-text, language and
NER scores, each on the tuning and the test half of the fixed split (``split.py``), and the
replay of real pages as a web through the whole pipeline (``innercircle eval ...``)."""
