"""The whole graph, materialised against the sample web on loopback into a temporary
warehouse: every stage real, broken sources recorded, re-runs idempotent.

The first run is the session's shared ``sample_run``, the second the session's shared
``second_run`` (into a copy of the first's warehouse); the backfill writes into a copy of
the second's."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import feedparser
import pytest

from innercircle import warehouse
from innercircle.settings import Settings
from pipelines.definitions import ASSET_KEYS, build_resources, defs
from tests.conftest import copy_warehouse

KEYS = {
    "sources": ["industry", "kind", "url"],
    "feeds": ["source_url", "feed_url"],
    "feed_entries": ["feed_url", "url"],
    "articles": ["url"],
    "author_pages": ["url"],
    "documents": ["doc_id"],
    "mentions": ["mention_id"],
    "people": ["person_id"],
    "person_aliases": ["alias_key"],
    "recurring_voices": ["industry", "person_id"],
    "voice_history": ["snapshot_date", "industry", "person_id"],
}


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: warehouse.row_count(con, t) for t in KEYS}


@pytest.fixture(scope="module")
def two_runs(sample_run, second_run):
    """The shared first run, then the shared second run over the same web into a copy of
    its warehouse: (first result, second result, row counts after the first, the copy)."""
    with warehouse.connect(sample_run.warehouse, read_only=True) as con:
        after_first = counts(con)
    return sample_run.result, second_run.result, after_first, second_run.warehouse


def test_definitions_load():
    assert {k.to_user_string() for k in ASSET_KEYS} <= {
        k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()
    }
    nightly = defs.get_repository_def().get_schedule_def("nightly_schedule")
    assert nightly.cron_schedule == "0 2 * * *"


def test_the_whole_graph_materialises_and_checks_pass(two_runs):
    first, _, after_first, _ = two_runs
    assert first.success
    failed = [
        e.check_name
        for e in first.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert failed == []
    for table in (
        "sources",
        "feeds",
        "feed_entries",
        "articles",
        "author_pages",
        "documents",
        "mentions",
        "people",
        "person_aliases",
        "recurring_voices",
    ):
        assert after_first[table] > 0, table


def test_every_industry_is_ranked_and_finds_its_planted_voices(two_runs, sample_web):
    *_, public = two_runs
    with warehouse.connect(public, read_only=True) as con:
        for industry in sample_web.industries:
            top = [
                r[0]
                for r in con.execute(
                    "SELECT name FROM recurring_voices WHERE industry = $i AND rank <= 20",
                    {"i": industry},
                ).fetchall()
            ]
            planted = set(sample_web.truth.industries[industry].top_voices[:20])
            found = planted & set(top)
            print(f"{industry}: {len(found)}/{len(planted)} planted voices in the top 20")
            assert len(found) >= 0.6 * len(planted), (industry, sorted(planted - found))


def test_broken_sources_are_recorded_and_do_not_fail_the_run(two_runs, sample_web):
    first, *_, public = two_runs
    assert first.success
    with warehouse.connect(public, read_only=True) as con:
        failed = con.execute("""SELECT count(*) FROM crawl_log
                                WHERE outcome IN ('error', 'http_error')""").fetchone()[0]
        feed_errors = con.execute("SELECT count(*) FROM feeds WHERE status = 'error'").fetchone()[0]
        refused = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT error_class FROM crawl_log WHERE host = $h AND run_id = "
                "(SELECT arg_min(run_id, fetched_at) FROM crawl_log)",
                {"h": sample_web.refused_host},
            ).fetchall()
        }
    assert failed > 0 and feed_errors > 0
    assert refused == {"connect_error"}  # the host that refuses connections, on the first run


def test_a_second_run_adds_no_duplicates_and_runs_no_ner(two_runs):
    _, second, after_first, public = two_runs
    assert second.success
    with warehouse.connect(public, read_only=True) as con:
        after_second = counts(con)
        for table, key in KEYS.items():
            dupes = con.execute(
                f"SELECT count(*) FROM (SELECT {', '.join(key)} FROM {table} "
                "GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()[0]
            assert dupes == 0, table
        not_modified = con.execute("""SELECT count(*) FROM crawl_log WHERE from_cache
                                      AND run_id = (SELECT arg_max(run_id, fetched_at)
                                                    FROM crawl_log)""").fetchone()[0]
    for table in KEYS:
        if table != "voice_history":
            assert after_second[table] == after_first[table], table
    mentions_meta = second.asset_materializations_for_node("mentions")[0].metadata
    assert mentions_meta["documents_extracted"].value == 0
    assert not_modified > 0


def test_a_second_run_over_the_same_web_has_empty_feeds(second_run):
    """Its feeds list nothing new: the same web, nothing new to feed. Here, beside the
    other tests of the second run, so that one worker makes it (it is made once per
    worker that reads it)."""
    assert second_run.result.success
    root = second_run.warehouse.parent
    feeds = sorted((root / "feeds").glob("*.atom"))
    assert feeds
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo and parsed.entries == [], feed
    con = duckdb.connect(str(second_run.warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM voice_activity WHERE is_new").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM voice_activity").fetchone()[0] > 0
    assert (root / "reports" / "fintech.html").exists()


def test_a_host_that_refused_connections_is_backed_off_on_the_next_run(two_runs, sample_web):
    *_, public = two_runs
    with warehouse.connect(public, read_only=True) as con:
        runs = [
            r[0]
            for r in con.execute(
                "SELECT run_id FROM crawl_log GROUP BY run_id ORDER BY min(fetched_at)"
            ).fetchall()
        ]
        by_run = {
            run: dict(
                con.execute(
                    "SELECT outcome, count(*) FROM crawl_log WHERE run_id = $r AND host = $h "
                    "GROUP BY 1",
                    {"r": run, "h": sample_web.refused_host},
                ).fetchall()
            )
            for run in runs
        }
        health = con.execute(
            "SELECT consecutive_failures FROM host_health WHERE host = $h",
            {"h": sample_web.refused_host},
        ).fetchone()
    assert by_run[runs[0]].get("error", 0) > 0
    assert set(by_run[runs[-1]]) == {"skipped"}
    assert health == (1,)


def test_a_missed_day_can_be_backfilled_and_rerunning_it_replaces_it(
    second_run, sample_web, tmp_path
):
    from datetime import timedelta

    from assets.ranking import voice_history

    env = copy_warehouse(second_run, tmp_path)  # the backfill writes: into a copy
    public = Path(env["INNERCIRCLE_WAREHOUSE"])
    day = (sample_web.reference_date - timedelta(days=45)).date()
    settings = Settings.from_env(env)
    for _ in range(2):
        result = dg.materialize(
            [voice_history],
            resources=build_resources(settings),
            instance=dg.DagsterInstance.ephemeral(),
            partition_key=day.isoformat(),
        )
        assert result.success
    work = warehouse.working_path(public)
    with warehouse.connect(work) as con:
        per_day = dict(
            con.execute("SELECT snapshot_date, count(*) FROM voice_history GROUP BY 1").fetchall()
        )
        dupes = con.execute(
            "SELECT count(*) FROM (SELECT snapshot_date, industry, person_id FROM voice_history "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        # Only evidence published by that day counted: fewer people than today.
        latest = max(per_day)
    assert dupes == 0
    assert 0 < per_day[day] < per_day[latest]


def test_a_backfill_of_several_days_is_one_run_with_a_snapshot_per_day(
    second_run, sample_web, tmp_path
):
    """The UI launches a backfill of a range as one run (``BackfillPolicy.single_run``):
    the step writes each day's snapshot, and Dagster records each day materialised."""
    from datetime import timedelta

    from assets.ranking import voice_history

    env = copy_warehouse(second_run, tmp_path)
    public = Path(env["INNERCIRCLE_WAREHOUSE"])
    last = (sample_web.reference_date - timedelta(days=40)).date()
    days = [(last - timedelta(days=n)).isoformat() for n in (2, 1, 0)]
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [voice_history], resources=build_resources(Settings.from_env(env)), instance=instance,
        tags={"dagster/asset_partition_range_start": days[0],
              "dagster/asset_partition_range_end": days[-1]},
    )
    assert result.success
    materialized = result.asset_materializations_for_node("voice_history")
    assert sorted(m.partition for m in materialized) == days
    assert materialized[0].metadata["snapshot_date"].value == f"{days[0]} … {days[-1]}"
    with warehouse.connect(warehouse.working_path(public), read_only=True) as con:
        per_day = dict(con.execute(
            "SELECT snapshot_date::VARCHAR, count(*) FROM voice_history "
            "WHERE snapshot_date BETWEEN $1 AND $2 GROUP BY 1", [days[0], days[-1]]).fetchall())
    assert sorted(per_day) == days and all(per_day.values())
    table = materialized[0].metadata["snapshots"].value
    assert all(f"| {day} |" in table for day in days)
    assert "snapshot_rows" not in materialized[0].metadata  # no one day's count for all


