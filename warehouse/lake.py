"""Where the DuckLake warehouse lives, and attaching it.

The warehouse is a DuckLake: a *catalog* (a SQLite file by default, or a PostgreSQL database
when several machines share it) plus Parquet *data files* (a local folder, a shared folder or
an S3-compatible bucket). Every committed transaction is a snapshot; readers attach the
snapshot of the last published run, read-only, and never see a half-loaded run.

``[warehouse] path`` names the warehouse. ``warehouse/news.ducklake`` (or, from older configs,
``warehouse/news.duckdb``) means the SQLite catalog ``warehouse/news.ducklake`` with its data
in ``warehouse/news.data/``; ``[warehouse] catalog`` and ``data_path`` override either part.
The path stays the warehouse's identity: the ingest lock sits beside it, and code that is
handed a path finds the rest with ``location(path)`` (``configure`` registers the overrides
a config gives, once per process).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from newsflow.warehouse.extensions import load_extension

CATALOG_SUFFIX = ".ducklake"
DATA_SUFFIX = ".data"
# The commit message of the snapshot that ends a run: readers attach the newest one.
PUBLISH_MESSAGE = "publish"
PUBLISH_AUTHOR = "newsflow"


@dataclass(frozen=True, slots=True)
class S3Options:
    """An S3-compatible store for the data files (``[warehouse.s3]``)."""

    endpoint: str | None = None  # host:port of a non-AWS store (MinIO, moto, ...)
    region: str | None = None
    key_id: str | None = None
    secret: str | None = None
    url_style: str | None = None  # "path" for most non-AWS stores
    use_ssl: bool = True


@dataclass(frozen=True, slots=True)
class Location:
    """One warehouse: its identity (the configured path), catalog and data path."""

    path: Path  # [warehouse] path; the ingest lock sits beside it
    catalog: str  # "sqlite:/abs/news.ducklake" or "postgres:dbname=... host=..."
    data_path: str  # "/abs/news.data/" or "s3://bucket/prefix/"
    s3: S3Options | None = None

    @property
    def catalog_file(self) -> Path | None:
        """The SQLite catalog file, or None for a PostgreSQL catalog."""
        if self.catalog.startswith("sqlite:"):
            return Path(self.catalog.removeprefix("sqlite:"))
        return None

    @property
    def data_folder(self) -> Path | None:
        """The local data folder, or None for an object store."""
        if "://" in self.data_path:
            return None
        return Path(self.data_path)

    @property
    def is_postgres(self) -> bool:
        return self.catalog.startswith("postgres:")

    def describe(self) -> str:
        """For messages: the catalog file, or the catalog with no password."""
        if self.catalog_file is not None:
            return str(self.catalog_file)
        return re.sub(r"password=\S+", "password=***", self.catalog)

    def exists(self) -> bool:
        """Whether the catalog has been created (a PostgreSQL catalog: assumed)."""
        file = self.catalog_file
        return file.exists() if file is not None else True


_CONFIGURED: dict[Path, Location] = {}


def _key(path: Path) -> Path:
    return Path(path).expanduser().resolve()


def default_catalog_file(path: Path) -> Path:
    """``news.duckdb`` or ``news.ducklake`` -> ``news.ducklake`` beside it."""
    path = _key(path)
    return path if path.suffix == CATALOG_SUFFIX else path.with_suffix(CATALOG_SUFFIX)


def configure(
    path: Path,
    *,
    catalog: str | None = None,
    data_path: str | None = None,
    s3: S3Options | None = None,
) -> Location:
    """Register where the warehouse named ``path`` keeps its catalog and data; return it."""
    catalog_file = default_catalog_file(path)
    if catalog is None or catalog == "sqlite":
        catalog_spec = f"sqlite:{catalog_file}"
    elif catalog.startswith("sqlite:"):
        catalog_spec = f"sqlite:{_key(Path(catalog.removeprefix('sqlite:')))}"
    elif catalog.startswith("postgres:"):
        catalog_spec = catalog
    else:
        raise ValueError(
            f"[warehouse] catalog must be 'sqlite:FILE' or 'postgres:DSN': {catalog!r}"
        )
    if data_path is None:
        data = str(catalog_file.with_suffix(DATA_SUFFIX)) + "/"
    elif "://" in data_path:
        data = data_path.rstrip("/") + "/"
    else:
        data = str(_key(Path(data_path))) + "/"
    location = Location(path=_key(path), catalog=catalog_spec, data_path=data, s3=s3)
    _CONFIGURED[_key(path)] = location
    return location


def forget(path: Path) -> None:
    """Drop a registration (tests that reuse a path for another kind of warehouse)."""
    _CONFIGURED.pop(_key(path), None)


def location(path: Path | Location) -> Location:
    """The warehouse named ``path``: as configured, or the default layout beside it."""
    if isinstance(path, Location):
        return path
    found = _CONFIGURED.get(_key(path))
    if found is not None:
        return found
    catalog_file = default_catalog_file(path)
    return Location(
        path=_key(path),
        catalog=f"sqlite:{catalog_file}",
        data_path=str(catalog_file.with_suffix(DATA_SUFFIX)) + "/",
    )


def alias(where: Location) -> str:
    """The catalog name SQL sees: the file's stem (``news``), as analysts are used to."""
    stem = where.path.stem
    if stem.lower() in {"memory", "system", "temp", "main"} or not stem.isidentifier():
        return "warehouse"
    return stem


