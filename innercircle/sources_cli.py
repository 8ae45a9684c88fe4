"""``innercircle sources suggest|accept``: read the suggestions, and add the ones you choose.

``suggest`` reads the published warehouse (read-only, like ``top``); ``accept`` writes the
sources file through :mod:`innercircle.accept` (the OPML import's writer: comments and
order kept, nothing added twice) and never adds anything the user did not ask for.
"""

from __future__ import annotations

import argparse
import sys

from innercircle.cli import add_industry_and_limit, check_industry, command, positive_int
from innercircle.errors import InnercircleError, UsageError
from innercircle.settings import Settings


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``sources suggest`` and ``sources accept`` on the main parser."""
    sources = command(sub, "sources", "suggested sources: list them, accept them")
    actions = sources.add_subparsers(dest="action", metavar="ACTION", required=True)
    suggest = command(actions, "suggest", "print suggested sites with their evidence")
    add_industry_and_limit(suggest, "per industry", 10)
    suggest.set_defaults(handler=cmd_suggest)
    accept = command(actions, "accept", "add suggestions to the sources file, each with a "
                     "dated comment saying why")
    accept.add_argument("--industry", required=True, help="the industry they go under")
    accept.add_argument("--top", type=positive_int, help="the N best suggestions that have a feed")
    accept.add_argument("urls", nargs="*", metavar="URL", help="suggested URLs or hosts")
    accept.add_argument("--print", dest="print_only", action="store_true",
                        help="print the new sources YAML instead of writing it")
    accept.set_defaults(handler=cmd_accept)


def _rows(settings: Settings, industry: str | None) -> list[dict]:
    from innercircle import warehouse

    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        check_industry(con, industry)
        cur = con.execute(
            "SELECT * FROM source_suggestions WHERE $i IS NULL OR industry = $i "
            "ORDER BY industry, rank", {"i": industry})
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def cmd_suggest(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    rows = _rows(settings, args.industry)
    if not rows:
        print("no suggestions yet (run the nightly job; they need links or voices "
              "outside the sources)", file=sys.stderr)
        return 0
    for industry in dict.fromkeys(r["industry"] for r in rows):
        print(f"== {industry}")
        for r in [r for r in rows if r["industry"] == industry][: args.limit]:
            feed = r["feed_url"] or f"no feed ({r['feed_note'] or 'not checked'})"
            print(f"{r['rank']:>3}. {r['host']}  score {r['score']:.2f}  {feed}")
            if r["evidence_sources"]:
                print(f"       linked by {r['linking_sources']} sources "
                      f"({r['links']} links): {', '.join(r['evidence_sources'])}")
            if r["evidence_voices"]:
                print(f"       voices there: {', '.join(r['evidence_voices'])}")
            if r["last_linked_at"]:
                print(f"       last linked {r['last_linked_at']:%Y-%m-%d}")
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    from innercircle.accept import accept_into_sources, choose
    from innercircle.stages.crawl import now_utc

    if not args.urls and not args.top:
        raise UsageError("say which: --top N, or the URLs or hosts to accept")
    if args.urls and args.top:
        raise UsageError("say which: --top N, or the URLs or hosts to accept, not both")
    settings = Settings.from_env()
    rows = _rows(settings, args.industry)
    try:
        chosen = choose(rows, top=args.top, urls=args.urls)
    except KeyError as exc:
        raise InnercircleError(
            f"not among the suggestions for {args.industry!r}: {exc.args[0]} "
            "(see `innercircle sources suggest`)") from None
    path = settings.sources_path
    text = path.read_text("utf-8") if path.exists() else ""
    merged, added = accept_into_sources(text, args.industry, chosen, now_utc().date(),
                                        where=str(path))
    if args.print_only:
        sys.stdout.write(merged)
        return 0
    if added:
        path.write_text(merged, "utf-8")
    sources = "source" if len(added) == 1 else "sources"
    print(f"added {len(added)} {sources} under {args.industry!r} in {path}"
          + (f": {', '.join(added)}" if added else " (already listed)"), file=sys.stderr)
    return 0
