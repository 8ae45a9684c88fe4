"""Who acts as a person weighs in the ranking: a product named on many sites but never
quoted, never writing, never given a job title keeps half its score and falls behind a
person quoted on fewer sites; a byline author the NER model labelled ORG elsewhere is
still counted as mentioned there."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from innercircle import warehouse
from innercircle.ranking import NAMED_ONLY_FACTOR, RankingConfig, rank_voices
from tests.builders import document_row, load_world, mention_row

AS_OF = datetime(2026, 11, 1)


class Corpus:
    def __init__(self) -> None:
        self.con = duckdb.connect()
        warehouse.ensure_schema(self.con)
        self.docs: list[dict] = []
        self.mentions: list[dict] = []
        self.labels: list[dict] = []
        self.people: dict[str, tuple[str, str]] = {}

    def doc(self, host: str, author: str, named: dict[str, tuple[str, bool]] | None = None,
            org_labelled: tuple[str, ...] = (), days_ago: int = 1) -> str:
        """A piece by ``author`` naming people as ``{name: (sentence, quoted)}``, and
        ``org_labelled`` names the model tagged ORG (so no mention)."""
        doc_id = f"d{len(self.docs)}"
        self.docs.append(document_row(doc_id, host, AS_OF - timedelta(days=days_ago),
                                      byline=[author], language="en"))
        self.person(author)
        self.mentions.append({**mention_row(f"m{len(self.mentions)}", doc_id, author, "author"),
                              "snippet": None})
        for name, (sentence, quoted) in (named or {}).items():
            self.person(name)
            self.mentions.append({**mention_row(f"m{len(self.mentions)}", doc_id, name),
                                  "snippet": sentence, "quoted": quoted})
        for name in org_labelled:
            self.labels.append({"doc_id": doc_id, "name_key": name.lower(), "name": name,
                                "label": "ORG", "refused": "", "n": 1})
        return doc_id

    def person(self, name: str) -> None:
        self.people[name.lower()] = (f"p_{name.lower().replace(' ', '_')}", name)

    def rank(self) -> dict[str, dict]:
        industry_of = {d["doc_id"]: "devtools" for d in self.docs}
        load_world(self.con, self.docs, self.mentions, industry_of, self.people)
        if self.labels:
            warehouse.insert(self.con, "entity_labels", pa.Table.from_pylist(self.labels))
        return {r["name"]: r for r in rank_voices(self.con, RankingConfig(), AS_OF).to_pylist()}


def test_a_product_named_everywhere_falls_behind_a_person_quoted_on_fewer_sites():
    c = Corpus()
    product = ["Acme launched Clara AI last month.",
               "Teams using Clara AI reported fewer failures.",
               "The latest release of Clara AI adds better reporting."]
    for i in range(6):
        c.doc(f"p{i}.example", f"Writer P{i}", {"Clara AI": (product[i % 3], i % 3 == 2)},
              days_ago=3 * i)
    for i in range(4):
        c.doc(f"q{i}.example", f"Writer Q{i}",
              {"Jane Doe": ("“Talent is the bottleneck,” said Jane Doe.", True)}, days_ago=3 * i)
    rows = c.rank()
    clara, jane = rows["Clara AI"], rows["Jane Doe"]
    assert clara["person_docs"] == 0 and jane["person_docs"] == 4
    assert f"score × {NAMED_ONLY_FACTOR:g}" in clara["reasons"]
    assert "never acts as a person" not in jane["reasons"]
    assert clara["distinct_sources"] > jane["distinct_sources"]
    assert jane["score"] > clara["score"]
    assert rows["Writer P0"]["person_docs"] == 1  # a byline is a person


def test_without_any_sentence_nothing_is_held_against_a_name():
    c = Corpus()
    for i in range(3):
        c.doc(f"s{i}.example", f"Writer {i}", {"Ada Broad": ("", False)})
    ada = c.rank()["Ada Broad"]
    assert ada["person_docs"] is None and "never acts" not in ada["reasons"]


def test_a_byline_author_the_model_labelled_org_elsewhere_counts_as_mentioned_there():
    c = Corpus()
    c.doc("home.example", "Oluwa Makinde")
    for i in range(3):
        c.doc(f"s{i}.example", f"Writer {i}", org_labelled=("Oluwa Makinde", "Acme Labs"))
    rows = c.rank()
    makinde = rows["Oluwa Makinde"]
    assert (makinde["authored_docs"], makinde["mentioned_docs"]) == (1, 3)
    assert makinde["distinct_sources"] == 4 and makinde["citing_authors"] == 3
    assert "Acme Labs" not in rows  # only names the corpus knows as people
