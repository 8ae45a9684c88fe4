"""The warehouse: schema from warehouse/schema, idempotent writes, safe publishing."""

import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from innercircle import warehouse
from innercircle.errors import InnercircleError

ROOT = Path(__file__).resolve().parents[1]


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


def test_publishing_before_any_run_says_so_in_one_line(tmp_path: Path):
    work = tmp_path / "missing" / "innercircle.work.duckdb"
    with pytest.raises(InnercircleError, match=r"nothing to publish: no working warehouse at "):
        warehouse.publish(work, tmp_path / "missing" / "innercircle.duckdb")
    assert not work.exists()  # not made, empty, as DuckDB would


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


def test_a_file_of_another_kind_is_refused_by_duckdbs_own_verdict(tmp_path: Path):
    from innercircle.settings import SettingError

    # `.csv`: DuckDB would open it as an in-memory database reading the file, and a run
    # written there would vanish; anything else it calls "not a valid DuckDB database".
    for name, text in (("voices.csv", "name\nJane Doe\n"), ("old.db", "id,name\n"),
                       ("empty.duckdb", "")):
        path = tmp_path / name
        path.write_text(text)
        for read_only in (True, False):
            with (pytest.raises(SettingError, match=f"{name} is not a DuckDB database"),
                  warehouse.connect(path, read_only=read_only, lock_wait_s=0)):
                pass
        assert path.read_text() == text  # nothing written into it


UNREADABLE = """
import os, sys
import os
from pathlib import Path
from innercircle import warehouse
from innercircle.settings import SettingError
path = Path(sys.argv[1])
if os.geteuid() == 0:  # root reads anything: be nobody, as a user the file is not for
    os.setgid(65534)
    os.setuid(65534)
try:
    with warehouse.connect(path, read_only=True, lock_wait_s=0):
        print("opened")
except SettingError as exc:
    print(exc)
"""


def test_a_warehouse_this_user_may_not_read_is_called_unreadable_not_another_kind():
    import shutil
    import subprocess
    import sys
    import tempfile

    folder = Path(tempfile.mkdtemp())  # pytest's tmp_path is in a folder only its owner enters
    try:
        folder.chmod(0o755)
        path = folder / "w.duckdb"
        duckdb.connect(str(path)).close()
        path.chmod(0o600 if os.geteuid() == 0 else 0o000)  # root's own file, or no one's
        done = subprocess.run([sys.executable, "-c", UNREADABLE, str(path)],
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        shutil.rmtree(folder)
    assert done.stdout == (
        f"INNERCIRCLE_WAREHOUSE: {path} cannot be read (permission denied: this user may not "
        "read it); fix its permissions or point INNERCIRCLE_WAREHOUSE at another file\n"
    ), done.stderr


def test_the_views_lists_of_labels_and_piece_kinds_are_the_codes():
    """``mention_facts`` names in SQL the NER labels a byline name may be mislabelled with
    and the kinds of document that are pieces: the same lists as the Python that judges
    people (:data:`NON_PERSON_LABELS`) and counts pieces (:data:`PIECE_KINDS`)."""
    import re

    from innercircle.model import PIECE_KINDS
    from innercircle.personhood import NON_PERSON_LABELS

    views = (warehouse.SCHEMA_DIR / "040_views.sql").read_text(encoding="utf-8")
    labels = re.search(r"label IN \(([^)]*)\)", views).group(1)
    kinds = re.search(r"d\.kind IN \(([^)]*)\)", views).group(1)
    assert set(re.findall(r"'(\w+)'", labels)) == set(NON_PERSON_LABELS)
    assert set(re.findall(r"'(\w+)'", kinds)) == set(PIECE_KINDS)


def test_the_inner_circle_views_columns_are_only_ever_added(tmp_path: Path):
    """Its columns as they were before signals reached it from recurring_voices, in their
    order (readers may read them by position), then the others."""
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        columns = [r[0] for r in con.execute("DESCRIBE inner_circle").fetchall()]
    assert columns[:13] == [
        "industry", "rank", "person_id", "name", "score", "distinct_sources",
        "distinct_documents", "authored_docs", "citing_authors", "distinct_weeks",
        "centrality", "recency", "reasons"]
    assert {"mentioned_docs", "max_source_share", "syndicated_copies"} <= set(columns[13:])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_exports_columns_are_only_ever_added(tmp_path: Path, fmt: str):
    """`innercircle export`'s columns as they were, in their order (a spreadsheet mapping
    reads them by position), then every other stored signal."""
    from innercircle.export import circle_query

    latest = (["latest_title", "latest_url", "latest_published_at", "latest_role"]
              if fmt == "csv" else ["latest"])
    before = ["industry", "rank", "name", "person_id", "score", "relevance", "beats",
              "writes_for", "carried_by", "homepage", "profiles", *latest, "cites",
              "cited_by", "distinct_sources", "distinct_documents", "authored_docs",
              "mentioned_docs", "citing_authors", "first_seen", "last_seen", "reasons"]
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        cur = con.execute(circle_query(fmt), {"industry": None})
        columns = [c[0] for c in cur.description]
    assert columns[:len(before)] == before
    assert {"quoted_docs", "centrality", "syndicated_copies"} <= set(columns[len(before):])
