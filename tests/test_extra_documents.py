"""A kind that yields documents besides its own pages declares them (``extra_documents``)
and the documents step builds them, with no branch for the kind anywhere else: here a
"notes" kind whose notes stand in for the pages they annotate."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import replace
from datetime import datetime

import pytest

from innercircle import warehouse
from innercircle.stages import arrow
from innercircle.stages.documents import build_documents
from innercircle.stages.extraction import doc_id_for
from innercircle.stages.kinds import (
    CrawlPlan,
    DocumentsContext,
    ExtraBuilt,
    ExtraDocuments,
    SourceKind,
    Stored,
    ensure_tables,
    register,
    registered,
    unregister,
)

FETCHED = datetime(2026, 5, 1, 8, 0)


def build_notes(ctx: DocumentsContext) -> ExtraBuilt:
    """Each note is a document of kind 'note' (when new or changed) and stands for the
    page at its URL."""
    out = ExtraBuilt()
    notes = ctx.reader.execute("""
        SELECT n.url, n.text, d.content_hash FROM notes n
        LEFT JOIN documents d USING (url) ORDER BY n.url""")
    while batch := notes.fetchmany(ctx.batch):
        rows = []
        for url, text, document_hash in batch:
            out.stands_for.add(url)
            version = "note:" + hashlib.sha256(text.encode()).hexdigest()
            if document_hash != version:
                rows.append({
                    "doc_id": doc_id_for(url), "url": url, "host": "notes.example",
                    "kind": "note", "title": "", "published_at": FETCHED,
                    "content_hash": version, "text_chars": len(text), "text": text,
                    "byline": [], "byline_origin": None, "extracted_at": FETCHED,
                })
        out.written += ctx.write(rows)
    return out


NOTES = SourceKind(
    name="notes",
    description="Notes that stand in for the pages they annotate.",
    plan=lambda con, ctx: CrawlPlan([]),
    fetch=lambda items, fetcher, out, ctx: None,
    store=lambda con, ctx: Stored(),
    tables=("notes",),
    ddl="CREATE TABLE IF NOT EXISTS notes (url VARCHAR PRIMARY KEY, text VARCHAR NOT NULL)",
    extra_documents=ExtraDocuments("note", build_notes),
)


def page(url: str, title: str) -> dict:
    body = (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1><p>{title}: the harbour survey counted more kelp than last "
        "spring, and the divers logged the water at every buoy.</p></article></body></html>"
    ).encode()
    return {"url": url, "content_type": "text/html", "fetched_at": FETCHED,
            "content_hash": hashlib.sha256(body).hexdigest(), "body_gzip": gzip.compress(body)}


@pytest.fixture()
def notes_registered():
    register(NOTES)
    yield NOTES
    unregister(NOTES.name)


def test_extra_documents_are_built_and_the_pages_they_stand_for_are_not(
    tmp_path, notes_registered
):
    kelp, tides = "http://a.example/kelp", "http://a.example/tides"
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        ensure_tables(con)
        warehouse.insert(con, "raw_pages", arrow([page(kelp, "Kelp"), page(tides, "Tides")]))
        warehouse.insert(con, "articles", arrow([
            {"url": u, "host": "a.example", "outcome": "ok", "fetched_at": FETCHED}
            for u in (kelp, tides)
        ]))
        con.execute("INSERT INTO notes VALUES (?, 'A note on kelp.')", [kelp])

        first = build_documents(con)
        docs = con.execute("SELECT url, kind, text FROM documents ORDER BY url").fetchall()
        again = build_documents(con)

    assert docs == [
        (kelp, "note", "A note on kelp."),  # the note stands for the kelp page
        (tides, "article", docs[1][2]),
    ]
    assert "harbour survey" in docs[1][2]
    assert (first.built, first.extra_by_kind) == (2, {"feed_entry": 0, "note": 1})
    assert (again.built, again.extra_by_kind) == (0, {"feed_entry": 0, "note": 0})


def test_one_kind_describes_other_kinds_pages():
    """The feeds kind's entries date and credit the articles whose page is silent
    (``page_context``); a second kind saying the same of pages is refused."""
    (feeds,) = [k for k in registered() if k.page_context]
    assert feeds.name == "feeds" and "feed_entries" in feeds.page_context
    with pytest.raises(ValueError, match="page_context is declared by feeds"):
        register(replace(NOTES, page_context="SELECT url, NULL, NULL, NULL, NULL FROM notes"))
    assert NOTES.name not in [k.name for k in registered()]


def test_read_ahead_is_told_the_pages_to_build_and_sees_each_page_document_once(tmp_path):
    """What the documents step hands a reader ahead (the NER started early): the number of
    pages before any is parsed, then every page document as its batch is written; nothing
    is offered on a re-run that builds nothing."""
    urls = [f"http://a.example/p{i}" for i in range(5)]
    told, seen = [], []

    def ahead(pages: int):
        told.append(pages)
        return (lambda rows: seen.extend(r["url"] for r in rows)) if pages else None

    with warehouse.connect(tmp_path / "w.duckdb") as con:
        ensure_tables(con)
        warehouse.insert(con, "raw_pages", arrow([page(u, f"Survey {u[-1]}") for u in urls]))
        warehouse.insert(con, "articles", arrow([
            {"url": u, "host": "a.example", "outcome": "ok", "fetched_at": FETCHED}
            for u in urls
        ]))
        first = build_documents(con, batch=2, read_ahead=ahead)
        again = build_documents(con, batch=2, read_ahead=ahead)

    assert (first.built, again.built) == (5, 0)
    assert told == [5, 0]
    assert sorted(seen) == urls  # each once, over three batches
