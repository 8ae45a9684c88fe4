"""The nightly HTML report per industry, for readers who don't write SQL.

One self-contained page: inline CSS and inline SVG, no script, no web font, no CDN, so it
opens offline, from a mail attachment or a shared drive. It holds the ranked inner circle
(score, relevance, beats, latest piece, links to the evidence), a rank-over-time
sparkline per voice drawn from ``voice_history``, and the newcomers and departures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from innercircle.model import site_host

# ``reasons``: the score in words, as the ranking wrote it (what ``innercircle who`` and
# the ``inner_circle`` view show), so a reader sees what each number is made of.
VOICES_SQL = """
SELECT p.rank, p.person_id, p.name, p.score, p.relevance, p.beats, p.writes_for, p.latest,
       p.homepage, p.profiles, v.reasons
FROM voice_profiles p
LEFT JOIN recurring_voices v ON v.industry = p.industry AND v.person_id = p.person_id
WHERE p.industry = $industry ORDER BY p.rank
"""
RANKED_AS_OF_SQL = "SELECT max(ranked_at) FROM recurring_voices WHERE industry = $industry"
HISTORY_SQL = """
SELECT person_id, snapshot_date, rank FROM voice_history
WHERE industry = $industry ORDER BY snapshot_date
"""
# A voice's person_id can outlive its row in ``people`` (a name no longer seen, or merged
# into another person): it is then shown by its id rather than left out.
NEWCOMERS_SQL = """SELECT coalesce(name, person_id), rank, first_ranked FROM voice_newcomers
WHERE industry = $industry ORDER BY rank"""
DEPARTED_SQL = """SELECT coalesce(name, person_id || ' (no longer named)'), last_rank,
       last_ranked FROM departed_voices
WHERE industry = $industry ORDER BY last_rank"""
FOCUS_SQL = "SELECT focus FROM industry_focus WHERE industry = $industry"
# The names sites give themselves: their feeds' titles, with where each feed says its site
# is (the project's order, as for a feed entry's site: its link, the listed source, itself).
OUTLETS_SQL = """SELECT coalesce(nullif(site_link, ''), source_url, feed_url), title FROM feeds
WHERE nullif(trim(title), '') IS NOT NULL"""

#: How the ranking orders its voices (``innercircle.ranking``): ties on the score are
#: broken by more sites carrying the voice, then by its id. :data:`TIES` says it to readers.
RANKING_ORDER = "ORDER BY score DESC, distinct_sources DESC, person_id"
#: The score is stored to four decimals; the ranking orders by the unrounded score.
TIES = (
    "“=” before a rank marks a tie: the same score, to four decimals, as the voice next to "
    "it. The ranking still numbers tied voices one by one: by the score’s further decimals, "
    "then by how many sites carry them (more first), then by an internal id, which says "
    "nothing about them."
)

#: The latest piece's column, and how it says the voice's part in the piece.
LATEST = "Latest piece by or about them"
ROLE_WORDS = {"author": "by them", "quoted": "quotes them", "mentioned": "mentions them"}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d2433}
h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.meta{color:#5b6475;margin:0 0 1rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #e3e6ec}
th{background:#f4f6fa;font-weight:600;position:sticky;top:0}td.num{text-align:right;
font-variant-numeric:tabular-nums}.beat{display:inline-block;background:#eef2ff;color:#3730a3;
border-radius:9px;padding:0 .45rem;margin:0 .2rem .2rem 0;font-size:.85em}
a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}
.muted{color:#8a93a5}svg.spark{display:block}ul.plain{padding-left:1.1rem;margin:.2rem 0}
.why{text-align:left;font-size:.8em;color:#5b6475;min-width:13em;max-width:19em;
font-variant-numeric:normal}.role{display:inline-block;font-size:.8em;font-weight:600;
border-radius:4px;padding:0 .35rem;margin-right:.15rem;background:#fef3c7;color:#92400e}
.role.by{background:#dcfce7;color:#166534}.tie{font-weight:600;color:#92400e}
@media (max-width:700px){body{margin:1rem}#voices thead{display:none}
#voices,#voices tbody,#voices tr,#voices td{display:block}
#voices tr{border-bottom:1px solid #c9ced8;padding:.5rem 0}
#voices td{border:0;padding:.15rem 0;text-align:left;overflow-wrap:anywhere}
#voices td::before{content:attr(data-label);display:block;font-size:.75em;font-weight:600;
color:#5b6475}#voices td:nth-child(-n+2){font-weight:600}
#voices td:nth-child(-n+2)::before{content:none}
#voices td:first-child{float:left;margin-right:.35rem}#voices td:first-child::after{content:"."}
#voices td:nth-child(2) small{font-weight:400}.why{min-width:0;max-width:none}}
"""


