"""What the warehouse remembers about sources beyond RSS: each feed's detected kind and the
child sitemaps of a sitemap index (their ``<lastmod>``, so unchanged children are skipped)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

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
                    "UPDATE feeds SET kind = ? WHERE feed_url = ?", [poll.kind, poll.feed_url]
                )
            for child in poll.children:
                read = child.status == "read"
                con.execute(
                    """
                    MERGE INTO sitemap_children
                    USING (SELECT $sitemap AS sitemap_url, $child AS child_url) AS s
                    ON sitemap_children.sitemap_url = s.sitemap_url
                       AND sitemap_children.child_url = s.child_url
                    WHEN NOT MATCHED THEN INSERT
                        (sitemap_url, child_url, lastmod, last_status, last_error, urls,
                         last_read_at)
                    VALUES ($sitemap, $child, CASE WHEN $read THEN $lastmod END, $status,
                            $error, CASE WHEN $read THEN $urls END, CASE WHEN $read THEN $now END)
                    WHEN MATCHED THEN UPDATE SET
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
