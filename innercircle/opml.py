"""OPML import: read a feed reader's subscription list, add its feeds to the sources file.

The sources file is edited as text, not re-dumped, so the user's comments, order and
layout survive. Positions come from PyYAML's node marks; the edited text is parsed again
and compared with the intended result, and only if a layout defeats the text edit is the
file re-serialised: a file without comments is rewritten (content still right), one with
comments is refused with a one-line reason, since the rewrite would silently drop them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import yaml
from lxml import etree

from innercircle.errors import ParseError, SourcesFileError
from innercircle.xml_safety import xml_entity_problem

_PLAIN_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s#,\[\]{}'\"&*!|>%@`]+$")
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_ .-]*$")
_COMMENT = re.compile(r"(?:^|\s)#")


def feeds_from_opml(data: bytes) -> list[tuple[str, str]]:
    """(title, xmlUrl) of every outline that names a feed, nested outlines included.

    Parsed without entity expansion or network access; a DTD with entity tricks is
    refused. Only http(s) feeds are kept (``feed://`` is read as ``http://``), each once.
    Raises :class:`ParseError` when the document is not OPML at all.
    """
    problem = xml_entity_problem(data)
    if problem:
        raise ParseError(f"OPML refused: {problem}")
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(f"not an OPML document: {exc}") from exc
    if root is None or _local(root.tag).lower() != "opml":
        raise ParseError("not an OPML document: the root element is not <opml>")
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for outline in root.iter():
        if _local(outline.tag).lower() != "outline":
            continue
        attrs = {k.lower(): v for k, v in outline.attrib.items() if isinstance(k, str)}
        url = (attrs.get("xmlurl") or "").strip()
        if url.lower().startswith("feed://"):
            url = "http://" + url[len("feed://") :]
        if urlsplit(url).scheme.lower() not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        title = (attrs.get("title") or attrs.get("text") or "").strip()
        found.append((title, url))
    return found


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _scalar(value: str) -> str:
    """A YAML scalar for a URL: plain when safe, double-quoted (JSON) otherwise."""
    return value if _PLAIN_URL.match(value) else json.dumps(value)


def _key(value: str) -> str:
    return value if _PLAIN_KEY.match(value) and value.strip() == value else json.dumps(value)


def _mapping_get(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and str(k.value).strip() == key:
            return k, v
    return None


def _last_leaf(node: yaml.Node) -> yaml.Node:
    """The last scalar inside ``node``: where its text really ends (block collections'
    own end marks point at the *next* token, past blank lines and comments)."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def _insert_lines(lines: list[str], after_node: yaml.Node, new: list[str]) -> None:
    """Insert ``new`` lines right after the last line ``after_node`` occupies."""
    leaf = _last_leaf(after_node)
    end = leaf.end_mark
    at = end.line if end.column == 0 and end.line > leaf.start_mark.line else end.line + 1
    lines[at:at] = new


def _expected(data: Any, industry: str, urls: list[str]) -> tuple[Any, list[str]]:
    """The intended parsed result, and the URLs that are actually new."""
    data = data if isinstance(data, dict) else {}
    industries = data.setdefault("industries", {}) or {}
    data["industries"] = industries
    entry = industries.get(industry) or {}
    industries[industry] = entry
    existing = [u for u in (entry.get("feeds") or []) if isinstance(u, str)]
    new = [u for u in urls if u not in existing]
    entry["feeds"] = list(entry.get("feeds") or []) + new
    return data, new


def merge_feeds_into_sources(
    yaml_text: str,
    industry: str,
    urls: list[str],
    notes: Mapping[str, str] | None = None,
    where: str = "<sources>",
) -> str:
    """``yaml_text`` with ``urls`` added to ``industries.<industry>.feeds``.

    Everything already there is kept, comments included; URLs already listed for that
    industry are not added twice. ``notes`` gives a one-line comment written after a new
    URL (``- url  # note``; block lists only). Raises SourcesFileError (naming ``where``)
    when ``yaml_text`` is not valid YAML, or when its layout there (flow style, ``{...}``)
    could only be rewritten and it has comments the rewrite would lose.
    """
    industry = industry.strip()
    if not industry:
        raise ValueError("industry name must not be empty")
    clean: list[str] = []
    for u in urls:
        u = u.strip()
        if u and u not in clean:
            clean.append(u)
    try:
        original = yaml.safe_load(yaml_text) if yaml_text.strip() else None
        root = yaml.compose(yaml_text, Loader=yaml.SafeLoader) if yaml_text.strip() else None
    except yaml.YAMLError as exc:
        raise SourcesFileError(where, f"not valid YAML: {exc}") from exc
    if original is not None and not isinstance(original, dict):
        raise SourcesFileError(where, "the top level must be a mapping with 'industries:'")
    expected, new = _expected(json.loads(json.dumps(original or {}, default=str)), industry, clean)
    if not new:
        return yaml_text
    try:
        text = _edit(yaml_text, root, industry, new, notes or {})
        if text is not None and yaml.safe_load(text) == expected:
            return text
    except (yaml.YAMLError, IndexError, AttributeError):
        pass
    if any(_COMMENT.search(line) for line in yaml_text.splitlines()):
        raise SourcesFileError(where, (
            f"cannot add to {industry!r} without rewriting the file and losing its comments "
            "(a flow-style {...} or [...] layout there); write that industry's lists as "
            "block lists ('- url' lines) and try again"))
    return yaml.safe_dump(expected, sort_keys=False, allow_unicode=True, default_flow_style=False)


def _edit(
    text: str, root: yaml.Node | None, industry: str, new: list[str], notes: Mapping[str, str]
) -> str | None:
    """Text-level insertion; None when the layout is one this does not handle."""
    lines = text.splitlines(keepends=False)
    trailing_newline = text.endswith("\n") or not text
    items = [_scalar(u) + _note(notes.get(u)) for u in new]
    if root is None or not isinstance(root, yaml.MappingNode) or root.flow_style:
        if root is not None:
            return None
        block = ["industries:", f"  {_key(industry)}:", "    feeds:"]
        block += [f"      - {s}" for s in items]
        lines += block
        return "\n".join(lines) + "\n"
    found = _mapping_get(root, "industries")
    if found is None:
        block = ["industries:", f"  {_key(industry)}:", "    feeds:"]
        block += [f"      - {s}" for s in items]
        _insert_lines(lines, root, block)
    else:
        ind_key, industries = found
        if isinstance(industries, yaml.ScalarNode) and industries.value in ("", "~", "null"):
            base = ind_key.start_mark.column + 2
            block = [" " * base + f"{_key(industry)}:", " " * (base + 2) + "feeds:"]
            block += [" " * (base + 4) + f"- {s}" for s in items]
            lines[ind_key.start_mark.line + 1 : ind_key.start_mark.line + 1] = block
        elif not isinstance(industries, yaml.MappingNode) or industries.flow_style:
            return None
        else:
            col = industries.value[0][0].start_mark.column if industries.value else 2
            hit = _mapping_get(industries, industry)
            if hit is None:
                block = [" " * col + f"{_key(industry)}:", " " * (col + 2) + "feeds:"]
                block += [" " * (col + 4) + f"- {s}" for s in items]
                _insert_lines(lines, industries, block)
            else:
                key_node, body = hit
                if not _edit_industry(lines, key_node, body, items):
                    return None
    out = "\n".join(lines)
    return out + "\n" if trailing_newline else out


def _edit_industry(lines: list[str], key_node: yaml.Node, body: yaml.Node, items: list[str]
                   ) -> bool:
    col = key_node.start_mark.column
    if isinstance(body, yaml.ScalarNode) and body.value in ("", "~", "null"):
        if body.value:  # an explicit null on the key's line cannot be kept
            return False
        block = [" " * (col + 2) + "feeds:"] + [" " * (col + 4) + f"- {s}" for s in items]
        lines[key_node.start_mark.line + 1 : key_node.start_mark.line + 1] = block
        return True
    if not isinstance(body, yaml.MappingNode) or body.flow_style or not body.value:
        return False
    inner = body.value[0][0].start_mark.column
    hit = _mapping_get(body, "feeds")
    if hit is None:
        block = [" " * inner + "feeds:"] + [" " * (inner + 2) + f"- {s}" for s in items]
        _insert_lines(lines, body, block)
        return True
    feeds_key, feeds = hit
    if isinstance(feeds, yaml.SequenceNode) and not feeds.flow_style and feeds.value:
        dash_col = feeds.start_mark.column
        _insert_lines(lines, feeds, [" " * dash_col + f"- {s}" for s in items])
        return True
    if isinstance(feeds, yaml.SequenceNode) and feeds.flow_style:
        line_no = feeds.start_mark.line
        if feeds.end_mark.line != line_no or feeds_key.start_mark.line != line_no:
            return False
        line = lines[line_no]
        head, tail = line[: feeds.start_mark.column], line[feeds.end_mark.column :]
        if any(_note_of(s) for s in items):
            # A flow list keeps no per-item comment, and an accepted source's dated note
            # is the only record of why it was added: the list becomes a block list.
            dash = " " * (feeds_key.start_mark.column + 2)
            kept = [dash + "- " + _scalar(str(n.value)) for n in feeds.value]
            lines[line_no : line_no + 1] = [head.rstrip() + tail, *kept,
                                            *(dash + "- " + s for s in items)]
            return True
        existing = [json.dumps(str(n.value)) for n in feeds.value]
        flow = "[" + ", ".join(existing + [json.dumps(u) for u in _unscalar(items)]) + "]"
        lines[line_no] = head + flow + tail
        return True
    if isinstance(feeds, yaml.ScalarNode) and feeds.value == "" and not feeds.tag.endswith("str"):
        block = [" " * (inner + 2) + f"- {s}" for s in items]
        lines[feeds_key.start_mark.line + 1 : feeds_key.start_mark.line + 1] = block
        return True
    return False


def _note(note: str | None) -> str:
    """A trailing YAML comment, on one line."""
    return f"  # {' '.join(note.split())}" if note and note.strip() else ""


def _note_of(item: str) -> str:
    """The trailing note :func:`_note` put on a list item, "" when none."""
    return item.split("  # ", 1)[1] if "  # " in item else ""


def _unscalar(items: list[str]) -> list[str]:
    items = [s.split("  # ", 1)[0] for s in items]  # a flow list keeps no per-item comment
    return [json.loads(s) if s.startswith('"') else s for s in items]
