"""Sources that find sources: main-text links, candidate scoring and its exclusion rules,
the crawl's feed check (robots.txt, private addresses), and accepting into the sources file."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import yaml

from innercircle.accept import accept_into_sources, choose
from innercircle.extract.links import main_text_links
from innercircle.fetch import Fetcher
from innercircle.sources import parse_sources
from innercircle.stages.suggestions import (
    Candidate,
    check_feeds,
    finalize,
    looks_like_shortener,
    score_candidates,
)
from tests.builders import fetch_policy

PAGE = """<html><head><title>Post</title></head><body>
<nav><ul><li><a href="https://menu.example.net/">Home</a></li>
<li><a href="https://social.example/@blog">Follow us on the social network</a></li></ul></nav>
<article><h1>Rates and the quiet quarter</h1>
<p>Banks kept their heads down this quarter, and as <a href="https://deep.example.org/p/1">this
analysis</a> shows, the smaller lenders moved first. Nobody expected the spreads to hold.</p>
<p>Short one: <a href="https://short.example.org/x">see</a>.</p>
<p>More reading on the same theme follows in the next weeks, with numbers from the regulators and
<a href="/2024/01/older-post">our older post</a> on the topic of deposit flight.</p>
</article>
<aside class="sidebar"><h2>Related posts</h2><ul><li><a href="https://related.example.com/a">A
related post about nothing in particular that is long enough to be a paragraph</a></li></ul>
</aside>
<section class="comments"><p>Great post, see <a href="https://spam.example.biz/">my site</a> for
more of the same opinions that nobody asked for in this comment.</p></section>
</body></html>"""


def test_links_come_from_the_main_text_only():
    text = (
        "Banks kept their heads down this quarter, and as this analysis shows, the smaller "
        "lenders moved first. Nobody expected the spreads to hold.\nShort one: see.\n"
        "More reading on the same theme follows in the next weeks, with numbers from the "
        "regulators and our older post on the topic of deposit flight."
    )
    links = main_text_links(PAGE, "https://blog.example.com/2024/02/post", text)
    assert [(link.host, link.anchor) for link in links] == [
        ("deep.example.org", "this analysis"),
        ("short.example.org", "see"),
        ("blog.example.com", "our older post"),
    ]
    assert links[2].url == "https://blog.example.com/2024/01/older-post"
    # Without the stored text it is extracted the same way documents.text is.
    hosts = {link.host for link in main_text_links(PAGE, "https://blog.example.com/2024/02/p")}
    assert "deep.example.org" in hosts
    assert not hosts & {"menu.example.net", "social.example", "related.example.com",
                        "spam.example.biz"}


AS_OF = datetime(2024, 3, 1)


def _link(industry: str, source: str, url: str, when: datetime = datetime(2024, 2, 20)):
    from innercircle.extract.links import link_host

    return (industry, source, url, link_host(url), when)


def test_candidates_are_scored_by_distinct_sources_and_voices_and_rules_exclude_the_rest():
    links = [
        # found by three fintech sources: the best candidate
        *[_link("fintech", f"src{i}.example", f"https://hidden.example/p/{i}") for i in range(3)],
        # linked by one source, many times (plus a voice's guest post): below three sources
        *[_link("fintech", "src0.example", f"https://loud.example/p/{i}") for i in range(9)],
        # linked from every industry: infrastructure
        *[_link(ind, f"{ind}.example", "https://everywhere.example/") for ind in
          ("fintech", "climate", "biotech")],
        *[_link(ind, f"{ind}2.example", "https://everywhere.example/a") for ind in
          ("fintech", "climate", "biotech")],
        # a file, a CDN, a shortener, and the industry's own site
        _link("fintech", "src0.example", "https://files.example/report.pdf"),
        _link("fintech", "src1.example", "https://files.example/deck.pdf"),
        _link("fintech", "src0.example", "https://cdn.example.net/lib"),
        _link("fintech", "src1.example", "https://cdn.example.net/lib2"),
        _link("fintech", "src0.example", "https://bit.ly/3xYz9Qa"),
        _link("fintech", "src1.example", "https://bit.ly/4AbC1de"),
        _link("fintech", "src0.example", "https://src1.example/post"),
        _link("fintech", "src2.example", "https://src1.example/post"),
        # one link from one source: an anecdote
        _link("fintech", "src2.example", "https://once.example/p"),
    ]
    own = [("fintech", f"src{i}.example") for i in range(3)] + [("climate", "climate.example")]
    voices = [("fintech", "Jane Doe", "https://janedoe.example/about", "homepage"),
              ("fintech", "Jane Doe", "https://loud.example/guest", "writes there"),
              ("fintech", "Bob Roe", "https://net.social/@bob", "profile")]
    profiles = [("Jane Doe", "https://net.social/@jane"), ("Bob Roe", "https://net.social/@bob")]
    found = score_candidates(links, own, voices, profiles, AS_OF)["fintech"]
    hosts = [c.host for c in found]
    assert hosts == ["hidden.example", "loud.example"]
    best = found[0]
    assert best.linking_sources == {"src0.example", "src1.example", "src2.example"}
    assert best.url == "https://hidden.example/" and 0.9 < best.recency < 1
    assert found[1].voices == {"Jane Doe": "writes there"}


def test_shortener_shape():
    assert looks_like_shortener("bit.ly", ["https://bit.ly/3xYz9Qa"])
    assert not looks_like_shortener("bit.ly", ["https://bit.ly/a/long-article-title"])
    assert not looks_like_shortener("blog.example.org", ["https://blog.example.org/abc123"])


@pytest.fixture(scope="module")
def hidden_server(sample_web):
    from innercircle.sampleweb.hidden import plant_hidden
    from innercircle.sampleweb.server import serve

    web, plan = plant_hidden(sample_web)
    with serve(web) as server:
        yield server, plan


def _candidates(server, plan) -> list[Candidate]:
    hidden = plan.hidden["fintech"][0]
    by_kind = {kind: host for host, kind in plan.decoys.items()}
    return [Candidate("fintech", host, server.url(host, "/"), score=3.0 - i)
            for i, host in enumerate([hidden, by_kind["robots"], by_kind["no_feed"]])]


def test_the_feed_check_is_the_crawls_and_never_suggests_a_robots_refusing_host(hidden_server):
    server, plan = hidden_server
    cands = _candidates(server, plan)
    with Fetcher(fetch_policy(allow_private_networks=True)) as fetcher:
        check_feeds(cands, fetcher, now=AS_OF)
    status = {c.host: (c.feed_status, c.feed_note) for c in cands}
    hidden, robots, no_feed = (c.host for c in cands)
    assert status[hidden][0] == "found" and cands[0].feed_url.startswith(server.url(hidden, "/"))
    assert status[robots][0] == "refused" and "robots" in status[robots][1]
    assert status[no_feed][0] == "none"
    rows = finalize(cands, AS_OF)
    assert [r["host"] for r in rows] == [hidden, no_feed]  # robots-refusing host dropped
    assert choose(rows, top=5) == [rows[0]]  # accept --top takes only sites with a feed


def test_no_suggestion_points_at_a_private_address_unless_allowed(hidden_server):
    server, plan = hidden_server
    cands = _candidates(server, plan)
    with Fetcher(fetch_policy(allow_private_networks=False)) as fetcher:
        check_feeds(cands, fetcher, now=AS_OF)
    assert {c.feed_status for c in cands} == {"refused"}
    assert all("blocked_address" in c.feed_note for c in cands)
    assert finalize(cands, AS_OF) == []


def test_a_recent_check_is_reused_not_repeated():
    cand = Candidate("fintech", "unreachable.invalid", "http://unreachable.invalid/")
    previous = {"unreachable.invalid": {"feed_url": "http://unreachable.invalid/feed",
                                        "feed_status": "found", "feed_note": None,
                                        "checked_at": datetime(2024, 2, 28)}}

    check_feeds([cand], _NoFetch(allow_private=True), previous, now=AS_OF)
    assert cand.feed_status == "found" and cand.feed_url == "http://unreachable.invalid/feed"


SOURCES = """# my industries
industries:
  fintech:   # money
    feeds:
      - https://a.example/feed.xml   # the first one
    sites: [https://b.example/]
  climate:
    feeds:
      - https://c.example/rss
"""


def _row(host: str, url: str, rank: int = 1) -> dict:
    return {"industry": "fintech", "rank": rank, "host": host, "url": url, "feed_url": url,
            "evidence_sources": ["a.example", "b.example"],
            "evidence_voices": ["Jane Doe (homepage)"]}


def test_accept_keeps_comments_and_order_and_reaccepting_changes_nothing():
    rows = [_row("hidden.example", "https://hidden.example/feed.xml")]
    text, added = accept_into_sources(SOURCES, "fintech", rows, date(2026, 11, 30))
    assert added == ["https://hidden.example/feed.xml"]
    assert text.startswith(SOURCES.splitlines()[0])
    for line in SOURCES.splitlines():
        assert line in text  # every line, comments included, is still there
    assert ("- https://hidden.example/feed.xml  # suggested 2026-11-30: linked by 2 sources "
            "(a.example, b.example); 1 voices there (Jane Doe)") in text
    parsed = parse_sources(text)
    assert [(s.industry, s.kind, s.url) for s in parsed][:2] == [
        ("fintech", "feed", "https://a.example/feed.xml"),
        ("fintech", "feed", "https://hidden.example/feed.xml"),
    ]
    assert yaml.safe_load(text)["industries"]["climate"] == {"feeds": ["https://c.example/rss"]}
    again, added_again = accept_into_sources(text, "fintech", rows, date(2026, 12, 1))
    assert again == text and added_again == []


def test_choose_by_url_or_host_and_unknown_ones_are_named():
    rows = [_row("x.example", "https://x.example/feed", 1),
            _row("y.example", "https://y.example/rss", 2)]
    assert choose(rows, urls=["y.example"]) == [rows[1]]
    assert choose(rows, urls=["https://x.example/feed"]) == [rows[0]]
    with pytest.raises(KeyError, match="z.example"):
        choose(rows, urls=["z.example"])


def test_the_nightly_run_keeps_links_and_suggests_only_sample_web_hosts(sample_run):
    """On the plain sample web (whose articles link nowhere; the hidden-blog web of the
    benchmark is the one with links) every suggestion is a 127.0.0.x host, nothing outside
    the loopback web is ever fetched, and each has at least two pieces of evidence."""
    from innercircle import warehouse

    with warehouse.connect(sample_run.warehouse, read_only=True) as con:
        rows = con.execute("SELECT host, feed_status, evidence_sources, evidence_voices "
                           "FROM source_suggestions").fetchall()
        orphans = con.execute("SELECT count(*) FROM document_links LEFT JOIN documents d "
                              "USING (doc_id) WHERE d.doc_id IS NULL").fetchone()[0]
    assert orphans == 0
    for host, status, sources, voices in rows:
        assert host.startswith("127.0.0.") and status in ("found", "none")
        assert len(sources) + len(voices) >= 2


def test_sources_suggest_and_accept_commands(tmp_path, monkeypatch, capsys):
    from innercircle import warehouse
    from innercircle.cli import main
    from innercircle.stages import arrow
    from innercircle.stages.suggestions import Candidate

    public = tmp_path / "innercircle.duckdb"
    good = Candidate("fintech", "hidden.example", "https://hidden.example/",
                     linking_sources={"a.example", "b.example"}, links=4,
                     feed_url="https://hidden.example/feed.xml", feed_status="found")
    bare = Candidate("fintech", "corp.example", "https://corp.example/",
                     linking_sources={"a.example", "b.example"}, feed_status="none",
                     feed_note="no feed advertised and none at common paths")
    with warehouse.connect(public) as con:
        warehouse.insert(con, "source_suggestions",
                         arrow([good.row(1, AS_OF), bare.row(2, AS_OF)]))
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES)
    monkeypatch.setenv("INNERCIRCLE_WAREHOUSE", str(public))
    monkeypatch.setenv("INNERCIRCLE_SOURCES", str(sources))
    assert main(["sources", "suggest", "--industry", "fintech"]) == 0
    out = capsys.readouterr().out
    assert "hidden.example" in out and "linked by 2 sources" in out and "no feed" in out
    assert main(["sources", "accept", "--industry", "fintech", "--top", "5"]) == 0
    assert capsys.readouterr().err == (
        f"added 1 source under 'fintech' in {sources}: https://hidden.example/feed.xml\n"
    )
    after = sources.read_text()
    assert "- https://hidden.example/feed.xml  # suggested " in after
    assert "corp.example" not in after  # --top takes only suggestions with a feed
    assert "# my industries" in after and "# the first one" in after
    parse_sources(after)
    assert main(["sources", "accept", "--industry", "fintech", "hidden.example"]) == 0
    assert sources.read_text() == after
    assert "added 0 sources under 'fintech'" in capsys.readouterr().err
    assert main(["sources", "accept", "--industry", "fintech", "nowhere.example"]) == 1


def test_auto_accept_is_off_by_default_and_capped():
    from innercircle.accept import AUTO_ACCEPT_CEILING, auto_accept
    from innercircle.settings import SettingError, Settings

    rows = [_row(f"h{i}.example", f"https://h{i}.example/feed", i) for i in range(1, 15)]
    assert auto_accept(SOURCES, rows, Settings().suggest_auto_accept, date(2026, 11, 30)) == (
        SOURCES, [])
    text, added = auto_accept(SOURCES, rows, 50, date(2026, 11, 30))
    assert len(added) == AUTO_ACCEPT_CEILING and added[0] == "https://h1.example/feed"
    assert text.count("# auto-accepted 2026-11-30") == AUTO_ACCEPT_CEILING
    with pytest.raises(SettingError, match="INNERCIRCLE_SUGGEST_AUTO_ACCEPT"):
        Settings(suggest_auto_accept=11).validate()


# -- a reused check answers to tonight's rules; the crawl's own reading is a check -------


class _NoFetch:
    """A fetcher that must not be asked: a reused check needs no network."""

    def __init__(self, allow_private: bool) -> None:
        from innercircle.fetch.netguard import AddressGuard

        self.policy = fetch_policy(allow_private_networks=allow_private)
        self.guard = AddressGuard(allow_private)
        self.robots = None

    def fetch_all(self, *a, **k):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("fetched")


def _found(host: str, when: datetime = datetime(2024, 2, 28)) -> dict:
    return {host: {"feed_url": f"http://{host}/feed.xml", "feed_status": "found",
                   "feed_note": None, "checked_at": when}}


def test_auto_accept_edits_the_sources_file_only_when_asked(tmp_path):
    from innercircle.stages.suggestions import accept_tonight

    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES, "utf-8")
    rows = [_row("hidden.example", "https://hidden.example/feed.xml")]
    assert accept_tonight(path, rows, 0) == []  # off: the file is left alone
    assert path.read_text("utf-8") == SOURCES
    assert accept_tonight(tmp_path / "none.yaml", rows, 3) == []  # no file to edit
    assert accept_tonight(path, rows, 3) == ["https://hidden.example/feed.xml"]
    assert "https://hidden.example/feed.xml" in [s.url for s in parse_sources(path.read_text())]
    assert accept_tonight(path, rows, 3) == []  # listed now: nothing more to add


def test_a_check_made_with_private_networks_allowed_is_not_reused_when_they_are_not():
    """A week-old "found" for a loopback host must not outlive the guard being switched on."""
    cand = Candidate("fintech", "127.0.0.9", "http://127.0.0.9/")
    check_feeds([cand], _NoFetch(allow_private=True), _found("127.0.0.9"), now=AS_OF)
    assert cand.feed_status == "found"  # allowed: reused as it was, nothing fetched
    cand = Candidate("fintech", "127.0.0.9", "http://127.0.0.9/")
    check_feeds([cand], _NoFetch(allow_private=False), _found("127.0.0.9"), now=AS_OF)
    assert cand.feed_status == "refused" and cand.feed_note.startswith("blocked_address")
    assert finalize([cand], AS_OF) == []


def test_a_private_address_refusal_is_checked_again_once_private_networks_are_allowed():
    refused = {"127.0.0.9": {"feed_url": None, "feed_status": "refused",
                             "feed_note": "blocked_address: 127.0.0.9 resolves to ...",
                             "checked_at": datetime(2024, 2, 28)}}
    cand = Candidate("fintech", "127.0.0.9", "http://127.0.0.9/")
    check_feeds([cand], _NoFetch(allow_private=False), refused, now=AS_OF)  # still refused
    assert cand.feed_status == "refused"
    with pytest.raises(AssertionError, match="fetched"):
        check_feeds([Candidate("fintech", "127.0.0.9", "http://127.0.0.9/")],
                    _NoFetch(allow_private=True), refused, now=AS_OF)


def test_a_reused_check_is_dropped_when_the_hosts_robots_txt_now_refuses():
    from innercircle.fetch.robots import RobotsRules, origin_of

    host = "127.0.0.9"
    with Fetcher(fetch_policy(allow_private_networks=True)) as fetcher:
        cand = Candidate("fintech", host, f"http://{host}/")
        check_feeds([cand], fetcher, _found(host), now=AS_OF)
        assert cand.feed_status == "found"
        fetcher.robots.put(origin_of(f"http://{host}/"), RobotsRules("disallow_all", "test"))
        cand = Candidate("fintech", host, f"http://{host}/")
        check_feeds([cand], fetcher, _found(host), now=AS_OF)
    assert cand.feed_status == "refused" and "robots" in cand.feed_note
    assert finalize([cand], AS_OF) == []


def test_previous_checks_take_the_crawls_reading_of_a_listed_host(tmp_path):
    from innercircle import warehouse
    from innercircle.stages.suggestions import previous_checks

    with warehouse.connect(tmp_path / "w.duckdb") as con:
        con.execute("""INSERT INTO feeds (source_url, feed_url, via, entries, status, error,
                       checked_at) VALUES
            ('https://www.listed.example/', 'https://listed.example/rss', 'autodiscovered',
             3, 'ok', NULL, TIMESTAMP '2024-02-29 03:00'),
            ('https://broken.example/feed', 'https://broken.example/feed', 'listed', 0,
             'error', 'HTTP 404', TIMESTAMP '2024-02-29 03:00'),
            ('https://elsewhere.example/', 'https://feeds.other.example/x', 'autodiscovered',
             3, 'ok', NULL, TIMESTAMP '2024-02-29 03:00')""")
        con.execute("""INSERT INTO suggestion_feed_checks VALUES
            ('listed.example', NULL, 'none', 'no feed found', TIMESTAMP '2024-02-20 03:00'),
            ('broken.example', NULL, 'none', 'no feed found', TIMESTAMP '2024-02-20 03:00')""")
        checks = previous_checks(con)
    assert checks["listed.example"]["feed_status"] == "found"  # the crawl's is newer
    assert checks["listed.example"]["feed_url"] == "https://listed.example/rss"
    assert checks["broken.example"]["feed_status"] == "none"  # an error is no reading
    assert "elsewhere.example" not in checks  # a feed on another host: ask the site itself


# -- accept: listed in any form, comments never lost --------------------------------------


def test_accepting_a_url_the_industry_lists_as_a_site_changes_nothing():
    rows = [_row("b.example", "https://b.example/")]
    assert accept_into_sources(SOURCES, "fintech", rows, date(2026, 11, 30)) == (SOURCES, [])


def test_accept_fills_an_industry_the_file_names_but_lists_nothing_under_yet():
    rows = [_row("hidden.example", "https://hidden.example/feed.xml")]
    text, added = accept_into_sources("industries:\n  fintech:\n", "fintech", rows,
                                      date(2026, 11, 30))
    assert added == ["https://hidden.example/feed.xml"]
    assert [s.url for s in parse_sources(text)] == ["https://hidden.example/feed.xml"]


def test_accept_never_returns_a_rewrite_that_loses_the_files_comments():
    from innercircle.accept import auto_accept
    from innercircle.errors import SourcesFileError

    flow = "# mine\nindustries:\n  fintech: {feeds: [https://a.example/feed.xml]}  # money\n"
    rows = [_row("hidden.example", "https://hidden.example/feed.xml")]
    with pytest.raises(SourcesFileError, match="losing its comments"):
        accept_into_sources(flow, "fintech", rows, date(2026, 11, 30), where="s.yaml")
    assert auto_accept(flow, rows, 3, date(2026, 11, 30)) == (flow, [])  # skipped at night
    bare = "industries:\n  fintech: {feeds: [https://a.example/feed.xml]}\n"
    text, added = accept_into_sources(bare, "fintech", rows, date(2026, 11, 30))
    assert added == ["https://hidden.example/feed.xml"]  # no comment to lose: rewritten
    assert [s.url for s in parse_sources(text)] == ["https://a.example/feed.xml",
                                                    "https://hidden.example/feed.xml"]


def test_accepting_into_a_one_line_flow_list_keeps_each_dated_note():
    inline = "# mine\nindustries:\n  fintech:\n    feeds: [https://a.example/feed.xml]  # keep\n"
    rows = [_row("hidden.example", "https://hidden.example/feed.xml")]
    text, added = accept_into_sources(inline, "fintech", rows, date(2026, 11, 30))
    assert added == ["https://hidden.example/feed.xml"]
    assert text.startswith("# mine\n") and "    feeds:  # keep\n" in text
    (line,) = [ln for ln in text.splitlines() if "hidden.example" in ln]
    assert line.startswith("      - https://hidden.example/feed.xml  # ") and "2026-11-30" in line
    assert [s.url for s in parse_sources(text)] == ["https://a.example/feed.xml",
                                                    "https://hidden.example/feed.xml"]


def test_the_hidden_blogs_carry_voices_no_listed_blog_names(hidden_server):
    """The planted top voices confined to the hidden blogs are written about there, often,
    and nowhere a listed source could show them: what accepting the suggestions can win."""
    server, plan = hidden_server
    web = server.web
    hidden = {h for hosts in plan.hidden.values() for h in hosts}
    for industry, names in plan.confined.items():
        assert len(names) == 3
        assert set(names) <= set(web.truth.industries[industry].top_voices[:20])
        for name in names:
            docs = [a for a in web.articles if name in a.mentioned or name in a.authors]
            assert len(docs) >= 5 and {a.host for a in docs} <= hidden
            assert not any(name.encode() in page.body for host, paths in web.pages.items()
                           if host not in hidden for page in paths.values())


def _crawl_feeds_verdicts(homepages: dict[str, str], fetcher: Fetcher) -> dict:
    """The verdicts as ``crawl_feeds`` gives them (the check before it had its own rounds)."""
    from innercircle.extract.links import link_host
    from innercircle.model import Source
    from innercircle.stages.crawl import crawl_feeds
    from innercircle.stages.suggestions import REFUSED_CLASSES

    sources = [Source("suggestions", "site", url) for url in homepages.values()]
    out = crawl_feeds(sources, fetcher, {}, {}, run_id="suggestions")
    refused = {}
    for row in out.crawl_log:
        if row.get("error_class") in REFUSED_CLASSES:
            refused.setdefault(link_host(row["url"]), "refused")
    rows = {row["source_url"]: row for row in out.rows.get("feeds", [])}
    verdicts = {}
    for host, url in homepages.items():
        row = rows.get(url) or {}
        if host in refused:
            verdicts[host] = (None, "refused")
        elif row.get("feed_url") and row.get("status") in ("ok", "warning", "not_modified"):
            verdicts[host] = (row["feed_url"], "found")
        else:
            verdicts[host] = (None, "none")
    return verdicts


@pytest.mark.parametrize("allow_private", [True, False])
def test_the_feed_check_gives_the_crawls_verdicts(hidden_server, allow_private):
    """Two concurrent rounds instead of crawl_feeds' sequential fallback: same answers."""
    from innercircle.stages.suggestions import feed_verdicts

    server, plan = hidden_server
    web = server.web
    hosts = [plan.hidden["fintech"][0], *plan.decoys, web.blogs[0].host, web.blogs[5].host,
             web.refused_host]
    homepages = {h: server.url(h, "/") for h in hosts}
    policy = fetch_policy(allow_private_networks=allow_private, retries=0)
    with Fetcher(policy) as fetcher:
        ours = feed_verdicts(homepages, fetcher)
    with Fetcher(policy) as fetcher:
        theirs = _crawl_feeds_verdicts(homepages, fetcher)
    assert {h: v[:2] for h, v in ours.items()} == theirs
    statuses = {v[1] for v in ours.values()}
    assert statuses == ({"found", "none", "refused"} if allow_private else {"refused"})
