"""People-finding in shards: plan → N NER shards → store, exchanging Parquet in the lake.

* :func:`plan_shards` (opens DuckDB) streams the documents that need NER out of the
  warehouse in record batches, caps each text at ``max_chars``, and writes each shard's
  documents into its own Parquet file; it never holds the corpus in memory.
* :func:`run_shard` (no DuckDB: any process on any machine with the lake) reads its file
  a batch at a time, finds the people, and writes the mentions and the extraction
  records of the shard as two Parquet files, replacing those of an earlier attempt.
* :func:`store_shards` (opens DuckDB) writes every shard's rows in one transaction, a
  batch at a time, replacing each document's earlier mentions: a shard re-run after a
  crash, or a whole run repeated, neither loses nor duplicates a row.

A document's shard is a hash of its id, so the split is the same on every machine.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from innercircle import lake, warehouse
from innercircle.extract.ner_pool import cap_text
from innercircle.stages import Progress, no_progress
from innercircle.stages.crawl import now_utc
from innercircle.stages.extraction import extract_people

#: Documents per batch through parsing, Parquet and NER: memory is bounded by this
#: times the longest capped text, whatever the corpus size.
BATCH = 256

DOCS_TO_EXTRACT_SQL = """
SELECT d.doc_id, d.text, d.byline, d.byline_origin, d.content_hash, d.language
FROM documents d LEFT JOIN mention_extractions x USING (doc_id)
WHERE x.doc_id IS NULL OR x.content_hash <> d.content_hash OR x.model <> $model
ORDER BY d.doc_id
"""

INPUT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("text", pa.string()),
        ("byline", pa.list_(pa.string())),
        ("byline_origin", pa.string()),
        ("content_hash", pa.string()),
        ("language", pa.string()),
    ]
)


@dataclass
class NerShard:
    """One shard's files in the lake: plain, picklable data (it crosses processes)."""

    shard: int
    shards: int
    model: str
    input: str  # Parquet: the shard's documents, texts already capped
    mentions: str  # Parquet written by the shard: its mentions rows
    extractions: str  # Parquet written by the shard: its mention_extractions rows
    labels: str = ""  # Parquet written by the shard: its entity_labels rows
    documents: int = 0
    cut: int = 0  # documents whose text was cut at max_chars
    mention_schema: bytes = b""
    extraction_schema: bytes = b""
    label_schema: bytes = b""
    tally: dict = field(default_factory=dict)


def shard_of_doc(doc_id: str, shards: int) -> int:
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16) % shards


def plan_shards(
    con: duckdb.DuckDBPyConnection,
    model: str,
    shards: int,
    location: str,
    max_chars: int,
) -> list[NerShard]:
    """Write the documents needing NER into ``shards`` Parquet files under the lake.

    Empty shards are dropped (at least one is kept, so the graph always has a step).
    """
    root = lake.path(location, "mentions")
    lake.clear(root)  # a re-run replaces every file of the previous one
    plans = [
        NerShard(
            shard=i,
            shards=shards,
            model=model,
            input=str(root / "input" / f"shard-{i}.parquet"),
            mentions=str(root / "mentions" / f"shard-{i}.parquet"),
            extractions=str(root / "extractions" / f"shard-{i}.parquet"),
            labels=str(root / "entity_labels" / f"shard-{i}.parquet"),
            mention_schema=lake.schema_bytes(warehouse.arrow_schema(con, "mentions")),
            extraction_schema=lake.schema_bytes(
                warehouse.arrow_schema(con, "mention_extractions")
            ),
            label_schema=lake.schema_bytes(warehouse.arrow_schema(con, "entity_labels")),
        )
        for i in range(shards)
    ]
    sinks = [lake.ParquetSink(lake.path(p.input), INPUT_SCHEMA) for p in plans]
    try:
        reader = con.sql(DOCS_TO_EXTRACT_SQL, params={"model": model}).to_arrow_reader(BATCH)
        for batch in reader:
            buckets: list[list[dict]] = [[] for _ in plans]
            for doc in batch.to_pylist():
                doc["text"], was_cut = cap_text(doc["text"], max_chars)
                i = shard_of_doc(doc["doc_id"], shards)
                plans[i].documents += 1
                plans[i].cut += was_cut
                buckets[i].append(doc)
            for sink, rows in zip(sinks, buckets, strict=True):
                sink.write_rows(rows)
    finally:
        for sink in sinks:
            sink.close()
    kept = [p for p in plans if p.documents] or plans[:1]
    for i, p in enumerate(kept):
        p.shard, p.shards = i, len(kept)
    return kept


