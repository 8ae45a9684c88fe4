"""Reading feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) and finding them on homepages.

:func:`parse_feed` never raises. Real feeds are often broken (wrong encodings, undefined
entities, unclosed CDATA, gzip bytes, HTML served as RSS); feedparser's loose mode reads
what can be read, and what cannot is reported in ``ParsedFeed.error``.

Author fields are taken *raw*: feedparser splits ``jane@x.org (Jane Doe)`` into parts and
merges ``author``/``dc:creator``/``itunes:author`` into one list, which loses what the
feed said. A second, shallow pass with lxml (entities off, no network) reads the fields
as written; byline parsing is a later stage's job. The same pass tells an entry's real
links from those feedparser makes up (an empty ``href`` resolved to the base URL, a guid
that is no permalink resolved into one), and it reads the document in the encoding
feedparser found, not the one the document declares.

Titles are stored as plain text, whatever markup the feed wrote them in.

Entity-expansion bombs are refused by :func:`~innercircle.xml_safety.xml_entity_problem`
before any XML parser sees the document, so memory stays flat whatever the DOCTYPE
declares.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from bs4 import BeautifulSoup
from lxml import etree

from innercircle.model import FeedEntry, ParsedFeed
from innercircle.xml_safety import sniff_text, xml_entity_problem

FALLBACK_FEED_PATHS = ("/feed", "/rss.xml", "/atom.xml", "/index.xml")

# <link rel="alternate" type=...> values that name a feed. Plain application/json is left
# out on purpose: WordPress puts its REST API there on every page.
FEED_LINK_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/x.atom+xml",
        "application/x-atom+xml",
        "application/x-rss+xml",
    }
)

MAX_DECOMPRESSED_BYTES = 32 * 2**20  # a gzipped feed file may inflate to at most this

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", re.I | re.S)
_XML_DECL = re.compile(rb"^\s+(?=<\?xml)")


def _gunzip(data: bytes) -> bytes:
    z = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = z.decompress(data, MAX_DECOMPRESSED_BYTES + 1)
    if len(out) > MAX_DECOMPRESSED_BYTES:
        raise ValueError(f"gzipped feed inflates past {MAX_DECOMPRESSED_BYTES} bytes")
    return out


def _to_datetime(struct: Any) -> datetime | None:
    if not struct:
        return None
    try:
        return datetime(*struct[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


_COLON_OFFSET = re.compile(r"([+-]\d\d):(\d\d)$")


def _feed_date(value: Any) -> datetime | None:
    """A date as JSON feeds write it: RFC 3339 (JSON Feed's rule) or RFC 822 (RSS's, kept
    by RSS-in-JSON), else ``None``. RFC 822 dates are given in UTC, as feedparser gives
    the dates of the XML feeds it reads; stdlib parsers, so no private feedparser API."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        # "+02:00" is common in feeds but not RFC 822's "+0200", which the stdlib reads.
        value = _COLON_OFFSET.sub(r"\1\2", value)
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            try:  # a date without its time ("01 Oct 2024"): midnight, as feedparser reads it
                dt = datetime.strptime(value, "%d %b %Y")
            except ValueError:
                return None
        return dt.astimezone(UTC) if dt.tzinfo else dt.replace(tzinfo=UTC)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _absolute(link: str, base: str) -> str:
    link = (link or "").strip()
    if not link:
        return ""
    if urlsplit(link).scheme in ("http", "https"):
        return link
    return urljoin(base, link) if base else link


# A closing tag or a character/entity reference: what makes a string HTML rather than text
# that happens to hold a "<" (feedparser's test for RSS titles, in short).
_HTMLISH = re.compile(r"</[A-Za-z][\w:-]*\s*>|&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z]\w*);")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _plain_title(value: Any, html: bool) -> str:
    """A title as plain text: tags gone, entities decoded, whitespace collapsed.

    Titles are shown and written out as text (report, Atom output), which escape them
    once more; a title kept as HTML would show its tags and ``&#8217;`` to the reader.
    """
    if not isinstance(value, str):
        return ""
    return " ".join((markup_to_text(value) if html else value).split())


