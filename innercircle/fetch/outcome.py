"""What became of one fetch, in the three words the crawler needs, from one rule.

A result *answered over HTTP* when it has a status and no transport-level error class;
everything else is an error (or a skip the crawler chose). From that:

- :func:`crawl_outcome` is the ``crawl_log.outcome`` column: ``ok``, ``not_modified``,
  ``http_error``, ``error`` or ``skipped`` (a host in backoff, a dead feed);
- :func:`night_outcome` is what a night records for the dead-feed and backoff policy
  (``fetch/hoststate.py``): the HTTP status, 304, or the error class;
- :func:`status_class` is the benchmark's per-run tally: ``2xx``, ``304``, ``4xx`` ... ``error``.
"""

from __future__ import annotations

from innercircle.model import FetchResult

#: Error classes of requests the crawler did not make on purpose.
SKIPPED_CLASSES = frozenset({"host_backoff", "dead_feed", "feed_budget", "host_budget"})

Outcome = int | str | None  # HTTP status, or an error class, or None for "unknown error"


def transport_error(result: FetchResult) -> bool:
    """The request failed below HTTP (connect, TLS, timeout, size cap, guard, skip...)."""
    return result.error_class not in (None, "http_error")


def answered(result: FetchResult) -> bool:
    """The server answered with a status (any status), not a transport error."""
    return result.status is not None and not transport_error(result)


def crawl_outcome(result: FetchResult) -> str:
    if result.error_class in SKIPPED_CLASSES:
        return "skipped"
    if result.not_modified:
        return "not_modified"
    if result.ok:
        return "ok"
    return "http_error" if answered(result) else "error"


def night_outcome(result: FetchResult) -> Outcome:
    if transport_error(result):
        return result.error_class
    return 304 if result.not_modified else result.status


def status_class(result: FetchResult) -> str:
    if result.not_modified:
        return "304"
    return f"{result.status // 100}xx" if answered(result) else "error"
