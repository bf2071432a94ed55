"""Writing pipeline records into the warehouse: in bulk, by column name, idempotently.

Every write that belongs together runs in one transaction, so a run that dies mid-load leaves
no half-written article: either an article and all its mentions and quotes are there, or none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from newsflow.config.settings import PollingSettings
from newsflow.tasks.fetch import polling
from newsflow.tasks.load import entity_registry
from newsflow.tasks.records import (
    Article,
    FeedPoll,
    FeedState,
    FetchedPage,
    PageFailure,
    ProcessedBatch,
)
from newsflow.warehouse.db import utcnow

# Seconds before a failed page's first retry when the caller does not say (x4 per attempt).
DEFAULT_RETRY_BACKOFF = 900.0

_TS = pa.timestamp("us")

_SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("article_id", pa.string()),
            ("url", pa.string()),
            ("title", pa.string()),
            ("text", pa.string()),
            ("author", pa.string()),
            ("published_at", _TS),
            ("language", pa.string()),
            ("sitename", pa.string()),
            ("description", pa.string()),
            ("fetched_at", _TS),
            ("run_id", pa.string()),
        ]
    ),
    "entity_mentions": pa.schema(
        [
            ("article_id", pa.string()),
            ("text", pa.string()),
            ("label", pa.string()),
            ("canonical", pa.string()),
            ("start_char", pa.int32()),
            ("end_char", pa.int32()),
            ("extractor_version", pa.string()),
            ("model", pa.string()),
        ]
    ),
    "quotes": pa.schema(
        [
            ("article_id", pa.string()),
            ("quote", pa.string()),
            ("speaker", pa.string()),
            ("speaker_label", pa.string()),
            ("kind", pa.string()),
            ("cue", pa.string()),
            ("start_char", pa.int32()),
            ("end_char", pa.int32()),
            ("extractor_version", pa.string()),
            ("model", pa.string()),
        ]
    ),
    "feed_items": pa.schema(
        [
            ("feed_url", pa.string()),
            ("page_url", pa.string()),
            ("link", pa.string()),
            ("guid", pa.string()),
            ("title", pa.string()),
            ("published_at", _TS),
            ("seen_at", _TS),
        ]
    ),
    "page_results": pa.schema(
        [
            ("page_url", pa.string()),
            ("status", pa.string()),
            ("article_id", pa.string()),
            ("http_status", pa.int32()),
            ("last_error", pa.string()),
            ("retryable", pa.bool_()),
            ("attempted_at", _TS),
            ("retry_after", pa.float64()),
        ]
    ),
    "feed_fetches": pa.schema(
        [
            ("feed_url", pa.string()),
            ("run_id", pa.string()),
            ("polled_at", _TS),
            ("status", pa.string()),
            ("http_status", pa.int32()),
            ("bytes", pa.int64()),
            ("seconds", pa.float64()),
            ("items", pa.int32()),
            ("new_items", pa.int32()),
            ("error", pa.string()),
        ]
    ),
}


def _table(name: str, rows: Sequence[dict]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=_SCHEMAS[name])


def _unique_spans(rows: Iterable[dict], keep: set[str]) -> list[dict]:
    """Rows of the kept articles, one per (article_id, start_char, end_char) key."""
    seen: dict[tuple[str, int, int], dict] = {}
    for row in rows:
        if row["article_id"] in keep:
            seen.setdefault((row["article_id"], row["start_char"], row["end_char"]), row)
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class BatchCounts:
    articles: int = 0
    mentions: int = 0
    quotes: int = 0
    failures: int = 0


def read_feed_states(con: duckdb.DuckDBPyConnection) -> dict[str, FeedState]:
    """Validators, content hashes and next due time remembered for each feed."""
    rows = con.execute(
        "SELECT feed_url, etag, last_modified, content_hash, next_poll_at FROM feeds"
    ).fetchall()
    return {
        url: FeedState(
            url=url, etag=etag, last_modified=modified, content_hash=digest, next_poll_at=due
        )
        for url, etag, modified, digest, due in rows
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
    (``feeds.next_poll_at``, paused or not) planned by ``tasks.polling``.
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
        }
        for poll in polls
        for item in poll.items
    ]
    items_table = _table("feed_items", items)
    con.execute("BEGIN TRANSACTION")
    try:
        for poll in polls:
            _record_poll(con, poll, now)
        con.register("batch_feed_items", items_table)
        new_per_feed = _new_items_per_feed(con)
        con.execute(
            """
            INSERT INTO feed_items BY NAME
            SELECT feed_url, page_url, arg_min(link, published_at) AS link,
                   any_value(guid) AS guid, any_value(title) AS title,
                   min(published_at) AS published_at,
                   min(seen_at) AS first_seen_at, max(seen_at) AS last_seen_at
            FROM batch_feed_items GROUP BY feed_url, page_url
            ON CONFLICT (feed_url, page_url) DO UPDATE SET last_seen_at = excluded.last_seen_at
            """
        )
        new_pages = con.execute(
            """
            INSERT INTO pages (page_url, status, first_seen_at)
            SELECT DISTINCT page_url, 'pending', ? FROM batch_feed_items
            WHERE page_url NOT IN (SELECT page_url FROM pages)
            """,
            [now],
        ).fetchone()
        con.unregister("batch_feed_items")
        _record_fetches(con, polls, new_per_feed, run_id, now)
        for poll in polls:
            _schedule_next_poll(con, poll, polling_settings or PollingSettings(), now)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return int(new_pages[0]) if new_pages else 0


def _record_poll(con: duckdb.DuckDBPyConnection, poll: FeedPoll, now: datetime) -> None:
    polled_at = poll.polled_at or now
    ok = poll.status != "failed"
    con.execute(
        """
        INSERT INTO feeds (feed_url, name, first_polled_at, failure_streak)
        VALUES (?, ?, ?, 0)
        ON CONFLICT (feed_url) DO UPDATE SET name = excluded.name
        """,
        [poll.feed_url, poll.name, polled_at],
    )
    if poll.status == "ok":
        con.execute(
            """
            UPDATE feeds SET etag = ?, last_modified = ?, content_hash = ?
            WHERE feed_url = ?
            """,
            [poll.etag, poll.last_modified, poll.content_hash, poll.feed_url],
        )
    con.execute(
        """
        UPDATE feeds SET
            last_polled_at = ?,
            last_status = ?,
            last_error = ?,
            last_success_at = CASE WHEN ? THEN ? ELSE last_success_at END,
            failure_streak = CASE WHEN ? THEN 0 ELSE failure_streak + 1 END
        WHERE feed_url = ?
        """,
        [polled_at, poll.status, poll.error, ok, polled_at, ok, poll.feed_url],
    )


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
        }
        for poll in polls
    ]
    con.register("batch_feed_fetches", _table("feed_fetches", rows))
    con.execute("INSERT INTO feed_fetches BY NAME SELECT * FROM batch_feed_fetches")
    con.unregister("batch_feed_fetches")


def _schedule_next_poll(
    con: duckdb.DuckDBPyConnection, poll: FeedPoll, settings: PollingSettings, now: datetime
) -> None:
    """Plan the feed's next poll from its publishing rate, its hints and its failures."""
    polled_at = poll.polled_at or now
    if poll.status == "ok":
        con.execute(
            "UPDATE feeds SET ttl_seconds = ? WHERE feed_url = ?", [poll.ttl_seconds, poll.feed_url]
        )
    streak, ttl = con.execute(
        "SELECT failure_streak, ttl_seconds FROM feeds WHERE feed_url = ?", [poll.feed_url]
    ).fetchone()
    dates = [
        row[0]
        for row in con.execute(
            """
            SELECT coalesce(published_at, first_seen_at) AS day FROM feed_items
            WHERE feed_url = ? AND coalesce(published_at, first_seen_at) <= ?
            ORDER BY day DESC LIMIT ?
            """,
            [poll.feed_url, polled_at, polling.RECENT_ITEMS * 2],
        ).fetchall()
    ]
    plan = polling.plan_next_poll(
        polled_at=polled_at,
        failed=poll.status == "failed",
        failure_streak=streak,
        error=poll.error,
        item_dates=dates,
        settings=settings,
        ttl=ttl,
        max_age=poll.max_age_seconds,
        retry_after=poll.retry_after_seconds,
    )
    con.execute(
        """
        UPDATE feeds SET next_poll_at = ?, poll_interval = ?, poll_reason = ?,
            paused_at = CASE WHEN ? THEN coalesce(paused_at, ?) END,
            paused_reason = ?
        WHERE feed_url = ?
        """,
        [
            plan.next_poll_at,
            plan.interval,
            plan.reason,
            plan.paused_reason is not None,
            polled_at,
            plan.paused_reason,
            poll.feed_url,
        ],
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


def store_batch(
    con: duckdb.DuckDBPyConnection,
    batch: ProcessedBatch,
    fetch_failures: Iterable[FetchedPage],
    *,
    run_id: str,
    max_attempts: int | None = None,
    retry_backoff: float = DEFAULT_RETRY_BACKOFF,
) -> BatchCounts:
    """Load one processed batch in a single transaction; already-stored articles are skipped.

    Articles are keyed by their canonical URL's hash, so the same story reached through
    two item URLs (or a re-fetch) is stored once and both pages point at it.

    A retryable failure gets ``next_attempt_at``: ``retry_backoff`` seconds after the first
    attempt, x4 after each further one, or the server's Retry-After when longer. Its
    ``max_attempts``-th failure (when given) is final: ``retryable`` becomes false and the
    reason says so.
    """
    now = utcnow()
    failures = [
        PageFailure(
            url=page.url,
            reason=page.error or "unknown error",
            retryable=page.retryable,
            http_status=page.http_status,
            retry_after=page.retry_after,
        )
        for page in fetch_failures
    ] + list(batch.failures)

    unique: dict[str, Article] = {}
    for article in batch.articles:
        unique.setdefault(article.article_id, article)

    article_rows = [_article_row(article, run_id) for article in unique.values()]
    mention_rows = [
        {
            "article_id": article_id,
            "text": m.text,
            "label": m.label,
            "canonical": m.canonical,
            "start_char": m.start_char,
            "end_char": m.end_char,
            "extractor_version": analysis.extractor_version,
            "model": analysis.model,
        }
        for article_id, analysis in batch.analyses.items()
        if article_id in unique
        for m in analysis.mentions
    ]
    quote_rows = [
        {
            "article_id": article_id,
            "quote": q.quote,
            "speaker": q.speaker,
            "speaker_label": q.speaker_label,
            "kind": q.kind,
            "cue": q.cue,
            "start_char": q.start_char,
            "end_char": q.end_char,
            "extractor_version": analysis.extractor_version,
            "model": analysis.model,
        }
        for article_id, analysis in batch.analyses.items()
        if article_id in unique
        for q in analysis.quotes
    ]
    page_rows = [
        {
            "page_url": article.page_url,
            "status": "ok",
            "article_id": article.article_id,
            "http_status": 200,
            "last_error": None,
            "retryable": False,
            "attempted_at": article.fetched_at or now,
            "retry_after": None,
        }
        for article in batch.articles
    ] + [
        {
            "page_url": failure.url,
            "status": "failed",
            "article_id": None,
            "http_status": failure.http_status,
            "last_error": failure.reason,
            "retryable": failure.retryable,
            "attempted_at": now,
            "retry_after": failure.retry_after,
        }
        for failure in failures
    ]

    con.execute("BEGIN TRANSACTION")
    try:
        con.register("batch_articles", _table("articles", article_rows))
        con.register("batch_pages", _table("page_results", page_rows))
        new_ids = {
            row[0]
            for row in con.execute(
                "SELECT article_id FROM batch_articles "
                "WHERE article_id NOT IN (SELECT article_id FROM articles)"
            ).fetchall()
        }
        con.execute(
            "INSERT INTO articles BY NAME SELECT * FROM batch_articles "
            "WHERE article_id NOT IN (SELECT article_id FROM articles)"
        )
        # Mentions and quotes only for articles this batch really adds: a story already
        # stored keeps the rows it has.
        mention_rows = _unique_spans(mention_rows, new_ids)
        quote_rows = _unique_spans(quote_rows, new_ids)
        con.register("batch_mentions", _table("entity_mentions", mention_rows))
        con.register("batch_quotes", _table("quotes", quote_rows))
        con.execute(
            "INSERT INTO entity_mentions BY NAME "
            "SELECT *, make_entity_id(label, canonical) AS entity_id FROM batch_mentions"
        )
        con.execute("INSERT INTO quotes BY NAME SELECT * FROM batch_quotes")
        entity_registry.add_loaded(con)
        con.execute(
            """
            UPDATE pages SET
                status = b.status,
                article_id = b.article_id,
                attempts = pages.attempts + 1,
                http_status = b.http_status,
                last_error = CASE WHEN b.retryable AND pages.attempts + 1 >= $max_attempts
                    THEN b.last_error || ' (gave up after ' || (pages.attempts + 1)
                         || ' attempts)'
                    ELSE b.last_error END,
                retryable = b.retryable AND NOT coalesce(pages.attempts + 1 >= $max_attempts,
                                                         false),
                last_attempt_at = b.attempted_at,
                next_attempt_at = CASE
                    WHEN b.retryable AND NOT coalesce(pages.attempts + 1 >= $max_attempts, false)
                    THEN b.attempted_at + to_seconds(greatest(
                        coalesce(b.retry_after, 0), $backoff * pow(4, pages.attempts)))
                    END
            FROM batch_pages AS b
            WHERE pages.page_url = b.page_url
            """,
            {"max_attempts": max_attempts, "backoff": retry_backoff},
        )
        for name in ("batch_articles", "batch_mentions", "batch_quotes", "batch_pages"):
            con.unregister(name)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return BatchCounts(
        articles=len(new_ids),
        mentions=len(mention_rows),
        quotes=len(quote_rows),
        failures=len(failures),
    )


def _article_row(article: Article, run_id: str) -> dict:
    return {
        "article_id": article.article_id,
        "url": article.url,
        "title": article.title,
        "text": article.text,
        "author": article.author,
        "published_at": article.published_at,
        "language": article.language,
        "sitename": article.sitename,
        "description": article.description,
        "fetched_at": article.fetched_at or utcnow(),
        "run_id": run_id,
    }


INTERRUPTED_ERROR = (
    "interrupted: the process ended before the run finished (killed, crashed or shut down); "
    "the next run resumed its work"
)


def mark_interrupted_runs(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Mark runs left 'running' by a process that died as 'interrupted'; return how many.

    Call it while holding the ingest lock (``warehouse.db.ingest_lock``): then no other run
    can be going on, so every other 'running' row is stale. Their work is not lost: pages
    they queued and did not load are still pending, and the next run fetches them.
    """
    row = con.execute(
        """
        UPDATE runs SET status = 'interrupted', error = ?
        WHERE status = 'running' AND run_id <> ?
        RETURNING run_id
        """,
        [INTERRUPTED_ERROR, run_id],
    ).fetchall()
    return len(row)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    con.execute(
        "INSERT INTO runs (run_id, started_at, status) VALUES (?, ?, 'running') "
        "ON CONFLICT (run_id) DO UPDATE SET status = 'running'",
        [run_id, utcnow()],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    counts: dict[str, int | float],
    *,
    error: str | None,
) -> None:
    """Record a run's counts; ``counts`` keys are ``runs`` column names."""
    allowed = {
        "feeds_polled",
        "feeds_unchanged",
        "feeds_failed",
        "new_items",
        "articles_stored",
        "fetch_failures",
        "mentions",
        "quotes",
        "seconds",
        "feeds_not_due",
    }
    unknown = set(counts) - allowed
    if unknown:
        raise ValueError(f"unknown run counters: {sorted(unknown)}")
    con.execute(
        """
        UPDATE runs SET finished_at = ?, status = ?, error = ?,
            feeds_polled = ?, feeds_unchanged = ?, feeds_failed = ?, new_items = ?,
            articles_stored = ?, fetch_failures = ?, mentions = ?, quotes = ?, seconds = ?,
            feeds_not_due = ?
        WHERE run_id = ?
        """,
        [
            utcnow(),
            "failed" if error else "completed",
            error,
            *(
                counts.get(key, 0)
                for key in (
                    "feeds_polled",
                    "feeds_unchanged",
                    "feeds_failed",
                    "new_items",
                    "articles_stored",
                    "fetch_failures",
                    "mentions",
                    "quotes",
                    "seconds",
                    "feeds_not_due",
                )
            ),
            run_id,
        ],
    )
