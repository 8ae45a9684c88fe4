"""Fetcher throughput against small pages on several 127.0.0.x hosts.

Measures the client, not politeness: per-host rate is set very high, per-host connections
and the number of parallel hosts stay at their defaults (2 and 16), robots.txt is on (one
extra request per host, as in a real run). Each host is its own threaded server, all in
a forked child process so the servers do not share the client's GIL.

    .venv/bin/python benchmarks/fetch_throughput.py --hosts 8 --pages 2000

Prints requests/second for a cold run and for a conditional (304) re-run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import multiprocessing.synchronize
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from innercircle.fetch import Fetcher, FetchPolicy, FetchRequest, summarize  # noqa: E402
from tests.hostile_server import conditional, serve, static  # noqa: E402

PAGE = b"<html><body>" + b"<p>lorem ipsum dolor sit amet</p>" * 60 + b"</body></html>"


def _serve_hosts(hosts: int, ready: mp.Queue, stop: mp.synchronize.Event) -> None:
    routes = {
        "/robots.txt": static(b"User-agent: *\nAllow: /\n"),
        "*": conditional(PAGE, '"v1"', "Wed, 02 Oct 2024 10:00:00 GMT", "text/html"),
    }
    with ExitStack() as stack:
        servers = [stack.enter_context(serve(routes, f"127.0.0.{i + 2}")) for i in range(hosts)]
        ready.put([s.base for s in servers])
        stop.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=8)
    ap.add_argument("--pages", type=int, default=2000, help="total requests")
    ap.add_argument("--connections", type=int, default=2, help="per host")
    ap.add_argument("--parallel-hosts", type=int, default=16)
    args = ap.parse_args()

    policy = FetchPolicy(
        user_agent="innercircle-bench/0.1 (+mailto:bench@example.test)",
        allow_private_networks=True,
        per_host_rate=10_000.0,
        per_host_connections=args.connections,
        max_parallel_hosts=args.parallel_hosts,
    )
    ctx = mp.get_context("fork")
    ready: mp.Queue = ctx.Queue()
    stop = ctx.Event()
    child = ctx.Process(target=_serve_hosts, args=(args.hosts, ready, stop), daemon=True)
    child.start()
    try:
        bases = ready.get(timeout=30)
        requests = [FetchRequest(f"{bases[i % len(bases)]}/page/{i}") for i in range(args.pages)]
        fetcher = Fetcher(policy)

        started = time.perf_counter()
        first = fetcher.fetch_all(requests)
        cold = time.perf_counter() - started

        again = [FetchRequest(r.url, r.etag, r.last_modified) for r in first]
        started = time.perf_counter()
        second = fetcher.fetch_all(again)
        warm = time.perf_counter() - started
    finally:
        stop.set()
        child.join(timeout=10)

    s1, s2 = summarize(first), summarize(second)
    print(f"hosts={args.hosts} requests={args.pages} per-host connections={args.connections} "
          f"parallel hosts={args.parallel_hosts}")
    print(f"cold run: {cold:6.2f} s  {args.pages / cold:8.1f} req/s  ok={s1['ok_2xx']} "
          f"errors={s1['errors']} bytes={s1['bytes_received']}")
    print(f"304 run : {warm:6.2f} s  {args.pages / warm:8.1f} req/s  "
          f"not_modified={s2['not_modified_304']} errors={s2['errors']} "
          f"bytes={s2['bytes_received']}")
    if s1["errors"] or s2["errors"]:
        print("errors:", s1["errors_by_class"], s2["errors_by_class"])


if __name__ == "__main__":
    main()
