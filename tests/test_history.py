"""Dated snapshots of the ranking and the trend views over them: who rose, who fell,
who is new to the inner circle, who dropped out."""

from datetime import date, datetime, timedelta

import duckdb
import pyarrow as pa

from innercircle import warehouse

LATEST = date(2026, 3, 31)


def history(snapshots: dict[int, dict[str, int]]) -> duckdb.DuckDBPyConnection:
    """``{days before LATEST: {person: rank}}`` into voice_history (industry fintech)."""
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    rows = [
        {
            "snapshot_date": LATEST - timedelta(days=ago),
            "industry": "fintech",
            "person_id": person,
            "rank": rank,
            "score": 10.0 - rank,
        }
        for ago, ranks in snapshots.items()
        for person, rank in ranks.items()
    ]
    warehouse.insert(con, "voice_history", pa.Table.from_pylist(rows))
    people = sorted({r["person_id"] for r in rows})
    warehouse.insert(
        con,
        "people",
        pa.Table.from_pylist(
            [
                {
                    "person_id": p,
                    "name": p.title(),
                    "name_key": p,
                    "aliases": 1,
                    "documents": 1,
                    "profiles": [],
                }
                for p in people
            ]
        ),
    )
    return con


def rows(con, sql: str) -> dict[str, dict]:
    rel = con.sql(sql)
    return {r[1]: dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()}


def test_rank_changes_over_7_and_30_days_and_the_trend():
    con = history(
        {
            45: {"ann": 1, "bob": 2, "cat": 3},
            30: {"ann": 1, "bob": 2, "cat": 3},
            7: {"ann": 2, "bob": 1, "cat": 3},
            0: {"bob": 1, "cat": 2, "ann": 3, "dan": 4},
        }
    )
    changes = rows(con, "SELECT * FROM voice_changes")
    assert changes["cat"]["change_7d"] == 1 and changes["cat"]["change_30d"] == 1
    assert changes["cat"]["trend"] == "rising"
    assert changes["ann"]["rank_7d_ago"] == 2 and changes["ann"]["change_30d"] == -2
    assert changes["ann"]["trend"] == "falling"
    assert changes["bob"]["change_7d"] == 0 and changes["bob"]["trend"] == "rising"
    assert changes["dan"]["trend"] == "new" and changes["dan"]["change_7d"] is None
    assert changes["ann"]["name"] == "Ann"


def test_the_comparison_uses_the_latest_snapshot_on_or_before_the_day():
    con = history({40: {"ann": 5}, 9: {"ann": 3}, 0: {"ann": 1}})  # no run exactly 7/30 ago
    ann = rows(con, "SELECT * FROM voice_changes")["ann"]
    assert (ann["rank_7d_ago"], ann["rank_30d_ago"]) == (3, 5)


def test_no_trend_before_history_reaches_back_30_days():
    con = history({3: {"ann": 2}, 0: {"ann": 1}})
    ann = rows(con, "SELECT * FROM voice_changes")["ann"]
    assert ann["trend"] is None and ann["change_7d"] is None


def test_newcomers_and_departed_voices():
    con = history({20: {"ann": 1, "bob": 2}, 10: {"ann": 1, "bob": 2}, 0: {"ann": 1, "eve": 2}})
    newcomers = rows(con, "SELECT * FROM voice_newcomers")
    assert set(newcomers) == {"eve"} and newcomers["eve"]["days_in_circle"] == 0
    departed = rows(con, "SELECT * FROM departed_voices")
    assert set(departed) == {"bob"} and departed["bob"]["last_rank"] == 2
    first_run_only = history({0: {"ann": 1}})
    assert rows(first_run_only, "SELECT * FROM voice_newcomers") == {}


def test_a_departed_voice_no_longer_in_people_keeps_the_name_its_snapshots_gave():
    # Bob was ranked with his name; a newer rule kept him out, so people no longer has him.
    con = history({10: {"ann": 1, "bob": 2}, 0: {"ann": 1}})
    con.execute("UPDATE voice_history SET name = 'Bob Stone' WHERE person_id = 'bob'")
    con.execute("DELETE FROM people WHERE person_id = 'bob'")
    assert rows(con, "SELECT * FROM departed_voices")["bob"]["name"] == "Bob Stone"


def test_each_run_date_keeps_its_own_snapshot_and_a_rerun_replaces_it():
    from innercircle.ranking import RankingConfig
    from innercircle.stages.ranking import write_snapshot
    from tests.builders import document_row, load_world, mention_row

    con = duckdb.connect()
    warehouse.ensure_schema(con)
    docs = [document_row(f"d{i}", f"s{i}.example", datetime(2026, 3, 1)) for i in range(3)]
    load_world(
        con,
        docs,
        [mention_row(f"m{i}", f"d{i}", "Ada Broad") for i in range(3)],
        {d["doc_id"]: "fintech" for d in docs},
        {"ada broad": ("p1", "Ada Broad")},
    )
    for when in (datetime(2026, 3, 2, 2), datetime(2026, 3, 3, 2), datetime(2026, 3, 3, 5)):
        write_snapshot(con, RankingConfig(), when, when.date())
    dates = [
        r[0] for r in con.execute("SELECT snapshot_date FROM voice_history ORDER BY 1").fetchall()
    ]
    assert dates == [date(2026, 3, 2), date(2026, 3, 3)]
    names = {r[0] for r in con.execute("SELECT name FROM voice_history").fetchall()}
    assert names == {"Ada Broad"}  # each snapshot names its voices
