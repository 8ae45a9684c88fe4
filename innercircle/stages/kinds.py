"""Source kinds: one declaration per kind of thing the crawl reads.

A :class:`SourceKind` says, in one place, how its sources are planned (what to fetch,
read from the warehouse), fetched (network only, one shard of hosts at a time, rows
streamed into the lake), stored (its own tables, inside the step's one transaction),
which article pages it announces, how its own pages become documents, which
documents it yields besides its pages (a feed's entries whose page could not be had),
and which industry those documents belong to. The crawl assets, the sources file's
keys, the articles to fetch, the documents step (:mod:`innercircle.stages.documents`)
and ``document_industries`` are all derived from the registered kinds
(:func:`registered`), so adding a kind is one ``register(SourceKind(...))`` call and
never a branch elsewhere; the three built-in kinds (feeds with sites, author pages,
articles) are declared in :mod:`innercircle.stages.crawl_kinds`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from innercircle.stages import Progress

if TYPE_CHECKING:  # only for annotations: declaring a kind loads neither
    import duckdb

    from innercircle.fetch import Fetcher


@dataclass(frozen=True)
class PlanContext:
    """What a kind's plan may use besides the warehouse: this run and its budgets."""

    run_id: str
    per_feed: int  # INNERCIRCLE_FEED_ARTICLES_PER_NIGHT
    per_host: int  # INNERCIRCLE_HOST_REQUESTS_PER_NIGHT


@dataclass
class CrawlPlan:
    """What one crawl step fetches tonight: ``items`` (URLs, or objects with a ``url``)
    are spread over shards by host; ``state`` (validators, earlier rows...) goes to every
    shard; ``note`` (small: counts, budget skips) goes to the store step once; ``log`` is
    one line for the run's log."""

    items: list
    state: dict = field(default_factory=dict)
    note: dict = field(default_factory=dict)
    log: str = ""


@dataclass(frozen=True)
class FetchContext:
    """What a kind's fetch gets besides its items and the fetcher."""

    run_id: str
    state: Mapping[str, Any]
    progress: Progress


@dataclass
class StoreContext:
    """What a kind's store gets: its tables' rows from every shard (``rows(table)``), the
    plan's note, and the step's crawl records (``records.record(...)`` logs a request
    the plan decided not to make, such as a budget skip)."""

    run_id: str
    rows: Callable[[str], list[dict]]
    note: Mapping[str, Any]
    records: Any  # a CrawlOutput


@dataclass
class Stored:
    """What a kind's store reports: metadata for the UI and warnings for the log. A
    metadata value is an int, a text (markdown) or a table: ``(headers, rows)``."""

    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class PageContent:
    """What a kind reads from one of its stored pages, for its ``documents`` row."""

    title: str
    published: datetime | None
    text: str
    language: str | None
    byline: list[str]
    byline_origin: str | None
    links: list = field(default_factory=list)  # document_links rows (articles only)
    undated_is_fetched: bool = False  # an undated page is dated by its first fetch


@dataclass
class DocumentsContext:
    """What a kind's :class:`ExtraDocuments` builder gets in the documents step:
    ``reader``, a cursor to stream its rows from (never written through); ``write``,
    which writes a batch of ``documents`` rows (with their ``"links"``) inside the step's
    one transaction and returns how many; ``batch``, how many rows to hold at once."""

    reader: duckdb.DuckDBPyConnection
    write: Callable[[list[dict]], int]
    batch: int


@dataclass
class ExtraBuilt:
    """What a kind's extra documents came to: how many rows were written this run, and
    the stored pages its documents stand for (the documents step builds none of them:
    a feed entry whose page is a PDF is the document, not the PDF)."""

    written: int = 0
    stands_for: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ExtraDocuments:
    """Documents a kind yields besides its own stored pages, of ``documents.kind``
    ``document_kind``. ``build`` runs in the documents step before any page is built,
    writes only what changed, and says which stored pages it stands for."""

    document_kind: str
    build: Callable[[DocumentsContext], ExtraBuilt]


