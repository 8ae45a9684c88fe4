"""The lake: shared storage where steps hand each other their outputs as Parquet files.

Only the steps that plan, store and publish open the DuckDB warehouse (its one writer);
the steps in between (NER shards, Dagster's own step outputs) read and write here. The
lake is a local folder by default (``lake/`` beside the warehouse) or any fsspec URL
(``s3://bucket/innercircle``, ``gs://…``) through universal-pathlib, so a worker on
another machine needs the lake and the Dagster instance database, never the warehouse
file. Every file is written whole under its final name by one step, and a re-run
replaces it: nothing is ever appended.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from upath import UPath


def path(location: str, *parts: str) -> UPath:
    """A path in the lake at ``location`` (a folder or an fsspec URL)."""
    return UPath(location).joinpath(*parts)


def clear(folder: UPath) -> None:
    """Remove ``folder`` and everything under it, if it exists."""
    if folder.exists():
        folder.fs.rm(folder.path, recursive=True)


class ParquetSink:
    """Writes Arrow batches into one Parquet file, row group by row group, so a step
    never holds more than one batch; the file is complete when the sink is closed."""

    def __init__(self, target: UPath, schema: pa.Schema) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self.target = target
        self.schema = schema
        self.rows = 0
        self._file = target.open("wb")
        self._writer = pq.ParquetWriter(self._file, schema)

    def write_rows(self, rows: list[dict]) -> None:
        if rows:
            self.write(pa.Table.from_pylist(rows, schema=self.schema))

    def write(self, data: pa.Table | pa.RecordBatch) -> None:
        if data.num_rows:
            table = data if isinstance(data, pa.Table) else pa.Table.from_batches([data])
            self._writer.write_table(table.cast(self.schema))
            self.rows += data.num_rows

    def close(self) -> None:
        self._writer.close()
        self._file.close()

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_batches(source: UPath, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """The file's rows, ``batch_rows`` at a time (memory bounded by the batch)."""
    with source.open("rb") as fh:
        yield from pq.ParquetFile(fh).iter_batches(batch_size=batch_rows)


def read_table(source: UPath) -> pa.Table:
    with source.open("rb") as fh:
        return pq.read_table(fh)


def schema_bytes(schema: pa.Schema) -> bytes:
    """A schema as bytes, to travel inside a step's (pickled) output."""
    return schema.serialize().to_pybytes()


def schema_from(data: bytes) -> pa.Schema:
    return pa.ipc.read_schema(pa.py_buffer(data))

