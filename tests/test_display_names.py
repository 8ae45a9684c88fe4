"""A person's display name is the most used spelling of their name; when two spellings are
used equally often, the tie is broken the same way on every run, whatever order the rows
were written in, so re-runs publish the same names."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from innercircle import warehouse
from innercircle.stages.ranking import ALIAS_STATS_SQL
from tests.builders import document_row, mention_row

SPELLINGS = ["Rory O'Driscoll", "Rory O\u2019Driscoll"]


def _display(tmp_path, order: list[str]) -> str:
    with warehouse.connect(tmp_path / f"w{len(list(tmp_path.iterdir()))}.duckdb") as con:
        docs = [document_row(f"d{i}", "a.example", datetime(2026, 1, 1)) for i in range(4)]
        mentions = [
            {**mention_row(f"m{i}", f"d{i}", name), "name_key": "rory o driscoll"}
            for i, name in enumerate(order)
        ]
        warehouse.insert(con, "documents", pa.Table.from_pylist(docs))
        warehouse.insert(con, "mentions", pa.Table.from_pylist(mentions))
        (display,) = {
            d for key, d, *_ in con.execute(ALIAS_STATS_SQL).fetchall()
            if key == "rory o driscoll"
        }
    return display


def test_a_tie_between_spellings_gives_the_same_display_name_in_any_row_order(tmp_path):
    straight, curly = SPELLINGS
    shown = {
        _display(tmp_path, order)
        for order in (
            [straight, straight, curly, curly],
            [curly, curly, straight, straight],
            [curly, straight, curly, straight],
        )
    }
    assert shown == {min(SPELLINGS)}


def test_the_most_used_spelling_wins_over_the_first_in_order(tmp_path):
    straight, curly = SPELLINGS
    assert _display(tmp_path, [straight, curly, curly, curly]) == curly
