"""Extraction group: readable documents from stored pages, and the people named in them.

Each step writes several tables in one transaction, and each table is an asset of its
own (a ``multi_asset``): ``documents`` with ``document_links`` and
``document_industries``; ``mentions`` with ``entity_labels`` and ``mention_extractions``.
The check that guards mentions stands at the end.
"""


import dagster as dg

from assets.common import (
    WRITER_POOL,
    WRITER_TAGS,
    log_progress,
    markdown_table,
    references_check,
    table_metadata,
)
from assets.resources import LakeResource, NerModelResource, WarehouseResource
from assets.tables import table_result, table_spec
from innercircle.extract.ner_pool import close_early
from innercircle.extract.people import models_signature
from innercircle.stages.documents import PARSED_BATCH, build_documents, documents_summary
from innercircle.stages.early_parse import close_early as close_early_parser
from innercircle.stages.early_parse import parsed_pages
from innercircle.stages.kinds import document_sources, industry_tables
from innercircle.stages.ner_shards import (
    NerShard,
    best_effort,
    documents_without_ner_model,
    plan_shards,
    read_ahead,
    run_shard,
    store_shards,
)

GROUP = "extraction"

DOCUMENT_SPECS = [
    table_spec(
        "documents",
        # The kinds whose pages or entries are documents, and the crawl's tables they
        # come from (feed_entries also dates and credits articles whose page is silent).
        deps=[*document_sources(), "raw_pages", "feed_entries"],
        group=GROUP,
        note="Main text, title, date, language and byline of each. Only what changed since "
        "the last extraction is built again.",
    ),
    table_spec(
        "document_links",
        deps=["documents"],
        group=GROUP,
    ),
    table_spec(
        "document_industries",
        deps=["documents", "sources", *industry_tables()],
        group=GROUP,
        note="Rebuilt with the documents, in their transaction.",
    ),
]


@dg.multi_asset(name="documents", specs=DOCUMENT_SPECS, pool=WRITER_POOL, op_tags=WRITER_TAGS)
def documents(
    context: dg.AssetExecutionContext,
    warehouse_db: WarehouseResource,
    ner: NerModelResource,
    lake_store: LakeResource,
):
    """Build documents from stored pages and feed entries, with their links and industries,
    in one transaction (every source kind's, see ``innercircle.stages.documents``). Pages
    this run's crawl read already (``innercircle.stages.early_parse``) are not parsed
    again. When pages changed and every step runs in this process, the NER workers of the
    mentions step start now and read each batch as it is written: NER overlaps the
    parsing."""
    start_ner = ner.starts_early_in(context.job_def)

    def ahead(pages: int):
        if not (pages and start_ner):
            return None
        finder = ner.start_early()  # None: one process, nothing to start early
        if finder is None:
            return None
        return best_effort(
            lambda rows: read_ahead(finder, rows, ner.max_chars), context.log.warning, close_early
        )

    close_early_parser()  # the crawl's worker: every page it read is in the lake
    with warehouse_db.connect() as con:
        parsed = parsed_pages(lake_store.location, context.run_id, PARSED_BATCH)
        done = build_documents(
            con, log_progress(context), context.log.warning, read_ahead=ahead, parsed=parsed
        )
        summary = documents_summary(con)
        yield table_result(
            con,
            "documents",
            extracted_this_run=dg.MetadataValue.int(done.built),
            **{
                f"{kind}_documents_this_run": dg.MetadataValue.int(n)
                for kind, n in done.extra_by_kind.items()
            },
            by_kind=dg.MetadataValue.md(markdown_table(["kind", "documents"], summary.by_kind)),
            extraction_failures=dg.MetadataValue.int(done.failures),
            read_during_crawl=dg.MetadataValue.int(done.read_early),
            documents_with_byline=dg.MetadataValue.int(summary.with_byline),
        )
        yield table_result(con, "document_links")
        yield table_result(
            con,
            "document_industries",
            industries=dg.MetadataValue.int(summary.industries),
        )



@dg.op(pool=WRITER_POOL, tags=WRITER_TAGS, out=dg.DynamicOut(), ins={"after": dg.In(dg.Nothing)})
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
    if not docs:
        close_early()  # workers the crawl started, with nothing new for them to read
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
        note="Names in the text are found by spaCy NER (only with a model for the "
        "document's language), with the sentence as evidence. Documents whose "
        "content and models are unchanged are not sent to NER again. NER runs in shards "
        "(INNERCIRCLE_NER_SHARDS) that exchange Parquet files through the lake, each on "
        "every core it is given (INNERCIRCLE_NER_PROCESSES).",
    ),
    "entity_labels": table_spec(
        "entity_labels",
        group=GROUP,
        kinds=("duckdb", "spacy"),
    ),
    "mention_extractions": table_spec(
        "mention_extractions",
        group=GROUP,
        kinds=("duckdb", "spacy"),
        note="Written with the mentions, in the same transaction.",
    ),
}


@dg.op(pool=WRITER_POOL, tags=WRITER_TAGS, out={name: dg.Out() for name in MENTION_SPECS})
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
                documents_without_ner_model=dg.MetadataValue.int(
                    documents_without_ner_model(con)
                ),
            ),
        )
        yield dg.Output(None, "entity_labels", metadata=table_metadata(con, "entity_labels"))
        yield dg.Output(
            None, "mention_extractions", metadata=table_metadata(con, "mention_extractions")
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