def _fp_title(detail: Any, value: Any) -> str:
    """A feedparser title as text; its ``*_detail`` says whether the feed wrote HTML."""
    kind = detail.get("type", "") if isinstance(detail, dict) else ""
    return _plain_title(value, kind in _HTML_TYPES)


def _json_title(value: Any) -> str:
    """A JSON feed's title as text. JSON Feed says titles are plain text, but feeds written
    by HTML tools escape them (``I&#039;m``); a title that reads as HTML is taken as HTML,
    one with a bare ``<`` (``von <i> und <b>``) as text."""
    text = value.strip() if isinstance(value, str) else ""
    return _plain_title(text, bool(_HTMLISH.search(text)))


def _dedupe(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return out


# -- raw author fields (lxml pass) --------------------------------------------------------


def _local(tag: Any) -> str:
    """Local name of a tag; tolerant of the unbound ``prefix:name`` tags recover mode keeps."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _author_fields(parent: Any) -> list[str]:
    """author / dc:creator / itunes:author / atom author/name children, as written."""
    found: list[str] = []
    for child in parent:
        name = _local(child.tag)
        if name in ("author", "creator", "managingEditor"):
            if len(child):  # Atom: <author><name>..</name><email>..</email></author>
                names = [c.text or "" for c in child if _local(c.tag) == "name"]
                found.extend(names)
            else:
                found.append(child.text or "")
    return _dedupe(found)


def _item_key(item: Any) -> str:
    for child in item:
        name = _local(child.tag)
        if name == "link":
            href = child.get("href")
            if href and child.get("rel", "alternate") == "alternate":
                return href.strip()
            if not href and child.text:
                return child.text.strip()
    for child in item:
        if _local(child.tag) in ("guid", "id") and child.text:
            return child.text.strip()
    return ""


@dataclass(frozen=True)
class _RawItem:
    """An item as written, for what feedparser's parsed form no longer tells."""

    key: str  # its link, else its guid/id, as written: to find its feedparser entry
    authors: list[str]
    has_link: bool  # it has an alternate link that is not empty
    empty_links: frozenset[str]  # where its empty links (href="") resolve: no addresses
    page_id: str  # its guid/id if that is a permalink written as an http(s) URL, else ""


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _raw_item(item: Any, url: str) -> _RawItem:
    """feedparser resolves an empty ``href`` to the base URL and a guid or id, relative or
    ``isPermaLink="false"``, into a link; what was written tells them from real links."""
    has_link, empty, ident, permalink = False, set(), None, True
    for child in item:
        name = _local(child.tag)
        if name == "link" and child.get("rel", "alternate") == "alternate":
            href = child.get("href")
            value = (child.text if href is None else href) or ""
            has_link = has_link or bool(value.strip())
            if href is not None and not href.strip():
                empty.add(urljoin(url, child.base or ""))
        elif name in ("guid", "id") and ident is None:
            ident = (child.text or "").strip()
            attrs = {k.lower(): v for k, v in child.attrib.items() if isinstance(k, str)}
            permalink = attrs.get("ispermalink", "true").strip().lower() != "false"
    if ident is None:  # RSS 1.0 names an item's page in its rdf:about
        ident = next((v for k, v in item.attrib.items()
                      if isinstance(k, str) and k.endswith("}about")), None)
    page_id = ident if ident and permalink and _is_web_url(ident) else ""
    return _RawItem(_item_key(item), _author_fields(item), has_link, frozenset(empty), page_id)


def _as_decoded(data: bytes, encoding: str) -> tuple[bytes, str | None]:
    """The document in the encoding feedparser read it in, as (bytes, encoding for lxml).

    A feed whose declared encoding is wrong (windows-1252 bytes declared UTF-8) is read by
    feedparser in the one that works; lxml would follow the declaration and turn every
    accented letter of the author fields into U+FFFD. Re-encoded as UTF-8, with lxml told
    so, both passes read the same characters.
    """
    try:
        text = data.decode(encoding) if encoding else None
    except (LookupError, UnicodeDecodeError):
        text = None
    if text is None:
        return data, None
    return text.encode("utf-8"), "utf-8"


def _raw_items(
    data: bytes, url: str, encoding: str = ""
) -> tuple[list[str], list[_RawItem]] | None:
    """(feed-level author fields, the items as written) or None when lxml cannot read it.

    ``encoding`` is the one feedparser used (``d.encoding``), so that both read the same.
    """
    data, override = _as_decoded(data, encoding)
    parser = etree.XMLParser(
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        encoding=override,
    )
    try:
        root = etree.fromstring(data, parser, base_url=url or None)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    channel = root
    for child in root:
        if _local(child.tag) == "channel":
            channel = child
            break
    feed_level = _author_fields(channel)
    items = [_raw_item(el, url) for el in root.iter() if _local(el.tag) in ("item", "entry")]
    return feed_level, items


def _fp_authors(obj: Any) -> list[str]:
    """Author strings rebuilt from feedparser's parsed form (fallback only)."""
    out = []
    for a in obj.get("authors") or []:
        name, email = (a.get("name") or "").strip(), (a.get("email") or "").strip()
        out.append(f"{email} ({name})" if name and email else name or email)
    if not out and obj.get("author"):
        out.append(obj.get("author"))
    return _dedupe(out)


# -- JSON Feed ----------------------------------------------------------------------------


def _json_authors(obj: dict[str, Any]) -> list[str]:
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj["author"]] if isinstance(obj.get("author"), dict | str) else []
    out = []
    for a in authors:
        if isinstance(a, str):
            out.append(a)
        elif isinstance(a, dict):
            value = a.get("name") or a.get("url") or ""
            out.append(value if isinstance(value, str) else "")
    return _dedupe(out)


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        return ParsedFeed(url=url, error=f"not a feed: invalid JSON ({exc})")
    if isinstance(data, dict) and isinstance(data.get("rss"), dict):
        return _parse_rss_in_json(data["rss"], url)
    version = data.get("version", "") if isinstance(data, dict) else ""
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or (
        not (isinstance(version, str) and "jsonfeed.org" in version) and not items
    ):
        return ParsedFeed(url=url, error="not a feed: JSON without JSON Feed fields")
    link = data.get("home_page_url") if isinstance(data.get("home_page_url"), str) else ""
    feed = ParsedFeed(
        url=url,
        title=_json_title(data.get("title")),
        link=_absolute(link or "", url),
        format="json",
        feed_authors=_json_authors(data),
    )
    for item in items:
        if not isinstance(item, dict):
            continue
        item_url = item.get("url") or item.get("external_url") or ""
        summary = item.get("summary") or item.get("content_text") or ""
        content = item.get("content_html") or item.get("content_text") or ""
        feed.entries.append(
            FeedEntry(
                url=_absolute(item_url if isinstance(item_url, str) else "", url),
                title=_json_title(item.get("title")),
                entry_id=str(item.get("id") or ""),
                published=_feed_date(item.get("date_published")),
                updated=_feed_date(item.get("date_modified")),
                raw_authors=_json_authors(item),
                summary=summary if isinstance(summary, str) else "",
                content=content if isinstance(content, str) else "",
            )
        )
    return feed


