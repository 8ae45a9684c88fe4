"""How the ranking scales: synthetic mentions into an in-memory DuckDB warehouse, then the
full ranking (evidence units with near-duplicates collapsed, signals, PageRank centrality,
score, rank), writing ``recurring_voices`` and materialising its ``voice_evidence``.

The synthetic web: 5 mentions per document (one author, four people named), 2,000 sites
in 8 industries, one person per 40 mentions with a skewed popularity (a few people are
named very often, most rarely), 2% of documents reposts of another document. Everything
is generated inside DuckDB with a fixed seed, so the data is the same on every run.

    .venv/bin/python benchmarks/ranking_scale.py                 # 250k, 500k, 1M mentions
    .venv/bin/python benchmarks/ranking_scale.py 1000000 2000000

Prints the time of each phase (best of three runs, after a warm-up) and the time per
million mentions; cost that grows no faster than linearly shows as a flat (or falling)
time per million.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime

AS_OF = datetime(2026, 1, 1)
SITES = 2000
INDUSTRIES = 8
MENTIONS_PER_DOC = 5
MENTIONS_PER_PERSON = 40
REPEATS = 3

GENERATE = [
    # documents: spread over 365 days
    # columns named: columns added to the table later (ALTER-safe schema) stay NULL
    """INSERT INTO documents (doc_id, url, host, kind, title, published_at, content_hash,
                             text_chars, text, byline, byline_origin, extracted_at)
       SELECT printf('d%09d', d) AS doc_id, printf('http://s%d.example/%d', d % $sites, d),
              printf('s%d.example', d % $sites), 'article', NULL,
              TIMESTAMP '2025-01-01' + to_seconds((hash(d, 1) % 31536000)::BIGINT),
              printf('h%d', d), 0, NULL, []::VARCHAR[], 'feed', TIMESTAMP '2026-01-01'
       FROM range($docs) t(d)""",
    """INSERT INTO document_industries
       SELECT printf('d%09d', d), printf('industry%d', (d % $sites) % $industries),
              printf('http://s%d.example/feed', d % $sites)
       FROM range($docs) t(d)""",
    # 2% of documents repost an earlier one: same cluster, the earlier copy canonical
    """INSERT INTO document_clusters
       SELECT printf('d%09d', d),
              printf('d%09d', CASE WHEN d % 50 = 49 THEN d - 49 ELSE d END),
              d % 50 <> 49, CASE WHEN d % 50 IN (0, 49) THEN 2 ELSE 1 END
       FROM range($docs) t(d)""",
    # people: popularity skewed (the square of a uniform draw favours low ids)
    """INSERT INTO mentions
       SELECT printf('m%010d', i), printf('d%09d', i // $per_doc),
              printf('person %d', p), printf('person %d', p), printf('Person %d', p),
              CASE WHEN i % $per_doc = 0 THEN 'author' ELSE 'mentioned' END,
              CASE WHEN i % $per_doc = 0 THEN 'feed' ELSE 'ner' END,
              hash(i, 3) % 4 = 0, 'A sentence naming the person.', 'h'
       FROM (SELECT i, (pow((hash(i, 2) % 1000000) / 1000000.0, 2) * $people)::BIGINT AS p
             FROM range($mentions) t(i))""",
    """INSERT INTO person_aliases
       SELECT DISTINCT name_key, name, 'p_' || name_key, 1, 1, []::VARCHAR[], 'exact'
       FROM mentions""",
    """INSERT INTO people
       SELECT person_id, alias, alias_key, 1, 1, []::VARCHAR[], NULL, NULL FROM person_aliases""",
]


def run(mentions: int) -> dict[str, float]:
    import duckdb

    from innercircle import warehouse
    from innercircle.ranking import RankingConfig, rank_voices

    con = duckdb.connect()
    warehouse.ensure_schema(con)
    params = {
        "docs": mentions // MENTIONS_PER_DOC,
        "mentions": mentions,
        "per_doc": MENTIONS_PER_DOC,
        "people": max(1, mentions // MENTIONS_PER_PERSON),
        "sites": SITES,
        "industries": INDUSTRIES,
    }
    t0 = time.perf_counter()
    for sql in GENERATE:
        con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    times = {"generate": time.perf_counter() - t0}

    t0 = time.perf_counter()
    ranking = rank_voices(con, RankingConfig(), AS_OF)
    times["rank"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    warehouse.replace_all(con, "recurring_voices", ranking)
    times["write"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    evidence = con.execute(
        "CREATE TEMP TABLE _evidence AS SELECT * FROM voice_evidence; "
        "SELECT count(*) FROM _evidence"
    ).fetchone()[0]
    times["evidence"] = time.perf_counter() - t0
    times["total"] = times["rank"] + times["write"] + times["evidence"]
    times["voices"] = ranking.num_rows
    times["evidence_rows"] = evidence
    con.close()
    return times


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [250_000, 500_000, 1_000_000]
    run(10_000)  # warm-up: imports, first-query planning
    print(
        f"{'mentions':>10} {'rank':>7} {'write':>7} {'evidence':>9} {'total':>7} "
        f"{'s per 1M':>9} {'voices':>7} {'evidence rows':>14}"
    )
    for n in sizes:
        # best of REPEATS: the machine is shared, the minimum is the least disturbed run
        t = min((run(n) for _ in range(REPEATS)), key=lambda r: r["total"])
        print(
            f"{n:>10,} {t['rank']:>6.2f}s {t['write']:>6.2f}s {t['evidence']:>8.2f}s "
            f"{t['total']:>6.2f}s {t['total'] / n * 1e6:>8.2f}s {t['voices']:>7,} "
            f"{t['evidence_rows']:>14,}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
