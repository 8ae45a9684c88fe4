"""The run's tail alone: everything after NER, replayed on a copy of a finished warehouse.

Issue 10 measures the whole run against the NER floor; the tail (``people``, the ranking,
the snapshot, profiles, feeds, reports, suggestions, their checks and publishing) runs
after the last NER shard, mostly on one core, so its wall adds straight to the run's.
Replaying it alone on a fixed input makes two versions of the code comparable, both in
time and in what they publish.

    # a warehouse after one nightly run on the sample web at scale 4 (kept in DIR)
    .venv/bin/python benchmarks/tail.py make DIR --scale 4
    # the tail on a copy of it: wall and CPU seconds per step, published tables dumped
    .venv/bin/python benchmarks/tail.py replay DIR/scale-4.duckdb OUT
    # every published table of two replays, row for row
    .venv/bin/python benchmarks/tail.py compare OUT_A OUT_B [--ignore-from OUT_A2]

``compare`` reports a table that differs and the columns that differ; ``--ignore-from``
names a second replay of the same code, whose differences from the first are the columns
that change with the clock alone (``profiled_at``, ``noticed_at`` …), ignored.
The suggestions' feed checks ask the sample web, which is not served during a replay:
every version gets the same refused connections.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

#: The tail's assets: everything downstream of ``mentions``.
TAIL = ["people", "recurring_voices", "voice_history", "voice_profiles", "voice_feeds",
        "voice_reports", "source_suggestions", "published_warehouse"]
AS_OF = "2025-06-20T12:00:00+00:00"  # the sample web's own date (seed 7)


def make(directory: Path, scale: float) -> Path:
    """One nightly run on the sample web served at ``scale``; keeps its working file."""
    from innercircle.sampleweb import build_sample_web, serve
    from innercircle.settings import Settings
    from pipelines.runner import run_nightly

    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serve(build_sample_web(scale=scale)) as server:
        sources = server.write_sources(Path(tmp) / "sources.yaml")
        env = _env(Path(tmp) / "innercircle.duckdb") | {"INNERCIRCLE_SOURCES": str(sources)}
        if not run_nightly(Settings.from_env({**os.environ, **env})).success:
            raise SystemExit("the nightly run failed")
        out = directory / f"scale-{scale:g}.duckdb"
        shutil.copyfile(Path(tmp) / "innercircle.work.duckdb", out)
        shutil.copyfile(sources, directory / f"scale-{scale:g}.sources.yaml")
    return out


def _env(public: Path) -> dict[str, str]:
    return {
        "INNERCIRCLE_WAREHOUSE": str(public),
        "INNERCIRCLE_ALLOW_PRIVATE_NETWORKS": "1",
        "INNERCIRCLE_HOST_RATE": "50",
        "INNERCIRCLE_AS_OF": AS_OF,
    }


def replay(snapshot: Path, out: Path) -> None:
    """The tail on a copy of ``snapshot`` in ``out``; prints wall and CPU s per step."""
    from innercircle.settings import Settings
    from pipelines.bench import ephemeral_instance, execute_quietly, job_of, step_spans

    out.mkdir(parents=True, exist_ok=True)
    public = out / "innercircle.duckdb"
    shutil.copyfile(snapshot, out / "innercircle.work.duckdb")
    sources = snapshot.with_name(snapshot.name.replace(".duckdb", ".sources.yaml"))
    env = _env(public) | {"INNERCIRCLE_SOURCES": str(sources)}
    settings = Settings.from_env({**os.environ, **env})
    tail = job_of(TAIL, settings, name="tail")
    instance = ephemeral_instance()
    cpu0, start = os.times(), time.perf_counter()
    result = execute_quietly(tail, instance, partition_key=AS_OF[:10])
    wall = time.perf_counter() - start
    cpu1 = os.times()
    cpu = cpu1.user + cpu1.system - cpu0.user - cpu0.system
    steps = [
        (key, end - begin)
        for key, begin, end in step_spans(instance, result.run_id, failed_too=False)
    ]
    print(f"tail of {snapshot.name}: {'ok' if result.success else 'FAILED'}, "
          f"{len(steps)} steps, wall {wall:.2f} s, CPU {cpu:.2f} s of this process, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"load average {os.getloadavg()[0]:.1f}")
    for key, seconds in steps:
        print(f"  {key:<48} {seconds:6.2f} s")
    if not result.success:
        raise SystemExit(1)


def _tables(path: Path) -> dict[str, list[tuple[str, str]]]:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        return {t: con.execute(f"DESCRIBE {t}").fetchall() for t in names}


def _differing(a: Path, b: Path, ignore: dict[str, set[str]]) -> dict[str, list[str]]:
    """Per table of two published files, the columns whose sorted values differ."""
    import duckdb

    tables_a, tables_b = _tables(a), _tables(b)
    out: dict[str, list[str]] = {}
    for t in sorted(set(tables_a) | set(tables_b)):
        if t not in tables_a or t not in tables_b:
            out[t] = ["(missing in one)"]
            continue
        cols = [c[0] for c in tables_a[t] if c[0] not in ignore.get(t, set())]
        if cols != [c[0] for c in tables_b[t] if c[0] not in ignore.get(t, set())]:
            out[t] = ["(columns differ)"]
            continue
        con = duckdb.connect()
        con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
        bad = []
        for col in cols:
            q = (f'SELECT count(*) FROM ((SELECT "{col}" FROM a.{t} EXCEPT ALL '
                 f'SELECT "{col}" FROM b.{t}) UNION ALL (SELECT "{col}" FROM b.{t} '
                 f'EXCEPT ALL SELECT "{col}" FROM a.{t}))')
            if con.execute(q).fetchone()[0]:
                bad.append(col)
        listed = ", ".join(f'"{c}"' for c in cols)
        whole = (f"SELECT count(*) FROM ((SELECT {listed} FROM a.{t} EXCEPT ALL SELECT "
                 f"{listed} FROM b.{t}) UNION ALL (SELECT {listed} FROM b.{t} EXCEPT ALL "
                 f"SELECT {listed} FROM a.{t}))") if cols else "SELECT 0"
        if not bad and con.execute(whole).fetchone()[0]:
            bad.append("(rows differ)")
        con.close()
        if bad:
            out[t] = bad
    return out


def compare(a: Path, b: Path, ignore_from: Path | None) -> int:
    pub = "innercircle.duckdb"
    ignore = {t: set(c) for t, c in _differing(a / pub, ignore_from / pub, {}).items()} \
        if ignore_from else {}
    for t, cols in sorted(ignore.items()):
        print(f"ignored (differ between two replays of the same code): {t}: {', '.join(cols)}")
    diff = _differing(a / pub, b / pub, ignore)
    tables = _tables(a / pub)
    for t, cols in diff.items():
        print(f"DIFFERS {t}: {', '.join(cols)}")
    print(f"{len(tables) - len(diff)} of {len(tables)} tables identical"
          + (" (ignoring the columns above)" if ignore else ""))
    return 1 if diff else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make")
    m.add_argument("directory", type=Path)
    m.add_argument("--scale", type=float, default=1)
    r = sub.add_parser("replay")
    r.add_argument("snapshot", type=Path)
    r.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    c.add_argument("--ignore-from", type=Path)
    args = parser.parse_args()
    if args.command == "make":
        print(make(args.directory, args.scale))
        return 0
    if args.command == "replay":
        replay(args.snapshot, args.out)
        return 0
    return compare(args.a, args.b, args.ignore_from)


if __name__ == "__main__":
    sys.exit(main())
