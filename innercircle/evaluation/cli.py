"""What the ``innercircle eval …`` benchmarks share on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path


def eval_parser(name: str, doc: str | None, path_help: str) -> argparse.ArgumentParser:
    """The ``innercircle eval NAME`` parser every benchmark starts from: the data file
    and ``--json``; each adds its own options."""
    parser = argparse.ArgumentParser(
        prog=f"innercircle eval {name}",
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", type=Path, help=path_help)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser


def comparing_parser(
    name: str, doc: str | None, path_help: str, errors_help: str
) -> argparse.ArgumentParser:
    """:func:`eval_parser` for a benchmark run beside trafilatura: ``--no-trafilatura`` and
    ``--errors N`` (tuning-half pages only, since rules are written from those alone)."""
    parser = eval_parser(name, doc, path_help)
    parser.add_argument("--no-trafilatura", action="store_true", help="only our extractor")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help=errors_help)
    return parser
