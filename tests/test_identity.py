"""One full name, two industries, nothing in common: two people. Shared evidence: one."""

from datetime import datetime

import duckdb

from innercircle import warehouse
from innercircle.identity import IndustryEvidence, split_id, split_unlinked_industries


def ev(industry: str, docs: int = 3, hosts=(), profiles=(), citing=()) -> IndustryEvidence:
    return IndustryEvidence(
        "p_alex", industry, docs, frozenset(hosts), frozenset(profiles), frozenset(citing)
    )


def test_a_name_in_two_unlinked_industries_is_split_and_the_larger_side_keeps_the_id():
    splits = split_unlinked_industries(
        [
            ev("fintech", docs=9, hosts={"a.example", "b.example"}),
            ev("biotech", docs=2, hosts={"c.example"}),
        ]
    )
    assert [(s.industry, s.split_person_id) for s in splits] == [
        ("biotech", split_id("p_alex", ["biotech"]))
    ]


def test_any_shared_site_profile_or_citing_author_keeps_one_person():
    for shared in (
        {"hosts": {"both.example"}},
        {"profiles": {"https://github.com/alex"}},
        {"citing": {"p_editor"}},
    ):
        fintech = ev("fintech", **{k: v | {"f-only"} for k, v in shared.items()})
        biotech = ev("biotech", **{k: v | {"b-only"} for k, v in shared.items()})
        assert split_unlinked_industries([fintech, biotech]) == [], shared


def test_links_are_transitive_across_three_industries():
    splits = split_unlinked_industries(
        [
            ev("fintech", hosts={"x.example"}),
            ev("climate", hosts={"x.example"}, profiles={"https://bsky.app/alex"}),
            ev("biotech", profiles={"https://bsky.app/alex"}),
        ]
    )
    assert splits == []


def test_split_ids_are_stable_and_differ_per_industry_group():
    assert split_id("p_alex", ["biotech"]) == split_id("p_alex", ["biotech"])
    assert split_id("p_alex", ["biotech"]) != split_id("p_alex", ["devtools"])


def test_the_warehouse_ranks_the_two_alex_morgans_apart():
    from innercircle.stages.ranking import split_unlinked_people
    from tests.builders import document_row, load_world, mention_row

    con = duckdb.connect()
    warehouse.ensure_schema(con)
    placed = [("fintech", "f1.example"), ("fintech", "f2.example"), ("biotech", "b1.example")]
    when = datetime(2026, 11, 1)
    docs = [document_row(f"d{i}", host, when) for i, (_, host) in enumerate(placed)]
    load_world(
        con,
        docs,
        [mention_row(f"m{i}", d["doc_id"], "Alex Morgan") for i, d in enumerate(docs)],
        {f"d{i}": industry for i, (industry, _) in enumerate(placed)},
        {"alex morgan": ("p_alex", "Alex Morgan")},
    )

    assert split_unlinked_people(con) == 1
    by_industry = dict(
        con.execute(
            "SELECT industry, any_value(person_id) FROM mention_facts GROUP BY 1"
        ).fetchall()
    )
    assert by_industry["fintech"] == "p_alex"
    assert by_industry["biotech"] == split_id("p_alex", ["biotech"])
    assert con.execute("SELECT count(*) FROM people WHERE name = 'Alex Morgan'").fetchone() == (2,)
    # Run again: the same answer, no duplicates.
    assert split_unlinked_people(con) == 1
    assert con.execute("SELECT count(*) FROM person_industry_splits").fetchone() == (1,)
