"""The ``innercircle`` command: run the nightly job, the demo, and read the results."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from innercircle.errors import InnercircleError, UsageError
from innercircle.run_lock import EXIT_BUSY, RunInProgress, run_lock
from innercircle.settings import SettingError, Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except (SettingError, UsageError) as exc:  # one line, before any work starts
        print(f"innercircle: error: {exc}", file=sys.stderr)
        return 2
    except RunInProgress as exc:  # another run on this warehouse: nothing was touched
        print(f"innercircle: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except InnercircleError as exc:
        print(f"innercircle: error: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"innercircle: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("innercircle: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        if not stdout_is_broken():  # a connection of the run's: a real error
            raise
        # `innercircle top | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 141  # 128 + SIGPIPE, as a shell reports it


def stdout_is_broken() -> bool:
    """Is stdout a pipe whose reader has gone? Only then is a BrokenPipeError the quiet end
    of ``innercircle top | head``; any other (a socket inside ``run`` or ``demo``) must not
    turn into a silent exit 141. Asked of the pipe itself: poll reports an error on a
    pipe's write end once no reader is left."""
    import select

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return False
    poll = select.poll()
    poll.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _fd, events in poll.poll(0))


#: What Ctrl-C in a run leaves: the run writes a working file and publishes a copy of it
#: only at its end, so the published warehouse is never half-written.
INTERRUPTED = (
    "innercircle: interrupted; the published warehouse is as the last finished run left it "
    "(run again to go on)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="innercircle",
        description="Find the voices who shape an industry by reading what it publishes.",
        epilog="Settings are INNERCIRCLE_* environment variables (the sources file, the "
        "warehouse, politeness, models: see the README's Settings). `innercircle COMMAND "
        "--help` for a command's options.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = command(
        sub, "run", "run the nightly job once (in this process, or on Celery when "
        "INNERCIRCLE_EXECUTOR=celery) and print a summary; Ctrl-C leaves the published "
        "warehouse as it was"
    )
    run.add_argument(
        "--reextract",
        action="store_true",
        help="re-extract documents and mentions from stored pages (no re-crawl "
        "needed for pages already fetched)",
    )
    run.set_defaults(handler=cmd_run)

    fail = command(
        sub, "fail-run", "mark a Celery run whose submitter died as failed, giving back the "
        "duckdb_writer slot it holds (`innercircle run` names such a run)"
    )
    fail.add_argument("run_id", metavar="RUN_ID", help="the run's id (Dagster UI: Runs)")
    fail.set_defaults(handler=cmd_fail_run)

    demo = command(sub, "demo", "serve the bundled sample web on 127.0.0.x and run on it")
    demo.add_argument(
        "--port", type=port_number, default=8765, help="port for the sample web (default 8765)"
    )
    demo.set_defaults(handler=cmd_demo)

    top = command(sub, "top", "print the ranking from the published warehouse")
    add_industry_and_limit(top, "voices per industry", 20)
    top.set_defaults(handler=cmd_top)

    who = command(
        sub, "who", "which ranked voices cover a topic, with their best evidence sentence"
    )
    who.add_argument("query", help='a topic, e.g. "real-time payments"')
    add_industry_and_limit(who, "voices listed", 15)
    who.set_defaults(handler=cmd_who)

    export = command(
        sub, "export", "write the inner circle with profiles and links (CSV, Parquet, JSON)"
    )
    export.add_argument("--industry", help="only this industry (default: every industry)")
    export.add_argument(
        "--format", choices=["csv", "parquet", "json"],
        help="(default csv; Parquet with --all-tables)",
    )
    export.add_argument(
        "--out",
        help="file, or a folder to write the default file name in (with --all-tables: "
        "folder); - for stdout (CSV, JSON)",
    )
    export.add_argument(
        "--all-tables", action="store_true", help="every warehouse table, one Parquet file each"
    )
    export.set_defaults(handler=cmd_export)

    extract = command(
        sub, "extract", "print authors and people found in pages or feeds (one JSON object a line)"
    )
    extract.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="HTML pages or feeds, maybe gzipped"
    )
    extract.add_argument("--no-people", action="store_true", help="skip NER (bylines only)")
    extract.set_defaults(handler=cmd_extract)

    opml = command(sub, "import-opml", "add the feeds of an OPML file to the sources file")
    opml.add_argument("file", type=Path, help="an OPML file (a feed reader's export)")
    opml.add_argument("--industry", required=True, help="the industry the feeds go under")
    opml.add_argument(
        "--print",
        dest="print_only",
        action="store_true",
        help="print the new sources YAML instead of writing it",
    )
    opml.set_defaults(handler=cmd_import_opml)

    from innercircle.sources_cli import add_parser as add_sources_parser

    add_sources_parser(sub)

    ev = command(sub, "eval", "benchmarks on real-world data (../shared/eval)")
    ev.add_argument("what", choices=["authors", "language", "maintext", "ner"])
    ev.add_argument(
        "rest", nargs=argparse.REMAINDER, metavar="...",
        help="the data file and the benchmark's options (`innercircle eval NAME --help`)",
    )
    ev.set_defaults(handler=cmd_eval)
    return parser


