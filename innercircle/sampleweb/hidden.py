"""Hidden blogs: sites an industry's listed blogs link to, left out of its sources file.

``plant_hidden(web)`` returns a copy of a sample web in which, per industry, a few blogs
are *hidden*: still served, but only reachable through links in the main text of the
listed blogs' articles. The demo's sources file written by :func:`hidden_sources` leaves
them out, so source suggestions have something real to find, and accepting them should
bring back the planted voices whose evidence lives there. For that, a few of each
industry's planted top voices (the :data:`CONFINED_PER_INDUSTRY` weakest, of that industry
only) write and are written about *only* on the hidden blogs: the web is regenerated from
the same seed with those voices confined to them (``build_sample_web(coverage=...)``), so
the listed blogs never name them (unranked until the hidden blogs are read; with one
listed blog as well, a single site put them at ranks 27-43, inside the top 50 anyway).
Nothing of this reaches the pipeline but the pages themselves. Beside the hidden blogs
stand the things a suggester must not fall for, each linked the way the web links them:

* a static host (charts) linked from every industry: infrastructure, not a voice;
* a company site with no feed, linked from two blogs of one industry;
* a site whose robots.txt refuses every crawler, linked from two blogs of one industry.

The planted truth (``web.truth``) is unchanged: it was planted on the whole web. Without
``plant_hidden`` nothing here touches the sample web.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .cast import Persona
from .generator import build_sample_web
from .web import Article, Blog, Page, SampleWeb, origin

HIDDEN_PER_INDUSTRY = 2
CONFINED_PER_INDUSTRY = 3  # top voices written about only on the hidden blogs
LINKING_BLOGS = 3  # listed blogs that link to each hidden blog
LINKS_PER_BLOG = 2  # articles of each linking blog that carry a link
_ANCHORS = ["this analysis", "a longer take", "as argued here", "a good write-up",
            "this post", "the details"]


@dataclass(frozen=True)
class HiddenPlan:
    """Which hosts were hidden per industry, and which decoys were planted."""

    hidden: dict[str, list[str]]  # industry -> hidden blog hosts
    decoys: dict[str, str]  # host -> what it is ('static', 'no_feed', 'robots')
    confined: dict[str, list[str]] = field(default_factory=dict)  # industry -> voice names


@dataclass
class Confine:
    """The ``coverage`` of the hidden-blog web: per industry, the ``per_industry`` weakest
    top voices of that industry alone are carried only by its hidden blogs. ``picked``
    records who was confined."""

    hidden: dict[str, list[str]]
    per_industry: int = CONFINED_PER_INDUSTRY
    picked: dict[str, list[str]] = field(default_factory=dict)

    def voices(self, tops: list[Persona]) -> list[Persona]:
        own = [p for p in tops if len(p.industries) == 1]
        return sorted(own, key=lambda p: (p.strength, p.name))[-self.per_industry:] \
            if self.per_industry > 0 else []

    def __call__(self, industry: str, tops: list[Persona], blogs: list[Blog]
                 ) -> dict[str, list[Blog]]:
        hidden = [b for b in blogs if b.host in self.hidden.get(industry, ())]
        if not hidden:
            return {}
        out = {p.name: hidden for p in self.voices(tops)}
        self.picked[industry] = list(out)
        return out


def hideable(web: SampleWeb, sources: dict, industry: str) -> list[Blog]:
    """Blogs of one industry that can be hidden: English, of that industry only, not
    broken, and not hosting an author page the sources file lists."""
    listed_author_hosts = {
        _host_of(u) for entry in sources["industries"].values() for u in entry.get("authors", [])
    }
    broken_hosts = {spec["host"] for spec in web.broken.values()}
    return [
        b for b in web.blogs
        if b.industries == (industry,) and b.language == "en"
        and b.host not in listed_author_hosts and b.host not in broken_hosts
    ]


def choose_hidden(web: SampleWeb, per_industry: int = HIDDEN_PER_INDUSTRY
                  ) -> dict[str, list[str]]:
    """industry -> the hosts to hide: the last ``per_industry`` hideable blogs."""
    sources = web.sources(origin)
    return {ind: [b.host for b in hideable(web, sources, ind)[-per_industry:]]
            for ind in web.industries}


def plant_hidden(web: SampleWeb, per_industry: int = HIDDEN_PER_INDUSTRY,
                 confined: int = CONFINED_PER_INDUSTRY, scale: float = 1.0
                 ) -> tuple[SampleWeb, HiddenPlan]:
    """The hidden-blog web of ``web`` (the plain web of its seed at ``scale``), and the plan.

    With ``confined`` > 0 the web is regenerated with that many top voices per industry
    kept mostly on the hidden blogs (see :class:`Confine`); then, as without, the hidden
    blogs are linked from the main text of listed ones and the decoys are planted.
    """
    chosen = choose_hidden(web, per_industry)
    names: dict[str, list[str]] = {}
    if confined > 0:
        confine = Confine(chosen, confined)
        # The same blogs (hosts, languages, broken sources) as the plain web; a guest
        # author page may land elsewhere, and is left out of the sources with its blog.
        web = build_sample_web(web.seed, scale, as_of=web.as_of, coverage=confine)
        names = confine.picked
    rng = random.Random(web.seed * 7919 + 13)
    pages = {host: dict(paths) for host, paths in web.pages.items()}
    by_host: dict[str, list[Article]] = {}
    for art in web.articles:
        if art.syndicated_from is None:
            by_host.setdefault(art.host, []).append(art)
    hidden: dict[str, list[str]] = {}
    taken: set[tuple[str, str]] = set()  # (host, path) already carrying a planted link
    for industry in web.industries:
        candidates = [b for b in web.blogs if b.host in chosen[industry]]
        hidden[industry] = [b.host for b in candidates]
        listed = [b for b in web.blogs if industry in b.industries
                  and b.host not in hidden[industry] and b.host in by_host]
        for blog in candidates:
            targets = sorted(by_host.get(blog.host, []), key=lambda a: a.path)
            for linker in rng.sample(listed, min(LINKING_BLOGS, len(listed))):
                for art in _free_articles(by_host[linker.host], taken, rng, LINKS_PER_BLOG):
                    target = rng.choice(targets) if targets else None
                    href = origin(blog.host) + (target.path if target else "/")
                    _append_paragraph(pages, art, f'For more, see <a href="{href}">'
                                      f"{rng.choice(_ANCHORS)}</a>.")
                    taken.add((art.host, art.path))
    decoys = _plant_decoys(web, pages, by_host, hidden, taken, rng)
    return replace(web, pages=pages), HiddenPlan(hidden, decoys, names)


def hidden_sources(web: SampleWeb, plan: HiddenPlan, base: Callable[[str], str],
                   include_broken: bool = True) -> dict:
    """The sources-file structure of ``web`` without the hidden blogs."""
    gone = {h for hosts in plan.hidden.values() for h in hosts}
    out = web.sources(base, include_broken=include_broken)
    for entry in out["industries"].values():
        for key in list(entry):
            entry[key] = [u for u in entry[key] if _host_of(u) not in gone]
            if not entry[key]:
                del entry[key]
    return out


def _host_of(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def _free_articles(arts: list[Article], taken: set[tuple[str, str]], rng: random.Random,
                   n: int) -> list[Article]:
    free = [a for a in sorted(arts, key=lambda a: a.path) if (a.host, a.path) not in taken]
    return rng.sample(free, min(n, len(free)))


def _append_paragraph(pages: dict[str, dict[str, Page]], art: Article, html: str) -> None:
    """Add ``<p>html</p>`` at the end of the article's main text (before ``</article>``)."""
    page = pages[art.host][art.path]
    body = page.body.replace(b"</article>", f"<p>{html}</p>\n</article>".encode(), 1)
    pages[art.host][art.path] = Page(page.content_type, body, page.last_modified)


