"""The ranking favours breadth: many sites beat one site repeating a name."""

from datetime import datetime, timedelta

import duckdb
import pyarrow as pa
import pytest

from innercircle import warehouse
from innercircle.export import export_circle
from innercircle.ranking import SIGNALS, WEIGHTS, RankingConfig, rank_voices, score_explanation
from tests.builders import document_row, load_world, mention_row

AS_OF = datetime(2026, 11, 1)


class World:
    """A tiny warehouse built mention by mention."""

    def __init__(self):
        self.con = duckdb.connect()
        warehouse.ensure_schema(self.con)
        self.docs, self.mentions, self.clusters = [], [], []
        self.people: dict[str, tuple[str, str]] = {}
        self.industry_of: dict[str, str] = {}

    def doc(
        self, host: str, authors=(), mentioned=(), days_ago: int | None = 1, industry="fintech"
    ):
        """A document (undated when ``days_ago`` is None) and its mentions."""
        doc_id = f"d{len(self.docs)}"
        published = None if days_ago is None else AS_OF - timedelta(days=days_ago)
        self.docs.append(document_row(doc_id, host, published, byline=list(authors)))
        self.industry_of[doc_id] = industry
        for role, names in (("author", authors), ("mentioned", mentioned)):
            for name in names:
                self.people[name.lower()] = (name.lower(), name)
                self.mentions.append(mention_row(f"m{len(self.mentions)}", doc_id, name, role))
        return doc_id

    def repost(self, original: str, host: str, hours_later: int = 7) -> str:
        """The same story on another site: a copy that dedup puts in ``original``'s cluster."""
        src = next(d for d in self.docs if d["doc_id"] == original)
        names = {
            role: [
                m["name"] for m in self.mentions if m["doc_id"] == original and m["role"] == role
            ]
            for role in ("author", "mentioned")
        }
        days = (AS_OF - src["published_at"]).days
        copy = self.doc(
            host,
            authors=names["author"],
            mentioned=names["mentioned"],
            days_ago=days,
            industry=self.industry_of[original],
        )
        next(d for d in self.docs if d["doc_id"] == copy)["published_at"] += timedelta(
            hours=hours_later
        )
        members = [c for c in self.clusters if c["cluster_id"] == original]
        if not members:
            members.append({"doc_id": original, "cluster_id": original, "canonical": True})
            self.clusters.append(members[0])
        self.clusters.append({"doc_id": copy, "cluster_id": original, "canonical": False})
        return copy

    def rank(self, **config) -> list[dict]:
        if self.clusters:
            size = len(self.clusters)
            rows = [{**c, "cluster_size": size} for c in self.clusters]
            warehouse.insert(self.con, "document_clusters", pa.Table.from_pylist(rows))
        load_world(self.con, self.docs, self.mentions, self.industry_of, self.people)
        return rank_voices(self.con, RankingConfig(**config), AS_OF).to_pylist()

    def publish(self, signals=SIGNALS) -> None:
        """Rank with ``signals`` and store the ranking, as the pipeline's ranking step does."""
        self.rank()  # loads the warehouse
        table = rank_voices(self.con, RankingConfig(), AS_OF, signals)
        warehouse.replace_all(self.con, "recurring_voices", table)

    def exported(self, tmp_path, fmt: str = "csv", signals=SIGNALS) -> list[dict]:
        """The rows ``innercircle export`` writes in ``fmt``, read back."""
        out = tmp_path / f"circle.{fmt}"
        export_circle(self.con, fmt, out, signals=signals)
        reader = "read_csv" if fmt == "csv" else "read_parquet"
        return duckdb.sql(f"SELECT * FROM {reader}('{out}')").to_arrow_table().to_pylist()


def names(rows, industry="fintech"):
    return [r["name"] for r in rows if r["industry"] == industry]


