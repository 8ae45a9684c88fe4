"""Cross-night crawl health: failing hosts are backed off, gone feeds are retired."""

from datetime import datetime, timedelta

from innercircle.model import FetchResult
from innercircle.stages.health import (
    feed_outcome,
    hosts_in_backoff,
    next_feed_health,
    next_host_health,
)

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
