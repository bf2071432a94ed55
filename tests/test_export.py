"""Exports: every table to Parquet (partitioned by publication date) or CSV, read back by
pandas, polars and DuckDB, compared with the warehouse they came from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest
from typer.testing import CliRunner

from newsflow import export as export_module
from newsflow.cli import app
from newsflow.export import export_warehouse, tables
from newsflow.export import prepare as export_prepare
from newsflow.warehouse.db import connect_locked, connect_published, open_ingest, publish

DATED = {
    "articles",
    "article_authors",
    "embedded_posts",  # none in this warehouse: one empty file, with pub_date
    "entity_mentions",
    "quotes",
    "feed_items",
    "article_signatures",
    "syndication_buckets",
}


@pytest.fixture(scope="module")
def source(analyst_warehouse: Path) -> duckdb.DuckDBPyConnection:
    con = connect_published(analyst_warehouse)
    yield con
    con.close()


@pytest.fixture(scope="module")
def parquet_dir(
    source: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("parquet")
    export_warehouse(source, out, fmt="parquet")
    return out


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def test_every_table_is_exported_and_dated_ones_are_partitioned(
    source: duckdb.DuckDBPyConnection, parquet_dir: Path
) -> None:
    names = tables(source)
    assert {"articles", "quotes", "entity_mentions", "feeds", "runs", "pages"} <= set(names)
    assert not [name for name in names if name.startswith("search_")]  # an index, not data
    assert sorted(p.name for p in parquet_dir.iterdir()) == names
    days = {
        d.isoformat() for (d,) in source.execute("SELECT DISTINCT day FROM article_info").fetchall()
    }
    assert {p.name for p in (parquet_dir / "articles").iterdir()} == {
        f"pub_date={day}" for day in days
    }
    for table in names:
        partitioned = any(p.is_dir() for p in (parquet_dir / table).iterdir())
        assert partitioned == (table in DATED and _count(source, table) > 0), table


@pytest.mark.parametrize("reader", ["pandas", "polars", "duckdb"])
def test_parquet_reads_back_whole_in_every_reader(
    source: duckdb.DuckDBPyConnection, parquet_dir: Path, reader: str
) -> None:
    for table in tables(source):
        path = parquet_dir / table
        if reader == "pandas":
            frame = pd.read_parquet(path)
            rows, columns = len(frame), list(frame.columns)
        elif reader == "polars":
            frame = pl.read_parquet(path / "**" / "*.parquet", hive_partitioning=True)
            rows, columns = frame.height, frame.columns
        else:
            relation = duckdb.sql(
                "SELECT * FROM read_parquet($glob, hive_partitioning = true)",
                params={"glob": str(path / "**" / "*.parquet")},
            )
            rows, columns = len(relation.fetchall()), relation.columns
        want = [d[0] for d in source.execute(f'SELECT * FROM "{table}" LIMIT 0').description]
        if table in DATED:
            want.append("pub_date")
        assert rows == _count(source, table), (reader, table)
        assert sorted(columns) == sorted(want), (reader, table)


def test_parquet_values_survive_the_round_trip(
    source: duckdb.DuckDBPyConnection, parquet_dir: Path
) -> None:
    back = pl.read_parquet(parquet_dir / "articles" / "**" / "*.parquet", hive_partitioning=True)
    exported = {
        row["article_id"]: (row["title"], row["text"], row["published_at"], row["pub_date"])
        for row in back.iter_rows(named=True)
    }
    stored = {
        article_id: (title, text, published, day)
        for article_id, title, text, published, day in source.execute(
            "SELECT a.article_id, a.title, a.text, a.published_at, ai.day "
            "FROM articles a JOIN article_info ai USING (article_id)"
        ).fetchall()
    }
    assert exported == stored
    signatures = pd.read_parquet(parquet_dir / "article_signatures")
    assert all(len(sig) == 128 for sig in signatures["minhash"])


def test_since_keeps_recent_dated_rows_and_whole_reference_tables(
    source: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    since = date(2025, 3, 11)
    done = {t.table: t.rows for t in export_warehouse(source, tmp_path, since=since)}
    recent = source.execute("SELECT count(*) FROM article_info WHERE day >= ?", [since]).fetchone()
    assert done["articles"] == recent[0] < _count(source, "articles")
    quotes = pd.read_parquet(tmp_path / "quotes")
    assert set(quotes["article_id"]) <= {
        a
        for (a,) in source.execute(
            "SELECT article_id FROM article_info WHERE day >= ?", [since]
        ).fetchall()
    }
    assert done["feeds"] == _count(source, "feeds")


def test_csv_round_trips_quotes_and_commas(
    source: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    export_warehouse(source, tmp_path, fmt="csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{t}.csv" for t in tables(source)]
    by_pandas = pd.read_csv(tmp_path / "quotes.csv")
    by_polars = pl.read_csv(tmp_path / "quotes.csv")
    by_duckdb = duckdb.sql(
        "SELECT quote FROM read_csv($path, header = true)",
        params={"path": str(tmp_path / "quotes.csv")},
    ).fetchall()
    stored = sorted(q for (q,) in source.execute("SELECT quote FROM quotes").fetchall())
    assert sorted(by_pandas["quote"]) == sorted(by_polars["quote"]) == stored
    assert sorted(q for (q,) in by_duckdb) == stored
    assert "pub_date" in by_pandas.columns


def test_cli_exports_and_will_not_overwrite_without_being_asked(
    analyst_warehouse: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["export", str(out), "--db", str(analyst_warehouse), "-c", "/dev/null"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "articles: 6 rows" in first.stdout and "partitioned by pub_date" in first.stdout
    (out / "notes.txt").write_text("mine")
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2
    assert again.stderr.count("\n") == 1 and "--overwrite" in again.stderr
    forced = CliRunner().invoke(app, [*args, "--overwrite", "--since", "2025-03-12"])
    assert forced.exit_code == 0, forced.output
    assert len(pd.read_parquet(out / "articles")) == 2  # only the newer rows: old ones replaced
    assert (out / "notes.txt").read_text() == "mine"  # files that are not exports are kept


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "xlsx"], "--format: expected parquet or csv"),
        (["--since", "March"], "--since"),
    ],
)
def test_cli_option_errors_are_one_line(
    analyst_warehouse: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        app, ["export", str(tmp_path), *extra, "--db", str(analyst_warehouse), "-c", "/dev/null"]
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr


@pytest.mark.slow
def test_flow_built_warehouse_exports_every_row(flow_warehouse: Path, tmp_path: Path) -> None:
    with connect_published(flow_warehouse) as con:
        export_warehouse(con, tmp_path)
        for table in tables(con):
            back = duckdb.sql(
                "SELECT count(*) FROM read_parquet($glob, hive_partitioning = true)",
                params={"glob": str(tmp_path / table / "**" / "*.parquet")},
            ).fetchone()[0]
            assert back == _count(con, table), table


@pytest.fixture(scope="module")
def wide_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12,000 articles of about 4 KB over 60 days (50 MB of text) and 3 mentions each."""
    db = tmp_path_factory.mktemp("wide") / "news.duckdb"
    with open_ingest(db) as con:
        con.execute(
            """
            INSERT INTO articles BY NAME
            SELECT md5('a' || i) AS article_id, 'https://example.org/' || i AS url,
                   'Story ' || i AS title, repeat(md5(i::VARCHAR) || ' ', 125) AS text,
                   TIMESTAMP '2025-01-01' + to_days(CAST(i % 60 AS INTEGER)) AS published_at,
                   TIMESTAMP '2025-03-01' AS fetched_at
            FROM range(12000) r(i)
            """
        )
        con.execute(
            """
            INSERT INTO entity_mentions BY NAME
            SELECT md5('a' || i) AS article_id, 'Name' AS text, 'PERSON' AS label,
                   'Name ' || k AS canonical, 10 * k AS start_char, 10 * k + 4 AS end_char
            FROM range(12000) r(i), range(3) s(k)
            """
        )
    publish(db)
    return db


