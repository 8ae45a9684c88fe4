"""Polite, hardened HTTP fetching for the crawler (issue 3).

Public API: :class:`Fetcher`, :class:`FetchPolicy`, :class:`FetchRequest`,
a per-run :func:`summarize`, and the cross-night helpers
:func:`next_attempt_after` and :func:`is_dead`.
"""

from innercircle.fetch.fetcher import Fetcher, host_key, parse_retry_after
from innercircle.fetch.hoststate import (
    consecutive_failures,
    is_dead,
    is_failure,
    next_attempt_after,
)
from innercircle.fetch.netguard import AddressGuard, is_public_address, system_resolver
from innercircle.fetch.outcome import crawl_outcome, night_outcome
from innercircle.fetch.policy import FetchPolicy, FetchRequest
from innercircle.fetch.stats import summarize

__all__ = [
    "crawl_outcome",
    "AddressGuard",
    "FetchPolicy",
    "FetchRequest",
    "Fetcher",
    "consecutive_failures",
    "host_key",
    "is_dead",
    "is_failure",
    "is_public_address",
    "next_attempt_after",
    "night_outcome",
    "parse_retry_after",
    "summarize",
    "system_resolver",
]
