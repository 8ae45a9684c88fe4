"""Build the sample web: blogs, articles, who is named where, and the answer key.

The planted top voices are made true by construction, not by a formula: each is
written about on many distinct blogs (5-9 of an industry's ten), in many articles
by different authors, quoted, spread over the 90 days, and most also write guest
posts on other blogs. The decoys each win on exactly one naive signal: sheer
authorship on one blog, sheer repetition by one blog, reposts of one wire story,
organisation names that look like people, names in page furniture.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from . import render, vocab
from .cast import Persona, build_cast, slugify
from .prose import Featured, compose
from .render import Author, Entry
from .web import Article, Blog, IndustryTruth, Page, SampleWeb, Truth

INDUSTRIES = ["fintech", "climate", "biotech", "devtools"]
WINDOW_DAYS = 90
REFUSED_HOST = "127.0.0.250"
_FEED_PATHS = {"rss20": ["/feed.xml", "/rss.xml", "/feed/"],
               "atom10": ["/atom.xml", "/feed.atom"], "rss10": ["/index.rdf"]}
_PREFIXES = ["/{y}/{m:02d}/", "/posts/", "/blog/", "/p/"]
_HEAVY_RUN = 8  # articles in which the one-source decoy is named seven times each


def reference_date(seed: int) -> datetime:
    """The web's "now": a fixed noon UTC that depends only on the seed."""
    return datetime(2025, 1, 6, 12, tzinfo=UTC) + timedelta(days=random.Random(seed).randrange(300))


