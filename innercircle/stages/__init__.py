"""Stage logic: what each asset does, as plain functions over plain data.

Each function takes what it needs (sources, cached state, a fetcher, a model) and
returns rows for the warehouse; the Dagster assets only read inputs from DuckDB,
call these, and write the results back.
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
