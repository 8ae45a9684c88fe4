"""Extraction group: readable documents from stored pages, and the people named in them.

Each step writes several tables in one transaction, and each table is an asset of its
own (a ``multi_asset``): ``documents`` with ``document_links`` and
``document_industries``; ``mentions`` with ``entity_labels`` and ``mention_extractions``.
The check that guards mentions stands at the end.
"""


import dagster as dg

from assets.common import (
    WRITER_POOL,
    arrow,
    count_rows,
    log_progress,
    markdown_table,
    references_check,
    table_metadata,
)
from assets.crawl import articles, author_pages
from assets.resources import LakeResource, NerModelResource, WarehouseResource
from assets.tables import table_result, table_spec
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
from innercircle.stages.ner_shards import (
    NerShard,
    plan_shards,
    read_ahead,
    run_shard,
    store_shards,
)

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
    """Which feed entries carry text, which of them have an HTML page stored (those are
    built from the page instead), and how many feed-entry documents were written."""

    def __init__(self) -> None:
        self.written = 0
        self.known: set[str] = set()
        self.with_page: set[str] = set()


def _entry_documents(reader, con) -> _EntryDocuments:
    """Write the documents of feed entries whose page is not stored or is not HTML,
    PAGE_BATCH at a time as they stream from ``reader`` (inside ``con``'s transaction):
    neither the entries' texts nor their documents are ever all held at once."""
    out = _EntryDocuments()
    entries = reader.execute(ENTRIES_TO_BUILD_SQL)
    while batch := entries.fetchmany(PAGE_BATCH):
        rows = []
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
        ) in batch:
            out.known.add(url)
            html_type = body_to_sniff is None
            if has_page and (html_type or page_is_html(content_type, body_to_sniff)):
                out.with_page.add(url)
                continue
            feed = FeedContext(published, title or "", raw_authors or [], feed_authors or [])
            if document_hash != entry_content_hash(text, feed):
                rows.append(build_entry_document(url, text, feed, first_seen))
        del batch
        out.written += _write_documents(con, rows)
    return out


def _write_documents(con, rows: list[dict]) -> int:
    """Documents and their ``document_links``, replacing earlier versions (inside the
    caller's transaction)."""
    links = pop_link_rows(rows)  # document_links, rewritten with their documents
    warehouse.insert(con, "documents", arrow(rows), replace=True)
    warehouse.replace_where(
        con, "document_links", "doc_id", arrow(links), [r["doc_id"] for r in rows]
    )
    return len(rows)


DOCUMENT_SPECS = [
    table_spec(
        "documents",
        # raw_pages and feed_entries are the crawl's tables the pages and entries come from.
        deps=[articles, author_pages, "raw_pages", "feed_entries"],
        group=GROUP,
        note="Main text, title, date, language and byline of every stored page, and of every "
        "feed entry whose page could not be had, until the page replaces it. Only what "
        "changed since the last extraction is built again.",
    ),
    table_spec(
        "document_links",
        deps=["documents"],
        group=GROUP,
        note="Written with its document, in the same transaction.",
    ),
    table_spec(
        "document_industries",
        deps=["documents", "sources", "feeds", "feed_entries", "author_pages"],
        group=GROUP,
        note="Rebuilt from the sources that led to each document, with the documents.",
    ),
]


@dg.multi_asset(name="documents", specs=DOCUMENT_SPECS, pool=WRITER_POOL)
def documents(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, ner: NerModelResource
):
    """Build documents from stored pages and feed entries, with their links and industries,
    in one transaction. When pages changed and every step runs in this process, the NER
    workers of the mentions step start now: their model load overlaps the parsing."""
    with warehouse_db.connect() as con:
        pages_sql = pages_to_build_sql()  # over every source kind whose pages are documents
        total = count_rows(con, pages_sql)
        ahead = None
        if total and _mentions_follow_in_this_process(context) and ner.shards <= 1:
            ahead = ner.start_early()
        progress = log_progress(context)
        built, failures = 0, 0
        # Entries, then pages, stream from a second cursor PAGE_BATCH at a time while this
        # one writes: raw bodies and texts are never all held at once. The whole step is
        # one transaction.
        reader = con.cursor()
        con.execute("BEGIN")
        try:
            entry_rows = _entry_documents(reader, con)
            with_page = entry_rows.with_page
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
                if ahead is not None:  # NER reads them while the next pages are parsed
                    read_ahead(ahead, rows, ner.max_chars)
                progress("documents", built + failures, total, failures)
            built += entry_rows.written
            con.execute("DELETE FROM document_industries")
            con.execute(f"INSERT INTO document_industries {document_industries_sql()}")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        finally:
            reader.close()
        yield table_result(
            con,
            "documents",
            extracted_this_run=dg.MetadataValue.int(built),
            feed_entry_documents_this_run=dg.MetadataValue.int(entry_rows.written),
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
                con.execute("SELECT count(*) FROM documents WHERE len(byline) > 0").fetchone()[0]
            ),
        )
        yield table_result(con, "document_links")
        yield table_result(
            con,
            "document_industries",
            industries=dg.MetadataValue.int(
                con.execute(
                    "SELECT count(DISTINCT industry) FROM document_industries"
                ).fetchone()[0]
            ),
        )


