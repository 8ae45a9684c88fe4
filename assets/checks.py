"""Asset checks of the crawl group: the share of failed fetches. (The other groups' checks
stand beside their assets, in ``assets/extraction.py`` and ``assets/ranking.py``; these
join the crawl group's assets when ``assets/crawl/`` is reorganised.) Blocking checks
stop bad data from flowing on: a ranking that fails them is never published."""


import dagster as dg

from assets.common import WRITER_POOL
from assets.crawl import articles, feeds
from assets.resources import SourcesResource, WarehouseResource

#: Above this share of failed fetches a crawl check warns (the feeds check fails the run
#: only above the INNERCIRCLE_MAX_FAILED_FEED_SHARE setting).
MAX_FAILED_FETCH_SHARE = 0.25


def _failed_share_check(asset, stage: str, blocking: bool = False):
    """Share of failed fetches in the stage's last run: a warning above
    MAX_FAILED_FETCH_SHARE; with ``blocking``, an error above the
    ``INNERCIRCLE_MAX_FAILED_FEED_SHARE`` setting, which fails the run and stops the
    ranking from being rebuilt from nothing. Requests skipped because their host failed on
    earlier nights count as failed (nothing was reached); budget skips do not."""
    blocking_note = (
        " Above INNERCIRCLE_MAX_FAILED_FEED_SHARE (default 90%) it fails the run."
        if blocking
        else " (a warning, never a failure)."
    )

    @dg.asset_check(
        pool=WRITER_POOL,
        asset=asset,
        name=f"{stage}_fetch_failures_under_threshold",
        blocking=blocking,
        description=f"Share of failed {stage} fetches in the last run is under "
        f"{MAX_FAILED_FETCH_SHARE:.0%}." + blocking_note,
    )
    def check(
        warehouse_db: WarehouseResource, sources_file: SourcesResource
    ) -> dg.AssetCheckResult:
        with warehouse_db.connect() as con:
            total, failed = con.execute(
                """
                SELECT count(*), count(*) FILTER (WHERE outcome IN ('error', 'http_error')
                                                  OR error_class = 'host_backoff')
                FROM crawl_log WHERE stage = $stage AND run_id = (
                    SELECT arg_max(run_id, fetched_at) FROM crawl_log WHERE stage = $stage)""",
                {"stage": stage},
            ).fetchone()
        share = failed / total if total else 0.0
        limit = sources_file.max_failed_feed_share
        fatal = blocking and share > limit
        return dg.AssetCheckResult(
            passed=share <= MAX_FAILED_FETCH_SHARE,
            severity=dg.AssetCheckSeverity.ERROR if fatal else dg.AssetCheckSeverity.WARN,
            description=(
                f"{failed} of {total} {stage} fetches failed ({share:.0%}), above the "
                f"{limit:.0%} at which the run fails: is the network reachable?"
                if fatal
                else None
            ),
            metadata={
                "requests": total,
                "failed": failed,
                "failed_share": round(share, 4),
                "run_fails_above": limit if blocking else "never",
            },
        )

    return check


# Feeds are the sources themselves: when nearly all of them fail, the run fails. Article
# pages often answer 403 or are disallowed by robots.txt while their feed entries still
# become documents, so their failures only ever warn.
feeds_failures = _failed_share_check(feeds, "feeds", blocking=True)
articles_failures = _failed_share_check(articles, "articles")

CRAWL_CHECKS = [feeds_failures, articles_failures]
