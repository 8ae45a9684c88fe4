"""Cross-night crawl health: failing hosts are backed off, gone feeds are retired."""

from datetime import datetime, timedelta

from innercircle.fetch import Fetcher, FetchRequest
from innercircle.model import FetchResult
from innercircle.stages.crawl import CrawlOutput
from innercircle.stages.health import (
    feed_outcome,
    hosts_in_backoff,
    next_feed_health,
    next_host_health,
)
from tests.builders import fetch_policy
from tests.hostile_server import refused_port, serve, static

NIGHT1 = datetime(2026, 11, 1, 2, 0)


def log(host: str, outcome: str, error_class: str | None = None) -> dict:
    return {
        "host": host,
        "outcome": outcome,
        "error_class": error_class,
        "error_message": "refused" if error_class else None,
    }


def test_a_host_that_refuses_every_request_is_left_alone_for_longer_each_night():
    rows = next_host_health({}, [log("down.example", "error", "connect_error")], NIGHT1)
    (down,) = rows
    assert down["consecutive_failures"] == 1
    assert "down.example" in hosts_in_backoff(rows, NIGHT1 + timedelta(hours=1))
    assert hosts_in_backoff(rows, NIGHT1 + timedelta(days=1)) == {}
    night2 = NIGHT1 + timedelta(days=1)
    (again,) = next_host_health(
        {"down.example": down}, [log("down.example", "error", "timeout")], night2
    )
    assert again["consecutive_failures"] == 2
    assert again["next_attempt_at"] - night2 > timedelta(days=1)


def test_an_http_error_proves_the_host_is_up_and_resets_its_backoff():
    prev = {"down.example": {"consecutive_failures": 5, "last_success_at": None}}
    (row,) = next_host_health(
        prev,
        [log("down.example", "error", "timeout"), log("down.example", "http_error", "http_error")],
        NIGHT1,
    )
    assert row["consecutive_failures"] == 0
    assert hosts_in_backoff([row], NIGHT1) == {}


def test_skipped_requests_do_not_count_as_attempts():
    assert next_host_health({}, [log("x.example", "skipped", "host_backoff")], NIGHT1) == []


def night_of(fetcher: Fetcher, urls: list[str]) -> tuple[list[str], list[dict]]:
    """The error classes of one night of fetching ``urls`` for real, and the
    ``host_health`` rows it leaves."""
    out = CrawlOutput()
    for url, result in zip(urls, fetcher.fetch_all([FetchRequest(u) for u in urls]), strict=True):
        out.record("run1", "feeds", url, result)
    errors = [row["error_class"] for row in out.crawl_log]
    return errors, next_host_health({}, out.crawl_log, NIGHT1)


def test_what_we_refused_to_fetch_does_not_back_the_host_off_but_a_refusal_by_it_does():
    robots = {"/robots.txt": static(b"User-agent: *\nDisallow: /\n")}
    with serve(robots, "127.0.0.91") as private_only:
        # Our configuration: loopback not allowed, a port that cannot be, robots.txt.
        ours = [
            "http://127.0.0.92:8080/feed.xml",  # blocked_address (private networks refused)
            "http://127.0.0.93:99999/feed.xml",  # invalid_url
        ]
        with Fetcher(fetch_policy(allow_private_networks=False)) as fetcher:
            assert night_of(fetcher, ours) == (["blocked_address", "invalid_url"], [])
        with Fetcher(fetch_policy()) as fetcher:
            assert night_of(fetcher, [private_only.url("/feed.xml")]) == (
                ["robots_disallowed"], []
            )
            down = f"http://127.0.0.94:{refused_port('127.0.0.94')}/feed.xml"
            _, (row,) = night_of(fetcher, [down])
    assert row["host"] == "127.0.0.94" and row["consecutive_failures"] == 1
    assert row["last_error"].startswith("connect_error:")
    assert "127.0.0.94" in hosts_in_backoff([row], NIGHT1 + timedelta(hours=1))


def test_a_host_already_backed_off_keeps_its_row_when_tonight_says_nothing_of_it():
    down = {"down.example": {"consecutive_failures": 3, "last_success_at": None}}
    tonight = [log("down.example", "error", "robots_disallowed"),
               log("down.example", "error", "too_large")]
    assert next_host_health(down, tonight, NIGHT1) == []


def test_a_feed_that_404s_two_nights_running_is_dead_but_one_404_is_not():
    gone = FetchResult(url="u", final_url="u", status=404, error_class="http_error")
    (first,) = next_feed_health({}, {"u": feed_outcome(gone)}, NIGHT1)
    assert not first["dead"]
    (second,) = next_feed_health({"u": first}, {"u": feed_outcome(gone)}, NIGHT1)
    assert second["dead"] and second["history"] == ["404", "404"]


def test_a_304_is_a_healthy_night():
    fine = FetchResult(url="u", final_url="u", status=304, not_modified=True)
    (row,) = next_feed_health({"u": {"history": ["500"] * 5}}, {"u": feed_outcome(fine)}, NIGHT1)
    assert row["consecutive_failures"] == 0 and not row["dead"]
