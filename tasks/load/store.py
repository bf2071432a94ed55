"""Loading one processed batch into the warehouse: in bulk, by column name, idempotently.

The batch is one transaction, so a run that dies mid-load leaves no half-written article:
either an article and all its mentions and quotes are there, or none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from newsflow.clock import utcnow
from newsflow.tasks.fetch.retry import DEFAULT_RETRY_BACKOFF, plan_page_retry
from newsflow.tasks.load import article_facts, entity_registry, search_index
from newsflow.tasks.load.keyed import insert_new
from newsflow.tasks.load.rows import (
    ARTICLE_COLUMNS,
    MENTION_COLUMNS,
    QUOTE_COLUMNS,
    analysis_rows,
    arrow_table,
    article_row,
)
from newsflow.tasks.records import Article, FetchedPage, PageFailure, ProcessedBatch
from newsflow.warehouse.db import transaction

_PAGE_COLUMNS = [
    "page_url",
    "status",
    "article_id",
    "http_status",
    "last_error",
    "retryable",
    "last_attempt_at",
    "next_attempt_at",
]


@dataclass(frozen=True, slots=True)
class BatchCounts:
    articles: int = 0
    mentions: int = 0
    quotes: int = 0
    failures: int = 0
    article_ids: tuple[str, ...] = ()  # the articles this batch added
    # (article_id, its date as stored: published, else fetched) of those articles
    article_dates: tuple[tuple[str, datetime], ...] = ()


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
    two item URLs (or a re-fetch) is stored once and both pages point at it. Failed pages
    are planned for a retry by ``plan_page_retry``.
    """
    now = utcnow()
    failures = _failures(batch, fetch_failures)
    unique: dict[str, Article] = {}
    for article in batch.articles:
        unique.setdefault(article.article_id, article)
    with transaction(con):
        rows = [article_row(article, run_id, now) for article in unique.values()]
        # The feed's date is given before the insert: an UPDATE of rows just inserted would
        # rewrite their files on the lake.
        article_facts.date_from_feeds(con, rows, batch.articles)
        new_ids = _insert_articles(con, rows)
        search_index.add_articles(con, [unique[i] for i in sorted(new_ids)])
        # Mentions and quotes only for articles this batch really adds: a story already
        # stored keeps the rows it has.
        seen = {row["article_id"]: row["published_at"] or row["fetched_at"] for row in rows}
        mentions, quotes = _insert_analyses(con, batch, new_ids, seen)
        added = [article for article in batch.articles if article.article_id in new_ids]
        article_facts.insert_authors(con, added)
        article_facts.insert_posts(con, added)
        _update_pages(con, batch.articles, failures, now, max_attempts, retry_backoff)
    return BatchCounts(
        articles=len(new_ids),
        mentions=mentions,
        quotes=quotes,
        failures=len(failures),
        article_ids=tuple(sorted(new_ids)),
        article_dates=tuple((i, seen[i]) for i in sorted(new_ids)),
    )


def _failures(batch: ProcessedBatch, fetch_failures: Iterable[FetchedPage]) -> list[PageFailure]:
    """Pages that failed to fetch, then pages that failed to extract."""
    fetched = [
        PageFailure(
            url=page.url,
            reason=page.error or "unknown error",
            retryable=page.retryable,
            http_status=page.http_status,
            retry_after=page.retry_after,
        )
        for page in fetch_failures
    ]
    return fetched + list(batch.failures)


def _insert_articles(con: duckdb.DuckDBPyConnection, rows: list[dict[str, object]]) -> set[str]:
    """Insert the ``articles`` rows not stored yet; return the ids inserted."""
    con.register("batch_articles", arrow_table(con, "articles", rows, ARTICLE_COLUMNS))
    try:
        inserted = insert_new(con, "articles", "batch_articles")
    finally:
        con.unregister("batch_articles")
    return {row[0] for row in inserted}


def _insert_analyses(
    con: duckdb.DuckDBPyConnection,
    batch: ProcessedBatch,
    article_ids: set[str],
    seen: Mapping[str, datetime],
) -> tuple[int, int]:
    """Insert the mentions and quotes of ``article_ids`` and count them into ``entities``
    (``seen``: each article's date as stored, its published or else its fetched time)."""
    mentions, quotes = analysis_rows(batch.analyses, keep=article_ids)
    ids = sorted(article_ids)
    con.register("batch_mentions", arrow_table(con, "entity_mentions", mentions, MENTION_COLUMNS))
    con.register("batch_quotes", arrow_table(con, "quotes", quotes, QUOTE_COLUMNS))
    con.register(
        "batch_article_dates",
        pa.table(
            {
                "article_id": pa.array(ids, pa.string()),
                "seen": pa.array([seen[i] for i in ids], pa.timestamp("us")),
            }
        ),
    )
    try:
        entity_registry.insert_batch(con)
    finally:
        for name in ("batch_mentions", "batch_quotes", "batch_article_dates"):
            con.unregister(name)
    return len(mentions), len(quotes)


def _update_pages(
    con: duckdb.DuckDBPyConnection,
    articles: Sequence[Article],
    failures: Sequence[PageFailure],
    now: datetime,
    max_attempts: int | None,
    retry_backoff: float,
) -> None:
    """Record each page's attempt: ok with its article, or failed with its retry plan."""
    urls = [article.page_url for article in articles] + [failure.url for failure in failures]
    # A list of constants is looked up in the primary key's index; list_contains(?, ...)
    # would evaluate every stored page.
    marks = ", ".join("?" * len(urls))
    attempts = (
        dict(
            con.execute(
                f"SELECT page_url, attempts FROM pages WHERE page_url IN ({marks})",  # noqa: S608
                urls,
            ).fetchall()
        )
        if urls
        else {}
    )
    rows: list[dict[str, object]] = [
        {
            "page_url": article.page_url,
            "status": "ok",
            "article_id": article.article_id,
            "http_status": 200,
            "last_error": None,
            "retryable": False,
            "last_attempt_at": article.fetched_at or now,
            "next_attempt_at": None,
        }
        for article in articles
    ]
    for failure in failures:
        plan = plan_page_retry(
            error=failure.reason,
            retryable=failure.retryable,
            attempts_before=attempts.get(failure.url, 0),
            attempted_at=now,
            retry_after=failure.retry_after,
            max_attempts=max_attempts,
            backoff=retry_backoff,
        )
        rows.append(
            {
                "page_url": failure.url,
                "status": "failed",
                "article_id": None,
                "http_status": failure.http_status,
                "last_error": plan.error,
                "retryable": plan.retryable,
                "last_attempt_at": now,
                "next_attempt_at": plan.next_attempt_at,
            }
        )
    con.register("batch_pages", arrow_table(con, "pages", rows, _PAGE_COLUMNS))
    try:
        con.execute(
            """
            UPDATE pages SET
                status = b.status, article_id = b.article_id, attempts = pages.attempts + 1,
                http_status = b.http_status, last_error = b.last_error, retryable = b.retryable,
                last_attempt_at = b.last_attempt_at, next_attempt_at = b.next_attempt_at
            FROM batch_pages AS b
            WHERE pages.page_url = b.page_url
            """
        )
    finally:
        con.unregister("batch_pages")
