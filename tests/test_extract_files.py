"""extract_files: pages and feeds, plain or gzipped, errors as records."""

import gzip
from pathlib import Path

from innercircle.extract.files import extract_files, sniff_kind

PAGE = """<!doctype html><html><head><meta name="author" content="Jane Doe"></head>
<body><article><p>Jane Doe interviewed Barack Obama in Chicago last week.</p></article>
</body></html>"""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Example</title><link>https://example.com/</link>
<managingEditor>owner@example.com (Feed Owner)</managingEditor>
<item><title>One</title><link>https://example.com/1</link>
<dc:creator>Ann Lee and Bob Ray</dc:creator></item>
<item><title>Two</title><link>https://example.com/2</link></item>
</channel></rss>"""


class FakeFinder:
    """Stands in for spaCy: one call per batch, names = capitalised word pairs."""

    def __init__(self):
        self.calls = 0

    def find_people(self, texts, languages=None):
        from innercircle.model import PersonMention

        self.calls += 1
        return [[PersonMention(name="Barack Obama", surface="Barack Obama", start=0, end=1,
                               sentence=t[:20])] if "Obama" in t else [] for t in texts]


def test_pages_feeds_gzip_and_errors(tmp_path: Path):
    (tmp_path / "a.html").write_text(PAGE)
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (tmp_path / "feed.xml").write_text(RSS)
    (tmp_path / "feed.gz").write_bytes(gzip.compress(RSS.encode()))
    (tmp_path / "broken.gz").write_bytes(b"\x1f\x8b not really gzip")
    files = [tmp_path / n for n in ("a.html", "feed.xml", "b.html.gz", "missing.html",
                                    "feed.gz", "broken.gz")]
    finder = FakeFinder()
    records = list(extract_files(files, finder))
    assert [r["kind"] for r in records] == ["page", "feed", "page", "error", "feed", "error"]
    assert [r["file"] for r in records] == [str(f) for f in files]
    assert records[0]["authors"] == ["Jane Doe"]
    assert records[0]["people"] == ["Barack Obama"]
    assert records[2]["people"] == ["Barack Obama"]
    entries = records[1]["entries"]
    assert entries[0]["url"] == "https://example.com/1"
    assert entries[0]["authors"] == ["Ann Lee", "Bob Ray"]
    assert entries[1]["authors"] == ["Feed Owner"]  # feed-level author stands in
    assert records[4] == {**records[1], "file": str(files[4])}
    assert "error" in records[3] and "error" in records[5]


def test_without_finder_people_are_not_looked_for(tmp_path: Path):
    (tmp_path / "a.html").write_text(PAGE)
    [record] = extract_files([tmp_path / "a.html"], None)
    assert "people" not in record and record["authors"] == ["Jane Doe"]  # not "none found"


def test_sniff_kind():
    assert sniff_kind(RSS.encode()) == "feed"
    assert sniff_kind(b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>') == "feed"
    assert sniff_kind(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}') == "feed"
    assert sniff_kind(PAGE.encode()) == "page"
