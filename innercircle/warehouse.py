"""The DuckDB warehouse: schema, bulk writes, and safe publishing for readers.

DuckDB allows one writer per file, and a reader holding the file open would block the
nightly run (or be blocked by it). So the run writes a *working* file beside the public
one and, when it has finished, publishes a checkpointed copy with an atomic rename.
Analysts open the public file (read-only); whatever they hold open stays a complete,
consistent earlier version until they reconnect. Nothing ever writes the public file
in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from innercircle.errors import InnercircleError
from innercircle.setting_checks import a_folder, cannot_open, not_duckdb
from innercircle.settings import PROJECT_ROOT, SettingError

SCHEMA_DIR = PROJECT_ROOT / "warehouse" / "schema"


def working_path(public_path: Path) -> Path:
    """Where the run writes: ``innercircle.duckdb`` -> ``innercircle.work.duckdb``."""
    return public_path.with_name(public_path.stem + ".work" + public_path.suffix)


def published_path(work: Path) -> Path:
    """The inverse of :func:`working_path`."""
    stem = work.stem.removesuffix(".work")
    return work.with_name(stem + work.suffix)


def schema_statements() -> list[str]:
    """The DDL from ``warehouse/schema/*.sql``, in file order."""
    files = sorted(SCHEMA_DIR.glob("*.sql"))
    if not files:
        raise FileNotFoundError(
            f"no schema files in {SCHEMA_DIR}; install innercircle from its source tree "
            "(pip install -e .) so warehouse/schema is found"
        )
    return [f.read_text(encoding="utf-8") for f in files]


SCHEMA_TABLE = "innercircle_schema"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or upgrade the tables and views, unless this file already has this schema.

    The DDL is idempotent but takes a few tens of milliseconds, paid by every step that
    opens the file; a hash of the DDL stored in the file makes the common case one query.
    """
    statements = schema_statements()
    digest = hashlib.sha256("\n".join(statements).encode("utf-8")).hexdigest()
    try:
        current = con.execute(f"SELECT schema_hash FROM {SCHEMA_TABLE}").fetchall()
    except duckdb.CatalogException:
        current = None
    if current == [(digest,)]:
        return
    for sql in statements:
        con.execute(sql)
    con.execute(f"CREATE OR REPLACE TABLE {SCHEMA_TABLE} (schema_hash VARCHAR NOT NULL)")
    con.execute(f"INSERT INTO {SCHEMA_TABLE} VALUES ($d)", {"d": digest})


#: How long a writer waits for another process to release the file before giving up.
LOCK_WAIT_S = 60.0

#: DuckDB's own memory per connection. Its default is 80 % of the machine's RAM, and its
#: buffer pool keeps every block a step has read or written until then: a step that reads
#: every stored page (or every document's text) would hold the whole corpus. Bounded, the
#: cached blocks are evicted (they are in the file) and large sorts and joins spill to
#: ``<warehouse>.tmp``, so the run's memory follows the batch, not the corpus.
MEMORY_LIMIT = "512MB"


def duckdb_config() -> dict[str, str]:
    """The settings every warehouse connection opens with (see :data:`MEMORY_LIMIT`)."""
    return {"memory_limit": MEMORY_LIMIT}


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction around the block: committed when it ends, rolled back if it raises
    (a step's writes land whole or not at all)."""
    con.execute("BEGIN")
    try:
        yield con
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def connect(
    path: Path, read_only: bool = False, lock_wait_s: float = LOCK_WAIT_S
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a warehouse file; writers get the schema created or brought up to date.

    DuckDB lets one process hold a file for writing; when another holds it, wait a while
    (a step of a concurrent run finishing) before failing with an error that says why.
    """
    path = Path(path)
    if path.is_dir():  # DuckDB's own answer is an IOException traceback
        raise a_folder(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise FileNotFoundError(
            f"no warehouse at {path}: run `innercircle run` (or `make demo`) first, "
            "or set INNERCIRCLE_WAREHOUSE"
        )
    con = _open(path, read_only, lock_wait_s)
    try:
        if not read_only:
            ensure_schema(con)
        yield con
    finally:
        con.close()


def check_opens(path: Path) -> None:
    """Ask DuckDB itself whether the existing file ``path`` is a warehouse it can open,
    before a run: raises :class:`~innercircle.settings.SettingError` for another kind of
    file or one this user may not read. A file another process holds (a run writing it)
    is a DuckDB database; that run's lock is the run's business, not the setting's."""
    try:
        _open(path, read_only=True, lock_wait_s=0.0).close()
    except SettingError:
        raise
    except InnercircleError:
        pass  # held by another process: only a DuckDB file is locked by DuckDB


def _open(path: Path, read_only: bool, lock_wait_s: float) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``, waiting out another process's lock; DuckDB's own errors for a
    file that is not a database or may not be read become one line naming the setting.
    (DuckDB says so itself, so nothing reads the file first: a header read ahead of it
    would race a file being created, and call an unreadable file "not DuckDB".)"""
    deadline = time.monotonic() + lock_wait_s
    delay = 0.1
    while True:
        try:
            return _file_backed(duckdb.connect(str(path), read_only=read_only,
                                               config=duckdb_config()), path)
        except duckdb.CatalogException as exc:  # see _file_backed
            if "in-memory database" in str(exc):
                raise not_duckdb(path) from None
            raise
        except duckdb.IOException as exc:
            if "not a valid DuckDB database file" in str(exc):
                raise not_duckdb(path) from None
            if "Permission denied" in str(exc):
                raise cannot_open(path, read_only) from None
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise InnercircleError(
                    f"{path} is held by another process ({exc}). Only the nightly run "
                    f"writes {path.name}; analysts should open the published file "
                    "read-only, never the .work file."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def _file_backed(con: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyConnection:
    """``con``, if it is the database file at ``path``. DuckDB opens a path ending in a
    data file's extension (``voices.csv``) as an in-memory database that reads the file:
    a warehouse written there would vanish at the end of the run. (Read-only, DuckDB
    refuses such a path itself: "Cannot launch in-memory database in read-only mode".)"""
    (file,) = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    if file is None:
        con.close()
        raise not_duckdb(path)
    return con


def prepare_working_copy(public_path: Path) -> Path:
    """Start the working file from the last published warehouse if there is no working file.

    The working file normally persists between runs (it holds the crawl state); this
    covers a fresh checkout given only a published file.
    """
    work = working_path(public_path)
    if not work.exists() and public_path.exists():
        work.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(public_path, work)
    return work


def publish(work: Path, public_path: Path) -> Path:
    """Checkpoint the working file and atomically replace the public file with a copy."""
    if not work.is_file():  # publishing alone, before any run wrote the working file
        raise InnercircleError(
            f"nothing to publish: no working warehouse at {work}; materialize the graph "
            "(or run `innercircle run`) first"
        )
    con = duckdb.connect(str(work), config=duckdb_config())
    try:
        ensure_schema(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp = public_path.with_name(f".{public_path.name}.{os.getpid()}.tmp")
    shutil.copyfile(work, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, public_path)
    return public_path


def to_arrow(rows: Sequence[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema)


def arrow_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    """A table's columns as an Arrow schema, read from the warehouse itself: files written
    to the lake with it load back into the table column for column."""
    return con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema


def insert(
    con: duckdb.DuckDBPyConnection, table: str, data: pa.Table, replace: bool = False
) -> int:
    """Bulk insert an Arrow table by column name (``INSERT OR REPLACE`` when ``replace``)."""
    if data.num_rows == 0:
        return 0
    view = f"_ingest_{table}"
    con.register(view, data)
    try:
        verb = "INSERT OR REPLACE INTO" if replace else "INSERT INTO"
        con.execute(f"{verb} {table} BY NAME SELECT * FROM {view}")
    finally:
        con.unregister(view)
    return data.num_rows


def replace_where(
    con: duckdb.DuckDBPyConnection, table: str, key: str, data: pa.Table, keys: Sequence
) -> int:
    """Delete the rows whose ``key`` is in ``keys``, then insert ``data``: idempotent upserts."""
    delete_where(con, table, key, keys)
    return insert(con, table, data)


def delete_where(con: duckdb.DuckDBPyConnection, table: str, key: str, keys: Sequence) -> None:
    """Delete the rows whose ``key`` is in ``keys`` (any number of them, bound as a table)."""
    if keys:
        con.register("_keys", pa.table({"k": pa.array(list(keys))}))
        try:
            con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT k FROM _keys)")
        finally:
            con.unregister("_keys")


def replace_all(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> int:
    con.execute(f"DELETE FROM {table}")
    return insert(con, table, data)


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def orphan_count(con: duckdb.DuckDBPyConnection, table: str, key: str, parent: str) -> int:
    """Rows of ``table`` whose ``key`` is in no row of ``parent`` (a reference that DuckDB
    does not enforce, counted by the checks instead)."""
    return con.execute(
        f"SELECT count(*) FROM {table} t LEFT JOIN {parent} p USING ({key}) "
        f"WHERE p.{key} IS NULL"
    ).fetchone()[0]
