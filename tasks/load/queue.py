"""What the fetch queue needs to know about queued pages: the feed that listed each one."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa


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
