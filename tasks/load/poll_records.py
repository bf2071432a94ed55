"""Feed polls into the warehouse: each feed's state, the items it listed, the pages to fetch.

One transaction per set of polls: the ``feed_fetches`` rows, the items, the new pages queued
and each feed's next poll are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb
import pyarrow as pa

from newsflow.clock import utcnow
from newsflow.config.settings import PollingSettings
from newsflow.tasks.fetch import polling
from newsflow.tasks.load.queue import queue_pages
from newsflow.tasks.load.rows import arrow_table
from newsflow.tasks.records import FeedPoll, FeedState
from newsflow.warehouse.db import transaction

_FEED_ITEM_COLUMNS = [
    "feed_url",
    "page_url",
    "link",
    "guid",
    "title",
    "published_at",
    "seen_at",
    "source_kind",
    "lastmod",
    "keywords",
    "language",
    "author",
]
_FEED_FETCH_COLUMNS = [
    "feed_url",
    "run_id",
    "polled_at",
    "status",
    "http_status",
    "bytes",
    "seconds",
    "items",
    "new_items",
    "error",
    "fallback_url",
]


def read_feed_states(con: duckdb.DuckDBPyConnection) -> dict[str, FeedState]:
    """Validators, content hashes, next due time, failures in a row and the sitemap fallen
    back to, remembered for each feed."""
    rows = con.execute(
        "SELECT feed_url, etag, last_modified, content_hash, next_poll_at, "
        "coalesce(failure_streak, 0), fallback_sitemap_url FROM feeds"
    ).fetchall()
    return {
        url: FeedState(
            url=url,
            etag=etag,
            last_modified=modified,
            content_hash=digest,
            next_poll_at=due,
            failure_streak=streak,
            fallback_sitemap=fallback,
        )
        for url, etag, modified, digest, due, streak, fallback in rows
    }


def record_polls(
    con: duckdb.DuckDBPyConnection,
    polls: Sequence[FeedPoll],
    *,
    run_id: str | None = None,
    polling_settings: PollingSettings | None = None,
) -> int:
    """Store each feed's poll outcome, the items it listed, and new pages to fetch.

    In the same transaction: one ``feed_fetches`` row per poll, and each feed's next poll
    (``feeds.next_poll_at``, paused or not) planned by ``newsflow.tasks.fetch.polling``.
    Returns how many pages are new to the warehouse.
    """
    now = utcnow()
    items = [
        {
            "feed_url": item.feed_url,
            "page_url": item.url,
            "link": item.link,
            "guid": item.guid,
            "title": item.title,
            "published_at": item.published_at,
            "seen_at": poll.polled_at or now,
            "source_kind": item.source_kind,
            "lastmod": item.lastmod,
            "keywords": item.keywords,
            "language": item.language,
            "author": item.author,
        }
        for poll in polls
        for item in poll.items
    ]
    items_table = arrow_table(
        con, "feed_items", items, _FEED_ITEM_COLUMNS, extra={"seen_at": pa.timestamp("us")}
    )
    with transaction(con):
        feeds = _stored_feeds(con, polls)
        for poll in polls:
            _record_poll(feeds, poll, now)
        con.register("batch_feed_items", items_table)
        new_per_feed = _new_items_per_feed(con) if items else {}
        if items:
            con.execute(
                """
                MERGE INTO feed_items USING (
                    SELECT feed_url, page_url, arg_min(link, published_at) AS link,
                           any_value(guid) AS guid, any_value(title) AS title,
                           min(published_at) AS published_at,
                           min(seen_at) AS first_seen_at, max(seen_at) AS last_seen_at,
                           any_value(source_kind) AS source_kind, max(lastmod) AS lastmod,
                           any_value(keywords) AS keywords, any_value(language) AS language,
                           any_value(author) AS author
                    FROM batch_feed_items GROUP BY feed_url, page_url
                ) AS s
                ON feed_items.feed_url = s.feed_url AND feed_items.page_url = s.page_url
                WHEN MATCHED THEN UPDATE SET last_seen_at = s.last_seen_at
                WHEN NOT MATCHED THEN INSERT BY NAME
                """
            )
        new_pages = queue_pages(con, (item["page_url"] for item in items), now)
        con.unregister("batch_feed_items")
        _record_fetches(con, polls, new_per_feed, run_id, now)
        recent = _recent_item_dates(con, polls, now)
        for poll in polls:
            _schedule_next_poll(
                feeds[poll.feed_url],
                poll,
                polling_settings or PollingSettings(),
                now,
                recent.get(poll.feed_url, []),
            )
        _write_feeds(con, feeds)
    return len(new_pages)


def _stored_feeds(
    con: duckdb.DuckDBPyConnection, polls: Sequence[FeedPoll]
) -> dict[str, dict[str, object]]:
    """The stored ``feeds`` rows of the polled feeds (all columns), by URL: the state this
    batch's polls change in memory and ``_write_feeds`` writes back in one statement."""
    urls = sorted({poll.feed_url for poll in polls})
    if not urls:
        return {}
    con.register("polled_feed_urls", pa.table({"feed_url": pa.array(urls, pa.string())}))
    try:
        cursor = con.execute("SELECT * FROM feeds SEMI JOIN polled_feed_urls USING (feed_url)")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.unregister("polled_feed_urls")
    return {row[0]: dict(zip(names, row, strict=True)) for row in rows}