def test_every_site_and_story_the_ranking_counts_is_in_the_voice_evidence(sample_run):
    """``voice_evidence`` shows what each rank stands on: the sites and stories the ranking
    counted are exactly those it lists (reposts listed but counted once), including the
    pieces where the model labelled a known byline name an organisation (no sentence)."""
    with warehouse.connect(sample_run.warehouse, read_only=True) as con:
        differ = con.execute("""
            SELECT v.industry, v.rank, v.name, v.distinct_sources, e.sources,
                   v.distinct_documents, e.stories
            FROM recurring_voices v
            LEFT JOIN (SELECT industry, person_id,
                              count(DISTINCT source) FILTER (WHERE counted) AS sources,
                              count(DISTINCT cluster_id) AS stories
                       FROM voice_evidence GROUP BY ALL) e USING (industry, person_id)
            WHERE e.sources IS DISTINCT FROM v.distinct_sources
               OR e.stories IS DISTINCT FROM v.distinct_documents""").fetchall()
        relabelled = con.execute(
            "SELECT count(*) FROM mention_facts f JOIN recurring_voices v USING (industry, "
            "person_id) WHERE f.origin = 'ner_label'").fetchone()[0]
    assert differ == []
    assert relabelled > 0  # the web has such pieces: the rule above is exercised


