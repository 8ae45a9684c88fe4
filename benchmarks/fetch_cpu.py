"""CPU seconds the crawler's HTTP client spends fetching every page of the sample web.

The sample web is served by its own process (its CPU is not the client's); this process
fetches every page of every host once, at 50 requests/s/host as benchmarks/scale.py
runs the pipeline, and prints its own CPU seconds and wall time. Run it on two trees to
compare two versions of the fetcher: CPU seconds move much less with other programs'
load than wall time.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/fetch_cpu.py [--scale 4]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=4)
    args = parser.parse_args()

    from innercircle.fetch.fetcher import Fetcher
    from innercircle.fetch.policy import FetchPolicy, FetchRequest
    from innercircle.sampleweb import build_sample_web

    server = subprocess.Popen(
        [sys.executable, "-m", "innercircle.sampleweb", "--port", "0", "--scale",
         str(args.scale)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()  # "serving N blogs, M articles on port P:"
        port = int(first.rsplit("port", 1)[1].strip(" :\n"))
        web = build_sample_web(scale=args.scale)
        urls = [f"http://{host}:{port}{path}"
                for host, pages in web.resolve(port).items() for path in pages]
        policy = FetchPolicy(allow_private_networks=True, per_host_rate=50)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        results = Fetcher(policy).fetch_all([FetchRequest(u) for u in urls])
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    finally:
        server.terminate()
        server.wait(timeout=30)
    bodies = sum(r.body is not None for r in results)
    print(f"{len(urls)} pages on {len(web.resolve(port))} hosts, {bodies} bodies; "
          f"client CPU {cpu:.2f} s, wall {wall:.1f} s "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    return 0 if bodies == len(urls) else 1


if __name__ == "__main__":
    sys.exit(main())
