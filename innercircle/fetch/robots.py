"""robots.txt as RFC 9309 says: per origin, cached up to 24 h, 500 KiB parsed.

Status handling follows section 2.3.1: a 4xx (including 404) means there are no rules
(allow all); a 5xx or an unreachable server means "assume complete disallow" for now, so
that a struggling site is not crawled harder. Parsing is done by protego, the parser
Scrapy uses, which implements the RFC's longest-match and wildcard rules.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

# How long a "disallow because unavailable" verdict is kept: long enough not to hammer a
# failing server within one run, short enough that the next run asks again.
UNAVAILABLE_TTL_S = 600.0


def product_token(user_agent: str) -> str:
    """The product token robots.txt groups match against (``innercircle`` for
    ``innercircle/0.1 (+https://...)``), as RFC 9309 section 2.2.1 prescribes."""
    match = re.match(r"\s*([A-Za-z_-]+)", user_agent)
    return match.group(1).lower() if match else user_agent.strip().lower()


def origin_of(url: str) -> str:
    """``scheme://host:port``: robots.txt applies per scheme, host and port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


@dataclass(frozen=True)
class RobotsRules:
    """The verdict for one origin: allow all, disallow all, or parsed rules."""

    kind: str  # "allow_all" | "disallow_all" | "rules"
    reason: str = ""
    parser: Protego | None = None

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.kind == "allow_all":
            return True
        if self.kind == "disallow_all" or self.parser is None:
            return False
        return bool(self.parser.can_fetch(url, product_token(user_agent)))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(product_token(user_agent))
        return float(delay) if delay is not None else None


ALLOW_ALL = RobotsRules("allow_all", "no robots.txt")


def rules_from_response(status: int | None, body: bytes | None, max_bytes: int) -> RobotsRules:
    """Turn a robots.txt response into rules (``status`` None means unreachable)."""
    if status is None:
        return RobotsRules("disallow_all", "robots.txt unreachable; disallowed for now")
    if 200 <= status < 300:
        text = (body or b"")[:max_bytes].decode("utf-8", errors="replace")
        try:
            return RobotsRules("rules", f"robots.txt {status}", Protego.parse(text))
        except Exception:  # protego on pathological input: treat as no usable rules
            return RobotsRules("allow_all", "robots.txt unparseable; no rules")
    if 400 <= status < 500:
        return RobotsRules("allow_all", f"robots.txt {status}; no rules")
    return RobotsRules("disallow_all", f"robots.txt answered {status}; disallowed for now")


class RobotsCache:
    """In-memory rules per origin with expiry; lives as long as the Fetcher."""

    def __init__(self, ttl_s: float = 24 * 3600, unavailable_ttl_s: float = UNAVAILABLE_TTL_S):
        self.ttl_s = ttl_s
        self.unavailable_ttl_s = unavailable_ttl_s
        self._entries: dict[str, tuple[float, RobotsRules]] = {}

    def get(self, origin: str) -> RobotsRules | None:
        hit = self._entries.get(origin)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, origin: str, rules: RobotsRules) -> None:
        ttl = self.unavailable_ttl_s if rules.kind == "disallow_all" else self.ttl_s
        self._entries[origin] = (time.monotonic() + ttl, rules)

    def __len__(self) -> int:
        return len(self._entries)
