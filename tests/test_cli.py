"""The ``innercircle`` command, used as a user would from a shell."""

import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, innercircle


def test_run_leaves_a_published_warehouse_analysts_can_open_read_only(sample_run):
    public = sample_run.warehouse
    con = duckdb.connect(str(public), read_only=True)
    try:
        industries = con.execute("SELECT count(DISTINCT industry) FROM recurring_voices").fetchone()
    finally:
        con.close()
    assert industries[0] == 4


def test_top_prints_one_industry_with_a_limit(sample_run):
    result = innercircle("top", "--industry", "fintech", "--limit", "3", env=sample_run.env)
    assert result.returncode == 0, result.stderr
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert lines[0] == "fintech"
    assert [ln.split()[0] for ln in lines[2:]] == ["1", "2", "3"]


def test_top_without_a_warehouse_says_how_to_make_one(tmp_path):
    result = innercircle("top", env={"INNERCIRCLE_WAREHOUSE": str(tmp_path / "none.duckdb")})
    assert result.returncode == 1
    assert "innercircle run" in result.stderr


def test_a_failed_runs_summary_shows_no_ranking_and_says_readers_see_the_last_run(
    tmp_path, capsys
):
    from innercircle import cli, warehouse
    from innercircle.settings import Settings

    settings = Settings(warehouse_path=tmp_path / "innercircle.duckdb")
    with warehouse.connect(warehouse.working_path(settings.warehouse_path)):
        pass  # the working file a run left, its ranking unpublished
    cli.print_summary(settings, published=False)
    out = capsys.readouterr().out
    assert f"{settings.warehouse_path} not updated: nothing published yet" in out  # a first run
    assert "ranked voices" not in out  # nothing from the unpublished ranking
    warehouse.publish(warehouse.working_path(settings.warehouse_path), settings.warehouse_path)
    cli.print_summary(settings, published=False)
    out = capsys.readouterr().out
    assert f"{settings.warehouse_path} not updated: readers see the last finished run" in out
    cli.print_summary(settings)
    assert "no ranked voices" in capsys.readouterr().out


def test_a_published_runs_summary_ends_with_where_the_reports_are(tmp_path, capsys):
    from innercircle import cli, warehouse
    from innercircle.settings import Settings

    settings = Settings(warehouse_path=tmp_path / "innercircle.duckdb")
    with warehouse.connect(warehouse.working_path(settings.warehouse_path)):
        pass
    cli.print_summary(settings)
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"reports     {tmp_path / 'reports' / '<industry>.html'}")
    cli.print_summary(settings, published=False)  # nothing new was written there
    assert "reports " not in capsys.readouterr().out


def test_a_misspelt_industry_is_named_with_the_industries_there_are(tmp_path, monkeypatch,
                                                                    capsys):
    from innercircle import cli, warehouse

    public = tmp_path / "innercircle.duckdb"
    with warehouse.connect(public) as con:
        con.execute("INSERT INTO sources VALUES ('fintech', 'feed', 'https://a.example/f', "
                    "'a.example'), ('climate', 'feed', 'https://b.example/f', 'b.example')")
    monkeypatch.setenv("INNERCIRCLE_WAREHOUSE", str(public))
    for command in (["top"], ["who", "payments"], ["export"], ["sources", "suggest"]):
        assert cli.main([*command, "--industry", "fintek"]) == 1
        assert capsys.readouterr().err == (
            f"innercircle: error: no industry 'fintek' in {public} (it has climate, fintech)\n"
        )
    assert cli.main(["top", "--industry", "fintech"]) == 0  # known, not ranked yet
    assert capsys.readouterr().out == "no ranked voices for industry 'fintech'\n"


def test_a_warehouse_setting_pointing_at_another_kind_of_file_is_one_line(tmp_path):
    csv = tmp_path / "voices.csv"
    csv.write_text("name\nJane Doe\n")
    result = innercircle("top", env={"INNERCIRCLE_WAREHOUSE": str(csv)})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"innercircle: error: INNERCIRCLE_WAREHOUSE: {csv} is not a DuckDB database; "
        "move it away or point INNERCIRCLE_WAREHOUSE at another file"
    ]


