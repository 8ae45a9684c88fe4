"""Extraction stages: pages into documents, documents into mentions of people."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from innercircle.extract.bylines import entry_authors
from innercircle.extract.dates import plausible_date
from innercircle.extract.links import link_host
from innercircle.extract.names import name_key
from innercircle.extract.people import PersonFinder
from innercircle.stages import Progress, no_progress
from innercircle.stages.crawl import host_of, now_utc
from innercircle.stages.kinds import (
    DocumentsContext,
    ExtraBuilt,
    PageContent,
    by_document_kind,
)
from innercircle.stages.page_readers import person_names


def doc_id_for(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


@dataclass
class RawPage:
    url: str
    kind: str  # a source kind's document_kind: 'article' | 'author_page'
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


def site_key(url: str) -> str:
    """The site a URL belongs to, for telling one site from another: its host without
    ``www.`` and, past two labels, its last two ("feeds.example.com" and
    "www.example.com" are one site). Without the public suffix list a name under
    "co.uk" keys as "co.uk": two such sites then count as one, which only keeps the
    answer it would have been without this test."""
    host = link_host(url)
    labels = host.split(".")
    if len(labels) <= 2 or labels[-1].isdigit() or ":" in host:  # an address is its own site
        return host
    return ".".join(labels[-2:])


def on_feed_site(url: str, feed_sites: Sequence[str | None] | None) -> bool:
    """Whether ``url`` is on the site of a feed announcing it (``feed_sites``: the feeds,
    their site links and listed sources); True when nothing is known of them."""
    sites = {site_key(s) for s in feed_sites or () if s}
    return not sites or site_key(url) in sites


def entries_sql(with_text: bool = False) -> str:
    """The SQL list of every feed's entry for an address (over ``feed_entries e LEFT JOIN
    feeds f``, grouped by ``e.url``), newest first: what a page or an entry document takes
    from it, and where each entry's feed is (``feed_sites``: the feed, its site link, its
    listed source; ``feed_site``: the one to name). ``with_text`` adds the entry's text,
    which only entry documents read (pages do not carry it, as it can be long)."""
    text = "'content_text': e.content_text, " if with_text else ""
    return (
        "list({'published_at': coalesce(e.published_at, e.updated_at), 'title': e.title, "
        f"'raw_authors': e.raw_authors, 'feed_authors': e.feed_authors, {text}"
        "'feed_site': coalesce(f.site_link, f.source_url, e.feed_url), "
        "'feed_sites': [e.feed_url, f.site_link, f.source_url]} "
        "ORDER BY e.last_seen_at DESC, e.feed_url, f.source_url) AS entries"
    )


def speaking_entry(
    url: str, entries: Sequence[Mapping] | None, final_url: str | None = None
) -> tuple[Mapping | None, bool]:
    """Of :func:`entries_sql`'s ``entries`` for ``url``: the newest of a feed on the
    page's own site (where it was announced, or where it redirected to) and True; else
    the newest of all and False (None when there is none).

    A link blog's entry points at someone else's article: its author and title are the
    linker's, and credited to that article they made the linker the author of pages on
    54 sites. When the article's own site's feed announces it too, that entry speaks."""
    for entry in entries or ():
        sites = entry["feed_sites"]
        if on_feed_site(url, sites) or (final_url and on_feed_site(final_url, sites)):
            return entry, True
    return (entries[0] if entries else None), False


def feed_context(entry: Mapping) -> FeedContext:
    return FeedContext(entry["published_at"], entry["title"] or "",
                       list(entry["raw_authors"] or []), list(entry["feed_authors"] or []))


def entry_context(
    url: str, entries: Sequence[Mapping] | None, final_url: str | None = None
) -> FeedContext | None:
    """What the feeds say of the page at ``url`` (``page_context_sql``'s columns): the
    entry :func:`speaking_entry` finds on the page's site, or None when no feed on its
    site announces it."""
    entry, on_site = speaking_entry(url, entries, final_url)
    return feed_context(entry) if on_site else None


def build_document(page: RawPage, feed: FeedContext | None) -> dict:
    """One ``documents`` row from a stored page; never raises on bad HTML. What the page
    says is read by the source kind that builds documents of ``page.kind`` (see
    ``innercircle.stages.kinds``); its feed entry is used only by kinds that take one."""
    html = gzip.decompress(page.body_gzip)
    kind = by_document_kind(page.kind)
    return page_document(page, kind.content(html, page.url, feed if kind.feed_context else None))


def parsed_document(page: RawPage, content: PageContent, feed: FeedContext | None) -> dict:
    """The row :func:`build_document` makes, from what the page's kind read of the page
    alone (``content(html, url, None)``, parsed earlier, see
    :mod:`innercircle.stages.early_parse`): completed by its feed entry as the kind says
    (``with_feed``). ``page.body_gzip`` is not read."""
    kind = by_document_kind(page.kind)
    if kind.feed_context and kind.with_feed is not None:
        content = kind.with_feed(content, feed)
    return page_document(page, content)


def page_document(page: RawPage, content: PageContent) -> dict:
    return {
        "doc_id": doc_id_for(page.url),
        "url": page.url,
        "host": host_of(page.url),
        "kind": page.kind,
        "title": content.title,
        # Undated articles fall back to their first fetch; author pages stay undated.
        "published_at": plausible_date(content.published, page.fetched_at)
        or (page.fetched_at if content.undated_is_fetched else None),
        "content_hash": page.content_hash,
        "text_chars": len(content.text),
        "text": content.text,
        "language": content.language,
        "byline": content.byline,
        "byline_origin": content.byline_origin,
        "extracted_at": now_utc(),
        "links": content.links,
    }


# ------------------------------------------------------------------- feed-entry documents

#: Content types a stored article body may have to be read as a page.
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def page_is_html(content_type: str | None, body_gzip: bytes | None) -> bool:
    """Whether a stored article body is an HTML page (not a PDF, an image, a feed...).

    A missing or generic content type is decided by the body's first bytes.
    """
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if ctype in _HTML_TYPES:
        return True
    if ctype and ctype not in ("application/octet-stream", "text/plain"):
        return False
    if not body_gzip:
        return False
    try:
        head = gzip.decompress(body_gzip)[:2048].lstrip().lower()
    except (OSError, EOFError):
        return False
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def entry_content_hash(text: str, feed: FeedContext) -> str:
    """A version stamp for a feed-entry document; never equal to a page's sha256."""
    parts = [text, feed.title, *feed.raw_authors, "|", *feed.feed_authors]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"feed_entry:{digest}"


def build_entry_document(url: str, text: str, feed: FeedContext, seen_at: datetime) -> dict:
    """One ``documents`` row (kind ``feed_entry``) from a feed entry whose page could not
    be had: its text is the entry's content (or summary), its byline the entry's authors
    (the feed's when the entry names none), its date the entry's, else when first seen.

    The doc_id is the page's, so the page fetched on a later night replaces this row.
    """
    bylines = entry_authors(feed.raw_authors, feed.feed_authors)
    byline = person_names(b.name for b in bylines if b.kind == "person")
    return {
        "doc_id": doc_id_for(url),
        "url": url,
        "host": host_of(url),
        "kind": "feed_entry",
        "title": feed.title,
        "published_at": plausible_date(feed.published, seen_at) or seen_at,
        "content_hash": entry_content_hash(text, feed),
        "text_chars": len(text),
        "text": text,
        "byline": byline,
        "byline_origin": "feed" if byline else None,
        "extracted_at": now_utc(),
    }


#: Feed entries that carry text, with whether their page is stored (and, when its type
#: is not plainly HTML, the body to sniff) and the version of their document, if any.
ENTRIES_TO_BUILD_SQL = f"""
WITH entry AS (
    SELECT e.url, {entries_sql(with_text=True)},
           min(e.first_seen_at) AS first_seen_at
    FROM feed_entries e LEFT JOIN feeds f ON f.feed_url = e.feed_url
    WHERE e.content_text IS NOT NULL AND e.content_text <> '' GROUP BY e.url
)
SELECT e.url, e.entries, e.first_seen_at, r.url IS NOT NULL AS has_page, r.content_type,
       CASE WHEN lower(trim(split_part(coalesce(r.content_type, ''), ';', 1)))
                 IN ('text/html', 'application/xhtml+xml') THEN NULL
            ELSE r.body_gzip END AS body_to_sniff,
       d.content_hash AS document_hash
FROM entry e
LEFT JOIN raw_pages r USING (url)
LEFT JOIN documents d USING (url)
ORDER BY e.url
"""


def feed_entry_documents(ctx: DocumentsContext) -> ExtraBuilt:
    """The feeds kind's extra documents: every feed entry that carries text and whose
    page is not stored or is not HTML becomes its own document (only when it changed),
    and stands for that page. Entries stream from ``ctx.reader`` ``ctx.batch`` at a
    time: neither their texts nor their documents are ever all held at once.

    Of several feeds' entries for one address, the newest of a feed on the address's own
    site is the document, else the newest of all: a link blog's entry, whose text and
    author are the linker's, is then on the feed's site, whatever page it links to."""
    out = ExtraBuilt()
    found = ctx.reader.execute(ENTRIES_TO_BUILD_SQL)
    while batch := found.fetchmany(ctx.batch):
        rows = []
        for url, entries, first_seen, has_page, content_type, body_to_sniff, doc_hash in batch:
            if has_page:
                if body_to_sniff is None or page_is_html(content_type, body_to_sniff):
                    continue  # an HTML page: the page is the document
                out.stands_for.add(url)
            entry, on_site = speaking_entry(url, entries)
            feed = feed_context(entry)
            text = entry["content_text"]
            if doc_hash != entry_content_hash(text, feed):
                doc = build_entry_document(url, text, feed, first_seen)
                if not on_site:
                    doc["host"] = host_of(entry["feed_site"])
                rows.append(doc)
        del batch
        out.written += ctx.write(rows)
    return out


@dataclass
class ExtractedPeople:
    """Rows for ``mentions``, ``entity_labels`` and ``mention_extractions`` (per document:
    ``language`` read as and ``ner`` False when no model exists for it)."""

    mentions: list[dict] = field(default_factory=list)
    entity_labels: list[dict] = field(default_factory=list)
    read_as: dict[str, tuple[str | None, bool]] = field(default_factory=dict)

    @property
    def without_ner_model(self) -> int:
        return sum(1 for _, ner in self.read_as.values() if not ner)


def extract_people(
    docs: Sequence[Mapping],
    finder: PersonFinder,
    progress: Progress = no_progress,
    batch: int = 256,
) -> ExtractedPeople:
    """Authors (from the byline) and people named in the text, for each document.

    Each text goes to the model of its ``language`` (detected when NULL); a document in a
    language without a model still contributes its bylines. A person who is a document's
    author is not also counted as mentioned in it.
    """
    out = ExtractedPeople()
    total = len(docs)
    progress("mentions", 0, total, 0)
    for start in range(0, total, batch):
        chunk = docs[start : start + batch]
        found = finder.analyse(
            [d.get("text") or "" for d in chunk], [d.get("language") for d in chunk]
        )
        for doc, result in zip(chunk, found, strict=True):
            out.mentions.extend(_doc_mentions(doc, result.mentions))
            out.read_as[doc["doc_id"]] = (result.language, result.model is not None)
            out.entity_labels.extend(
                {
                    "doc_id": doc["doc_id"],
                    "name_key": key,
                    "name": result.display.get(key, key),
                    "label": label,
                    "refused": refused,
                    "n": n,
                }
                for (key, label, refused), n in result.labels.items()
            )
        progress("mentions", min(start + batch, total), total, 0)
    return out


def extract_mentions(
    docs: Sequence[Mapping],
    finder: PersonFinder,
    progress: Progress = no_progress,
    batch: int = 256,
) -> list[dict]:
    """The ``mentions`` rows of :func:`extract_people`."""
    return extract_people(docs, finder, progress, batch).mentions


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
