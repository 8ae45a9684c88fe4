"""A crawl step in three parts that hand each other Parquet files in the lake.

* :func:`plan_crawl` (opens DuckDB) asks a kind what to fetch tonight and spreads it
  over shards of hosts (a host is always in one shard, so politeness holds).
* :func:`fetch_shard` (no DuckDB: any process on any machine with the lake) fetches one
  shard; every row, raw bodies included, is streamed into the shard's Parquet files a
  small batch at a time, so a shard never holds all its bodies. A re-run of a shard
  replaces its files.
* :func:`store_crawl` (opens DuckDB) writes every shard's rows in one transaction: the
  kind's own tables, then the crawl's records (``crawl_log``, ``http_cache``,
  ``raw_pages``, ``host_health``, ``feed_health``), raw bodies a batch at a time.

Only small handles (:class:`ShardFiles`) travel through Dagster's IO manager.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from innercircle import lake, warehouse
from innercircle.fetch import Fetcher
from innercircle.stages import Progress, early_parse, no_progress
from innercircle.stages.crawl import CacheEntry, CrawlOutput, now_utc, shard_of
from innercircle.stages.early_parse import PARSED, EarlyParser, reads_early
from innercircle.stages.health import hosts_in_backoff, next_feed_health, next_host_health
from innercircle.stages.kinds import (
    FetchContext,
    PlanContext,
    SourceKind,
    StoreContext,
    Stored,
    ensure_tables,
)

#: The crawl's own records, written by every crawl step (its shards hand these over).
RECORD_TABLES = ("crawl_log", "http_cache", "raw_pages")
#: Every table :func:`store_crawl` writes whatever the kind: the records above and the
#: health the store derives from the crawl log.
STEP_RECORDS = (*RECORD_TABLES, "host_health", "feed_health")
#: Rows buffered per table before they go to Parquet. Raw bodies (gzip) are flushed
#: sooner, at this many rows or bytes, whichever comes first: a shard holds at most one
#: such batch of compressed bodies, and each is one row group the store reads alone.
BATCH_ROWS = 512
BODY_BATCH_ROWS = 32
BODY_BATCH_BYTES = 4 * 2**20


@dataclass
class ShardFiles:
    """One shard of a crawl step: what to fetch and, once fetched, where its rows are.
    Plain, picklable data (it crosses processes and machines)."""

    kind: str
    shard: int
    shards: int
    folder: str  # the shard's folder in the lake: one Parquet file per table
    items: list
    state: dict
    schemas: dict[str, bytes]  # table -> Arrow schema (the warehouse's columns)
    note: dict = field(default_factory=dict)  # the plan's note (shard 0 only)
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written
    feed_outcomes: dict[str, str] = field(default_factory=dict)
    parse_early: bool = True  # read the pages while fetching them (early_parse)
    parsed: dict[str, int] = field(default_factory=dict)  # pages read early (early_parse)

    def path(self, table: str):
        return lake.path(self.folder, f"{table}.parquet")


# --------------------------------------------------------------------------------- plan


def load_cache(con: duckdb.DuckDBPyConnection, urls: Sequence[str] | None = None) -> dict:
    """Conditional-GET validators and permanent redirects of every URL fetched before, or
    of ``urls`` only: the plan's state goes to every shard, so it carries what they will
    ask for, not every URL ever fetched."""
    sql = "SELECT url, etag, last_modified, redirect_to FROM http_cache"
    if urls is None:
        rows = con.execute(sql).fetchall()
    else:
        con.register("_planned", pa.table({"url": pa.array(list(urls), pa.string())}))
        try:
            rows = con.execute(f"{sql} WHERE url IN (SELECT url FROM _planned)").fetchall()
        finally:
            con.unregister("_planned")
    return {url: CacheEntry(etag, lm, redirect) for url, etag, lm, redirect in rows}


def backoff(con: duckdb.DuckDBPyConnection) -> dict:
    """Hosts to leave alone this run, after failing on earlier runs."""
    rows = con.sql("SELECT host, next_attempt_at FROM host_health").to_arrow_table().to_pylist()
    return hosts_in_backoff(rows, now_utc())


def url_of(item) -> str:
    return item if isinstance(item, str) else item.url


def plan_crawl(
    con: duckdb.DuckDBPyConnection,
    kind: SourceKind,
    ctx: PlanContext,
    shards: int,
    location: str,
    parse_early: bool = True,
) -> tuple[list[ShardFiles], str]:
    """The kind's plan, split into at most ``shards`` non-empty shards (at least one is
    kept, so the graph always has a step), and its log line. Clears the kind's folder in
    the lake: a re-run replaces every file of the previous one."""
    ensure_tables(con)
    plan = kind.plan(con, ctx)
    root = lake.path(location, "crawl", kind.name)
    lake.clear(root)
    schemas = {
        t: lake.schema_bytes(warehouse.arrow_schema(con, t)) for t in (*RECORD_TABLES, *kind.tables)
    }
    buckets: list[list] = [[] for _ in range(max(shards, 1))]
    for item in plan.items:
        buckets[shard_of(url_of(item), shards)].append(item)
    kept = [b for b in buckets if b] or [[]]
    return [
        ShardFiles(
            kind=kind.name,
            shard=i,
            shards=len(kept),
            folder=str(root / f"shard-{i}"),
            items=bucket,
            state=plan.state,
            schemas=schemas,
            note=plan.note if i == 0 else {},
            parse_early=parse_early,
        )
        for i, bucket in enumerate(kept)
    ], plan.log


# -------------------------------------------------------------------------------- fetch


class ShardWriter(CrawlOutput):
    """A :class:`CrawlOutput` that streams its rows into the shard's Parquet files
    instead of keeping them: ``add`` and ``record`` buffer a batch, then write it."""

    def __init__(self, files: ShardFiles) -> None:
        super().__init__()
        self.files = files
        self._schemas = {t: lake.schema_from(b) for t, b in files.schemas.items()}
        self._sinks: dict[str, lake.ParquetSink] = {}
        self._pending: dict[str, list[dict]] = {}
        self.parser: EarlyParser | None = None  # reads each stored page early, if set
        self.added = 0  # rows of the kind's own tables so far
        self.on_added: Callable[[int], None] | None = None  # told each count
        lake.clear(lake.path(files.folder))  # a shard run again replaces its files

    def add(self, table: str, row: dict) -> None:
        self.added += 1
        if self.on_added is not None:
            self.on_added(self.added)
        self._pending.setdefault(table, []).append(row)
        if len(self._pending[table]) >= BATCH_ROWS:
            self._flush(table)

    def record(self, run_id, stage, request_url, result) -> None:
        super().record(run_id, stage, request_url, result)
        if self.parser is not None:
            for row in self.raw_pages:
                self.parser.submit(row["url"], row["content_hash"], row["body_gzip"])
        for table in RECORD_TABLES:
            rows = getattr(self, table)
            if rows:
                self._pending.setdefault(table, []).extend(rows)
                rows.clear()
        bodies = self._pending.get("raw_pages", ())
        if len(bodies) >= BODY_BATCH_ROWS or (
            bodies and sum(len(r["body_gzip"]) for r in bodies) >= BODY_BATCH_BYTES
        ):
            self._flush("raw_pages")
        for table in ("crawl_log", "http_cache"):
            if len(self._pending.get(table, ())) >= BATCH_ROWS:
                self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self._pending.pop(table, [])
        if not rows:
            return
        if table not in self._sinks:
            self._sinks[table] = lake.ParquetSink(self.files.path(table), self._schemas[table])
        self._sinks[table].write_rows(rows)

    def close(self) -> ShardFiles:
        for table in list(self._pending):
            self._flush(table)
        for table, sink in self._sinks.items():
            sink.close()
            self.files.rows[table] = sink.rows
        self.files.feed_outcomes = dict(self.feed_outcomes)
        return self.files


def fetch_shard(
    kind: SourceKind,
    files: ShardFiles,
    fetcher: Fetcher,
    run_id: str,
    progress: Progress = no_progress,
    start_workers: Callable[[], None] | None = None,
) -> ShardFiles:
    """Fetch one shard with the kind's fetch; its rows end up in the lake. With
    ``files.parse_early`` (and a kind whose pages are documents), each stored page is also
    read as the documents step would, by a worker process, while the fetch goes on
    (see :mod:`innercircle.stages.early_parse`); ``files.parsed`` says how many.

    ``start_workers`` (a run whose steps share this process) is called once a kind that
    announces pages has announced enough to be worth reading early
    (:data:`~innercircle.stages.early_parse.MIN_PAGES` rows of its tables, e.g. feed
    entries): the page reader (and the mentions step's NER workers) then start while
    this fetch still waits on the network."""
    out = ShardWriter(files)
    if start_workers is not None and kind.announces and files.parse_early:
        out.on_added = lambda added: (
            start_workers() if added == early_parse.MIN_PAGES else None
        )
    if files.parse_early and reads_early(kind, len(files.items)):
        out.parser = EarlyParser(kind, files.path(PARSED), run_id)
    try:
        kind.fetch(files.items, fetcher, out, FetchContext(run_id, files.state, progress))
    finally:
        if out.parser is not None:
            files.parsed = out.parser.close()
    return out.close()


# -------------------------------------------------------------------------------- store


def read_rows(shards: list[ShardFiles], table: str) -> list[dict]:
    """Every shard's rows of a (small) table, in shard order."""
    rows: list[dict] = []
    for shard in shards:
        if shard.rows.get(table):
            rows += lake.read_table(shard.path(table)).to_pylist()
    return rows


def _last_by_url(rows: list[dict]) -> list[dict]:
    return list({r["url"]: r for r in rows}.values())


def _store_raw_pages(con: duckdb.DuckDBPyConnection, shards: list[ShardFiles]) -> int:
    """Raw bodies into the warehouse a batch at a time; a URL recorded twice in a shard
    keeps its last body (the URLs are read first, without the bodies)."""
    written = 0
    for shard in shards:
        if not shard.rows.get("raw_pages"):
            continue
        path = shard.path("raw_pages")
        with path.open("rb") as fh:  # the URLs only, not the bodies
            urls = pq.read_table(fh, columns=["url"]).column("url").to_pylist()
        last = {url: i for i, url in enumerate(urls)}
        offset = 0
        with path.open("rb") as fh:
            stored = pq.ParquetFile(fh)
            for group in range(stored.num_row_groups):  # one batch of bodies at a time
                batch = stored.read_row_group(group)
                urls = batch.column("url").to_pylist()
                keep = [last[u] == offset + i for i, u in enumerate(urls)]
                offset += batch.num_rows
                written += warehouse.insert(con, "raw_pages", batch.filter(pa.array(keep)), True)
    return written


def _rows_by(con: duckdb.DuckDBPyConnection, query: str, key: str) -> dict[str, dict]:
    return {r[key]: r for r in con.sql(query).to_arrow_table().to_pylist()}


def written_by(kind: SourceKind) -> list[str]:
    """The tables a kind's store step writes besides the kind's own (its asset): the
    crawl's records, then the other tables the kind declares (``feed_entries`` for
    feeds). The step's lineage is read from here, so a table shows only its writers."""
    return [*STEP_RECORDS, *(t for t in kind.tables if t != kind.name)]


def store_crawl(
    con: duckdb.DuckDBPyConnection, kind: SourceKind, shards: list[ShardFiles], run_id: str
) -> tuple[Stored, CrawlOutput]:
    """Every shard's rows into the warehouse in one transaction (see the module doc).

    Returns what the kind's store reported, and the step's crawl records (its log rows
    and feed outcomes: no bodies) for the step's metadata.
    """
    note = next((s.note for s in shards if s.note), {})
    records = CrawlOutput()
    ctx = StoreContext(run_id, lambda table: read_rows(shards, table), note, records)
    with warehouse.transaction(con):
        stored = kind.store(con, ctx)
        records.crawl_log = read_rows(shards, "crawl_log") + records.crawl_log
        for shard in shards:
            records.feed_outcomes.update(shard.feed_outcomes)
        now = now_utc()
        hosts = next_host_health(
            _rows_by(con, "SELECT * FROM host_health", "host"), records.crawl_log, now
        )
        feed_health = next_feed_health(
            _rows_by(con, "SELECT * FROM feed_health", "feed_url"), records.feed_outcomes, now
        )
        warehouse.insert(con, "crawl_log", _arrow(con, "crawl_log", records.crawl_log))
        http_cache = _last_by_url(read_rows(shards, "http_cache"))
        warehouse.insert(con, "http_cache", _arrow(con, "http_cache", http_cache), replace=True)
        _store_raw_pages(con, shards)
        warehouse.insert(con, "host_health", _arrow(con, "host_health", hosts), replace=True)
        warehouse.insert(
            con, "feed_health", _arrow(con, "feed_health", feed_health), replace=True
        )
    return stored, records


def _arrow(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> pa.Table:
    return warehouse.to_arrow(rows, warehouse.arrow_schema(con, table))
