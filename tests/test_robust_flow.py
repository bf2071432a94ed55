"""Issue #11 in real flow runs: nothing a feed or a page does stops ingestion.

One run over the fault site (tests/fault_site.py) must store every healthy story, record
each bad feed item and page for what it is, keep every stored text clean, and give a
flooding feed no more than its share; files a killed commit left do not disturb the next run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fault_site import HUGE_TITLE_STORY, FaultSite
from pytest_httpserver import HTTPServer
from site_server import THREAD, write_config

from newsflow.tasks.text import CAPS, is_clean
from newsflow.warehouse.db import connect_published, open_ingest
from newsflow.warehouse.lake import location

pytestmark = pytest.mark.slow
CAP = 40


@pytest.fixture(scope="module")
def outcome(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from newsflow.flows.ingest import ingest

    workdir = tmp_path_factory.mktemp("robust")
    db = workdir / "news.duckdb"
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        site = FaultSite(server)
        config = write_config(
            workdir / "feeds.toml",
            db,
            feeds=site.feeds(),
            execution=THREAD,
            fetch={"per_host_concurrency": "8", "max_items_per_feed_per_run": str(CAP)},
        )
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("batch_size = 3", "batch_size = 20"), encoding="utf-8")
        first = ingest(config_path=str(config))
        yield site, config, db, first, ingest
    finally:
        server.clear()
        server.stop()


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with connect_published(db) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_healthy_story_is_stored_and_the_run_completes(outcome: Any) -> None:
    site, _, db, first, _ = outcome
    stored = {u for (u,) in _rows(db, "SELECT page_url FROM pages WHERE status = 'ok'")}
    assert set(site.must_store()) <= stored
    assert _rows(db, "SELECT status FROM runs WHERE run_id = ?", [first.run_id]) == [("completed",)]


def test_a_page_with_a_lone_surrogate_is_stored_clean(outcome: Any) -> None:
    site, _, db, _, _ = outcome
    [(status, title)] = _rows(
        db,
        "SELECT p.status, a.title FROM pages p LEFT JOIN articles a USING (article_id) "
        "WHERE p.page_url = ?",
        [site.urls["surrogate"]],
    )
    assert status == "ok"
    assert is_clean(title) and "\x1b" not in title and "\x00" not in title


def test_one_bad_feed_item_does_not_cost_the_rest_of_its_feed(outcome: Any) -> None:
    site, _, db, first, _ = outcome
    [(status,)] = _rows(
        db,
        "SELECT status FROM feed_fetches WHERE feed_url = ? AND run_id = ?",
        [site.urls["feed_bad_item"], first.run_id],
    )
    titles = sorted(
        t
        for (t,) in _rows(
            db, "SELECT title FROM feed_items WHERE feed_url = ?", [site.urls["feed_bad_item"]]
        )
    )
    assert status == "ok"
    assert titles == ["fine", "x \ufffd [31mred"]


def test_a_huge_title_is_capped(outcome: Any) -> None:
    site, _, db, _, _ = outcome
    [(length,)] = _rows(
        db,
        "SELECT length(title) FROM feed_items WHERE page_url = ?",
        [site.story_url(HUGE_TITLE_STORY)],
    )
    assert length == CAPS["title"]


def test_every_stored_text_is_clean(outcome: Any) -> None:
    _, _, db, _, _ = outcome
    columns = {
        "articles": ["url", "title", "text", "author", "language", "sitename", "description"],
        "feed_items": ["page_url", "link", "guid", "title"],
    }
    for table, names in columns.items():
        for row in _rows(db, f"SELECT {', '.join(names)} FROM {table}"):
            assert all(is_clean(value) for value in row), (table, row)


def test_a_flooding_feed_gets_its_share_and_nothing_is_dropped(outcome: Any) -> None:
    site, _, db, _, _ = outcome
    [(attempted, pending)] = _rows(
        db,
        "SELECT count(*) FILTER (attempts > 0), count(*) FILTER (status = 'pending') "
        "FROM pages WHERE page_url LIKE ?",
        [site.base + "/flood/%"],
    )
    assert attempted == CAP
    assert pending == site.flood - CAP  # left queued for the next runs


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("utf7", "+ADw-b+AD4-plus"),  # read as UTF-8: no markup smuggled in
        ("rot13", None),  # unknown label ignored: decoded and stored like any page
    ],
)
def test_odd_charsets_are_ignored_not_honoured(
    outcome: Any, page: str, expected: str | None
) -> None:
    site, _, db, _, _ = outcome
    [(status, text)] = _rows(
        db,
        "SELECT p.status, a.text FROM pages p LEFT JOIN articles a USING (article_id) "
        "WHERE p.page_url = ?",
        [site.urls[page]],
    )
    assert status == "ok"
    if expected:
        assert expected in text and "<b>plus" not in text


def test_a_canonical_on_another_port_is_not_adopted(outcome: Any) -> None:
    site, _, db, _, _ = outcome
    [(url,)] = _rows(
        db,
        "SELECT a.url FROM pages p JOIN articles a USING (article_id) WHERE p.page_url = ?",
        [site.urls["other_port"]],
    )
    assert url == site.urls["other_port"]


def test_files_left_by_a_killed_commit_do_not_disturb_the_next_run(outcome: Any) -> None:
    _, config, db, _, ingest = outcome
    before = _rows(db, "SELECT count(*) FROM articles")[0][0]
    # A commit killed after writing its Parquet file and before the catalog took it.
    orphan = location(db).data_folder / "main" / "articles" / "ducklake-killed-commit.parquet"
    orphan.write_bytes(b"PAR1 half a file")
    again = ingest(config_path=str(config))
    assert _rows(db, "SELECT status FROM runs WHERE run_id = ?", [again.run_id]) == [("completed",)]
    assert _rows(db, "SELECT count(*) FROM articles")[0][0] >= before
    orphan.unlink()


def test_a_failed_publish_fails_the_run_and_keeps_the_snapshot(outcome: Any) -> None:
    _, config, db, _, ingest = outcome
    published = _rows(db, "SELECT count(*) FROM publications")[0][0]
    folder = location(db).data_folder / "main" / "publications"
    moved = folder.with_name("publications.kept")
    folder.rename(moved)
    folder.write_text("not a folder")  # the publish's Parquet file cannot be written
    try:
        run = ingest(config_path=str(config))
    finally:
        folder.unlink()
        moved.rename(folder)
    with open_ingest(db) as con:
        [(status, error)] = con.execute(
            "SELECT status, error FROM runs WHERE run_id = ?", [run.run_id]
        ).fetchall()
    assert _rows(db, "SELECT count(*) FROM publications")[0][0] == published
    assert run.publish_error is not None and run.publish_error.startswith("publish failed")
    assert (status, error) == ("failed", run.publish_error)