def _parse_rss_in_json(rss: dict[str, Any], url: str) -> ParsedFeed:
    """Dave Winer's RSS-in-JSON (``{"rss": {"channel": {"item": [...]}}}``)."""
    channel = rss.get("channel")
    if not isinstance(channel, dict):
        return ParsedFeed(url=url, error="not a feed: RSS-in-JSON without a channel")
    items = channel.get("item") or []
    items = items if isinstance(items, list) else [items]

    def text(obj: dict[str, Any], key: str) -> str:
        value = obj.get(key)
        return value.strip() if isinstance(value, str) else ""

    feed = ParsedFeed(
        url=url,
        title=_json_title(channel.get("title")),
        link=_absolute(text(channel, "link"), url),
        format="rss-in-json",
        feed_authors=_dedupe([text(channel, k) for k in ("managingEditor", "dc:creator")]),
    )
    for item in items:
        if not isinstance(item, dict):
            continue
        guid = text(item, "guid")  # a name; a link only if written as one (see _entry_link)
        feed.entries.append(
            FeedEntry(
                url=_absolute(text(item, "link"), url) or (guid if _is_web_url(guid) else ""),
                title=_json_title(item.get("title")),
                entry_id=text(item, "guid"),
                published=_feed_date(text(item, "pubDate")),
                raw_authors=_dedupe([text(item, k) for k in ("author", "dc:creator")]),
                summary=text(item, "description"),
                content=text(item, "content:encoded"),
            )
        )
    return feed