#: plan(con, ctx) -> CrawlPlan; reads DuckDB, never writes.
Plan = Callable[["duckdb.DuckDBPyConnection", PlanContext], CrawlPlan]
#: fetch(items, fetcher, out, ctx): network only; rows go to ``out`` (``add``/``record``).
Fetch = Callable[[Sequence, "Fetcher", Any, FetchContext], None]
#: store(con, ctx) -> Stored; writes the kind's tables inside the step's transaction.
Store = Callable[["duckdb.DuckDBPyConnection", StoreContext], Stored]
#: content(html, url, feed) -> PageContent for one stored page of the kind.
Content = Callable[[bytes, str, Any], PageContent]
#: with_feed(content, feed) -> PageContent: what ``content(html, url, None)`` read from the
#: page alone, completed by its feed entry where the page is silent, exactly as
#: ``content(html, url, feed)`` would read it.
WithFeed = Callable[[PageContent, Any], PageContent]


@dataclass(frozen=True)
class SourceKind:
    """One kind of source or page the crawl reads; see the module docstring.

    ``name`` is the crawl asset and the table its rows go to. ``keys`` maps the sources
    file's keys it reads to the ``sources.kind`` they are stored as (a kind that only
    follows links, like articles, has none and ``follows_announced`` instead: it runs
    after every kind that ``announces`` pages). SQL fragments read the warehouse:
    ``announces`` selects ``url, feed_url, changed_at, dated`` of article pages it
    lists (``feed_url`` NULL: no per-feed budget); ``page_context`` selects ``url,
    published_at, title, raw_authors, feed_authors``, one row per page it describes (a
    feed entry's fields, which kinds with ``feed_context`` fall back on; at most one kind
    declares it; ``with_feed`` says how, so its pages can be read before their entry
    is at hand); ``industries`` selects ``doc_id,
    industry, source_url`` of the documents it brought. ``ddl`` creates a plug-in's
    own tables (``CREATE TABLE IF NOT EXISTS``); the built-in ones live in
    ``warehouse/schema``.
    """

    name: str
    description: str
    plan: Plan
    fetch: Fetch
    store: Store
    tables: tuple[str, ...]  # the tables its shards hand over (besides the crawl log)
    keys: Mapping[str, str] = field(default_factory=dict)
    follows_announced: bool = False
    announces: str = ""
    document_kind: str = ""  # documents.kind of its own pages; "" when they are none
    content: Content | None = None
    feed_context: bool = False  # its documents fall back on their feed entry's fields
    with_feed: WithFeed | None = None  # how, after a page was read alone (see WithFeed)
    page_context: str = ""
    extra_documents: ExtraDocuments | None = None
    industries: str = ""
    ddl: str = ""
    formats: tuple[str, ...] = ("html",)  # what it reads, shown as kinds in the UI


_KINDS: dict[str, SourceKind] = {}


def register(kind: SourceKind) -> SourceKind:
    """Add (or replace, by name) a kind; the crawl assets built afterwards include it."""
    _builtins()
    described = [k.name for k in _KINDS.values() if k.page_context and k.name != kind.name]
    if kind.page_context and described:
        raise ValueError(f"{kind.name}: page_context is declared by {described[0]} already")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    _KINDS.pop(name, None)


def registered() -> list[SourceKind]:
    """Every kind, in registration order (built-ins first)."""
    _builtins()
    return list(_KINDS.values())


def _builtins() -> None:
    if not _KINDS:
        import innercircle.stages.crawl_kinds  # noqa: F401  (registers feeds, authors, articles)


#: The built-in kinds' sources-file keys (``crawl_kinds.py`` declares them; a test checks
#: they agree), so checking a sources file needs no crawl or extraction code loaded.
BUILTIN_KEYS = {"feeds": "feed", "sites": "site", "authors": "author"}


def source_keys() -> dict[str, str]:
    """Sources-file key -> ``sources.kind`` value, over every kind (``feeds`` -> ``feed``):
    the built-ins' plus those of any kind registered since."""
    extra = {key: value for k in _KINDS.values() for key, value in k.keys.items()}
    return {**BUILTIN_KEYS, **extra}


