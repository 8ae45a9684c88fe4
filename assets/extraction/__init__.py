"""Extraction group: readable documents from stored pages, and the people named in them."""


import dagster as dg

from assets.common import (
    WRITER_POOL,
    arrow,
    count_rows,
    log_progress,
    markdown_table,
    table_metadata,
)
from assets.crawl import articles, author_pages
from assets.resources import LakeResource, NerModelResource, WarehouseResource
from innercircle import warehouse
from innercircle.extract.people import models_signature
from innercircle.stages.extraction import (
    FeedContext,
    RawPage,
    build_document,
    build_entry_document,
    entry_content_hash,
    page_is_html,
)
from innercircle.stages.kinds import document_industries_sql, pages_to_build_sql
from innercircle.stages.links import pop_link_rows
from innercircle.stages.ner_shards import NerShard, plan_shards, run_shard, store_shards

GROUP = "extraction"
#: Pages parsed between two writes: raw bodies are never all held at once.
PAGE_BATCH = 128
NO_MODEL_SQL = "SELECT count(*) FROM mention_extractions WHERE NOT ner"


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


def _write_documents(con, rows: list[dict]) -> int:
    """Documents and their ``document_links``, replacing earlier versions (inside the
    caller's transaction)."""
    links = pop_link_rows(rows)  # document_links, rewritten with their documents
    warehouse.insert(con, "documents", arrow(rows), replace=True)
    warehouse.replace_where(
        con, "document_links", "doc_id", arrow(links), [r["doc_id"] for r in rows]
    )
    return len(rows)


@dg.asset(group_name=GROUP, pool=WRITER_POOL, deps=[articles, author_pages], kinds={"duckdb"})
def documents(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource
) -> dg.MaterializeResult:
    """Main text, title, date and byline of every stored page, and of every feed entry
    whose page could not be had (kind ``feed_entry``: the entry's text and authors), until
    the page is fetched and replaces it. Only what changed since the last extraction is
    built again."""
    with warehouse_db.connect() as con:
        pages_sql = pages_to_build_sql()  # over every source kind whose pages are documents
        total = count_rows(con, pages_sql)
        entry_rows, with_page = _entry_documents(con)
        progress = log_progress(context)
        built, failures = 0, 0
        # Pages stream from a second cursor PAGE_BATCH at a time while this one writes:
        # raw bodies are never all held at once. The whole step is one transaction.
        reader = con.cursor()
        con.execute("BEGIN")
        try:
            pages = reader.execute(pages_sql)
            while batch := pages.fetchmany(PAGE_BATCH):
                rows = []
                for url, kind, body, digest, fetched_at, published, title, raw, feed_authors in (
                    batch
                ):
                    if kind == "article" and url not in with_page and url in entry_rows.known:
                        continue  # not an HTML page: its feed entry is the document
                    page = RawPage(url, kind, body, digest, fetched_at)
                    feed = FeedContext(published, title or "", raw or [], feed_authors or [])
                    try:
                        rows.append(build_document(page, feed))
                    except Exception as exc:  # one unparseable page must not stop the others
                        failures += 1
                        context.log.warning(f"could not extract {url}: {type(exc).__name__}: {exc}")
                del batch
                built += _write_documents(con, rows)
                progress("documents", built + failures, total, failures)
            built += _write_documents(con, entry_rows.rows)
        except Exception:
            con.execute("ROLLBACK")
            raise
        finally:
            reader.close()
        con.execute("DELETE FROM document_industries")
        con.execute(f"INSERT INTO document_industries {document_industries_sql()}")
        con.execute("COMMIT")
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "documents",
                extracted_this_run=dg.MetadataValue.int(built),
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


@dg.op(pool=WRITER_POOL, out=dg.DynamicOut(), ins={"after": dg.In(dg.Nothing)})
def plan_mentions(
    context: dg.OpExecutionContext,
    warehouse_db: WarehouseResource,
    ner: NerModelResource,
    lake_store: LakeResource,
):
    """The documents NER has not read in this version: their capped texts go into the
    lake, one Parquet file per shard (``INNERCIRCLE_NER_SHARDS``)."""
    signature = models_signature(ner.language_models())  # every language's model
    with warehouse_db.connect() as con:
        shards = plan_shards(con, signature, ner.shards, lake_store.location, ner.max_chars)
    docs = sum(s.documents for s in shards)
    context.log.info(
        f"{docs} documents to extract people from with {signature}, in {len(shards)} "
        f"shard(s); {sum(s.cut for s in shards)} cut at {ner.max_chars} characters"
    )
    for shard in shards:
        yield dg.DynamicOutput(shard, mapping_key=f"shard_{shard.shard}")


@dg.op(tags={"kind": "spacy"})
def find_people(context: dg.OpExecutionContext, ner: NerModelResource, shard: NerShard):
    """NER over one shard, on this machine's cores; reads and writes only the lake."""
    if not shard.documents:
        return run_shard(shard, _NoDocuments())
    progress = log_progress(context)
    if shard.shards > 1:
        tag = f" [shard {shard.shard + 1}/{shard.shards}]"
        progress = _tagged(progress, tag)
    with ner.pooled_finder(shard.shards) as finder:
        context.log.info(f"NER on {finder.processes} process(es)")
        return run_shard(shard, finder, progress)


class _NoDocuments:
    def analyse(self, texts, languages=None):
        raise AssertionError("an empty shard has no texts to read")


def _tagged(progress, tag: str):
    return lambda stage, done, total, errors: progress(stage + tag, done, total, errors)


@dg.op(pool=WRITER_POOL)
def store_mentions(
    warehouse_db: WarehouseResource, ner: NerModelResource, shards: list
) -> dg.Output:
    with warehouse_db.connect() as con:
        totals = store_shards(con, shards)
        metadata = table_metadata(
            con,
            "mentions",
            documents_extracted=dg.MetadataValue.int(totals.get("documents", 0)),
            new_mentions=dg.MetadataValue.int(totals.get("mentions", 0)),
            texts_cut_at_max_chars=dg.MetadataValue.int(totals.get("cut", 0)),
            ner_max_chars=dg.MetadataValue.int(ner.max_chars),
            shards=dg.MetadataValue.int(len(shards)),
            model=dg.MetadataValue.text(models_signature(ner.language_models())),
            documents_without_ner_model=dg.MetadataValue.int(
                con.execute(NO_MODEL_SQL).fetchone()[0]
            ),
        )
    return dg.Output(None, metadata=metadata)


@dg.graph_asset(
    group_name=GROUP,
    kinds={"duckdb", "spacy", "parquet"},
    ins={"documents": dg.AssetIn(dagster_type=dg.Nothing)},
)
def mentions(documents):
    """Authors and people named in each document's main text (spaCy NER, only with a model
    for the document's language), with the sentence as evidence, and how the model labelled
    every name-like entity (``entity_labels``). Documents whose content and models are
    unchanged are not sent to NER again.
    NER runs in shards (``INNERCIRCLE_NER_SHARDS``) that exchange Parquet files through
    the lake, each on every core it is given (``INNERCIRCLE_NER_PROCESSES``)."""
    return store_mentions(plan_mentions(documents).map(find_people).collect())
