"""The shared-warehouse recipe on real servers: a DuckLake whose catalog is a PostgreSQL
database and whose data files sit in an S3 bucket, written by one connection and read by
another, including an old snapshot."""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb
import pytest
from services import PostgresServer, S3Endpoint


def _extension(module: str, name: str) -> Path:
    """An extension file from its pinned PyPI package (DuckDB cannot download here)."""
    package = pytest.importorskip(module, reason=f"{module} is not installed (make install-test)")
    path = (
        Path(next(iter(package.__path__)))
        / "extensions"
        / f"v{duckdb.__version__}"
        / f"{name}.duckdb_extension"
    )
    assert path.is_file(), f"{module} has no {name} extension for DuckDB {duckdb.__version__}"
    return path


def _lake_connection(s3: S3Endpoint) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    for module, name in (
        ("duckdb_extension_ducklake", "ducklake"),
        ("duckdb_extension_postgres_scanner", "postgres_scanner"),
        ("duckdb_extension_httpfs", "httpfs"),
    ):
        con.execute(f"LOAD '{_extension(module, name)}'")
    con.execute(s3.secret_sql())
    return con


@pytest.fixture
def lake(postgres_server: PostgresServer, s3_endpoint: S3Endpoint) -> tuple[str, S3Endpoint]:
    """A fresh catalog database and a fresh bucket for one test."""
    name = f"lake_{uuid.uuid4().hex[:12]}"
    return postgres_server.create_database(name), s3_endpoint.create_bucket(name.replace("_", "-"))


def test_ducklake_on_postgres_and_s3_is_shared_and_keeps_snapshots(
    lake: tuple[str, S3Endpoint],
) -> None:
    dsn, s3 = lake
    data_path = f"s3://{s3.bucket}/lake/"

    writer = _lake_connection(s3)
    # DATA_INLINING_ROW_LIMIT 0: small inserts otherwise stay in the catalog, not the bucket.
    writer.execute(
        f"ATTACH 'ducklake:postgres:{dsn}' AS lake "
        f"(DATA_PATH '{data_path}', DATA_INLINING_ROW_LIMIT 0)"
    )
    writer.execute("CREATE TABLE lake.articles (id INTEGER, title VARCHAR)")
    writer.execute("INSERT INTO lake.articles VALUES (1, 'first'), (2, 'second')")
    first_version = writer.execute(
        "SELECT max(snapshot_id) FROM ducklake_snapshots('lake')"
    ).fetchone()[0]
    writer.execute("INSERT INTO lake.articles VALUES (3, 'third')")
    writer.execute("UPDATE lake.articles SET title = 'FIRST' WHERE id = 1")

    # The data files are Parquet objects in the bucket, not on this machine.
    keys = [o["Key"] for o in s3.client().list_objects_v2(Bucket=s3.bucket).get("Contents", [])]
    assert keys and all(k.startswith("lake/") and k.endswith(".parquet") for k in keys)

    # Another connection (another machine, in production) sees the writer's commits...
    reader = _lake_connection(s3)
    reader.execute(f"ATTACH 'ducklake:postgres:{dsn}' AS lake (READ_ONLY)")
    assert reader.execute("SELECT id, title FROM lake.articles ORDER BY id").fetchall() == [
        (1, "FIRST"),
        (2, "second"),
        (3, "third"),
    ]
    # ...and any earlier snapshot.
    assert reader.execute(
        "SELECT id, title FROM lake.articles AT (VERSION => ?) ORDER BY id", [first_version]
    ).fetchall() == [(1, "first"), (2, "second")]
    with pytest.raises(duckdb.Error, match="read-only|read only"):
        reader.execute("INSERT INTO lake.articles VALUES (4, 'no')")