def test_a_voice_many_sites_carry_outranks_a_single_site_prolific_writer():
    w = World()
    for i in range(40):  # one blogger, forty posts, one site, mentioning himself nowhere else
        w.doc("solo.example", authors=["Sol Blogger"], days_ago=i)
    for i, host in enumerate(["a.example", "b.example", "c.example", "d.example"]):
        w.doc(host, authors=[f"Writer {i}"], mentioned=["Ada Broad"], days_ago=7 * i)
    rows = w.rank()
    assert names(rows).index("Ada Broad") < names(rows).index("Sol Blogger")
    solo = next(r for r in rows if r["name"] == "Sol Blogger")
    assert solo["distinct_sources"] == 1 and solo["max_source_share"] == 1.0
    assert "single source" in solo["reasons"]


def test_a_name_one_site_repeats_fifty_times_does_not_outrank_a_broad_voice():
    w = World()
    for i in range(50):
        w.doc("loud.example", authors=["Lou Host"], mentioned=["Rex Repeated"], days_ago=i)
    for i, host in enumerate(["a.example", "b.example", "c.example"]):
        w.doc(host, authors=[f"Writer {i}"], mentioned=["Ada Broad"], days_ago=10 * i)
    rows = w.rank()
    assert names(rows).index("Ada Broad") < names(rows).index("Rex Repeated")


def test_signals_are_counted_per_document_and_author():
    w = World()
    w.doc("a.example", authors=["Ann Author"], mentioned=["Ada Broad"], days_ago=1)
    w.doc("b.example", authors=["Ben Author"], mentioned=["Ada Broad"], days_ago=8)
    w.doc("b.example", authors=["Ada Broad"], days_ago=15)
    ada = next(r for r in w.rank() if r["name"] == "Ada Broad")
    assert (ada["authored_docs"], ada["mentioned_docs"], ada["distinct_sources"]) == (1, 2, 2)
    assert ada["citing_authors"] == 2
    assert ada["distinct_weeks"] == 3


def test_recency_decay_makes_a_quiet_voice_fade():
    w = World()
    for i, host in enumerate(["a.example", "b.example", "c.example"]):
        w.doc(host, authors=[f"W{i}"], mentioned=["Fresh Voice"], days_ago=2 + i)
        w.doc(host, authors=[f"V{i}"], mentioned=["Old Voice"], days_ago=400 + i)
    rows = w.rank(half_life_days=30)
    fresh, old = (next(r for r in rows if r["name"] == n) for n in ("Fresh Voice", "Old Voice"))
    assert fresh["score"] > old["score"]


def test_a_voice_never_dated_has_no_recency_rather_than_the_freshest():
    """Undated pages say nothing of when a voice spoke: recency is NULL (the score takes
    the neutral half), not 1.0, which kept such a voice from ever fading."""
    w = World()
    for i, host in enumerate(["a.example", "b.example", "c.example"]):
        w.doc(host, authors=[f"W{i}"], mentioned=["Undated Voice"], days_ago=None)
        w.doc(host, authors=[f"V{i}"], mentioned=["Dated Voice"], days_ago=200)
    rows = w.rank(half_life_days=30)
    undated, dated = (next(r for r in rows if r["name"] == n) for n in ("Undated Voice",
                                                                        "Dated Voice"))
    assert undated["last_seen"] is None and undated["recency"] is None
    assert 0 < dated["recency"] < 0.02


def test_ranks_are_per_industry_and_cut_at_top_n():
    w = World()
    for i in range(5):
        w.doc(f"s{i}.example", authors=[f"Person {i}"], industry="fintech")
        w.doc(f"t{i}.example", authors=[f"Other {i}"], industry="climate")
    rows = w.rank(top_n=3)
    for industry in ("fintech", "climate"):
        assert [r["rank"] for r in rows if r["industry"] == industry] == [1, 2, 3]


