"""Every warehouse table is a Dagster asset of its own, with its description, its columns
from the DDL, its lineage and, once run, its row count; a step that writes several tables
is a multi-asset that reports each of them."""

from __future__ import annotations

import re

import dagster as dg
import pytest

from assets.crawl import record_writers_metadata
from innercircle import warehouse
from innercircle.schema_docs import warehouse_tables
from innercircle.settings import FIRST_DAY
from innercircle.stages.kinds import registered
from pipelines.definitions import ALL_ASSETS, ASSET_KEYS, RECORD_SPECS, VIEW_SPECS, defs


def spec_of(key: str) -> dg.AssetSpec:
    specs = [*(s for a in ALL_ASSETS for s in a.specs), *RECORD_SPECS]
    return next(s for s in specs if s.key.to_user_string() == key)


def test_every_warehouse_table_is_an_asset():
    keys = {k.to_user_string() for k in ASSET_KEYS}
    tables = set(warehouse_tables())
    assert tables <= keys, sorted(tables - keys)


def test_the_ddl_is_read_whole_types_keys_comments_and_added_columns(tmp_path):
    tables = warehouse_tables()
    with warehouse.connect(tmp_path / "w.duckdb") as con:  # the real schema, as runs apply it
        for name, table in tables.items():
            described = con.execute(f"DESCRIBE {name}").fetchall()
            assert [(c.name, c.type) for c in table.columns] == [(r[0], r[1]) for r in described]
    people = {c.name: c for c in tables["people"].columns}
    assert people["person_id"].key and not people["person_id"].nullable
    assert people["name"].description == "display name (the fullest common form)"
    assert tables["people"].description.startswith("One row per resolved person.")
    voices = {c.name: c for c in tables["recurring_voices"].columns}
    # Added by ALTER, its comment on the indented line below it.
    assert voices["centrality"].description.startswith("PageRank on the author")
    # A comment above an ALTER with none of its own describes that column.
    entries = {c.name: c for c in tables["feed_entries"].columns}
    assert entries["content_text"].description.startswith("The entry's own text")
    # A comment over several ALTERs is not any one column's description.
    documents = {c.name: c for c in tables["documents"].columns}
    assert documents["language"].description.startswith("ISO 639-1 detected")
    # A struct type spanning a comment on the next line keeps both.
    profiles = {c.name: c for c in tables["voice_profiles"].columns}
    assert profiles["latest"].type.startswith("STRUCT(")
    assert profiles["latest"].description.startswith("their 5 latest pieces")


def test_every_column_of_every_table_is_described_in_its_ddl():
    """The UI's column schema is the only place it shows what a column holds."""
    undescribed = [
        f"{table.name}.{column.name}"
        for table in warehouse_tables().values()
        for column in table.columns
        if not column.description
    ]
    assert not undescribed, f"give these a -- comment in warehouse/schema: {undescribed}"


def test_each_table_asset_has_a_description_and_the_ddl_columns():
    tables = warehouse_tables()
    for key in ASSET_KEYS:
        spec = spec_of(key.to_user_string())
        assert spec.description and len(spec.description) > 20, key
        if key.to_user_string() in tables:
            schema = spec.metadata["dagster/column_schema"]
            assert [(c.name, c.description) for c in schema.columns] == [
                (c.name, c.description or None) for c in tables[key.to_user_string()].columns
            ]


def test_lineage_follows_what_each_step_reads_and_writes():
    graph = defs.resolve_asset_graph()

    def parents(key: str) -> set[str]:
        return {k.to_user_string() for k in graph.get(dg.AssetKey(key)).parent_keys}

    # The people step writes five tables; the ranking reads them through mention_facts.
    assert {"people", "person_industry_splits", "document_clusters"} <= parents(
        "recurring_voices"
    )
    assert "person_aliases" in parents("people")
    assert {"mentions", "entity_labels"} <= parents("excluded_names")
    assert "documents" in parents("document_links")
    assert parents("entity_labels") == parents("mentions") == {"documents"}
    # One step, one op: the tables of a multi-asset share it.
    people_step = next(a for a in ALL_ASSETS if dg.AssetKey("people") in a.keys)
    assert people_step.op.name == "people" and len(people_step.keys) == 5


def test_groups_follow_one_another_in_one_direction():
    """The UI's group lineage reads as the README's flow: no two groups feed each other."""
    graph = defs.resolve_asset_graph()
    feeds = {
        (graph.get(parent).group_name, graph.get(key).group_name)
        for key in graph.get_all_asset_keys()
        for parent in graph.get(key).parent_keys
    }
    assert {(a, b) for a, b in feeds if a != b and (b, a) in feeds} == set()
    assert ("ranking", "publish") in feeds and ("profiles", "publish") in feeds