def test_a_malformed_sources_file_fails_the_run_naming_the_line(tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  fintech:\n    feedz: [https://example.com/feed]\n")
    env = {"INNERCIRCLE_SOURCES": str(sources), "INNERCIRCLE_WAREHOUSE": str(tmp_path / "w.duckdb")}
    result = innercircle("run", env=env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"innercircle: error: INNERCIRCLE_SOURCES: {sources}:3: unknown key")


def test_a_missing_sources_file_is_one_line_naming_the_setting_before_any_run(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    env = {"INNERCIRCLE_SOURCES": str(missing), "INNERCIRCLE_WAREHOUSE": str(tmp_path / "w.duckdb")}
    result = innercircle("run", env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"innercircle: error: INNERCIRCLE_SOURCES={missing}: no such file "
        "(start from sources.example.yaml)"
    ]
    assert not (tmp_path / "w.work.duckdb").exists()  # no run started


def test_a_future_as_of_date_is_refused_before_the_run(tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  fintech:\n    feeds: [https://a.example/feed]\n")
    env = {
        "INNERCIRCLE_SOURCES": str(sources),
        "INNERCIRCLE_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "INNERCIRCLE_AS_OF": "2999-01-01",
    }
    result = innercircle("run", env=env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("innercircle: error: INNERCIRCLE_AS_OF=2999-01-01") and "future" in line


def test_extract_prints_one_json_object_per_file(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><meta name='author' content='Jane Doe'><title>T</title></head><body>"
        "<article><p>Robert Kim met investors in Boston on Monday.</p></article>"
        "<footer>© Jane Doe</footer></body></html>"
    )
    feed = tmp_path / "feed.xml"
    feed.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>F</title>"
        "<item><title>A</title><link>https://example.com/a</link>"
        "<author>jane@example.com (Jane Doe)</author></item></channel></rss>"
    )
    result = innercircle("extract", str(page), str(feed), env={})
    assert result.returncode == 0, result.stderr
    page_rec, feed_rec = (json.loads(ln) for ln in result.stdout.splitlines())
    assert page_rec["kind"] == "page" and page_rec["authors"] == ["Jane Doe"]
    assert "Robert Kim" in page_rec["people"]
    assert feed_rec["kind"] == "feed"
    assert feed_rec["entries"][0]["authors"] == ["Jane Doe"]


def test_output_piped_into_head_ends_quietly(tmp_path):
    import subprocess
    import sys

    pages = []
    for i in range(300):
        pages.append(tmp_path / f"p{i}.html")
        pages[-1].write_text(f"<html><head><meta name='author' content='Jane Doe {i}'></head>"
                             "<body><article><p>Text.</p></article></body></html>")
    # `innercircle extract --no-people ... | head -0`: the reader goes before the first line
    # (after it, the ~40 KB left would fit a pipe's buffer and the test pass by luck).
    reader = subprocess.Popen(
        [str(Path(sys.executable).with_name("innercircle")), "extract", "--no-people", *pages],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    reader.stdout.close()
    stderr = reader.stderr.read()
    assert reader.wait(timeout=60) == 141
    assert stderr == ""


def test_a_broken_pipe_that_is_not_stdout_is_an_error_not_a_quiet_exit(monkeypatch):
    import os

    from innercircle import cli

    def lost_connection(args):  # e.g. a socket inside `run` whose peer went away
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "cmd_top", lost_connection)
    with open(os.devnull, "w") as healthy:  # stdout itself is fine
        monkeypatch.setattr("sys.stdout", healthy)
        assert not cli.stdout_is_broken()
        with pytest.raises(BrokenPipeError):
            cli.main(["top"])


def test_stdout_whose_reader_has_gone_is_told_apart(monkeypatch):
    import os

    from innercircle import cli

    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as piped:
        monkeypatch.setattr("sys.stdout", piped)
        assert not cli.stdout_is_broken()
        os.close(read_end)  # `| head` has exited
        assert cli.stdout_is_broken()


def test_import_opml_prints_sources_keeping_what_is_there(tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  fintech:\n    feeds: [https://a.example/feed]\n")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        "<?xml version='1.0'?><opml version='2.0'><body><outline text='Tech'>"
        "<outline type='rss' text='B' xmlUrl='https://b.example/rss'/>"
        "<outline type='rss' text='A' xmlUrl='https://a.example/feed'/>"
        "</outline></body></opml>"
    )
    result = innercircle(
        "import-opml",
        str(opml),
        "--industry",
        "fintech",
        "--print",
        env={"INNERCIRCLE_SOURCES": str(sources)},
    )
    assert result.returncode == 0, result.stderr
    from innercircle.sources import parse_sources

    urls = [s.url for s in parse_sources(result.stdout)]
    assert urls == ["https://a.example/feed", "https://b.example/rss"]


def test_demo_on_a_busy_port_says_how_to_pick_another(tmp_path, sample_web):
    import socket

    busy = socket.socket()
    busy.bind((sample_web.hosts[0], 0))  # one of the demo web's own addresses
    busy.listen()
    try:
        port = busy.getsockname()[1]
        result = innercircle(
            "demo",
            "--port",
            str(port),
            env={"INNERCIRCLE_WAREHOUSE": str(tmp_path / "innercircle.duckdb")},
        )
    finally:
        busy.close()
    assert result.returncode == 1
    assert "innercircle demo --port N" in result.stderr


def test_demo_checks_its_settings_and_port_before_writing_anything(tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    env = {"INNERCIRCLE_WAREHOUSE": str(tmp_path / "notes.txt" / "innercircle.duckdb")}
    result = innercircle("demo", env=env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("innercircle: error: INNERCIRCLE_WAREHOUSE")
    folder = tmp_path / "folder.duckdb"
    folder.mkdir()  # a folder where the warehouse file should be
    assert innercircle("demo", env={"INNERCIRCLE_WAREHOUSE": str(folder)}).returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.duckdb", "notes.txt"]
    result = innercircle("demo", "--port", "70000", env=env)
    assert result.returncode == 2 and "70000 is not a port (0 to 65535)" in result.stderr


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_ctrl_c_in_a_run_is_one_line_and_leaves_nothing_half_published(tmp_path, monkeypatch,
                                                                      capsys, signal_name):
    import os
    import signal

    from innercircle import cli, warehouse
    from tests.hostile_server import serve

    def ctrl_c(handler):  # Ctrl-C (or `timeout`'s SIGTERM) while the crawler reads the feed
        os.kill(os.getpid(), getattr(signal, signal_name))
        handler.send_response(503)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with serve({"/feed.xml": ctrl_c}, "127.0.0.81") as srv:
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"industries:\n  x:\n    feeds: [{srv.url('/feed.xml')}]\n")
        monkeypatch.setenv("INNERCIRCLE_SOURCES", str(sources))
        monkeypatch.setenv("INNERCIRCLE_WAREHOUSE", str(tmp_path / "innercircle.duckdb"))
        monkeypatch.setenv("INNERCIRCLE_ALLOW_PRIVATE_NETWORKS", "1")
        monkeypatch.setenv("INNERCIRCLE_RESPECT_ROBOTS", "0")
        monkeypatch.delenv("DAGSTER_HOME", raising=False)
        code = cli.main(["run"])
    out, err = capsys.readouterr()
    assert code == 130, err[-3000:]
    assert err.splitlines()[-1] == cli.INTERRUPTED
    assert "Traceback" not in err and "STEP_FAILURE" not in err and out == ""
    assert not (tmp_path / "innercircle.duckdb").exists()  # nothing published half-way
    # Recorded all the same: a nightly run stopped by `timeout` must not pass unnoticed.
    (record,) = map(json.loads, (tmp_path / "run_failures.jsonl").read_text().splitlines())
    assert record["message"] == "interrupted" and record["failed_steps"]
    with warehouse.connect(tmp_path / "innercircle.work.duckdb") as con:  # a re-run opens it
        assert con.execute("SELECT count(*) FROM sources").fetchone() == (1,)


def test_the_readme_lists_every_command_with_the_options_it_has():
    import argparse
    import re

    from innercircle.cli import build_parser

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("\n## The command line\n", 1)[1].split("\n## ", 1)[0]
    documented = {}
    for usage in re.findall(r"^\| `innercircle ([^`]*)` \|", section, flags=re.M):
        words = usage.split()
        name = " ".join(words[:2]) if words[0] == "sources" else words[0]
        documented[name] = set(re.findall(r"--[a-z-]+", usage))

    def subcommands(parser, prefix=""):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    nested = list(subcommands(child, f"{prefix}{name} "))
                    yield from nested or [(f"{prefix}{name}", child)]

    commands = dict(subcommands(build_parser()))
    assert set(documented) == set(commands)
    for name, parser in commands.items():
        options = {o for a in parser._actions for o in a.option_strings} - {"-h", "--help"}
        assert documented[name] == options, name


def test_a_count_below_one_is_a_usage_error(capsys):
    import pytest

    from innercircle import cli

    for argv in (["top", "--limit", "0"], ["sources", "accept", "--industry", "x", "--top", "-2"]):
        with pytest.raises(SystemExit) as exited:
            cli.main(argv)
        assert exited.value.code == 2
        assert capsys.readouterr().err.splitlines()[-1].endswith("is not 1 or more")
    # Options that are each valid but leave out what the command needs: a usage error too.
    assert cli.main(["sources", "accept", "--industry", "x"]) == 2
    assert capsys.readouterr().err == (
        "innercircle: error: say which: --top N, or the URLs or hosts to accept\n")
    assert cli.main(["sources", "accept", "--industry", "x", "--top", "1", "example.com"]) == 2
    assert capsys.readouterr().err.endswith("to accept, not both\n")


def test_extract_with_a_model_that_is_not_installed_names_the_setting(tmp_path, monkeypatch,
                                                                      capsys):
    from innercircle import cli

    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Jane Doe spoke.</p></body></html>")
    monkeypatch.setenv("INNERCIRCLE_SPACY_MODEL", "en_core_web_typo")
    assert cli.main(["extract", str(page)]) == 2
    assert capsys.readouterr().err.startswith(
        "innercircle: error: INNERCIRCLE_SPACY_MODEL=en_core_web_typo is not an installed"
    )


def test_import_opml_print_refuses_a_sources_file_it_could_not_write(tmp_path, monkeypatch,
                                                                    capsys):
    from innercircle import cli

    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  x:\n    feedz: [https://a.example/feed]\n")
    opml = tmp_path / "subs.opml"
    opml.write_text('<opml><body><outline type="rss" xmlUrl="https://b.example/f"/></body></opml>')
    monkeypatch.setenv("INNERCIRCLE_SOURCES", str(sources))
    assert cli.main(["import-opml", str(opml), "--industry", "x", "--print"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and f"{sources}:3: unknown key 'feedz'" in err


def test_importing_the_same_opml_twice_adds_nothing_the_second_time(tmp_path, monkeypatch,
                                                                    capsys):
    from innercircle import cli

    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  x:\n    feeds: [https://a.example/feed]\n")
    opml = tmp_path / "subs.opml"
    opml.write_text('<opml><body><outline type="rss" xmlUrl="https://a.example/feed"/>'
                    '<outline type="rss" xmlUrl="https://b.example/f"/></body></opml>')
    monkeypatch.setenv("INNERCIRCLE_SOURCES", str(sources))
    assert cli.main(["import-opml", str(opml), "--industry", "x"]) == 0
    assert "added 1 of the file's 2 feeds under 'x'" in capsys.readouterr().err
    once = sources.read_text()
    assert cli.main(["import-opml", str(opml), "--industry", "x"]) == 0
    assert "added 0 of the file's 2 feeds under 'x'" in capsys.readouterr().err
    assert sources.read_text() == once
    # A file cut short before its first feed adds nothing, and says so.
    opml.write_text('<opml><body><outline type="rss" xmlU')
    assert cli.main(["import-opml", str(opml), "--industry", "x"]) == 1
    assert "lists no http(s) feed" in capsys.readouterr().err
    assert sources.read_text() == once


@pytest.mark.parametrize(
    "placeholder",
    ["# my sources, to fill in\n", "industries:\n", "industries:\n  x:\n"],
    ids=["only-a-comment", "bare-industries", "empty-industry"],
)
def test_import_opml_fills_the_placeholder_a_new_user_starts_from(tmp_path, monkeypatch,
                                                                  capsys, placeholder):
    from innercircle import cli
    from innercircle.sources import load_sources

    sources = tmp_path / "sources.yaml"
    sources.write_text(placeholder)
    opml = tmp_path / "subs.opml"
    opml.write_text('<opml><body><outline type="rss" xmlUrl="https://b.example/f"/></body></opml>')
    monkeypatch.setenv("INNERCIRCLE_SOURCES", str(sources))
    assert cli.main(["import-opml", str(opml), "--industry", "x"]) == 0
    assert f"added 1 of the file's 1 feed under 'x' in {sources}" in capsys.readouterr().err
    assert [s.url for s in load_sources(sources)] == ["https://b.example/f"]


def test_a_dagster_home_without_settings_gets_the_repositorys(tmp_path):
    # Dagster's defaults print a banner and telemetry in every run and set no writer pool.
    from pipelines.runner import give_home_our_settings

    home = tmp_path / "dagster_home"
    assert give_home_our_settings(home)
    assert (home / "dagster.yaml").read_text() == (ROOT / "dagster.yaml").read_text()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")  # the user's own
    assert not give_home_our_settings(home)
    assert (home / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"


def test_slots_held_by_runs_that_ended_are_given_back(tmp_path):
    # A Celery run that ends before its step releases the duckdb_writer slot (broker gone,
    # submitter stopped) must not keep every later run waiting.
    import dagster as dg

    from pipelines.runner import free_slots_of_ended_runs

    @dg.asset
    def toy() -> None:
        return None

    with dg.DagsterInstance.from_config(str(_home(tmp_path))) as instance:
        ended = dg.materialize([toy], instance=instance).run_id
        storage = instance.event_log_storage
        storage.set_concurrency_slots("duckdb_writer", 1)
        storage.claim_concurrency_slot("duckdb_writer", ended, "store")
        assert storage.get_concurrency_run_ids() == {ended}
        assert free_slots_of_ended_runs(instance) == 1
        assert storage.get_concurrency_run_ids() == set()


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    return home


def test_a_celery_run_stopped_while_waiting_is_one_line_and_exit_130(tmp_path, monkeypatch,
                                                                     capsys):
    import dagster as dg

    from innercircle import cli, setting_checks
    from pipelines import runner

    def stopped(*args, **kwargs):  # Ctrl-C or SIGTERM while the workers run the job
        raise dg.DagsterExecutionInterruptedError()

    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  x:\n    feeds: [https://a.example/feed]\n")
    monkeypatch.setattr(runner.dg, "execute_job", stopped)
    monkeypatch.setattr(runner, "refuse_without_workers", lambda settings: None)  # they answer
    monkeypatch.setenv("INNERCIRCLE_SOURCES", str(sources))
    monkeypatch.setenv("INNERCIRCLE_EXECUTOR", "celery")
    monkeypatch.setenv("DAGSTER_HOME", str(_home(tmp_path)))
    # The broker and the PostgreSQL instance (checked before a run: tests/test_settings.py)
    monkeypatch.setattr(setting_checks, "check_broker", lambda broker: None)
    monkeypatch.setattr(runner, "check_instance", lambda home: None)
    assert cli.main(["run"]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == "innercircle: interrupted"
