"""The shared real article pages replayed as a web on loopback, for whole-pipeline runs.

The extractor benchmarks (``authors.py``) call the page extractor directly; this module
lets the *whole* pipeline (feeds, crawl, extraction, NER, resolution, ranking) run on
real pages, so what a user would see in ``recurring_voices`` can be measured.

How the replay is built (pure stdlib; the data is read from ``shared/eval`` at run time,
never copied):

- **Sites.** Each page's capture ``url`` gives its site (the URL's host). Every site is
  served on its own loopback address (``127.0.0.2`` …, continuing into ``127.0.1.x`` past
  253 sites), all on one port, so per-host politeness and "distinct sources" behave as on
  the real web. A page without a usable URL becomes a site of its own
  (``nourl-<hash>.invalid``), since we cannot know which site it came from.
- **Pages** are served at their original path and query, byte for byte (the stored gzip is
  sent as ``Content-Encoding: gzip``), as ``text/html`` with no charset, so the crawler
  decodes them as it would an unhelpful real server's.
- **Feeds.** Each site gets an RSS 2.0 feed at :data:`FEED_PATH` listing its pages with
  title and date but *no author fields*, so every byline must come from the page itself.
- **Industries** are language groups (:func:`language_group`): ``en``, ``de`` and
  ``other``, one industry each, so the ranking is measured per language.
- **Scoring** maps a served URL back to its page (:meth:`ReplayWeb.page_for`).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import re
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

import yaml

from innercircle.loopback import AddressServer, MultiHostServer

FEED_PATH = "/__replay__/feed.xml"  # a path no captured page uses
GROUPS = ("en", "de", "other")

_HTML_LANG = re.compile(rb"<html\b[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.I)
# ``lang_or_region`` mixes language codes and regions; only the unambiguous ones are used.
_FIELD_GROUP = {
    "de": "de", "at": "de", "ch": "de",
    "en": "en", "en-us": "en", "uk": "en", "us": "en", "au": "en", "ca": "en", "za": "en",
}
_TLD_GROUP = {"de": "de", "at": "de"}


def language_group(html: bytes, lang_or_region: str, host: str) -> str:
    """``en``, ``de`` or ``other``: a crude rule, stated so the figures can be read.

    1. the page's own ``<html lang="…">`` (primary subtag), when it declares one;
    2. else the data's ``lang_or_region`` field where it clearly means a language group
       (DE/AT/CH -> de; en/UK/US/AU/CA/ZA -> en);
    3. else the host's top-level domain (.de/.at -> de);
    4. else ``other``.
    """
    match = _HTML_LANG.search(html[:20000]) or _HTML_LANG.search(html)
    if match:
        lang = match.group(1).decode("ascii").lower()
        return lang if lang in ("en", "de") else "other"
    group = _FIELD_GROUP.get((lang_or_region or "").strip().lower())
    if group:
        return group
    return _TLD_GROUP.get(host.rsplit(".", 1)[-1], "other")


def page_key(path_and_query: str) -> str:
    """How a request matches a page: percent-decoding undone, so ``%C3%BC`` and ``ü`` (as
    different clients encode a path) find the same page."""
    parts = urlsplit(path_and_query)
    key = unquote(parts.path or "/")
    return key + ("?" + unquote(parts.query) if parts.query else "")


@dataclass
class ReplayPage:
    """One shared page and where the replay serves it."""

    local_file: str
    original_url: str  # the capture URL ('' when the data has none)
    site: str  # the original host, or ``nourl-<hash>.invalid``
    path: str  # path and query, as served
    group: str  # language group: the industry it is ranked in
    title: str
    date: datetime | None
    expected_authors: list[str]
    has_author: bool
    source: str
    body_gzip: bytes
    address: str = ""  # the loopback address of its site, set by ReplayWeb

    def served_url(self, port: int) -> str:
        return f"http://{self.address}:{port}{self.path}"


def _address(index: int) -> str:
    """The ``index``-th site address: 127.0.0.2..254, then 127.0.1.2.., skipping .0/.1/.255."""
    third, fourth = divmod(index, 253)
    return f"127.0.{third}.{fourth + 2}"


def _date(value: str | None) -> datetime | None:
    try:
        return datetime.strptime((value or "")[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _site_and_path(url: str, local_file: str) -> tuple[str, str]:
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if not host:
        stem = hashlib.sha256(local_file.encode("utf-8")).hexdigest()[:10]
        return f"nourl-{stem}.invalid", "/" + Path(local_file).name.removesuffix(".gz")
    path = parts.path or "/"
    return host, path + ("?" + parts.query if parts.query else "")


def slice_key(local_file: str) -> str:
    """Order for taking a fixed slice: sha256 of ``local_file`` (independent of the file
    order, and of the tune/test half, which uses only the first byte)."""
    return hashlib.sha256(local_file.encode("utf-8")).hexdigest()


def load_pages(eval_dir: Path, limit: int | None = None) -> list[ReplayPage]:
    """The pages of ``articles/authors.jsonl``; with ``limit``, the first ``limit`` by
    :func:`slice_key`. Duplicate (site, path) pairs keep the first page only."""
    eval_dir = Path(eval_dir)
    rows = [json.loads(line) for line in
            (eval_dir / "articles" / "authors.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows.sort(key=lambda r: slice_key(r["local_file"]))
    if limit is not None:
        rows = rows[:limit]
    pages: list[ReplayPage] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        body = (eval_dir / row["local_file"]).read_bytes()
        site, path = _site_and_path((row.get("url") or "").strip(), row["local_file"])
        if (site, page_key(path)) in seen:
            continue
        seen.add((site, page_key(path)))
        pages.append(ReplayPage(
            local_file=row["local_file"],
            original_url=(row.get("url") or "").strip(),
            site=site,
            path=path,
            group=language_group(gzip.decompress(body), row.get("lang_or_region") or "", site),
            title=row.get("title") or "",
            date=_date(row.get("date")),
            expected_authors=list(row.get("expected_authors") or []),
            has_author=bool(row.get("has_author")),
            source=row.get("source") or "",
            body_gzip=body,
        ))
    return pages


@dataclass(eq=False)
class _Resource:
    content_type: str
    body_gzip: bytes
    last_modified: datetime


class ReplayWeb:
    """Pages grouped into sites, each site with an address, a feed and an industry."""

    def __init__(self, pages: list[ReplayPage]) -> None:
        self.pages = pages
        self.sites: dict[str, list[ReplayPage]] = {}
        for page in pages:
            self.sites.setdefault(page.site, []).append(page)
        self.address = {site: _address(i) for i, site in enumerate(sorted(self.sites))}
        for page in pages:
            page.address = self.address[page.site]
        self._by_key = {(p.address, page_key(p.path)): p for p in pages}

    def site_group(self, site: str) -> str:
        """A site's industry: the language group most of its pages are in (ties: first)."""
        groups = [p.group for p in self.sites[site]]
        return max(GROUPS, key=lambda g: (groups.count(g), -GROUPS.index(g)))

    def page_for(self, url: str) -> ReplayPage | None:
        """The shared page behind a served URL (as stored in ``documents.url``)."""
        parts = urlsplit(url)
        rest = parts.path + ("?" + parts.query if parts.query else "")
        return self._by_key.get(((parts.hostname or "").lower(), page_key(rest)))

    def feed(self, site: str, port: int) -> bytes:
        """An RSS 2.0 feed of the site's pages: titles, links and dates, no authors."""
        items = []
        for page in self.sites[site]:
            url = escape(page.served_url(port))
            date = f"<pubDate>{format_datetime(page.date, usegmt=True)}</pubDate>" \
                if page.date else ""
            items.append(f"<item><title>{escape(page.title)}</title><link>{url}</link>"
                         f"<guid isPermaLink=\"true\">{url}</guid>{date}</item>")
        base = f"http://{self.address[site]}:{port}/"
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(site)}</title><link>{escape(base)}</link>"
            f"<description>replay of {escape(site)}</description>{''.join(items)}"
            "</channel></rss>\n"
        ).encode()

    def resources(self, port: int) -> dict[str, dict[str, _Resource]]:
        """What each address serves, keyed by :func:`page_key`."""
        epoch = datetime(2000, 1, 1, tzinfo=UTC)
        out: dict[str, dict[str, _Resource]] = {}
        for site, pages in self.sites.items():
            served = out.setdefault(self.address[site], {})
            for page in pages:
                served[page_key(page.path)] = _Resource("text/html", page.body_gzip,
                                                        page.date or epoch)
            served[FEED_PATH] = _Resource("application/rss+xml; charset=utf-8",
                                          gzip.compress(self.feed(site, port), mtime=0), epoch)
        return out

    def sources(self, port: int) -> dict:
        """The sources-file structure: one industry per language group, site feeds listed."""
        industries: dict[str, dict[str, list[str]]] = {}
        for site in sorted(self.sites):
            feed = f"http://{self.address[site]}:{port}{FEED_PATH}"
            industries.setdefault(self.site_group(site), {"feeds": []})["feeds"].append(feed)
        return {"industries": {g: industries[g] for g in GROUPS if g in industries}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "innercircle-replay/1"
    timeout = 30
    disable_nagle_algorithm = True
    server: _SiteServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        key = page_key(self.path)
        found = self.server.resources.get(key)
        if found is None:
            body, status, headers = b"not found", 404, {"Content-Type": "text/plain"}
        else:
            status = 200
            headers = {"Content-Type": found.content_type,
                       "Last-Modified": format_datetime(found.last_modified, usegmt=True)}
            body = found.body_gzip
            if "gzip" in (self.headers.get("Accept-Encoding") or "").lower():
                headers["Content-Encoding"] = "gzip"
            else:
                body = gzip.decompress(body)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)
        self.server.counter.add(self.server.server_address[0], key, status)


