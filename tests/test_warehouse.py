"""The warehouse: schema from warehouse/schema, idempotent writes, safe publishing."""

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from innercircle import warehouse
from innercircle.errors import InnercircleError


def test_schema_creates_every_documented_table(tmp_path: Path):
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        tables = {r[0] for r in rows}
    assert {"sources", "crawl_log", "http_cache", "raw_pages", "feeds", "feed_entries",
            "articles", "author_pages", "documents", "document_industries", "mentions",
            "mention_extractions", "people", "person_aliases", "recurring_voices",
            "voice_history", "mention_facts", "voice_evidence", "crawl_summary"} <= tables


def test_schema_is_idempotent_and_keeps_data(tmp_path: Path):
    path = tmp_path / "w.duckdb"
    rows = pa.Table.from_pylist([{"industry": "x", "kind": "feed", "url": "u", "host": "h"}])
    with warehouse.connect(path) as con:
        warehouse.insert(con, "sources", rows)
    with warehouse.connect(path) as con:
        assert warehouse.row_count(con, "sources") == 1


def test_replace_where_is_delete_then_insert(tmp_path: Path):
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        row = {"industry": "x", "kind": "feed", "url": "u", "host": "h"}
        for _ in range(3):
            warehouse.replace_where(con, "sources", "url", pa.Table.from_pylist([row]), ["u"])
        assert warehouse.row_count(con, "sources") == 1


def test_publish_replaces_the_public_file_while_a_reader_holds_the_old_one(tmp_path: Path):
    public = tmp_path / "innercircle.duckdb"
    work = warehouse.working_path(public)
    assert warehouse.published_path(work) == public
    row = {"industry": "x", "kind": "feed", "url": "u1", "host": "h"}
    with warehouse.connect(work) as con:
        warehouse.insert(con, "sources", pa.Table.from_pylist([row]))
    warehouse.publish(work, public)

    reader = duckdb.connect(str(public), read_only=True)
    try:
        with warehouse.connect(work) as con:  # the run writes while the reader is open
            warehouse.insert(con, "sources", pa.Table.from_pylist([{**row, "url": "u2"}]))
        warehouse.publish(work, public)
        # The open reader still sees the complete earlier version ...
        assert reader.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    finally:
        reader.close()
    # ... and a new reader sees the new one.
    with warehouse.connect(public, read_only=True) as con:
        assert warehouse.row_count(con, "sources") == 2
    assert not list(tmp_path.glob("*.tmp"))


def test_reading_a_missing_warehouse_says_how_to_make_one(tmp_path: Path):
    with (
        pytest.raises(FileNotFoundError, match="innercircle run"),
        warehouse.connect(tmp_path / "none.duckdb", read_only=True),
    ):
        pass


def test_a_writer_waits_for_a_held_lock_then_says_who_should_not_hold_it(tmp_path: Path):
    import multiprocessing

    path = tmp_path / "innercircle.work.duckdb"
    with warehouse.connect(path):
        pass
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(str(path), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with (
            pytest.raises(InnercircleError, match="read-only, never the .work file"),
            warehouse.connect(path, lock_wait_s=0.5),
        ):
            pass
    finally:
        release.set()
        holder.join(30)
    with warehouse.connect(path, lock_wait_s=5):  # released: a writer gets in
        pass


def _hold(path: str, ready, release) -> None:
    con = duckdb.connect(path)
    ready.set()
    release.wait(30)
    con.close()
