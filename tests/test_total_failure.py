"""A night in which every source failed fails loudly: one line and a non-zero exit from
``innercircle run``, a blocking check, and a record of the failed run. A partial failure
stays a warning."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from assets.crawl import feeds, sources
from innercircle import cli, warehouse
from innercircle.fetch.outcome import crawl_outcome, failed_fetch
from innercircle.model import FetchResult, Source
from innercircle.settings import Settings
from innercircle.stages import arrow
from innercircle.stages.crawl import (
    CrawlOutput,
    failed_sources_message,
    last_run_fetch_failures,
    last_run_source_errors,
    last_run_total_failure,
    store_sources,
    total_failure_message,
)
from pipelines.definitions import ALL_CHECKS, build_resources
from pipelines.sensors import run_failure_recorder
from tests.hostile_server import refused_port, serve, static

EMPTY_RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title>
<link>http://example.test/</link></channel></rss>"""


def test_the_line_counts_failures_by_kind():
    assert total_failure_message({"a": "connect_error", "b": "connect_error", "c": "timeout"}) == (
        "all 3 sources failed (2 connect errors, 1 timeout): is the network reachable?"
    )
    assert total_failure_message({"a": "connect_error", "b": None}) is None  # one worked
    assert total_failure_message({}) is None  # nothing listed is not a network failure
    # One cause the user can act on: the line says what to do instead.
    assert total_failure_message({"a": "blocked_address"}) == (
        "all 1 sources failed (1 blocked address): private and loopback addresses are "
        "refused unless INNERCIRCLE_ALLOW_PRIVATE_NETWORKS=1"
    )
    assert total_failure_message({"a": "host_backoff", "b": "host_backoff"}) == (
        "all 2 sources failed (2 hosts in backoff): their hosts failed on earlier runs and "
        "are retried later (see host_health)"
    )


def test_the_network_is_asked_about_only_when_no_host_could_be_reached():
    assert total_failure_message({"a": "timeout", "b": "host_backoff", "c": "tls_error"}) == (
        "all 3 sources failed (1 host in backoff, 1 timeout, 1 TLS error): "
        "is the network reachable?"
    )
    # A dead feed failed on earlier nights, as a host in backoff did: it changes nothing.
    assert total_failure_message({"a": "connect_error", "b": "dead_feed"}).endswith(
        "is the network reachable?")
    # Nothing asked tonight at all: no network to doubt.
    assert total_failure_message({"a": "dead_feed", "b": "host_backoff"}).endswith(
        "they failed on earlier runs and are retried later (see host_health, feed_health)")
    # Hosts that answered, with something we could not use: the reasons are per source.
    assert total_failure_message({"a": "not_a_feed", "b": "not_a_feed"}) == (
        "all 2 sources failed (2 unreadable feeds): see each one's error in the feeds "
        "table and crawl_log"
    )
    for errors in ({"a": "too_large", "b": "http_error", "c": "http_error"},
                   {"a": "connect_error", "b": "http_error"},
                   {"a": "invalid_url"}):
        assert not total_failure_message(errors).endswith("is the network reachable?")


def night(con, stage: str, results: dict[str, FetchResult]) -> None:
    """One run of ``stage`` in the warehouse's crawl log: each URL with its result."""
    out = CrawlOutput()
    for url, result in results.items():
        out.record("run1", stage, url, result)
    warehouse.insert(con, "crawl_log", arrow(out.crawl_log))


def test_the_crawl_checks_and_the_every_source_failed_line_count_the_same_failures(tmp_path):
    down = FetchResult(url="a", final_url="a", error_class="connect_error")
    queued = FetchResult(url="b", final_url="b", error_class="host_budget")  # tonight's budget
    authors = {"https://a.example/me": down, "https://b.example/me": queued}
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        store_sources(con, [Source("oceans", "author", url) for url in authors])
        night(con, "author_pages", authors)
        failures = last_run_fetch_failures(con, "author_pages")
        line = last_run_total_failure(con)
    # A page left for a later night by the budget is not a failed fetch: one of two
    # failed, so not every source did.
    assert (failures.requests, failures.failed, failures.errors) == (2, 1, {"connect_error"})
    assert line is None
    # A feed known dead is: nothing was reached, as for a host in backoff.
    dead = FetchResult(url="f", final_url="f", error_class="dead_feed")
    assert failed_fetch(crawl_outcome(dead), dead.error_class)
    assert not failed_fetch(crawl_outcome(queued), queued.error_class)


