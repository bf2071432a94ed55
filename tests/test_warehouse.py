"""Warehouse mechanics on real DuckDB files: migrations, idempotent and atomic loads, publish."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from newsflow.tasks.load import poll_records, store
from newsflow.tasks.records import (
    Analysis,
    Article,
    FeedItem,
    FeedPoll,
    Mention,
    ProcessedBatch,
    Quote,
)
from newsflow.warehouse.db import (
    WarehouseError,
    connect_published,
    migrations,
    open_ingest,
    publish,
)


def _article(n: int, url: str | None = None) -> Article:
    text = f'Story {n}. John Kerry met Sergei Lavrov. "We talked," Kerry said.'
    url = url or f"https://news.example.org/story-{n}"
    return Article(
        article_id=f"id-{url}",
        url=url,
        page_url=f"https://news.example.org/item-{n}",
        title=f"Story {n}",
        text=text,
        fetched_at=datetime(2025, 1, 1, 12, 0),
    )


def _batch(*articles: Article, bad_quote: bool = False) -> ProcessedBatch:
    analyses = {}
    for article in articles:
        start = article.text.index("John Kerry")
        quote_start = article.text.index('"We')
        analyses[article.article_id] = Analysis(
            mentions=[
                Mention(
                    text="John Kerry",
                    label="PERSON",
                    canonical="John Kerry",
                    start_char=start,
                    end_char=start + 10,
                ),
            ],
            quotes=[
                Quote(
                    quote=None if bad_quote else '"We talked,"',
                    speaker="John Kerry",  # type: ignore[arg-type]
                    kind="direct",
                    start_char=quote_start,
                    end_char=quote_start + 12,
                ),
            ],
        )
    return ProcessedBatch(articles=list(articles), analyses=analyses)


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
    return tuple(
        con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("articles", "entity_mentions", "quotes")
    )


def test_migrations_apply_once_in_order(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        applied = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    with open_ingest(db) as con:
        again = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    assert [v for (v,) in applied] == [v for v, _, _ in migrations()]
    assert again == applied


def test_loading_the_same_batch_twice_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        first = store.store_batch(con, _batch(_article(1), _article(2)), [], run_id="r1")
        second = store.store_batch(con, _batch(_article(1), _article(2)), [], run_id="r2")
        counts = _counts(con)
    assert (first.articles, first.mentions, first.quotes) == (2, 2, 2)
    assert (second.articles, second.mentions, second.quotes) == (0, 0, 0)
    assert counts == (2, 2, 2)


def test_two_pages_with_one_canonical_url_are_one_article(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    same = "https://news.example.org/the-story"
    with open_ingest(db) as con:
        store.store_batch(con, _batch(_article(1, same), _article(2, same)), [], run_id="r1")
        assert _counts(con) == (1, 1, 1)


def test_a_load_that_fails_midway_leaves_no_half_written_article(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        with pytest.raises(duckdb.Error):
            store.store_batch(con, _batch(_article(1), bad_quote=True), [], run_id="r1")
        assert _counts(con) == (0, 0, 0)
        store.store_batch(con, _batch(_article(1)), [], run_id="r2")
        assert _counts(con) == (1, 1, 1)


def test_feed_items_link_pages_to_every_feed_and_pages_are_queued_once(tmp_path: Path) -> None:
    def poll(feed: str) -> FeedPoll:
        item = FeedItem(
            feed_url=feed,
            url="https://n.example.org/a",
            link="https://n.example.org/a?utm_source=x",
        )
        return FeedPoll(feed_url=feed, name=feed, status="ok", items=[item, item])

    with open_ingest(tmp_path / "news.duckdb") as con:
        new = poll_records.record_polls(
            con, [poll("https://n.example.org/f1"), poll("https://n.example.org/f2")]
        )
        again = poll_records.record_polls(con, [poll("https://n.example.org/f1")])
        assert (new, again) == (1, 0)
        assert con.execute("SELECT count(*) FROM feed_items").fetchone() == (2,)
        assert poll_records.pages_to_fetch(con, max_attempts=3) == ["https://n.example.org/a"]


def test_publish_moves_readers_to_the_new_snapshot_while_an_open_reader_keeps_its_own(
    tmp_path: Path,
) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        store.store_batch(con, _batch(_article(1)), [], run_id="r1")
    publish(db)
    reader = connect_published(db)
    assert _counts(reader) == (1, 1, 1)

    with open_ingest(db) as con:
        store.store_batch(con, _batch(_article(2)), [], run_id="r2")
        # Committed but not published: no reader sees it yet, not even a new one.
        with connect_published(db) as early:
            assert _counts(early) == (1, 1, 1)
    publish(db)

    assert _counts(reader) == (1, 1, 1)  # the open reader is not disturbed
    # A new process attaches the new snapshot.
    fresh = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from newsflow.warehouse.db import connect_published as c;"
            "print(c(sys.argv[1]).execute('SELECT count(*) FROM articles').fetchone()[0])",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert fresh.stdout.strip() == "2"
    reader.close()
    with connect_published(db) as reopened:
        assert _counts(reopened) == (2, 2, 2)


def test_nothing_is_copied_per_run_and_readers_need_a_published_run(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        store.store_batch(con, _batch(_article(1)), [], run_id="r1")
    with pytest.raises(WarehouseError, match="no published run yet"):
        connect_published(db)
    publish(db)
    assert not db.exists()  # the name only: the catalog and the data files sit beside it
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "news.data",
        "news.ducklake",
    ]
