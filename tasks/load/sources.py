"""What the warehouse remembers about sources beyond their items: each feed's detected kind and
channel title (a publisher signal for its pages), and the child sitemaps of a sitemap index
(their ``<lastmod>``, so unchanged children are skipped)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

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
    One statement per table for the whole batch (each statement on a lake table writes files).
    """
    now = utcnow()
    kinds = {poll.feed_url: (poll.kind, poll.title) for poll in polls if poll.status == "ok"}
    children = _child_rows(polls, now)
    if not kinds and not children:
        return
    with transaction(con):
        if kinds:
            con.register(
                "batch_kinds",
                pa.table(
                    {
                        "feed_url": pa.array(list(kinds), pa.string()),
                        "kind": pa.array([k for k, _ in kinds.values()], pa.string()),
                        "title": pa.array([t for _, t in kinds.values()], pa.string()),
                    }
                ),
            )
            try:
                # Only rows whose kind or title changed: record_polls already wrote the
                # usual case.
                con.execute(
                    """
                    UPDATE feeds SET kind = k.kind, title = coalesce(k.title, feeds.title)
                    FROM batch_kinds k
                    WHERE feeds.feed_url = k.feed_url
                      AND (feeds.kind IS DISTINCT FROM k.kind
                           OR (k.title IS NOT NULL AND feeds.title IS DISTINCT FROM k.title))
                    """
                )
            finally:
                con.unregister("batch_kinds")
        if children:
            con.register("batch_children", pa.Table.from_pylist(children, schema=_CHILD_SCHEMA))
            try:
                con.execute(
                    """
                    MERGE INTO sitemap_children USING batch_children AS s
                    ON sitemap_children.sitemap_url = s.sitemap_url
                       AND sitemap_children.child_url = s.child_url
                    WHEN NOT MATCHED THEN INSERT
                        (sitemap_url, child_url, lastmod, last_status, last_error, urls,
                         last_read_at)
                    VALUES (s.sitemap_url, s.child_url, s.lastmod, s.last_status, s.last_error,
                            s.urls, s.last_read_at)
                    WHEN MATCHED THEN UPDATE SET
                        lastmod = CASE WHEN s.was_read THEN s.lastmod
                                       ELSE sitemap_children.lastmod END,
                        last_status = s.last_status,
                        last_error = s.last_error,
                        urls = CASE WHEN s.was_read THEN s.urls ELSE sitemap_children.urls END,
                        last_read_at = CASE WHEN s.was_read THEN s.last_read_at
                                            ELSE sitemap_children.last_read_at END
                    """
                )
            finally:
                con.unregister("batch_children")


_CHILD_SCHEMA = pa.schema(
    [
        ("sitemap_url", pa.string()),
        ("child_url", pa.string()),
        ("was_read", pa.bool_()),
        ("lastmod", pa.string()),
        ("last_status", pa.string()),
        ("last_error", pa.string()),
        ("urls", pa.int32()),
        ("last_read_at", pa.timestamp("us")),
    ]
)


def _child_rows(polls: Sequence[FeedPoll], now: datetime) -> list[dict[str, object]]:
    """One row per (index, child): its last status this batch, and what its last read gave
    (``was_read`` false when none read it, so the stored lastmod is kept)."""
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for poll in polls:
        for child in poll.children:
            row = rows.setdefault(
                (poll.feed_url, child.url),
                {"sitemap_url": poll.feed_url, "child_url": child.url, "was_read": False},
            )
            row.update(last_status=child.status, last_error=child.error)
            if child.status == "read":
                row.update(was_read=True, lastmod=child.lastmod, urls=child.urls, last_read_at=now)
    return list(rows.values())