def command(sub: argparse._SubParsersAction, name: str, text: str) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` opens with the line ``innercircle --help`` lists."""
    return sub.add_parser(name, help=text, description=text[:1].upper() + text[1:] + ".")


def add_industry_and_limit(parser: argparse.ArgumentParser, limit_help: str, limit: int) -> None:
    """``--industry`` and ``--limit``, worded alike on every command that lists per industry."""
    parser.add_argument("--industry", help="only this industry")
    parser.add_argument(
        "--limit", type=positive_int, default=limit, help=f"{limit_help} (default {limit})"
    )


def positive_int(text: str) -> int:
    """An argparse type for counts: ``--limit 0`` or ``-2`` is a usage error, not an empty list."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not 1 or more")
    return value


def check_industry(con, industry: str | None) -> None:
    """An ``--industry`` the sources never listed is a typo, not an empty ranking: say
    which industries the warehouse has."""
    if industry is None:
        return
    rows = con.execute(
        "SELECT industry FROM sources UNION SELECT industry FROM recurring_voices "
        "UNION SELECT industry FROM source_suggestions ORDER BY 1"
    ).fetchall()
    known = [name for (name,) in rows]
    if industry not in known:
        raise InnercircleError(
            f"no industry {industry!r} in {con.execute('PRAGMA database_list').fetchone()[2]} "
            f"(it has {', '.join(known) or 'none yet'})"
        )


# ------------------------------------------------------------------------------ run


def cmd_run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    settings.validate()
    # Before --reextract writes anything. A Celery run's warehouse is the workers' (this
    # machine only submits it): no lock, nor a folder for one, here.
    in_process = settings.executor != "celery"
    if not in_process:
        from pipelines.runner import check_before_celery_run

        check_before_celery_run(settings)
    with run_lock(settings.warehouse_path) if in_process else contextlib.nullcontext():
        return run_and_report(args, settings)


def cmd_fail_run(args: argparse.Namespace) -> int:
    """``innercircle fail-run RUN_ID``: see :func:`pipelines.slots.fail_run`."""
    from pipelines.runner import fail_run

    print(fail_run(args.run_id), file=sys.stderr)
    return 0


def run_and_report(args: argparse.Namespace, settings: Settings) -> int:
    """``innercircle run`` once it holds the warehouse's run lock."""
    if getattr(args, "reextract", False):
        reset_extraction(settings)
    dagster_log = io.StringIO()
    # cmd_run made a Celery run's checks before anything was written
    result = run_nightly(settings, report_failures=False, log_stream=dagster_log, checked=True)
    from pipelines.runner import record_in_process_failure

    if stopped_by_ctrl_c(result):
        # One line, no failure report, but recorded: Dagster reads SIGTERM as Ctrl-C, and a
        # nightly run stopped by `timeout` or systemd must leave its line in
        # run_failures.jsonl like any run that did not finish.
        record_in_process_failure(result, settings, "interrupted")
        return 130
    total_failure = all_sources_failed(settings)
    if not result.success:
        record_in_process_failure(result, settings)
    if total_failure:
        print(total_failure, file=sys.stderr)
        return 1
    return report_run(result, dagster_log, settings)


def report_run(result, dagster_log: io.StringIO, settings: Settings) -> int:
    """After a run: Dagster's log lines, held back until the run was over (a run that
    reached no source ends in one plain line, Ctrl-C in another, not in pages of
    per-source warnings and tracebacks), the failed steps, the summary; the exit code."""
    sys.stderr.write(dagster_log.getvalue())
    if not result.success:
        from pipelines.runner import print_step_failures

        print_step_failures(result)
    print_summary(settings, published=result.success)
    return 0 if result.success else 1


def stopped_by_ctrl_c(result) -> bool:
    """Did Ctrl-C stop the run? Then say so in :data:`INTERRUPTED`'s one line."""
    from pipelines.runner import was_interrupted

    if result.success or not was_interrupted(result):
        return False
    print(INTERRUPTED, file=sys.stderr)
    return True


def all_sources_failed(settings: Settings) -> str | None:
    """The one-line verdict when every source of the latest run failed, else None (the
    rule is the crawl's: :func:`innercircle.stages.crawl.last_run_total_failure`)."""
    from innercircle import warehouse
    from innercircle.stages.crawl import last_run_total_failure

    work = warehouse.working_path(settings.warehouse_path)
    if not work.exists():
        return None
    with warehouse.connect(work) as con:
        return last_run_total_failure(con)


def reset_extraction(settings: Settings) -> None:
    """Forget what was extracted so documents and mentions are rebuilt from stored pages."""
    from innercircle import warehouse

    with warehouse.connect(warehouse.working_path(settings.warehouse_path)) as con:
        con.execute("DELETE FROM documents")
        con.execute("DELETE FROM document_links")
        con.execute("DELETE FROM mention_extractions")


def run_nightly(settings: Settings, instance=None, report_failures: bool = True, log_stream=None,
                checked: bool = False):
    """Execute the nightly job in this process (see ``pipelines/runner.py``, the one module
    through which the command reaches Dagster); returns Dagster's result. Failed steps are
    printed unless ``report_failures`` is off; Dagster's console log goes to ``log_stream``
    when given (stderr otherwise); ``checked``: a Celery run's checks were made."""
    from pipelines.runner import run_nightly as execute

    return execute(settings, instance, report_failures=report_failures, log_stream=log_stream,
                   checked=checked)


def print_summary(settings: Settings, per_industry: int = 10, published: bool = True) -> None:
    """What the run did, from the working file, then the top voices. After a failed run
    (``published=False``) the ranking is left out: it was not published, and may be the
    half-written work of the failed step. Sources that failed are named in one line
    (:func:`innercircle.stages.crawl.last_run_failed_sources`): otherwise they showed
    only as the steps' warnings, among Dagster's log lines. A published run ends with
    where its HTML reports are."""
    from innercircle import warehouse
    from innercircle.stages.crawl import last_run_failed_sources

    work = warehouse.working_path(settings.warehouse_path)
    if not work.exists():
        return
    with warehouse.connect(work) as con:
        n_sources, n_industries = con.execute(
            "SELECT count(DISTINCT url), count(DISTINCT industry) FROM sources"
        ).fetchone()
        run_id = con.execute("SELECT arg_max(run_id, fetched_at) FROM crawl_log").fetchone()[0]
        outcomes = con.execute(
            "SELECT outcome, count(*) FROM crawl_log WHERE run_id = $r GROUP BY 1 ORDER BY 2 DESC",
            {"r": run_id},
        ).fetchall()
        docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        people = con.execute("SELECT count(*) FROM people").fetchone()[0]
        mentions = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        print()
        print(f"sources     {n_sources} in {n_industries} industries")
        failed = last_run_failed_sources(con)
        if failed:
            print(f"            {failed}")
        print("fetches     " + (", ".join(f"{n} {o}" for o, n in outcomes) or "none"))
        print(f"documents   {docs}    mentions {mentions}    people {people}")
        if not published:
            readers = ("readers see the last finished run" if settings.warehouse_path.exists()
                       else "nothing published yet")
            print(f"warehouse   {settings.warehouse_path} not updated: {readers}")
            return
        print(f"warehouse   {settings.warehouse_path}")
        print()
        print_top(con, None, per_industry)
    # Last, where a reader who never writes SQL looks: the page per industry.
    print()
    print(f"reports     {settings.reports_path() / '<industry>.html'}")


def print_top(con, industry: str | None, limit: int) -> None:
    rows = con.execute(
        """
        SELECT industry, rank, name, score, distinct_sources, authored_docs, mentioned_docs
        FROM recurring_voices
        WHERE ($industry IS NULL OR industry = $industry) AND rank <= $limit
        ORDER BY industry, rank""",
        {"industry": industry, "limit": limit},
    ).fetchall()
    if not rows:
        print("no ranked voices" + (f" for industry {industry!r}" if industry else ""))
        return
    current = None
    for ind, rank, name, score, srcs, authored, mentioned in rows:
        if ind != current:
            if current is not None:
                print()
            current = ind
            print(f"{ind}")
            print(
                f"  {'rank':>4}  {'name':<28} {'score':>6}  {'sites':>5}  {'wrote':>5}  "
                f"{'named':>5}"
            )
        print(
            f"  {rank:>4}  {name[:28]:<28} {score:>6.2f}  {srcs:>5}  {authored:>5}  {mentioned:>5}"
        )


# ------------------------------------------------------------------------------ demo


def port_number(text: str) -> int:
    """A TCP port, 0 (any free one) to 65535: a usage error (exit 2) otherwise."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0 to 65535)")
    return port


def cmd_demo(args: argparse.Namespace) -> int:
    from innercircle.sampleweb import build_sample_web

    web = build_sample_web()
    # The sample web is ours: no need to wait a second between its pages; and it is
    # dated: rank as of its own "today", not the machine's. Variables the user set win.
    demo_defaults = {
        "INNERCIRCLE_HOST_RATE": "50",
        "INNERCIRCLE_AS_OF": web.reference_date.isoformat(),
    }
    settings = Settings.from_env({**demo_defaults, **os.environ})
    sources_path = settings.warehouse_path.parent / "demo-sources.yaml"
    settings = settings.replace(sources_path=sources_path, allow_private_networks=True)
    settings.validate(with_sources=False)  # before anything is written beside the warehouse
    with run_lock(settings.warehouse_path):  # before the demo's sources file is written
        return demo(args, web, settings)


def demo(args: argparse.Namespace, web, settings: Settings) -> int:
    """``innercircle demo`` once its settings are checked and it holds the run lock."""
    from innercircle.sampleweb import serve

    try:
        server = serve(web, port=args.port)
    except OSError as exc:
        raise InnercircleError(
            f"cannot serve the sample web on 127.0.0.x port {args.port} ({exc.strerror}); "
            "pick a free one with `innercircle demo --port N` (the warehouse keeps URLs, "
            "so reuse the same port on later demo runs)"
        ) from exc
    with server:
        server.write_sources(settings.sources_path, focus=True)
        print(
            f"sample web: {len(web.hosts)} sites on 127.0.0.x:{server.port}; "
            f"sources in {settings.sources_path}",
            file=sys.stderr,
        )
        settings.check_sources_file()  # the rest was checked before anything was written
        dagster_log = io.StringIO()
        result = run_nightly(settings, report_failures=False, log_stream=dagster_log)
    if stopped_by_ctrl_c(result):
        return 130
    return report_run(result, dagster_log, settings)


# ------------------------------------------------------------------------------ top


def cmd_top(args: argparse.Namespace) -> int:
    from innercircle import warehouse

    settings = Settings.from_env()
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        check_industry(con, args.industry)
        print_top(con, args.industry, args.limit)
    return 0


# ------------------------------------------------------------------------ who, export


def cmd_who(args: argparse.Namespace) -> int:
    from innercircle import warehouse
    from innercircle.coverage import who_covers

    if not args.query.strip():
        raise UsageError('who needs a topic to look for, e.g. innercircle who "real-time payments"')
    settings = Settings.from_env()
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        check_industry(con, args.industry)
        matches = who_covers(con, args.query, args.industry, args.limit)
    if not matches:
        print(f"no ranked voice's documents match {args.query!r}")
        return 1
    for m in matches:
        print(
            f"{m.name}  ({m.industry} #{m.rank}; wrote {m.wrote}, named in {m.named_in} "
            f"matching pieces)"
        )
        if m.sentence:
            print(f"    “{m.sentence}”")
        if m.url:
            print(f"    {m.url}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from innercircle import warehouse
    from innercircle.export import export_circle, export_tables

    if args.all_tables and args.format not in (None, "parquet"):
        raise UsageError("--all-tables writes Parquet only (leave --format out)")
    if args.all_tables and args.industry:
        raise UsageError("--all-tables writes every table whole: leave --industry out")
    to_stdout = args.out == "-"
    if to_stdout and (args.all_tables or args.format == "parquet"):
        raise UsageError("--out - writes CSV or JSON to stdout; Parquet needs a file")
    settings = Settings.from_env()
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        check_industry(con, args.industry)
        if args.all_tables:
            out = Path(args.out or "innercircle-tables")
            written = _writing(out, lambda: export_tables(con, out))
            print(f"{len(written)} tables, {sum(written.values())} rows -> {out}/")
            return 0
        fmt = args.format or "csv"
        name = f"innercircle-{args.industry or 'all'}.{fmt}"
        if to_stdout:
            rows = _to_stdout(lambda path: export_circle(con, fmt, path, args.industry), name)
        else:
            out = Path(args.out or name)
            # `--out exports/` (or an existing folder): the default name, in that folder
            if out.is_dir() or (args.out or "").endswith(("/", os.sep)):
                out = out / name
            rows = _writing(out, lambda: export_circle(con, fmt, out, args.industry))
    if rows == 0:
        print(f"no ranked voices{' for industry ' + repr(args.industry) if args.industry else ''}",
              file=sys.stderr)
        return 1
    print(f"{rows} voices -> {'stdout' if to_stdout else out}",
          file=sys.stderr if to_stdout else sys.stdout)
    return 0


def _to_stdout(write, name: str) -> int:  # noqa: ANN001 - write(path) -> rows
    """``write`` into a temporary file, then its bytes to stdout: handed ``/dev/stdout``,
    DuckDB reopens and truncates it (``>> file`` lost what was there) and fails on a pipe
    closed early or a socket; Python's own writes end ``| head`` quietly, as for ``top``."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="innercircle-export-") as tmp:
        path = Path(tmp) / name
        rows = _writing(path, lambda: write(path))
        sys.stdout.flush()
        with path.open("rb") as written:
            shutil.copyfileobj(written, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    return rows


def _writing(out: Path, write):  # noqa: ANN202 - returns what ``write`` returns
    """``write()``, a path that cannot be written (a file where a folder should be, no
    permission, a read-only file system) being one line, not DuckDB's traceback."""
    import duckdb

    try:
        return write()
    except (OSError, duckdb.IOException) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InnercircleError(f"cannot write {out}: {reason.splitlines()[0]}") from None


# -------------------------------------------------------------------------- extract


def cmd_extract(args: argparse.Namespace) -> int:
    from innercircle.extract.files import extract_files

    finder = None
    if not args.no_people:
        from innercircle.extract.people import PersonFinder
        from innercircle.setting_checks import check_spacy_models

        settings = Settings.from_env()
        check_spacy_models(settings.spacy_model, settings.spacy_models)
        finder = PersonFinder(settings.spacy_model)
    failed = 0
    for record in extract_files(list(args.files), finder):
        failed += record.get("kind") == "error"
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 1 if failed else 0


# ----------------------------------------------------------------------------- opml


def cmd_import_opml(args: argparse.Namespace) -> int:
    from innercircle.opml import feeds_from_opml, merge_feeds_into_sources

    settings = Settings.from_env()
    feeds = feeds_from_opml(args.file.read_bytes())
    if not feeds:  # an export cut short, or a list of sites without feeds
        raise InnercircleError(
            f"{args.file} lists no http(s) feed (no <outline xmlUrl=...>); nothing added"
        )
    existing = settings.sources_path.read_text("utf-8") if settings.sources_path.exists() else ""
    merged = merge_feeds_into_sources(
        existing, args.industry, [url for _title, url in feeds], where=str(settings.sources_path)
    )
    from innercircle.sources import listed_urls, parse_sources

    # Never write (or show) what can't be read; count only what is new, so importing the
    # same file again says it added nothing.
    after = parse_sources(merged, str(settings.sources_path))
    added = {s.url for s in after if s.industry == args.industry} - listed_urls(
        existing, args.industry
    )
    if args.print_only:
        sys.stdout.write(merged)
    else:
        settings.sources_path.write_text(merged, "utf-8")
        print(
            f"added {len(added)} of the file's {len(feeds)} feed{'s' * (len(feeds) != 1)} "
            f"under {args.industry!r} "
            f"in {settings.sources_path}",
            file=sys.stderr,
        )
    return 0


# ----------------------------------------------------------------------------- eval


def cmd_eval(args: argparse.Namespace) -> int:
    if args.what == "authors":
        from innercircle.evaluation.authors import main as eval_main
    elif args.what == "language":
        from innercircle.evaluation.language import main as eval_main
    elif args.what == "maintext":
        from innercircle.evaluation.maintext import main as eval_main
    else:
        from innercircle.evaluation.ner import main as eval_main
    return eval_main(args.rest)


if __name__ == "__main__":
    raise SystemExit(main())
