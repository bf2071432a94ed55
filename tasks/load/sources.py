"""What the warehouse remembers about sources beyond their items: each feed's detected kind and
channel title (a publisher signal for its pages), and the child sitemaps of a sitemap index
(their ``<lastmod>``, so unchanged children are skipped)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from newsflow.clock import utcnow
from newsflow.tasks.records import FeedPoll, FeedState
from newsflow.warehouse.db import transaction


def attach_sitemap_children(con: duckdb.DuckDBPyConnection, states: dict[str, FeedState]) -> None:
    """Give each feed state the child sitemaps read successfully before, with their lastmod."""
    rows = con.execute(
        """
        SELECT sitemap_url, child_url, lastmod FROM sitemap_children
        WHERE lastmod IS NOT NULL AND last_status IN ('read', 'unchanged')
        """
    ).fetchall()
    for sitemap_url, child_url, lastmod in rows:
        state = states.get(sitemap_url)
        if state is not None:
            state.sitemap_children[child_url] = lastmod


def record_source_state(con: duckdb.DuckDBPyConnection, polls: Sequence[FeedPoll]) -> None:
    """Store each polled source's kind and its children's state, in one transaction.

    A child read this time keeps the lastmod the index gave it; a failed or deferred one
    keeps the old lastmod (so it differs from the index's, and the child is read next time).
    """
    now = utcnow()
    with transaction(con):
        for poll in polls:
            if poll.status == "ok":
                con.execute(
                    "UPDATE feeds SET kind = ?, title = coalesce(?, title) WHERE feed_url = ?",
                    [poll.kind, poll.title, poll.feed_url],
                )
            for child in poll.children:
                read = child.status == "read"
                con.execute(
                    """
                    INSERT INTO sitemap_children
                        (sitemap_url, child_url, lastmod, last_status, last_error, urls,
                         last_read_at)
                    VALUES ($sitemap, $child, CASE WHEN $read THEN $lastmod END, $status,
                            $error, CASE WHEN $read THEN $urls END, CASE WHEN $read THEN $now END)
                    ON CONFLICT (sitemap_url, child_url) DO UPDATE SET
                        lastmod = CASE WHEN $read THEN $lastmod ELSE sitemap_children.lastmod END,
                        last_status = $status,
                        last_error = $error,
                        urls = CASE WHEN $read THEN $urls ELSE sitemap_children.urls END,
                        last_read_at = CASE WHEN $read THEN $now
                                            ELSE sitemap_children.last_read_at END
                    """,
                    {
                        "sitemap": poll.feed_url,
                        "child": child.url,
                        "lastmod": child.lastmod,
                        "status": child.status,
                        "error": child.error,
                        "urls": child.urls,
                        "read": read,
                        "now": now,
                    },
                )


def feed_titles(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, str]:
    """The channel title of the feed that first listed each page, for the pages that have one.

    Read with the queue (not at poll time), so a page left from an earlier run, or listed by
    a feed that answered 304 this time, still gets its feed's title.
    """
    if not urls:
        return {}
    con.register("titled_pages", pa.table({"page_url": pa.array(list(urls), pa.string())}))
    try:
        rows = con.execute(
            """
            SELECT i.page_url, arg_min(f.title, i.first_seen_at)
            FROM feed_items i
            JOIN titled_pages q USING (page_url)
            JOIN feeds f USING (feed_url)
            WHERE f.title IS NOT NULL
            GROUP BY i.page_url
            """
        ).fetchall()
    finally:
        con.unregister("titled_pages")
    return dict(rows)
