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