# -- XML feeds ----------------------------------------------------------------------------


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse a feed document. Never raises; see ``ParsedFeed.error`` / ``.warning``."""
    try:
        return _parse_feed(body, url, content_type or "")
    except Exception as exc:  # last line of defence: a parser bug must not stop a run
        return ParsedFeed(url=url, error=f"parser failure: {type(exc).__name__}: {exc}")


def _parse_feed(body: bytes, url: str, content_type: str) -> ParsedFeed:
    if not body or not body.strip():
        return ParsedFeed(url=url, error="empty document")
    if body[:2] == b"\x1f\x8b":
        try:
            body = _gunzip(body)
        except (zlib.error, ValueError) as exc:
            return ParsedFeed(url=url, error=f"gzip-compressed body could not be read: {exc}")
    head = sniff_text(body[:4096]).lstrip("\ufeff \t\r\n")
    ctype = content_type.split(";", 1)[0].strip().lower()
    if head.startswith(("{", "[")) or ctype.endswith("json"):
        return _parse_json_feed(body, url)
    if _HTML_START.match(body[:4096]):
        return ParsedFeed(url=url, error="not a feed: the document is HTML")
    problem = xml_entity_problem(body)
    if problem:
        return ParsedFeed(url=url, error=f"refused: {problem}")
    body = _XML_DECL.sub(b"", body, count=1)  # stray whitespace before <?xml ...?>
    # Without a Content-Type feedparser flags every document; RFC 7303's generic XML type
    # lets the XML declaration name the encoding, which is what a file on disk means.
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    d = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    bozo = d.get("bozo_exception")
    if isinstance(bozo, feedparser.NonXMLContentType) and (d.entries or d.version):
        bozo = None  # served as text/html or text/plain but a well-formed feed: not malformed
    reason = f"{type(bozo).__name__}: {bozo}" if bozo else ""
    if not d.entries:
        if not d.version:
            looks_html = d.get("namespaces") == {} and b"<body" in body[:65536].lower()
            what = "looks like HTML" if looks_html else (reason or "no RSS/Atom root element")
            return ParsedFeed(url=url, error=f"not a feed: {what}")
        if bozo and not d.feed.get("title"):
            return ParsedFeed(url=url, format=d.version, error=f"malformed feed: {reason}")
    feed_info = d.feed
    feed = ParsedFeed(
        url=url,
        title=_fp_title(feed_info.get("title_detail"), feed_info.get("title")),
        link=_absolute(feed_info.get("link", "") or "", url),
        format=d.version or "unknown",
        warning=f"malformed feed, read leniently: {reason}" if bozo else None,
    )
    raw = _raw_items(body, url, d.get("encoding") or "")
    raw_items: list[_RawItem] = raw[1] if raw else []
    by_key = {item.key: item for item in raw_items if item.key}
    positional = len(raw_items) == len(d.entries)
    feed.feed_authors = raw[0] if raw and raw[0] else _fp_authors(feed_info)
    for i, e in enumerate(d.entries):
        if positional:
            as_written: _RawItem | None = raw_items[i]
        else:
            as_written = by_key.get(str(e.get("link") or "").strip()) or by_key.get(
                str(e.get("id") or "").strip()
            )
        link = _entry_link(e, url, as_written)
        authors = as_written.authors if as_written else []
        if not authors and not positional:
            authors = _fp_authors(e)
        feed.entries.append(
            FeedEntry(
                url=link,
                title=_fp_title(e.get("title_detail"), e.get("title")),
                entry_id=str(e.get("id", "") or ""),
                published=_to_datetime(e.get("published_parsed")),
                updated=_to_datetime(e.get("updated_parsed")),
                raw_authors=authors,
                summary=e.get("summary", "") or "",
                content=_fp_content(e),
            )
        )
    return feed


def _fp_content(entry: Any) -> str:
    """The longest of an entry's content values (``content:encoded``, Atom ``content``)."""
    values = [
        c.get("value") or ""
        for c in entry.get("content") or []
        if isinstance(c, dict) and isinstance(c.get("value"), str)
    ]
    return max(values, key=len, default="")


