"""A small error tree so callers can catch by kind and keep the cause chained.

Every error a user can trigger with bad input derives from :class:`InnercircleError`
and carries a message that says what to fix.
"""

from __future__ import annotations


class InnercircleError(Exception):
    """Base of every error innercircle raises on purpose."""


class UsageError(InnercircleError):
    """The command line asks for something incomplete or contradictory: exit 2, as for
    argparse's own usage errors."""


class SourcesFileError(InnercircleError):
    """The sources file is missing or malformed; the message names the line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class FetchError(InnercircleError):
    """A URL could not be fetched; ``error_class`` is a short stable name for logs."""

    error_class = "fetch_error"

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        super().__init__(f"{url}: {message}")


class BlockedAddressError(FetchError):
    """The URL resolves to a loopback, private or otherwise non-public address."""

    error_class = "blocked_address"


class ParseError(InnercircleError):
    """A document could be fetched but not parsed (not a feed, not HTML, …)."""

    error_class = "parse_error"


class ModelLoadError(InnercircleError):
    """The spaCy model named by INNERCIRCLE_SPACY_MODEL could not be loaded."""


def caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``kind`` is among the errors under ``exc``: httpx wraps httpcore's error,
    which carries the socket's as its cause, its context or its argument, depending on
    where in the stack it was raised (anyio's "All connection attempts failed" carries
    each address's error as its context)."""
    todo, seen = [exc], set()
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        todo += [current.__cause__, current.__context__]
        todo += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        todo += list(getattr(current, "exceptions", ()) or ())
    return False
