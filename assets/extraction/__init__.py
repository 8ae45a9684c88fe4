"""Extraction group: readable documents from stored pages, and the people named in them."""


from collections import Counter

import dagster as dg

from assets.common import WRITER_POOL, arrow, log_progress, markdown_table, table_metadata
from assets.crawl import articles, author_pages
from assets.resources import NerModelResource, WarehouseResource
from innercircle import warehouse
from innercircle.extract.people import models_signature
from innercircle.stages.crawl import now_utc
from innercircle.stages.extraction import (
    FeedContext,
    RawPage,
    build_document,
    build_entry_document,
    entry_content_hash,
    extract_people,
    page_is_html,
)
from innercircle.stages.links import pop_link_rows

GROUP = "extraction"
MENTION_BATCH = 256
NO_MODEL_SQL = "SELECT count(*) FROM mention_extractions WHERE NOT ner"

PAGES_TO_BUILD_SQL = """
WITH pages AS (
    SELECT url, 'article' AS kind FROM articles
    UNION ALL
    SELECT url, 'author_page' AS kind FROM author_pages
),
latest_entry AS (
    SELECT url, arg_max(published_at, last_seen_at) AS published_at,
           arg_max(title, last_seen_at) AS title,
           arg_max(raw_authors, last_seen_at) AS raw_authors,
           arg_max(feed_authors, last_seen_at) AS feed_authors
    FROM feed_entries GROUP BY url
)
SELECT p.url, p.kind, r.body_gzip, r.content_hash, r.fetched_at,
       e.published_at, e.title, e.raw_authors, e.feed_authors
FROM pages p
JOIN raw_pages r USING (url)
LEFT JOIN documents d USING (url)
LEFT JOIN latest_entry e USING (url)
WHERE d.doc_id IS NULL OR d.content_hash <> r.content_hash
ORDER BY p.url
"""

#: Feed entries that carry text, with whether their page is stored (and, when its type
#: is not plainly HTML, the body to sniff) and the version of their document, if any.
ENTRIES_TO_BUILD_SQL = """
WITH latest_entry AS (
    SELECT url, arg_max(published_at, last_seen_at) AS published_at,
           arg_max(title, last_seen_at) AS title,
           arg_max(raw_authors, last_seen_at) AS raw_authors,
           arg_max(feed_authors, last_seen_at) AS feed_authors,
           arg_max(content_text, last_seen_at) AS content_text,
           min(first_seen_at) AS first_seen_at
    FROM feed_entries WHERE content_text IS NOT NULL AND content_text <> '' GROUP BY url
)
SELECT e.url, e.published_at, e.title, e.raw_authors, e.feed_authors, e.content_text,
       e.first_seen_at, r.url IS NOT NULL AS has_page, r.content_type,
       CASE WHEN lower(trim(split_part(coalesce(r.content_type, ''), ';', 1)))
                 IN ('text/html', 'application/xhtml+xml') THEN NULL
            ELSE r.body_gzip END AS body_to_sniff,
       d.content_hash AS document_hash
FROM latest_entry e
LEFT JOIN raw_pages r USING (url)
LEFT JOIN documents d USING (url)
ORDER BY e.url
"""

DOCUMENT_INDUSTRIES_SQL = """
SELECT DISTINCT doc_id, industry, source_url FROM (
    SELECT d.doc_id, s.industry, s.url AS source_url
    FROM documents d
    JOIN feed_entries e ON e.url = d.url
    JOIN feeds f ON f.feed_url = e.feed_url
    JOIN sources s ON s.url = f.source_url
    UNION ALL
    SELECT d.doc_id, s.industry, s.url
    FROM documents d
    JOIN (SELECT url AS author_url, unnest(article_urls) AS article_url FROM author_pages) ap
      ON ap.article_url = d.url
    JOIN sources s ON s.url = ap.author_url AND s.kind = 'author'
    UNION ALL
    SELECT d.doc_id, s.industry, s.url
    FROM documents d JOIN sources s ON s.url = d.url AND s.kind = 'author'
)
"""


