"""Export every warehouse table to Parquet (partitioned by publication date) or CSV.

Parquet goes to ``OUT_DIR/<table>/``: tables whose rows belong to a dated story are split
into hive partitions ``pub_date=YYYY-MM-DD/`` (pandas, polars, pyarrow and DuckDB read the
directory and get ``pub_date`` back as a column); the other tables are one file in their
directory (so is a dated table with no rows, ``pub_date`` as a plain column). CSV goes to
``OUT_DIR/<table>.csv`` with ``pub_date`` as a plain column.

``pub_date`` is the story's publication date, or the date it was fetched (seen, for feed
items) when the page gave none: every dated row has one, so no row is left out.

Every file is written by DuckDB's ``COPY … TO``, which streams rows from the warehouse to
the file. A partitioned write still holds each open partition's rows until its file is
closed, so a large dated table is written a run of days at a time (about ``SLICE_BYTES``
of rows and at most ``SLICE_DAYS`` days per ``COPY``; each reads only its days' rows in
full): memory follows the slice, not the table, and each day is still one folder of
``data_<n>.parquet`` files.
"""

from __future__ import annotations

import re
import shutil
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

import duckdb

Format = Literal["parquet", "csv"]

SLICE_BYTES = 32 * 2**20  # rows (as text) per partitioned COPY of a large table
SLICE_DAYS = 31  # partitions open at once in one COPY
ROW_GROUP_BYTES = "16MB"  # a Parquet row group is flushed at this size, not at 122,880 rows
_SAMPLE_ROWS = 100  # rows whose size as text estimates a row's

# How each dated table gets its pub_date: its own publication column, else its fetch (or
# first seen) column; tables with a non-null article_id use their article's; all other
# tables are exported whole, unpartitioned.
_OWN_DATE_COLUMNS = {
    "articles": ("published_at", "fetched_at"),
    "feed_items": ("published_at", "first_seen_at"),
}
_OWN_DATE = {table: f"coalesce(t.{p}, t.{f})" for table, (p, f) in _OWN_DATE_COLUMNS.items()}
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


def _quoted(table: str) -> str:
    return '"' + table.replace('"', '""') + '"'  # a catalog name, quoted as an identifier


def _select(table: str, date_sql: str | None, since: date | None) -> tuple[str, dict]:
    """The query for one table: its rows, plus pub_date when dated, filtered by ``since``."""
    name = _quoted(table)
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


Slice = tuple[date, date] | None  # first and last pub_date, or the rows without one