def _write_feeds(con: duckdb.DuckDBPyConnection, feeds: dict[str, dict[str, object]]) -> None:
    """Write the polled feeds' rows back: one MERGE for the batch (every statement on a lake
    table writes files, so never one per feed)."""
    if not feeds:
        return
    columns = [d[0] for d in con.execute("SELECT * FROM feeds LIMIT 0").description]
    rows = [{name: row.get(name) for name in columns} for row in feeds.values()]
    con.register("batch_feeds", arrow_table(con, "feeds", rows, columns))
    updates = ", ".join(f"{name} = s.{name}" for name in columns if name != "feed_url")
    try:
        con.execute(
            f"""
            MERGE INTO feeds USING batch_feeds AS s ON feeds.feed_url = s.feed_url
            WHEN MATCHED THEN UPDATE SET {updates}
            WHEN NOT MATCHED THEN INSERT BY NAME
            """  # noqa: S608 (the table's own column names)
        )
    finally:
        con.unregister("batch_feeds")


def _record_poll(feeds: dict[str, dict[str, object]], poll: FeedPoll, now: datetime) -> None:
    """Apply one poll's outcome to its feed's row (created on its first poll)."""
    polled_at = poll.polled_at or now
    ok = poll.status != "failed"
    row = feeds.setdefault(
        poll.feed_url,
        {"feed_url": poll.feed_url, "first_polled_at": polled_at, "failure_streak": 0},
    )
    row["name"] = poll.name
    if poll.status == "ok":
        row.update(etag=poll.etag, last_modified=poll.last_modified, content_hash=poll.content_hash)
        # Also sources.record_source_state's, which then writes nothing.
        row["kind"] = poll.kind
        row["title"] = poll.title or row.get("title")
    row.update(last_polled_at=polled_at, last_status=poll.status, last_error=poll.error)
    if ok:
        row["last_success_at"] = polled_at
    row["failure_streak"] = 0 if ok else int(row.get("failure_streak") or 0) + 1
    if poll.fallback_url:
        row["fallback_sitemap_url"] = poll.fallback_url


