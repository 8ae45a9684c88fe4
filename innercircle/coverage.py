""""Who covers X": the ranked voices whose documents match a query, with their best sentence.

Reads the warehouse (the published file, read-only): BM25 over the industry's articles
(:func:`innercircle.profiles.bm25`), then each matching document counts for the voices
who wrote it (in full) and the voices it names (half). A voice's evidence is the sentence,
among those they wrote or that name them in matching documents, sharing most of the
query's words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from innercircle.model import PIECES_SQL
from innercircle.profiles import best_sentence, bm25, function_words, phrases

DOCS_SQL = f"""
SELECT DISTINCT d.doc_id, d.text, d.language FROM documents d
JOIN document_industries di ON di.doc_id = d.doc_id
LEFT JOIN document_clusters dc ON dc.doc_id = d.doc_id
WHERE d.kind IN {PIECES_SQL} AND d.text IS NOT NULL AND coalesce(dc.canonical, true)
  AND ($industry IS NULL OR di.industry = $industry)
"""

VOICES_SQL = """
SELECT f.doc_id, v.industry, v.person_id, v.name, v.rank, f.role, f.snippet, f.url, f.title
FROM mention_facts f
JOIN recurring_voices v ON v.industry = f.industry AND v.person_id = f.person_id
JOIN _hits h ON h.doc_id = f.doc_id
WHERE $industry IS NULL OR v.industry = $industry
"""

MENTIONED_WEIGHT = 0.5  # a document naming a voice says less about them than one they wrote


@dataclass
class Match:
    industry: str
    person_id: str
    name: str
    rank: int
    score: float = 0.0
    documents: set = field(default_factory=set)
    wrote: int = 0
    named_in: int = 0
    sentence: str | None = None
    url: str | None = None


def who_covers(con, query: str, industry: str | None = None, limit: int = 20) -> list[Match]:
    """The ranked voices whose documents match ``query``, best first."""
    import pyarrow as pa

    docs = con.execute(DOCS_SQL, {"industry": industry}).fetchall()
    texts = {doc_id: text for doc_id, text, _ in docs}
    score_of = matching_documents(query, docs)
    if not score_of:
        return []
    con.register("_hits", pa.table({"doc_id": list(score_of)}))
    try:
        rows = con.execute(VOICES_SQL, {"industry": industry}).fetchall()
    finally:
        con.unregister("_hits")
    matches: dict[tuple[str, str], Match] = {}
    evidence: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    seen: set[tuple] = set()
    for doc_id, ind, person_id, name, rank, role, snippet, url, _title in rows:
        key = (ind, person_id)
        m = matches.setdefault(key, Match(ind, person_id, name, rank))
        if (key, doc_id, role) not in seen:
            seen.add((key, doc_id, role))
            if role == "author":
                m.score += score_of[doc_id]
                m.wrote += 1
                evidence[key].append((texts[doc_id], url))
            elif (key, doc_id, "mentioned-counted") not in seen:
                seen.add((key, doc_id, "mentioned-counted"))
                m.score += MENTIONED_WEIGHT * score_of[doc_id]
                m.named_in += 1
        if role == "mentioned" and snippet:
            evidence[key].append((snippet, url))
        m.documents.add(doc_id)
    ranked = sorted(matches.values(), key=lambda m: (-m.score, m.rank))[:limit]
    for m in ranked:
        m.sentence, m.url = _best(query, evidence[(m.industry, m.person_id)])
    return ranked


def matching_documents(query: str, docs: Sequence[tuple[str, str, str | None]]) -> dict[str, float]:
    """BM25 score by document id of the ``(doc_id, text, language)`` documents matching
    ``query``. Each text's words are read without its own language's function words
    (:func:`~innercircle.profiles.function_words`): with the English list alone, "der" and
    "und" were words of every German text, and a query holding one matched them all; with
    spaCy's whole Italian list, "governo" was no word of any Italian text."""
    hits = bm25(query, [phrases(text, 2, stop=function_words(language))
                        for _, text, language in docs])
    return {docs[h.doc][0]: h.score for h in hits}


def _best(query: str, texts: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    best = best_sentence(query, [t for t, _ in texts])
    if best is None:
        return None, texts[0][1] if texts else None
    for text, url in texts:
        if best in text:
            return _squash(best), url
    return _squash(best), None


def _squash(text: str, limit: int = 240) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
