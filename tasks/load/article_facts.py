"""Rows for what a page states about its article beyond ``articles``: credited authors, the
posts it embeds, and the feed's date where the page gave none.

Kept apart from store.py so the loader only gains a few calls inside its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import duckdb

from newsflow.tasks.load.keyed import insert_new
from newsflow.tasks.load.rows import arrow_table
from newsflow.tasks.records import Article

_FactTable = Literal["article_authors", "embedded_posts"]
_AUTHOR_COLUMNS = ["article_id", "position", "name"]
_POST_COLUMNS = ["article_id", "position", "speaker", "text"]


def author_rows(articles: Iterable[Article]) -> list[dict]:
    """One row per credited person, in byline order, once per article."""
    unique = {article.article_id: article for article in reversed(list(articles))}
    return [
        {"article_id": article_id, "position": position, "name": name}
        for article_id, article in unique.items()
        for position, name in enumerate(article.authors)
    ]


def insert_authors(con: duckdb.DuckDBPyConnection, articles: Iterable[Article]) -> int:
    """Insert the authors of ``articles`` (call with only the articles the batch adds; an
    article reached through two pages is counted once)."""
    return _insert_new(con, "article_authors", author_rows(articles), _AUTHOR_COLUMNS)


def post_rows(articles: Iterable[Article]) -> list[dict]:
    """One row per embedded post the body kept (its quote's words and speaker), once per
    article."""
    unique = {article.article_id: article for article in reversed(list(articles))}
    return [
        {"article_id": article_id, "position": position, "speaker": q.speaker, "text": q.quote}
        for article_id, article in unique.items()
        for position, q in enumerate(article.embedded_quotes)
        if q.speaker
    ]


def insert_posts(con: duckdb.DuckDBPyConnection, articles: Iterable[Article]) -> int:
    """Insert the embedded posts of ``articles`` (the ones the batch adds), for ``reprocess``
    to rebuild their quotes from the stored text."""
    return _insert_new(con, "embedded_posts", post_rows(articles), _POST_COLUMNS)


def date_from_feeds(con: duckdb.DuckDBPyConnection, articles: Iterable[Article]) -> None:
    """Give the feed's publication time to new articles whose page stated none, or only a day.

    The earliest date a feed gave for the article's page is used; a page's day is replaced
    only by a feed time of day on that same UTC day.
    """
    pairs = [(a.article_id, a.page_url) for a in articles]
    if not pairs:
        return
    con.execute(
        """
        UPDATE articles SET published_at = f.published_at, published_at_source = 'feed',
               published_precision = 'second'
        FROM (
            SELECT b.article_id, min(fi.published_at) AS published_at
            FROM (SELECT unnest($ids) AS article_id, unnest($pages) AS page_url) b
            JOIN feed_items fi ON fi.page_url = b.page_url
            WHERE fi.published_at IS NOT NULL
            GROUP BY b.article_id
        ) f
        WHERE articles.article_id = f.article_id
          AND f.published_at <= articles.fetched_at + INTERVAL 2 DAY
          AND f.published_at >= TIMESTAMP '1990-01-01'
          AND (articles.published_at IS NULL
               OR (articles.published_precision = 'day'
                   AND CAST(f.published_at AS DATE) = CAST(articles.published_at AS DATE)
                   AND f.published_at <> date_trunc('day', f.published_at)))
        """,
        {"ids": [a for a, _ in pairs], "pages": [p for _, p in pairs]},
    )


def _insert_new(
    con: duckdb.DuckDBPyConnection, table: _FactTable, rows: list[dict], columns: Sequence[str]
) -> int:
    """Insert ``rows`` into ``table``, skipping keys already stored; return how many were given."""
    if not rows:
        return 0
    con.register("batch_rows", arrow_table(con, table, rows, columns))
    try:
        insert_new(con, table, "batch_rows")
    finally:
        con.unregister("batch_rows")
    return len(rows)
