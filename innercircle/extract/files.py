"""``innercircle extract FILE...``: authors and people of local pages and feeds.

Each file is sniffed (gzip, then feed or HTML by its first bytes), read with the same
code the pipeline uses, and reported as one dict. Pages are sent to NER in batches
so that the model, loaded once by the caller, runs on many texts per call; one
unreadable file becomes an ``{"kind": "error"}`` record, never an exception.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from innercircle.extract.bylines import entry_authors
from innercircle.extract.page import extract_page
from innercircle.extract.people import PersonFinder

BATCH_FILES = 32
_FEED_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*)*"
    rb"<(?:rss|feed|rdf:RDF|RDF)\b",
    re.S | re.I,
)
_HTML_HINT = re.compile(rb"<(?:!doctype html|html|head|body)\b", re.I)


def read_document(path: Path) -> bytes:
    """File bytes, gunzipped when they are gzip (by magic number, not by name)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"gzip data could not be read: {exc}") from exc
    return data


def sniff_kind(data: bytes) -> str:
    """ "feed" for RSS/Atom/RDF/JSON Feed, otherwise "page"."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _FEED_START.match(head):
        return "feed"
    if head.startswith((b"{", b"[")):
        try:
            obj = json.loads(data)
        except ValueError:
            return "page"
        if isinstance(obj, dict) and "jsonfeed.org" in str(obj.get("version", "")):
            return "feed"
        return "page"
    if _HTML_HINT.search(head):
        return "page"
    return "feed" if re.search(rb"<(?:rss|feed|channel)\b", data[:65536]) else "page"


def _feed_record(path: Path, data: bytes) -> dict:
    from innercircle.feeds import parse_feed

    url = path.resolve().as_uri()
    feed = parse_feed(data, url)
    if feed.error and not feed.entries:
        return {"file": str(path), "kind": "error", "error": feed.error}
    entries = [
        {
            "url": e.url,
            "title": e.title,
            "authors": [b.name for b in entry_authors(e.raw_authors, feed.feed_authors)],
        }
        for e in feed.entries
    ]
    return {"file": str(path), "kind": "feed", "entries": entries}


def extract_files(paths: list[Path], finder: PersonFinder | None) -> Iterator[dict]:
    """One record per file, in order: page, feed or error (see module doc).

    Pages: ``{"file", "kind": "page", "authors": [names], "people": [names]}`` (no
    ``people`` without a finder: not looked for, which an empty list would hide); feeds:
    ``{"file", "kind": "feed", "entries": [{"url", "title", "authors"}]}``; failures:
    ``{"file", "kind": "error", "error"}``.
    """
    # page records waiting for NER, with their text and the language extract_page read
    pending: list[tuple[dict, str, str | None]] = []

    def flush() -> Iterator[dict]:
        if not pending:
            return
        if finder is not None:
            texts = [text for _, text, _ in pending]
            try:
                # the language the page was read in, as the pipeline stores it; where that
                # is unsure (None) the finder detects it, never assuming English
                people = finder.find_people(texts, [lang for _, _, lang in pending])
            except Exception as exc:  # noqa: BLE001 - report, keep going
                people = [[] for _ in texts]
                for record, _, _ in pending:
                    record["people_error"] = f"{type(exc).__name__}: {exc}"
            for (record, _, _), mentions in zip(pending, people, strict=True):
                record["people"] = list(dict.fromkeys(m.name for m in mentions))
        yield from (record for record, _, _ in pending)
        pending.clear()

    for path in paths:
        try:
            data = read_document(path)
            if sniff_kind(data) == "feed":
                record = _feed_record(path, data)
            else:
                page = extract_page(data, path.resolve().as_uri())
                pending.append(
                    (
                        {
                            "file": str(path),
                            "kind": "page",
                            "authors": [b.name for b in page.authors],
                        },
                        page.text,
                        page.language,
                    )
                )
                if len(pending) >= BATCH_FILES:
                    yield from flush()
                continue
        except Exception as exc:  # noqa: BLE001 - one bad file is a record, not a crash
            record = {"file": str(path), "kind": "error", "error": f"{type(exc).__name__}: {exc}"}
        # keep output in input order: pages queued before this record go first
        yield from flush()
        yield record
    yield from flush()
