"""The sample web: deterministic, its answer key consistent with its pages, served right.

The truth checks read the generated pages themselves (not the generator's own notes),
so a change that plants a voice in the notes but not in the HTML fails here.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import socket
import threading
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import feedparser
import httpx
import pytest
import yaml
from bs4 import BeautifulSoup

from innercircle.sampleweb import build_sample_web, serve
from innercircle.sampleweb.__main__ import main
from innercircle.sampleweb.cast import ONE_SOURCE_DECOYS, Cast, Persona, plant_topics
from innercircle.sampleweb.names import region_pool
from innercircle.sampleweb.web import SampleWeb


@pytest.fixture(scope="module")
def web() -> SampleWeb:
    return build_sample_web()


@pytest.fixture(scope="module")
def texts(web: SampleWeb) -> dict[tuple[str, str], str]:
    """Main text (the <article> element) of every article page."""
    out = {}
    for art in web.articles:
        soup = BeautifulSoup(web.pages[art.host][art.path].body, "lxml")
        out[(art.host, art.path)] = soup.find("article").get_text(" ", strip=True)
    return out


def _variants(web: SampleWeb, name: str) -> list[str]:
    return web.truth.aliases.get(name, [name])


def _industry_hosts(web: SampleWeb, industry: str) -> set[str]:
    return {b.host for b in web.blogs if industry in b.industries}


def _author_name(web: SampleWeb, host: str, path: str) -> str:
    soup = BeautifulSoup(web.pages[host][path].body, "lxml")
    return soup.find("h1", class_="author-name").get_text()


# ------------------------------------------------------------------ generation


def _names(web: SampleWeb) -> dict[str, set[str]]:
    """Every kind of name the web plants, as sets, to compare two seeds by."""
    t = web.truth.industries.values()
    people = {n for i in t for n in [*i.top_voices, *i.one_source_repeated,
                                     *i.single_site_prolific, *i.boilerplate_only]}
    return {
        "given names": {n.split()[0] for n in people},
        "surnames": {n.split()[-1] for n in people},
        "nicknames": {v.split()[0] for vs in web.truth.aliases.values() for v in vs},
        "organisations": {n for i in t for n in i.organisations},
        "eponymous companies": {n for i in t for n in i.eponymous_companies},
        "products": {n for i in t for n in i.products},
        "fiction": {n for i in t for n in i.fictional},
        "blogs": {b.name for b in web.blogs},
        "hosts": set(web.hosts),
    }


def test_every_name_changes_with_the_seed(web: SampleWeb) -> None:
    mine = _names(web)
    for seed in (101, 102):
        other = _names(build_sample_web(seed))
        for kind, names in mine.items():
            shared = names & other[kind]
            # Common given names may recur by chance; nothing else may recur much.
            limit = 0.25 if kind in ("given names", "nicknames", "hosts") else 0.1
            assert len(shared) <= limit * len(names), (kind, seed, sorted(shared))


def test_same_seed_same_bytes_other_seed_other_web(web: SampleWeb) -> None:
    start = time.perf_counter()
    again = build_sample_web(7)
    assert time.perf_counter() - start < 3.0
    assert again.digest() == web.digest()
    assert again.truth == web.truth
    other = build_sample_web(8)
    assert other.digest() != web.digest()
    assert other.reference_date != web.reference_date


def test_shape(web: SampleWeb) -> None:
    assert web.industries == ["fintech", "climate", "biotech", "devtools"]
    assert 30 <= len(web.hosts) <= 48
    assert all(re.fullmatch(r"127\.0\.0\.\d+", h) for h in web.hosts)
    assert 300 <= len(web.articles) <= 600
    for blog in web.blogs:
        n = sum(a.host == blog.host for a in web.articles)
        assert 8 <= n <= 24, blog.name
    ref = web.reference_date
    dates = [a.published for a in web.articles]
    assert all(ref - timedelta(days=91) <= d < ref for d in dates)
    assert len({d.isocalendar()[:2] for d in dates}) >= 12
    assert {b.feed_format for b in web.blogs} == {"rss20", "atom10", "rss10"}
    assert len([b for b in web.blogs if len(b.industries) > 1]) == 1
    assert {b.language for b in web.blogs} == {"en", "de", "fr"}


def test_small_scale_is_smaller(web: SampleWeb) -> None:
    small = build_sample_web(7, scale=0.5)
    assert len(small.articles) < 0.75 * len(web.articles)
    assert small.truth.industries.keys() == web.truth.industries.keys()


# ------------------------------------------------------------------ truth vs pages


def test_top_voices_are_broad_recurring_and_quoted(web: SampleWeb, texts) -> None:
    for industry, truth in web.truth.industries.items():
        assert len(truth.top_voices) == 20
        hosts_of_industry = _industry_hosts(web, industry)
        for name in truth.top_voices:
            variants = _variants(web, name)
            hosts, weeks, authors = set(), set(), set()
            for art in web.articles:
                if art.host in hosts_of_industry and any(
                        v in texts[(art.host, art.path)] for v in variants):
                    hosts.add(art.host)
                    weeks.add(art.published.isocalendar()[:2])
                    authors.update(art.authors)
            assert len(hosts) >= 6, (industry, name, len(hosts))
            assert len(weeks) >= 4, (industry, name)
            assert len(authors) >= 4, (industry, name)
            assert any(name in a.quoted for a in web.articles if a.host in hosts_of_industry)


def test_top_voices_also_write_across_sites(web: SampleWeb) -> None:
    author_pages = {(h, p): _author_name(web, h, p)
                    for h in web.hosts for p in web.pages[h] if p.startswith("/author/")}
    for truth in web.truth.industries.values():
        writers = [n for n in truth.top_voices
                   if len({a.host for a in web.articles if n in a.authors}) >= 2]
        assert len(writers) >= 6
        for name in writers:
            # The same profile links on every author page: evidence to merge on.
            pages = [key for key, shown in author_pages.items()
                     if shown in _variants(web, name)]
            assert len({h for h, _ in pages}) >= 2
            for h, p in pages:
                assert web.truth.profiles[name][0].encode() in web.pages[h][p].body


def test_single_site_decoys_stay_on_one_host(web: SampleWeb, texts) -> None:
    for truth in web.truth.industries.values():
        assert truth.single_site_prolific and len(truth.one_source_repeated) == ONE_SOURCE_DECOYS
        for name in truth.single_site_prolific + truth.one_source_repeated:
            hosts = {h for h in web.hosts
                     if any(name.encode() in p.body for p in web.pages[h].values())}
            assert len(hosts) == 1, (name, hosts)
        for name in truth.single_site_prolific:
            assert sum(name in a.authors for a in web.articles) >= 6
        for name in truth.one_source_repeated:
            surname = name.split()[-1]
            count = sum(len(re.findall(rf"\b{surname}\b", t)) for t in texts.values())
            assert count >= 50, (name, count)


def test_top_voices_outnumber_decoys_on_breadth_but_not_on_raw_counts(web, texts) -> None:
    """The web is hard: naive counts favour decoys, breadth favours the truth."""
    for industry, truth in web.truth.industries.items():
        hosts_of_industry = _industry_hosts(web, industry)
        raw = {name: sum(len(re.findall(rf"\b{name.split()[-1]}\b", texts[(a.host, a.path)]))
                         for a in web.articles if a.host in hosts_of_industry)
               for name in truth.top_voices + truth.one_source_repeated}
        top_raw = sorted(raw, key=raw.get, reverse=True)[:5]
        assert set(truth.one_source_repeated) <= set(top_raw)
        authored = defaultdict(int)
        for a in web.articles:
            if a.host in hosts_of_industry:
                for n in a.authors:
                    authored[n] += 1
        top_authors = sorted(authored, key=authored.get, reverse=True)[:20]
        assert len(set(top_authors) & set(truth.top_voices)) <= 8


def test_boilerplate_names_never_in_main_text(web: SampleWeb, texts) -> None:
    names = {n for t in web.truth.industries.values() for n in t.boilerplate_only}
    everything = b"".join(p.body for pages in web.pages.values() for p in pages.values())
    for name in names:
        assert name.encode() in everything
        assert not any(name in t for t in texts.values()), name


def test_organisations_look_like_names_and_are_everywhere(web: SampleWeb, texts) -> None:
    for industry, truth in web.truth.industries.items():
        hosts = {a.host for a in web.articles for org in truth.organisations
                 if org in texts[(a.host, a.path)] and a.host in _industry_hosts(web, industry)}
        assert len(hosts) >= 5
    bylines = {n for a in web.articles if a.byline_kind == "organisation" for n in a.authors}
    for truth in web.truth.industries.values():
        assert set(truth.org_bylines) <= bylines


def test_alias_variants_are_written(web: SampleWeb, texts) -> None:
    from nicknames import NickNamer

    from innercircle.sampleweb.names import ascii_fold

    aliases = web.truth.aliases
    namer = NickNamer()
    kinds = defaultdict(list)
    for canonical, variants in aliases.items():
        first = canonical.split()[0]
        for v in variants[1:]:
            if v == ascii_fold(canonical):
                kinds["ascii"].append(v)  # "José Müller" -> "Jose Muller"
            elif v.startswith(("Dr. ", "Prof. ")):
                kinds["honorific"].append(v)  # "Dr. Sarah R. Vasquez"
            elif v.split()[0].lower() in namer.nicknames_of(first.lower()) or "\u201c" in v:
                kinds["nickname"].append(v)  # "Bob Kim", 'Robert "Bob" Kim'
            else:
                kinds["initial"].append(v)  # "Sarah R. Vasquez"
    assert len(kinds["ascii"]) >= 3 and len(kinds["nickname"]) >= 3, dict(kinds)
    assert kinds["honorific"] and kinds["initial"], dict(kinds)
    everything = "\n".join(texts.values())
    for canonical, variants in aliases.items():
        for variant in variants:
            assert variant in everything, (canonical, variant)


def test_shared_surnames_never_share_an_article(web: SampleWeb, texts) -> None:
    for a, b in web.truth.distinct_people:
        assert a.split()[-1] == b.split()[-1]
        assert any(a in t for t in texts.values()) and any(b in t for t in texts.values())
        assert not any(a in t and b in t for t in texts.values())


def test_spanning_voices_are_top_in_both_industries(web: SampleWeb) -> None:
    assert len(web.truth.spanning) == 2
    for name, industries in web.truth.spanning.items():
        for industry in industries:
            assert name in web.truth.industries[industry].top_voices


def test_syndicated_story_is_a_near_duplicate(web: SampleWeb, texts) -> None:
    for truth in web.truth.industries.values():
        (name,) = truth.syndicated_only
        copies = [a for a in web.articles if name in a.mentioned]
        assert len({a.host for a in copies}) >= 4
        assert sum(a.syndicated_from is not None for a in copies) == len(copies) - 1
        shingles = [set(zip(*(texts[(a.host, a.path)].split()[i:] for i in range(4)),
                            strict=False)) for a in copies]
        for other in shingles[1:]:
            assert len(shingles[0] & other) / len(shingles[0] | other) > 0.8


# ------------------------------------------------------------------ markup


def test_feeds_parse_with_authors(web: SampleWeb) -> None:
    pages = web.resolve(8800)
    versions = set()
    for blog in web.blogs:
        parsed = feedparser.parse(pages[blog.host][blog.feed_path].body)
        assert not parsed.bozo, (blog.name, parsed.get("bozo_exception"))
        versions.add(parsed.version)
        assert len(parsed.entries) == sum(a.host == blog.host for a in web.articles)
        paths = {a.path for a in web.articles if a.host == blog.host}
        for entry in parsed.entries:
            assert entry.link.startswith(f"http://{blog.host}:8800/")
            assert entry.link.split(":8800", 1)[1] in paths
        with_author = [e for e in parsed.entries if e.get("author")]
        if blog.feed_authors:
            assert len(with_author) >= len(parsed.entries) * 0.5, blog.name
        else:
            assert not with_author
    assert versions == {"rss20", "atom10", "rss10"}


def test_article_markup_variants(web: SampleWeb) -> None:
    found = defaultdict(int)
    for art in web.articles:
        html = web.pages[art.host][art.path].body.decode()
        soup = BeautifulSoup(html, "lxml")
        for script in soup.find_all("script", type="application/ld+json"):
            data = json.loads(script.string)
            if "@graph" in data:
                found["jsonld_graph"] += 1
            elif isinstance(data.get("author"), list):
                found["jsonld_list"] += 1
            elif isinstance(data.get("author"), dict):
                found["jsonld_person"] += 1
        found["meta_author"] += bool(soup.find("meta", attrs={"name": "author"}))
        found["article_author"] += bool(soup.find("meta", property="article:author"))
        found["rel_author"] += bool(soup.find("a", rel="author"))
        found["by_and"] += bool(re.search(r">By [^<]+ and [^<]+<", html))
        found["no_author"] += art.byline_kind == "none"
        found["comments"] += bool(soup.find(class_="comments"))
    for key in ("jsonld_graph", "jsonld_list", "jsonld_person", "meta_author",
                "article_author", "rel_author", "by_and", "no_author", "comments"):
        assert found[key] >= 2, (key, dict(found))


def test_homepages_autodiscover_feeds_and_author_pages_link_back(web: SampleWeb) -> None:
    for blog in web.blogs:
        soup = BeautifulSoup(web.pages[blog.host]["/"].body, "lxml")
        link = soup.find("link", rel="alternate")
        assert link["href"] == blog.feed_path and "xml" in link["type"]
        assert web.pages[blog.host]["/robots.txt"].body.startswith(b"User-agent: *")
        author_paths = [p for p in web.pages[blog.host] if p.startswith("/author/")]
        assert author_paths
        for path in author_paths:
            page = BeautifulSoup(web.pages[blog.host][path].body, "lxml")
            assert page.find("h1", class_="author-name").get_text()
            assert page.find("a", rel="me")
            for a in page.select("ul.post-list a"):
                assert a["href"] in web.pages[blog.host]


def test_sources_mix(web: SampleWeb) -> None:
    sources = web.sources(lambda h: f"http://{h}:9")["industries"]
    assert set(sources) == set(web.industries)
    for entry in sources.values():
        assert entry["feeds"] and entry["sites"]
    assert sum(bool(e.get("authors")) for e in sources.values()) >= 3
    shared = next(b for b in web.blogs if len(b.industries) > 1)
    listed = [i for i, e in sources.items()
              if any(shared.host in u for u in e.get("feeds", []) + e.get("sites", []))]
    assert listed == list(shared.industries)
    clean = web.sources(lambda h: f"http://{h}:9", include_broken=False)["industries"]
    assert not any(web.refused_host in u for e in clean.values() for v in e.values() for u in v)
    assert any(web.refused_host in u for e in sources.values() for v in e.values() for u in v)


# ------------------------------------------------------------------ server


@pytest.fixture(scope="module")
def server(web: SampleWeb):
    with serve(web) as srv:
        yield srv


def test_every_page_served_on_its_own_address(web: SampleWeb, server) -> None:
    resolved = web.resolve(server.port)
    with httpx.Client(headers={"Accept-Encoding": "identity"}) as client:
        for host, pages in resolved.items():
            for path, page in pages.items():
                r = client.get(server.url(host, path))
                assert r.status_code == 200, (host, path)
                assert r.content == page.body
                assert r.headers["content-type"] == page.content_type
        # Dispatch is by address: an article of one blog is not on another.
        first, second = web.blogs[0].host, web.blogs[1].host
        art = next(a for a in web.articles if a.host == first)
        assert client.get(server.url(second, art.path)).status_code == 404
        assert client.get(server.url(first, "/no/such/page/")).status_code == 404
    assert f":{server.port}/" in resolved[first][art.path].body.decode()


def test_conditional_get_and_gzip(web: SampleWeb, server) -> None:
    host = web.blogs[2].host
    url = server.url(host, web.blogs[2].feed_path)
    server.reset_stats()
    with httpx.Client() as client:
        first = client.get(url)  # httpx asks for gzip by default
        assert first.status_code == 200 and first.headers["content-encoding"] == "gzip"
        assert first.num_bytes_downloaded < len(first.content)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        by_date = client.get(url, headers={"If-Modified-Since": modified,
                                           "Accept-Encoding": "identity"})
        assert by_date.status_code == 304
        stale = client.get(url, headers={"If-None-Match": '"other"',
                                         "Accept-Encoding": "identity"})
        assert stale.status_code == 200 and "content-encoding" not in stale.headers
        older = client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
        assert older.status_code == 200
        with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as raw:
            wire = b"".join(raw.iter_raw())
        assert gzip.decompress(wire) == web.resolve(server.port)[host][web.blogs[2].feed_path].body
    stats = server.stats()["hosts"][host]
    assert stats["requests"] == 6 and stats["not_modified"] == 2
    assert stats["gzip"] >= 3
    assert stats["bytes"] < 3 * len(stale.content)
    assert server.stats()["requests"] == 6


def test_broken_sources_break_as_intended(web: SampleWeb, server) -> None:
    sources = server.sources()["industries"]
    broken = web.broken
    with httpx.Client(timeout=2) as client:
        r404 = client.get(server.url(broken["fintech"]["host"], broken["fintech"]["path"]))
        assert r404.status_code == 404
        assert r404.url.__str__() in sources["fintech"]["feeds"]
        notxml = client.get(server.url(broken["climate"]["host"], broken["climate"]["path"]))
        assert notxml.status_code == 200 and "rss" in notxml.headers["content-type"]
        parsed = feedparser.parse(notxml.content)
        assert not parsed.entries and parsed.version == ""
        with pytest.raises(httpx.ConnectError):
            client.get(server.url(web.refused_host, "/"))


def test_write_sources_yaml_points_at_the_server(web: SampleWeb, server, tmp_path) -> None:
    path = server.write_sources(tmp_path / "nested" / "sources.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    urls = [u for e in data["industries"].values() for v in e.values() for u in v]
    assert urls and all(u.startswith("http://127.0.0.") for u in urls)
    assert all(f":{server.port}/" in u for u in urls)
    good = {u for u in urls if web.refused_host not in u}
    missing = server.url(web.broken["fintech"]["host"], web.broken["fintech"]["path"])
    assert missing in good
    with httpx.Client() as client:
        for url in good:
            assert client.get(url).status_code == (404 if url == missing else 200), url


def test_close_frees_port_and_threads() -> None:
    small = build_sample_web(3, scale=0.4)
    before = threading.active_count()
    start = time.perf_counter()
    srv = serve(small)
    host, port = small.hosts[-1], srv.port
    client = httpx.Client()  # keep-alive connection left open on purpose
    assert client.get(srv.url(host, "/")).status_code == 200
    srv.close()
    assert time.perf_counter() - start < 2.0
    assert threading.active_count() <= before
    with pytest.raises(httpx.TransportError):
        client.get(srv.url(host, "/"))
    client.close()
    srv.close()  # idempotent
    with serve(small, port=port) as again:  # the same port is free for a restart
        assert httpx.get(again.url(host, "/robots.txt")).status_code == 200
        with pytest.raises(OSError):  # but two live servers cannot share it
            serve(small, port=port)
    with socket.socket() as s:
        assert s.connect_ex((host, port)) != 0  # and nothing listens after that


def test_cli_dump_and_serve(tmp_path: Path, capsys) -> None:
    out = tmp_path / "dump"
    assert main(["--dump", str(out), "--seed", "3", "--scale", "0.4"]) == 0
    homepages = list(out.glob("127.0.0.*/index.html"))
    assert len(homepages) == len(build_sample_web(3, scale=0.4).blogs)
    stop = threading.Event()
    stop.set()
    sources = tmp_path / "s.yaml"
    assert main(["--port", "0", "--seed", "3", "--scale", "0.4",
                 "--write-sources", str(sources)], stop=stop) == 0
    assert "industries" in yaml.safe_load(sources.read_text(encoding="utf-8"))
    # What to rank it as of, as the demo does (the web is dated).
    date = build_sample_web(3, scale=0.4).reference_date.isoformat()
    assert f"rank it with INNERCIRCLE_AS_OF={date}" in capsys.readouterr().out


# ------------------------------------------------------------------ decoys, languages, scale


def _hosts_naming(web: SampleWeb, texts, industry: str, name: str) -> tuple[set[str], int]:
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    hosts, docs = set(), 0
    for art in web.articles:
        if art.host in _industry_hosts(web, industry) and pattern.search(
                texts[(art.host, art.path)]):
            hosts.add(art.host)
            docs += 1
    return hosts, docs


def test_name_like_decoys_are_as_broad_as_voices(web: SampleWeb, texts) -> None:
    """Companies named after a founder, products with a given name first and fictional
    characters are each written on many blogs, in as many articles as a planted voice:
    a ranking by raw mentions would rank them."""
    for industry, truth in web.truth.industries.items():
        bare = truth.eponymous_companies[1::2]  # "Okafor" of "Okafor Analytics"
        characters = truth.fictional[0::2]
        for name in [*bare, *truth.products, *characters]:
            hosts, docs = _hosts_naming(web, texts, industry, name)
            assert len(hosts) >= 4 and docs >= 6, (industry, name, len(hosts), docs)
        for firm, surname in zip(truth.eponymous_companies[::2],
                                 truth.eponymous_companies[1::2], strict=True):
            assert firm.startswith(surname + " ")
            assert any(re.search(rf"{surname} (said|declined|announced)", t)
                       for t in texts.values()), surname
        assert all(p.split()[0] in region_pool("anglo").given for p in truth.products)
        assert not set(truth.not_people) & set(truth.top_voices)


def test_ui_words_are_glued_to_bylines_in_page_chrome_only(web: SampleWeb, texts) -> None:
    glued = {g for t in web.truth.industries.values() for g in t.ui_glued}
    assert len(glued) >= 30
    for g in glued:
        assert not any(g in t for t in texts.values()), g
    pages = [p.body.decode() for a in web.articles for p in [web.pages[a.host][a.path]]]
    cards = [p for p in pages if 'class="author-card"' in p]
    assert len(cards) >= 50
    text = BeautifulSoup(cards[0], "lxml").find(class_="author-card").get_text()
    assert any(g in text for g in glued), text


def test_german_and_french_blogs_write_in_their_language(web: SampleWeb, texts) -> None:
    import py3langid

    foreign = [b for b in web.blogs if b.language != "en"]
    assert sum(b.language == "de" for b in foreign) >= 2
    for blog in foreign:
        arts = [a for a in web.articles if a.host == blog.host]
        assert f'<html lang="{blog.language}">'.encode() in web.pages[blog.host]["/"].body
        detected = [py3langid.classify(texts[(a.host, a.path)])[0] for a in arts]
        assert detected.count(blog.language) >= 0.8 * len(arts), (blog.name, detected)
        local = web.truth.industries[blog.industries[0]].local_people
        assert local and any(n in texts[(a.host, a.path)] for a in arts for n in local)
        # Local people are named on their own blog only; German prose has its nouns.
        for name in local:
            assert not any(name in texts[(a.host, a.path)] for a in web.articles
                           if a.host != blog.host), name
    german = " ".join(texts[(a.host, a.path)] for a in web.articles
                      if web.blog(a.host).language == "de")
    assert re.search(r"\b(?:sagte|sagt|erklärte)\b", german)
    assert len(re.findall(r"\b(?:Die|Der|Das) [A-ZÄÖÜ][a-zäöüß]+", german)) >= 20


def test_generation_is_linear_in_articles() -> None:
    """Time per article stays flat from scale 0.5 to scale 3 (it grew with the square)."""
    per_article = {}
    for scale in (0.5, 3.0):
        start = time.perf_counter()
        big = build_sample_web(11, scale=scale)
        per_article[scale] = (time.perf_counter() - start) / len(big.articles)
    assert per_article[3.0] < 2.0 * per_article[0.5], per_article


def test_name_pools_are_large_and_clean() -> None:
    from wordfreq import top_n_list

    from innercircle.sampleweb.names import ascii_fold, nickname_pairs, regions

    words = set(top_n_list("en", 5000))
    total_surnames = 0
    for region in regions():
        pool = region_pool(region)
        total_surnames += len(pool.surnames)
        assert len(pool.given) >= 200 and len(pool.surnames) >= 100, region
        assert not {s.lower() for s in pool.surnames} & words, region  # no "Young", "Long"
    assert total_surnames >= 5000
    pairs = set(nickname_pairs())
    assert {("Robert", "Bob"), ("William", "Bill")} <= pairs and len(pairs) >= 100
    assert ascii_fold("Søren Müller-Lefèvre") == "Soren Muller-Lefevre"


def _voices(tier: str, n: int) -> Cast:
    return Cast({f"Voice {tier} {i}": Persona(f"Voice {tier} {i}", ("fintech",), tier,
                                              (f"Voice {tier} {i}",)) for i in range(n)})


def test_topics_are_dealt_even_when_the_deck_holds_just_enough() -> None:
    cast = _voices("top", 5)  # each top voice needs two different topics, the pool has two
    plant_topics(random.Random(1), cast, ["fintech"], {"fintech": ["payments", "lending"]})
    for person in cast.people.values():
        assert sorted(person.topics["fintech"]) == ["lending", "payments"]


def test_too_few_topics_for_a_voice_is_an_error_not_an_endless_deal() -> None:
    with pytest.raises(ValueError, match="fintech: 1 distinct topics, but each top voice needs 2"):
        plant_topics(random.Random(1), _voices("top", 1), ["fintech"],
                     {"fintech": ["payments", "payments"]})
    cast = _voices("mid", 3)  # a mid-tier voice needs one topic: one is enough
    plant_topics(random.Random(1), cast, ["fintech"], {"fintech": ["payments"]})
    assert {p.topics["fintech"] for p in cast.people.values()} == {("payments",)}


def test_the_demos_sources_state_a_focus_its_voices_write_about(web: SampleWeb, tmp_path) -> None:
    """``innercircle demo`` writes a focus per industry, so the demo shows relevance."""
    from innercircle.sources import load_focus, load_sources

    with serve(web) as server:
        path = server.write_sources(tmp_path / "sources.yaml", focus=True)
        plain = server.write_sources(tmp_path / "plain.yaml")
    focus = load_focus(path)
    assert set(focus) == set(web.industries)
    for industry, text in focus.items():
        topics = {t for ts in web.truth.industries[industry].topics.values() for t in ts}
        assert sum(t in text for t in topics) >= 2, (industry, text)
    assert load_sources(path) == load_sources(plain)  # the same sources, only the focus
    assert load_focus(plain) == {}
    # A web without topics states none rather than failing.
    bare = build_sample_web(with_topics=False)
    with serve(bare) as server:
        assert load_focus(server.write_sources(tmp_path / "bare.yaml", focus=True)) == {}
