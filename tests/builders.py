"""Builders the tests share: a fetch policy for loopback servers, and warehouse rows
(documents, mentions, people) with every NOT NULL column filled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from innercircle import warehouse
from innercircle.fetch import FetchPolicy

TEST_AGENT = "innercircle-test/0.1 (+mailto:ops@example.test)"


def fetch_policy(**overrides: Any) -> FetchPolicy:
    """Private networks allowed (test servers are on loopback), no waiting between requests
    or retries; ``overrides`` change any field."""
    values: dict[str, Any] = dict(
        user_agent=TEST_AGENT,
        allow_private_networks=True,
        per_host_rate=1000.0,
        backoff_base_s=0.01,
    )
    values.update(overrides)
    return FetchPolicy(**values)


def document_row(doc_id: str, host: str, published_at: datetime | None, **extra: Any) -> dict:
    """A ``documents`` row; its content hash is its id."""
    return {
        "doc_id": doc_id,
        "url": f"http://{host}/{doc_id}",
        "host": host,
        "kind": "article",
        "content_hash": doc_id,
        "text_chars": 0,
        "byline": [],
        "published_at": published_at,
        "extracted_at": published_at or datetime(2026, 1, 1),
        **extra,
    }


def mention_row(mention_id: str, doc_id: str, name: str, role: str = "mentioned") -> dict:
    """A ``mentions`` row found by NER; the name's lower case is its key."""
    return {
        "mention_id": mention_id,
        "doc_id": doc_id,
        "name": name,
        "name_key": name.lower(),
        "surface": name,
        "role": role,
        "origin": "ner",
        "quoted": False,
        "content_hash": doc_id,
    }


def load_world(
    con: duckdb.DuckDBPyConnection,
    documents: Iterable[dict],
    mentions: Iterable[dict],
    industry_of: dict[str, str],
    people: dict[str, tuple[str, str]],
) -> None:
    """Fill a warehouse with documents (in the industries ``industry_of`` gives by doc
    id), mentions and resolved people (``{name_key: (person_id, name)}``), as extraction
    and resolution would have left them."""
    documents = list(documents)
    industries = [
        {"doc_id": d["doc_id"], "industry": industry_of[d["doc_id"]], "source_url": d["host"]}
        for d in documents
    ]
    aliases = [
        {"alias_key": k, "alias": n, "person_id": pid, "mentions": 1, "documents": 1,
         "hosts": [], "rule": "exact"}
        for k, (pid, n) in people.items()
    ]
    rows = [
        {"person_id": pid, "name": n, "name_key": k, "aliases": 1, "documents": 1, "profiles": []}
        for k, (pid, n) in people.items()
    ]
    for table, data in (
        ("documents", documents),
        ("document_industries", industries),
        ("mentions", list(mentions)),
        ("person_aliases", aliases),
        ("people", rows),
    ):
        warehouse.insert(con, table, pa.Table.from_pylist(data))
