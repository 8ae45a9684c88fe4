"""``document_links`` rows from the documents extraction built.

:func:`innercircle.stages.extraction.build_document` returns each article's main-text
links under ``"links"`` (see :mod:`innercircle.extract.links`); the ``documents`` table
has no such column, so the asset takes them out here and writes them to their own table.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence

from innercircle.extract.links import Link


def link_rows(doc_id: str, links: Sequence[Link]) -> list[dict]:
    """One ``document_links`` row per link, numbered in page order."""
    return [
        {"doc_id": doc_id, "position": i, "url": link.url, "host": link.host,
         "anchor": link.anchor or None}
        for i, link in enumerate(links)
    ]


def pop_link_rows(documents: Sequence[MutableMapping]) -> list[dict]:
    """Remove ``"links"`` from each document row and return them as ``document_links`` rows."""
    rows: list[dict] = []
    for doc in documents:
        rows.extend(link_rows(doc["doc_id"], doc.pop("links", None) or []))
    return rows