class _SiteServer(AddressServer):
    """One site's address, its resources and the shared request counter."""

    thread_prefix = "replay"

    def __init__(self, address: str, port: int, counter: _Counter) -> None:
        self.resources: dict[str, _Resource] = {}
        self.counter = counter
        super().__init__(address, port, _Handler)


class _Counter:
    """Requests per (address, page key, status), to check that every page was fetched."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: dict[tuple[str, str, int], int] = {}

    def add(self, address: str, key: str, status: int) -> None:
        with self.lock:
            self.hits[(address, key, status)] = self.hits.get((address, key, status), 0) + 1


class ReplayServer(MultiHostServer[_SiteServer]):
    """The replay web, listening; a context manager. One accept thread for every address."""

    def __init__(self, web: ReplayWeb, port: int = 0) -> None:
        self.web = web
        self.counter = _Counter()
        super().__init__(sorted(set(web.address.values())), port,
                         lambda address, chosen: _SiteServer(address, chosen, self.counter),
                         "replay")
        resources = web.resources(self.port)
        for srv in self._servers:
            srv.resources = resources[srv.server_address[0]]
        self.start()

    def write_sources(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(self.web.sources(self.port), sort_keys=False),
                        encoding="utf-8")
        return path

    def pages_served(self) -> list[ReplayPage]:
        """The pages answered at least once with 200 (feeds not counted)."""
        with self.counter.lock:
            ok = {(a, k) for (a, k, status) in self.counter.hits if status == 200}
        return [p for p in self.web.pages if (p.address, page_key(p.path)) in ok]

    def not_found(self) -> list[str]:
        """Requests answered 404, as ``address path``: links the crawler made up or mangled."""
        with self.counter.lock:
            return sorted(f"{a} {k}" for (a, k, status) in self.counter.hits if status == 404)


# ------------------------------------------------------------------ running and scoring


@dataclass
class PipelineRun:
    """One ``innercircle run`` on the replay: its exit, cost and warehouse."""

    returncode: int
    wall_s: float
    peak_rss_mb: float | None  # of the child process, from /usr/bin/time (None without it)
    warehouse: Path
    stderr: str
    rss_by_stage: dict[str, float] = field(default_factory=dict)  # peak MB while each ran
    # the largest single process (the main one or a NER worker) while each stage ran, MB
    largest_by_stage: dict[str, float] = field(default_factory=dict)


def run_pipeline(server: ReplayServer, workdir: Path, timeout: float = 3600,
                 extra_env: dict[str, str] | None = None,
                 sample_every: float = 0.5) -> PipelineRun:
    """Run the installed ``innercircle run`` once on the served replay, in ``workdir``.

    The child's peak RSS comes from ``/usr/bin/time -f %M`` (kilobytes), which measures
    that one command; ``getrusage(RUSAGE_CHILDREN)`` would mix in every earlier child.
    Every ``sample_every`` seconds the resident memory of the child and its processes is
    read from /proc and kept as the peak per pipeline stage (the stage its progress lines
    last named; ``after <stage>`` once that stage's last line is read, which covers the
    steps that print no progress, e.g. ranking and profiles after ``mentions``): summed
    over the process tree, and of its largest single process, the figure ``%M`` measures.
    """
    import os
    import shutil
    import sys
    import time

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "INNERCIRCLE_SOURCES": str(server.write_sources(workdir / "sources.yaml")),
        "INNERCIRCLE_WAREHOUSE": str(workdir / "innercircle.duckdb"),
        "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
        "INNERCIRCLE_HOST_RATE": "1000",  # our own loopback server: no politeness delay
        **(extra_env or {}),
    }
    env.pop("DAGSTER_HOME", None)
    exe = Path(sys.executable).with_name("innercircle")
    timer = shutil.which("time", path="/usr/bin")
    rss_file = workdir / "peak_rss_kb.txt"
    cmd = [str(exe), "run"]
    if timer:
        cmd = [timer, "-q", "-f", "%M", "-o", str(rss_file), *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    lines: list[str] = []
    stage = ["startup"]
    reader = threading.Thread(target=_read_progress, args=(proc, lines, stage), daemon=True)
    reader.start()
    by_stage: dict[str, float] = {}
    largest: dict[str, float] = {}
    while proc.poll() is None:
        if time.perf_counter() - start > timeout:
            proc.kill()
            break
        rss = process_rss_mb(proc.pid)
        now = stage[0]
        by_stage[now] = max(by_stage.get(now, 0.0), sum(rss.values()))
        largest[now] = max(largest.get(now, 0.0), max(rss.values(), default=0.0))
        time.sleep(sample_every)
    proc.wait()
    reader.join(timeout=5)
    wall = time.perf_counter() - start
    peak = None
    if timer and rss_file.exists():
        with contextlib.suppress(ValueError, IndexError):
            peak = int(rss_file.read_text().split()[-1]) / 1024
    return PipelineRun(proc.returncode, wall, peak, workdir / "innercircle.duckdb",
                       "".join(lines), by_stage, largest)


def _read_progress(proc: subprocess.Popen, lines: list[str], stage: list[str]) -> None:
    """Keep the child's stderr, and the stage its progress lines name."""
    assert proc.stderr is not None
    for line in proc.stderr:
        lines.append(line)
        stage[0] = stage_of(line, stage[0])


