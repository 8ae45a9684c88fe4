"""Crawl shards hand their rows over as Parquet in the lake: bodies are streamed (never all
held at once), a shard run again replaces its files, and the store keeps one row per URL."""

from __future__ import annotations

import gzip

import duckdb
import pyarrow.parquet as pq
import pytest

from innercircle import lake, warehouse
from innercircle.model import FetchResult
from innercircle.stages import crawl_lake
from innercircle.stages.crawl import CrawlOutput, page_state_row, stream_pages
from innercircle.stages.crawl_lake import ShardFiles, ShardWriter, store_crawl
from innercircle.stages.kinds import SourceKind, Stored


@pytest.fixture()
def con(tmp_path):
    with warehouse.connect(tmp_path / "w.duckdb") as c:
        yield c


def shard_for(con: duckdb.DuckDBPyConnection, folder, tables=("articles",)) -> ShardFiles:
    schemas = {
        t: lake.schema_bytes(con.sql(f"SELECT * FROM {t} LIMIT 0").to_arrow_table().schema)
        for t in (*crawl_lake.RECORD_TABLES, *tables)
    }
    return ShardFiles("articles", 0, 1, str(folder), [], {}, schemas)


def ok(url: str, body: bytes) -> FetchResult:
    return FetchResult(url=url, final_url=url, status=200, body=body, content_type="text/html")


class FakeFetcher:
    """Answers every request with a page; remembers the results it handed out."""

    def __init__(self) -> None:
        self.handed: list[FetchResult] = []

    def fetch_all(self, requests, on_result=None):
        results = []
        for req in requests:
            result = ok(req.url, f"<p>{req.url}</p>".encode() * 50)
            self.handed.append(result)
            on_result(req, result)
            results.append(result)
        return results


def test_bodies_go_to_parquet_in_small_row_groups_as_they_arrive(con, tmp_path, monkeypatch):
    monkeypatch.setattr(crawl_lake, "BODY_BATCH_ROWS", 8)
    monkeypatch.setattr(crawl_lake, "BATCH_ROWS", 16)  # the other tables' batches
    writer = ShardWriter(shard_for(con, tmp_path / "s0"))
    fetcher = FakeFetcher()
    seen: list[int] = []
    urls = [f"https://a.example/p/{i}" for i in range(40)]

    def on_page(url, result):
        seen.append(len(result.body))
        writer.add("articles", page_state_row(url, result, None))
        # never more than a batch of bodies (or of other rows) waits in memory
        assert len(writer._pending.get("raw_pages", [])) < 8
        assert max(map(len, writer._pending.values()), default=0) < 16

    stream_pages(urls, fetcher, writer, {}, "run", "articles", on_page)
    files = writer.close()
    assert all(seen) and len(seen) == 40
    assert all(r.body is None for r in fetcher.handed)  # recorded, then let go
    assert files.rows == {"crawl_log": 40, "raw_pages": 40, "http_cache": 40, "articles": 40}
    with files.path("raw_pages").open("rb") as fh:
        stored = pq.ParquetFile(fh)
        assert stored.metadata.num_row_groups == 5  # written 8 at a time
        first = stored.read_row_group(0).to_pylist()[0]
    for table in ("crawl_log", "http_cache", "articles"):  # 16, 16, then the last 8
        with files.path(table).open("rb") as fh:
            assert pq.ParquetFile(fh).metadata.num_row_groups == 3, table
    assert gzip.decompress(first["body_gzip"]).startswith(b"<p>https://a.example/p/0</p>")


def test_a_shard_run_again_replaces_its_files(con, tmp_path):
    for n in (5, 2):
        writer = ShardWriter(shard_for(con, tmp_path / "s0"))
        for i in range(n):
            writer.record("run", "articles", f"https://a.example/{i}", ok("u", b"x"))
        files = writer.close()
    assert files.rows["raw_pages"] == 2
    assert lake.read_table(files.path("raw_pages")).num_rows == 2
    assert lake.read_table(files.path("crawl_log")).num_rows == 2


def test_the_store_keeps_the_last_body_of_a_url_recorded_twice(con, tmp_path):
    kind = SourceKind(
        name="articles",
        description="",
        plan=None,
        fetch=None,
        store=lambda con, ctx: Stored(metadata={"rows": len(ctx.rows("articles"))}),
        tables=("articles",),
    )
    writer = ShardWriter(shard_for(con, tmp_path / "s0"))
    for body in (b"first", b"second"):
        writer.record("run", "articles", "https://a.example/x", ok("https://a.example/x", body))
    writer.record("run", "articles", "https://b.example/y", ok("https://b.example/y", b"other"))
    stored, records = store_crawl(con, kind, [writer.close()], "run")
    assert isinstance(records, CrawlOutput) and len(records.crawl_log) == 3
    bodies = dict(con.execute("SELECT url, body_gzip FROM raw_pages").fetchall())
    assert {u: gzip.decompress(b) for u, b in bodies.items()} == {
        "https://a.example/x": b"second",
        "https://b.example/y": b"other",
    }
    assert con.execute("SELECT count(*) FROM crawl_log").fetchall() == [(3,)]
    assert con.execute("SELECT count(*) FROM host_health").fetchall() == [(2,)]


def test_a_plan_carries_the_validators_of_the_urls_it_fetches_only(tmp_path):
    one, two = "http://a.example/1", "http://a.example/2"
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        con.execute(
            "INSERT INTO http_cache (url, etag, status, fetched_at) VALUES "
            "(?, 'e1', 200, now()), (?, 'e2', 200, now())",
            [one, two],
        )
        assert set(crawl_lake.load_cache(con)) == {one, two}
        planned = crawl_lake.load_cache(con, [two, "http://a.example/new"])
        assert list(planned) == [two] and planned[two].etag == "e2"
