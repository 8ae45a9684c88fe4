"""Extraction stages: pages into documents, documents into mentions of people."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from innercircle.extract.author_page import extract_author_page
from innercircle.extract.bylines import entry_authors
from innercircle.extract.language import detect_language
from innercircle.extract.links import main_text_links
from innercircle.extract.names import clean_person_name, name_key
from innercircle.extract.page import extract_page
from innercircle.extract.people import PersonFinder
from innercircle.stages import Progress, no_progress
from innercircle.stages.crawl import _naive, host_of, now_utc


def doc_id_for(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


@dataclass
class RawPage:
    url: str
    kind: str  # 'article' | 'author_page'
    body_gzip: bytes
    content_hash: str
    fetched_at: datetime


@dataclass
class FeedContext:
    """What the feed said about an article, used where the page itself is silent."""

    published: datetime | None = None
    title: str = ""
    raw_authors: list[str] = field(default_factory=list)
    feed_authors: list[str] = field(default_factory=list)


def build_document(page: RawPage, feed: FeedContext | None) -> dict:
    """One ``documents`` row from a stored page; never raises on bad HTML."""
    html = gzip.decompress(page.body_gzip)
    if page.kind == "author_page":
        profile = extract_author_page(html, page.url)
        name = clean_person_name(profile.name) if profile.name else None
        byline, origin = ([name], "author_page") if name else ([], None)
        title, published, text = profile.name or "", None, profile.bio or ""
        language = detect_language(text)
    else:
        extract = extract_page(html, page.url)
        byline = _person_names(b.name for b in extract.authors if b.kind == "person")
        origin = "page" if byline else None
        if not byline and feed is not None:
            feed_bylines = entry_authors(feed.raw_authors, feed.feed_authors)
            byline = _person_names(b.name for b in feed_bylines if b.kind == "person")
            origin = "feed" if byline else None
        title = extract.title or (feed.title if feed else "")
        published = _naive(extract.published) or (feed.published if feed else None)
        text = extract.text
        language = extract.language
    return {
        "doc_id": doc_id_for(page.url),
        "url": page.url,
        "host": host_of(page.url),
        "kind": page.kind,
        "title": title,
        # Undated articles fall back to their first fetch; author pages stay undated.
        "published_at": published or (page.fetched_at if page.kind == "article" else None),
        "content_hash": page.content_hash,
        "text_chars": len(text),
        "text": text,
        "language": language,
        "byline": byline,
        "byline_origin": origin,
        "extracted_at": now_utc(),
        "links": main_text_links(html, page.url, text) if page.kind == "article" else [],
    }


def _person_names(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = clean_person_name(raw)
        if name and (key := name_key(name)) and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def extract_mentions(
    docs: Sequence[Mapping],
    finder: PersonFinder,
    progress: Progress = no_progress,
    batch: int = 256,
) -> list[dict]:
    """Authors (from the byline) and people named in the text, for each document.

    Texts go through spaCy in batches; a person who is a document's author is not also
    counted as mentioned in it.
    """
    rows: list[dict] = []
    total = len(docs)
    progress("mentions", 0, total, 0)
    for start in range(0, total, batch):
        chunk = docs[start : start + batch]
        found = finder.find_people([d.get("text") or "" for d in chunk])
        for doc, people in zip(chunk, found, strict=True):
            rows.extend(_doc_mentions(doc, people))
        progress("mentions", min(start + batch, total), total, 0)
    return rows


def _doc_mentions(doc: Mapping, people: Sequence) -> list[dict]:
    rows: list[dict] = []
    author_keys: set[str] = set()
    origin = doc.get("byline_origin") or "page"
    for i, name in enumerate(doc.get("byline") or []):
        key = name_key(name)
        if not key or key in author_keys:
            continue
        author_keys.add(key)
        rows.append(_mention(doc, i, name, key, name, "author", origin, False, None))
    for i, person in enumerate(people):
        key = name_key(person.name)
        if not key or key in author_keys:
            continue
        rows.append(
            _mention(
                doc,
                i,
                person.name,
                key,
                person.surface,
                "mentioned",
                "ner",
                bool(person.quoted),
                person.sentence,
            )
        )
    return rows


def _mention(
    doc: Mapping,
    ordinal: int,
    name: str,
    key: str,
    surface: str,
    role: str,
    origin: str,
    quoted: bool,
    snippet: str | None,
) -> dict:
    ident = f"{doc['doc_id']}|{role}|{key}|{ordinal}"
    return {
        "mention_id": hashlib.sha1(ident.encode("utf-8")).hexdigest()[:20],
        "doc_id": doc["doc_id"],
        "name": name,
        "name_key": key,
        "surface": surface,
        "role": role,
        "origin": origin,
        "quoted": quoted,
        "snippet": (snippet or "")[:300] or None,
        "content_hash": doc["content_hash"],
    }
