"""Sources that find sources: sites an industry does not read yet, from evidence it has.

A candidate is a host that is not one of the industry's own sites and that either
(a) the industry's documents link to from their main text (``document_links``), or
(b) one of the industry's ranked voices writes on (a byline on a crawled host) or names
as their homepage or profile on an author page. It is scored by how many *distinct*
sources of the industry link to it (breadth, as the ranking counts voices), how many
voices write there, and how recently it was linked.

What is never suggested, and why (the short rule list; everything else is evidence):

* thin evidence: fewer than :data:`MIN_EVIDENCE` pieces (distinct linking sources plus
  voices): one link from one blog, or one guest post by one voice, is an anecdote (on the
  sample web, accepting such single-voice sites lowered the ranking's recall@50);
* the industry's own sites: hosts in ``sources`` and hosts of its documents;
* **ubiquitous hosts**: linked from every industry (with three or more industries): what
  every industry links to is infrastructure (social networks, encyclopaedias, CDNs,
  shorteners), not an industry's voice;
* **profile hosts**: hosts that carry the profile links (``rel=me``, ``sameAs``) of two or
  more different people on author pages: a social network, not a site;
* **non-pages**: links to static files (images, scripts, archives, PDFs), hosts whose
  first label says static content or an app store (``cdn``, ``static``, ``assets``,
  ``img``, ``fonts``, ``apps``, ``play``; any label containing ``cdn``), and
  shortener-shaped hosts (a short two-label host whose links are all one opaque token);
* after the feed check: hosts whose robots.txt refuses innercircle or that resolve to a
  non-public address (unless private networks are allowed): the crawl could not read
  them either, so they are dropped, not suggested. Hosts without a feed stay in the
  table, ranked after those with one, with the reason (no feed is itself evidence of a
  non-blog), and ``accept --top`` skips them.

The feed check is the crawl's own discovery (:func:`feed_verdicts`: the same steps as
:func:`innercircle.stages.crawl.crawl_feeds` for a ``site`` source, in two concurrent
rounds), through the same fetcher (robots.txt, rate limits, the private-network guard),
so what is suggested is what the crawl can read. It is made once a week per host
(``suggestion_feed_checks``), and not at all for hosts the crawl itself read tonight.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from innercircle import warehouse
from innercircle.accept import auto_accept
from innercircle.errors import FetchError
from innercircle.extract.links import link_host
from innercircle.feeds import fallback_feed_urls, parse_feed
from innercircle.fetch import Fetcher, FetchRequest
from innercircle.fetch.robots import origin_of
from innercircle.model import FetchResult
from innercircle.stages import arrow
from innercircle.stages.crawl import advertised_feed, describe_error, is_fallback_feed, now_utc

DEFAULT_TOP_PER_INDUSTRY = 25
MIN_EVIDENCE = 2  # distinct linking sources + voices a candidate needs
RECHECK_DAYS = 7  # a feed check is reused this long
REFUSED_CLASSES = frozenset({"robots_disallowed", "blocked_address"})
_STATIC_EXT = re.compile(
    r"\.(?:png|jpe?g|gif|webp|svg|ico|css|js|mjs|woff2?|ttf|pdf|zip|gz|tgz|mp3|mp4|mov|"
    r"webm|dmg|exe|apk|msi)$",
    re.I,
)
_NON_PAGE_LABELS = frozenset({"cdn", "static", "assets", "img", "images", "fonts", "apps", "play"})
_OPAQUE_TOKEN = re.compile(r"^/[A-Za-z0-9]{4,12}/?$")

# --------------------------------------------------------------------------- SQL

LINKS_SQL = """
SELECT di.industry, d.host AS source_host, l.url, l.host, d.published_at
FROM document_links l
JOIN documents d USING (doc_id)
JOIN (SELECT DISTINCT doc_id, industry FROM document_industries) di USING (doc_id)
"""

OWN_HOSTS_SQL = """
SELECT industry, host FROM sources
UNION SELECT di.industry, d.host FROM documents d JOIN document_industries di USING (doc_id)
"""

#: Where each ranked voice writes (bylines, any industry) or lives (author-page homepage
#: and profile links of their own author pages).
VOICE_SITES_SQL = """
WITH voices AS (SELECT industry, person_id, name FROM recurring_voices),
bylines AS (
    SELECT v.industry, v.name, min(f.url) AS url, 'writes there' AS how
    FROM voices v JOIN mention_facts f ON f.person_id = v.person_id AND f.role = 'author'
    GROUP BY v.industry, v.name, f.host
),
pages AS (
    SELECT v.industry, v.name, ap.homepage, ap.profiles
    FROM voices v
    JOIN mention_facts f ON f.person_id = v.person_id AND f.origin = 'author_page'
    JOIN author_pages ap ON ap.url = f.url
)
SELECT industry, name, url, how FROM bylines
UNION ALL SELECT industry, name, homepage, 'homepage' FROM pages WHERE homepage IS NOT NULL
UNION ALL SELECT industry, name, unnest(profiles), 'profile' FROM pages
"""

PROFILE_LINKS_SQL = """
SELECT coalesce(name, url) AS owner, unnest(profiles) AS link FROM author_pages
"""


# ------------------------------------------------------------------------ model


@dataclass
class Candidate:
    """One host one industry might read, with the evidence for it."""

    industry: str
    host: str
    url: str  # the site's homepage (origin of the links)
    linking_sources: set[str] = field(default_factory=set)
    links: int = 0
    voices: dict[str, str] = field(default_factory=dict)  # name -> how (first reason seen)
    last_linked_at: datetime | None = None
    sample_links: list[str] = field(default_factory=list)
    origins: Counter = field(default_factory=Counter)
    score: float = 0.0
    recency: float | None = None
    feed_url: str | None = None
    feed_status: str = "unchecked"  # 'found' | 'none' | 'refused' | 'unchecked'
    feed_note: str | None = None
    checked_at: datetime | None = None

    def row(self, rank: int, now: datetime) -> dict:
        return {
            "industry": self.industry,
            "rank": rank,
            "host": self.host,
            "url": self.feed_url or self.url,
            "score": round(self.score, 4),
            "linking_sources": len(self.linking_sources),
            "links": self.links,
            "voices": len(self.voices),
            "last_linked_at": self.last_linked_at,
            "recency": self.recency,
            "feed_url": self.feed_url,
            "feed_status": self.feed_status,
            "feed_note": self.feed_note,
            "evidence_sources": sorted(self.linking_sources),
            "evidence_voices": [f"{n} ({how})" for n, how in sorted(self.voices.items())],
            "sample_links": self.sample_links[:5],
            "checked_at": self.checked_at,
            "suggested_at": now,
        }

    def why(self) -> str:
        """The evidence in words: what `sources accept` writes as the comment."""
        parts = []
        if self.linking_sources:
            hosts = sorted(self.linking_sources)
            more = f" +{len(hosts) - 3}" if len(hosts) > 3 else ""
            parts.append(f"linked by {len(hosts)} sources ({', '.join(hosts[:3])}{more})")
        if self.voices:
            names = sorted(self.voices)
            more = f" +{len(names) - 3}" if len(names) > 3 else ""
            parts.append(f"{len(names)} voices there ({', '.join(names[:3])}{more})")
        return "; ".join(parts) or "suggested"


# ---------------------------------------------------------------------- rules


def is_static_link(url: str) -> bool:
    """A link to a file, not a page."""
    return bool(_STATIC_EXT.search(urlsplit(url).path))


def is_non_page_host(host: str) -> bool:
    """Hosts named for static content or app stores (see the module docstring)."""
    labels = host.split(".")
    return labels[0] in _NON_PAGE_LABELS or any("cdn" in label for label in labels)


def looks_like_shortener(host: str, urls: Iterable[str]) -> bool:
    """A short two-label host whose every link is one opaque token (``/aZ3kQ9``)."""
    labels = host.split(".")
    if len(labels) != 2 or len(labels[0]) > 5 or labels[0].isdigit():
        return False
    urls = list(urls)
    return bool(urls) and all(
        _OPAQUE_TOKEN.match(urlsplit(u).path or "/") and not urlsplit(u).query for u in urls
    )


def profile_hosts(profile_links: Iterable[tuple[str, str]]) -> set[str]:
    """Hosts carrying profile links of two or more different people: social networks."""
    owners: dict[str, set[str]] = defaultdict(set)
    for owner, link in profile_links:
        if link:
            owners[link_host(link)].add(owner)
    return {h for h, who in owners.items() if h and len(who) >= 2}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _naive(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=None) if value is not None and value.tzinfo else value


# --------------------------------------------------------------------- scoring


def score_candidates(
    links: Iterable[tuple[str, str, str, str, datetime | None]],
    own_hosts: Iterable[tuple[str, str]],
    voice_sites: Iterable[tuple[str, str, str, str]],
    profile_links: Iterable[tuple[str, str]],
    as_of: datetime,
    half_life_days: float = 90.0,
) -> dict[str, list[Candidate]]:
    """Candidates per industry, best first, with the exclusion rules applied.

    ``links``: (industry, source host, target url, target host, published_at);
    ``own_hosts``: (industry, host); ``voice_sites``: (industry, voice name, url, how);
    ``profile_links``: (author page owner, profile url), for the profile-host rule.
    """
    as_of = _naive(as_of)
    own: dict[str, set[str]] = defaultdict(set)
    for industry, host in own_hosts:
        own[industry].add(link_host(f"//{host}") if "/" not in host else link_host(host))
    links = [row for row in links if not is_static_link(row[2])]
    industries = set(own) | {row[0] for row in links}
    linked_from: dict[str, set[str]] = defaultdict(set)
    urls_of: dict[str, list[str]] = defaultdict(list)
    for industry, _src, url, host, _when in links:
        linked_from[host].add(industry)
        urls_of[host].append(url)
    ubiquitous = (
        {h for h, inds in linked_from.items() if inds >= industries} if len(industries) >= 3
        else set()
    )
    social = profile_hosts(profile_links)

    def excluded(industry: str, host: str) -> bool:
        return (
            not host
            or host in own[industry]
            or host in ubiquitous
            or host in social
            or is_non_page_host(host)
            or looks_like_shortener(host, urls_of.get(host, ()))
        )

    found: dict[tuple[str, str], Candidate] = {}

    def candidate(industry: str, host: str, url: str) -> Candidate:
        key = (industry, host)
        if key not in found:
            found[key] = Candidate(industry, host, _origin(url))
        found[key].origins[_origin(url)] += 1
        return found[key]

    for industry, source_host, url, host, when in links:
        source = link_host(f"//{source_host}")
        if excluded(industry, host) or host == source:
            continue
        c = candidate(industry, host, url)
        c.linking_sources.add(source)
        c.links += 1
        when = _naive(when)
        if when is not None and (c.last_linked_at is None or when > c.last_linked_at):
            c.last_linked_at = when
        if url not in c.sample_links and len(c.sample_links) < 5:
            c.sample_links.append(url)
    for industry, name, url, how in voice_sites:
        host = link_host(url or "")
        if not host or excluded(industry, host) or is_static_link(url):
            continue
        c = candidate(industry, host, url)
        c.voices.setdefault(name, how)

    out: dict[str, list[Candidate]] = defaultdict(list)
    for c in found.values():
        if len(c.linking_sources) + len(c.voices) < MIN_EVIDENCE:
            continue
        c.url = c.origins.most_common(1)[0][0]
        if c.last_linked_at is not None:
            days = max((as_of - c.last_linked_at).total_seconds() / 86400, 0.0)
            c.recency = 0.5 ** (days / half_life_days)
        c.score = (
            len(c.linking_sources) + len(c.voices) + 0.5 * (c.recency or 0.0)
            + 0.1 * math.log1p(c.links)
        )
        out[c.industry].append(c)
    for cands in out.values():
        cands.sort(key=lambda c: (-c.score, c.host))
    return dict(out)


# ------------------------------------------------------------------ feed check


def check_feeds(
    candidates: Sequence[Candidate],
    fetcher: Fetcher,
    previous: Mapping[str, Mapping] | None = None,
    now: datetime | None = None,
    recheck_days: float = RECHECK_DAYS,
) -> None:
    """Find each candidate's feed the way the crawl does, filling ``feed_*`` in place.

    ``previous`` maps a host to its last check (``feed_url``, ``feed_status``,
    ``feed_note``, ``checked_at``); checks younger than ``recheck_days`` are reused, so a
    nightly run asks a candidate's homepage about once a week. A reused verdict still
    answers to tonight's rules (:func:`refusal_tonight`): the private-network guard of
    ``fetcher`` and any robots.txt rules it holds for the host.
    """
    now = _naive(now) or now_utc()
    previous = previous or {}
    fresh_after = now - timedelta(days=recheck_days)
    to_check: dict[str, str] = {}
    for c in candidates:
        old = previous.get(c.host)
        if old and old.get("checked_at") and _naive(old["checked_at"]) >= fresh_after \
                and _reusable(old, fetcher):
            c.feed_url, c.feed_status = old.get("feed_url"), old["feed_status"]
            c.feed_note, c.checked_at = old.get("feed_note"), _naive(old["checked_at"])
            refusal = refusal_tonight(fetcher, c.url, c.feed_url) if c.feed_status != "refused" \
                else None
            if refusal:
                c.feed_url, c.feed_status, c.feed_note, c.checked_at = (
                    None, "refused", refusal, now)
        else:
            to_check.setdefault(c.host, c.url)
    verdicts = feed_verdicts(to_check, fetcher) if to_check else {}
    for c in candidates:
        if c.host in verdicts:
            c.feed_url, c.feed_status, c.feed_note = verdicts[c.host]
            c.checked_at = now


def _reusable(old: Mapping, fetcher: Fetcher) -> bool:
    """A refusal for a private address is not kept once private networks are allowed."""
    guard = getattr(fetcher, "guard", None)
    return not (old["feed_status"] == "refused" and guard is not None and guard.allow_private
                and (old.get("feed_note") or "").startswith("blocked_address"))


def refusal_tonight(fetcher: Fetcher, homepage: str, feed_url: str | None) -> str | None:
    """Why a reused verdict no longer stands tonight, or None.

    Without network where it can: the address guard resolves the names (DNS, cached)
    only when private networks are refused, and robots.txt is asked only when the
    fetcher already holds the host's rules (the crawl's steps share them).
    """
    user_agent = fetcher.policy.user_agent
    for url in dict.fromkeys(u for u in (homepage, feed_url) if u):
        guard = getattr(fetcher, "guard", None)
        if guard is not None and not guard.allow_private:
            try:
                guard.check(urlsplit(url).hostname or "")
            except FetchError as exc:
                if exc.error_class == "blocked_address":
                    return f"blocked_address: {str(exc)[:200]}"
        robots = getattr(fetcher, "robots", None)
        rules = robots.get(origin_of(url)) if robots is not None else None
        if rules is not None and fetcher.policy.respect_robots \
                and not rules.allowed(url, user_agent):
            return f"robots_disallowed: disallowed by robots.txt ({rules.reason})"
    return None


def feed_verdicts(homepages: Mapping[str, str], fetcher: Fetcher
                  ) -> dict[str, tuple[str | None, str, str | None]]:
    """host -> (feed url, 'found' | 'none' | 'refused', note) for each homepage.

    The crawl's discovery (:func:`innercircle.stages.crawl.crawl_feeds`: the homepage's
    advertised feeds, else the common feed paths, a feed counting when it parses) with
    the same fetcher, so the same robots.txt, address guard and per-host pace, in two
    rounds however many sites there are: every homepage at once, then every advertised
    feed and every fallback path at once. (``crawl_feeds`` tries the fallback paths one
    site after another and fetches a fallback feed twice; it also parses every entry.)
    A host refused anywhere (robots.txt, a non-public address) is refused, as there.
    """
    hosts = list(homepages)
    refused: dict[str, str] = {}

    def note_refusal(host: str, result: FetchResult) -> None:
        if result.error_class in REFUSED_CLASSES:
            refused.setdefault(host, f"{result.error_class}: "
                               f"{(result.error_message or '')[:200]}")

    verdicts: dict[str, tuple[str | None, str, str | None]] = {}
    advertised: dict[str, str] = {}
    fallback: dict[str, list[str]] = {}
    pages = fetcher.fetch_all([FetchRequest(homepages[h]) for h in hosts])
    for host, result in zip(hosts, pages, strict=True):
        note_refusal(host, result)
        if result.ok and result.body:
            found = advertised_feed(homepages[host], result)
            if found:
                advertised[host] = found
            else:
                fallback[host] = fallback_feed_urls(homepages[host])
        else:
            verdicts[host] = (None, "none", describe_error(result)[:300])
    asks = [(h, u) for h, u in advertised.items()] + [
        (h, u) for h, urls in fallback.items() for u in urls]
    results = fetcher.fetch_all([FetchRequest(u) for _, u in asks])
    for (host, url), result in zip(asks, results, strict=True):
        note_refusal(host, result)
        if host in verdicts:
            continue  # a fallback path before this one was the feed
        if host in advertised:
            if not result.ok or not result.body:
                verdicts[host] = (None, "none", describe_error(result)[:300])
                continue
            parsed = parse_feed(result.body, result.final_url or url, result.content_type)
            verdicts[host] = ((url, "found", None) if not parsed.error
                              else (None, "none", parsed.error[:300]))
        elif is_fallback_feed(url, result):
            verdicts[host] = (url, "found", None)
    for host in fallback:
        verdicts.setdefault(host, (None, "none", "no feed advertised and none at common paths"))
    for host, why in refused.items():
        verdicts[host] = (None, "refused", why)
    return verdicts


def finalize(candidates: Sequence[Candidate], now: datetime) -> list[dict]:
    """``source_suggestions`` rows of one industry: checked candidates, refused ones
    dropped, those with a feed first."""
    kept = [c for c in candidates if c.feed_status in ("found", "none")]
    kept.sort(key=lambda c: (c.feed_status != "found", -c.score, c.host))
    return [c.row(rank, now) for rank, c in enumerate(kept, 1)]


def suggest_sources(
    con,  # noqa: ANN001 - a DuckDB connection
    fetcher: Fetcher,
    as_of: datetime,
    top_per_industry: int = DEFAULT_TOP_PER_INDUSTRY,
    half_life_days: float = 90.0,
    previous: Mapping[str, Mapping] | None = None,
) -> tuple[list[dict], list[dict], dict[str, int]]:
    """Score, check and rank the suggestions of every industry from the warehouse.

    Returns the ``source_suggestions`` rows, the ``suggestion_feed_checks`` rows and
    counts for the asset's metadata.
    """
    started = time.perf_counter()
    by_industry = score_candidates(
        con.execute(LINKS_SQL).fetchall(),
        con.execute(OWN_HOSTS_SQL).fetchall(),
        con.execute(VOICE_SITES_SQL).fetchall(),
        con.execute(PROFILE_LINKS_SQL).fetchall(),
        as_of,
        half_life_days,
    )
    top = [c for cands in by_industry.values() for c in cands[:top_per_industry]]
    scored = time.perf_counter()
    now = now_utc()  # checks are dated by the clock, not by INNERCIRCLE_AS_OF
    check_feeds(top, fetcher, previous, now=now)
    checked = time.perf_counter()
    rows: list[dict] = []
    for industry in sorted(by_industry):
        rows.extend(finalize(by_industry[industry][:top_per_industry], now))
    counts = {
        "candidates": sum(len(c) for c in by_industry.values()),
        "checked": len(top),
        "with_feed": sum(c.feed_status == "found" for c in top),
        "refused": sum(c.feed_status == "refused" for c in top),
        "rechecked": len({c.host for c in top if c.checked_at == now}),  # not reused
        "score_ms": round((scored - started) * 1000),
        "feed_check_ms": round((checked - scored) * 1000),
    }
    return rows, check_rows({c.host: c for c in top}), counts


#: Feeds the crawl read without error, newest first per site: a check already made.
CRAWLED_FEEDS_SQL = """
SELECT source_url, feed_url, checked_at FROM feeds
WHERE feed_url <> '' AND status IN ('ok', 'warning', 'not_modified')
ORDER BY checked_at DESC, via <> 'autodiscovered', source_url, feed_url
"""


def previous_checks(con) -> dict[str, dict]:  # noqa: ANN001 - a DuckDB connection
    """The last feed check per host: ``suggestion_feed_checks``, or the crawl's own
    reading of the host's feed (``feeds``) when that is newer. A host one industry lists
    is a candidate of the others; the crawl just read its feed through the same fetcher
    rules, so asking its homepage again would only repeat it."""
    rows = con.execute(
        "SELECT host, feed_url, feed_status, feed_note, checked_at FROM suggestion_feed_checks"
    ).fetchall()
    out = {
        h: {"feed_url": f, "feed_status": s, "feed_note": n, "checked_at": t}
        for h, f, s, n, t in rows
    }
    crawled: dict[str, dict] = {}
    for source_url, feed_url, checked_at in con.execute(CRAWLED_FEEDS_SQL).fetchall():
        host = link_host(source_url)
        if host and host == link_host(feed_url) and host not in crawled:
            crawled[host] = {"feed_url": feed_url, "feed_status": "found", "feed_note": None,
                             "checked_at": checked_at}
    for host, check in crawled.items():
        old = out.get(host)
        if old is None or old.get("checked_at") is None or (
                check["checked_at"] is not None
                and _naive(check["checked_at"]) > _naive(old["checked_at"])):
            out[host] = check
    return out


def check_rows(rows_by_host: Mapping[str, Candidate]) -> list[dict]:
    """``suggestion_feed_checks`` rows for the candidates that were checked."""
    return [
        {"host": h, "feed_url": c.feed_url, "feed_status": c.feed_status,
         "feed_note": c.feed_note, "checked_at": c.checked_at}
        for h, c in rows_by_host.items() if c.checked_at is not None
    ]


def store_suggestions(
    con,  # noqa: ANN001 - a DuckDB connection
    rows: Sequence[dict],
    checks: Sequence[dict],
) -> None:
    """Tonight's suggestions replace the last night's, and their feed checks are kept
    per host, in one transaction: the table never shows suggestions whose checks are
    missing."""
    with warehouse.transaction(con):
        warehouse.replace_all(con, "source_suggestions", arrow(rows))
        warehouse.insert(con, "suggestion_feed_checks", arrow(checks), replace=True)


def accept_tonight(path: Path, rows: Sequence[Mapping], top: int) -> list[str]:
    """INNERCIRCLE_SUGGEST_AUTO_ACCEPT: the ``top`` best suggestions with a feed per
    industry added to the sources file at ``path`` (see
    :func:`innercircle.accept.auto_accept`); returns the URLs added. Off (``top`` 0), or
    no file to edit: nothing is added."""
    if top <= 0 or not path.is_file():
        return []
    text, added = auto_accept(path.read_text("utf-8"), rows, top, now_utc().date())
    if added:
        path.write_text(text, "utf-8")
    return added