def literal(value: str) -> str:
    """A SQL string literal (ATTACH and CREATE SECRET take no parameters)."""
    return "'" + value.replace("'", "''") + "'"


def load_extensions(con: duckdb.DuckDBPyConnection, where: Location) -> None:
    """Load DuckLake and what its catalog and data path need."""
    load_extension(con, "ducklake")
    if where.is_postgres:
        load_extension(con, "postgres_scanner")
    else:
        load_extension(con, "sqlite_scanner")
    if where.data_path.startswith("s3://"):
        load_extension(con, "httpfs")
        _create_s3_secret(con, where.s3 or S3Options())


def _create_s3_secret(con: duckdb.DuckDBPyConnection, s3: S3Options) -> None:
    parts = ["TYPE s3"]
    if s3.key_id is not None:
        parts.append(f"KEY_ID {literal(s3.key_id)}")
    if s3.secret is not None:
        parts.append(f"SECRET {literal(s3.secret)}")
    if s3.region is not None:
        parts.append(f"REGION {literal(s3.region)}")
    if s3.endpoint is not None:
        parts.append(f"ENDPOINT {literal(s3.endpoint)}")
    if s3.url_style is not None:
        parts.append(f"URL_STYLE {literal(s3.url_style)}")
    parts.append(f"USE_SSL {'true' if s3.use_ssl else 'false'}")
    con.execute(f"CREATE OR REPLACE SECRET newsflow_lake ({', '.join(parts)})")


def attach(
    con: duckdb.DuckDBPyConnection,
    where: Location,
    *,
    read_only: bool,
    snapshot: int | None = None,
    name: str | None = None,
) -> str:
    """Attach the lake to ``con`` (at ``snapshot``, read-only, when given); return its name."""
    load_extensions(con, where)
    # The configured data path wins over the one the catalog recorded at creation: a lake
    # copied or moved (catalog and folder together) keeps working where it now is.
    options = [f"DATA_PATH {literal(where.data_path)}", "OVERRIDE_DATA_PATH true"]
    if read_only:
        options.append("READ_ONLY")
    else:
        # No data inlining: with it, DuckLake 1.5.5 loses rows that one transaction inserts
        # and then updates twice (tests/test_lake.py). Small commits become small Parquet
        # files instead, which ``newsflow maintain`` merges.
        options.append("DATA_INLINING_ROW_LIMIT 0")
    if snapshot is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
    name = name or alias(where)
    quoted = '"' + name.replace('"', '""') + '"'
    con.execute(f"ATTACH {literal('ducklake:' + where.catalog)} AS {quoted} ({', '.join(options)})")
    return name


# Constraints DuckLake refuses. A primary key becomes NOT NULL (what it implied), so the lake
# ends with the columns, types and nullability the migration files describe.
# A table's key on a line of its own: it and the comma before it (a comment may follow the comma).
_TABLE_KEY = re.compile(
    r",(?P<rest>[ \t]*(?:--[^\n]*)?)\n[ \t]*PRIMARY\s+KEY\s*\([^)]*\)", re.IGNORECASE
)
_COLUMN_KEY = re.compile(r"\bPRIMARY\s+KEY\b", re.IGNORECASE)
_UNIQUE = re.compile(r"\s+UNIQUE\b(?!\s*\()", re.IGNORECASE)


def lake_sql(sql: str) -> str:
    """A migration's SQL as DuckLake takes it: keys and UNIQUE constraints removed.

    Migrations are written for DuckDB and never edited; this is the one, tested, transform.
    Loaders never rely on the keys for idempotency (they anti-join or MERGE on them).
    """
    sql = _TABLE_KEY.sub(r"\g<rest>", sql)
    sql = _COLUMN_KEY.sub("NOT NULL", sql)
    return _UNIQUE.sub("", sql)
