"""The README's "Warehouse tables" describes each table column by column: the names it
gives are the DDL's (``warehouse/schema/*.sql``, read by :mod:`innercircle.schema_docs`),
so a column added by an ``ALTER TABLE`` cannot go undocumented."""

from __future__ import annotations

import re

from innercircle.schema_docs import warehouse_tables
from tests.conftest import ROOT


def readme_entry(table: str) -> str:
    """The README's words on ``table``: from its bold name to the end of its paragraph."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("\n### Warehouse tables\n", 1)[1].split("\n### ", 1)[0]
    head = f"**`{table}`**"
    assert head in section, f"the README's Warehouse tables has no entry for {table}"
    return section.split(head, 1)[1].split("\n\n", 1)[0]


def named(entry: str) -> set[str]:
    """The identifiers an entry puts in backticks (columns, and some of their values)."""
    return set(re.findall(r"`(\w+)`", entry))


def test_every_table_entry_names_each_column_of_its_ddl():
    for table in warehouse_tables().values():
        missing = [c.name for c in table.columns if c.name not in named(readme_entry(table.name))]
        assert not missing, f"README's {table.name} entry lacks {missing}"


def test_the_ranking_entry_names_exactly_the_columns_of_recurring_voices():
    """Its entry names columns only (no values in backticks), so the match is both ways:
    a column renamed or dropped in the DDL cannot stay in the README either."""
    columns = {c.name for c in warehouse_tables()["recurring_voices"].columns}
    assert named(readme_entry("recurring_voices")) == columns