def test_people_who_span_two_industries_stay_one_person(two_runs, sample_web):
    *_, public = two_runs
    with warehouse.connect(public, read_only=True) as con:
        spanning = {
            name: sorted(industries)
            for name, industries in con.execute(
                "SELECT name, industry_list FROM cross_industry_voices"
            ).fetchall()
        }
    for name, industries in sample_web.truth.spanning.items():
        assert spanning.get(name) == sorted(industries), name


def test_a_failed_ranking_check_stops_the_run_before_publishing(sample_run, tmp_path):
    """The ranking's blocking checks are evaluated by the ``recurring_voices`` step: an
    industry with documents but no ranking fails it, and the warehouse is not published."""
    env = copy_warehouse(sample_run, tmp_path)
    public = Path(env["INNERCIRCLE_WAREHOUSE"])
    before = public.read_bytes()
    with warehouse.connect(warehouse.working_path(public)) as con:
        con.execute("""INSERT INTO document_industries  -- a document that names nobody
                       VALUES ('no-names', 'nowhere', 'http://nowhere.test/')""")
    from assets.publish import published_warehouse
    from assets.ranking import recurring_voices

    result = dg.materialize(
        [recurring_voices, published_warehouse],
        resources=build_resources(Settings.from_env(env)),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    verdicts = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert {n for n, e in verdicts.items() if e.passed} == {
        "voices_unique_per_industry", "voices_reference_people"}
    failed = verdicts["every_industry_ranked"]
    assert failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.metadata["industries_without_ranking"].value == "nowhere"
    assert dg.AssetKey("published_warehouse") not in {
        m.asset_key for m in result.get_asset_materialization_events()}
    assert public.read_bytes() == before