@pytest.mark.parametrize("top_n", [1, 150])
def test_each_person_appears_once_per_industry(top_n):
    w = World()
    w.doc("a.example", authors=["Ann"], mentioned=["Ann", "Bob Two"])
    rows = w.rank(top_n=top_n)
    keys = [(r["industry"], r["person_id"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_a_story_reposted_on_many_sites_counts_once():
    w = World()
    wire = w.doc("a.example", authors=["Wire Writer"], mentioned=["Sy Ndicated"], days_ago=5)
    for host in ["b.example", "c.example", "d.example", "e.example"]:
        w.repost(wire, host)
    for i, host in enumerate(["a.example", "b.example", "c.example"]):
        w.doc(host, authors=[f"Writer {i}"], mentioned=["Ada Broad"], days_ago=3 + 9 * i)
    rows = w.rank()
    sy = next(r for r in rows if r["name"] == "Sy Ndicated")
    assert (sy["distinct_sources"], sy["distinct_documents"], sy["syndicated_copies"]) == (1, 1, 4)
    assert "4 reposts" in sy["reasons"]
    assert names(rows).index("Ada Broad") < names(rows).index("Sy Ndicated")
    writer = next(r for r in rows if r["name"] == "Wire Writer")
    assert writer["authored_docs"] == 1


def test_centrality_rewards_being_named_by_people_who_are_themselves_named():
    w = World()
    # Hub is named by five authors; Hub names Lee; Ray is named by one obscure author.
    for i in range(5):
        w.doc(f"s{i}.example", authors=[f"Author {i}"], mentioned=["Hub Person"], days_ago=i)
    w.doc("s0.example", authors=["Hub Person"], mentioned=["Lee Named"], days_ago=2)
    w.doc("s1.example", authors=["Nobody Known"], mentioned=["Ray Named"], days_ago=2)
    rows = {r["name"]: r for r in w.rank()}
    assert rows["Hub Person"]["centrality"] > 1 > rows["Author 0"]["centrality"]
    assert rows["Lee Named"]["centrality"] > rows["Ray Named"]["centrality"]
    assert rows["Lee Named"]["citing_authors"] == rows["Ray Named"]["citing_authors"] == 1


def test_recency_is_an_exponential_decay_with_the_configured_half_life():
    w = World()
    w.doc("a.example", authors=["Ann Author"], mentioned=["Mid Voice"], days_ago=30)
    w.doc("b.example", authors=["Ben Author"], mentioned=["Mid Voice"], days_ago=60)
    mid = next(r for r in w.rank(half_life_days=30) if r["name"] == "Mid Voice")
    assert mid["recency"] == pytest.approx(0.5, abs=0.01)
    w2 = World()
    w2.doc("a.example", authors=["Ann Author"], mentioned=["Mid Voice"], days_ago=30)
    w2.doc("b.example", authors=["Ben Author"], mentioned=["Mid Voice"], days_ago=60)
    slow = next(r for r in w2.rank(half_life_days=300) if r["name"] == "Mid Voice")
    assert slow["recency"] > 0.9 and slow["score"] > mid["score"]


def test_the_explanation_in_words_names_every_weighted_signal():
    text = score_explanation(RankingConfig(top_n=150, half_life_days=90))
    for signal, weight in WEIGHTS.items():
        if weight:
            assert f"{weight:g} × ln(1 + " in text, signal
    assert "counts once" in text
    assert "0.5^(days since last seen / 90)" in text and "top 150" in text


def test_a_signal_declared_once_reaches_the_sql_the_score_the_explanation_and_the_export(
    tmp_path,
):
    from dataclasses import replace

    from innercircle.ranking import Signal, ranking_sql

    toy = Signal(
        "toy_weeks_again",
        "t.distinct_weeks",
        2.0,
        "toy: weeks counted again",
        phrase=lambda row: f"toy {row['toy_weeks_again']}",
    )
    with_toy = (*SIGNALS, toy)
    sql = ranking_sql(with_toy)
    assert "t.distinct_weeks AS toy_weeks_again" in sql
    assert "$w_toy_weeks_again * ln(1 + toy_weeks_again)" in sql
    assert "2 × ln(1 + toy: weeks counted again)" in score_explanation(signals=with_toy)

    def world() -> World:
        w = World()
        for i, host in enumerate(["a.example", "b.example"]):
            w.doc(host, authors=[f"Writer {i}"], mentioned=["Ada Broad"], days_ago=8 * i)
        return w

    def ada(signals) -> dict:
        w = world()
        w.rank()  # loads the warehouse; rank again with the signals under test
        rows = rank_voices(w.con, RankingConfig(), AS_OF, signals).to_pylist()
        return next(r for r in rows if r["name"] == "Ada Broad")

    plain, toyed = ada(SIGNALS), ada(with_toy)
    assert toyed["toy_weeks_again"] == plain["distinct_weeks"] == 2
    assert "toy 2" in toyed["reasons"] and "toy" not in plain["reasons"]
    assert toyed["score"] > plain["score"]
    zero = ada((*SIGNALS, replace(toy, weight=0.0)))
    assert zero["score"] == plain["score"]

    # With its column in the warehouse (the ALTER TABLE in warehouse/schema), the signal
    # reaches the inner_circle view and the export too, nothing else touched.
    w = world()
    w.con.execute("ALTER TABLE recurring_voices ADD COLUMN toy_weeks_again INTEGER")
    w.publish(with_toy)
    assert w.con.execute(
        "SELECT toy_weeks_again FROM inner_circle WHERE name = 'Ada Broad'"
    ).fetchall() == [(2,)]
    exported = next(r for r in w.exported(tmp_path, "csv", with_toy) if r["name"] == "Ada Broad")
    assert exported["toy_weeks_again"] == 2


def test_the_inner_circle_view_and_the_export_carry_every_stored_signal(tmp_path):
    w = World()
    w.doc("a.example", authors=["Ann Author"], mentioned=["Ada Broad"], days_ago=1)
    w.doc("b.example", authors=["Ben Author"], mentioned=["Ada Broad"], days_ago=8)
    w.publish()
    stored = [s.name for s in SIGNALS if s.column]
    ada = w.con.sql("FROM recurring_voices WHERE name = 'Ada Broad'")
    [want] = ada.to_arrow_table().to_pylist()
    assert [n for n in stored if n not in w.con.table("inner_circle").columns] == []
    for fmt in ("csv", "parquet"):
        row = next(r for r in w.exported(tmp_path, fmt) if r["name"] == "Ada Broad")
        assert [n for n in stored if n not in row] == [], fmt
        assert {n: row[n] for n in stored} == {n: want[n] for n in stored}, fmt


def test_the_readme_states_the_weights_the_code_uses():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("### How the score works", 1)[1].split("\n## ", 1)[0]
    score = " ".join(section.split("\n4. ", 1)[1].split("\n5. ", 1)[0].split())
    pairs = re.findall(r"([a-z][a-z ]*) \((\d+\.\d+)\)", score)
    stated = {label.strip(): float(w) for label, w in pairs}
    scored = {s.readme: s.weight for s in SIGNALS if s.weight}
    assert stated == scored
    for s in SIGNALS:
        if s.weight == 0:
            assert f"{s.readme} has weight 0" in score, s.name


def test_the_readme_lists_every_stored_signal_in_how_the_score_works():
    """Step 2 of the README's "How the score works" names the signal columns of
    ``recurring_voices`` one by one: exactly the stored rows of ``SIGNALS``."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("### How the score works", 1)[1].split("\n## ", 1)[0]
    step = section.split("\n2. ", 1)[1].split("\n3. ", 1)[0]
    named = set(re.findall(r"`(\w+)`", step)) - {"recurring_voices"}
    assert named == {s.name for s in SIGNALS if s.column}