def _new_items_per_feed(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Pages in ``batch_feed_items`` that each feed lists for the first time."""
    rows = con.execute(
        """
        SELECT b.feed_url, count(DISTINCT b.page_url) FROM batch_feed_items b
        WHERE NOT EXISTS (
            SELECT 1 FROM feed_items f WHERE f.feed_url = b.feed_url AND f.page_url = b.page_url
        )
        GROUP BY b.feed_url
        """
    ).fetchall()
    return {url: int(count) for url, count in rows}


def _record_fetches(
    con: duckdb.DuckDBPyConnection,
    polls: Sequence[FeedPoll],
    new_per_feed: dict[str, int],
    run_id: str | None,
    now: datetime,
) -> None:
    rows = [
        {
            "feed_url": poll.feed_url,
            "run_id": run_id,
            "polled_at": poll.polled_at or now,
            "status": poll.status,
            "http_status": poll.http_status,
            "bytes": poll.bytes,
            "seconds": round(poll.seconds, 3),
            "items": len(poll.items),
            "new_items": new_per_feed.get(poll.feed_url, 0),
            "error": poll.error,
            "fallback_url": poll.fallback_url,
        }
        for poll in polls
    ]
    con.register("batch_feed_fetches", arrow_table(con, "feed_fetches", rows, _FEED_FETCH_COLUMNS))
    con.execute("INSERT INTO feed_fetches BY NAME SELECT * FROM batch_feed_fetches")
    con.unregister("batch_feed_fetches")


def _recent_item_dates(
    con: duckdb.DuckDBPyConnection, polls: Sequence[FeedPoll], now: datetime
) -> dict[str, list[datetime]]:
    """The latest item dates (up to the poll's time) of every polled feed, newest first: one
    pass over ``feed_items`` for all the feeds, not one per feed."""
    if not polls:
        return {}
    latest: dict[str, datetime] = {}
    for poll in polls:
        at = poll.polled_at or now
        latest[poll.feed_url] = max(at, latest.get(poll.feed_url, at))
    polled = pa.table(
        {
            "feed_url": pa.array(list(latest), pa.string()),
            "polled_at": pa.array(list(latest.values()), pa.timestamp("us")),
        }
    )
    con.register("polled_feeds", polled)
    try:
        rows = con.execute(
            """
            SELECT feed_url, list(day ORDER BY day DESC)
            FROM (
                SELECT i.feed_url, coalesce(i.published_at, i.first_seen_at) AS day
                FROM feed_items i JOIN polled_feeds f ON f.feed_url = i.feed_url
                WHERE coalesce(i.published_at, i.first_seen_at) <= f.polled_at
                QUALIFY row_number() OVER (PARTITION BY i.feed_url ORDER BY day DESC) <= ?
            )
            GROUP BY feed_url
            """,
            [polling.RECENT_ITEMS * 2],
        ).fetchall()
    finally:
        con.unregister("polled_feeds")
    return {url: list(days) for url, days in rows}


def _schedule_next_poll(
    row: dict[str, object],
    poll: FeedPoll,
    settings: PollingSettings,
    now: datetime,
    dates: list[datetime],
) -> None:
    """Plan the feed's next poll from its publishing rate, its hints and its failures."""
    polled_at = poll.polled_at or now
    if poll.status == "ok":
        row["ttl_seconds"] = poll.ttl_seconds
    plan = polling.plan_next_poll(
        polled_at=polled_at,
        failed=poll.status == "failed",
        failure_streak=row["failure_streak"],
        error=poll.error,
        item_dates=dates,
        settings=settings,
        ttl=row.get("ttl_seconds"),
        max_age=poll.max_age_seconds,
        retry_after=poll.retry_after_seconds,
    )
    paused = plan.paused_reason is not None
    row.update(
        next_poll_at=plan.next_poll_at,
        poll_interval=plan.interval,
        poll_reason=plan.reason,
        paused_at=(row.get("paused_at") or polled_at) if paused else None,
        paused_reason=plan.paused_reason,
    )


def pages_to_fetch(
    con: duckdb.DuckDBPyConnection, *, max_attempts: int, now: datetime | None = None
) -> list[str]:
    """Pages never fetched, and failed pages due for a retry (back-off over), oldest first."""
    rows = con.execute(
        """
        SELECT page_url FROM pages
        WHERE status = 'pending'
           OR (status = 'failed' AND retryable AND attempts < ?
               AND (next_attempt_at IS NULL OR next_attempt_at <= ?))
        ORDER BY first_seen_at, page_url
        """,
        [max_attempts, now or utcnow()],
    ).fetchall()
    return [row[0] for row in rows]