def test_the_summary_names_the_sources_that_failed(tmp_path, capsys):
    """Seven of eight feeds broken in the ways a user pass met: the summary says which,
    five by name, in one line, and where to read the rest."""
    answered = FetchResult(url="", final_url="", status=200, body=b"x")
    requests = {
        "http://a.example/feed": FetchResult(url="", final_url="", status=500,
                                             error_class="http_error"),
        "http://b.example/feed": FetchResult(url="", final_url="",
                                             error_class="too_many_redirects"),
        "http://c.example/feed": FetchResult(url="", final_url="", error_class="timeout"),
        "http://d.example/feed": FetchResult(url="", final_url="", error_class="connect_error"),
        "http://e.example/feed": FetchResult(url="", final_url="", status=200, body=b""),
        "http://f.example/feed": answered,  # a page, not a feed
        "http://g.example/feed": answered,  # malformed XML
        "http://ok.example/feed": answered,
    }
    statuses = {url: "ok" if "ok." in url else "error" for url in requests}
    settings = Settings(warehouse_path=tmp_path / "innercircle.duckdb")
    with warehouse.connect(warehouse.working_path(settings.warehouse_path)) as con:
        store_sources(con, [Source("oceans", "feed", url) for url in requests])
        night(con, "feeds", requests)
        warehouse.insert(con, "feeds", arrow([
            {"source_url": url, "feed_url": url, "via": "listed", "title": None,
             "site_link": None, "format": None, "entries": 0, "status": status,
             "error": None, "checked_at": datetime(2026, 12, 7)}
            for url, status in statuses.items()
        ]))
    cli.print_summary(settings, published=False)
    lines = capsys.readouterr().out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("sources "))
    assert lines[at + 1].strip() == (
        "7 of 8 sources failed in this run: http://a.example/feed (HTTP error), "
        "http://b.example/feed (too many redirects), http://c.example/feed (timeout), "
        "http://d.example/feed (connect error), http://e.example/feed (unreadable feed) "
        "and 2 more; see each one's error in the feeds table and crawl_log"
    )
    assert failed_sources_message({"a": None, "b": "http_error"}) == (
        "1 of 2 sources failed in this run: b (HTTP error); see each one's error in the "
        "feeds table and crawl_log"
    )
    assert failed_sources_message({"a": None}) is None  # nothing to say when all worked


def test_a_feed_left_for_a_later_night_is_not_an_unreadable_feed(tmp_path):
    """As for the author page above: a feed the budget left for a later night did not
    fail, for the run's lines as for the crawl's checks (one rule decides not_a_feed)."""
    requests = {
        "http://a.example/feed": FetchResult(url="", final_url="", error_class="connect_error"),
        "http://b.example/feed": FetchResult(url="", final_url="", error_class="feed_budget"),
        "http://c.example/feed": FetchResult(url="", final_url="", status=200, body=b"<html>"),
    }
    statuses = {"http://a.example/feed": "error", "http://b.example/feed": "skipped",
                "http://c.example/feed": "error"}
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        store_sources(con, [Source("oceans", "feed", url) for url in requests])
        night(con, "feeds", requests)
        warehouse.insert(con, "feeds", arrow([
            {"source_url": url, "feed_url": url, "via": "listed", "title": None,
             "site_link": None, "format": None, "entries": 0, "status": status,
             "error": None, "checked_at": datetime(2026, 12, 7)}
            for url, status in statuses.items()
        ]))
        failures = last_run_fetch_failures(con, "feeds")
        errors = last_run_source_errors(con)
    assert (failures.failed, failures.errors) == (2, {"connect_error", "not_a_feed"})
    assert errors == {"http://a.example/feed": "connect_error", "http://b.example/feed": None,
                      "http://c.example/feed": "not_a_feed"}


def write_sources(path: Path, urls: list[str]) -> Path:
    lines = "".join(f"      - {u}\n" for u in urls)
    path.write_text(f"industries:\n  x:\n    feeds:\n{lines}", "utf-8")
    return path


