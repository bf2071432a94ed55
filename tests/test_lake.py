"""The warehouse as a DuckLake: one schema source, snapshots you can cite, conversion of an
old DuckDB warehouse, maintenance. Real lakes (SQLite catalog + Parquet files) in tmp_path."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from shared_lake import new_shared_lake
from typer.testing import CliRunner

from newsflow.cli import app
from newsflow.tasks.load import poll_records, store
from newsflow.tasks.records import Analysis, Article, FeedItem, FeedPoll, Mention, ProcessedBatch
from newsflow.warehouse import lake
from newsflow.warehouse.db import (
    OldWarehouse,
    WarehouseError,
    apply_migrations,
    connect_published,
    open_ingest,
    publish,
    transaction,
)
from newsflow.warehouse.lake import lake_sql, location
from newsflow.warehouse.maintain import maintain


def _article(n: int) -> Article:
    url = f"https://news.example.org/story-{n}"
    return Article(
        article_id=f"id-{n}",
        url=url,
        page_url=url,
        title=f"Story {n}",
        text=f"Story {n}. John Kerry met Sergei Lavrov in Geneva.",
        fetched_at=datetime(2025, 1, n, 12, 0),
    )


def _batch(*numbers: int) -> ProcessedBatch:
    articles = [_article(n) for n in numbers]
    start = articles[0].text.index("John") if articles else 0
    analyses = {
        a.article_id: Analysis(
            mentions=[
                Mention(
                    text="John Kerry",
                    label="PERSON",
                    canonical="John Kerry",
                    start_char=start,
                    end_char=start + 10,
                )
            ]
        )
        for a in articles
    }
    return ProcessedBatch(articles=articles, analyses=analyses)


def _load(con: duckdb.DuckDBPyConnection, run: str, *numbers: int) -> None:
    url = "https://f.example/rss"
    items = [
        FeedItem(feed_url=url, url=_article(n).page_url, link=_article(n).url) for n in numbers
    ]
    poll = FeedPoll(feed_url="https://f.example/rss", name="F", status="ok", items=items)
    poll_records.record_polls(con, [poll], run_id=run)
    store.store_batch(con, _batch(*numbers), [], run_id=run)


def _count(con: duckdb.DuckDBPyConnection, table: str = "articles") -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --- one schema source ------------------------------------------------------------------------


def test_lake_sql_drops_keys_and_keeps_what_they_implied() -> None:
    sql = (
        "CREATE TABLE t (\n    id VARCHAR PRIMARY KEY,  -- the id\n    n INTEGER NOT NULL,\n"
        "    PRIMARY KEY (id, n)\n);\nCREATE TABLE u (\n    a INT,   -- a comment, with a comma\n"
        "    PRIMARY KEY (a)\n);"
    )
    assert lake_sql(sql) == (
        "CREATE TABLE t (\n    id VARCHAR NOT NULL,  -- the id\n    n INTEGER NOT NULL\n);\n"
        "CREATE TABLE u (\n    a INT   -- a comment, with a comma\n);"
    )


def _schema(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    catalog = con.execute("SELECT current_database()").fetchone()[0]
    columns = con.execute(
        "SELECT table_name, column_name, data_type, is_nullable, column_default "
        "FROM information_schema.columns WHERE table_catalog = ? AND table_schema = 'main' "
        "ORDER BY table_name, ordinal_position",
        [catalog],
    ).fetchall()
    # A lake spells "no default" NULL and quotes literal defaults ('0'); DuckDB does not.
    columns = [
        (*row[:4], None if row[4] in (None, "NULL") else str(row[4]).strip("'")) for row in columns
    ]
    views = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? "
        "AND table_type = 'VIEW' ORDER BY 1",
        [catalog],
    ).fetchall()
    macros = con.execute(
        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE database_name = ? "
        "AND function_type LIKE '%macro' ORDER BY 1",
        [catalog],
    ).fetchall()
    return {"columns": columns, "views": views, "macros": macros}


def test_a_lake_has_the_schema_the_migration_files_describe(tmp_path: Path) -> None:
    plain = duckdb.connect(str(tmp_path / "plain.duckdb"))
    apply_migrations(plain)
    with open_ingest(tmp_path / "news.ducklake") as lake:
        assert _schema(lake) == _schema(plain)
        assert len(_schema(lake)["columns"]) > 150  # the comparison saw the whole warehouse


def test_rows_a_transaction_inserts_then_updates_twice_are_kept(tmp_path: Path) -> None:
    """DuckLake 1.5.5 lost such rows with data inlining on (the loader does exactly this to
    a new feed's row); the writer attaches with inlining off."""
    with open_ingest(tmp_path / "news.ducklake") as con:
        with transaction(con):
            for url in ("u", "v", "w"):
                con.execute("INSERT INTO feeds (feed_url, name) VALUES (?, 'n')", [url])
                con.execute("UPDATE feeds SET etag = 'e' WHERE feed_url = ?", [url])
                con.execute("UPDATE feeds SET last_status = 'ok' WHERE feed_url = ?", [url])
        rows = con.execute("SELECT feed_url, etag, last_status FROM feeds ORDER BY 1").fetchall()
    assert rows == [("u", "e", "ok"), ("v", "e", "ok"), ("w", "e", "ok")]


def test_an_old_duckdb_warehouse_is_named_with_the_command_that_converts_it(
    tmp_path: Path,
) -> None:
    old = tmp_path / "news.duckdb"
    duckdb.connect(str(old)).close()
    for open_it in (connect_published, lambda p: open_ingest(p).__enter__()):
        with pytest.raises(OldWarehouse, match="`newsflow migrate-warehouse`$"):
            open_it(old)
    result = CliRunner().invoke(app, ["sql", "SELECT 1", "--db", str(old), "-c", "/dev/null"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "migrate-warehouse" in result.stderr


# --- history you can cite ---------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
def three_runs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """r1 stores story 1, r2 stories 2-3, r3 story 4; r3's last batch is not published.
    On each catalog: a SQLite file, or PostgreSQL with the data files in S3."""
    db = tmp_path / "news.ducklake"
    config = f"[warehouse]\npath = {json.dumps(str(db))}\n"
    if request.param == "postgres":
        shared = new_shared_lake(
            request.getfixturevalue("postgres_server"), request.getfixturevalue("s3_endpoint")
        )
        shared.configure(db)
        config += shared.toml() + "\n"
    (tmp_path / "lake.toml").write_text(config, encoding="utf-8")  # for the CLI
    with open_ingest(db) as con:
        _load(con, "r1", 1)
        publish_on_con(con, "r1")
        _load(con, "r2", 2)
        _load(con, "r2", 3)
        publish_on_con(con, "r2")
        _load(con, "r3", 4)
    yield db
    lake.forget(db)


def publish_on_con(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    from newsflow.warehouse.db import publish_on

    publish_on(con, run_id)


def test_readers_see_the_last_published_run_and_any_earlier_one_exactly(three_runs: Path) -> None:
    with connect_published(three_runs) as con:
        assert _count(con) == 3  # r3's committed batch is not published
        snaps = con.execute(
            "SELECT snapshot_id, snapshot_time FROM ducklake_snapshots(current_database()) "
            "WHERE commit_message = 'publish' ORDER BY 1"
        ).fetchall()
    (first_id, first_time), (_, second_time) = snaps
    with connect_published(three_runs, as_of="r1") as con:
        assert _count(con) == 1 and _count(con, "entity_mentions") == 1
    with connect_published(three_runs, as_of=str(first_id)) as con:
        assert _count(con) == 1
    between = first_time.replace(tzinfo=None) + (second_time - first_time) / 2
    with connect_published(three_runs, as_of=between.isoformat()) as con:
        assert _count(con) == 1
    with pytest.raises(WarehouseError, match="nothing was published by then"):
        connect_published(three_runs, as_of=(first_time - timedelta(days=1)).isoformat())
    with pytest.raises(WarehouseError, match="not a run id"):
        connect_published(three_runs, as_of="last tuesday")


def test_sql_export_and_snapshots_commands_take_a_run(three_runs: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["-c", str(tmp_path / "lake.toml")]
    listed = runner.invoke(app, ["snapshots", *base])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert [line.split()[3] for line in lines[1:]] == ["r2", "r1"]  # newest first
    old = runner.invoke(
        app, ["sql", "SELECT count(*) AS n FROM articles", "--csv", "--as-of", "r1", *base]
    )
    assert old.exit_code == 0, old.output
    assert old.stdout.splitlines() == ["n", "1"]
    out = tmp_path / "export"
    exported = runner.invoke(app, ["export", str(out), "--format", "csv", "--as-of", "r1", *base])
    assert exported.exit_code == 0, exported.output
    assert "articles: 1 rows" in exported.stdout
    bad = runner.invoke(app, ["sql", "SELECT 1", "--as-of", "nope", *base])
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


# --- conversion of an old warehouse ---------------------------------------------------------


def _old_warehouse(path: Path) -> None:
    """A DuckDB warehouse as newsflow wrote it before the lake: the same migrations, with
    keys, and rows loaded by the loaders."""
    con = duckdb.connect(str(path))
    apply_migrations(con)
    _load(con, "old-1", 1, 2)
    _load(con, "old-2", 3)
    con.execute(
        "INSERT INTO runs (run_id, started_at, status) VALUES ('old-1', now(), 'completed')"
    )
    con.close()


def test_migrate_warehouse_copies_every_row_and_checks_each_table(tmp_path: Path) -> None:
    old = tmp_path / "news.duckdb"
    _old_warehouse(old)
    before = old.read_bytes()
    base = ["--db", str(old), "-c", "/dev/null"]
    result = CliRunner().invoke(app, ["migrate-warehouse", *base])
    assert result.exit_code == 0, result.output
    assert "articles: 3 rows" in result.stdout and "search_postings:" in result.stdout
    assert old.read_bytes() == before  # the old file is untouched
    plain = duckdb.connect(str(old), read_only=True)
    with connect_published(old) as lake:  # the config's path now finds the lake beside it
        for table in ("articles", "entity_mentions", "pages", "feed_items", "search_postings"):
            query = f"SELECT * FROM {table} ORDER BY ALL"
            assert lake.execute(query).fetchall() == plain.execute(query).fetchall(), table
        assert _count(lake, "search_stopwords") == _count(plain, "search_stopwords")
    # The lake carries on from there.
    with open_ingest(old) as con:
        _load(con, "new-1", 4)
    publish(old, "new-1")
    with connect_published(old) as lake:
        assert _count(lake) == 4
    again = CliRunner().invoke(app, ["migrate-warehouse", *base])
    assert again.exit_code == 2 and "exists already" in again.stderr


# --- maintenance ------------------------------------------------------------------------------


def test_maintain_merges_small_files_and_keeps_every_published_run(three_runs: Path) -> None:
    with connect_published(three_runs, as_of="r1") as con:
        r1 = con.execute("SELECT * FROM articles ORDER BY ALL").fetchall()
    folder = location(three_runs).data_folder  # None: the files are in S3
    if folder is not None:
        orphan = folder / "main" / "articles" / "ducklake-killed-commit.parquet"
        orphan.write_bytes(b"PAR1 half a file")
        before = sorted(folder.rglob("*.parquet"))
    done = maintain(three_runs)
    assert done.files_after < done.files_before
    if folder is not None:
        assert len(sorted(folder.rglob("*.parquet"))) < len(before)
        assert not orphan.exists()
    with connect_published(three_runs, as_of="r1") as con:
        assert con.execute("SELECT * FROM articles ORDER BY ALL").fetchall() == r1
    with connect_published(three_runs) as con:
        assert _count(con) == 3
    with open_ingest(three_runs) as con:  # r3's unpublished batch is still committed
        assert _count(con) == 4


def test_a_lake_copied_elsewhere_reads_and_writes_its_own_files(tmp_path: Path) -> None:
    db = tmp_path / "a" / "news.ducklake"
    with open_ingest(db) as con:
        _load(con, "r1", 1)
    publish(db, "r1")
    copy = tmp_path / "b" / "news.ducklake"
    copy.parent.mkdir()
    shutil.copyfile(db, copy)
    shutil.copytree(location(db).data_folder, location(copy).data_folder)
    with open_ingest(copy) as con:
        _load(con, "r2", 2)
    publish(copy, "r2")
    with connect_published(copy) as con:
        assert _count(con) == 2
    with connect_published(db) as con:  # the original is untouched
        assert _count(con) == 1
    original = location(db).data_folder / "main" / "articles"
    assert len(list(original.glob("*.parquet"))) == 1  # r2's file went to the copy


# --- cost of a run: writes per batch, files read by key ------------------------------------------


def _files_of(con: duckdb.DuckDBPyConnection, table: str) -> int:
    name = con.execute("SELECT current_database()").fetchone()[0]
    return con.execute("SELECT count(*) FROM ducklake_list_files(?, ?)", [name, table]).fetchone()[
        0
    ]


def test_polling_many_feeds_writes_their_states_once(tmp_path: Path) -> None:
    """Every statement on a lake table writes files: 40 feeds' states (new, then unchanged)
    are one commit and one data file each time, not one per feed."""
    urls = [f"https://f{n}.example/rss" for n in range(40)]
    with open_ingest(tmp_path / "news.ducklake") as con:
        for status in ("ok", "unchanged"):
            before = con.execute("SELECT count(*) FROM ducklake_snapshots('news')").fetchone()[0]
            files = _files_of(con, "feeds")
            polls = [
                FeedPoll(feed_url=url, name=url, status=status, etag="e", content_hash="h")
                for url in urls
            ]
            poll_records.record_polls(con, polls, run_id=f"run-{status}")
            after = con.execute("SELECT count(*) FROM ducklake_snapshots('news')").fetchone()[0]
            assert after - before == 1
            assert _files_of(con, "feeds") - files <= 1
        rows = con.execute(
            "SELECT count(*), min(last_status), max(last_status), min(failure_streak), "
            "count(next_poll_at), min(etag) FROM feeds"
        ).fetchone()
    assert rows == (40, "unchanged", "unchanged", 0, 40, "e")


def test_search_postings_are_merged_in_term_order(tmp_path: Path) -> None:
    """Sorted by term, a query's postings lie in a few row groups whose min/max statistics
    name them, so search skips the rest."""
    db = tmp_path / "news.ducklake"
    with open_ingest(db) as con:
        for n in (1, 2, 3):
            _load(con, f"r{n}", n)
    publish(db, "r3")
    maintain(db)
    with open_ingest(db) as con:
        name = con.execute("SELECT current_database()").fetchone()[0]
        files = con.execute(
            "SELECT data_file FROM ducklake_list_files(?, 'search_postings')", [name]
        ).fetchall()
        assert len(files) == 1  # the three batches' files merged
        terms = [
            row[0]
            for row in con.execute("SELECT term FROM read_parquet(?)", [files[0][0]]).fetchall()
        ]
    assert len(terms) > 10
    assert terms == sorted(terms)


def test_a_nested_transaction_is_one_commit_with_the_outer_one(tmp_path: Path) -> None:
    """A batch's load and its clustering share one lake commit: a failure anywhere in the
    outer block keeps none of the inner block's rows either."""
    with open_ingest(tmp_path / "news.ducklake") as con:
        name = con.execute("SELECT current_database()").fetchone()[0]

        def snapshots() -> int:
            return con.execute("SELECT count(*) FROM ducklake_snapshots(?)", [name]).fetchone()[0]

        before = snapshots()
        with pytest.raises(RuntimeError), transaction(con):
            with transaction(con):
                con.execute("INSERT INTO feeds (feed_url, name) VALUES ('a', 'n')")
            raise RuntimeError("clustering failed")
        assert con.execute("SELECT count(*) FROM feeds").fetchone() == (0,)
        assert snapshots() == before
        with transaction(con):
            with transaction(con):
                con.execute("INSERT INTO feeds (feed_url, name) VALUES ('a', 'n')")
            con.execute("INSERT INTO feeds (feed_url, name) VALUES ('b', 'n')")
        assert con.execute("SELECT count(*) FROM feeds").fetchone() == (2,)
        assert snapshots() == before + 1
