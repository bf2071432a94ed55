"""The fetch queue: pages new to the warehouse are queued once, whoever listed them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from newsflow.tasks.load.keyed import insert_new


@dataclass(frozen=True, slots=True)
class PageFeed:
    """Who listed a queued page first."""

    feed_url: str  # the feed that first listed it (by ``feed_items.first_seen_at``)
    title: str | None  # the channel title of the first of its feeds that has one
    author: str | None = None  # the author of the first of its feed items that names one


def page_feeds(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, PageFeed]:
    """For each page the warehouse has feed items for: its first feed, and the first title
    of a feed that listed it (a first feed with no title is skipped for the title). One
    read, for both the fair order of the queue and the publisher and author signals of
    extraction; read with the queue (not at poll time), so a page left from an earlier run,
    or listed by a feed that answered 304 this time, still gets its feed's title."""
    if not urls:
        return {}
    con.register("queued_pages", pa.table({"page_url": pa.array(list(urls), pa.string())}))
    try:
        rows = con.execute(
            """
            SELECT i.page_url, arg_min(i.feed_url, i.first_seen_at),
                   arg_min(f.title, i.first_seen_at) FILTER (WHERE f.title IS NOT NULL),
                   arg_min(i.author, i.first_seen_at) FILTER (WHERE i.author IS NOT NULL)
            FROM feed_items i
            JOIN queued_pages q USING (page_url)
            LEFT JOIN feeds f USING (feed_url)
            GROUP BY i.page_url
            """
        ).fetchall()
    finally:
        con.unregister("queued_pages")
    return {
        page: PageFeed(feed_url=feed, title=title, author=author)
        for page, feed, title, author in rows
    }


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
