"""Warehouse tables as Dagster assets: one ``AssetSpec`` per table, its description and
column schema read from the DDL (:mod:`innercircle.schema_docs`), and the metadata each
materialisation reports (row count first). The analysts' views are assets too, in a group
of their own, downstream of the tables they read (:func:`view_specs`).

A step that writes several tables in one transaction is a ``multi_asset`` whose specs
come from :func:`table_spec`; it yields one :func:`table_result` per table, so the UI
shows every table with its own description, columns, row count and lineage.
"""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from assets.common import table_metadata
from innercircle.schema_docs import warehouse_tables, warehouse_views

CoercibleToKey = str | dg.AssetKey | dg.AssetsDefinition | dg.AssetSpec


def _keys(deps: Iterable[CoercibleToKey]) -> list[dg.AssetKey]:
    out: list[dg.AssetKey] = []
    for dep in deps:
        if isinstance(dep, dg.AssetsDefinition):
            out.extend(sorted(dep.keys, key=lambda k: k.to_user_string()))
        elif isinstance(dep, dg.AssetSpec):
            out.append(dep.key)
        else:
            out.append(dg.AssetKey.from_coercible(dep))
    return list(dict.fromkeys(out))


def column_schema(table: str) -> dg.TableSchema:
    """The table's (or view's) columns as the DDL declares them (type, key, NOT NULL,
    comment)."""
    tables = warehouse_tables()
    columns = tables[table].columns if table in tables else warehouse_views()[table].columns
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=c.name,
                type=c.type,
                description=c.description or None,
                constraints=dg.TableColumnConstraints(
                    nullable=c.nullable, unique=False, other=["primary key"] if c.key else []
                ),
            )
            for c in columns
        ]
    )


def table_definition_metadata(table: str) -> dict:
    """Definition metadata of a table (or view) asset: its column schema and table name,
    shown in the UI before it is ever materialised."""
    return {
        "dagster/column_schema": column_schema(table),
        "dagster/table_name": f"main.{table}",
    }


def table_description(table: str, extra: str = "") -> str:
    """The DDL's comment above the table, and what else the asset wants to say."""
    return " ".join(p for p in (warehouse_tables()[table].description, extra) if p)


def table_spec(
    table: str,
    *,
    deps: Iterable[CoercibleToKey] = (),
    group: str,
    note: str = "",
    kinds: Iterable[str] = ("duckdb",),
) -> dg.AssetSpec:
    """The asset of one warehouse table written by a multi-table step."""
    return dg.AssetSpec(
        key=table,
        deps=_keys(deps),
        description=table_description(table, note),
        group_name=group,
        metadata=table_definition_metadata(table),
        kinds=set(kinds),
    )


def table_result(con, table: str, **extra) -> dg.MaterializeResult:
    """The materialisation of one table of a multi-table step: its row count and ``extra``."""
    return dg.MaterializeResult(asset_key=table, metadata=table_metadata(con, table, **extra))


def with_table_schemas(definitions: list) -> list:
    """``definitions`` with the DDL's column schema on every asset that is a warehouse
    table and does not declare one yet (the crawl group's single-table assets, say)."""
    tables = warehouse_tables()

    def add(spec: dg.AssetSpec) -> dg.AssetSpec:
        table = spec.key.to_user_string()
        if table not in tables or "dagster/column_schema" in spec.metadata:
            return spec
        return spec.merge_attributes(metadata=table_definition_metadata(table))

    return dg.map_asset_specs(add, definitions)


#: The group of the analysts' views in the asset graph.
VIEWS_GROUP = "views"
_VIEW_NOTE = (
    "A view: DuckDB computes it whenever it is read, so it is never materialised and is as "
    "fresh as the tables it reads."
)


def view_specs() -> list[dg.AssetSpec]:
    """One asset per view of the DDL (``inner_circle``, ``voice_evidence`` …), with its
    description, columns and the tables it reads as its lineage: what analysts query is in
    the asset catalog beside the tables. External assets: no step makes them."""
    return [
        dg.AssetSpec(
            key=view.name,
            deps=[dg.AssetKey(name) for name in view.reads],
            description=" ".join(p for p in (view.description, _VIEW_NOTE) if p),
            group_name=VIEWS_GROUP,
            metadata=table_definition_metadata(view.name),
            kinds={"duckdb"},
        )
        for view in warehouse_views().values()
    ]
