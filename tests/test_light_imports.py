"""Checking a sources file and importing OPML stay light: they load none of the crawl,
the warehouse or the feed parser (a fresh interpreter says what was imported)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEAVY = ("duckdb", "httpx", "pyarrow", "feedparser", "bs4", "dagster", "spacy",
         "innercircle.fetch", "innercircle.stages.crawl_kinds")

SCRIPT = """
import json, sys
from innercircle.opml import feeds_from_opml, merge_feeds_into_sources
from innercircle.sources import parse_sources
opml = b'<opml version="2.0"><body><outline xmlUrl="https://b.example/rss"/></body></opml>'
text = "# mine\\nindustries:\\n  x:\\n    feeds:\\n      - https://a.example/feed\\n"
merged = merge_feeds_into_sources(text, "x", [u for _, u in feeds_from_opml(opml)])
print(json.dumps([[s.url for s in parse_sources(merged)], sorted(sys.modules)]))
"""


def test_checking_sources_and_importing_opml_load_no_crawl_warehouse_or_feed_parser():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                          text=True, check=True, env={"PYTHONPATH": str(ROOT)})
    urls, modules = json.loads(done.stdout)
    assert urls == ["https://a.example/feed", "https://b.example/rss"]
    loaded = [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert loaded == []


WORKER = """
import json, sys
from innercircle.stages.early_reader import warm
warm()
print(json.dumps(sorted(sys.modules)))
"""


def test_the_crawls_early_page_reader_loads_the_readers_and_none_of_the_crawl():
    done = subprocess.run([sys.executable, "-c", WORKER], cwd=ROOT, capture_output=True,
                          text=True, check=True, env={"PYTHONPATH": str(ROOT)})
    modules = json.loads(done.stdout)
    assert "trafilatura" in modules and "innercircle.extract.page" in modules
    heavy = (*HEAVY, "upath", "fsspec", "innercircle.stages.crawl", "innercircle.lake")
    loaded = [m for m in modules if any(m == h or m.startswith(h + ".") for h in heavy)]
    assert loaded == []


def test_profiles_read_spacys_stop_words_without_importing_spacy():
    script = ("import json, sys\nfrom innercircle import profiles\n"
              "print(json.dumps([sorted(profiles.stop_words('en')),\n"
              "                  sorted(profiles.stop_words('fr')), sorted(sys.modules)]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True, env={"PYTHONPATH": str(ROOT)})
    english, french, modules = json.loads(done.stdout)
    assert not [m for m in modules if m == "spacy" or m.startswith("spacy.")]
    from spacy.lang.en.stop_words import STOP_WORDS
    from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH

    plain = {w.replace("’", "'") for w in STOP_WORDS}  # one apostrophe, as in tokens
    assert plain <= set(english) and plain | {w.replace("’", "'") for w in FRENCH} <= set(french)
    assert "les" in french and "les" not in english
