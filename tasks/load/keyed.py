"""Idempotent inserts without primary keys (DuckLake tables have none).

The warehouse's ids are content hashes and natural keys, so "insert if new" is an anti-join
of the batch against the table on its key columns, done inside the caller's transaction by
the single writer (the ingest lock): no two writers can race between the check and the
insert.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

# Tables and their key columns: the keys the migrations declare (see warehouse/README.md).
KEYS: dict[str, tuple[str, ...]] = {
    "pages": ("page_url",),
    "feed_items": ("feed_url", "page_url"),
    "articles": ("article_id",),
    "article_authors": ("article_id", "position"),
    "embedded_posts": ("article_id", "position"),
    "warc_records": ("page_url",),
    "search_docs": ("article_id",),
}


def insert_new(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: str,
    *,
    keys: Sequence[str] | None = None,
    columns: str = "*",
    returning: Sequence[str] | None = None,
) -> list[tuple]:
    """Insert (by name) the rows of relation ``source`` whose key ``table`` lacks; return
    the keys (or the ``returning`` columns) of the rows inserted. Of rows of ``source``
    sharing a key, one is inserted.

    ``table`` and ``source`` are names chosen by the code, never input.
    """
    keys = tuple(keys or KEYS[table])
    key_list = ", ".join(keys)
    match = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE keyed_new AS "  # noqa: S608 - constant names
        f"SELECT {columns} FROM {source} s WHERE NOT EXISTS "
        f"(SELECT 1 FROM {table} t WHERE {match}) "
        f"QUALIFY row_number() OVER (PARTITION BY {key_list}) = 1"
    )
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM keyed_new")  # noqa: S608
        wanted = ", ".join(returning) if returning else key_list
        return con.execute(f"SELECT {wanted} FROM keyed_new").fetchall()  # noqa: S608
    finally:
        con.execute("DROP TABLE IF EXISTS keyed_new")
