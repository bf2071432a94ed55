"""`newsflow reprocess`: NLP again on stored text, rows replaced per batch, on real DuckDB files."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import nlp_warehouse
import pytest
from typer.testing import CliRunner

import newsflow.tasks.nlp.entities
import newsflow.tasks.nlp.pipeline
from newsflow.cli import app
from newsflow.config.settings import NlpSettings
from newsflow.flows.reprocess import reprocess as reprocess_flow
from newsflow.tasks.load import reprocess
from newsflow.warehouse.db import connect_published, publish

NLP = NlpSettings(model=nlp_warehouse.MODEL)
ROWS = {
    "entity_mentions": "SELECT * FROM entity_mentions ORDER BY ALL",
    "quotes": "SELECT * FROM quotes ORDER BY ALL",
    "entities": "SELECT * FROM entities ORDER BY ALL",
    "search": "SELECT term, article_id, tf, positions FROM search_postings ORDER BY ALL",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return nlp_warehouse.build(tmp_path_factory.mktemp("reprocess-src") / "news.duckdb")


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built warehouse (its catalog and data files)."""
    from newsflow.warehouse.lake import location

    copy = tmp_path / "news.duckdb"
    source, target = location(built), location(copy)
    shutil.copyfile(source.catalog_file, target.catalog_file)
    shutil.copytree(source.data_folder, target.data_folder)
    return copy


def snapshot(db: Path) -> dict[str, list[tuple]]:
    con = connect_published(db)
    try:
        return {name: con.execute(query).fetchall() for name, query in ROWS.items()}
    finally:
        con.close()


def reprocess_and_publish(db: Path, **options: object) -> reprocess.ReprocessSummary:
    """The reprocess flow, as `newsflow reprocess` runs it, in batches of two articles."""
    return reprocess_flow(db_path=str(db), batch_articles=2, **options)  # type: ignore[arg-type]


@pytest.mark.usefixtures("prefect_harness")  # a real flow run
def test_unchanged_rules_give_the_same_rows(db: Path) -> None:
    before = snapshot(db)
    summary = reprocess_and_publish(db)
    assert (summary.articles, summary.batches) == (3, 2)
    assert summary.mentions_after == summary.mentions_before
    assert snapshot(db) == before


