"""A per-run summary of FetchResults (no I/O), as the throughput benchmark prints it.

The warehouse's crawl-log rows are built by ``innercircle.stages.crawl.CrawlOutput``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from innercircle.fetch.outcome import status_class
from innercircle.model import FetchResult

#: One word per result: ``2xx``, ``304``, ``3xx``, ``4xx``, ``5xx`` or ``error``.
outcome = status_class


def summarize(results: Iterable[FetchResult]) -> dict[str, Any]:
    """Counts for a run: requests, 2xx/304/4xx/5xx/errors, bytes, hosts, errors by class."""
    results = list(results)
    outcomes = Counter(outcome(r) for r in results)
    errors_by_class = Counter(r.error_class for r in results if r.error_class)
    hosts = {(urlsplit(r.url).hostname or "").lower() for r in results}
    return {
        "requests": len(results),
        "ok_2xx": outcomes.get("2xx", 0),
        "not_modified_304": outcomes.get("304", 0),
        "redirect_3xx": outcomes.get("3xx", 0),
        "client_4xx": outcomes.get("4xx", 0),
        "server_5xx": outcomes.get("5xx", 0),
        "errors": outcomes.get("error", 0),
        "bytes_received": sum(r.bytes_received for r in results),
        "body_bytes": sum(len(r.body) for r in results if r.body is not None),
        "hosts": len(hosts - {""}),
        "attempts": sum(r.attempts for r in results),
        "elapsed_s_total": round(sum(r.elapsed_s for r in results), 3),
        "errors_by_class": dict(errors_by_class.most_common()),
    }
