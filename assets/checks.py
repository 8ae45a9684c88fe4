"""Asset checks of the crawl and extraction groups (the ranking's stand beside its assets in
``assets/ranking.py``). Blocking checks stop bad data from flowing on: a ranking that
fails them is never published."""


import dagster as dg

from assets.common import WRITER_POOL, references_check
from assets.crawl import articles, feeds
from assets.extraction import mentions
from assets.ranking import RANKING_CHECKS
from assets.resources import WarehouseResource

#: Above this share of failed fetches a crawl check warns (it never fails the run).
MAX_FAILED_FETCH_SHARE = 0.25


mentions_reference_documents = references_check(
    mentions,
    "mentions_reference_documents",
    "mentions",
    "doc_id",
    "documents",
    "Every mention points at an existing document.",
)


def _failed_share_check(asset, stage: str):
    @dg.asset_check(
        pool=WRITER_POOL,
        asset=asset,
        name=f"{stage}_fetch_failures_under_threshold",
        description=f"Share of failed {stage} fetches in the last run is under "
        f"{MAX_FAILED_FETCH_SHARE:.0%} (a warning, never a failure).",
    )
    def check(warehouse_db: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse_db.connect() as con:
            total, failed = con.execute(
                """
                SELECT count(*), count(*) FILTER (WHERE outcome IN ('error', 'http_error'))
                FROM crawl_log WHERE stage = $stage AND run_id = (
                    SELECT arg_max(run_id, fetched_at) FROM crawl_log WHERE stage = $stage)""",
                {"stage": stage},
            ).fetchone()
        share = failed / total if total else 0.0
        return dg.AssetCheckResult(
            passed=share <= MAX_FAILED_FETCH_SHARE,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"requests": total, "failed": failed, "failed_share": round(share, 4)},
        )

    return check


feeds_failures = _failed_share_check(feeds, "feeds")
articles_failures = _failed_share_check(articles, "articles")

ALL_CHECKS = [
    *RANKING_CHECKS,
    mentions_reference_documents,
    feeds_failures,
    articles_failures,
]
