"""Cross-night decisions from stored history: when to try a failing host again, and
when a feed is dead. Pure functions, so the warehouse layer owns the state and these
own the policy.

The schedule runs nightly, so delays are counted in nights: 1, 2, 4, 8 ... nights up to a
month, minus a few hours of slack so that a run starting a little early the next night
is not skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from innercircle.fetch.outcome import Outcome

NIGHT = timedelta(days=1)
SLACK = timedelta(hours=4)
MAX_BACKOFF = timedelta(days=30)
DEAD_AFTER_FAILED_NIGHTS = 14
GONE_STATUSES = (404, 410)



def next_attempt_after(failures: int, now: datetime) -> datetime:
    """When a host (or feed) that failed ``failures`` nights in a row may be tried again.

    0 failures -> now; 1 -> next night; 2 -> in two nights; 3 -> four; ... capped at 30 days.
    """
    if failures <= 0:
        return now
    delay = min(NIGHT * (2 ** min(failures - 1, 10)), MAX_BACKOFF)
    return now + delay - SLACK


def is_failure(outcome: Outcome) -> bool:
    """A night counts as failed unless the feed answered 2xx or 304."""
    if isinstance(outcome, int):
        return not (200 <= outcome < 300 or outcome == 304)
    return True


def consecutive_failures(history: Sequence[Outcome]) -> int:
    """Failed nights at the end of ``history`` (oldest first)."""
    count = 0
    for outcome in reversed(history):
        if not is_failure(outcome):
            break
        count += 1
    return count


def is_dead(history: Sequence[Outcome], failed_nights: int = DEAD_AFTER_FAILED_NIGHTS) -> bool:
    """Should a feed stop being fetched every night? ``history`` is oldest first.

    Dead when the latest answer is 410 Gone, when the last two nights both said 404 (one
    404 can be a botched deploy), or when it has failed ``failed_nights`` nights in a row.
    """
    if not history:
        return False
    if history[-1] == 410:
        return True
    if len(history) >= 2 and history[-1] == 404 and history[-2] in GONE_STATUSES:
        return True
    return consecutive_failures(history) >= failed_nights