def upstream_of(kind: SourceKind) -> list[str]:
    """The crawl assets a kind waits for: ``sources``, or the kinds whose pages it follows."""
    if kind.follows_announced:
        return [k.name for k in registered() if k.announces]
    return ["sources"]


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables plug-in kinds bring (idempotent)."""
    for kind in registered():
        if kind.ddl:
            con.execute(kind.ddl)


def by_document_kind(document_kind: str) -> SourceKind:
    for kind in registered():
        if kind.document_kind == document_kind:
            return kind
    raise KeyError(f"no source kind builds documents of kind {document_kind!r}")


# --------------------------------------------------------------- SQL derived from kinds


def announced_pages_sql() -> str:
    """Every article page some kind lists: ``url, feed_url, changed_at, dated``."""
    parts = [k.announces.strip() for k in registered() if k.announces]
    return "\nUNION ALL\n".join(parts) or (
        "SELECT NULL::VARCHAR AS url, NULL::VARCHAR AS feed_url, NULL::TIMESTAMP AS "
        "changed_at, NULL::TIMESTAMP AS dated WHERE false"
    )


def pages_sql() -> str:
    """Every stored page that is a document: ``url, kind`` (the document kind)."""
    return "\nUNION ALL\n".join(
        f"SELECT url, '{k.document_kind}' AS kind FROM {k.name}"
        for k in registered()
        if k.document_kind
    )


def document_industries_sql() -> str:
    """``doc_id, industry, source_url``: the industries whose sources brought each document."""
    parts = "\n    UNION ALL\n".join(k.industries.strip() for k in registered() if k.industries)
    return f"SELECT DISTINCT doc_id, industry, source_url FROM (\n{parts}\n)"


def pages_to_build_sql() -> str:
    """Stored pages whose document is missing or older than the page, with what the
    kind with a ``page_context`` says of them (their latest feed entry: used where the
    page is silent, by kinds with ``feed_context``). ``$stood_for`` lists the
    pages some kind's extra documents stand for (:class:`ExtraBuilt`), or that were
    built already: they are left out before their bodies are read."""
    return f"""
{_pages_with_context()}
SELECT p.url, p.kind, r.body_gzip, r.content_hash, r.fetched_at,
       e.entries, e.final_url
FROM pages p
JOIN raw_pages r USING (url)
{_TO_BUILD}
ORDER BY p.url
"""


def parsed_pages_to_build_sql() -> str:
    """:func:`pages_to_build_sql` for the pages in ``_parsed`` (``url, kind,
    content_hash``: pages read before the documents step, see
    :mod:`innercircle.stages.early_parse`) whose stored body is the one read, without
    the bodies."""
    return f"""
{_pages_with_context()}
SELECT p.url, p.kind, r.content_hash, r.fetched_at,
       e.entries, e.final_url
FROM _parsed x
JOIN pages p ON p.url = x.url AND p.kind = x.kind
JOIN raw_pages r ON r.url = x.url AND r.content_hash = x.content_hash
{_TO_BUILD}
"""


def _pages_with_context() -> str:
    return f"WITH pages AS (\n{pages_sql()}\n),\ncontext AS (\n{page_context_sql()}\n)"


_TO_BUILD = """LEFT JOIN documents d ON d.url = p.url
LEFT JOIN context e ON e.url = p.url
WHERE (d.doc_id IS NULL OR d.content_hash <> r.content_hash)
  AND p.url NOT IN (SELECT unnest($stood_for::VARCHAR[]))"""


def page_context_sql() -> str:
    """``url, entries, final_url``: what the one kind that describes other kinds' pages
    (the feeds' entries) says about each: every entry for it, newest first (a struct of
    ``published_at, title, raw_authors, feed_authors`` and ``feed_sites``, where its feed
    is), and where the page redirected to."""
    parts = [k.page_context.strip() for k in registered() if k.page_context]
    return parts[0] if parts else (
        "SELECT NULL::VARCHAR AS url, NULL AS entries, NULL::VARCHAR AS final_url "
        "WHERE false"
    )


def document_sources() -> list[str]:
    """The crawl assets whose rows become documents: kinds with pages that are
    documents or with extra documents (the ``documents`` step's upstream)."""
    return [k.name for k in registered() if k.document_kind or k.extra_documents]


def industry_tables() -> list[str]:
    """The tables ``document_industries`` is read from, besides ``sources``."""
    return [table for k in registered() if k.industries for table in k.tables]