def _tight(limit: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
    def prepare(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("SET memory_limit = ?", [limit])
        con.execute("SET threads = 1")
        export_prepare(con)

    return prepare


def test_export_streams_a_table_larger_than_the_memory_limit(
    wide_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_module, "SLICE_BYTES", 2 * 2**20)
    monkeypatch.setattr(export_module, "SLICE_DAYS", 8)
    out = tmp_path / "out"
    # 48 MB, not DuckDB's 40: the lake's scan holds Parquet column chunks (row groups of
    # 1,024 articles), not 256 KB blocks. The limit still binds (the whole COPY fails).
    con = connect_locked(
        wide_warehouse, allowed_directories=[str(tmp_path)], prepare=_tight("48MB")
    )
    try:
        # The limit binds: the articles do not fit in one partitioned COPY under it.
        with pytest.raises(duckdb.OutOfMemoryException):
            con.execute(
                "COPY (SELECT *, CAST(published_at AS DATE) AS pub_date FROM articles) "
                "TO $path (FORMAT parquet, PARTITION_BY (pub_date))",
                {"path": str(tmp_path / "whole")},
            )
        done = {t.table: t.rows for t in export_warehouse(con, out)}
        recent = {
            t.table: t.rows
            for t in export_warehouse(con, tmp_path / "recent", since=date(2025, 2, 20))
        }
    finally:
        con.close()
    assert done["articles"] == 12000 and done["entity_mentions"] == 36000
    assert recent["articles"] == 2000 and recent["entity_mentions"] == 6000  # 10 of 60 days
    back = duckdb.sql(
        "SELECT count(*), count(DISTINCT pub_date), sum(strlen(text)) "
        "FROM read_parquet($glob, hive_partitioning = true)",
        params={"glob": str(out / "articles" / "**" / "*.parquet")},
    ).fetchone()
    source = connect_published(wide_warehouse)
    try:
        stored = source.execute("SELECT count(*), 60, sum(strlen(text)) FROM articles").fetchone()
    finally:
        source.close()
    assert back == stored
    # Each day is one folder of files named as a single write names them.
    assert all(p.name == "data_0.parquet" for p in (out / "articles").rglob("*.parquet"))
