"""Read and validate the sources file: which feeds, sites and author pages each industry reads.

Validation walks the YAML node tree rather than the loaded dict so every error can name
the line a user has to fix.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import SplitResult, urlsplit

import yaml

from innercircle.errors import SourcesFileError
from innercircle.model import Source


def source_kinds() -> dict[str, str]:
    """The file's keys and the ``sources.kind`` each is stored as (``feeds`` -> ``feed``),
    from every registered source kind (``innercircle.stages.kinds``)."""
    from innercircle.stages.kinds import source_keys

    return source_keys()


FOCUS_KEY = "focus"  # optional: a few phrases or a paragraph about the user's own solution


def load_sources(path: Path | str) -> list[Source]:
    """Return every (industry, kind, url) the file lists, in file order, without duplicates."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesFileError(
            str(path), "sources file not found (set INNERCIRCLE_SOURCES to point at yours)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesFileError(str(path), f"cannot read sources file: {exc}") from exc
    return parse_sources(text, str(path))


def parse_sources(text: str, name: str = "<sources>") -> list[Source]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise SourcesFileError(name, f"not valid YAML: {exc.problem}", line) from exc
    except yaml.YAMLError as exc:
        raise SourcesFileError(name, f"not valid YAML: {exc}") from exc
    if root is None:
        raise SourcesFileError(name, "the file is empty; expected a top-level 'industries:' key", 1)
    industries = _mapping_value(root, "industries", name, "the top level")
    if industries is None:
        raise SourcesFileError(name, "missing top-level key 'industries:'", _line(root))
    if not isinstance(industries, yaml.MappingNode):
        raise SourcesFileError(
            name,
            "'industries' must be a mapping of industry name to its sources",
            _line(industries),
        )
    sources: list[Source] = []
    seen: set[Source] = set()
    kinds = source_kinds()
    expected = _either(list(kinds))
    for key_node, value_node in industries.value:
        industry = str(key_node.value).strip()
        if not isinstance(key_node, yaml.ScalarNode) or not industry:
            raise SourcesFileError(
                name, "an industry name must be a non-empty string", _line(key_node)
            )
        if isinstance(value_node, yaml.ScalarNode) and value_node.value in ("", "~", "null"):
            raise SourcesFileError(
                name,
                f"industry {industry!r} lists no sources (give {expected})",
                _line(key_node),
            )
        if not isinstance(value_node, yaml.MappingNode):
            raise SourcesFileError(
                name,
                f"industry {industry!r} must map {_either([repr(k) for k in kinds])} to lists",
                _line(value_node),
            )
        for kind_node, urls_node in value_node.value:
            kind_key = str(kind_node.value)
            if kind_key == FOCUS_KEY:
                _focus_text(urls_node, industry, name)  # validated here, read by parse_focus
                continue
            if kind_key not in kinds:
                raise SourcesFileError(
                    name,
                    f"unknown key {kind_key!r} under industry {industry!r} "
                    f"(expected {_either([*kinds, FOCUS_KEY])})",
                    _line(kind_node),
                )
            if isinstance(urls_node, yaml.ScalarNode) and urls_node.value in ("", "~", "null"):
                continue
            if not isinstance(urls_node, yaml.SequenceNode):
                raise SourcesFileError(
                    name, f"'{kind_key}' of {industry!r} must be a list of URLs", _line(urls_node)
                )
            for url_node in urls_node.value:
                url = _url(url_node, name)
                source = Source(industry=industry, kind=kinds[kind_key], url=url)
                if source not in seen:
                    seen.add(source)
                    sources.append(source)
    return sources


def listed_urls(text: str, industry: str) -> set[str]:
    """The URLs ``industry`` lists in ``text``, to count what an edit of the file adds.

    Lenient where :func:`parse_sources` is strict: the file a new user starts from (only a
    comment, a bare ``industries:``, an industry with nothing under it yet) is no valid
    sources file, but it lists nothing, and importing into it must work. The edited text
    is parsed strictly before it is written, so nothing invalid gets past this.
    """
    try:
        return {s.url for s in parse_sources(text) if s.industry == industry}
    except SourcesFileError:
        return set()


def load_focus(path: Path | str) -> dict[str, str]:
    """Each industry's ``focus:`` text (industries without one are left out)."""
    path = Path(path)
    return parse_focus(path.read_text(encoding="utf-8"), str(path))


def parse_focus(text: str, name: str = "<sources>") -> dict[str, str]:
    """``{industry: focus}`` from a sources file :func:`parse_sources` accepts; a list of
    phrases is joined into one text."""
    parse_sources(text, name)  # the same validation, the same line-numbered errors
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    industries = _mapping_value(root, "industries", name, "the top level")
    focus = {}
    for key_node, value_node in industries.value:
        for kind_node, node in value_node.value:
            if str(kind_node.value) == FOCUS_KEY:
                text_value = _focus_text(node, str(key_node.value).strip(), name)
                if text_value:
                    focus[str(key_node.value).strip()] = text_value
    return focus


def _focus_text(node: yaml.Node, industry: str, name: str) -> str:
    if isinstance(node, yaml.ScalarNode):
        return "" if node.value in ("~", "null") else str(node.value).strip()
    if isinstance(node, yaml.SequenceNode) and all(
        isinstance(n, yaml.ScalarNode) for n in node.value
    ):
        return ". ".join(str(n.value).strip() for n in node.value if str(n.value).strip())
    raise SourcesFileError(
        name, f"'focus' of {industry!r} must be a text or a list of phrases", _line(node)
    )


def _url(node: yaml.Node, name: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise SourcesFileError(name, "each source must be a URL string", _line(node))
    url = str(node.value).strip()
    parts = _split(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        guess = _split(f"https://{url}")
        hint = (  # a bare host, as copied from a browser's address bar
            f" (did you mean 'https://{url}'?)"
            if "://" not in url and guess and guess.hostname and "." in guess.hostname
            else ""
        )
        raise SourcesFileError(name, f"not an http(s) URL: {url!r}{hint}", _line(node))
    if not _port_ok(parts):
        raise SourcesFileError(
            name, f"the port of {url!r} must be a number from 1 to 65535", _line(node)
        )
    return url


def _port_ok(parts: SplitResult) -> bool:
    """Whether the URL's port, if it names one, can be connected to. ``urlsplit`` only
    finds out when ``.port`` is read (it raises for ``:99999`` or ``:abc``), and the
    fetcher would then report each such feed as an ``invalid_url`` every night."""
    try:
        port = parts.port
    except ValueError:
        return False
    return port is None or port > 0


def _split(url: str) -> SplitResult | None:
    """``urlsplit``, or None where it raises (an unclosed ``[`` reads as a broken IPv6
    host: "Invalid IPv6 URL"), so such a line is reported like any other bad URL."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _mapping_value(node: yaml.Node, key: str, name: str, where: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        raise SourcesFileError(
            name, f"{where} must be a mapping with an 'industries:' key", _line(node)
        )
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) == key:
            return value_node
    return None


def _either(words: list[str]) -> str:
    """``a, b or c``."""
    return " or ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def sources_to_yaml(sources: list[Source]) -> str:
    """The inverse of :func:`parse_sources`, for writing generated sources files."""
    doc: dict[str, dict[str, list[str]]] = {}
    plural = {v: k for k, v in source_kinds().items()}
    for source in sources:
        doc.setdefault(source.industry, {}).setdefault(plural[source.kind], []).append(source.url)
    return yaml.safe_dump({"industries": doc}, sort_keys=False)
