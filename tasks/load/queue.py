"""The fetch queue: pages new to the warehouse are queued once, whoever listed them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import duckdb
import pyarrow as pa

from newsflow.tasks.load.keyed import insert_new


def feed_of_pages(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, str]:
    """The feed that first listed each page (by ``feed_items.first_seen_at``)."""
    if not urls:
        return {}
    con.register("queued_pages", pa.table({"page_url": pa.array(list(urls), pa.string())}))
    try:
        rows = con.execute(
            """
            SELECT f.page_url, arg_min(f.feed_url, f.first_seen_at)
            FROM feed_items f JOIN queued_pages q USING (page_url)
            GROUP BY f.page_url
            """
        ).fetchall()
    finally:
        con.unregister("queued_pages")
    return dict(rows)


def queue_pages(con: duckdb.DuckDBPyConnection, urls: Iterable[str], now: datetime) -> set[str]:
    """Queue the pages the warehouse has not seen as ``pending``; return the ones queued."""
    unique = sorted(set(urls))
    if not unique:
        return set()
    con.register("pages_to_queue", pa.table({"page_url": pa.array(unique, pa.string())}))
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE pages_to_queue_rows AS "
            "SELECT page_url, 'pending' AS status, ?::TIMESTAMP AS first_seen_at "
            "FROM pages_to_queue",
            [now],
        )
        rows = insert_new(con, "pages", "pages_to_queue_rows")
        con.execute("DROP TABLE pages_to_queue_rows")
    finally:
        con.unregister("pages_to_queue")
    return {row[0] for row in rows}
