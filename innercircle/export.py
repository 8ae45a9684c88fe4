"""Export the inner circle (with profiles and links) for a CRM or a spreadsheet, or every
warehouse table as Parquet. DuckDB's ``COPY`` writes the files, from the published
warehouse opened read-only.

CSV cannot hold lists, so list columns are joined with ``; `` (empty: no value) and the
latest piece is flattened into its own columns; Parquet and JSON keep lists and structs as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from innercircle.ranking import SIGNALS, Signal

FORMATS = ("csv", "parquet", "json")

#: The signal columns the export has always had, first and in this order; every other
#: stored signal of SIGNALS follows the reasons (an export's columns are only added).
FIRST_SIGNALS = (
    "distinct_sources", "distinct_documents", "authored_docs", "mentioned_docs",
    "citing_authors",
)

# {first}: FIRST_SIGNALS; {signals}: the other stored signals, so a new one is exported too.
CIRCLE_SQL = """
SELECT v.industry, v.rank, v.name, v.person_id, round(v.score, 4) AS score, p.relevance,
       p.beats, p.writes_for, p.carried_by, p.homepage, p.profiles, p.latest,
       [c.name FOR c IN p.cites] AS cites, [c.name FOR c IN p.cited_by] AS cited_by,
       {first}, v.first_seen, v.last_seen, v.reasons{signals}
FROM recurring_voices v
LEFT JOIN voice_profiles p ON p.industry = v.industry AND p.person_id = v.person_id
WHERE $industry IS NULL OR v.industry = $industry
ORDER BY v.industry, v.rank
"""

CSV_SQL = """
SELECT industry, rank, name, person_id, score, relevance,
       nullif(array_to_string(beats, '; '), '') AS beats,
       nullif(array_to_string(writes_for, '; '), '') AS writes_for,
       nullif(array_to_string(carried_by, '; '), '') AS carried_by, homepage,
       nullif(array_to_string(profiles, '; '), '') AS profiles,
       latest[1].title AS latest_title, latest[1].url AS latest_url,
       latest[1].published_at AS latest_published_at, latest[1].role AS latest_role,
       nullif(array_to_string(cites, '; '), '') AS cites,
       nullif(array_to_string(cited_by, '; '), '') AS cited_by,
       {first}, first_seen, last_seen, reasons{signals}
FROM ({circle})
"""


def circle_query(fmt: str, signals: Sequence[Signal] = SIGNALS) -> str:
    """The SELECT an export of ``fmt`` writes (``$industry`` NULL for every industry), with
    every stored signal of ``signals`` as a column."""
    names = [s.name for s in signals if s.column and s.name not in FIRST_SIGNALS]
    circle = CIRCLE_SQL.format(first=", ".join(f"v.{n}" for n in FIRST_SIGNALS),
                               signals="".join(f", v.{n}" for n in names))
    if fmt != "csv":
        return circle
    return CSV_SQL.format(circle=circle, first=", ".join(FIRST_SIGNALS),
                          signals="".join(f", {n}" for n in names))


def export_circle(
    con, fmt: str, out: Path, industry: str | None = None, signals: Sequence[Signal] = SIGNALS
) -> int:
    """Write the inner circle (one industry, or all) to ``out``; returns the rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    options = {
        "csv": "FORMAT csv, HEADER true",
        "parquet": "FORMAT parquet",
        "json": "FORMAT json, ARRAY true",
    }[fmt]
    sql = circle_query(fmt, signals).replace("$industry", "$ind")
    # COPY answers with the number of rows it wrote, so the query runs once.
    return con.execute(
        f"COPY ({sql}) TO '{_quoted(out)}' ({options})", {"ind": industry}
    ).fetchone()[0]


def export_tables(con, directory: Path) -> dict[str, int]:
    """Every base table of the warehouse as ``<directory>/<table>.parquet``; returns rows."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = [
        r[0]
        for r in con.execute(
            """SELECT table_name FROM information_schema.tables
               WHERE table_type = 'BASE TABLE' AND table_schema = 'main' ORDER BY 1"""
        ).fetchall()
    ]
    written = {}
    for table in tables:
        written[table] = con.execute(
            f"COPY (SELECT * FROM \"{table}\") TO '{_quoted(directory / (table + '.parquet'))}' "
            "(FORMAT parquet)"
        ).fetchone()[0]
    return written


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
