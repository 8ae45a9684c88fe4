"""What became of one fetch, in the three words the crawler needs, from one rule.

A result *answered over HTTP* when it has a status and no transport-level error class;
everything else is an error (or a skip the crawler chose). From that:

- :func:`crawl_outcome` is the ``crawl_log.outcome`` column: ``ok``, ``not_modified``,
  ``http_error``, ``error`` or ``skipped`` (a host in backoff, a dead feed);
- :func:`night_outcome` is what a night records for the dead-feed and backoff policy
  (``fetch/hoststate.py``): the HTTP status, 304, or the error class;
- :func:`status_class` is the benchmark's per-run tally: ``2xx``, ``304``, ``4xx`` ... ``error``
  (:func:`logged_status_class`: the same word from a ``crawl_log`` row);
- :func:`failed_fetch` is whether a ``crawl_log`` row is a failed fetch, for the crawl's
  checks and the run's "every source failed" line alike;
- :func:`host_verdict` is what one ``crawl_log`` row says about its host's health: the
  host answered, the host is unwell (only that puts it into backoff), or nothing.
"""

from __future__ import annotations

from innercircle.model import FetchResult

#: Error classes of requests the crawler did not make on purpose.
SKIPPED_CLASSES = frozenset({"host_backoff", "dead_feed", "feed_budget", "host_budget"})

#: Skips that stand for earlier failures: the host failed on earlier nights (backoff) or
#: the feed is gone or has failed for many (dead). Nothing was reached, so they count as
#: failed fetches. A budget skip does not: the page was not asked for and waits, queued,
#: for a later night.
FAILED_SKIPS = frozenset({"host_backoff", "dead_feed"})

#: Error classes saying the host itself is unwell: nothing answers (refused, reset, no
#: DNS answer), it is too slow (timeout), or its TLS or HTTP is broken. Only these put a
#: host into backoff (``stages/health.py``) and make a failed run ask whether the network
#: is reachable. Every other error is not the host's doing: our own refusals before any
#: request (``blocked_address``, ``invalid_url``, ``robots_disallowed``), our skips
#: (:data:`SKIPPED_CLASSES`), answers we could not use (``too_large``, ``decode_error``,
#: ``too_many_redirects``) and our own faults (``fetch_error``).
UNWELL_HOST_CLASSES = frozenset(
    {"connect_error", "timeout", "tls_error", "protocol_error", "network_error"}
)

#: :func:`crawl_outcome` words of a request the host answered (any status, or a 304).
ANSWERED_OUTCOMES = frozenset({"ok", "not_modified", "http_error"})

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
    return logged_status_class(crawl_outcome(result), result.status)


def logged_status_class(outcome: str, status: int | None) -> str:
    """:func:`status_class` of a request as ``crawl_log`` keeps it (its
    :func:`crawl_outcome` and HTTP status)."""
    if outcome == "not_modified":
        return "304"
    return f"{status // 100}xx" if outcome in ANSWERED_OUTCOMES and status else "error"


def failed_fetch(outcome: str, error_class: str | None) -> bool:
    """Whether a request (its :func:`crawl_outcome` and error class, as ``crawl_log``
    keeps them) is a failed fetch: an error, an HTTP error, or a skip standing for
    earlier failures (:data:`FAILED_SKIPS`); never a skip for tonight's budgets."""
    return outcome in ("error", "http_error") or error_class in FAILED_SKIPS


def host_verdict(outcome: str, error_class: str | None) -> bool | None:
    """What one request (its :func:`crawl_outcome` and error class, as ``crawl_log``
    keeps them) says about its host: True when the host answered, False when it is
    unwell (:data:`UNWELL_HOST_CLASSES`), None when the request says nothing about it (a
    URL or address we refused, a robots.txt verdict, a skip, an unusable answer)."""
    if outcome in ANSWERED_OUTCOMES:
        return True
    if error_class in UNWELL_HOST_CLASSES:
        return False
    return None
