"""When an article was published, from its JSON-LD, meta tags or ``<time>`` elements."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from innercircle.extract.html import ARTICLE_TYPES, types_of


def parse_date(value: str | None) -> datetime | None:
    """ISO 8601 (with ``Z``), or a bare date; None for anything else."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip().replace("Z", "+00:00")
    for candidate in (value, value[:25], value[:19], value[:10]):
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            continue
    return None


def published_date(
    root: etree._Element, meta: dict[str, list[str]], ld: list[dict]
) -> datetime | None:
    for obj in ld:
        if types_of(obj) & ARTICLE_TYPES:
            d = parse_date(obj.get("datePublished") or obj.get("dateCreated"))
            if d:
                return d
    for key in (
        "article:published_time",
        "datepublished",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "citation_publication_date",
        "og:published_time",
        "parsely-pub-date",
        "sailthru.date",
        "pubdate",
    ):
        for v in meta.get(key, []):
            d = parse_date(v)
            if d:
                return d
    for t in root.xpath("//time[@datetime]")[:3]:
        d = parse_date(t.get("datetime"))
        if d:
            return d
    return None


def naive_utc(value: datetime | None) -> datetime | None:
    """``value`` in UTC without its zone (how the warehouse stores times); naive as is."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


#: A zero timestamp, in any zone: how feeds and CMSs write "no date".
_EPOCH = datetime(1970, 1, 1)


def plausible_date(value: datetime | None, seen: datetime | None) -> datetime | None:
    """``value`` (naive UTC) if it can be a piece's date, given when it was first
    ``seen``; else None, so the caller takes its next source (the feed's date, then the
    first read).

    A zero timestamp (1970-01-01, give or take a zone) is no date at all. A date later
    than the first time the piece was read cannot be when it was published: a wrong
    zone or a typo ("2031"); kept, it would keep the piece out of every ranking until then.
    """
    value = naive_utc(value)
    if value is None or abs((value - _EPOCH).total_seconds()) <= 86_400:
        return None
    seen = naive_utc(seen)
    return None if seen is not None and value > seen else value