def test_voice_history_says_only_days_run_exist_and_what_its_row_count_counts():
    """Its page shows missing partitions back to the first day, and a row count."""
    description = spec_of("voice_history").description
    assert f"other daily partitions since {FIRST_DAY.isoformat()} show as missing" in description
    assert "row count is the whole table's" in description
    assert "no per-day count" not in description


def test_what_the_ui_shows_of_the_definitions_is_plain_text_not_sphinx_roles():
    """Docstrings become descriptions; the UI shows ``:mod:`x``` as typed."""
    repo = defs.get_repository_def()
    graph = defs.resolve_asset_graph()
    shown = {
        **{f"asset {k.to_user_string()}": graph.get(k).description
           for k in graph.get_all_asset_keys()},
        **{f"check {k.to_user_string()}": graph.get_check_spec(k).description
           for k in graph.asset_check_keys},
        **{f"sensor {s.name}": s.description for s in repo.sensor_defs},
        **{f"schedule {s.name}": s.description for s in repo.schedule_defs},
    }
    for job in repo.get_all_jobs():
        shown[f"job {job.name}"] = job.description
        shown.update({f"op {op.name}": op.description for op in job.graph.iterate_node_defs()})
    roles = {where: text for where, text in shown.items() if re.search(r":[a-z]+:`", text or "")}
    assert roles == {}


def test_no_description_says_the_same_words_twice():
    """A table's description is the DDL's comment and the step's note: the note adds to
    the comment, it does not repeat it (five words in the same order count as a repeat)."""
    graph = defs.resolve_asset_graph()
    repeats = {}
    for key in graph.get_all_asset_keys():
        words = re.findall(r"\w+", (graph.get(key).description or "").lower())
        runs = [tuple(words[i : i + 5]) for i in range(len(words) - 4)]
        twice = {" ".join(run) for run in runs if runs.count(run) > 1}
        if twice:
            repeats[key.to_user_string()] = twice
    assert repeats == {}


def test_a_crawl_record_names_every_step_that_writes_it_not_only_the_last():
    articles = next(kind for kind in registered() if kind.name == "articles")
    crawl_log = record_writers_metadata("crawl_log", articles)
    assert crawl_log["written_by"].value == "feeds, author_pages, articles"
    assert crawl_log["this_time_by"].value == "articles"


@pytest.mark.slow
def test_the_nightly_run_reports_every_table_with_its_row_count(sample_run):
    reported = {}
    for event in sample_run.result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        reported[materialization.asset_key.to_user_string()] = materialization.metadata
    assert set(reported) == {k.to_user_string() for k in ASSET_KEYS}
    for key, metadata in reported.items():
        assert "dagster/row_count" in metadata, key
        assert "docs" not in metadata, key  # its column schema says what the columns hold
    with warehouse.connect(sample_run.warehouse, read_only=True) as con:
        for table in set(warehouse_tables()) & set(reported):
            rows = reported[table]["dagster/row_count"].value
            assert rows == warehouse.row_count(con, table), table
    # (The sample web's articles link nowhere, so document_links may be empty.)
    for table in ("people", "person_aliases", "excluded_names", "document_clusters",
                  "document_industries", "entity_labels", "mention_extractions",
                  "document_arrivals", "arrival_runs"):
        assert reported[table]["dagster/row_count"].value > 0, table
    # Each figure on the page the README names; a record names all its writers.
    assert "documents_without_ner_model" in reported["mentions"]
    assert reported["crawl_log"]["written_by"].value == "feeds, author_pages, articles"
    assert reported["feed_entries"]["written_by"].value == "feeds"


def test_every_view_analysts_query_is_an_asset_downstream_of_what_it_reads():
    from innercircle.schema_docs import warehouse_views

    graph = defs.resolve_asset_graph()
    views = warehouse_views()
    assert {"inner_circle", "voice_evidence", "mention_facts", "voice_changes"} <= set(views)
    for name, view in views.items():
        node = graph.get(dg.AssetKey(name))
        assert not node.is_materializable, name  # DuckDB computes it when read
        assert {k.to_user_string() for k in node.parent_keys} == set(view.reads), name
        spec = next(s for s in VIEW_SPECS if s.key == dg.AssetKey(name))
        assert spec.group_name == "views" and len(spec.description) > 40, name
        columns = [c.name for c in spec.metadata["dagster/column_schema"].columns]
        assert columns and columns == [c.name for c in view.columns], name
    # mention_facts reads the people step's tables; inner_circle reads the ranking.
    assert {"mentions", "person_aliases", "documents"} <= set(views["mention_facts"].reads)
    assert views["inner_circle"].reads == ("recurring_voices",)
    assert views["voice_evidence"].description.startswith("Why is this person ranked")
    # No job makes a view.
    job = defs.resolve_job_def("nightly")
    assert dg.AssetKey("inner_circle") not in job.asset_layer.selected_asset_keys
