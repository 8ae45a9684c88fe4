"""What the ranking's blocking checks look for, read from the warehouse by the ranking
stage (the asset only turns it into check results)."""

from __future__ import annotations

import duckdb

from innercircle import warehouse
from innercircle.stages.ranking import RankingFaults, ranking_faults


def ranked(con: duckdb.DuckDBPyConnection, voices: list[tuple[str, str]],
           industries: list[str], people: list[str]) -> None:
    """A warehouse with only what the checks read: ranked (industry, person_id), the
    industries of documents, and the people."""
    con.execute("CREATE TABLE recurring_voices (industry VARCHAR, person_id VARCHAR)")
    con.execute("CREATE TABLE document_industries (industry VARCHAR)")
    con.execute("CREATE TABLE people (person_id VARCHAR)")
    con.executemany("INSERT INTO recurring_voices VALUES (?, ?)", voices)
    con.executemany("INSERT INTO document_industries VALUES (?)", [(i,) for i in industries])
    con.executemany("INSERT INTO people VALUES (?)", [(p,) for p in people])


def test_a_sound_ranking_has_no_faults():
    con = duckdb.connect()
    ranked(con, [("fintech", "p1"), ("climate", "p1")], ["fintech", "climate"], ["p1"])
    assert ranking_faults(con) == RankingFaults(0, [])
    assert warehouse.orphan_count(con, "recurring_voices", "person_id", "people") == 0


def test_duplicates_unranked_industries_and_unknown_people_are_found():
    con = duckdb.connect()
    ranked(con, [("fintech", "p1"), ("fintech", "p1"), ("fintech", "p2")],
           ["fintech", "oceans", "climate", "oceans"], ["p1"])
    assert ranking_faults(con) == RankingFaults(1, ["climate", "oceans"])
    assert warehouse.orphan_count(con, "recurring_voices", "person_id", "people") == 1
