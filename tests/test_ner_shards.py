"""NER in shards through the lake: plan → shards → store splits the work, caps texts,
replaces files and rows on a re-run, and finds what one pass over all documents finds;
the process pool finds what one process finds."""

from __future__ import annotations

from datetime import datetime

import pyarrow.parquet as pq
import pytest

from innercircle import lake, warehouse
from innercircle.errors import ModelLoadError
from innercircle.extract.ner_pool import PooledPersonFinder, cap_text, processes_for
from innercircle.extract.people import DocPeople
from innercircle.model import PersonMention
from innercircle.stages import arrow
from innercircle.stages.extraction import extract_mentions
from innercircle.stages.ner_shards import plan_shards, run_shard, store_shards
from tests.builders import document_row

MODEL = "fake-model"


class CapitalisedPairs:
    """A stand-in for PersonFinder: every two capitalised words in a row are a person."""

    calls: list[int]

    def __init__(self) -> None:
        self.calls = []

    def find_people(self, texts):
        texts = list(texts)
        self.calls.append(len(texts))
        out = []
        for text in texts:
            words = text.split()
            found = []
            for a, b in zip(words, words[1:], strict=False):
                if a[:1].isupper() and b[:1].isupper():
                    found.append(PersonMention(f"{a} {b}", f"{a} {b}", 0, 1, text[:50]))
            out.append(found)
        return out

    def analyse(self, texts, languages=None):
        return [DocPeople(mentions=found, language="en", model="pairs")
                for found in self.find_people(texts)]


def _documents(n: int) -> list[dict]:
    names = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra"]
    rows = []
    for i in range(n):
        text = f"today {names[i % 4]} said hello and {names[(i + 1) % 4]} agreed. " * 3
        if i == 0:
            text = ("a long paragraph without names. " * 200) + "at the end Late Name spoke."
        rows.append(document_row(f"d{i:03d}", "a.example", datetime(2026, 1, 1), text=text,
                                 text_chars=len(text), byline=["Byline Person"],
                                 byline_origin="page"))
    return rows


def _run(con, location: str, shards: int, max_chars: int = 2000) -> list:
    plans = plan_shards(con, MODEL, shards, location, max_chars)
    done = [run_shard(p, CapitalisedPairs()) for p in plans]
    store_shards(con, done)
    return done


def test_shards_find_what_one_pass_finds_and_a_rerun_duplicates_nothing(tmp_path):
    docs = _documents(40)
    location = str(tmp_path / "lake")
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        warehouse.insert(con, "documents", arrow(docs))
        plans = plan_shards(con, MODEL, 3, location, 2000)
        assert len(plans) == 3 and sum(p.documents for p in plans) == 40
        assert sum(p.cut for p in plans) == 1  # only d000 is longer than 2000 characters
        for p in plans:  # the plan wrote each shard's documents, capped, into the lake
            table = pq.read_table(p.input)
            assert table.num_rows == p.documents
            assert max(len(t) for t in table.column("text").to_pylist()) <= 2000
        store_shards(con, [run_shard(p, CapitalisedPairs()) for p in plans])
        sharded = con.execute("SELECT * EXCLUDE (snippet) FROM mentions ORDER BY ALL").fetchall()
        capped = [{**d, "text": cap_text(d["text"], 2000)[0]} for d in docs]
        expected = extract_mentions(capped, CapitalisedPairs())
        assert len(sharded) == len(expected) > 40
        assert "Late Name" not in {r[2] for r in sharded}  # cut off with the end of d000

        # Everything NER read is recorded: the next plan finds nothing to do.
        assert sum(p.documents for p in plan_shards(con, MODEL, 3, location, 2000)) == 0

        # A different model re-reads every document; rows are replaced, not added.
        con.execute("UPDATE mention_extractions SET model = 'older'")
        _run(con, location, 2)
        again = con.execute("SELECT * EXCLUDE (snippet) FROM mentions ORDER BY ALL").fetchall()
        assert again == sharded
        assert con.execute("SELECT count(*) FROM mention_extractions").fetchone()[0] == 40
    # Only this run's files are in the lake: two shards, nothing left from three.
    inputs = sorted(p.name for p in lake.path(location, "mentions", "input").iterdir())
    assert inputs == ["shard-0.parquet", "shard-1.parquet"]


def test_a_shard_run_twice_replaces_its_files(tmp_path):
    location = str(tmp_path / "lake")
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        warehouse.insert(con, "documents", arrow(_documents(10)))
        (plan,) = plan_shards(con, MODEL, 1, location, 2000)
        first = run_shard(plan, CapitalisedPairs())
        rows = pq.read_table(first.mentions).num_rows
        second = run_shard(plan, CapitalisedPairs())  # e.g. a worker died after writing
        assert pq.read_table(second.mentions).num_rows == rows
        store_shards(con, [second])
        store_shards(con, [second])  # a store retried after a crash
        count, distinct = con.execute(
            "SELECT count(*), count(DISTINCT mention_id) FROM mentions"
        ).fetchone()
    assert count == distinct == rows


def test_every_core_by_default_and_one_each_when_shards_share_them():
    assert processes_for(3) == 3
    assert processes_for(0, shards=1) >= 1
    assert processes_for(0, shards=64) == 1


@pytest.mark.slow  # two spawned processes, each loading the model
def test_the_pool_finds_exactly_what_one_process_finds():
    from innercircle.extract.people import PersonFinder
    from innercircle.settings import Settings

    model = Settings().spacy_model
    texts = [
        "Jane Smith, the chief executive, said the results were strong. Smith added more.",
        "",
        "Analysts including Rahul Mehta and Maria Garcia disagreed, Garcia told reporters.",
    ] * 12
    try:
        single = PersonFinder(model).find_people(texts)
    except ModelLoadError as exc:  # pragma: no cover - the model is installed by make
        pytest.skip(f"spaCy model unavailable: {exc}")
    with PooledPersonFinder(model, 2) as pooled:
        assert pooled.find_people(texts) == single
    assert any(single)


def test_a_step_on_one_process_reuses_the_model_it_loaded(tmp_path):
    from innercircle.settings import Settings
    from pipelines.definitions import build_resources

    ner = build_resources(Settings(ner_processes=1, warehouse_path=tmp_path / "w.duckdb"))["ner"]
    with ner.pooled_finder(shards=1) as finder:
        assert finder.processes == 1
        assert finder.find_people(["Jane Smith said so."]) == ner.finder().find_people(
            ["Jane Smith said so."]
        )
        assert finder._local is ner.finder()
