"""Build the sample web: blogs, articles, who is named where, and the answer key.

The planted top voices are made true by construction, not by a formula: each is
written about on many distinct blogs (5-9 of an industry's ten), in many articles
by different authors, quoted, spread over the 90 days, and most also write guest
posts on other blogs. The decoys each win on exactly one naive signal: sheer
authorship on one blog, sheer repetition by one blog, reposts of one wire story,
organisation names that look like people, names in page furniture, companies
named after their founders, products with a given name first, fictional characters,
bylines glued to UI words, and German and French blogs.

Every name (people, nicknames, companies, products, blogs, host addresses) is drawn
per seed (``names.py``, ``lexicon.py``); seed 7 is the demo's and the tests' web.
Generation is linear in articles: every choice samples a few candidates instead of
scanning the web.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from . import render, vocab
from .cast import Persona, build_cast, plant_topics, slugify
from .lexicon import build_lexicon
from .names import NameDraw
from .prose import Featured, compose, compose_foreign, fill
from .render import Author, Entry
from .web import Article, Blog, IndustryTruth, Page, SampleWeb, Truth

INDUSTRIES = ["fintech", "climate", "biotech", "devtools"]
WINDOW_DAYS = 90
REFUSED_HOST = "127.0.0.250"
_FEED_PATHS = {"rss20": ["/feed.xml", "/rss.xml", "/feed/"],
               "atom10": ["/atom.xml", "/feed.atom"], "rss10": ["/index.rdf"]}
_PREFIXES = ["/{y}/{m:02d}/", "/posts/", "/blog/", "/p/"]
_HEAVY_RUN = 8  # articles in which the one-source decoy is named seven times each
_BLOGS_PER_INDUSTRY = 9
# Non-English blogs: (industry, language). Their people are local: named there only.
_FOREIGN_BLOGS = [("fintech", "de"), ("climate", "de"), ("biotech", "fr")]
_LOCAL_PEOPLE = 4
_REGION = {"de": "german", "fr": "french"}

#: Where an industry's top voices are written about: ``(industry, its top voices, its
#: English blogs) -> {voice name: the blogs that may carry them}``; a voice left out may
#: be on any of them. None (the default) leaves the web as it always was. The hidden-blog
#: web (``hidden.py``) uses it to keep a few voices mostly on blogs the user does not list.
Coverage = Callable[[str, list[Persona], list[Blog]], dict[str, list[Blog]]]


def reference_date(seed: int) -> datetime:
    """The web's "now": a fixed noon UTC that depends only on the seed."""
    return datetime(2025, 1, 6, 12, tzinfo=UTC) + timedelta(days=random.Random(seed).randrange(300))