@pytest.fixture()
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("INNERCIRCLE_WAREHOUSE", str(tmp_path / "innercircle.duckdb"))
    monkeypatch.setenv("INNERCIRCLE_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return tmp_path


def closed_feeds(n: int) -> list[str]:
    """Feeds on loopback addresses where nothing listens: connection refused."""
    hosts = [f"127.0.0.{71 + i}" for i in range(n)]
    return [f"http://{h}:{refused_port(h)}/feed.xml" for h in hosts]


def test_an_offline_run_exits_non_zero_with_one_line(env, monkeypatch, capsys):
    monkeypatch.setenv("INNERCIRCLE_SOURCES", str(write_sources(env / "s.yaml", closed_feeds(5))))
    started = time.monotonic()
    code = cli.main(["run"])
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        "all 5 sources failed (5 connect errors): is the network reachable?"
    )
    assert "Traceback" not in err and "STEP_FAILURE" not in err
    assert out == ""  # no summary, no "no ranked voices" that reads like success
    # The 10 s bound (a refused connection is not retried) holds on an idle machine; on a busy
    # one it stretches with the load per core, so a hang is still caught.
    limit = 10 * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    assert elapsed < limit, f"offline run took {elapsed:.1f}s (limit {limit:.1f}s)"
    # No daemon sees an in-process run, so the command records it as the sensor would.
    (line,) = (env / "run_failures.jsonl").read_text("utf-8").splitlines()
    record = json.loads(line)
    assert record["failed_checks"][0].startswith("feeds_fetch_failures_under_threshold: 5 of 5")


def test_feeds_that_answer_with_errors_do_not_ask_about_the_network(env, monkeypatch, capsys):
    with serve({}, "127.0.0.80") as srv:  # up, but every path is a 404
        urls = [srv.url("/a.xml"), srv.url("/b.xml")]
        monkeypatch.setenv("INNERCIRCLE_SOURCES", str(write_sources(env / "s.yaml", urls)))
        monkeypatch.setenv("INNERCIRCLE_HOST_RATE", "100")
        code = cli.main(["run"])
    _, err = capsys.readouterr()
    assert code == 1
    where = "see each one's error in the feeds table and crawl_log"
    assert err.strip().splitlines()[-1] == f"all 2 sources failed (2 HTTP errors): {where}"
    (line,) = (env / "run_failures.jsonl").read_text("utf-8").splitlines()
    assert json.loads(line)["failed_checks"][0].endswith(f"fails: {where}")


def test_feed_urls_that_answer_with_web_pages_fail_the_feeds_check(env, monkeypatch, capsys):
    # Every "feed" answers 200 with a web page (a login wall, a moved site): no request
    # failed, but no feed was read either, and the ranking must not be rebuilt from nothing.
    page = static(b"<html><body><h1>Please sign in</h1></body></html>", "text/html")
    with serve({"/a.xml": page, "/b.xml": page}, "127.0.0.81") as srv:
        urls = [srv.url("/a.xml"), srv.url("/b.xml")]
        monkeypatch.setenv("INNERCIRCLE_SOURCES", str(write_sources(env / "s.yaml", urls)))
        monkeypatch.setenv("INNERCIRCLE_HOST_RATE", "100")
        code = cli.main(["run"])
    _, err = capsys.readouterr()
    assert code == 1
    assert "all 2 sources failed (2 unreadable feeds)" in err.strip().splitlines()[-1]
    (line,) = (env / "run_failures.jsonl").read_text("utf-8").splitlines()
    assert json.loads(line)["failed_checks"][0].startswith(
        "feeds_fetch_failures_under_threshold: 2 of 2 feeds fetches failed (100%)")


@pytest.mark.slow  # every step of the graph runs (one source works)
def test_a_partial_failure_stays_a_warning(env, monkeypatch, capsys):
    with serve({"/feed.xml": static(EMPTY_RSS, "application/rss+xml")}, "127.0.0.79") as srv:
        urls = [srv.url("/feed.xml"), *closed_feeds(3)]
        monkeypatch.setenv("INNERCIRCLE_SOURCES", str(write_sources(env / "s.yaml", urls)))
        # Our own loopback server: no politeness delay between its robots.txt and its feed
        # (at the default one request a second the run waited ~1.5 s of the test's 3 s).
        monkeypatch.setenv("INNERCIRCLE_HOST_RATE", "100")
        code = cli.main(["run"])
    out, err = capsys.readouterr()
    assert code == 0, err[-2000:]
    assert "sources failed" not in err
    assert "fetches" in out  # the usual summary, naming the sources that failed
    assert f"3 of 4 sources failed in this run: {urls[1]} (connect error), " in out
    assert not (env / "run_failures.jsonl").exists()