@pytest.mark.usefixtures("prefect_harness")  # a real flow run
def test_changed_rules_replace_rows_and_keep_counts_consistent(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(db)
    # a rules change: a new version that no longer keeps nationalities (NORP)
    monkeypatch.setattr(newsflow.tasks.nlp.pipeline, "EXTRACTOR_VERSION", "nlp-rules-test")
    monkeypatch.setattr(
        newsflow.tasks.nlp.entities,
        "DROPPED_LABELS",
        newsflow.tasks.nlp.entities.DROPPED_LABELS | {"NORP"},
    )
    summary = reprocess_and_publish(db)
    assert summary.extractor_version == "nlp-rules-test"
    assert summary.mentions_after < summary.mentions_before

    con = connect_published(db)
    try:
        versions = con.execute(
            "SELECT DISTINCT extractor_version FROM entity_mentions "
            "UNION SELECT DISTINCT extractor_version FROM quotes"
        ).fetchall()
        assert versions == [("nlp-rules-test",)]
        assert con.execute(
            "SELECT count(*) FROM entity_mentions WHERE label = 'NORP'"
        ).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM entities WHERE label = 'NORP'").fetchone() == (0,)
        _assert_consistent(con)
        assert len(con.execute(ROWS["quotes"]).fetchall()) == len(before["quotes"])
        # The texts did not change: the search index is the one the load wrote.
        assert con.execute(ROWS["search"]).fetchall() == before["search"]
    finally:
        con.close()


@pytest.mark.usefixtures("prefect_harness")  # a real flow run
def test_outdated_only_skips_articles_already_current(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert reprocess_and_publish(db, only_outdated=True).articles == 0
    monkeypatch.setattr(newsflow.tasks.nlp.pipeline, "EXTRACTOR_VERSION", "nlp-rules-next")
    assert reprocess_and_publish(db, only_outdated=True).articles == 3
    assert reprocess_and_publish(db, only_outdated=True).articles == 0


@pytest.mark.usefixtures("prefect_harness")  # a real flow run
def test_since_limits_the_articles_by_day(db: Path) -> None:
    from datetime import datetime

    summary = reprocess_and_publish(db, since=datetime(2025, 3, 10))
    assert summary.articles == 2  # the summit (12 March) and the undated strike (fetched 14th)


@pytest.mark.usefixtures("prefect_harness")  # a real flow run
def test_a_failing_batch_leaves_its_articles_as_they_were(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(db)

    def broken(con: duckdb.DuckDBPyConnection, replacing: bool) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(newsflow.tasks.nlp.pipeline, "EXTRACTOR_VERSION", "nlp-rules-broken")
    # the entity counts fail after the old rows are deleted and the new ones inserted
    monkeypatch.setattr(reprocess.entity_registry, "_count_entities", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        reprocess_flow(db_path=str(db))
    publish(db)
    assert snapshot(db) == before


@pytest.mark.slow
def test_cli_reprocess_runs_the_flow_and_publishes(
    db: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(newsflow.tasks.nlp.pipeline, "EXTRACTOR_VERSION", "nlp-rules-cli")
    result = CliRunner().invoke(app, ["reprocess", "--db", str(db), "--since", "2025-03-01"])
    assert result.exit_code == 0, result.output
    assert "reprocessed: 3 articles" in result.output
    con = connect_published(db)
    try:
        assert con.execute("SELECT DISTINCT extractor_version FROM quotes").fetchall() == [
            ("nlp-rules-cli",)
        ]
    finally:
        con.close()


def test_cli_reprocess_without_a_warehouse_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["reprocess", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "no warehouse yet" in result.output


def _assert_consistent(con: duckdb.DuckDBPyConnection) -> None:
    """Offsets index into the text (a direct quote is its fragments, each at its offsets);
    entity counts and links match the rows."""
    bad_offsets = con.execute(
        """
        SELECT count(*) FROM (
            SELECT m.article_id FROM entity_mentions m JOIN articles a USING (article_id)
            WHERE substr(a.text, m.start_char + 1, m.end_char - m.start_char) <> m.text
            UNION ALL
            SELECT q.article_id FROM quotes q JOIN articles a USING (article_id)
            WHERE q.kind <> 'direct'
              AND substr(a.text, q.start_char + 1, q.end_char - q.start_char) <> q.quote
            UNION ALL
            SELECT q.article_id FROM quotes q JOIN articles a USING (article_id)
            WHERE q.kind = 'direct'
              AND q.quote <> array_to_string(list_transform(q.fragments, f -> f.text), ' ')
            UNION ALL
            SELECT q.article_id
            FROM (SELECT article_id, unnest(fragments) AS f FROM quotes) q
            JOIN articles a USING (article_id)
            WHERE substr(a.text, q.f.start_char + 1, q.f.end_char - q.f.start_char) <> q.f.text
        )
        """
    ).fetchone()
    assert bad_offsets == (0,)
    wrong_counts = con.execute(
        """
        SELECT count(*) FROM entities e
        FULL JOIN (SELECT entity_id, count(*) AS n, count(DISTINCT article_id) AS a
                   FROM entity_mentions GROUP BY ALL) m USING (entity_id)
        LEFT JOIN (SELECT speaker_entity_id AS entity_id, count(*) AS q
                   FROM quotes GROUP BY ALL) q USING (entity_id)
        WHERE e.mentions IS DISTINCT FROM m.n OR e.articles IS DISTINCT FROM m.a
           OR e.quotes <> coalesce(q.q, 0)
        """
    ).fetchone()
    assert wrong_counts == (0,)


def test_cli_reprocess_refuses_to_start_while_an_ingest_runs(db: Path) -> None:
    from newsflow.warehouse.db import ingest_lock

    with ingest_lock(db):
        result = CliRunner().invoke(app, ["reprocess", "--db", str(db)])
    assert result.exit_code == 2
    assert "another ingest run" in result.output


@pytest.mark.usefixtures("prefect_harness")  # a real flow run
def test_reprocess_outdated_upgrades_rows_from_older_rules(db: Path) -> None:
    from newsflow.warehouse.db import open_ingest

    with open_ingest(db) as con:  # rows as the rules before verbatim left them
        con.execute(
            "UPDATE quotes SET verbatim = NULL, fragments = NULL, extractor_version = 'nlp-rules-8'"
        )
    publish(db)
    assert reprocess_and_publish(db, only_outdated=True).articles == 3
    con = connect_published(db)
    try:
        kinds = con.execute(
            "SELECT kind, count(*) FILTER (verbatim IS NULL OR fragments IS NULL) FROM quotes "
            "GROUP BY kind ORDER BY kind"
        ).fetchall()
        assert kinds and all(missing == 0 for kind, missing in kinds if kind != "indirect")
        _assert_consistent(con)
    finally:
        con.close()


def test_migration_turns_part_of_speech_labels_into_speaker_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsflow.warehouse.db
    from newsflow.warehouse.db import apply_migrations

    every = newsflow.warehouse.db.migrations()
    monkeypatch.setattr(newsflow.warehouse.db, "migrations", lambda: [m for m in every if m[0] < 8])
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    apply_migrations(con)
    con.execute(
        """
        INSERT INTO quotes (article_id, quote, speaker, speaker_label, kind, cue, start_char,
                            end_char) VALUES
            ('a', 'x', 'Ana Ruiz', 'PERSON', 'direct', 'said', 0, 1),
            ('a', 'y', NULL, 'PRON', 'indirect', 'said', 2, 3),
            ('a', 'z', 'officials', 'NOUN', 'indirect', 'said', 4, 5),
            ('a', 'w', 'China', 'GPE', 'indirect', 'said', 6, 7),
            ('a', 'v', 'Half Life', 'WORK_OF_ART', 'direct', 'said', 8, 9);
        """
    )
    monkeypatch.setattr(newsflow.warehouse.db, "migrations", lambda: every)
    assert "0008_quote_kinds" in apply_migrations(con)
    rows = con.execute(
        "SELECT quote, speaker, speaker_label, verbatim FROM quotes ORDER BY start_char"
    ).fetchall()
    assert rows == [
        ("x", "Ana Ruiz", "PERSON", None),
        ("y", None, None, None),
        ("z", "officials", "GROUP", None),
        ("w", "China", "ORG", None),
        ("v", None, None, None),  # a work cannot speak
    ]
    con.close()