class _Builder:
    def __init__(self, seed: int, scale: float, as_of: datetime | None = None,
                 with_topics: bool = True, coverage: Coverage | None = None) -> None:
        self.coverage = coverage
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.ref = reference_date(seed)
        self.as_of = as_of
        self.draw = NameDraw(self.rng)
        self.lex = build_lexicon(self.rng, self.draw, INDUSTRIES, _BLOGS_PER_INDUSTRY)
        self.cast = build_cast(self.rng, INDUSTRIES, self.draw, self.lex.companies)
        # Topics have a random stream of their own, so planting them changes only what
        # is said, never who is named where or how often.
        self.topic_rng = random.Random(f"{seed}:topics") if with_topics else None
        if self.topic_rng is not None:
            plant_topics(self.topic_rng, self.cast, INDUSTRIES, vocab.INDUSTRY_TOPICS)
        self.blog_by_host: dict[str, Blog] = {}
        self.asides: dict[int, list[str]] = {}  # id(article) -> decoy sentences
        self.ui_glued: dict[str, set[str]] = {i: set() for i in INDUSTRIES}
        self.blogs: list[Blog] = []
        self.articles: list[Article] = []
        self.by_host: dict[str, list[Article]] = {}
        self.featured: dict[int, list[Featured]] = {}  # id(article) -> people in the text
        self.topics: dict[int, str] = {}
        self.notes: dict[int, str] = {}
        self.fixed_prose: dict[int, list[str]] = {}

    # -- blogs and article slots -------------------------------------------------------
    def make_blogs(self) -> None:
        specs = [(name, (ind,), "en") for ind in INDUSTRIES
                 for name in self.lex.blog_names[ind]]
        specs.insert(_BLOGS_PER_INDUSTRY, (self.lex.shared_blog, tuple(INDUSTRIES[:2]), "en"))
        for ind, lang in _FOREIGN_BLOGS:
            patterns = vocab.DE_BLOG_PATTERNS if lang == "de" else vocab.FR_BLOG_PATTERNS
            words = vocab.DE_BLOG_WORDS if lang == "de" else vocab.FR_BLOG_WORDS
            name = self.rng.choice(patterns).format(W=self.rng.choice(words))
            specs.insert(self.rng.randrange(len(specs) + 1), (name, (ind,), lang))
        # Every seed puts the blogs on other loopback addresses.
        hosts = self.rng.sample(range(2, int(REFUSED_HOST.rsplit(".", 1)[1])), len(specs))
        for i, (name, inds, lang) in enumerate(specs):
            fmt = ("rss20", "atom10", "rss10")[i % 3]
            paths = _FEED_PATHS[fmt]
            blog = Blog(
                host=f"127.0.0.{hosts[i]}", name=name, industries=inds, feed_format=fmt,
                feed_path=paths[(i // 3) % len(paths)],
                byline_style=render.BYLINE_STYLES[(i * 3) % len(render.BYLINE_STYLES)],
                article_prefix=_PREFIXES[i % len(_PREFIXES)],
                feed_authors=i % 5 != 3, listing="site" if i % 3 == 1 else "feed",
                language=lang, ui_chrome=i % 3 == 0,
            )
            for _ in range(1 if i % 3 == 2 else 2):
                staff = self.draw.person(_REGION.get(lang))
                self.cast.people[staff] = Persona(staff, inds, "staff", (staff,))
                blog.staff.append(staff)
            self.blogs.append(blog)
            self.blog_by_host[blog.host] = blog
            self.by_host[blog.host] = []
            self.make_slots(blog)

    def make_slots(self, blog: Blog) -> None:
        rng = self.rng
        n = max(5, round(rng.randint(8, 20) * self.scale))
        if blog.language != "en":  # smaller local blogs
            n = max(5, round(rng.randint(8, 12) * self.scale))
        for _ in range(n):
            age = timedelta(seconds=rng.randrange(3600 * 12, WINDOW_DAYS * 86400))
            published = (self.ref - age).replace(microsecond=0)
            roll = rng.random()
            if roll < 0.07:
                authors, kind = [], "none"
            elif roll < 0.14:
                authors, kind = [rng.choice(self.lex.org_bylines)], "organisation"
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
        self.asides[id(art)] = []
        lang = self.blog_by_host[art.host].language
        topics = {"en": vocab.INDUSTRY_TOPICS, "de": vocab.DE_TOPICS, "fr": vocab.FR_TOPICS}
        self.topics[id(art)] = self.rng.choice(topics[lang][art.industry])

    def industry_blogs(self, industry: str) -> list[Blog]:
        return [b for b in self.blogs if industry in b.industries]

    def english_blogs(self, industry: str) -> list[Blog]:
        """The blogs where the industry's English-language cast is written about."""
        return [b for b in self.blogs if industry in b.industries and b.language == "en"]

    def voice_blogs(self, industry: str) -> dict[str, list[Blog]]:
        """Top voices of ``industry`` confined to some of its blogs (see :data:`Coverage`)."""
        if self.coverage is None:
            return {}
        return self.coverage(industry, self.cast.tier(industry, "top"),
                             self.english_blogs(industry))

    # -- who writes, who is written about ----------------------------------------------
    def guest_posts(self) -> None:
        for industry in INDUSTRIES:
            confined = self.voice_blogs(industry)
            for person in self.cast.tier(industry, "top"):
                count = 2 if person.strength < 8 else 1
                blogs = confined.get(person.name) or self.english_blogs(industry)
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

    def _pick(self, arts: list[Article], person: Persona, taken: set[int],
              tries: int = 8) -> Article | None:
        """A lightly loaded article of ``arts`` that may name ``person``.

        Samples a few candidates (constant work per pick, so generation stays linear in
        articles) and scans the whole list only when every sample was unusable.
        """
        if not arts:
            return None
        best, best_load = None, 0.0
        for _ in range(tries):
            art = arts[self.rng.randrange(len(arts))]
            if id(art) in taken or not self._can_feature(art, person):
                continue
            load = len(self.featured[id(art)]) + 2.5 * self.rng.random()
            if best is None or load < best_load:
                best, best_load = art, load
        if best is None:
            options = [a for a in arts if id(a) not in taken and self._can_feature(a, person)]
            if options:
                best = min(options, key=lambda a: len(self.featured[id(a)]))
        return best

    def feature(self, person: Persona, hosts: int, docs: int, industry: str,
                quote_rate: float, blogs: list[Blog] | None = None) -> None:
        """Name ``person`` in ``docs`` articles spread over ``hosts`` distinct blogs."""
        candidates = blogs if blogs is not None else self.english_blogs(industry)
        blogs = self.rng.sample(candidates, min(hosts, len(candidates)))
        chosen: list[Article] = []
        taken: set[int] = set()
        for blog in blogs:
            art = self._pick(self.by_host[blog.host], person, taken)
            if art is not None:
                chosen.append(art)
                taken.add(id(art))
        pool = [a for b in blogs for a in self.by_host[b.host]]
        for _ in range(docs - len(chosen)):
            art = self._pick(pool, person, taken)
            if art is None:
                break
            chosen.append(art)
            taken.add(id(art))
        for art in chosen:
            roll = self.rng.random()
            role = "quoted" if roll < quote_rate else "mentioned"
            if roll < 0.15 and not any(f.role == "subject" for f in self.featured[id(art)]):
                role = "subject"
            self.featured[id(art)].append(Featured(person, role))

    def spread(self, industry: str, hosts: int, docs: int) -> list[Article]:
        """``docs`` articles over ``hosts`` English blogs of ``industry``, for a decoy."""
        blogs = self.rng.sample(self.english_blogs(industry),
                                min(hosts, len(self.english_blogs(industry))))
        pool = [a for b in blogs for a in self.by_host[b.host] if id(a) not in self.fixed_prose]
        arts = []
        for b in blogs:
            own = [a for a in self.by_host[b.host] if id(a) not in self.fixed_prose]
            if own:
                arts.append(self.rng.choice(own))
        seen = {id(a) for a in arts}
        for _ in range(docs * 3):
            if len(arts) >= docs:
                break
            art = self.rng.choice(pool)
            if id(art) not in seen:
                seen.add(id(art))
                arts.append(art)
        return arts

    def mentions(self) -> None:
        for industry in INDUSTRIES:
            n_blogs = len(self.english_blogs(industry))
            confined = self.voice_blogs(industry)
            for person in self.cast.tier(industry, "top"):
                r = person.strength
                hosts = min(n_blogs, 9 - r // 5)
                docs = max(hosts, round((18 - r * 0.5) * self.scale))
                self.feature(person, hosts, docs, industry, quote_rate=0.55,
                             blogs=confined.get(person.name))
            for person in self.cast.tier(industry, "mid"):
                hosts = self.rng.randint(1, 3)
                self.feature(person, hosts, hosts + self.rng.randint(0, 2), industry, 0.4)

    def one_source_obsession(self) -> None:
        """One blog names one person seven times in each of a run of posts in one fortnight.

        Four such decoys per industry, each on its own blog: raw mention counts put them
        at the top, breadth and recurrence do not.
        """
        for industry in INDUSTRIES:
            blogs = sorted((b for b in self.english_blogs(industry)
                            if b.industries == (industry,)),
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
            blogs = self.rng.sample([b for b in self.english_blogs(industry)
                                     if b.industries == (industry,)], 4)
            topic = self.rng.choice(vocab.INDUSTRY_TOPICS[industry])
            when = (self.ref - timedelta(days=self.rng.randrange(5, WINDOW_DAYS - 5))).replace(
                microsecond=0)
            story_rng = random.Random(f"{self.seed}:wire:{industry}")
            org = story_rng.choice(self.lex.name_like_orgs[industry])
            prose = compose(story_rng, blogs[0].host, industry, topic,
                            [Featured(person, "subject")], [org], self.lex.events[industry])
            title = f"{topic[:1].upper() + topic[1:]}: what the new figures show"
            original = f"{blogs[0].host} (wire)"
            for i, blog in enumerate(blogs):
                art = Article(host=blog.host, path="", title=title,
                              published=when + timedelta(hours=7 * i), industry=industry,
                              authors=[self.lex.wire_byline], byline_kind="organisation",
                              syndicated_from=None if i == 0 else original)
                self.add_article(art)
                self.topics[id(art)] = topic
                self.fixed_prose[id(art)] = prose.paragraphs
                art.mentioned, art.quoted = [person.name], list(prose.quoted)
                art.surfaces = {person.name: list(prose.surfaces[person.name])}
                art.orgs = [org]
                if i:
                    self.notes[id(art)] = f"This story originally appeared on {blogs[0].name}."

    def decoys(self) -> None:
        """Names that are not people, each written as often and as widely as a voice.

        Per industry: two companies named after their founders (mostly as the bare
        surname: "Okafor said it would ..."), two products with a given name first
        ("Clara AI"), and the web's two fictional characters with their works' titles.
        """
        rng = self.rng

        def plant(industry: str, lo: int, hi: int, sentence) -> None:  # noqa: ANN001
            for art in self.spread(industry, rng.randint(5, 8),
                                   max(5, round(rng.randint(lo, hi) * self.scale))):
                text, names = sentence(art)
                self.asides[id(art)].append(text)
                art.decoys.extend(names)

        for industry in INDUSTRIES:
            companies = self.lex.companies[industry]
            for prod in self.lex.products[industry]:
                plant(industry, 12, 18, lambda art, prod=prod, companies=companies: (fill(
                    rng.choice(vocab.PRODUCT_SENTENCES), prod=prod, co=rng.choice(companies),
                    topic=self.topics[id(art)]), [prod]))
            for ep in self.lex.eponyms[industry]:
                def eponym(art: Article, ep=ep) -> tuple[str, list[str]]:  # noqa: ANN001
                    template = rng.choice(vocab.EPONYM_SENTENCES)
                    names = [ep.firm] if "{firm}" in template else [ep.bare]
                    if "{founder}" in template:
                        names.append(ep.founder)
                    return fill(template, firm=ep.firm, bare=ep.bare, founder=ep.founder,
                                 topic=self.topics[id(art)]), names
                plant(industry, 12, 18, eponym)
            for fic in self.lex.fiction:
                plant(industry, 8, 12, lambda art, fic=fic: (fill(
                    rng.choice(vocab.FICTION_SENTENCES), char=fic.character, title=fic.title,
                    kind=fic.kind), [fic.character]))

    def steer_topics(self) -> None:
        """Make the planted voices' topics what their articles and passages discuss.

        A piece written by a voice with topics is about one of them (its title and
        opening say so); else a piece whose subject has topics is about one of the
        subject's. Everyone with topics named in a piece is discussed under one of their
        own (the article's topic when it is one of theirs). English pieces only; the
        wire story keeps its topic.
        """
        rng = self.topic_rng
        if rng is None:
            return
        for art in self.articles:
            if id(art) in self.fixed_prose or self.blog_by_host[art.host].language != "en":
                continue
            featured = self.featured[id(art)]
            leads = [self.cast.people[n] for n in art.authors if n in self.cast.people]
            leads += [f.person for f in featured if f.role == "subject"]
            lead = next((p for p in leads if p.topics_for(art.industry)), None)
            if lead is not None:
                self.topics[id(art)] = rng.choice(lead.topics_for(art.industry))
            for item in featured:
                own = item.person.topics_for(art.industry)
                if own:
                    topic = self.topics[id(art)]
                    item.topic = topic if topic in own else rng.choice(own)

    def local_people(self) -> None:
        """Each German or French blog quotes a few people of its own, named nowhere else."""
        for blog in self.blogs:
            if blog.language == "en":
                continue
            industry = blog.industries[0]
            for _ in range(_LOCAL_PEOPLE):
                name = self.draw.person(_REGION[blog.language])
                person = Persona(name, (industry,), "local", (name,))
                self.cast.people[name] = person
                docs = self.rng.randint(3, 6)
                self.feature(person, 1, docs, industry, 0.6, blogs=[blog])

    # -- text and pages ----------------------------------------------------------------
    def write_texts(self) -> None:
        used_paths: dict[str, set[str]] = {b.host: set() for b in self.blogs}
        for art in self.articles:
            blog = self.blog_by_host[art.host]
            topic = self.topics[id(art)]
            featured = self.featured[id(art)]
            featured.sort(key=lambda f: {"heavy": 0, "subject": 1}.get(f.role, 2))
            if id(art) not in self.fixed_prose and blog.language != "en":
                prose = compose_foreign(self.rng, art.host, blog.language, topic, featured)
                titles = vocab.DE_TITLES if blog.language == "de" else vocab.FR_TITLES
                art.title = self.rng.choice(titles).format(topic=topic)
                self.fixed_prose[id(art)] = prose.paragraphs
                art.mentioned = [f.person.name for f in featured]
                art.quoted = prose.quoted
                art.surfaces = prose.surfaces
            elif id(art) not in self.fixed_prose:
                orgs_pool = [o for ind in blog.industries for o in self.lex.name_like_orgs[ind]]
                n_orgs = self.rng.choices([0, 1, 2], weights=[40, 45, 15])[0]
                art.orgs = self.rng.sample(orgs_pool, n_orgs)
                prose = compose(self.rng, art.host, art.industry, topic, featured, art.orgs,
                                self.lex.events[art.industry], self.asides[id(art)])
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
        designer = self.lex.designer if int(blog.host.rsplit(".", 1)[1]) % 2 == 0 else None
        comment_texts = {"de": vocab.DE_COMMENTS, "fr": vocab.FR_COMMENTS}.get(
            blog.language, vocab.COMMENTS)
        every = [Entry(a.title, a.path, a.published,
                       [self._author(blog.host, n) for n in a.authors],
                       self.fixed_prose[id(a)][0].split(". ")[0].rstrip(".") + ".")
                 for a in arts]
        # Before ``as_of``, later pieces are not out yet: no page, not listed anywhere.
        # They still draw their random numbers, so the pieces that are out read the same
        # as on the grown web.
        entries = [e for e in every if self.as_of is None or e.published <= self.as_of]
        position = {id(e): i for i, e in enumerate(entries)}
        pages: dict[str, Page] = {}
        for art, entry in zip(arts, every, strict=True):
            i = position.get(id(entry))
            if i is not None:
                related = ([e for e in entries[i + 1:i + 4] if e.authors]
                           or entries[max(0, i - 3):i])
            comments: list[tuple[str, str]] = []
            if rng.random() < 0.4:
                for _ in range(rng.randint(1, 3)):
                    text = rng.choice(comment_texts).format(topic=self.topics[id(art)])
                    comments.append((rng.choice(commenters), text))
            if blog.ui_chrome:
                for a in entry.authors[:1]:
                    if not a.organisation:
                        for ind in blog.industries:
                            self.ui_glued[ind].update(render.ui_glued(blog, a.name))
            if i is None:
                continue
            body = render.article_page(blog, entry, self.fixed_prose[id(art)], related,
                                       comments, designer, self.notes.get(id(art)))
            pages[art.path] = Page(render.HTML_TYPE, body, art.published)
        newest = entries[0].published if entries else min(a.published for a in arts)
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
            bio = self._bio(self._by_author_path()[path], blog)
            pages[path] = Page(render.HTML_TYPE,
                               render.author_page(blog, author, bio, own, designer),
                               own[0].published)
        pages["/robots.txt"] = Page("text/plain; charset=utf-8",
                                    b"User-agent: *\nAllow: /\n", self.ref - timedelta(days=365))
        return pages

    def _by_author_path(self) -> dict[str, Persona]:
        if not hasattr(self, "_author_paths"):
            self._author_paths = {f"/author/{p.slug}/": p for p in self.cast.people.values()}
        return self._author_paths

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
        self.local_people()
        self.steer_topics()
        self.decoys()
        self.write_texts()
        pages: dict[str, dict[str, Page]] = {}
        for blog in self.blogs:
            ind = INDUSTRIES.index(blog.industries[0])
            commenters = self.lex.commenters[2 * ind:2 * ind + 2]
            pages[blog.host] = self.render_blog(blog, commenters)
        broken = self._broken(pages)
        return SampleWeb(seed=self.seed, reference_date=self.ref, blogs=self.blogs,
                         articles=self.articles, pages=pages, truth=self.truth(),
                         broken=broken, refused_host=REFUSED_HOST, as_of=self.as_of)

    def _broken(self, pages: dict[str, dict[str, Page]]) -> dict[str, dict[str, str]]:
        """A feed URL that 404s, a "feed" that is HTML, a host where nothing listens."""
        fin = self.english_blogs("fintech")[0].host
        cli = self.english_blogs("climate")[-1].host
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
        hosts_of: dict[tuple[str, str], set[str]] = {}
        docs_of: dict[tuple[str, str], int] = {}
        industry_of = {b.host: b.industries for b in self.blogs}
        for a in self.articles:
            for ind in industry_of[a.host]:
                for name in {*a.mentioned, *a.authors}:
                    hosts_of.setdefault((name, ind), set()).add(a.host)
                for name in set(a.mentioned):
                    docs_of[(name, ind)] = docs_of.get((name, ind), 0) + 1
        industries: dict[str, IndustryTruth] = {}
        for ind in INDUSTRIES:
            tops = self.cast.tier(ind, "top")
            tops.sort(key=lambda p, ind=ind: (-len(hosts_of.get((p.name, ind), ())),
                                              -docs_of.get((p.name, ind), 0), p.strength))
            prolific = sorted(
                {n for b in self.industry_blogs(ind) for n in b.staff
                 if sum(n in a.authors for a in self.by_host[b.host]) >= 6})
            i = INDUSTRIES.index(ind)
            industries[ind] = IndustryTruth(
                top_voices=[p.name for p in tops],
                single_site_prolific=prolific,
                one_source_repeated=[p.name for p in self.cast.tier(ind, "repeated")],
                syndicated_only=[p.name for p in self.cast.tier(ind, "syndicated")],
                organisations=list(self.lex.name_like_orgs[ind]),
                boilerplate_only=[*self.lex.commenters[2 * i:2 * i + 2], self.lex.designer],
                org_bylines=[*self.lex.org_bylines, self.lex.wire_byline],
                eponymous_companies=[n for e in self.lex.eponyms[ind] for n in (e.firm, e.bare)],
                founders=[e.founder for e in self.lex.eponyms[ind]
                          if any(e.founder in a.decoys for a in self.articles)],
                products=list(self.lex.products[ind]),
                fictional=[n for f in self.lex.fiction for n in (f.character, f.title)],
                ui_glued=sorted(self.ui_glued[ind]),
                local_people=[p.name for p in self.cast.tier(ind, "local")],
                mid_voices=[p.name for p in self.cast.tier(ind, "mid")],
                topics={p.name: list(p.topics[ind])
                        for tier in ("top", "mid") for p in self.cast.tier(ind, tier)
                        if ind in p.topics},
            )
        people = self.cast.people.values()
        return Truth(
            industries=industries,
            aliases={p.name: sorted(set(p.forms.values()), key=p.variants.index)
                     for p in people if len(set(p.forms.values())) > 1},
            spanning={p.name: list(p.industries) for p in people
                      if p.tier == "top" and len(p.industries) > 1},
            distinct_people=list(self.cast.distinct),
            profiles={p.name: p.profiles for p in people if p.tier == "top"},
        )


def build_sample_web(seed: int = 7, scale: float = 1.0, as_of: datetime | None = None,
                     coverage: Coverage | None = None, with_topics: bool = True) -> SampleWeb:
    """The sample web for ``seed``: same seed, same bytes. ``scale`` sizes the blogs.

    ``as_of`` gives the same web as it stood earlier: the pieces published after it are
    not out yet (no page, in no feed or listing), the others are byte for byte those of
    the full web. Serving it, then the full web (``SampleWebServer.replace``), grows the
    web between two runs. The answer key is the full web's. ``coverage`` confines a few
    top voices to some blogs (:data:`Coverage`). ``with_topics=False`` plants no topics
    (the same people named in the same places, saying nothing on topic).
    """
    return _Builder(seed, scale, as_of=as_of, with_topics=with_topics, coverage=coverage).build()


__all__ = ["INDUSTRIES", "REFUSED_HOST", "build_sample_web", "reference_date"]
