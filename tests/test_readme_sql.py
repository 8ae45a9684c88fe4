"""Every SQL statement in the README runs on the published warehouse of the sample web, the
one `make demo` builds, and the examples that name a person find them there: a newcomer
pasting them sees rows, not an error or an empty answer."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # reads the shared sample run

SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.S)


def readme_statements() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    statements = []
    for block in SQL_BLOCK.findall(text):
        code = "\n".join(line.split("--", 1)[0] for line in block.splitlines())
        statements += [s.strip() for s in code.split(";") if s.strip()]
    return statements


def test_every_readme_statement_runs_and_the_named_examples_find_their_person(sample_run):
    statements = readme_statements()
    assert len(statements) >= 15
    named = [s for s in statements if re.search(r"name = '[^']+'", s)]
    assert len(named) >= 3
    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        for statement in statements:
            rows = con.execute(statement).fetchall()
            if statement in named:
                assert rows, statement
