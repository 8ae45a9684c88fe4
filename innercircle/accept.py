"""Accepting suggested sources: add them to the sources file, saying when and why.

The file is edited the way OPML import edits it (:func:`innercircle.opml.merge_feeds_into_sources`):
comments and order kept, new feeds appended under the industry's ``feeds``, a URL already
listed never added twice, so accepting the same suggestion again changes nothing. Each new
line carries a dated comment with the evidence: ``- url  # suggested 2026-11-30: …``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from innercircle.errors import SourcesFileError
from innercircle.opml import merge_feeds_into_sources
from innercircle.sources import listed_urls, parse_sources


def evidence_note(row: Mapping) -> str:
    """The evidence of one ``source_suggestions`` row, in a few words."""
    parts = []
    sources = list(row.get("evidence_sources") or [])
    if sources:
        more = f" +{len(sources) - 3}" if len(sources) > 3 else ""
        parts.append(f"linked by {len(sources)} sources ({', '.join(sources[:3])}{more})")
    voices = [v.split(" (", 1)[0] for v in row.get("evidence_voices") or []]
    if voices:
        more = f" +{len(voices) - 3}" if len(voices) > 3 else ""
        parts.append(f"{len(voices)} voices there ({', '.join(voices[:3])}{more})")
    return "; ".join(parts) or "suggested"


def choose(rows: Sequence[Mapping], top: int | None = None, urls: Sequence[str] = ()
           ) -> list[Mapping]:
    """The suggestions to accept: the given URLs or hosts, else the ``top`` best with a feed."""
    if urls:
        wanted = [u.strip() for u in urls if u.strip()]
        picked = [r for r in rows if r["url"] in wanted or r["host"] in wanted
                  or (r.get("feed_url") and r["feed_url"] in wanted)]
        missing = [u for u in wanted if not any(u in (r["url"], r["host"], r.get("feed_url"))
                                               for r in picked)]
        if missing:
            raise KeyError(", ".join(missing))
        return picked
    with_feed = [r for r in sorted(rows, key=lambda r: r["rank"]) if r.get("feed_url")]
    return with_feed[: top or 0]


def accept_into_sources(yaml_text: str, industry: str, rows: Sequence[Mapping],
                        today: date, verb: str = "suggested", where: str = "<sources>"
                        ) -> tuple[str, list[str]]:
    """``yaml_text`` with the rows' URLs added under ``industry``, and the URLs added.

    The result is parsed before it is returned (a file we could not read is never
    written); URLs the industry already lists (feeds, sites or authors) are left as they
    are, so accepting again returns ``yaml_text`` unchanged. Raises SourcesFileError
    (naming ``where``) rather than return a rewrite that loses the file's comments.
    """
    before = listed_urls(yaml_text, industry)
    # Listed already in any form (a feed, a site, an author page): nothing to add.
    urls = [u for u in dict.fromkeys(r["url"] for r in rows) if u not in before]
    if not urls:
        return yaml_text, []
    notes = {r["url"]: f"{verb} {today.isoformat()}: {evidence_note(r)}" for r in rows}
    merged = merge_feeds_into_sources(yaml_text, industry, urls, notes, where=where)
    parse_sources(merged)
    return merged, urls


#: The most sources one night may add to an industry on its own (INNERCIRCLE_SUGGEST_AUTO_ACCEPT).
AUTO_ACCEPT_CEILING = 10


def auto_accept(yaml_text: str, rows: Sequence[Mapping], top: int, today: date
                ) -> tuple[str, list[str]]:
    """Opt-in nightly accept: the ``top`` best suggestions with a feed per industry (never
    more than :data:`AUTO_ACCEPT_CEILING`), each with a dated "auto-accepted" comment."""
    top = min(top, AUTO_ACCEPT_CEILING)
    added: list[str] = []
    if top <= 0:
        return yaml_text, added
    for industry in sorted({r["industry"] for r in rows}):
        chosen = choose([r for r in rows if r["industry"] == industry], top=top)
        try:
            yaml_text, new = accept_into_sources(yaml_text, industry, chosen, today,
                                                 verb="auto-accepted")
        except SourcesFileError:
            continue  # never rewrite a user's file at night; `sources accept` says why
        added += new
    return yaml_text, added