#: Executors that run every step of a run in the run's own process: the nightly job's, and
#: the one ``execute_in_process`` puts in its place.
IN_PROCESS_EXECUTORS = frozenset(["in_process", "execute_in_process_executor"])


def _mentions_follow_in_this_process(context: dg.AssetExecutionContext) -> bool:
    """Whether the mentions step is in this run and will run in this step's process."""
    job = context.job_def
    return job.executor_def.name in IN_PROCESS_EXECUTORS and job.graph.has_node_named("mentions")


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
        early = " (workers started early)" if finder.early else ""
        context.log.info(f"NER on {finder.processes} process(es){early}")
        return run_shard(shard, finder, progress)


class _NoDocuments:
    def analyse(self, texts, languages=None):
        raise AssertionError("an empty shard has no texts to read")


def _tagged(progress, tag: str):
    return lambda stage, done, total, errors: progress(stage + tag, done, total, errors)


MENTION_SPECS = {
    "mentions": table_spec(
        "mentions",
        group=GROUP,
        kinds=("duckdb", "spacy"),
        note="Authors and people named in each document's main text (spaCy NER, only with a "
        "model for the document's language), with the sentence as evidence. Documents whose "
        "content and models are unchanged are not sent to NER again. NER runs in shards "
        "(INNERCIRCLE_NER_SHARDS) that exchange Parquet files through the lake, each on "
        "every core it is given (INNERCIRCLE_NER_PROCESSES).",
    ),
    "entity_labels": table_spec(
        "entity_labels",
        group=GROUP,
        kinds=("duckdb", "spacy"),
        note="Replaced with the mentions of the documents NER read again.",
    ),
    "mention_extractions": table_spec(
        "mention_extractions",
        group=GROUP,
        kinds=("duckdb", "spacy"),
        note="Written with the mentions, in the same transaction.",
    ),
}


@dg.op(pool=WRITER_POOL, out={name: dg.Out() for name in MENTION_SPECS})
def store_mentions(warehouse_db: WarehouseResource, ner: NerModelResource, shards: list):
    """Every shard's mentions, labels and extraction records, in one transaction."""
    with warehouse_db.connect() as con:
        totals = store_shards(con, shards)
        yield dg.Output(
            None,
            "mentions",
            metadata=table_metadata(
                con,
                "mentions",
                documents_extracted=dg.MetadataValue.int(totals.get("documents", 0)),
                new_mentions=dg.MetadataValue.int(totals.get("mentions", 0)),
                texts_cut_at_max_chars=dg.MetadataValue.int(totals.get("cut", 0)),
                ner_max_chars=dg.MetadataValue.int(ner.max_chars),
                shards=dg.MetadataValue.int(len(shards)),
                model=dg.MetadataValue.text(models_signature(ner.language_models())),
            ),
        )
        yield dg.Output(None, "entity_labels", metadata=table_metadata(con, "entity_labels"))
        yield dg.Output(
            None,
            "mention_extractions",
            metadata=table_metadata(
                con,
                "mention_extractions",
                documents_without_ner_model=dg.MetadataValue.int(
                    con.execute(NO_MODEL_SQL).fetchone()[0]
                ),
            ),
        )


@dg.graph_multi_asset(
    name="mentions",
    group_name=GROUP,
    outs={name: dg.AssetOut.from_spec(spec) for name, spec in MENTION_SPECS.items()},
    ins={"documents": dg.AssetIn(dagster_type=dg.Nothing)},
)
def mentions(documents):
    """Plan the documents NER has not read in this version, find people in each shard,
    store them: plan -> find_people[shard] -> store."""
    return store_mentions(plan_mentions(documents).map(find_people).collect())


mentions_reference_documents = references_check(
    "mentions",
    "mentions_reference_documents",
    "mentions",
    "doc_id",
    "documents",
    "Every mention points at an existing document.",
)

EXTRACTION_CHECKS = [mentions_reference_documents]
