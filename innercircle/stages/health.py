"""Cross-night crawl health: back off failing hosts, retire dead feeds.

The policy (how long to wait, when a feed is dead) lives in ``innercircle.fetch.hoststate``;
this module turns a run's crawl log into the next state of the ``host_health`` and
``feed_health`` tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from innercircle.fetch.hoststate import (
    consecutive_failures,
    is_dead,
    next_attempt_after,
)
from innercircle.fetch.outcome import host_verdict, night_outcome
from innercircle.model import FetchResult

HISTORY_LENGTH = 30


def hosts_in_backoff(health: Iterable[Mapping], now: datetime) -> dict[str, datetime]:
    """Hosts not to contact this run, with the time they may be tried again."""
    return {h["host"]: h["next_attempt_at"] for h in health if h["next_attempt_at"] > now}


def next_host_health(
    previous: Mapping[str, Mapping], log_rows: Iterable[Mapping], now: datetime
) -> list[dict]:
    """New ``host_health`` rows for the hosts this run's log rows say something about.

    A host that answered any request is well; one that only failed in ways that say it
    is unwell (:func:`~innercircle.fetch.outcome.host_verdict`) fails a night more. A
    host whose requests say nothing of it (an address or URL we refused, robots.txt, a
    skip) keeps its row as it was: our own configuration is not the host's failure.
    """
    by_host: dict[str, list[Mapping]] = defaultdict(list)
    for row in log_rows:
        if row["host"] and host_verdict(row["outcome"], row["error_class"]) is not None:
            by_host[row["host"]].append(row)
    rows = []
    for host, attempts in by_host.items():
        prev = previous.get(host) or {}
        reachable = any(host_verdict(r["outcome"], r["error_class"]) for r in attempts)
        failures = 0 if reachable else int(prev.get("consecutive_failures") or 0) + 1
        first = attempts[0]
        last_error = None if reachable else f"{first['error_class']}: {first['error_message']}"
        rows.append(
            {
                "host": host,
                "consecutive_failures": failures,
                "last_error": last_error,
                "last_attempt_at": now,
                "last_success_at": now if reachable else prev.get("last_success_at"),
                "next_attempt_at": next_attempt_after(failures, now),
            }
        )
    return rows


def feed_outcome(result: FetchResult, parse_error: str | None = None) -> str:
    """One word for a feed's night: its HTTP status, an error class, or ``parse_error``
    for a feed that was fetched but could not be read (history is stored as text)."""
    if parse_error and result.ok:
        return "parse_error"
    return str(night_outcome(result))


def next_feed_health(
    previous: Mapping[str, Mapping], outcomes: Mapping[str, str], now: datetime
) -> list[dict]:
    """New ``feed_health`` rows for the feeds fetched this run."""
    rows = []
    for url, outcome in outcomes.items():
        history = [*list((previous.get(url) or {}).get("history") or []), outcome]
        history = history[-HISTORY_LENGTH:]
        typed = [int(h) if h.isdigit() else h for h in history]
        rows.append(
            {
                "feed_url": url,
                "history": history,
                "consecutive_failures": consecutive_failures(typed),
                "dead": is_dead(typed),
                "updated_at": now,
            }
        )
    return rows
