"""The nightly HTML report, as a reader who never writes SQL sees it: outlets by name,
ties said as ties. Small hand-made warehouses (fast); the page in a real browser is
tests/test_report_browser.py, the rest of the page tests/test_profiles.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from innercircle import warehouse
from innercircle.report import write_reports

DAY = datetime(2025, 1, 2)


def _voice(con, industry: str, rank: int, person_id: str, score: float,
           writes_for: list[str] | None = None) -> None:
    """A ranked voice as the ranking and the profiles write it: a row in recurring_voices
    and one in voice_profiles."""
    params = {"industry": industry, "rank": rank, "pid": person_id, "name": person_id.title(),
              "score": score, "day": DAY}
    con.execute(
        """INSERT INTO recurring_voices BY NAME SELECT $industry AS industry, $rank AS rank,
               $pid AS person_id, $name AS name, $score AS score, 0 AS authored_docs,
               0 AS mentioned_docs, 0 AS quoted_docs, 1 AS distinct_sources,
               0 AS citing_authors, 1 AS distinct_weeks, 1.0 AS max_source_share,
               'r' AS reasons, $day AS ranked_at""", params)
    con.execute(
        """INSERT INTO voice_profiles BY NAME SELECT $industry AS industry,
               $pid AS person_id, $name AS name, $rank AS rank, $score AS score,
               [] AS beats, [] AS beat_weights, $writes_for AS writes_for, [] AS carried_by,
               [] AS latest, [] AS profiles, [] AS cites, [] AS cited_by,
               $day AS profiled_at""", {**params, "writes_for": writes_for or []})


def _feed(con, source_url: str, feed_url: str, title: str | None, site_link: str | None) -> None:
    con.execute(
        """INSERT INTO feeds BY NAME SELECT $source AS source_url, $feed AS feed_url,
               'listed' AS via, $title AS title, $link AS site_link, 0 AS entries,
               'ok' AS status, $day AS checked_at""",
        {"source": source_url, "feed": feed_url, "title": title, "link": site_link,
         "day": DAY})


def _cell(page: str, person_id: str, column: str) -> str:
    row = page.split(f'<tr data-person="{person_id}">')[1].split("</tr>")[0]
    return row.split(f'data-label="{column}">')[1].split("</td>")[0]


def _page(tmp_path: Path, con) -> str:
    write_reports(con, ["fintech"], tmp_path / "reports", DAY)
    return (tmp_path / "reports" / "fintech.html").read_text()


def _ranking_page(tmp_path: Path, scores: list[tuple[str, float]]) -> str:
    """The report of one industry whose voices are ranked 1, 2, ... on these scores."""
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        for rank, (pid, score) in enumerate(scores, start=1):
            _voice(con, "fintech", rank, pid, score)
        return _page(tmp_path, con)


def test_writes_for_names_each_outlet_its_feed_names_and_else_shows_its_host(tmp_path):
    """"127.0.0.2" says nothing to a reader; "The Tender Post", the title of the site's
    feed, does. A site no feed names keeps its host: no name is made up."""
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        _voice(con, "fintech", 1, "ann", 9.0,
               ["tender.example", "www.ledger.example", "medium.example", "quiet.example"])
        _feed(con, "https://tender.example/", "https://tender.example/atom.xml",
              " The  Tender Post ", "https://tender.example/")
        # Of a site's feeds, the shortest title: the site's, not one of its sections'.
        _feed(con, "https://ledger.example/rss", "https://ledger.example/rss", "Ledger", None)
        _feed(con, "https://ledger.example/markets/rss", "https://ledger.example/markets/rss",
              "Ledger » Markets", "https://ledger.example")
        _feed(con, "https://ledger.example/", "https://ledger.example/", "Ledger", None)
        # A writer's own feed on a shared host names the writer, not the outlet.
        _feed(con, "https://medium.example/feed/@jo", "https://medium.example/feed/@jo",
              "Stories by Jo on Medium", "https://medium.example/@jo?source=rss")
        _feed(con, "https://quiet.example/", "", "", None)
        page = _page(tmp_path, con)
    assert _cell(page, "ann", "Writes for") == (
        '<span title="tender.example">The Tender Post</span><br>'
        '<span title="www.ledger.example">Ledger</span><br>medium.example<br>quiet.example')


def test_voices_on_one_score_are_marked_as_tied_and_the_page_says_how_ties_are_ordered(
        tmp_path):
    """The ranking numbers every voice, equal scores too (#3 and #4 on 2.62): the report
    keeps those numbers but marks the tie, and says what orders tied voices."""
    page = _ranking_page(tmp_path, [("ann", 9.1), ("bob", 2.6174), ("cy", 2.6174),
                                    ("dee", 2.6174), ("eve", 1.2)])
    assert _cell(page, "ann", "#") == "1" and _cell(page, "eve", "#") == "5"
    assert _cell(page, "bob", "#") == (
        '<span class="tie" title="tied with #3, #4: the same score">=</span>2')
    assert _cell(page, "cy", "#").endswith('title="tied with #2, #4: the same score">=</span>3')
    assert "“=” before a rank marks a tie" in page
    assert "then by how many sites carry them (more first), then by an internal id" in page


def test_scores_that_differ_show_the_decimals_that_tell_them_apart(tmp_path):
    """2.5374 and 2.536 are no tie (the higher is ranked first for it), so they are not
    both shown as "2.54"; a page with no tie has nothing to say about ties."""
    page = _ranking_page(tmp_path, [("ann", 3.0), ("bob", 2.5374), ("cy", 2.536),
                                    ("dee", 2.2169), ("eve", 2.2168)])
    shown = [_cell(page, p, "Score").split("<")[0] for p in ("ann", "bob", "cy", "dee", "eve")]
    assert shown == ["3.00", "2.537", "2.536", "2.2169", "2.2168"]
    assert "=</span>" not in page and "marks a tie" not in page


def test_tied_voices_show_one_figure_beside_a_close_neighbour():
    from innercircle.report import _shown_scores

    assert _shown_scores([3.0, 2.5374, 2.536, 2.536, 2.1]) == [
        "3.00", "2.537", "2.536", "2.536", "2.10"]


def test_a_long_tie_is_named_by_its_span():
    from innercircle.report import _rank_labels

    labels = _rank_labels(list(range(60, 66)), [1.5, 0.8, 0.8, 0.8, 0.8, 0.8])
    assert labels[0] == "60"
    assert 'title="tied with 4 others, #61-#65: the same score"' in labels[1]


def test_the_tie_rule_the_report_states_is_the_rankings():
    """The page's sentence on ties restates the ranking's ORDER BY: if that changes, so
    must the sentence."""
    from innercircle.ranking import ranking_sql
    from innercircle.report import RANKING_ORDER

    assert RANKING_ORDER in " ".join(ranking_sql().split())
