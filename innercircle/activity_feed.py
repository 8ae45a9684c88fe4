"""The nightly Atom feed per industry: new pieces written by, or naming, inner-circle members.

Built with ElementTree so every title and sentence is escaped; the output is plain Atom
1.0 (RFC 4287) any feed reader can subscribe to. The rows come from the
``voice_activity`` view (one per document and voice); this module groups them per
document and says who is in it and why.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)

ACTIVITY_SQL = """
SELECT doc_id, url, title, published_at, noticed_at, source, person_id, name, rank, role, snippet
FROM voice_activity WHERE industry = $industry AND is_new
ORDER BY coalesce(published_at, noticed_at) DESC, url, rank
"""


def _stamp(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def why(people: list[Mapping]) -> str:
    """One line saying who is in a piece and how: "Written by Jane Doe (#3). Quotes ..."."""
    parts = []
    for role, verb in (("author", "Written by"), ("quoted", "Quotes"), ("mentioned", "Names")):
        names = [f"{p['name']} (#{p['rank']})" for p in people if p["role"] == role]
        if names:
            parts.append(f"{verb} {', '.join(names)}.")
    return " ".join(parts)


def group_by_document(rows: Iterable[Mapping]) -> list[dict]:
    """Rows of ``voice_activity`` (one per document and voice) -> one dict per document."""
    docs: dict[str, dict] = {}
    for r in rows:
        doc = docs.setdefault(
            r["doc_id"],
            {k: r[k] for k in ("doc_id", "url", "title", "published_at", "noticed_at", "source")}
            | {"people": []},
        )
        doc["people"].append(
            {k: r[k] for k in ("person_id", "name", "rank", "role", "snippet")}
        )
    for doc in docs.values():
        doc["people"].sort(key=lambda p: p["rank"])
    return list(docs.values())


def atom_feed(industry: str, documents: list[dict], updated: datetime) -> bytes:
    """The Atom document for ``industry``'s new pieces (``group_by_document`` output)."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _el(feed, "id", f"urn:innercircle:feed:{industry}")
    _el(feed, "title", f"innercircle: new from the {industry} inner circle")
    _el(feed, "subtitle", "Pieces first seen in the latest run that were written by, or name, "
        "a ranked voice of the industry.")
    _el(feed, "updated", _stamp(updated))
    _el(_el(feed, "author"), "name", "innercircle")
    _el(feed, "generator", "innercircle")
    for doc in documents:
        entry = _el(feed, "entry")
        _el(entry, "id", f"urn:innercircle:{industry}:doc:{doc['doc_id']}")
        _el(entry, "title", doc["title"] or doc["url"])
        _el(entry, "link", href=doc["url"], rel="alternate")
        _el(entry, "updated", _stamp(doc["noticed_at"]))
        if doc["published_at"]:
            _el(entry, "published", _stamp(doc["published_at"]))
        for p in doc["people"]:  # only who wrote it; the feed-level author covers the rest
            if p["role"] == "author":
                _el(_el(entry, "author"), "name", p["name"])
        for p in doc["people"]:
            _el(entry, "category", term=p["person_id"], label=p["name"])
        quote = next((p["snippet"] for p in doc["people"] if p["snippet"]), None)
        summary = why(doc["people"]) + (f" “{quote}”" if quote else "")
        summary += f" (on {doc['source']})" if doc["source"] else ""
        _el(entry, "summary", summary, type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def write_feeds(con, industries: Iterable[str], directory: Path, updated: datetime) -> dict:
    """Write ``<directory>/<industry>.atom`` for each industry; returns entries per industry."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for industry in industries:
        cur = con.execute(ACTIVITY_SQL, {"industry": industry})
        names = [c[0] for c in cur.description]
        docs = group_by_document(dict(zip(names, row, strict=True)) for row in cur.fetchall())
        path = directory / f"{industry}.atom"
        tmp = path.with_suffix(".atom.tmp")
        tmp.write_bytes(atom_feed(industry, docs, updated))
        tmp.replace(path)  # a feed reader polling the file never reads half of it
        written[industry] = len(docs)
    return written