class _Builder:
    def __init__(self, seed: int, scale: float) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.ref = reference_date(seed)
        self.cast, self.draw = build_cast(self.rng, INDUSTRIES)
        self.blogs: list[Blog] = []
        self.articles: list[Article] = []
        self.by_host: dict[str, list[Article]] = {}
        self.featured: dict[int, list[Featured]] = {}  # id(article) -> people in the text
        self.topics: dict[int, str] = {}
        self.notes: dict[int, str] = {}
        self.fixed_prose: dict[int, list[str]] = {}

    # -- blogs and article slots -------------------------------------------------------
    def make_blogs(self) -> None:
        specs = [(name, (ind,)) for ind in INDUSTRIES for name in vocab.BLOG_NAMES[ind]]
        specs.insert(len(vocab.BLOG_NAMES["fintech"]), vocab.SHARED_BLOG)
        for i, (name, inds) in enumerate(specs):
            fmt = ("rss20", "atom10", "rss10")[i % 3]
            paths = _FEED_PATHS[fmt]
            blog = Blog(
                host=f"127.0.0.{i + 2}", name=name, industries=inds, feed_format=fmt,
                feed_path=paths[(i // 3) % len(paths)],
                byline_style=render.BYLINE_STYLES[(i * 3) % len(render.BYLINE_STYLES)],
                article_prefix=_PREFIXES[i % len(_PREFIXES)],
                feed_authors=i % 5 != 3, listing="site" if i % 3 == 1 else "feed",
            )
            for _ in range(1 if i % 3 == 2 else 2):
                staff = self.draw.name(in_prose=False)
                self.cast.people[staff] = Persona(staff, inds, "staff", (staff,))
                blog.staff.append(staff)
            self.blogs.append(blog)
            self.by_host[blog.host] = []
            self.make_slots(blog)

    def make_slots(self, blog: Blog) -> None:
        rng = self.rng
        n = max(5, round(rng.randint(8, 20) * self.scale))
        for _ in range(n):
            age = timedelta(seconds=rng.randrange(3600 * 12, WINDOW_DAYS * 86400))
            published = (self.ref - age).replace(microsecond=0)
            roll = rng.random()
            if roll < 0.07:
                authors, kind = [], "none"
            elif roll < 0.14:
                authors, kind = [rng.choice(vocab.ORG_BYLINES)], "organisation"
            else:
                lead = blog.staff[0] if rng.random() < 0.75 else blog.staff[-1]
                authors, kind = [lead], "person"
                if len(blog.staff) > 1 and rng.random() < 0.1:
                    authors = list(blog.staff)
            self.add_article(Article(host=blog.host, path="", title="", published=published,
                                     industry=blog.industries[0], authors=authors,
                                     byline_kind=kind))

    def add_article(self, art: Article) -> None:
        self.articles.append(art)
        self.by_host[art.host].append(art)
        self.featured[id(art)] = []
        self.topics[id(art)] = self.rng.choice(vocab.INDUSTRY_TOPICS[art.industry])

    def industry_blogs(self, industry: str) -> list[Blog]:
        return [b for b in self.blogs if industry in b.industries]

    # -- who writes, who is written about ----------------------------------------------
    def guest_posts(self) -> None:
        for industry in INDUSTRIES:
            for person in self.cast.tier(industry, "top"):
                count = 2 if person.strength < 8 else 1
                blogs = self.industry_blogs(industry)
                for blog in self.rng.sample(blogs, len(blogs)):
                    slots = [a for a in self.by_host[blog.host]
                             if a.byline_kind == "person" and not self._has_guest(a)]
                    if not slots:
                        continue
                    art = self.rng.choice(slots)
                    count -= 1
                    art.authors = [person.name] if self.rng.random() < 0.8 else [
                        person.name, art.authors[0]]
                    if count == 0:
                        break

    def _has_guest(self, art: Article) -> bool:
        return any(self.cast.people[n].tier == "top" for n in art.authors
                   if n in self.cast.people)

    def _can_feature(self, art: Article, person: Persona) -> bool:
        if person.name in art.authors or art.syndicated_from is not None:
            return False
        return all(f.person.surname != person.surname for f in self.featured[id(art)])

    def _pick(self, arts: list[Article], person: Persona) -> Article | None:
        options = [a for a in arts if self._can_feature(a, person)]
        if not options:
            return None
        return min(options, key=lambda a: len(self.featured[id(a)]) + 2.5 * self.rng.random())

    def feature(self, person: Persona, hosts: int, docs: int, industry: str,
                quote_rate: float) -> None:
        """Name ``person`` in ``docs`` articles spread over ``hosts`` distinct blogs."""
        blogs = self.rng.sample(self.industry_blogs(industry), hosts)
        chosen: list[Article] = []
        for blog in blogs:
            art = self._pick(self.by_host[blog.host], person)
            if art is not None:
                chosen.append(art)
        pool = [a for b in blogs for a in self.by_host[b.host]]
        for _ in range(docs - len(chosen)):
            art = self._pick([a for a in pool if a not in chosen], person)
            if art is None:
                break
            chosen.append(art)
        for art in chosen:
            roll = self.rng.random()
            role = "quoted" if roll < quote_rate else "mentioned"
            if roll < 0.15 and not any(f.role == "subject" for f in self.featured[id(art)]):
                role = "subject"
            self.featured[id(art)].append(Featured(person, role))

    def mentions(self) -> None:
        for industry in INDUSTRIES:
            n_blogs = len(self.industry_blogs(industry))
            for person in self.cast.tier(industry, "top"):
                r = person.strength
                hosts = min(n_blogs, 9 - r // 5)
                docs = max(hosts, round((18 - r * 0.5) * self.scale))
                self.feature(person, hosts, docs, industry, quote_rate=0.55)
            for person in self.cast.tier(industry, "mid"):
                hosts = self.rng.randint(1, 3)
                self.feature(person, hosts, hosts + self.rng.randint(0, 2), industry, 0.4)

    def one_source_obsession(self) -> None:
        """One blog names one person seven times in each of a run of posts in one fortnight.

        Four such decoys per industry, each on its own blog: raw mention counts put them
        at the top, breadth and recurrence do not.
        """
        for industry in INDUSTRIES:
            blogs = sorted((b for b in self.blogs if b.industries == (industry,)),
                           key=lambda b: (-len(self.by_host[b.host]), b.host))
            for person, blog in zip(self.cast.tier(industry, "repeated"), blogs, strict=False):
                arts = sorted(self.by_host[blog.host], key=lambda a: a.published)
                start = self.rng.randrange(max(1, len(arts) - _HEAVY_RUN + 1))
                run = arts[start:start + _HEAVY_RUN]
                anchor = min(run[0].published, self.ref - timedelta(days=15))
                for i, art in enumerate(run):
                    art.published = anchor + timedelta(hours=40 * i)
                    self.featured[id(art)].insert(0, Featured(person, "heavy"))

    def syndication(self) -> None:
        """One wire story per industry, reposted word for word on three more blogs."""
        for industry in INDUSTRIES:
            person = self.cast.tier(industry, "syndicated")[0]
            blogs = self.rng.sample([b for b in self.blogs if b.industries == (industry,)], 4)
            topic = self.rng.choice(vocab.INDUSTRY_TOPICS[industry])
            when = (self.ref - timedelta(days=self.rng.randrange(5, WINDOW_DAYS - 5))).replace(
                microsecond=0)
            story_rng = random.Random(f"{self.seed}:wire:{industry}")
            org = story_rng.choice(vocab.INDUSTRY_NAME_LIKE_ORGS[industry])
            prose = compose(story_rng, blogs[0].host, industry, topic,
                            [Featured(person, "subject")], [org])
            title = f"{topic[:1].upper() + topic[1:]}: what the new figures show"
            original = f"{blogs[0].host} (wire)"
            for i, blog in enumerate(blogs):
                art = Article(host=blog.host, path="", title=title,
                              published=when + timedelta(hours=7 * i), industry=industry,
                              authors=[vocab.WIRE_BYLINE], byline_kind="organisation",
                              syndicated_from=None if i == 0 else original)
                self.add_article(art)
                self.topics[id(art)] = topic
                self.fixed_prose[id(art)] = prose.paragraphs
                art.mentioned, art.quoted = [person.name], list(prose.quoted)
                art.surfaces = {person.name: list(prose.surfaces[person.name])}
                art.orgs = [org]
                if i:
                    self.notes[id(art)] = f"This story originally appeared on {blogs[0].name}."

    # -- text and pages ----------------------------------------------------------------
    def write_texts(self) -> None:
        used_paths: dict[str, set[str]] = {b.host: set() for b in self.blogs}
        for art in self.articles:
            blog = next(b for b in self.blogs if b.host == art.host)
            topic = self.topics[id(art)]
            featured = self.featured[id(art)]
            featured.sort(key=lambda f: {"heavy": 0, "subject": 1}.get(f.role, 2))
            if id(art) not in self.fixed_prose:
                orgs_pool = [o for ind in blog.industries
                             for o in vocab.INDUSTRY_NAME_LIKE_ORGS[ind]]
                n_orgs = self.rng.choices([0, 1, 2], weights=[40, 45, 15])[0]
                art.orgs = self.rng.sample(orgs_pool, n_orgs)
                prose = compose(self.rng, art.host, art.industry, topic, featured, art.orgs)
                art.title = self._title(art, featured, topic, prose.surfaces)
                self.fixed_prose[id(art)] = prose.paragraphs
                art.mentioned = [f.person.name for f in featured]
                art.quoted = prose.quoted
                art.surfaces = prose.surfaces
            prefix = blog.article_prefix.format(y=art.published.year, m=art.published.month)
            slug = slugify(art.title)[:60].strip("-")
            path = f"{prefix}{slug}/"
            n = 2
            while path in used_paths[art.host]:
                path, n = f"{prefix}{slug}-{n}/", n + 1
            used_paths[art.host].add(path)
            art.path = path

    def _title(self, art: Article, featured: list[Featured], topic: str,
               surfaces: dict[str, list[str]]) -> str:
        subject = next((f.person for f in featured if f.role == "subject"), None)
        if subject is not None and self.rng.random() < 0.5:
            full = subject.form(art.host)
            surfaces.setdefault(subject.name, []).insert(0, full)
            return f"Interview: {full} on {topic}"
        template = self.rng.choice(vocab.TITLES)
        return template.format(topic=topic, Topic=topic[:1].upper() + topic[1:])

    def _author(self, host: str, name: str) -> Author:
        person = self.cast.people.get(name)
        if person is None:
            return Author(name, organisation=True)
        return Author(person.form(host), f"/author/{person.slug}/", profiles=person.profiles)

    def render_blog(self, blog: Blog, commenters: list[str]) -> dict[str, Page]:
        rng = self.rng
        arts = sorted(self.by_host[blog.host], key=lambda a: (a.published, a.path),
                      reverse=True)
        designer = vocab.SITE_DESIGNER if int(blog.host.rsplit(".", 1)[1]) % 2 == 0 else None
        entries = [Entry(a.title, a.path, a.published,
                         [self._author(blog.host, n) for n in a.authors],
                         self.fixed_prose[id(a)][0].split(". ")[0].rstrip(".") + ".")
                   for a in arts]
        pages: dict[str, Page] = {}
        for i, (art, entry) in enumerate(zip(arts, entries, strict=True)):
            related = [e for e in entries[i + 1:i + 4] if e.authors] or entries[max(0, i - 3):i]
            comments: list[tuple[str, str]] = []
            if rng.random() < 0.4:
                for _ in range(rng.randint(1, 3)):
                    text = rng.choice(vocab.COMMENTS).format(topic=self.topics[id(art)])
                    comments.append((rng.choice(commenters), text))
            body = render.article_page(blog, entry, self.fixed_prose[id(art)], related,
                                       comments, designer, self.notes.get(id(art)))
            pages[art.path] = Page(render.HTML_TYPE, body, art.published)
        newest = arts[0].published
        pages["/"] = Page(render.HTML_TYPE, render.home_page(blog, entries, designer), newest)
        pages[blog.feed_path] = Page(render.SERVED_FEED_TYPES[blog.feed_format],
                                     render.feed(blog, entries, newest), newest)
        staff = [self._author(blog.host, n) for n in blog.staff]
        pages["/about/"] = Page(render.HTML_TYPE,
                                render.about_page(blog, staff, designer, newest.year), newest)
        by_author: dict[str, list[Entry]] = {}
        for entry in entries:
            for a in entry.authors:
                if a.path:
                    by_author.setdefault(a.path, []).append(entry)
        for path, own in by_author.items():
            author = next(a for a in own[0].authors if a.path == path)
            name = next(n for n in self.cast.people
                        if f"/author/{self.cast.people[n].slug}/" == path)
            bio = self._bio(self.cast.people[name], blog)
            pages[path] = Page(render.HTML_TYPE,
                               render.author_page(blog, author, bio, own, designer),
                               own[0].published)
        pages["/robots.txt"] = Page("text/plain; charset=utf-8",
                                    b"User-agent: *\nAllow: /\n", self.ref - timedelta(days=365))
        return pages

    @staticmethod
    def _bio(person: Persona, blog: Blog) -> str:
        if person.tier == "staff":
            return (f"{person.name} is a staff writer at {blog.name}, covering "
                    f"{' and '.join(blog.industries)}.")
        return f"{person.name} is {person.role}. A regular guest contributor."

    def build(self) -> SampleWeb:
        self.make_blogs()
        self.guest_posts()
        self.one_source_obsession()
        self.mentions()
        self.syndication()
        self.write_texts()
        pages: dict[str, dict[str, Page]] = {}
        for blog in self.blogs:
            ind = INDUSTRIES.index(blog.industries[0])
            commenters = vocab.COMMENTER_NAMES[2 * ind:2 * ind + 2]
            pages[blog.host] = self.render_blog(blog, commenters)
        broken = self._broken(pages)
        return SampleWeb(seed=self.seed, reference_date=self.ref, blogs=self.blogs,
                         articles=self.articles, pages=pages, truth=self.truth(),
                         broken=broken, refused_host=REFUSED_HOST)

    def _broken(self, pages: dict[str, dict[str, Page]]) -> dict[str, dict[str, str]]:
        """A feed URL that 404s, a "feed" that is HTML, a host where nothing listens."""
        fin = self.industry_blogs("fintech")[0].host
        cli = self.industry_blogs("climate")[-1].host
        html = (b"<!DOCTYPE html><html><body><h1>We moved!</h1>"
                b"<p>Our newsletter now lives elsewhere.</p></body></html>")
        pages[cli]["/feed.rss"] = Page("application/rss+xml", html, self.ref)
        return {
            "fintech": {"kind": "not_found", "host": fin, "path": "/feeds/legacy-atom.xml"},
            "climate": {"kind": "not_xml", "host": cli, "path": "/feed.rss"},
            "biotech": {"kind": "refused", "host": REFUSED_HOST, "path": "/"},
        }

    # -- the answer key ----------------------------------------------------------------
    def truth(self) -> Truth:
        industries: dict[str, IndustryTruth] = {}
        for ind in INDUSTRIES:
            tops = self.cast.tier(ind, "top")
            tops.sort(key=lambda p: (-len(self._hosts(p.name, ind)), -self._docs(p.name, ind),
                                     p.strength))
            prolific = sorted(
                {n for b in self.industry_blogs(ind) for n in b.staff
                 if sum(n in a.authors for a in self.by_host[b.host]) >= 6})
            industries[ind] = IndustryTruth(
                top_voices=[p.name for p in tops],
                single_site_prolific=prolific,
                one_source_repeated=[p.name for p in self.cast.tier(ind, "repeated")],
                syndicated_only=[p.name for p in self.cast.tier(ind, "syndicated")],
                organisations=list(vocab.INDUSTRY_NAME_LIKE_ORGS[ind]),
                boilerplate_only=[*vocab.COMMENTER_NAMES[2 * INDUSTRIES.index(ind):][:2],
                                  vocab.SITE_DESIGNER],
                org_bylines=[*vocab.ORG_BYLINES, vocab.WIRE_BYLINE],
            )
        people = self.cast.people.values()
        return Truth(
            industries=industries,
            aliases={p.name: sorted(set(p.forms.values()), key=p.variants.index)
                     for p in people if len(set(p.forms.values())) > 1},
            spanning={p.name: list(p.industries) for p in people
                      if p.tier == "top" and len(p.industries) > 1},
            distinct_people=[("Maria Chen", "David Chen"), ("Thomas Moreau", "Claire Moreau")],
            profiles={p.name: p.profiles for p in people if p.tier == "top"},
        )

    def _hosts(self, name: str, industry: str) -> set[str]:
        hosts = {b.host for b in self.industry_blogs(industry)}
        return {a.host for a in self.articles if a.host in hosts
                and (name in a.mentioned or name in a.authors)}

    def _docs(self, name: str, industry: str) -> int:
        hosts = {b.host for b in self.industry_blogs(industry)}
        return sum(1 for a in self.articles if a.host in hosts and name in a.mentioned)


def build_sample_web(seed: int = 7, scale: float = 1.0) -> SampleWeb:
    """The sample web for ``seed``: same seed, same bytes. ``scale`` sizes the blogs."""
    return _Builder(seed, scale).build()


__all__ = ["INDUSTRIES", "REFUSED_HOST", "build_sample_web", "reference_date"]
