"""Plain data passed between stages. No I/O, no Dagster: every stage can be tested alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: The kinds of ``documents`` that are pieces of writing: what the ranking counts and the
#: profiles, arrivals and feeds show. A feed entry stands for an article whose page could
#: not be had; an author page is about a person, not a piece by them.
PIECE_KINDS = ("article", "feed_entry")
#: :data:`PIECE_KINDS` as a SQL list, for ``kind IN {PIECES_SQL}``.
PIECES_SQL = "(" + ", ".join(f"'{k}'" for k in PIECE_KINDS) + ")"


def site_host(host: str) -> str:
    """A host as one site: lowercase, no trailing dot, no leading ``www.``, so that
    ``www.example.com`` and ``example.com`` are one site."""
    return host.lower().rstrip(".").removeprefix("www.")


@dataclass(frozen=True)
class Source:
    """One line of the sources file: a URL an industry listed, of one kind."""

    industry: str
    kind: str  # "feed" | "site" | "author"
    url: str


@dataclass
class FetchResult:
    """What happened when one URL was requested. Never raises: errors are data."""

    url: str
    final_url: str
    status: int | None = None
    content_type: str = ""
    body: bytes | None = None  # decoded (decompressed) content; None on 304 and errors
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    elapsed_s: float = 0.0
    bytes_received: int = 0  # bytes on the wire, before content decoding
    error_class: str | None = None
    error_message: str | None = None
    permanent_redirect: str | None = None  # target of a 301/308, to ask next time
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error_class is None and self.status is not None and 200 <= self.status < 300


@dataclass
class FeedEntry:
    url: str
    title: str = ""
    entry_id: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    raw_authors: list[str] = field(default_factory=list)  # author fields as the feed gives them
    summary: str = ""
    content: str = ""  # the entry's full content (HTML or text), when the feed carries it


@dataclass
class ParsedFeed:
    url: str
    title: str = ""
    link: str = ""
    format: str = ""  # e.g. "rss20", "atom10", "rss10", "json"
    entries: list[FeedEntry] = field(default_factory=list)
    feed_authors: list[str] = field(default_factory=list)  # feed-level author fields
    error: str | None = None  # set when nothing usable could be read
    warning: str | None = None  # set when the feed was malformed but entries were recovered


@dataclass
class Byline:
    """One name read from an author field or byline."""

    name: str
    kind: str = "person"  # "person" | "organisation" | "handle"
    url: str | None = None
    email: str | None = None


@dataclass
class PageExtract:
    """What an article page tells us: who wrote it and its main text."""

    url: str
    title: str = ""
    published: datetime | None = None
    authors: list[Byline] = field(default_factory=list)
    text: str = ""  # main text only: no navigation, footers, comments
    lang: str | None = None  # as the HTML declares it (<html lang>), primary subtag
    language: str | None = None  # ISO 639-1, detected from the text; None when unsure


@dataclass
class AuthorProfile:
    """An author or profile page: identity evidence for resolution."""

    url: str
    name: str | None = None
    bio: str = ""
    homepage: str | None = None
    profiles: list[str] = field(default_factory=list)  # Mastodon, LinkedIn, X, Bluesky, GitHub …
    article_urls: list[str] = field(default_factory=list)


@dataclass
class PersonMention:
    """A person named in running text, with the sentence that names them."""

    name: str  # normalised full name (surname-only mentions already joined in-document)
    surface: str  # the text as written
    start: int
    end: int
    sentence: str
    quoted: bool = False
