"""Rows for what a page states about its article beyond ``articles``: credited authors, the
posts it embeds, and the feed's date where the page gave none.

Kept apart from store.py so the loader only gains a few calls inside its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Literal

import duckdb

from newsflow.tasks.load.rows import arrow_table
from newsflow.tasks.records import Article

_FactTable = Literal["article_authors", "embedded_posts"]
_AUTHOR_COLUMNS = ["article_id", "position", "name"]
_POST_COLUMNS = ["article_id", "position", "speaker", "text"]
_EARLIEST = datetime(1990, 1, 1)


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


def date_from_feeds(
    con: duckdb.DuckDBPyConnection, rows: list[dict], articles: Iterable[Article]
) -> None:
    """Give ``articles`` rows (about to be inserted) whose page stated no publication time,
    or only a day, the feed's.

    The earliest date a feed gave for any of the article's pages (``articles``) is used; a
    page's day is replaced only by a feed time of day on that same UTC day.
    """
    pairs = sorted({(a.article_id, a.page_url) for a in articles})
    if not pairs or not rows:
        return
    found = con.execute(
        """
        SELECT b.article_id, min(fi.published_at)
        FROM (SELECT unnest($ids) AS article_id, unnest($pages) AS page_url) b
        JOIN feed_items fi ON fi.page_url = b.page_url
        WHERE fi.published_at IS NOT NULL
        GROUP BY b.article_id
        """,
        {"ids": [a for a, _ in pairs], "pages": [p for _, p in pairs]},
    ).fetchall()
    feed_dates = dict(found)
    for row in rows:
        when = feed_dates.get(row["article_id"])
        if when is not None and _takes_feed_date(row, when):
            row.update(published_at=when, published_at_source="feed", published_precision="second")


def _takes_feed_date(row: dict, when: datetime) -> bool:
    if when > row["fetched_at"] + timedelta(days=2) or when < _EARLIEST:
        return False
    stated = row["published_at"]
    if stated is None:
        return True
    return (
        row["published_precision"] == "day"
        and when.date() == stated.date()
        and when != datetime.combine(when.date(), datetime.min.time())
    )


def _insert_new(
    con: duckdb.DuckDBPyConnection, table: _FactTable, rows: list[dict], columns: Sequence[str]
) -> int:
    """Insert ``rows`` (of articles this batch added) into ``table``; return how many."""
    if not rows:
        return 0
    # The articles are new to the warehouse (this batch inserted them), so are their rows:
    # a plain insert, with no read of the table.
    con.register("batch_rows", arrow_table(con, table, rows, columns))
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM batch_rows")  # noqa: S608
    finally:
        con.unregister("batch_rows")
    return len(rows)
