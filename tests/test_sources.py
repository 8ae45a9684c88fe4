"""The sources file: what users write, and the errors they get when it is wrong."""

from pathlib import Path

import pytest

from innercircle.errors import SourcesFileError
from innercircle.model import Source
from innercircle.sources import load_sources, parse_sources, sources_to_yaml

EXAMPLE = """\
industries:
  fintech:
    feeds:   [https://example.com/feed.xml]
    sites:   [https://blog.example.org/]
    authors: [https://example.com/author/jane/]
  climate:
    feeds:
      - https://example.com/feed.xml
"""


def test_every_kind_is_read_and_a_shared_source_belongs_to_both_industries():
    sources = parse_sources(EXAMPLE)
    assert sources == [
        Source("fintech", "feed", "https://example.com/feed.xml"),
        Source("fintech", "site", "https://blog.example.org/"),
        Source("fintech", "author", "https://example.com/author/jane/"),
        Source("climate", "feed", "https://example.com/feed.xml"),
    ]


def test_round_trip_through_yaml():
    sources = parse_sources(EXAMPLE)
    assert parse_sources(sources_to_yaml(sources)) == sources


def test_duplicates_within_an_industry_are_dropped():
    text = "industries:\n  x:\n    feeds: [https://a.example/f, https://a.example/f]\n"
    assert len(parse_sources(text)) == 1


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("industries:\n  x:\n    feedz: [https://a.example/]\n", 3, "unknown key 'feedz'"),
        ("industries:\n  x:\n    feeds: [ftp://a.example/]\n", 3, "not an http(s) URL"),
        ("industries:\n  x:\n    sites: [blog.example.org/]\n", 3,
         "not an http(s) URL: 'blog.example.org/' (did you mean 'https://blog.example.org/'?)"),
        ("industries:\n  x:\n    feeds: [123]\n", 3, "not an http(s) URL: '123'"),
        # an unclosed IPv6 bracket: urlsplit raises, the user still gets the plain line
        ("industries:\n  x:\n    feeds: ['[::1']\n", 3, "not an http(s) URL: '[::1'"),
        ("industries:\n  x:\n    feeds: ['a]b.example']\n", 3,
         "not an http(s) URL: 'a]b.example'"),
        ("industries:\n  x:\n    feeds: [http://127.0.0.1:99999/good.xml]\n", 3,
         "the port of 'http://127.0.0.1:99999/good.xml' must be a number from 1 to 65535"),
        ("industries:\n  x:\n    sites:\n      - https://a.example/\n"
         "      - http://a.example:abc/\n", 5, "the port of 'http://a.example:abc/' must be"),
        ("industries:\n  x:\n    feeds: ['http://a.example:0/feed']\n", 3, "from 1 to 65535"),
        ("industries:\n  x:\n    feeds: https://a.example/\n", 3, "must be a list of URLs"),
        ("industries:\n  x:\n", 2, "lists no sources"),
        ("foo: 1\n", 1, "missing top-level key 'industries:'"),
        ("industries:\n  x:\n    feeds: [https://a.example/\n", 4, "not valid YAML"),
        ("industries: [a, b]\n", 1, "must be a mapping"),
        ("", 1, "empty"),
    ],
)
def test_a_malformed_file_gets_an_error_naming_the_line(text, line, fragment):
    with pytest.raises(SourcesFileError) as info:
        parse_sources(text, "sources.yaml")
    assert info.value.line == line
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"sources.yaml:{line}:")


def test_a_missing_file_says_which_setting_to_change(tmp_path: Path):
    with pytest.raises(SourcesFileError, match="INNERCIRCLE_SOURCES"):
        load_sources(tmp_path / "nope.yaml")
