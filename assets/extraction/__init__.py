"""Extraction group: readable documents from stored pages, and the people named in them."""


from collections import Counter

import dagster as dg

from assets.common import WRITER_POOL, arrow, log_progress, table_metadata
from assets.crawl import articles, author_pages
from assets.resources import NerModelResource, WarehouseResource
from innercircle import warehouse
from innercircle.stages.crawl import now_utc
from innercircle.stages.extraction import FeedContext, RawPage, build_document, extract_mentions
from innercircle.stages.links import pop_link_rows

GROUP = "extraction"
MENTION_BATCH = 256

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


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[articles, author_pages], kinds={"duckdb"})
def documents(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource
) -> dg.MaterializeResult:
    """Main text, title, date and byline of every stored page. Only pages whose content
    changed since the last extraction are parsed again."""
    with warehouse_db.connect() as con:
        pages = con.execute(PAGES_TO_BUILD_SQL).fetchall()
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
            page = RawPage(url, kind, body, digest, fetched_at)
            feed = FeedContext(published, title or "", raw_authors or [], feed_authors or [])
            try:
                rows.append(build_document(page, feed if kind == "article" else None))
            except Exception as exc:  # one unparseable page must not stop the others
                failures += 1
                context.log.warning(f"could not extract {url}: {type(exc).__name__}: {exc}")
            progress("documents", i, len(pages), failures)
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
    """Authors and people named in each document's main text (spaCy NER), with the
    sentence as evidence. Documents whose content is unchanged are not sent to NER again."""
    with warehouse_db.connect() as con:
        docs = (
            con.sql(
                """
            SELECT d.doc_id, d.text, d.byline, d.byline_origin, d.content_hash
            FROM documents d LEFT JOIN mention_extractions x USING (doc_id)
            WHERE x.doc_id IS NULL OR x.content_hash <> d.content_hash OR x.model <> $model
            ORDER BY d.doc_id""",
                params={"model": ner.model},
            )
            .to_arrow_table()
            .to_pylist()
        )
        context.log.info(f"{len(docs)} documents to extract people from with {ner.model}")
        total_mentions = 0
        if docs:
            finder = ner.finder()
            progress = log_progress(context)
            for start in range(0, len(docs), MENTION_BATCH):
                chunk = docs[start : start + MENTION_BATCH]
                rows = extract_mentions(chunk, finder)
                total_mentions += len(rows)
                per_doc = Counter(r["doc_id"] for r in rows)
                done = [
                    {
                        "doc_id": d["doc_id"],
                        "content_hash": d["content_hash"],
                        "mentions": per_doc[d["doc_id"]],
                        "model": ner.model,
                        "extracted_at": now_utc(),
                    }
                    for d in chunk
                ]
                # Each batch is its own transaction: an interrupted run keeps finished work.
                con.execute("BEGIN")
                warehouse.replace_where(
                    con, "mentions", "doc_id", arrow(rows), [d["doc_id"] for d in chunk]
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
                model=dg.MetadataValue.text(ner.model),
            )
        )
