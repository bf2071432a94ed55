"""End to end: fixture feeds on a local server -> a real Prefect flow run -> a DuckDB file.

One module-scoped first run (through Prefect, real spaCy, real worker process), then the
assertions a user would make on the warehouse, then a second run through the CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from site_server import PROCESS, expected, write_config

from newsflow.warehouse.db import connect_published

pytestmark = pytest.mark.slow

TABLES = ("articles", "entity_mentions", "quotes", "feed_items", "pages", "feeds")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ingest")


@pytest.fixture(scope="module")
def config(news_site: str, workdir: Path) -> Path:
    return write_config(
        workdir / "feeds.toml",
        workdir / "news.duckdb",
        feeds=[
            ("Herald – World", f"{news_site}/feeds/world.xml"),
            ("Herald – Politics", f"{news_site}/feeds/politics.atom"),
            ("Herald – broken", f"{news_site}/feeds/broken.xml"),
            ("Herald – not a feed", f"{news_site}/feeds/not-a-feed.xml"),
            ("Dead host", "http://127.0.0.1:9/feed.xml"),
        ],
        execution=PROCESS,  # the runs here use the product's default runner
    )


@pytest.fixture(scope="module")
def first_run(prefect_harness: None, config: Path, workdir: Path) -> Any:
    from newsflow.flows.ingest import ingest

    return ingest(config_path=str(config), db_path=str(workdir / "news.duckdb"))


@pytest.fixture(scope="module")
def db(first_run: Any, workdir: Path) -> duckdb.DuckDBPyConnection:
    con = connect_published(workdir / "news.duckdb")
    yield con
    con.close()


def _article(db: duckdb.DuckDBPyConnection, path: str, news_site: str) -> dict[str, Any]:
    row = db.execute(
        "SELECT a.* FROM articles a JOIN pages p USING (article_id) WHERE p.page_url = ?",
        [f"{news_site}/{path}"],
    ).fetchone()
    assert row is not None, f"no article stored for {path}"
    return dict(zip([c[0] for c in db.description], row, strict=True))


def test_run_summary_counts_feeds_and_stories(first_run: Any) -> None:
    assert first_run.feeds_polled == 5
    assert first_run.feeds_failed == 2  # not-a-feed and the dead host; broken.xml is partial
    assert first_run.articles_stored == 6
    assert first_run.fetch_failures == 2  # the 404 and the PDF
    assert first_run.mentions > 50
    assert first_run.quotes > 10


def test_each_story_is_one_article_with_every_feed_that_carried_it(
    db: duckdb.DuckDBPyConnection, news_site: str
) -> None:
    assert db.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone() == (6, 6)
    carriers = db.execute(
        """
        SELECT f.name FROM feed_items fi JOIN feeds f USING (feed_url)
        WHERE fi.page_url = ? ORDER BY f.name
        """,
        [f"{news_site}/world/2025/03/11/black-sea-grain-talks-geneva.html"],
    ).fetchall()
    assert [name for (name,) in carriers] == ["Herald – Politics", "Herald – World"]
    tracked = db.execute("SELECT count(*) FROM pages WHERE page_url LIKE '%utm_%'").fetchone()
    assert tracked == (0,)


def test_page_canonical_link_is_the_article_url(
    db: duckdb.DuckDBPyConnection, news_site: str
) -> None:
    article = _article(db, "business/ecb-rates-decision-live.html", news_site)
    assert (
        article["url"] == f"{news_site}/business/2025/04/17/ecb-holds-rates-signals-patience.html"
    )


@pytest.mark.parametrize("path", sorted(expected()["pages"]))
def test_article_body_and_metadata_match_the_page(
    db: duckdb.DuckDBPyConnection, news_site: str, path: str
) -> None:
    want = expected()["pages"][path]
    article = _article(db, path, news_site)
    assert article["title"] == want["title"]
    assert article["author"] == want["author"]
    assert article["published_at"].isoformat() == want["published"]
    assert article["language"] == "en"
    for sentence in want["body_must"]:
        assert (
            sentence.replace("\\", "")
            in article["text"].replace("\u201c", '"').replace("\u201d", '"')
            or sentence in article["text"]
        ), sentence
    for boilerplate in want["body_must_not"]:
        assert boilerplate not in article["text"], boilerplate


@pytest.mark.parametrize("path", sorted(expected()["pages"]))
def test_people_are_stored_under_their_full_names(
    db: duckdb.DuckDBPyConnection, news_site: str, path: str
) -> None:
    want = expected()["pages"][path]
    article_id = _article(db, path, news_site)["article_id"]
    people = {
        name
        for (name,) in db.execute(
            "SELECT DISTINCT canonical FROM entity_mentions WHERE article_id = ? AND label = 'PERSON'",
            [article_id],
        ).fetchall()
    }
    assert set(want["people"]) <= people


@pytest.mark.parametrize("path", sorted(expected()["pages"]))
def test_quoted_speech_is_attributed_to_full_names(
    db: duckdb.DuckDBPyConnection, news_site: str, path: str
) -> None:
    want = expected()["pages"][path]
    article_id = _article(db, path, news_site)["article_id"]
    quotes = db.execute(
        # direct quotes and mixed ones ('calling the talks “substantive.”')
        "SELECT verbatim, speaker FROM quotes WHERE article_id = ? AND kind <> 'indirect'",
        [article_id],
    ).fetchall()
    for pair in want["quotes"]:
        speakers = [speaker for quote, speaker in quotes if pair["quote"] in quote]
        assert speakers, f"quote not found: {pair['quote']!r}"
        assert pair["speaker"] in speakers, (pair, speakers)


def test_offsets_index_into_the_stored_text(db: duckdb.DuckDBPyConnection) -> None:
    bad_mentions = db.execute(
        """
        SELECT count(*) FROM entity_mentions m JOIN articles a USING (article_id)
        WHERE substr(a.text, m.start_char + 1, m.end_char - m.start_char) <> m.text
        """
    ).fetchone()
    bad_quotes = db.execute(
        """
        SELECT count(*) FROM quotes q JOIN articles a USING (article_id)
        WHERE (q.kind <> 'direct'
               AND substr(a.text, q.start_char + 1, q.end_char - q.start_char) <> q.quote)
           OR EXISTS (SELECT 1 FROM unnest(q.fragments) AS u(f)
                      WHERE substr(a.text, f.start_char + 1, f.end_char - f.start_char) <> f.text)
        """
    ).fetchone()
    assert bad_mentions == (0,)
    assert bad_quotes == (0,)


def test_failed_pages_are_recorded_with_their_reason(
    db: duckdb.DuckDBPyConnection, news_site: str
) -> None:
    rows = dict(
        db.execute("SELECT page_url, last_error FROM pages WHERE status = 'failed'").fetchall()
    )
    assert "404" in rows[f"{news_site}/world/2025/01/30/ferry-strike-called-off.html"]
    assert "pdf" in rows[f"{news_site}/files/report.pdf"].lower()


def test_feed_problems_are_recorded_and_do_not_stop_other_feeds(
    db: duckdb.DuckDBPyConnection, news_site: str
) -> None:
    feeds = {
        name: (status, error, streak)
        for name, status, error, streak in db.execute(
            "SELECT name, last_status, last_error, failure_streak FROM feeds"
        ).fetchall()
    }
    assert feeds["Herald – World"][:2] == ("ok", None)
    assert feeds["Herald – broken"][0] == "ok" and feeds["Herald – broken"][1]
    assert feeds["Herald – not a feed"][0] == "failed" and feeds["Herald – not a feed"][2] == 1
    assert feeds["Dead host"][0] == "failed" and feeds["Dead host"][1]
    partial = db.execute(
        "SELECT count(*) FROM feed_items JOIN feeds USING (feed_url) WHERE name = 'Herald – broken'"
    ).fetchone()
    assert partial[0] >= 2


def test_the_run_is_recorded(db: duckdb.DuckDBPyConnection, first_run: Any) -> None:
    row = db.execute(
        "SELECT status, articles_stored, feeds_failed, quotes FROM runs WHERE run_id = ?",
        [first_run.run_id],
    ).fetchone()
    assert row == ("completed", 6, 2, first_run.quotes)


def test_second_run_through_the_cli_adds_nothing(
    db: duckdb.DuckDBPyConnection, config: Path, workdir: Path, prefect_env: dict[str, str]
) -> None:
    before = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone() for table in TABLES}
    result = subprocess.run(
        [Path(sys.executable).parent / "newsflow", "ingest", "--all", "--config", str(config)],
        env=prefect_env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert "articles stored: 0" in result.stdout
    # world.xml and politics.atom answer 304; broken.xml sends the same bytes (content hash)
    assert "3 unchanged" in result.stdout
    assert "failed fetches: 0" in result.stdout  # the 404 and the PDF are not retried
    # Read the new snapshot from a fresh process: this process still holds the old one open
    # (the ``db`` fixture), which is exactly what an analyst's session would do.
    script = (
        "import json, sys; from newsflow.warehouse.db import connect_published; "
        "c = connect_published(sys.argv[1]); "
        "print(json.dumps({t: c.execute(f'SELECT count(*) FROM {t}').fetchone()[0] "
        "for t in sys.argv[2:]}))"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", script, str(workdir / "news.duckdb"), *TABLES, "runs"],
        capture_output=True,
        text=True,
        check=True,
    )
    counts = json.loads(fresh.stdout)
    assert {t: counts[t] for t in TABLES} == {t: n for t, (n,) in before.items()}
    assert counts["runs"] == 2
