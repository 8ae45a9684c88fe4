"""The documents step: every registered source kind's documents, in one transaction.

The step only iterates kinds (:mod:`innercircle.stages.kinds`): first each kind's extra
documents (the feeds kind's entries whose page could not be had), then every stored
page of a kind whose pages are documents, except those an extra document stands for,
then ``document_industries`` from every kind's ``industries``. A new kind takes part by
its declaration alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from innercircle import warehouse
from innercircle.stages import Progress, arrow, no_progress
from innercircle.stages.early_parse import page_content
from innercircle.stages.extraction import (
    RawPage,
    build_document,
    entry_context,
    parsed_document,
)
from innercircle.stages.kinds import (
    DocumentsContext,
    document_industries_sql,
    pages_to_build_sql,
    parsed_pages_to_build_sql,
    registered,
)
from innercircle.stages.links import pop_link_rows

#: Told how many pages a step builds, it may return what to hand each written batch to.
ReadAhead = Callable[[int], Callable[[list[dict]], None] | None]

#: Pages parsed (entries read) between two writes: raw bodies are never all held at once.
PAGE_BATCH = 128
#: Pages read early (no bodies: their contents) looked up at once: each lookup reads the
#: feed entries' context in one query (about 7 ms at scale 1), so fewer, larger ones.
PARSED_BATCH = 512


@dataclass
class DocumentsBuilt:
    """What one documents step wrote: documents built (pages and extra documents), the
    extra documents per ``documents.kind``, the pages that could not be read, and the
    pages built from what the crawl read (not parsed again)."""

    built: int = 0
    extra_by_kind: dict[str, int] = field(default_factory=dict)
    failures: int = 0
    read_early: int = 0  # pages built from what the crawl read (early_parse)


def write_documents(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> int:
    """Documents and their ``document_links``, replacing earlier versions (inside the
    caller's transaction)."""
    links = pop_link_rows(rows)  # document_links, rewritten with their documents
    warehouse.insert(con, "documents", arrow(rows), replace=True)
    warehouse.replace_where(
        con, "document_links", "doc_id", arrow(links), [r["doc_id"] for r in rows]
    )
    return len(rows)


def build_documents(
    con: duckdb.DuckDBPyConnection,
    progress: Progress = no_progress,
    warn: Callable[[str], None] = lambda message: None,
    batch: int = PAGE_BATCH,
    read_ahead: ReadAhead | None = None,
    parsed: Iterable[pa.Table] = (),
) -> DocumentsBuilt:
    """Build what changed since the last step, and ``document_industries`` again, in one
    transaction (rolled back whole on an error). Rows stream from a second cursor
    ``batch`` at a time while ``con`` writes; a page that cannot be read is counted,
    passed to ``warn`` and skipped, never stopping the others.

    ``read_ahead(pages)``, given the number of pages to build before any is parsed, may
    return a function that receives each batch of page documents once written (the NER
    of a later step in this process reads them while the next pages are parsed).

    ``parsed`` yields pages the crawl read already (:func:`~innercircle.stages.
    early_parse.parsed_pages`): a page there whose stored body is the one read is not
    parsed again; the documents are the same either way."""
    out = DocumentsBuilt()
    reader = con.cursor()
    try:
        with warehouse.transaction(con):
            ctx = DocumentsContext(reader, lambda rows: write_documents(con, rows), batch)
            stood_for: set[str] = set()
            for kind in registered():
                if kind.extra_documents:
                    extra = kind.extra_documents.build(ctx)
                    dk = kind.extra_documents.document_kind
                    out.extra_by_kind[dk] = out.extra_by_kind.get(dk, 0) + extra.written
                    out.built += extra.written
                    stood_for |= extra.stands_for
            _build_pages(ctx, stood_for, out, progress, warn, read_ahead, parsed)
            con.execute("DELETE FROM document_industries")
            con.execute(f"INSERT INTO document_industries {document_industries_sql()}")
    finally:
        reader.close()
    return out


def _build_pages(
    ctx: DocumentsContext, stood_for: set[str], out: DocumentsBuilt, progress, warn,
    read_ahead: ReadAhead | None = None, parsed: Iterable[pa.Table] = (),
) -> None:
    """Every stored page (of a kind whose pages are documents) that changed, but those
    an extra document stands for: first those read early (``parsed``, see
    :func:`_parsed_documents`), then the others, parsed here."""
    sql, params = pages_to_build_sql(), {"stood_for": list(stood_for)}
    total = ctx.reader.execute(f"SELECT count(*) FROM ({sql})", params).fetchall()[0][0]
    reader = read_ahead(total) if read_ahead else None
    built = failures = 0

    def write(rows: list[dict]) -> None:
        nonlocal built
        built += ctx.write(rows)
        if reader is not None:
            reader(rows)
        progress("documents", built + failures, total, failures)

    done: set[str] = set()  # built from what was read early
    for part in parsed if total else ():
        write(_parsed_documents(ctx, part, stood_for, done))
    pages = ctx.reader.execute(sql, {"stood_for": [*stood_for, *done]})
    while batch := pages.fetchmany(ctx.batch):
        rows = []
        for url, kind, body, digest, fetched_at, *entry in batch:
            page = RawPage(url, kind, body, digest, fetched_at)
            feed = entry_context(url, *entry)
            try:
                rows.append(build_document(page, feed))
            except Exception as exc:  # one unparseable page must not stop the others
                failures += 1
                warn(f"could not extract {url}: {type(exc).__name__}: {exc}")
        del batch
        write(rows)
    out.built += built
    out.failures += failures
    out.read_early += len(done)


def _parsed_documents(
    ctx: DocumentsContext, part: pa.Table, stood_for: set[str], done: set[str]
) -> list[dict]:
    """Documents of the pages in ``part`` (``url, kind, content_hash, content``: read
    early, :mod:`innercircle.stages.early_parse`) that are to be built and whose stored
    body is the one read, completed by their feed entry; their URLs go into ``done``.
    A page left out here (another body stored, or its content unreadable) is parsed
    from its body afterwards, like any other."""
    keys = zip(*(part.column(c).to_pylist() for c in ("url", "kind", "content_hash")), strict=True)
    content = dict(zip(keys, part.column("content").to_pylist(), strict=True))
    ctx.reader.register("_parsed", part.select(["url", "kind", "content_hash"]))
    try:
        wanted = ctx.reader.execute(
            parsed_pages_to_build_sql(), {"stood_for": list(stood_for)}
        ).fetchall()
    finally:
        ctx.reader.unregister("_parsed")
    rows = []
    for url, kind, digest, fetched_at, *entry in wanted:
        if url in done:
            continue
        page = RawPage(url, kind, b"", digest, fetched_at)
        feed = entry_context(url, *entry)
        try:
            rows.append(parsed_document(page, page_content(content[(url, kind, digest)]), feed))
        except Exception:  # noqa: BLE001 - then it is parsed from its body, and reported there
            continue
        done.add(url)
    return rows


@dataclass(frozen=True)
class DocumentsSummary:
    """What the documents tables hold after the step, for its metadata."""

    by_kind: list[tuple[str, int]]  # (kind, documents), by kind
    with_byline: int  # documents naming at least one author
    industries: int  # industries with at least one document


def documents_summary(con: duckdb.DuckDBPyConnection) -> DocumentsSummary:
    """Counts of the ``documents`` and ``document_industries`` tables as they stand."""
    return DocumentsSummary(
        by_kind=con.execute("SELECT kind, count(*) FROM documents GROUP BY 1 ORDER BY 1")
        .fetchall(),
        with_byline=con.execute(
            "SELECT count(*) FROM documents WHERE len(byline) > 0").fetchone()[0],
        industries=con.execute(
            "SELECT count(DISTINCT industry) FROM document_industries").fetchone()[0],
    )