def read_ahead(finder, documents: list[dict], max_chars: int) -> None:
    """Send new ``documents`` rows to ``finder``'s workers (a
    :class:`~innercircle.extract.ner_pool.PooledPersonFinder`) as :func:`plan_shards` will
    hand them to NER, capped, in their language: NER of a step in the same process takes
    the results instead of reading them again, so NER overlaps the step building them."""
    finder.read_ahead(
        [cap_text(d["text"], max_chars)[0] for d in documents],
        [d.get("language") for d in documents],
    )


def best_effort(
    send: Callable[[list[dict]], None],
    warn: Callable[[str], None],
    stop: Callable[[], None],
) -> Callable[[list[dict]], None]:
    """``send`` (a read ahead, a speed-up) made harmless to the step that calls it: the
    first error is reported through ``warn``, ``stop`` is called (the workers started
    early are let go) and later batches are not sent. The step's own work, in its own
    transaction, never fails for it; the NER step then reads the texts itself, and a real
    fault (a model that will not load) fails that step, where it belongs."""
    failed = False

    def guarded(rows: list[dict]) -> None:
        nonlocal failed
        if failed:
            return
        try:
            send(rows)
        except Exception as exc:  # noqa: BLE001 - see the docstring
            failed = True
            warn(f"NER read ahead stopped ({type(exc).__name__}: {exc}); "
                 "the mentions step will read these texts itself")
            stop()

    return guarded


def run_shard(shard: NerShard, finder, progress: Progress = no_progress) -> NerShard:
    """Find the people in one shard's documents; write its rows into the lake.

    ``finder`` has ``analyse(texts, languages)`` (a PersonFinder or a PooledPersonFinder);
    each text is read by the model of its language, none where there is no such model.
    """
    mention_schema = lake.schema_from(shard.mention_schema)
    extraction_schema = lake.schema_from(shard.extraction_schema)
    label_schema = lake.schema_from(shard.label_schema)
    done_docs = 0
    with (
        lake.ParquetSink(lake.path(shard.mentions), mention_schema) as mentions,
        lake.ParquetSink(lake.path(shard.extractions), extraction_schema) as extractions,
        lake.ParquetSink(lake.path(shard.labels), label_schema) as labels,
    ):
        progress("mentions", 0, shard.documents, 0)
        for batch in lake.read_batches(lake.path(shard.input), BATCH):
            docs = batch.to_pylist()
            found = extract_people(docs, finder, batch=BATCH)
            rows = found.mentions
            per_doc = Counter(r["doc_id"] for r in rows)
            mentions.write_rows(rows)
            labels.write_rows(found.entity_labels)
            extractions.write_rows(
                [
                    {
                        "doc_id": d["doc_id"],
                        "content_hash": d["content_hash"],
                        "mentions": per_doc[d["doc_id"]],
                        "model": shard.model,
                        "language": found.read_as[d["doc_id"]][0],
                        "ner": found.read_as[d["doc_id"]][1],
                        "extracted_at": now_utc(),
                    }
                    for d in docs
                ]
            )
            done_docs += len(docs)
            progress("mentions", done_docs, shard.documents, 0)
        shard.tally = {"documents": done_docs, "mentions": mentions.rows}
    return shard


#: Rows per insert when a shard's files are stored.
STORE_BATCH = 8192


def store_shards(con: duckdb.DuckDBPyConnection, shards: list[NerShard]) -> dict:
    """Every shard's rows into the warehouse in one transaction (idempotent)."""
    totals = Counter()
    with warehouse.transaction(con):
        for shard in shards:
            # Every file streams in a batch at a time. The extraction records go first (read
            # once): they name the shard's documents, whose earlier mentions and labels are
            # deleted before the new ones go in.
            doc_ids: list = []
            for rows in _batches(shard.extractions):
                doc_ids += rows.column("doc_id").to_pylist()
                warehouse.insert(con, "mention_extractions", rows, replace=True)
                totals["documents"] += rows.num_rows
            for table, source in (("mentions", shard.mentions), ("entity_labels", shard.labels)):
                warehouse.delete_where(con, table, "doc_id", doc_ids)
                for rows in _batches(source):
                    warehouse.insert(con, table, rows)
                    totals[table] += rows.num_rows
            totals["cut"] += shard.cut
    return dict(totals)


def _batches(source: str) -> Iterator[pa.Table]:
    for batch in lake.read_batches(lake.path(source), STORE_BATCH):
        yield pa.Table.from_batches([batch])


def documents_without_ner_model(con: duckdb.DuckDBPyConnection) -> int:
    """Documents whose language had no NER model: their bylines count, no text was read
    for people (``mention_extractions.ner`` false)."""
    return con.execute("SELECT count(*) FROM mention_extractions WHERE NOT ner").fetchone()[0]