def slices(
    con: duckdb.DuckDBPyConnection,
    query: str,
    params: dict,
    *,
    budget: int | None = None,
    max_days: int | None = None,
) -> list[Slice]:
    """Runs of consecutive days of a dated query, each about ``budget`` bytes of rows and
    at most ``max_days`` days (``SLICE_BYTES``, ``SLICE_DAYS`` by default); an empty list
    when the whole query fits in one ``COPY``.

    Rows per day come from one pass over the date columns; a row's size is that of the
    first rows as text (an estimate that needs no scan).
    """
    budget = SLICE_BYTES if budget is None else budget
    max_days = SLICE_DAYS if max_days is None else max_days
    per_day = con.execute(
        f"SELECT pub_date, count(*) FROM ({query}) GROUP BY ALL ORDER BY 1 NULLS LAST",  # noqa: S608
        params,
    ).fetchall()
    width = con.execute(
        f"SELECT avg(strlen(CAST(q AS VARCHAR))) FROM (SELECT * FROM ({query}) LIMIT $n) q",  # noqa: S608
        {**params, "n": _SAMPLE_ROWS},
    ).fetchone()[0]
    width = max(float(width or 1.0), 1.0)
    if len(per_day) <= max_days and sum(n for _, n in per_day) * width <= budget:
        return []
    runs: list[Slice] = []
    first = last = None
    size = 0.0
    days = 0
    for day, count in per_day:
        if day is None:  # a row whose article is gone: its own slice, as pub_date=NULL
            runs.append(None)
            continue
        if first is not None and (size + count * width > budget or days >= max_days):
            runs.append((first, last))
            first, size, days = None, 0.0, 0
        if first is None:
            first = day
        last, size, days = day, size + count * width, days + 1
    if first is not None:
        runs.append((first, last))
    return runs


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
    prepare(con)
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
        if partitioned:
            rows = _write_partitioned(con, table, date_sql, since, target)
        else:
            if fmt == "csv":
                options, path = "(FORMAT csv, HEADER true)", target
            else:
                target.mkdir()
                options = (
                    f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE_BYTES '{ROW_GROUP_BYTES}')"
                )
                path = target / "data_0.parquet"
            rows = _copy(con, query, {**params, "path": str(path)}, options, path)
        done.append(ExportedTable(table=table, rows=rows, path=target, partitioned=partitioned))
    return done


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Let DuckDB write rows in any order: it then streams each table to its files instead
    of holding rows back to keep their order (and may flush row groups by size). Call it
    before a connection is locked down; on a locked one it is a no-op."""
    with suppress(duckdb.Error):
        con.execute("SET preserve_insertion_order = false")


def _copy(
    con: duckdb.DuckDBPyConnection, query: str, params: dict, options: str, path: Path
) -> int:
    """``COPY (query) TO $path options``; the rows written."""
    try:
        written = con.execute(f"COPY ({query}) TO $path {options}", params).fetchone()
    except (duckdb.IOException, duckdb.PermissionException) as exc:
        raise ExportError(f"cannot write {path}: {str(exc).splitlines()[0]}") from None
    return int(written[0]) if written else 0


def _write_partitioned(
    con: duckdb.DuckDBPyConnection, table: str, date_sql: str, since: date | None, target: Path
) -> int:
    """One table into ``pub_date=…/`` folders, a run of days at a time (each day's folder
    is written by one ``COPY``, so its files are named as a single write names them)."""
    query, params = _select(table, date_sql, since)
    options = (
        "(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (pub_date), OVERWRITE_OR_IGNORE, "
        f"ROW_GROUP_SIZE_BYTES '{ROW_GROUP_BYTES}')"
    )
    runs = slices(con, query, params)
    parts = [_in_slice(table, date_sql, (query, params), run) for run in runs] or [(query, params)]
    rows = 0
    for sliced, sliced_params in parts:
        rows += _copy(con, sliced, {**sliced_params, "path": str(target)}, options, target)
    return rows


def _in_slice(table: str, date_sql: str, whole: tuple[str, dict], run: Slice) -> tuple[str, dict]:
    """The rows of one slice of days: the query and its parameters.

    The days are asked of the date columns themselves (publication date in range, or none
    and fetch date in range), so DuckDB filters while scanning and reads the other columns
    of those rows only.
    """
    if run is None:
        query, params = whole
        return f"SELECT * FROM ({query}) WHERE pub_date IS NULL", params  # noqa: S608
    params = {
        "lo": datetime.combine(run[0], time.min),
        "hi": datetime.combine(run[1] + timedelta(days=1), time.min),
    }
    published, fetched = _OWN_DATE_COLUMNS.get(table, ("published_at", "fetched_at"))
    source = _quoted(table) if table in _OWN_DATE_COLUMNS else "articles"
    in_days = " UNION ALL ".join(
        f"SELECT * FROM {source} WHERE {condition}"  # noqa: S608
        for condition in (
            f"{published} >= $lo AND {published} < $hi",
            f"{published} IS NULL AND {fetched} >= $lo AND {fetched} < $hi",
        )
    )
    if table in _OWN_DATE_COLUMNS:
        return f"SELECT t.*, CAST({date_sql} AS DATE) AS pub_date FROM ({in_days}) t", params  # noqa: S608
    joined = (
        f"SELECT t.*, CAST({date_sql} AS DATE) AS pub_date FROM {_quoted(table)} t "  # noqa: S608
        f"JOIN ({in_days}) a ON a.article_id = t.article_id"
    )
    return joined, params