def sparkline(points: Sequence[tuple[date, int]], worst: int, width: int = 120,
              height: int = 28) -> str:
    """An inline SVG of rank over time (rank 1 at the top); one dot when there is one day."""
    if not points:
        return '<span class="muted">–</span>'
    worst = max(worst, 2)
    days = [(d - points[0][0]).days for d, _ in points]
    span = max(days[-1], 1)

    def xy(day: int, rank: int) -> tuple[float, float]:
        x = 3 + (width - 6) * (day / span if len(points) > 1 else 0.5)
        y = 3 + (height - 6) * (rank - 1) / (worst - 1)
        return round(x, 1), round(y, 1)

    coords = [xy(d, r) for d, (_, r) in zip(days, points, strict=True)]
    title = ", ".join(f"{d.isoformat()}: #{r}" for d, r in points[-10:])
    line = (
        f'<polyline fill="none" stroke="#2563eb" stroke-width="1.5" '
        f'points="{" ".join(f"{x},{y}" for x, y in coords)}"/>' if len(coords) > 1 else ""
    )
    last = coords[-1]
    return (
        f'<svg class="spark" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>rank over time: {escape(title)}</title>{line}"
        f'<circle cx="{last[0]}" cy="{last[1]}" r="2.5" fill="#1d4ed8"/></svg>'
    )


def _link(url: str | None, text: str) -> str:
    """A link for a web address; anything else (``javascript:``, ``data:``: a feed or a
    page may carry them) is shown as text, so the page stays free of script."""
    if not url or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return escape(text)
    return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'


