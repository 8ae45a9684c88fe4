"""Profiles, relevance, feeds, "who" and exports on the sample web: the session's shared
nightly run (``sample_run``), read-only, or copies of its warehouse where a test writes."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import feedparser
import pytest

from innercircle import warehouse
from innercircle.export import circle_query
from innercircle.feeds import parse_feed
from innercircle.sampleweb import build_sample_web, serve
from innercircle.stages import profiles as profiles_stage
from innercircle.stages.profiles import profile_texts, write_profiles
from tests.conftest import copy_warehouse, innercircle

pytestmark = pytest.mark.slow(seconds=30)


@pytest.fixture(scope="module")
def published(sample_run):
    con = duckdb.connect(str(sample_run.warehouse), read_only=True)
    yield con
    con.close()


def test_every_ranked_voice_has_a_profile(published):
    missing = published.execute(
        """SELECT count(*) FROM recurring_voices v LEFT JOIN voice_profiles p
           USING (industry, person_id) WHERE p.person_id IS NULL""").fetchone()[0]
    assert missing == 0
    n, with_beats, with_5, most = published.execute(
        """SELECT count(*), count(*) FILTER (WHERE len(beats) > 0),
                  count(*) FILTER (WHERE len(beats) >= 5), max(len(beats))
           FROM voice_profiles""").fetchone()
    assert with_beats >= n - max(1, n // 100) and with_5 >= n // 2 and most <= 10
    # A voice known from one piece alone may have no phrase left to call a beat; a voice
    # read in two or more always has one.
    bare = published.execute(
        """SELECT v.name, v.distinct_documents FROM recurring_voices v JOIN voice_profiles p
           USING (industry, person_id) WHERE len(p.beats) = 0""").fetchall()
    assert all(documents == 1 for _, documents in bare), bare
    # no sample-web source states a focus: relevance is NULL, not 0
    assert published.execute(
        "SELECT count(*) FROM voice_profiles WHERE relevance IS NOT NULL").fetchone()[0] == 0


def test_no_beat_is_a_name_of_the_people_in_the_industry(published):
    beats = {b for (b,) in published.execute(
        "SELECT DISTINCT unnest(beats) FROM voice_profiles").fetchall()}
    names = {n.lower() for (n,) in published.execute("SELECT name FROM people").fetchall()}
    assert not beats & names


def test_outlets_pieces_links_and_circle_agree_with_the_evidence(published):
    rows = published.execute(
        """SELECT industry, person_id, writes_for, carried_by, latest, cites, cited_by
           FROM voice_profiles WHERE rank <= 10""").fetchall()
    pair = """SELECT count(DISTINCT a.doc_id) FROM mention_facts a JOIN mention_facts b
              ON a.doc_id = b.doc_id AND a.industry = b.industry
              WHERE a.industry = ? AND a.person_id = ? AND a.role = 'author'
              AND b.person_id = ? AND b.role = 'mentioned'"""
    for industry, pid, writes_for, carried_by, latest, cites, cited_by in rows:
        wrote = {h for (h,) in published.execute(
            """SELECT DISTINCT host FROM mention_facts WHERE industry = ? AND person_id = ?
               AND role = 'author'""", [industry, pid]).fetchall()}
        assert set(writes_for) == wrote
        dates = [p["published_at"] for p in latest if p["published_at"]]
        assert dates == sorted(dates, reverse=True) and len(latest) <= 5
        named_by = {h for (h,) in published.execute(
            """SELECT DISTINCT host FROM mention_facts WHERE industry = ? AND person_id = ?
               AND role = 'mentioned'""", [industry, pid]).fetchall()}
        assert set(carried_by) == named_by
        for c in cites:  # pid wrote c["documents"] pieces naming c
            assert published.execute(pair, [industry, pid, c["person_id"]]).fetchone()[0] == (
                c["documents"])
        for c in cited_by:  # c wrote c["documents"] pieces naming pid
            assert published.execute(pair, [industry, c["person_id"], pid]).fetchone()[0] == (
                c["documents"])
        assert [c["documents"] for c in cites] == sorted(
            (c["documents"] for c in cites), reverse=True)
    with_links = published.execute(
        "SELECT count(*) FROM voice_profiles WHERE len(profiles) > 0").fetchone()[0]
    assert with_links > 0  # the sample web's author pages carry rel=me / sameAs links


def test_relevance_follows_the_focus_and_never_changes_the_score(sample_run, tmp_path):
    work = tmp_path / "w.duckdb"
    shutil.copy(sample_run.warehouse, work)
    with warehouse.connect(work) as con:
        industry, topic = con.execute(
            """SELECT industry, beats[1] FROM voice_profiles WHERE len(beats) > 0
               ORDER BY industry, rank LIMIT 1""").fetchone()
        before = con.execute("SELECT person_id, score FROM recurring_voices").fetchall()
        figures = write_profiles(con, {industry: topic}, datetime(2030, 1, 1))
        assert con.execute("SELECT person_id, score FROM recurring_voices").fetchall() == before
        rel = con.execute(
            "SELECT industry, min(relevance), max(relevance), count(relevance) "
            "FROM voice_profiles GROUP BY 1").fetchall()
        for ind, lo, hi, n in rel:
            if ind == industry:
                assert (lo, hi) == (0, 100) and n > 0
            else:
                assert n == 0  # no focus there
        assert figures[industry]["mean_relevance"] is not None
        first = con.execute(
            """SELECT name, relevance, focus FROM inner_circle_for_focus
               WHERE industry = ? ORDER BY focus_rank LIMIT 1""", [industry]).fetchone()
        assert first[1] == 100 and first[2] == topic


def test_the_profiles_of_one_ranking_are_computed_once(sample_run, tmp_path, monkeypatch):
    """The ranking's preview and the profiles step ask for the same beats: the second
    call on unchanged inputs reuses the first; any change to an input computes again."""
    work = tmp_path / "w.duckdb"
    shutil.copy(sample_run.warehouse, work)
    computed = []
    real = profiles_stage._profile_texts
    monkeypatch.setattr(profiles_stage, "_profile_texts",
                        lambda con, focus: computed.append(1) or real(con, focus))
    monkeypatch.setattr(profiles_stage, "_LAST_TEXTS", {})
    with warehouse.connect(work) as con:
        first = profile_texts(con, {})
        assert profile_texts(con, {}) == first and len(computed) == 1
        industry = first[0]["industry"]
        assert profile_texts(con, {industry: "payments"}) != first  # a focus: relevance
        assert len(computed) == 2
        con.execute("DELETE FROM recurring_voices WHERE rank = 1")  # the ranking changed
        again = profile_texts(con, {industry: "payments"})
        assert len(computed) == 3 and len(again) < len(first)


def test_the_nightly_feeds_are_valid_atom_listing_the_new_pieces(sample_run, published):
    feeds_dir = sample_run.warehouse.parent / "feeds"
    for (industry,) in published.execute(
            "SELECT DISTINCT industry FROM recurring_voices").fetchall():
        body = (feeds_dir / f"{industry}.atom").read_bytes()
        parsed = feedparser.parse(body)
        assert not parsed.bozo and parsed.version == "atom10"
        expected = {u for (u,) in published.execute(
            "SELECT DISTINCT url FROM voice_activity WHERE industry = ? AND is_new",
            [industry]).fetchall()}
        assert {e.link for e in parsed.entries} == expected and expected
        assert {e.url for e in parse_feed(body, "file:///x.atom").entries} == expected
        assert all(e.summary.split(" ")[0] in ("Written", "Quotes", "Names")
                   for e in parsed.entries)


@pytest.mark.slow
def test_a_run_over_a_grown_web_feeds_exactly_the_new_pieces(tmp_path):
    """Run over the sample web as it stood twelve days earlier, let it grow (the pieces
    of those days appear in feeds, on home and author pages), run again: each Atom feed
    lists exactly the new pieces that were written by, or name, a ranked voice (by the
    generator's answer key, through the names the warehouse resolved), and none of the
    pieces the first run saw."""
    from innercircle.extract.names import name_key
    from innercircle.settings import Settings
    from pipelines.runner import run_nightly

    full = build_sample_web(7, scale=0.5)
    as_of = full.reference_date - timedelta(days=12)
    early = build_sample_web(7, scale=0.5, as_of=as_of)
    with serve(early) as server:
        env = {
            "INNERCIRCLE_SOURCES": str(server.write_sources(tmp_path / "sources.yaml")),
            "INNERCIRCLE_WAREHOUSE": str(tmp_path / "innercircle.duckdb"),
            "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
            "INNERCIRCLE_HOST_RATE": "100",
            # As sample_env (tests/conftest.py) says why:
            "INNERCIRCLE_RETRIES": "0",
            "INNERCIRCLE_NER_PROCESSES": "1",
        }
        first = run_nightly(Settings.from_env({**env, "INNERCIRCLE_AS_OF": as_of.isoformat()}))
        assert first.success
        server.replace(full)
        second = run_nightly(
            Settings.from_env({**env, "INNERCIRCLE_AS_OF": full.reference_date.isoformat()}))
        assert second.success
        url = {id(a): server.url(a.host, a.path) for a in full.articles}
    new = {url[id(a)] for a in full.articles if not early.is_out(a)}
    old = {url[id(a)] for a in full.articles if early.is_out(a)}
    assert new and old
    con = duckdb.connect(str(tmp_path / "innercircle.duckdb"), read_only=True)
    ranked = set(con.execute("SELECT industry, person_id FROM recurring_voices").fetchall())
    person_of = dict(con.execute("SELECT alias_key, person_id FROM person_aliases").fetchall())

    def people(art) -> set[str]:  # noqa: ANN001
        return {person_of.get(name_key(form)) for n in {*art.authors, *art.mentioned}
                for form in (n, *full.truth.aliases.get(n, ()))} - {None}

    listed_any = 0
    for industry in full.industries:
        want = {url[id(a)] for a in full.articles
                if not early.is_out(a) and industry in full.blog(a.host).industries
                and any((industry, p) in ranked for p in people(a))}
        body = (tmp_path / "feeds" / f"{industry}.atom").read_bytes()
        parsed = feedparser.parse(body)
        assert not parsed.bozo and parsed.version == "atom10", industry
        links = {e.link for e in parsed.entries}
        assert {e.url for e in parse_feed(body, "file:///x.atom").entries} == links
        assert not links & old, industry
        assert links <= new, industry
        assert links == want, (industry, sorted(links ^ want))
        listed_any += len(links)
    assert listed_any >= 10


def test_who_lists_matching_voices_with_evidence(sample_run, published):
    industry, query = published.execute(
        """SELECT industry, beats[1] FROM voice_profiles WHERE len(beats) > 0
           AND beats[1] LIKE '% %' ORDER BY industry, rank LIMIT 1""").fetchone()
    result = innercircle("who", query, "--industry", industry, env=sample_run.env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and f"({industry} #" in lines[0]
    evidence = [ln.strip() for ln in lines if ln.startswith("    “")]
    words = set(query.lower().split())
    assert evidence and all(words & set(e.lower().replace("“", " ").split()) for e in evidence)
    none = innercircle("who", "zqxv wvutsr", env=sample_run.env)
    assert none.returncode == 1 and "no ranked voice" in none.stdout


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_exports_round_trip(sample_run, published, tmp_path, fmt):
    out = tmp_path / f"circle.{fmt}"
    result = innercircle("export", "--industry", "fintech", "--format", fmt, "--out", str(out),
                         env=sample_run.env)
    assert result.returncode == 0, result.stderr
    want = published.execute(circle_query(fmt), {"industry": "fintech"}).fetchall()
    con = duckdb.connect()
    if fmt == "csv":
        cur = con.execute(f"SELECT * FROM read_csv('{out}', header=true, all_varchar=true)")
        got = cur.fetchall()
        assert [c[0] for c in cur.description] == [
            c[0] for c in published.execute(circle_query("csv"), {"industry": "fintech"})
            .description]
        norm = [tuple(None if v is None else str(v) for v in row) for row in want]
        assert got == norm
    elif fmt == "parquet":
        assert con.execute(f"SELECT * FROM '{out}'").fetchall() == want
    else:
        rows = json.loads(out.read_text())
        assert [(r["rank"], r["person_id"], r["beats"]) for r in rows] == [
            (w[1], w[3], w[6]) for w in want]
    assert len(want) == published.execute(
        "SELECT count(*) FROM recurring_voices WHERE industry = 'fintech'").fetchone()[0]


def test_all_tables_export_as_parquet(sample_run, published, tmp_path):
    out = tmp_path / "tables"
    result = innercircle("export", "--all-tables", "--out", str(out), env=sample_run.env)
    assert result.returncode == 0, result.stderr  # Parquet without being told
    tables = [t for (t,) in published.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
    ).fetchall()]
    assert {p.stem for p in Path(out).glob("*.parquet")} == set(tables)
    con = duckdb.connect()
    for table in ("voice_profiles", "recurring_voices", "mentions"):
        assert con.execute(f"SELECT count(*) FROM '{out / (table + '.parquet')}'").fetchone() == \
            published.execute(f"SELECT count(*) FROM {table}").fetchone()


def test_export_into_a_folder_and_contradictory_options(sample_run, tmp_path):
    result = innercircle("export", "--industry", "fintech", "--out", str(tmp_path),
                         env=sample_run.env)
    assert result.returncode == 0, result.stderr  # the default name, in that folder
    assert (tmp_path / "innercircle-fintech.csv").stat().st_size > 0
    new = tmp_path / "exports"  # a folder not there yet, said to be one by its slash
    result = innercircle("export", "--industry", "fintech", "--out", f"{new}/",
                         env=sample_run.env)
    assert result.returncode == 0, result.stderr
    assert (new / "innercircle-fintech.csv").stat().st_size > 0
    for options, says in (
        (("--format", "csv"), "--all-tables writes Parquet only"),
        (("--industry", "fintech"), "leave --industry out"),
    ):
        result = innercircle("export", "--all-tables", *options, env=sample_run.env)
        assert result.returncode == 2 and says in result.stderr, result.stderr


def test_export_to_stdout_and_to_places_it_cannot_write(sample_run, tmp_path, monkeypatch,
                                                        capfd):
    """``--out -`` is stdout (CSV, JSON); a path that cannot be written is one line."""
    from innercircle import cli

    # A copy: this process may hold the shared file open already, with other settings.
    for key, value in copy_warehouse(sample_run, tmp_path).items():
        monkeypatch.setenv(key, value)
    assert cli.main(["export", "--industry", "fintech", "--format", "json", "--out", "-"]) == 0
    out, err = capfd.readouterr()
    assert json.loads(out)[0]["rank"] == 1 and "voices -> stdout" in err
    a_file = tmp_path / "voices.csv"
    a_file.write_text("not a folder")
    for args in (["--out", str(a_file / "x.csv")], ["--all-tables", "--out", str(a_file)]):
        assert cli.main(["export", *args]) == 1, args
        err = capfd.readouterr().err
        assert err.startswith("innercircle: error: cannot write ") and err.count("\n") == 1, err
    assert cli.main(["export", "--format", "parquet", "--out", "-"]) == 2
    assert cli.main(["who", "  "]) == 2
    assert "who needs a topic" in capfd.readouterr().err
    monkeypatch.setenv("INNERCIRCLE_WAREHOUSE", str(tmp_path))
    assert cli.main(["top"]) == 2
    assert f"{tmp_path} is a folder; name the warehouse file" in capfd.readouterr().err


def test_export_to_stdout_appends_and_ends_quietly_when_the_reader_stops(sample_run, tmp_path):
    """As a shell uses it: ``>> file`` keeps what the file held, ``| head`` ends with 141."""
    import os
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("innercircle")
    env = {**os.environ, **copy_warehouse(sample_run, tmp_path)}
    log = tmp_path / "log.csv"
    log.write_text("kept line\n")
    with log.open("ab") as appended:
        done = subprocess.run([exe, "export", "--industry", "fintech", "--out", "-"], env=env,
                              stdout=appended, stderr=subprocess.PIPE, check=False)
    assert done.returncode == 0, done.stderr
    lines = log.read_text().splitlines()
    assert lines[0] == "kept line" and lines[1].startswith("industry,rank,") and len(lines) > 3
    piped = subprocess.run(
        ["bash", "-c", f'"{exe}" export --format json --out - | head -c 10 >/dev/null; '
         'echo "${PIPESTATUS[0]}"'], env=env, capture_output=True, text=True, check=False)
    assert piped.stdout.strip() in ("0", "141") and "error" not in piped.stderr, piped.stderr


def test_the_ranking_materialization_carries_figures_per_industry_and_a_richer_preview(
    sample_run,
):
    [mat] = [m for m in sample_run.result.get_asset_materialization_events()
             if m.asset_key.to_user_string() == "recurring_voices"]
    meta = mat.materialization.metadata
    assert meta["fintech/voices"].value > 0
    assert meta["fintech/newcomers"].value == 0  # the first run is the baseline
    assert "fintech/departures" in meta and "fintech/mean_relevance" not in meta  # no focus
    md = meta["top_voices"].value
    assert "| beats | latest piece |" in md and "](http" in md