class _EntryDocuments:
    """Feed-entry documents to (re)write, and which entries carry text at all."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.known: set[str] = set()


def _entry_documents(con) -> tuple[_EntryDocuments, set[str]]:
    """Documents for feed entries whose page is not stored or is not HTML, and the URLs
    whose stored page is an HTML page (those are built from the page instead)."""
    out, with_page = _EntryDocuments(), set()
    for (
        url,
        published,
        title,
        raw_authors,
        feed_authors,
        text,
        first_seen,
        has_page,
        content_type,
        body_to_sniff,
        document_hash,
    ) in con.execute(ENTRIES_TO_BUILD_SQL).fetchall():
        out.known.add(url)
        html_type = body_to_sniff is None
        if has_page and (html_type or page_is_html(content_type, body_to_sniff)):
            with_page.add(url)
            continue
        feed = FeedContext(published, title or "", raw_authors or [], feed_authors or [])
        if document_hash != entry_content_hash(text, feed):
            out.rows.append(build_entry_document(url, text, feed, first_seen))
    return out, with_page


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[articles, author_pages], kinds={"duckdb"})
def documents(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource
) -> dg.MaterializeResult:
    """Main text, title, date and byline of every stored page, and of every feed entry
    whose page could not be had (kind ``feed_entry``: the entry's text and authors), until
    the page is fetched and replaces it. Only what changed since the last extraction is
    built again."""
    with warehouse_db.connect() as con:
        pages = con.execute(PAGES_TO_BUILD_SQL).fetchall()
        entry_rows, with_page = _entry_documents(con)
        progress = log_progress(context)
        rows, failures = [], 0
        for i, (
            url,
            kind,
            body,
            digest,
            fetched_at,
            published,
            title,
            raw_authors,
            feed_authors,
        ) in enumerate(pages, 1):
            if kind == "article" and url not in with_page and url in entry_rows.known:
                continue  # not an HTML page: its feed entry is the document
            page = RawPage(url, kind, body, digest, fetched_at)
            feed = FeedContext(published, title or "", raw_authors or [], feed_authors or [])
            try:
                rows.append(build_document(page, feed if kind == "article" else None))
            except Exception as exc:  # one unparseable page must not stop the others
                failures += 1
                context.log.warning(f"could not extract {url}: {type(exc).__name__}: {exc}")
            progress("documents", i, len(pages), failures)
        rows += entry_rows.rows
        links = pop_link_rows(rows)  # document_links, rewritten with their documents
        con.execute("BEGIN")
        warehouse.insert(con, "documents", arrow(rows), replace=True)
        warehouse.replace_where(
            con, "document_links", "doc_id", arrow(links), [r["doc_id"] for r in rows]
        )
        con.execute("DELETE FROM document_industries")
        con.execute(f"INSERT INTO document_industries {DOCUMENT_INDUSTRIES_SQL}")
        con.execute("COMMIT")
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "documents",
                extracted_this_run=dg.MetadataValue.int(len(rows)),
                feed_entry_documents_this_run=dg.MetadataValue.int(len(entry_rows.rows)),
                by_kind=dg.MetadataValue.md(
                    markdown_table(
                        ["kind", "documents"],
                        con.execute(
                            "SELECT kind, count(*) FROM documents GROUP BY 1 ORDER BY 1"
                        ).fetchall(),
                    )
                ),
                extraction_failures=dg.MetadataValue.int(failures),
                documents_with_byline=dg.MetadataValue.int(
                    con.execute("SELECT count(*) FROM documents WHERE len(byline) > 0").fetchone()[
                        0
                    ]
                ),
            )
        )


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[documents], kinds={"duckdb", "spacy"})
def mentions(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, ner: NerModelResource
) -> dg.MaterializeResult:
    """Authors and people named in each document's main text (spaCy NER, only with a model
    for the document's language), with the sentence as evidence, and how the model labelled
    every name-like entity (``entity_labels``). Documents whose content and models are
    unchanged are not sent to NER again."""
    signature = models_signature(ner.language_models())  # every language's model
    with warehouse_db.connect() as con:
        docs = (
            con.sql(
                """
            SELECT d.doc_id, d.text, d.byline, d.byline_origin, d.content_hash, d.language
            FROM documents d LEFT JOIN mention_extractions x USING (doc_id)
            WHERE x.doc_id IS NULL OR x.content_hash <> d.content_hash OR x.model <> $model
            ORDER BY d.doc_id""",
                params={"model": signature},
            )
            .to_arrow_table()
            .to_pylist()
        )
        context.log.info(f"{len(docs)} documents to extract people from with {signature}")
        total_mentions = 0
        if docs:
            finder = ner.finder()
            progress = log_progress(context)
            for start in range(0, len(docs), MENTION_BATCH):
                chunk = docs[start : start + MENTION_BATCH]
                found = extract_people(chunk, finder)
                rows = found.mentions
                total_mentions += len(rows)
                per_doc = Counter(r["doc_id"] for r in rows)
                done = [
                    {
                        "doc_id": d["doc_id"],
                        "content_hash": d["content_hash"],
                        "mentions": per_doc[d["doc_id"]],
                        "model": signature,
                        "language": found.read_as[d["doc_id"]][0],
                        "ner": found.read_as[d["doc_id"]][1],
                        "extracted_at": now_utc(),
                    }
                    for d in chunk
                ]
                # Each batch is its own transaction: an interrupted run keeps finished work.
                con.execute("BEGIN")
                warehouse.replace_where(
                    con, "mentions", "doc_id", arrow(rows), [d["doc_id"] for d in chunk]
                )
                warehouse.replace_where(
                    con,
                    "entity_labels",
                    "doc_id",
                    arrow(found.entity_labels),
                    [d["doc_id"] for d in chunk],
                )
                warehouse.insert(con, "mention_extractions", arrow(done), replace=True)
                con.execute("COMMIT")
                progress("mentions", min(start + MENTION_BATCH, len(docs)), len(docs), 0)
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "mentions",
                documents_extracted=dg.MetadataValue.int(len(docs)),
                new_mentions=dg.MetadataValue.int(total_mentions),
                model=dg.MetadataValue.text(signature),
                documents_without_ner_model=dg.MetadataValue.int(
                    con.execute(
                        "SELECT count(*) FROM mention_extractions WHERE NOT ner"
                    ).fetchone()[0]
                ),
            )
        )
