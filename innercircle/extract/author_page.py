"""Author and profile pages: who the page is about, and their links elsewhere.

An author page (``/author/jane-doe/``, an "about" page, a social profile) is identity
evidence: its profile links (Mastodon, LinkedIn, X, Bluesky, GitHub) let resolution
merge "Jane Doe" on two sites into one person. Site-wide social links in headers,
footers and navigation belong to the publisher, not to the person, so they are only
read from ``rel=me`` links, JSON-LD ``sameAs`` and the author/bio block.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from innercircle.extract.html import (
    WS,
    classes_of,
    is_excluded,
    json_ld,
    meta_tags,
    parse_html,
    text_of,
    types_of,
)
from innercircle.extract.names import clean_person_name
from innercircle.model import AuthorProfile

BIO_CHARS = 400


def _case_blind(*patterns: str) -> tuple[re.Pattern[str], ...]:
    """Each pattern compiled case-insensitively, in order (first match wins)."""
    return tuple(re.compile(p, re.I) for p in patterns)


_SOCIAL = _case_blind(
    r"^https?://(?:www\.)?linkedin\.com/in/[^/?#]+",
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?!intent|share|home|hashtag|"
    r"search|i/)[A-Za-z0-9_]{1,15}/?$",
    r"^https?://bsky\.app/profile/[^/?#]+/?$",
    r"^https?://(?:www\.)?github\.com/(?!orgs|topics|about|features)[A-Za-z0-9-]+/?$",
    # Mastodon and other fediverse servers: https://server/@user
    r"^https?://[a-z0-9.-]+\.[a-z]{2,}/@[A-Za-z0-9_.]+/?$",
)
_AUTHOR_BLOCK = re.compile(r"author|profile|bio|about|vcard|h-card|person|byline", re.I)
_TITLE_PATTERNS = _case_blind(
    r"^(.+?),\s*(?:Author|Autor|Auteur) (?:at|bei|chez|en)\b",
    r"^(?:Posts|Articles|Stories|Beiträge|Artikel|Articles) (?:by|von|de|par)\s+(.+?)"
    r"(?:\s+[-|–—:·].*)?$",
    r"^(?:Author|Autor|Auteur|About)\s*[:\-–—]\s*(.+?)(?:\s+[-|–—·].*)?$",
    r"^(.+?)\s*\((?:@[\w.]+)\)",  # no letters to fold: re.I changes nothing here
    r"^(.+?)\s+[-|–—·:]\s+.*$",
)
_ARTICLE_PATH = re.compile(
    r"/\d{4}/\d{2}/|\.html?$|/(?:p|post|posts|article|articles|blog|"
    r"news|story|stories)/[^/]+",
    re.I,
)
_NOT_ARTICLE = re.compile(
    r"/(?:tag|tags|category|categories|author|authors|page|feed|"
    r"wp-login|login|search|about|contact|privacy|impressum)(?:/|$)|#",
    re.I,
)


def is_profile_url(url: str) -> bool:
    """True for a personal profile on Mastodon, LinkedIn, X/Twitter, Bluesky or GitHub."""
    return any(p.match(url) for p in _SOCIAL)


def _person_ld(objs: list[dict]) -> dict | None:
    for obj in objs:
        if "ProfilePage" in types_of(obj) and isinstance(obj.get("mainEntity"), dict):
            return obj["mainEntity"]
    persons = [o for o in objs if "Person" in types_of(o)]
    return persons[0] if persons else None


def _name_from_title(title: str) -> str | None:
    title = WS.sub(" ", title).strip()
    for pattern in _TITLE_PATTERNS:
        m = pattern.match(title)
        if m:
            name = clean_person_name(m.group(1))
            if name:
                return name
    return clean_person_name(title) if len(title.split()) <= 4 else None


def _as_list(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]


def extract_author_page(html: bytes | str, url: str) -> AuthorProfile:
    """Name, short bio, homepage, profile links and listed articles of an author page."""
    root = parse_html(html)
    meta = meta_tags(root)
    ld = json_ld(root)
    person = _person_ld(ld) or {}
    profile = AuthorProfile(url=url)

    name = person.get("name") if isinstance(person.get("name"), str) else None
    profile.name = clean_person_name(name) if name else None
    if not profile.name and meta.get("profile:first_name"):
        first = meta["profile:first_name"][0]
        last = (meta.get("profile:last_name") or [""])[0]
        profile.name = clean_person_name(f"{first} {last}")
    if not profile.name:
        for el in root.xpath("//h1"):
            if not is_excluded(el):
                # A one-word heading ("Conversation", "Archives") is rarely the name.
                found = clean_person_name(text_of(el)) or _name_from_title(text_of(el))
                if found and " " in found:
                    profile.name = found
                    break
    if not profile.name:
        for title in meta.get("og:title", []) + [text_of(t) for t in root.xpath("//title")]:
            profile.name = _name_from_title(title)
            if profile.name:
                break

    bio = person.get("description") if isinstance(person.get("description"), str) else ""
    if not bio:
        for el in root.xpath("//*[@class or @id]"):
            cls = classes_of(el)
            if re.search(
                r"(?<![a-z])(?:bio|biography|author-description|author-bio|"
                r"p-note|about-author)(?![a-z])",
                cls,
                re.I,
            ) and not is_excluded(el):
                # Paragraphs only: the link row under a bio is not part of it.
                paras = [text_of(p) for p in el.xpath(".//p") if text_of(p)]
                bio = " ".join(paras) if paras else text_of(el)
                if bio:
                    break
    if not bio:
        bio = (meta.get("description") or meta.get("og:description") or [""])[0]
    profile.bio = _short(bio)

    links: list[str] = []
    links += _as_list(person.get("sameAs"))
    links += [
        urljoin(url, h)
        for h in root.xpath(
            '//a[contains(concat(" ", @rel, " "), " me ")]/@href|//link[@rel="me"]/@href'
        )
    ]
    for block in root.xpath("//*[@class or @id]"):
        cls = classes_of(block)
        if _AUTHOR_BLOCK.search(cls) and not is_excluded(block):
            links += [urljoin(url, h) for h in block.xpath(".//a/@href")]
    if is_profile_url(url):
        links.insert(0, url)
    seen: set[str] = set()
    for link in links:
        clean = link.split("?")[0].rstrip("/")
        if is_profile_url(link) and clean.lower() not in seen:
            seen.add(clean.lower())
            profile.profiles.append(clean)

    home = person.get("url") if isinstance(person.get("url"), str) else None
    if home and urlsplit(home).hostname != urlsplit(url).hostname and not is_profile_url(home):
        profile.homepage = home
    if not profile.homepage:
        for link in links:
            host = urlsplit(link).hostname or ""
            if (
                link.startswith("http")
                and host != urlsplit(url).hostname
                and not is_profile_url(link)
                and not _is_social_host(host)
            ):
                profile.homepage = link
                break

    profile.article_urls = _article_links(root, url)
    return profile


def _is_social_host(host: str) -> bool:
    return bool(
        re.search(
            r"(?:^|\.)(?:twitter|x|facebook|instagram|linkedin|github|bsky|"
            r"youtube|tiktok|pinterest|gravatar|wordpress|medium)\.(?:com|app)$",
            host,
        )
    )


def _short(text: str) -> str:
    text = WS.sub(" ", text or "").strip()
    if len(text) <= BIO_CHARS:
        return text
    cut = text.rfind(". ", 0, BIO_CHARS)
    return text[: cut + 1] if cut > BIO_CHARS // 3 else text[:BIO_CHARS].rsplit(" ", 1)[0] + "…"


def _article_links(root: etree._Element, url: str) -> list[str]:
    """Links to articles listed on the page: same site, article-like path, in a listing."""
    host = urlsplit(url).hostname
    out: list[str] = []
    seen = {url.rstrip("/")}
    xp = (
        "//article//a[@href]|//h2//a[@href]|//h3//a[@href]|"
        '//*[contains(@class, "post") or contains(@class, "entry") or '
        'contains(@class, "article")]//a[@href]'
    )
    for a in root.xpath(xp):
        if is_excluded(a):
            continue
        href = urljoin(url, a.get("href")).split("#")[0]
        if urlsplit(href).hostname != host or href.rstrip("/") in seen:
            continue
        path = urlsplit(href).path
        if _NOT_ARTICLE.search(path) or not (
            _ARTICLE_PATH.search(path)
            or path.strip("/").count("/") >= 1
            or len(path.strip("/")) > 20
        ):
            continue
        seen.add(href.rstrip("/"))
        out.append(href)
    return out
