"""A backfill's state in the warehouse: the window, the children read, the stories queued.

Stories are queued in ``pages`` like a feed's (``feed_items.source_kind = 'backfill'``), so
the fetches resume after a kill, and the next ``ingest`` run would fetch them as well.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from newsflow.clock import utcnow
from newsflow.tasks.load.keyed import insert_new
from newsflow.tasks.load.queue import queue_pages
from newsflow.tasks.load.rows import arrow_table
from newsflow.tasks.records import FeedItem
from newsflow.warehouse.db import transaction

_ITEM_COLUMNS = [
    "feed_url",
    "page_url",
    "link",
    "title",
    "published_at",
    "first_seen_at",
    "last_seen_at",
    "source_kind",
    "lastmod",
    "keywords",
    "language",
]


def begin(
    con: duckdb.DuckDBPyConnection, source: str, since: datetime, until: datetime, run_id: str
) -> set[str]:
    """Start (or resume) the window; return the child sitemaps already read for it."""
    con.execute(
        """
        MERGE INTO backfills USING (
            SELECT ? AS source_url, ?::TIMESTAMP AS since, ?::TIMESTAMP AS until,
                   ? AS run_id, ?::TIMESTAMP AS started_at
        ) AS s
        ON backfills.source_url = s.source_url AND backfills.since = s.since
           AND backfills.until = s.until
        WHEN MATCHED THEN UPDATE SET status = 'running', run_id = s.run_id, error = NULL
        WHEN NOT MATCHED THEN INSERT (source_url, since, until, status, run_id, started_at)
            VALUES (s.source_url, s.since, s.until, 'running', s.run_id, s.started_at)
        """,
        [source, since, until, run_id, utcnow()],
    )
    rows = con.execute(
        "SELECT child_url FROM backfill_children "
        "WHERE source_url = ? AND since = ? AND until = ? AND status = 'done'",
        [source, since, until],
    ).fetchall()
    return {row[0] for row in rows}


def queue_child(
    con: duckdb.DuckDBPyConnection,
    source: str,
    window: tuple[datetime, datetime],
    child_url: str,
    items: list[FeedItem],
    error: str | None = None,
) -> int:
    """Queue one child's stories in the window and mark the child read; return new pages.

    A child with an ``error`` and no items is marked failed (read again next time).
    """
    now = utcnow()
    status = "failed" if error and not items else "done"
    rows = [
        {
            "feed_url": source,
            "page_url": item.url,
            "link": item.link,
            "title": item.title,
            "published_at": item.published_at,
            "first_seen_at": now,
            "last_seen_at": now,
            "source_kind": "backfill",
            "lastmod": item.lastmod,
            "keywords": item.keywords,
            "language": item.language,
        }
        for item in items
    ]
    with transaction(con):
        con.register("batch_backfill", arrow_table(con, "feed_items", rows, _ITEM_COLUMNS))
        insert_new(con, "feed_items", "batch_backfill")
        new = queue_pages(con, (row["page_url"] for row in rows), now)
        con.unregister("batch_backfill")
        con.execute(
            """
            MERGE INTO backfill_children USING (
                SELECT ? AS source_url, ?::TIMESTAMP AS since, ?::TIMESTAMP AS until,
                       ? AS child_url, ? AS status, ?::INTEGER AS urls, ? AS error,
                       ?::TIMESTAMP AS read_at
            ) AS s
            ON backfill_children.source_url = s.source_url
               AND backfill_children.since = s.since AND backfill_children.until = s.until
               AND backfill_children.child_url = s.child_url
            WHEN MATCHED THEN UPDATE SET
                status = s.status, urls = s.urls, error = s.error, read_at = s.read_at
            WHEN NOT MATCHED THEN INSERT BY NAME
            """,
            [source, *window, child_url, status, len(items), error, now],
        )
    return len(new)


def pages_in_window(
    con: duckdb.DuckDBPyConnection,
    source: str,
    since: datetime,
    until: datetime,
    *,
    max_attempts: int,
) -> list[str]:
    """The window's stories still to fetch (pending, or failed and due), newest first."""
    rows = con.execute(
        """
        SELECT DISTINCT p.page_url, coalesce(f.published_at, f.lastmod) AS day
        FROM feed_items f JOIN pages p USING (page_url)
        WHERE f.feed_url = ? AND f.source_kind = 'backfill'
          AND (coalesce(f.published_at, f.lastmod) IS NULL
               OR coalesce(f.published_at, f.lastmod) >= ? AND coalesce(f.published_at, f.lastmod) < ?)
          AND (p.status = 'pending'
               OR (p.status = 'failed' AND p.retryable AND p.attempts < ?
                   AND (p.next_attempt_at IS NULL OR p.next_attempt_at <= ?)))
        ORDER BY day DESC NULLS LAST, p.page_url
        """,
        [source, since, until, max_attempts, utcnow()],
    ).fetchall()
    return [row[0] for row in rows]


def finish(
    con: duckdb.DuckDBPyConnection,
    source: str,
    since: datetime,
    until: datetime,
    *,
    children_total: int,
    error: str | None,
) -> None:
    """Close the window's row: ``completed`` when every child was read, else ``failed``."""
    done, queued = con.execute(
        """
        SELECT count(*) FILTER (WHERE status = 'done'), coalesce(sum(urls), 0)
        FROM backfill_children WHERE source_url = ? AND since = ? AND until = ?
        """,
        [source, since, until],
    ).fetchone()
    con.execute(
        """
        UPDATE backfills SET status = ?, children_total = ?, children_done = ?, queued = ?,
            error = ?, finished_at = CASE WHEN ? THEN ? END
        WHERE source_url = ? AND since = ? AND until = ?
        """,
        [
            "failed" if error else "completed",
            children_total,
            done,
            queued,
            error,
            error is None,
            utcnow(),
            source,
            since,
            until,
        ],
    )