def _plant_decoys(web: SampleWeb, pages: dict[str, dict[str, Page]],
                  by_host: dict[str, list[Article]], hidden: dict[str, list[str]],
                  taken: set[tuple[str, str]], rng: random.Random) -> dict[str, str]:
    ref = web.reference_date
    # Three addresses no blog uses: static files, a company site, a robots-refusing site.
    free = [f"127.0.0.{i}" for i in range(249, 1, -1)
            if f"127.0.0.{i}" not in web.pages and f"127.0.0.{i}" != web.refused_host]
    STATIC_HOST, NO_FEED_HOST, ROBOTS_HOST = free[:3]  # noqa: N806 - fixed per web
    html = ("<!DOCTYPE html><html><head><title>{t}</title></head><body><h1>{t}</h1>"
            "<p>{p}</p></body></html>")
    pages[STATIC_HOST] = {"/": Page("text/html; charset=utf-8", html.format(
        t="Charts", p="Static chart images.").encode(), ref)}
    pages[NO_FEED_HOST] = {"/": Page("text/html; charset=utf-8", html.format(
        t="Acme Ledger Systems", p="Enterprise ledger software. Contact sales.").encode(), ref),
        "/product": Page("text/html; charset=utf-8", html.format(
            t="Product", p="Our product.").encode(), ref)}
    pages[ROBOTS_HOST] = {
        "/": Page("text/html; charset=utf-8", html.format(
            t="Private notes", p="Not for crawlers.").encode(), ref),
        "/robots.txt": Page("text/plain", b"User-agent: *\nDisallow: /\n", ref),
    }
    industries = web.industries
    for i, industry in enumerate(industries):
        listed = [b for b in web.blogs if industry in b.industries
                  and b.host not in hidden[industry] and b.host in by_host]
        blog = listed[i % len(listed)]
        for art in _free_articles(by_host[blog.host], taken, rng, 1):
            _append_paragraph(pages, art, f'Chart: <a href="{origin(STATIC_HOST)}/charts/'
                              f'{i}.html">the data</a>.')
            taken.add((art.host, art.path))
    first = industries[0]
    listed = [b for b in web.blogs if first in b.industries
              and b.host not in hidden[first] and b.host in by_host]
    for host, path in ((NO_FEED_HOST, "/product"), (ROBOTS_HOST, "/")):
        for blog in listed[:2]:
            for art in _free_articles(by_host[blog.host], taken, rng, 1):
                _append_paragraph(pages, art, f'Read <a href="{origin(host)}{path}">'
                                  f"{rng.choice(_ANCHORS)}</a>.")
                taken.add((art.host, art.path))
    return {STATIC_HOST: "static", NO_FEED_HOST: "no_feed", ROBOTS_HOST: "robots"}


def write_hidden_sources(server, plan: HiddenPlan, path, include_broken: bool = True):  # noqa: ANN001, ANN201
    """Write the sources file of a running ``server`` without the hidden blogs."""
    from pathlib import Path

    import yaml

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = hidden_sources(server.web, plan, server.base, include_broken)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