def _entry_link(entry: Any, base: str, as_written: _RawItem | None) -> str:
    """The entry's web address: its FeedBurner origLink, its link or another alternate
    link, else its id when that is a permalink written as an http(s) URL; "" if none.

    A FeedBurner feed's links go through feedproxy.google.com; ``<feedburner:origLink>``
    names the article the proxy stands for, the page whose byline counts.

    An empty link (``href=""``) is no link, though feedparser resolves it to the base URL,
    and an id is a name, not a path: never resolved against the base, so ``e8-id``, a
    UUID or a ``tag:`` id gives no address (it would be fetched, and 404).
    """
    links = [entry.get("link") or ""]
    links += [
        link.get("href") or ""
        for link in entry.get("links") or []
        if link.get("rel", "alternate") == "alternate"
    ]
    if as_written is None:  # feedparser's word only: a link it took from the guid is left
        from_id = entry.get("id") if entry.get("guidislink") else None
        candidates = [link for link in links if link != from_id]
    elif as_written.has_link:
        candidates = [link for link in links if link not in as_written.empty_links]
        candidates.append(as_written.page_id)
    else:  # feedparser's link, if any, is the guid or an empty href resolved
        candidates = [as_written.page_id]
    for candidate in [str(entry.get("feedburner_origlink") or ""), *candidates]:
        absolute = _absolute(candidate, base)
        if _is_web_url(absolute):
            return absolute
    return ""


# -- discovery ----------------------------------------------------------------------------


def discover_feeds(html: bytes, base_url: str) -> list[str]:
    """Feed URLs a page announces with ``<link rel="alternate" type=...>``, in page order.

    Callers fall back to :data:`FALLBACK_FEED_PATHS` when this is empty.
    """
    try:
        soup = BeautifulSoup(html, "lxml")
    except Exception:
        return []
    base = base_url
    base_tag = soup.find("base", href=True)
    if base_tag is not None:
        base = urljoin(base_url, str(base_tag["href"]).strip())
    found: list[str] = []
    for link in soup.find_all("link", href=True):
        rel = link.get("rel") or []
        rels = rel if isinstance(rel, list) else str(rel).split()
        if "alternate" not in {r.lower() for r in rels}:
            continue
        kind = str(link.get("type") or "").split(";", 1)[0].strip().lower()
        if kind not in FEED_LINK_TYPES:
            continue
        href = urljoin(base, str(link["href"]).strip())
        if urlsplit(href).scheme in ("http", "https") and href not in found:
            found.append(href)
    return found


def fallback_feed_urls(site_url: str) -> list[str]:
    """The common feed locations to try on a site when its homepage announces none."""
    return [urljoin(site_url, path) for path in FALLBACK_FEED_PATHS]


# -- entry text ---------------------------------------------------------------------------

#: Cap on an entry's cleaned text: a feed is not a place for books.
MAX_ENTRY_TEXT_CHARS = 200_000

_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
)  # fmt: skip
_DROP_TAGS = ("script", "style", "noscript", "iframe", "svg", "form", "button", "template")


def markup_to_text(markup: str) -> str:
    """Readable text from an entry's HTML (or plain) content: markup and scripts gone,
    one paragraph per line, so sentences stay whole for NER and snippets."""
    if not markup or not markup.strip():
        return ""
    if "<" not in markup and "&" not in markup:
        text = markup
    else:
        try:
            soup = BeautifulSoup(markup, "lxml")
        except Exception:
            return ""
        for tag in soup.find_all(_DROP_TAGS):
            tag.decompose()
        for br in soup.find_all("br"):
            br.replace_with("\n")
        for tag in soup.find_all(_BLOCK_TAGS):
            tag.insert_before("\n")
            tag.insert_after("\n")
        text = soup.get_text()
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)[:MAX_ENTRY_TEXT_CHARS]


def entry_text(entry: FeedEntry) -> str:
    """What a reader of the feed sees of an entry: its content, else its summary, as text."""
    return markup_to_text(entry.content) or markup_to_text(entry.summary)