def render(
    industry: str,
    voices: Sequence[Mapping],
    history: Mapping[str, Sequence[tuple[date, int]]],
    newcomers: Sequence[tuple],
    departed: Sequence[tuple],
    focus: str | None,
    generated: datetime,
    ranked_as_of: datetime | None = None,
    outlets: Mapping[str, str] | None = None,
) -> str:
    """The whole page as a string. ``ranked_as_of``: the moment the ranking counts
    evidence up to, said when it is another day than ``generated`` (a ranking of a past
    day, as on the demo's web). ``outlets``: a site's name by its host (see
    :func:`outlet_names`); "Writes for" shows it in place of the host where there is one.

    A column with nothing to say is left out rather than filled with dashes: relevance
    without a focus, rank over time before any voice was ranked twice. On a narrow screen
    (below 700 px) each voice is a card: every cell carries its column's name
    (``data-label``), which the CSS writes above it, so no script is needed."""
    worst = max([r for pts in history.values() for _, r in pts] + [len(voices), 2])
    num = ' class="num"'
    columns = [
        ("#", num), ("Voice", ""), ("Score", num),
        *([("Relevance", num)] if focus else []),
        *([("Rank over time", "")] if _ranked_twice(voices, history) else []),
        ("Beats", ""), (LATEST, ""), ("Writes for", ""),
    ]
    scores = [v["score"] for v in voices]
    ranks = _rank_labels([v["rank"] for v in voices], scores)
    rows = []
    for v, rank, score in zip(voices, ranks, _shown_scores(scores), strict=True):
        cells = _voice_cells(v, history.get(v["person_id"], []), worst, outlets or {})
        cells |= {"#": rank, "Score": score + _why(v.get("reasons"))}
        rows.append(
            f'<tr data-person="{escape(v["person_id"])}">'
            + "".join(f'<td{attrs} data-label="{escape(h)}">{cells[h]}</td>'
                      for h, attrs in columns)
            + "</tr>"
        )
    header = "".join(f"<th>{escape(h)}</th>" for h, _ in columns)
    focus_line = (
        f'<p class="meta">Relevance (0-100) is closeness to the focus “{escape(focus)}”; '
        "it never changes the score.</p>"
        if focus else '<p class="meta">No focus stated for this industry, so no relevance: '
        "give it a <code>focus:</code> in the sources file to see how close each voice is "
        "to your work.</p>"
    )
    scale = (
        f" It has no fixed maximum: here the top voice scores "
        f"{max(v['score'] for v in voices):.2f} and the last {min(v['score'] for v in voices):.2f}"
        "; under each score, what it is made of."
        if voices else ""
    )
    as_of = (
        f", from the evidence published up to {ranked_as_of:%Y-%m-%d}"
        if ranked_as_of is not None and ranked_as_of.date() != generated.date() else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inner circle: {escape(industry)}</title><style>{CSS}</style></head>
<body>
<h1>The {escape(industry)} inner circle</h1>
<p class="meta">{len(voices)} voices, generated {generated:%Y-%m-%d %H:%M} UTC by
innercircle{as_of}.
Score is influence (how often, how widely and by whom a voice is carried).{scale}</p>
{focus_line}
<h2>Newcomers and departures</h2>
{_changes(history, newcomers, departed)}
<h2>Ranked voices</h2>
{_ties_line(scores)}<table id="voices"><thead><tr>{header}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""


def _equal_runs(scores: Sequence[float]) -> list[range]:
    """The positions of ``scores`` (best first) in runs of equal scores, one run each."""
    runs: list[range] = []
    start = 0
    for i in range(1, len(scores) + 1):
        if i == len(scores) or scores[i] != scores[start]:
            runs.append(range(start, i))
            start = i
    return runs


def _rank_labels(ranks: Sequence[int], scores: Sequence[float]) -> list[str]:
    """Each voice's rank as the ranking gave it, with "=" before it when its score equals
    a neighbour's: #63 and #64 on one score look like a verdict the score never gave."""
    labels = [str(rank) for rank in ranks]
    for run in _equal_runs(scores):
        if len(run) < 2:
            continue
        for i in run:
            group = [ranks[j] for j in run if j != i]
            # A long tie (the tail of a small industry) is named by its span, not rank by rank.
            others = (", ".join(f"#{r}" for r in group) if len(group) <= 3
                      else f"{len(group)} others, #{ranks[run[0]]}-#{ranks[run[-1]]}")
            labels[i] = (f'<span class="tie" title="tied with {others}: the same score">'
                         f"=</span>{ranks[i]}")
    return labels


def _shown_scores(scores: Sequence[float]) -> list[str]:
    """Scores to two decimals, or as many more (up to the four stored) as it takes to tell
    a run of equal scores from the scores just above and below it: "2.54" above "2.54"
    reads as a tie that is none. Every voice of a run shows the same figure."""
    shown: list[str] = []
    for run in _equal_runs(scores):
        score = scores[run[0]]
        others = [scores[j] for j in (run[0] - 1, run[-1] + 1) if 0 <= j < len(scores)]
        places = next((p for p in (2, 3) if all(f"{score:.{p}f}" != f"{o:.{p}f}"
                                                 for o in others)), 4)
        shown += [f"{score:.{places}f}"] * len(run)
    return shown


def _ties_line(scores: Sequence[float]) -> str:
    """How ties are ordered, on a page that has one."""
    if any(len(run) > 1 for run in _equal_runs(scores)):
        return f'<p class="meta" id="ties">{escape(TIES)}</p>\n'
    return ""


def _ranked_twice(voices: Sequence[Mapping], history: Mapping[str, Sequence]) -> bool:
    """Has any voice on the page two snapshots or more? Before that the chart is one dot."""
    return any(len(history.get(v["person_id"], [])) > 1 for v in voices)


def _voice_cells(v: Mapping, points: Sequence[tuple[date, int]], worst: int,
                 outlets: Mapping[str, str]) -> dict[str, str]:
    """A voice's row, cell by column header (the page picks the columns it shows), but for
    its rank and score, which depend on its neighbours' (:func:`render` adds them)."""
    latest = (v["latest"] or [None])[0]
    piece = _piece(latest) if latest else '<span class="muted">–</span>'
    links = " ".join(
        _link(u, _short(u)) for u in ([v["homepage"]] if v["homepage"] else [])
        + list(v["profiles"] or [])
    )
    return {
        "Voice": f"{escape(v['name'])}<br><small>{links}</small>",
        "Relevance": "–" if v["relevance"] is None else str(v["relevance"]),
        "Rank over time": (
            sparkline(points, worst) if len(points) > 1
            else '<span class="muted">ranked once</span>'
        ),
        "Beats": "".join(f'<span class="beat">{escape(b)}</span>' for b in v["beats"] or []),
        LATEST: piece,
        # One a line: an outlet's name may hold a comma ("Smith, Jones & Co").
        "Writes for": "<br>".join(_outlet(h, outlets) for h in v["writes_for"] or []),
    }


def _piece(latest: Mapping) -> str:
    """A latest piece, led by whether it is theirs or about them, in words seen at once:
    "Interview: Baccio Ajello on …" is often not by the voice whose row it is in."""
    role = latest["role"]
    label = f'<span class="role{" by" if role == "author" else ""}">' \
        f"{escape(ROLE_WORDS.get(role, role))}</span> "
    day = (f' <span class="muted">({latest["published_at"]:%Y-%m-%d})</span>'
           if latest["published_at"] else "")
    return label + _link(latest["url"], latest["title"] or latest["url"]) + day


def _changes(history: Mapping[str, Sequence[tuple[date, int]]], newcomers: Sequence[tuple],
             departed: Sequence[tuple]) -> str:
    """Newcomers and departures; on the industry's first ranking, that there is nothing to
    compare with yet ("none" and "none" would read as "nothing changed")."""
    if len({d for points in history.values() for d, _ in points}) < 2:
        return ('<p class="meta" id="changes">First run: nothing to compare yet. Newcomers '
                "and departures show from the next run on.</p>")
    new_items = "".join(
        f"<li>{escape(n)} (now #{r}, since {d})</li>" for n, r, d in newcomers
    ) or '<li class="muted">none</li>'
    gone_items = "".join(
        f"<li>{escape(n)} (last #{r} on {d})</li>" for n, r, d in departed
    ) or '<li class="muted">none</li>'
    return f"""<table id="changes"><tr><th>Newcomers</th><th>Departed</th></tr>
<tr><td><ul class="plain">{new_items}</ul></td>
<td><ul class="plain">{gone_items}</ul></td></tr></table>"""


def outlet_names(feeds: Sequence[tuple[str, str]]) -> dict[str, str]:
    """A site's name by its host (``www.`` and case aside), from ``(site, title)`` pairs:
    each feed's title and the address it says its site is at (:data:`OUTLETS_SQL`).

    Only a feed that links to its site's home page names the site: one linking elsewhere
    is a part's (a writer's page on a shared host, "Stories by Jane Doe on Medium", names
    no outlet). Of several titles for one site, the shortest ("Example" over "Example »
    Markets"), then the first in alphabetical order. A host no feed names gets no name:
    the report shows the host rather than a guess."""
    names: dict[str, str] = {}
    for site, title in feeds:
        parts = urlsplit(site.strip())
        name = " ".join(title.split())
        host = site_host(parts.hostname or "")
        if not host or not name or parts.path not in ("", "/"):
            continue
        if host not in names or (len(name), name) < (len(names[host]), names[host]):
            names[host] = name
    return names


def _outlet(host: str, outlets: Mapping[str, str]) -> str:
    """A site a voice writes for, by its name when its feeds give one (the host stays
    a tooltip, to tell apart two sites of one name), else by its host."""
    name = outlets.get(site_host(host))
    if name is None:
        return escape(host)
    return f'<span title="{escape(host, quote=True)}">{escape(name)}</span>'


def _why(reasons: str | None) -> str:
    """The score in words, under the number: "18.70" alone says nothing to a reader."""
    return f'<div class="why">{escape(reasons)}</div>' if reasons else ""


def _short(url: str) -> str:
    text = url.split("://", 1)[-1].rstrip("/")
    return text if len(text) <= 40 else text[:39] + "…"


def write_reports(con, industries: Sequence[str], directory: Path, generated: datetime) -> dict:
    """Write ``<directory>/<industry>.html`` per industry; returns bytes written per industry."""
    directory.mkdir(parents=True, exist_ok=True)
    outlets = outlet_names(con.execute(OUTLETS_SQL).fetchall())
    out = {}
    for industry in industries:
        p = {"industry": industry}
        cur = con.execute(VOICES_SQL, p)
        names = [c[0] for c in cur.description]
        voices = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        history: dict[str, list] = defaultdict(list)
        for person_id, day, rank in con.execute(HISTORY_SQL, p).fetchall():
            history[person_id].append((day, rank))
        focus = con.execute(FOCUS_SQL, p).fetchone()
        page = render(
            industry,
            voices,
            history,
            con.execute(NEWCOMERS_SQL, p).fetchall(),
            con.execute(DEPARTED_SQL, p).fetchall(),
            focus[0] if focus else None,
            generated,
            con.execute(RANKED_AS_OF_SQL, p).fetchone()[0],
            outlets,
        )
        path = directory / f"{industry}.html"
        tmp = path.with_suffix(".html.tmp")
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(path)
        out[industry] = len(page.encode("utf-8"))
    return out
