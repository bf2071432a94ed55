"""Full-text search: the BM25 index built at load time, queried from the published snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import analyst_data
import pytest
from typer.testing import CliRunner

from newsflow.cli import app
from newsflow.tasks.load import search, store
from newsflow.tasks.records import ProcessedBatch
from newsflow.warehouse.db import connect_published, open_ingest, publish


@pytest.fixture(scope="module")
def config(analyst_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search-config") / "feeds.toml"
    path.write_text(f'[warehouse]\npath = "{analyst_warehouse}"\n', encoding="utf-8")
    return path


def _find(db: Path, query: str, **options: object) -> list[search.SearchHit]:
    con = connect_published(db)
    try:
        return search.search(con, query, **options)  # type: ignore[arg-type]
    finally:
        con.close()


def test_the_article_about_the_phrase_ranks_first(analyst_warehouse: Path) -> None:
    hits = _find(analyst_warehouse, "regime change")
    assert hits[0].article_id == "art-regime"
    assert "demanding regime change" in hits[0].snippet
    # The grain story only says "inspection regime": it matches, but ranks lower.
    assert [hit.article_id in analyst_data.GRAIN_COPIES for hit in hits] == [False, True]
    assert "art-strike" not in {hit.article_id for hit in hits}
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_words_are_stemmed_and_titles_are_searched(analyst_warehouse: Path) -> None:
    assert [h.article_id for h in _find(analyst_warehouse, "protesting")] == ["art-regime"]
    # "dockers" appears in the strike story's title only.
    assert [h.article_id for h in _find(analyst_warehouse, "dockers")] == ["art-strike"]


def test_syndicated_copies_are_one_hit_unless_asked(analyst_warehouse: Path) -> None:
    hits = _find(analyst_warehouse, "grain corridor inspectors")
    assert len(hits) == 1
    assert sorted([hits[0].source, *hits[0].also_in]) == [
        "Coastal Times",
        "Daily Planet",
        "Global Wire",
    ]
    every = _find(analyst_warehouse, "grain corridor inspectors", all_copies=True)
    assert {h.article_id for h in every} == {"art-wire", "art-planet-copy", "art-coast-copy"}


def test_since_and_limit(analyst_warehouse: Path) -> None:
    since = date(2025, 3, 11)
    hits = _find(analyst_warehouse, "talks", since=since, all_copies=True)
    assert hits and all(hit.day >= since for hit in hits)
    assert "art-wire" not in {h.article_id for h in hits}  # published 2025-03-10
    assert len(_find(analyst_warehouse, "talks", all_copies=True, limit=2)) == 2


def test_the_index_follows_each_load(tmp_path: Path) -> None:
    db = analyst_data.build(tmp_path / "news.duckdb", only={"wire"})
    assert _find(db, query="Rotterdam") == []
    with open_ingest(db) as con:
        [story] = [s for s in analyst_data.stories() if s.key == "strike"]
        article, analysis = analyst_data._article(story)
        batch = ProcessedBatch(articles=[article], analyses={article.article_id: analysis})
        store.store_batch(con, batch, [], run_id="r2")
    publish(db)
    assert [h.article_id for h in _find(db, "Rotterdam")] == ["art-strike"]


def test_snippet_centres_on_the_match_and_stays_short() -> None:
    text = "Filler words. " * 60 + "The regime change was swift. " + "More filler. " * 60
    piece = search.snippet(text, "regime change", width=120)
    assert "regime change" in piece
    assert piece.startswith("…") and piece.endswith("…")
    assert len(piece) <= 122


def test_cli_prints_ranked_articles_with_snippets(config: Path) -> None:
    result = CliRunner().invoke(app, ["search", "regime change", "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(" 1. 2025-03-11  Daily Planet")
    assert lines[1].strip() == "Freedonia protesters demand regime change"
    assert lines[2].strip() == "https://planet.example.org/world/freedonia-protests"
    assert "regime change" in lines[3]
    assert "also run by: " in result.stdout  # the grain story, run by three outlets


def test_cli_strips_terminal_control_characters(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        [story] = [s for s in analyst_data.stories() if s.key == "strike"]
        article, analysis = analyst_data._article(story)
        article.title = "Dockers \x1b[2J\x1b]0;pwned\x07strike"
        store.store_batch(con, ProcessedBatch(articles=[article], analyses={}), [], run_id="r")
    publish(db)
    result = CliRunner().invoke(app, ["search", "dockers", "--db", str(db), "-c", "/dev/null"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Dockers [2J]0;pwnedstrike" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x", "--since", "11/03/2025"], "--since: not a date (YYYY-MM-DD)"),
        (["search", "   "], "the search query is empty"),
        (["search", "x", "--db", "/nonexistent/news.duckdb"], "no warehouse yet"),
    ],
)
def test_cli_errors_are_one_line(config: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, [*args, "--config", str(config)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_an_empty_warehouse_has_an_index_that_finds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db):
        pass
    publish(db)
    result = CliRunner().invoke(app, ["search", "x", "--db", str(db), "-c", "/dev/null"])
    assert result.exit_code == 0
    assert "no articles match 'x'" in result.stderr


def test_a_snapshot_from_before_the_index_says_how_to_get_one(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        con.execute("DROP TABLE search_postings")  # as published before migration 0013
    publish(db)
    result = CliRunner().invoke(app, ["search", "x", "--db", str(db), "-c", "/dev/null"])
    assert result.exit_code == 2
    assert "no search index yet (run `newsflow ingest`)" in result.stderr