def test_the_run_failure_sensor_records_the_blocking_check(env, monkeypatch):
    monkeypatch.setenv("INNERCIRCLE_SOURCES", str(write_sources(env / "s.yaml", closed_feeds(2))))
    monkeypatch.setenv("INNERCIRCLE_RETRIES", "0")  # as in the partial failure above
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [sources, feeds, *[c for c in ALL_CHECKS if "feeds" in str(c.check_keys)]],
        resources=build_resources(Settings.from_env()),
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.asset_key == dg.AssetKey("feeds")
    ]
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR and not evaluation.passed
    (entry,) = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_recorder",
        dagster_event=entry.dagster_event,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(result.run_id),
        resources={"warehouse_db": build_resources(Settings.from_env())["warehouse_db"]},
    ).for_run_failure()
    run_failure_recorder(context)
    (line,) = (env / "run_failures.jsonl").read_text("utf-8").splitlines()
    record = json.loads(line)
    assert record["run_id"] == result.run_id
    assert record["failed_checks"] == [
        "feeds_fetch_failures_under_threshold: 2 of 2 feeds fetches failed (100%), above "
        "the 90% at which the run fails: is the network reachable?"
    ]


def test_a_failed_run_on_a_persistent_instance_is_recorded_too(env, monkeypatch, capsys):
    # No daemon's sensor sees a run this command executes (it has no code-location
    # origin), so the command records it itself, with DAGSTER_HOME set as without.
    home = env / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("INNERCIRCLE_SOURCES", str(write_sources(env / "s.yaml", closed_feeds(2))))
    assert cli.main(["run"]) == 1
    (line,) = (env / "run_failures.jsonl").read_text("utf-8").splitlines()
    assert json.loads(line)["failed_checks"][0].startswith("feeds_fetch_failures_under_threshold")
    assert (home / "dagster.yaml").is_file()  # given the repository's settings
    assert "wrote" in capsys.readouterr().err


@pytest.mark.parametrize("config", ["dagster.yaml", "deploy/celery/dagster.yaml"])
def test_a_crashed_run_is_retried_once_a_run_failed_by_its_checks_is_not(tmp_path, config):
    """Re-executed from failure, a run failed by a blocking check would only run the check
    again on the same fetches (and record a second failure); a run whose worker died is
    re-executed from its failed step, which gives the same ranking (tests/test_celery.py)."""
    import yaml

    settings = yaml.safe_load((Path(__file__).resolve().parents[1] / config).read_text())
    settings.pop("storage", None)  # the Celery instance's PostgreSQL: not what is read here
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(settings))
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 1
        assert not instance.run_retries_retry_on_asset_or_op_failure


def test_a_run_naming_no_day_fails_at_its_first_step_before_fetching_anything(env):
    """`dagster job execute -j nightly` without a partition crawled, read and ranked, then
    failed at voice_history's snapshot (operator pass): now its first step says why."""
    from innercircle.settings import Settings
    from pipelines.definitions import (
        ALL_ASSETS,
        ALL_CHECKS,
        RECORD_SPECS,
        build_resources,
        nightly_job,
    )

    settings = Settings.from_env({
        "INNERCIRCLE_SOURCES": str(write_sources(env / "s.yaml", closed_feeds(1))),
        "INNERCIRCLE_WAREHOUSE": str(env / "innercircle.duckdb"),
    })
    job = dg.Definitions(assets=[*ALL_ASSETS, *RECORD_SPECS], asset_checks=ALL_CHECKS,
                         jobs=[nightly_job], resources=build_resources(settings)
                         ).resolve_job_def("nightly")
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(),
                                    raise_on_error=False)
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert failure.step_key == "sources"
    assert "names no day for voice_history's snapshot" in str(failure.step_failure_data.error)
    assert not [e for e in result.all_events if e.is_step_success]  # nothing ran before it
