"""Extraction from one page or feed at a time: who wrote it (bylines, page authors, author
pages), when (dates), its main text and language, its links, and the people named in it
(spaCy NER, one model per language). Pure functions over bytes and strings; the corpus-wide
decisions (person or not, who is who) live in ``personhood``, ``resolve`` and ``identity``."""
