"""NER throughput on one core and on two, on the same texts in the same run.

The texts are the sample web's article texts (main text as the documents step extracts
it), repeated ``--copies`` times. Printed, in documents and characters per second:

* 1 process: :class:`PersonFinder` in this process (what one NER step did before);
* the pool with N processes (:class:`PooledPersonFinder`, the default), its ratio to 1;
* spaCy's own ``nlp.pipe(n_process=N)`` on the same model and texts, its ratio to 1.

Worker start-up (start + model load) is timed apart from the throughput: every worker is
started and warmed first, as a long NER step amortises it (the nightly job starts them
while the documents step parses).

    .venv/bin/python benchmarks/ner_parallel.py [--processes 2] [--copies 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path


def sample_texts(copies: int) -> list[str]:
    from innercircle.extract.page import extract_page
    from innercircle.sampleweb import build_sample_web

    web = build_sample_web()
    pages = web.resolve(8080)
    texts = []
    for article in web.articles:
        page = pages[article.host][article.path]
        texts.append(extract_page(page.body, f"http://{article.host}{article.path}").text)
    return [t for t in texts if t] * copies


def timed(fn, texts):
    start = time.perf_counter()
    out = fn(texts)
    return time.perf_counter() - start, out


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def workers_cpu(pool) -> float:
    """CPU seconds the pool's live workers have used (from /proc; 0 where unreadable)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in list(pool._pool._processes) if pool._pool is not None else []:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _pid_after(seconds: float) -> int:
    """A task that holds its worker a moment, so that the next goes to another."""
    time.sleep(seconds)
    return os.getpid()


def every_worker_answered(pool, processes: int, deadline_s: float = 120.0) -> int:
    """How many distinct workers answered a task: a worker takes tasks only once its
    initializer (the model load) is done, so ``processes`` answers mean every worker is
    loaded before the timing starts, not merely spawned."""
    if pool._pool is None:
        return 1
    seen: set[int] = set()
    stop = time.monotonic() + deadline_s
    while len(seen) < processes and time.monotonic() < stop:
        seen |= set(pool._pool.map(_pid_after, [0.2] * processes))
    return len(seen)


def load() -> str:
    """The machine's load: a ratio under contention from other programs means little."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--copies", type=int, default=2)
    args = parser.parse_args()

    from innercircle.extract.ner_pool import CHUNK, PooledPersonFinder, cores
    from innercircle.extract.people import PersonFinder, doc_mentions, truncate_text
    from innercircle.settings import Settings

    model = Settings.from_env().spacy_model
    texts = sample_texts(args.copies)
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} texts, {chars:,} characters, model {model}, {cores()} cores here")
    print(f"before: {load()}")

    single = PersonFinder(model)
    single.find_people(texts[:20])
    cpu0 = cpu(resource.RUSAGE_SELF)
    t1, base = timed(single.find_people, texts)
    cores_1 = (cpu(resource.RUSAGE_SELF) - cpu0) / t1

    start = time.perf_counter()
    pool = PooledPersonFinder(model, args.processes)
    # Every worker is started and warmed before the timing: the pool spawns a worker per
    # task submitted while none is idle, so a warm-up of one chunk started one worker and
    # the others spawned and loaded their model inside the timed run (counted in its wall
    # time and in its CPU seconds).
    pool.start_workers()
    pool.find_people(texts[: 2 * CHUNK * args.processes])
    warmed = every_worker_answered(pool, args.processes)
    startup = time.perf_counter() - start
    assert warmed == args.processes, f"{warmed} of {args.processes} workers warmed"
    busy0 = workers_cpu(pool) + cpu(resource.RUSAGE_SELF)
    tn, pooled = timed(pool.find_people, texts)
    pool_cpu = workers_cpu(pool) + cpu(resource.RUSAGE_SELF) - busy0  # workers + this process
    # read before they stop: workers forked from the fork server are not this process's
    # children, so getrusage(RUSAGE_CHILDREN) never counts them
    cores_n = workers_cpu(pool) / (time.perf_counter() - start)
    pool.close()
    assert pooled == base, "the pool must find exactly what one process finds"

    def spacy_n_process(batch):
        docs = single.nlp.pipe(
            (truncate_text(t) for t in batch), batch_size=64, n_process=args.processes
        )
        return [doc_mentions(d) for d in docs]

    ts, by_spacy = timed(spacy_n_process, texts)
    assert by_spacy == base, "n_process must find exactly what one process finds"

    n = args.processes
    print(f"{'how':38} {'docs/s':>8} {'kchars/s':>9} {'× 1 proc':>9}")
    for label, t in (
        ("1 process (PersonFinder)", t1),
        (f"pool, {n} processes (default)", tn),
        (f"spaCy nlp.pipe(n_process={n}) incl. start", ts),
    ):
        print(f"{label:38} {len(texts) / t:8.1f} {chars / t / 1000:9.1f} {t1 / t:9.2f}")
    print(f"pool start-up (start + model load in {n} workers): {startup:.1f} s, once per step")
    print(f"CPU the machine gave: 1 process {cores_1:.2f} cores, pool {cores_n:.2f} cores "
          f"(start-up included); a ratio below {n} follows from cores not obtained")
    print(f"after: {load()}")
    single_cpu = cores_1 * t1
    print(f"CPU seconds for the texts: 1 process {single_cpu:.1f}, pool {pool_cpu:.1f} (its "
          f"workers and this process): the pool does {single_cpu / pool_cpu:.0%} of one "
          f"process's work per CPU second, so {n} free cores would give about "
          f"{n * single_cpu / pool_cpu:.2f}x")
    print(f"{n} processes / 1 process: {t1 / tn:.2f}x with the pool, {t1 / ts:.2f}x with "
          f"spaCy's n_process (target >= 1.7x; same texts, same run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
