"""The sentences read to tell a person from a product are the same on every run: a name
mentioned more often than :data:`MAX_SENTENCES_PER_NAME` times is judged on a fixed
choice of its sentences (by mention id), not on whichever rows a scan met first. Before,
two runs of the sample web at scale 16 disagreed on whether "Valerie One" was a person."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from innercircle import warehouse
from innercircle.stages.ranking import MAX_SENTENCES_PER_NAME, NAME_CONTEXT_SQL
from tests.builders import mention_row


def sentences_read(rows: list[dict]) -> list:
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    warehouse.insert(con, "mentions", pa.Table.from_pylist(rows))
    [(_, _, _, sentences, _)] = con.execute(
        NAME_CONTEXT_SQL, {"max_sentences": MAX_SENTENCES_PER_NAME}).fetchall()
    return sentences


def test_a_name_mentioned_often_is_judged_on_the_same_sentences_whatever_the_row_order():
    rows = [
        {**mention_row(f"m{n:03d}", f"d{n}", "Valerie One"),
         "snippet": f"Valerie One launched its app in city {n}."}
        for n in range(3 * MAX_SENTENCES_PER_NAME)
    ]
    forward, backward = sentences_read(rows), sentences_read(rows[::-1])
    assert len(forward) == MAX_SENTENCES_PER_NAME
    assert forward == backward
