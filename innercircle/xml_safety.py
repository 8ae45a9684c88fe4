"""Refusing XML entity bombs before any parser sees a document (feeds, OPML files).

Kept apart from :mod:`innercircle.feeds` so that reading an OPML file (``innercircle
import-opml``) checks its DTD without loading feedparser and BeautifulSoup.
"""

from __future__ import annotations

import re

MAX_ENTITY_DECLARATIONS = 64
MAX_ENTITY_EXPANSION = 1 * 2**20  # bytes all internal entity references may expand to
_DOCTYPE_SCAN_BYTES = 256 * 1024

_ENTITY_DECL = re.compile(
    r"<!ENTITY\s+(%\s*)?([^\s>]+)\s+(?:(SYSTEM|PUBLIC)\b[^>]*|(\"[^\"]*\"|'[^']*'))\s*>",
    re.S,
)
_ENTITY_REF = re.compile(r"&(?!#)[^;\s&]+;")


def sniff_text(head: bytes) -> str:
    """Decode the first bytes well enough to look for markup (BOM / NUL aware)."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        codec = "utf-32"
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif head[:4] == b"<\x00?\x00" or head[:2] == b"<\x00":
        codec = "utf-16-le"
    elif head[:4] == b"\x00<\x00?" or head[:2] == b"\x00<":
        codec = "utf-16-be"
    else:
        codec = "latin-1"
    return head.decode(codec, errors="replace")


def xml_entity_problem(data: bytes) -> str | None:
    """Why this document's DTD is refused (entity bomb, external entity), or None.

    Only the prolog is scanned, without expanding anything. Refused: parameter entities,
    external (SYSTEM/PUBLIC) entities, entities whose value refers to other entities
    (billion laughs), too many declarations, and declarations whose references in the
    document would expand past MAX_ENTITY_EXPANSION bytes (quadratic blow-up).
    Simple entities such as ``<!ENTITY nbsp "&#160;">`` pass.
    """
    head = sniff_text(data[:_DOCTYPE_SCAN_BYTES])
    start = head.find("<!DOCTYPE")
    if start < 0:
        return None
    root = re.search(r"<[A-Za-z_]", head[:start])
    if root is not None:  # a DOCTYPE after the root element is not a DTD
        return None
    bracket = head.find("[", start)
    close = head.find(">", start)
    if bracket < 0 or (0 <= close < bracket):
        return None  # no internal subset
    end = head.find("]", bracket)
    if end < 0:
        return "DOCTYPE internal subset is unterminated or too large"
    subset = head[bracket + 1 : end]
    declared = subset.count("<!ENTITY")
    if declared == 0:
        return None
    if declared > MAX_ENTITY_DECLARATIONS:
        return f"DOCTYPE declares {declared} entities (entity expansion refused)"
    matches = list(_ENTITY_DECL.finditer(subset))
    if len(matches) != declared:
        return "DOCTYPE has entity declarations that cannot be checked (refused)"
    sizes: dict[str, int] = {}
    for m in matches:
        parameter, name, external, value = m.groups()
        if parameter:
            return f"parameter entity %{name} refused"
        if external:
            return f"external entity {name} refused"
        body = (value or "")[1:-1]
        if _ENTITY_REF.search(body):
            return f"entity {name} refers to other entities (entity expansion refused)"
        sizes[name] = len(body)
    total = 0
    for name, size in sizes.items():
        if size > 8:
            total += size * data.count(f"&{name};".encode())
    if total > MAX_ENTITY_EXPANSION:
        return f"internal entities would expand to {total} bytes (entity expansion refused)"
    return None
