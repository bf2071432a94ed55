"""Writing the search index (migration 0013): the new articles of each batch, nothing else.

Each article's title and text become terms (the warehouse's own ``search_terms`` macro:
lower case, accents stripped, stop words left out, Snowball English stems) with their
positions, in ``search_postings``; ``search_docs`` holds its length and ``search_stats`` the
running totals BM25 needs. The loader calls ``add_articles`` inside the batch's transaction,
so an article is searchable in the snapshot its run publishes, and a run's cost depends on
its own articles, never on how many are stored. ``catch_up`` repairs the index when articles
were added or deleted some other way (an upgrade from the FTS index, a manual delete): it
costs one count when nothing needs repairing.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from newsflow.clock import utcnow
from newsflow.tasks.load.keyed import insert_new
from newsflow.tasks.records import Article
from newsflow.warehouse.db import transaction
from newsflow.warehouse.extensions import load_fts

CATCH_UP_CHUNK = 2_000

_SCHEMA = pa.schema([("article_id", pa.string()), ("title", pa.string()), ("text", pa.string())])


def add_articles(con: duckdb.DuckDBPyConnection, articles: Sequence[Article]) -> int:
    """Index these articles (those not indexed yet); return how many were added."""
    if not articles:
        return 0
    table = pa.Table.from_pylist(
        [{"article_id": a.article_id, "title": a.title, "text": a.text} for a in articles],
        schema=_SCHEMA,
    )
    return _index(con, table)


def _index(con: duckdb.DuckDBPyConnection, documents: pa.Table) -> int:
    """Index ``documents`` (article_id, title, text) in the caller's transaction."""
    load_fts(con)
    con.register("search_batch", documents)
    try:
        # Title words first, then one empty slot (no phrase spans the two), then the text.
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE search_batch_words AS
            WITH words AS (
                SELECT article_id,
                       list_concat(search_tokens(title), [''], search_tokens(text)) AS words
                FROM search_batch
            )
            SELECT article_id, unnest(words) AS token, unnest(range(len(words)))::INTEGER AS pos
            FROM words
            """
        )
        # Each distinct word is stemmed once (a batch repeats most of its words).
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE search_batch_terms AS
            WITH vocabulary AS (
                SELECT token, search_stem(token) AS term
                FROM (SELECT DISTINCT token FROM search_batch_words WHERE token <> '')
                WHERE strip_accents(token) NOT IN (SELECT word FROM search_stopwords)
            )
            SELECT w.article_id, v.term, w.pos
            FROM search_batch_words w JOIN vocabulary v ON v.token = w.token
            """
        )
        con.execute("DROP TABLE search_batch_words")
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE search_batch_docs AS
            SELECT b.article_id, count(t.term)::INTEGER AS length, ?::TIMESTAMP AS indexed_at
            FROM (SELECT DISTINCT article_id FROM search_batch) b
            LEFT JOIN search_batch_terms t ON t.article_id = b.article_id
            GROUP BY b.article_id
            """,
            [utcnow()],
        )
        added = insert_new(
            con, "search_docs", "search_batch_docs", returning=("article_id", "length")
        )
        con.execute("DROP TABLE search_batch_docs")
        if added:
            con.register(
                "search_added",
                pa.table({"article_id": pa.array([row[0] for row in added], pa.string())}),
            )
            con.execute(
                """
                INSERT INTO search_postings (term, article_id, tf, positions)
                SELECT term, article_id, count(*)::INTEGER, list(pos ORDER BY pos)
                FROM search_batch_terms SEMI JOIN search_added USING (article_id)
                GROUP BY term, article_id
                """
            )
            con.unregister("search_added")
            con.execute(
                "UPDATE search_stats SET docs = docs + ?, total_length = total_length + ?",
                [len(added), sum(int(row[1]) for row in added)],
            )
        con.execute("DROP TABLE search_batch_terms")
    finally:
        con.unregister("search_batch")
    return len(added)


def remove_articles(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> int:
    """Take these articles out of the index (call it when deleting them); return how many."""
    if not article_ids:
        return 0
    con.register("search_gone", pa.table({"article_id": pa.array(article_ids, pa.string())}))
    try:
        gone = con.execute(
            "SELECT length FROM search_docs WHERE article_id IN (SELECT article_id FROM search_gone)"
        ).fetchall()
        if gone:
            con.execute(
                "DELETE FROM search_docs WHERE article_id IN (SELECT article_id FROM search_gone)"
            )
            con.execute(
                "DELETE FROM search_postings "
                "WHERE article_id IN (SELECT article_id FROM search_gone)"
            )
            con.execute(
                "UPDATE search_stats SET docs = docs - ?, total_length = total_length - ?",
                [len(gone), sum(int(row[0]) for row in gone)],
            )
    finally:
        con.unregister("search_gone")
    return len(gone)


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the index counts as many articles as are stored: the loader indexes every
    article it adds, so only a change made some other way makes them differ."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM articles) = (SELECT docs FROM search_stats)"
    ).fetchone()
    return bool(row and row[0])


def catch_up(con: duckdb.DuckDBPyConnection, *, chunk: int = CATCH_UP_CHUNK) -> int:
    """Index stored articles the index lacks and drop ones no longer stored; return how many
    were indexed. One count when the index is current."""
    if is_current(con):
        return 0
    stale = [
        row[0]
        for row in con.execute(
            "SELECT article_id FROM search_docs ANTI JOIN articles USING (article_id)"
        ).fetchall()
    ]
    remove_articles(con, stale)
    missing = [
        row[0]
        for row in con.execute(
            "SELECT article_id FROM articles ANTI JOIN search_docs USING (article_id) "
            "ORDER BY article_id"
        ).fetchall()
    ]
    added = 0
    for start in range(0, len(missing), chunk):
        ids = pa.table({"article_id": pa.array(missing[start : start + chunk], pa.string())})
        con.register("search_missing", ids)
        try:
            documents = con.execute(
                "SELECT article_id, title, text FROM articles "
                "SEMI JOIN search_missing USING (article_id)"
            ).to_arrow_table()
        finally:
            con.unregister("search_missing")
        with transaction(con):
            added += _index(con, documents.cast(_SCHEMA))
    return added
