"""What each warehouse table and view is, read from its DDL: the comment above its
``CREATE TABLE`` (or ``CREATE OR REPLACE VIEW``), each column's type, key and trailing
comment, and for a view the tables and views it reads.

``warehouse/schema/*.sql`` documents every table column by column, and it is the public
interface; reading the descriptions from it (rather than writing them a second time next
to the assets) keeps the Dagster UI's column schemas and the DDL from disagreeing. Types
and keys come from DuckDB itself, after it has run the DDL in memory (so columns added by
``ALTER TABLE`` are there too); comments come from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import duckdb

from innercircle import warehouse

_CREATE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+)", re.I)
_ALTER = re.compile(r"ALTER TABLE (\w+) ADD COLUMN IF NOT EXISTS (\w+)", re.I)
_COLUMN = re.compile(r'^\s+"?(\w+)"?\s+[A-Z]')
_COMMENT_ONLY = re.compile(r"^\s*--\s?(.*)$")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    key: bool  # part of the primary key
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]


def _trailing_comment(line: str) -> str:
    _, sep, comment = line.partition("--")  # the DDL has no "--" inside a literal
    return comment.strip() if sep else ""


def _comments() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Table descriptions and column comments, from the text of every schema file."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    above: dict[tuple[str, str], str] = {}
    for path in sorted(warehouse.SCHEMA_DIR.glob("*.sql")):
        block: list[str] = []  # the comment lines just above the current line
        table = None  # inside this CREATE TABLE
        last: tuple[str, str] | None = None  # the column a comment-only line continues
        for line in path.read_text("utf-8").splitlines():
            only = _COMMENT_ONLY.match(line)
            if only:
                if last and line.startswith(" "):  # an indented continuation
                    columns[last] = f"{columns.get(last, '')} {only.group(1).strip()}".strip()
                else:
                    block.append(only.group(1).strip())
                    last = None
                continue
            if not line.strip():
                block, last = [], None
                continue
            if m := _CREATE.search(line):
                table = m.group(1)
                tables.setdefault(table, " ".join(block))
                block, last = [], None
                continue
            if m := _ALTER.search(line):
                last = (m.group(1), m.group(2))
                if not columns.get(last):
                    columns[last] = _trailing_comment(line)
                    # A comment above one ALTER describes its column, unless the column
                    # has its own (trailing, or on the indented line below).
                    above.setdefault(last, " ".join(block))
                block = []
                continue
            block = []
            if table and line.lstrip().startswith(")"):
                table, last = None, None
            elif table and (m := _COLUMN.match(line)) and m.group(1).upper() != "PRIMARY":
                last = (table, m.group(1))
                columns.setdefault(last, _trailing_comment(line))
            else:
                last = None
    for column, comment in above.items():
        columns[column] = columns.get(column) or comment
    return tables, columns


@cache
def _declared() -> tuple[frozenset[tuple[str, str]], tuple[tuple[str, str, str, str, bool], ...]]:
    """What DuckDB makes of the DDL, run once in memory: the primary-key columns
    (table, column), and every column of every table and view as (``BASE TABLE`` or
    ``VIEW``, table, column, type, nullable), in column order."""
    with duckdb.connect() as con:
        for statement in warehouse.schema_statements():
            con.execute(statement)
        keys = frozenset(
            (table, column)
            for table, names in con.execute(
                "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                "WHERE constraint_type = 'PRIMARY KEY'"
            ).fetchall()
            for column in names
        )
        rows = con.execute(
            """SELECT t.table_type, c.table_name, c.column_name, c.data_type,
                      c.is_nullable = 'YES'
               FROM information_schema.columns c
               JOIN information_schema.tables t USING (table_schema, table_name)
               WHERE c.table_schema = 'main'
               ORDER BY c.table_name, c.ordinal_position"""
        ).fetchall()
    return keys, tuple(rows)


@cache
def warehouse_tables() -> dict[str, Table]:
    """Every table the DDL creates (views and the internal schema hash excluded), by name,
    in the order the DDL creates them."""
    described, commented = _comments()
    keys, rows = _declared()
    by_table: dict[str, list[Column]] = {}
    for kind, table, column, data_type, nullable in rows:
        if kind != "BASE TABLE":
            continue
        by_table.setdefault(table, []).append(
            Column(
                name=column,
                type=data_type,
                nullable=nullable and (table, column) not in keys,
                key=(table, column) in keys,
                description=commented.get((table, column), ""),
            )
        )
    return {
        name: Table(name, described.get(name, ""), tuple(by_table[name]))
        for name in described
        if name in by_table
    }


_CREATE_VIEW = re.compile(r"CREATE OR REPLACE VIEW (\w+)", re.I)
_READS = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)", re.I)


@dataclass(frozen=True)
class View:
    name: str
    description: str
    columns: tuple[Column, ...]
    reads: tuple[str, ...]  # the tables and views it selects from, in order of mention


def _view_texts() -> dict[str, tuple[str, str]]:
    """Each view's comment above it and its body (up to the ``;`` that ends it)."""
    out: dict[str, tuple[str, str]] = {}
    for path in sorted(warehouse.SCHEMA_DIR.glob("*.sql")):
        block: list[str] = []
        view: str | None = None
        body: list[str] = []
        for line in path.read_text("utf-8").splitlines():
            if view is not None:
                code = line.partition("--")[0]  # a ";" in a comment ends nothing
                body.append(code)
                if code.rstrip().endswith(";"):
                    out[view] = (out[view][0], "\n".join(body))
                    view, body = None, []
                continue
            if only := _COMMENT_ONLY.match(line):
                block.append(only.group(1).strip())
            elif m := _CREATE_VIEW.search(line):
                view, body = m.group(1), [line]
                out[view] = (" ".join(block), "")
                block = []
            else:
                block = []
    return out


@cache
def warehouse_views() -> dict[str, View]:
    """Every view the DDL creates, by name, in the order the DDL creates them: what
    analysts query (``inner_circle``, ``voice_evidence`` …), with the tables they read."""
    texts = _view_texts()
    columns: dict[str, list[Column]] = {}
    for kind, view, column, data_type, _ in _declared()[1]:
        if kind == "VIEW":
            columns.setdefault(view, []).append(Column(column, data_type, True, False, ""))
    known = set(warehouse_tables()) | set(texts)
    views = {}
    for name, (description, body) in texts.items():
        reads = [r for r in dict.fromkeys(_READS.findall(body)) if r in known and r != name]
        views[name] = View(name, description, tuple(columns.get(name, ())), tuple(reads))
    return views
