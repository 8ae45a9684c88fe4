"""``python -m innercircle.sampleweb``: serve the sample web, or dump it to disk to look at.

Serving prints every blog's address and writes a sources file pointing at them, so
``INNERCIRCLE_SOURCES=that-file innercircle run`` crawls it.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from datetime import timedelta
from pathlib import Path

from .generator import build_sample_web, reference_date
from .server import serve
from .web import SampleWeb


def dump(web: SampleWeb, directory: Path, port: int) -> int:
    """Write every page under ``directory/<host>/<path>``; a path ending in / gets index.html."""
    count = 0
    for host, pages in web.resolve(port).items():
        for path, page in pages.items():
            rel = path.lstrip("/")
            if not rel or rel.endswith("/"):
                rel += "index.html"
            target = directory / host / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.body)
            count += 1
    return count


def main(argv: list[str] | None = None, stop: threading.Event | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m innercircle.sampleweb",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8800, help="one port for every host (0: any)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="articles per blog, relative")
    parser.add_argument("--write-sources", type=Path, metavar="PATH",
                        help="write a sources YAML file with the served URLs")
    parser.add_argument("--no-broken", action="store_true",
                        help="leave the deliberately broken sources out of the sources file")
    parser.add_argument("--hidden", action="store_true",
                        help="hide a few blogs per industry: reachable only through links "
                        "from the listed ones, left out of the sources file "
                        "(innercircle.sampleweb.hidden)")
    parser.add_argument("--days-earlier", type=float, default=0, metavar="DAYS",
                        help="the web as it stood DAYS before its date: later pieces are not "
                        "out yet; serve it, run, restart without this on the same port and "
                        "run again to see a grown web")
    parser.add_argument("--dump", type=Path, metavar="DIR",
                        help="write the pages to DIR/<host>/<path> and exit")
    args = parser.parse_args(argv)
    as_of = None
    if args.days_earlier:
        as_of = reference_date(args.seed) - timedelta(days=args.days_earlier)
    web = build_sample_web(args.seed, args.scale, as_of=as_of)
    plan = None
    if args.hidden:
        from .hidden import plant_hidden

        web, plan = plant_hidden(web, scale=args.scale)
    if args.dump:
        n = dump(web, args.dump, args.port)
        print(f"wrote {n} pages for {len(web.hosts)} hosts to {args.dump}")
        return 0
    with serve(web, args.port) as server:
        print(f"serving {len(web.hosts)} blogs, {len(web.articles)} articles on port "
              f"{server.port}:")
        for blog in web.blogs:
            print(f"  {server.url(blog.host)}  {blog.name} ({', '.join(blog.industries)})")
        if args.write_sources:
            if plan is not None:
                from .hidden import write_hidden_sources

                path = write_hidden_sources(server, plan, args.write_sources, not args.no_broken)
            else:
                path = server.write_sources(args.write_sources, include_broken=not args.no_broken)
            print(f"sources file: {path}")
        # The web is dated: ranked as of another day, its recency weights differ from the
        # demo's (which sets this itself).
        print(f"its date: rank it with INNERCIRCLE_AS_OF={web.reference_date.isoformat()}")
        print("Ctrl-C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            (stop or threading.Event()).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
