"""Stage logic: what each asset does, as plain functions with no Dagster in them.

Each function takes what it needs (sources, cached state, a fetcher, a model, and, for a
step that reads or writes the warehouse, an open DuckDB connection ``con``). Those given
``con`` read through it, and the ones that write (``store_*``, ``write_*``, ``build_*``)
write their tables themselves; the others return rows or figures. The Dagster assets open the
connection (a transaction where a step writes several tables), call these, and turn what
they return, and a few counts of the tables, into the step's metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when rows are written: checking a sources file needs none
    import pyarrow as pa

#: progress(stage, done, total, errors) — called as work completes; may be a no-op.
Progress = Callable[[str, int, int, int], None]


def no_progress(stage: str, done: int, total: int, errors: int) -> None:
    return None


def arrow(rows: Sequence[dict]) -> pa.Table:
    """Rows as an Arrow table, the form ``innercircle.warehouse`` writes in bulk."""
    import pyarrow as pa

    return pa.Table.from_pylist(list(rows))