def stage_of(line: str, current: str) -> str:
    """The stage running after ``line`` of ``innercircle run``'s stderr: the one a progress
    line (``stage [tag] done/total errors…``) names, ``after <stage>`` once it is done;
    ``current`` for any other line."""
    words = line.split()
    for word in words[1:]:
        done, slash, total = word.partition("/")
        if slash and done.isdigit() and total.isdigit():
            finished = int(total) > 0 and int(done) >= int(total)
            return f"after {words[0]}" if finished else words[0]
    return current


def process_rss_mb(pid: int) -> dict[int, float]:
    """Resident memory (MB) of a process and of each of its descendants now, from /proc
    (empty once it is gone)."""
    found: dict[int, float] = {}
    todo = [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found[current] = int(line.split()[1]) / 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return found


def byline_scores(web: ReplayWeb, bylines: dict[str, list[str]]) -> dict[str, dict]:
    """Bylines stored by the pipeline against the expected authors, per half and overall.

    ``bylines`` maps ``documents.url`` to ``documents.byline``; a page with no document
    counts as an empty byline. Names are compared exactly as in
    :mod:`innercircle.evaluation.authors` (same keys, same penalty on author-less pages),
    on the gold sources and on all pages, for the tuning half, the test half and both.
    """
    from innercircle.evaluation.authors import GOLD_SOURCES, Score, name_keys, no_one_to_find
    from innercircle.evaluation.split import half_of

    by_page: dict[str, list[str]] = {}
    for url, names in bylines.items():
        page = web.page_for(url)
        if page is not None:
            by_page[page.local_file] = list(names or [])
    scores = {f"{half}/{kind}": Score() for half in ("tune", "test", "all")
              for kind in ("gold", "all")}
    skipped = 0
    for page in web.pages:
        expected = name_keys(page.expected_authors, expected=True)
        predicted = name_keys(by_page.get(page.local_file, []))
        if no_one_to_find(expected, page.has_author):
            skipped += 1
            continue
        for half in (half_of(page.local_file), "all"):
            scores[f"{half}/all"].add(expected, predicted, page.has_author)
            if page.source in GOLD_SOURCES:
                scores[f"{half}/gold"].add(expected, predicted, page.has_author)
    pages = {name: 0 for name in scores}
    for page in web.pages:
        for half in (half_of(page.local_file), "all"):
            pages[f"{half}/all"] += 1
            pages[f"{half}/gold"] += page.source in GOLD_SOURCES
    out: dict[str, dict] = {name: {**s.figures(), "pages": pages[name]}
                            for name, s in scores.items()}
    out["documents_matched"] = {"pages": len(web.pages), "with_document": len(by_page)}
    out["pages_skipped_no_expected_name"] = {"pages": skipped}
    return out


def quantiles(values: list[int]) -> dict[str, float]:
    """Median, 99th percentile (nearest rank) and max of text lengths in characters."""
    if not values:
        return {"n": 0, "median": 0, "p99": 0, "max": 0}
    ordered = sorted(values)
    n = len(ordered)
    median = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
    p99 = ordered[min(n - 1, max(0, -(-99 * n // 100) - 1))]
    return {"n": n, "median": median, "p99": p99, "max": ordered[-1]}


LABELS = ("person", "not_person", "fragment")


def load_labels(path: Path) -> dict[str, str]:
    """``name -> label`` from a TSV with a header ``name<TAB>label``; labels in LABELS."""
    labels: dict[str, str] = {}
    path = Path(path)
    if not path.exists():
        return labels
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if i == 0 or not line.strip() or line.startswith("#"):
            continue
        name, label = line.split("\t")[:2]
        if label not in LABELS:
            raise ValueError(f"{path}:{i + 1}: label {label!r} not in {LABELS}")
        labels[name] = label
    return labels


def non_person_share(top: list[dict], labels: dict[str, str]) -> dict[str, float | int]:
    """Of one group's top voices: how many are labelled not a person or a fragment.

    The share is over the labelled names; unlabelled names are counted, never guessed.
    """
    counted = [labels.get(v["name"]) for v in top]
    labelled = [c for c in counted if c]
    bad = sum(c in ("not_person", "fragment") for c in labelled)
    return {
        "top": len(top),
        "labelled": len(labelled),
        "unlabelled": len(counted) - len(labelled),
        "not_person": sum(c == "not_person" for c in labelled),
        "fragment": sum(c == "fragment" for c in labelled),
        "non_person_share": round(bad / len(labelled), 3) if labelled else 0.0,
    }
