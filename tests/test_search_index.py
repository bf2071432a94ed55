"""The search index written at load time: BM25 as DuckDB's FTS scores it, phrases, and an
index kept right by every load, by deletions and after an upgrade."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import analyst_data
import duckdb
import pytest

from newsflow.tasks.load import search, search_index, store
from newsflow.tasks.records import Article, ProcessedBatch
from newsflow.warehouse.db import connect_published, open_ingest


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return analyst_data.build(tmp_path_factory.mktemp("index") / "news.duckdb")


@pytest.fixture
def con(warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = connect_published(warehouse)
    search.load_fts(connection)
    yield connection
    connection.close()


def _ids(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    return [h.article_id for h in search.search(con, query, all_copies=True)]


@pytest.mark.parametrize("query", ["grain talks", "regime change", "Rufus Firefly army", "port"])
def test_scores_equal_duckdb_fts_bm25_over_the_same_words(
    con: duckdb.DuckDBPyConnection, query: str
) -> None:
    """The same tokens, stop words and Snowball stems as an FTS index give the same scores."""
    ours = dict(con.execute("SELECT * FROM search_bm25(?)", [query]).fetchall())
    fts = duckdb.connect()
    try:
        search.load_fts(fts)
        rows = con.execute("SELECT article_id, title, text FROM articles").fetchall()
        fts.execute("CREATE TABLE docs (article_id VARCHAR, title VARCHAR, text VARCHAR)")
        fts.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
        fts.execute(
            "PRAGMA create_fts_index('docs', 'article_id', 'title', 'text', "
            "stemmer = 'english', stopwords = 'english', ignore = '(\\.|[^a-z0-9])+', "
            "strip_accents = 1, lower = 1)"
        )
        theirs = dict(
            fts.execute(
                "SELECT article_id, fts_main_docs.match_bm25(article_id, ?) AS s FROM docs "
                "WHERE s IS NOT NULL",
                [query],
            ).fetchall()
        )
    finally:
        fts.close()
    assert ours.keys() == theirs.keys() and ours
    for article_id, score in ours.items():
        assert score == pytest.approx(theirs[article_id], rel=1e-9)


def test_a_quoted_phrase_must_occur_as_written(con: duckdb.DuckDBPyConnection) -> None:
    # Both stories have "regime"; only one says "regime change".
    assert set(_ids(con, "regime change")) >= {"art-regime", "art-wire"}
    assert _ids(con, '"regime change"') == ["art-regime"]
    assert _ids(con, '"change regime"') == []
    # Stop words keep their places: "the inspection regime", not "inspection centre".
    assert "art-wire" in _ids(con, '"on the inspection regime"')
    assert _ids(con, '"on the inspection centre regime"') == []
    # Title and text are not one run of words.
    assert _ids(con, '"demand regime change"') == ["art-regime"]  # the title says it


def test_the_sql_macro_is_what_search_ranks_by(con: duckdb.DuckDBPyConnection) -> None:
    top = con.execute(
        "SELECT article_id FROM search_bm25('protesting Freedonia') ORDER BY score DESC LIMIT 1"
    ).fetchone()
    assert top == ("art-regime",)
    hits = search.search(con, "protesting Freedonia", all_copies=True)
    assert hits[0].article_id == "art-regime"
    assert hits[0].score == pytest.approx(
        con.execute(
            "SELECT score FROM search_bm25('protesting Freedonia') WHERE article_id = 'art-regime'"
        ).fetchone()[0]
    )


def _article(number: int, text: str) -> Article:
    return Article(
        article_id=f"id{number:04d}",
        url=f"https://example.org/story/{number}",
        page_url=f"https://example.org/story/{number}",
        title=f"Story {number}",
        text=text,
        fetched_at=datetime(2025, 6, 1),
    )


def _stats(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int, int]:
    """(docs, total_length) as kept, and as counted from the index's rows."""
    kept = con.execute("SELECT docs, total_length FROM search_stats").fetchone()
    counted = con.execute("SELECT count(*), coalesce(sum(length), 0) FROM search_docs").fetchone()
    return (*kept, *counted)


def test_each_load_indexes_its_new_articles_once(tmp_path: Path) -> None:
    with open_ingest(tmp_path / "news.duckdb") as con:
        first = _article(1, "Harbour pilots strike over night shifts.")
        store.store_batch(con, ProcessedBatch(articles=[first]), [], run_id="r1")
        # The same story again (a re-fetch) and a new one.
        second = _article(2, "Pilots return to the harbour after talks.")
        store.store_batch(con, ProcessedBatch(articles=[first, second]), [], run_id="r2")
        assert _stats(con) == (2, 13, 2, 13)  # 7 + 6 words that are not stop words
        assert search_index.is_current(con)
        assert search_index.catch_up(con) == 0
        tf = con.execute(
            "SELECT tf, positions FROM search_postings WHERE term = 'harbour' "
            "AND article_id = 'id0001'"
        ).fetchone()
        assert tf == (1, [3])  # story, 1, <gap>, harbour


def test_catch_up_follows_deletions_and_indexes_what_it_lacks(tmp_path: Path) -> None:
    with open_ingest(tmp_path / "news.duckdb") as con:
        batch = [_article(n, f"Dock workers at pier {n} went on strike.") for n in range(1, 6)]
        store.store_batch(con, ProcessedBatch(articles=batch), [], run_id="r1")
        con.execute("DELETE FROM articles WHERE article_id = 'id0002'")
        assert not search_index.is_current(con)
        search_index.catch_up(con)
        assert search_index.is_current(con)
        assert _stats(con) == (4, 28, 4, 28)
        assert con.execute(
            "SELECT count(*) FROM search_postings WHERE article_id = 'id0002'"
        ).fetchone() == (0,)
        # An upgraded warehouse: articles stored before the index existed.
        con.execute("DELETE FROM search_postings")
        con.execute("DELETE FROM search_docs")
        con.execute("UPDATE search_stats SET docs = 0, total_length = 0")
        assert search_index.catch_up(con, chunk=3) == 4
        assert _stats(con) == (4, 28, 4, 28)
        assert search_index.catch_up(con) == 0


def test_an_article_with_no_words_counts_but_matches_nothing(tmp_path: Path) -> None:
    with open_ingest(tmp_path / "news.duckdb") as con:
        empty = _article(1, "— … —")
        empty.title = None
        store.store_batch(con, ProcessedBatch(articles=[empty]), [], run_id="r1")
        assert _stats(con) == (1, 0, 1, 0)
        assert search.search(con, "anything") == []
