"""Export every warehouse table to Parquet (partitioned by publication date) or CSV.

Parquet goes to ``OUT_DIR/<table>/``: tables whose rows belong to a dated story are split
into hive partitions ``pub_date=YYYY-MM-DD/`` (pandas, polars, pyarrow and DuckDB read the
directory and get ``pub_date`` back as a column); the other tables are one file in their
directory (so is a dated table with no rows, ``pub_date`` as a plain column). CSV goes to
``OUT_DIR/<table>.csv`` with ``pub_date`` as a plain column.

``pub_date`` is the story's publication date, or the date it was fetched (seen, for feed
items) when the page gave none: every dated row has one, so no row is left out.
"""

from __future__ import annotations

import re
import shutil
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb

Format = Literal["parquet", "csv"]

# How each dated table gets its pub_date; tables with a non-null article_id use their
# article's; all other tables are exported whole, unpartitioned.
_OWN_DATE = {
    "articles": "coalesce(t.published_at, t.fetched_at)",
    "feed_items": "coalesce(t.published_at, t.first_seen_at)",
}
_ARTICLE_DATE = "coalesce(a.published_at, a.fetched_at)"


class ExportError(RuntimeError):
    """The export cannot be written; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class ExportedTable:
    table: str
    rows: int
    path: Path
    partitioned: bool


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every base table of the warehouse's main schema but the search index's (``search_*``:
    an index over ``articles``, rebuilt from them, not data)."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "AND NOT starts_with(table_name, 'search_') "
        "ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows]


def _date_expression(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    if table in _OWN_DATE:
        return _OWN_DATE[table]
    row = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? AND column_name = 'article_id' "
        "AND NOT is_nullable",
        [table],
    ).fetchone()
    return _ARTICLE_DATE if row and row[0] else None


def _select(table: str, date_sql: str | None, since: date | None) -> tuple[str, dict]:
    """The query for one table: its rows, plus pub_date when dated, filtered by ``since``."""
    name = '"' + table.replace('"', '""') + '"'  # a catalog name, quoted as an identifier
    if date_sql is None:
        return f"SELECT * FROM {name}", {}  # noqa: S608
    join = "LEFT JOIN articles a ON a.article_id = t.article_id" if "a." in date_sql else ""
    query = f"SELECT t.*, CAST({date_sql} AS DATE) AS pub_date FROM {name} t {join}"  # noqa: S608
    if since is None:
        return query, {}
    return f"SELECT * FROM ({query}) WHERE pub_date >= $since", {"since": since}  # noqa: S608


def _empty(con: duckdb.DuckDBPyConnection, query: str, params: dict) -> bool:
    row = con.execute(f"SELECT count(*) FROM ({query})", params).fetchone()  # noqa: S608
    return not row or not row[0]


_OUR_FILE = re.compile(r"^(pub_date=[^/]+/)?data_\d+\.parquet$")


def _not_ours(target: Path) -> list[str]:
    """Files under a table's folder that an export would not have written (the user's own):
    ``--overwrite`` replaces what it wrote, never those."""
    if target.is_symlink() or not target.is_dir():
        return []
    return [
        str(path.relative_to(target.parent))
        for path in sorted(target.rglob("*"))
        if not path.is_dir() and not _OUR_FILE.match(path.relative_to(target).as_posix())
    ]


def export_warehouse(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    *,
    fmt: Format = "parquet",
    since: date | None = None,
    overwrite: bool = False,
) -> list[ExportedTable]:
    """Write every table to ``out_dir``; refuse to replace earlier output unless ``overwrite``."""
    if fmt not in ("parquet", "csv"):
        raise ExportError(f"unknown export format {fmt!r} (parquet or csv)")
    out_dir = Path(out_dir)
    if out_dir.is_symlink() and not out_dir.exists():
        raise ExportError(f"{out_dir} is a link to nothing ({out_dir.readlink()})")
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} exists and is not a directory")
    names = tables(con)
    targets = {table: out_dir / (table if fmt == "parquet" else f"{table}.csv") for table in names}
    clashes = [path.name for path in targets.values() if path.exists()]
    if clashes and not overwrite:
        raise ExportError(
            f"{out_dir} already holds {', '.join(sorted(clashes))}: "
            "choose another directory or pass --overwrite"
        )
    foreign = [name for path in targets.values() for name in _not_ours(path)]
    if foreign:
        raise ExportError(
            f"{out_dir} holds files an export did not write ({', '.join(foreign[:3])}): "
            "move them, or choose another directory"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {out_dir}: {exc.strerror}") from None
    # Rows may be written in any order: DuckDB then streams each table to its files instead
    # of holding them to keep the order. A locked-down connection keeps its settings.
    with suppress(duckdb.Error):
        con.execute("SET preserve_insertion_order = false")
    done = []
    for table in names:
        target = targets[table]
        try:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot replace {target}: {exc.strerror}") from None
        date_sql = _date_expression(con, table)
        query, params = _select(table, date_sql, since)
        partitioned = fmt == "parquet" and date_sql is not None
        if partitioned and _empty(con, query, params):
            # No partition to write: one empty file keeps the columns (pub_date too), so
            # every reader's glob finds a file instead of failing on an empty directory.
            partitioned = False
        if fmt == "csv":
            options = "(FORMAT csv, HEADER true)"
            path = target
        elif partitioned:
            options = "(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (pub_date))"
            path = target
        else:
            target.mkdir()
            options = "(FORMAT parquet, COMPRESSION zstd)"
            path = target / "data_0.parquet"
        try:
            con.execute(f"COPY ({query}) TO $path {options}", {**params, "path": str(path)})
            rows = con.execute(f"SELECT count(*) FROM ({query})", params).fetchone()  # noqa: S608
        except (duckdb.IOException, duckdb.PermissionException) as exc:
            raise ExportError(f"cannot write {path}: {str(exc).splitlines()[0]}") from None
        if partitioned:
            target.mkdir(exist_ok=True)  # an empty table still gets its directory
        done.append(
            ExportedTable(
                table=table, rows=int(rows[0]) if rows else 0, path=target, partitioned=partitioned
            )
        )
    return done
