"""Opening, migrating and publishing the warehouse (a DuckLake: catalog + Parquet files).

* The flow is the only writer: ``open_ingest`` attaches the lake read-write (creating and
  migrating it as needed); each load's transaction (a group of finished batches) commits
  one DuckLake snapshot.
* ``publish`` ends a run with a snapshot tagged ``publish`` (its commit message; the run id is
  its extra info). Readers (``connect_published``, ``connect_locked``) attach the lake
  read-only *at the newest published snapshot*, so they never see a half-loaded run, and
  nobody waits for anybody: no file is copied or replaced.
* ``as_of`` (a run id or a time) attaches an older published snapshot: history to cite.

One ingest run at a time: ``ingest_lock`` holds an OS lock on ``.news.ingest.lock`` for the
whole run. The kernel releases it when the process dies, even by kill -9, so a crashed run
never blocks the next one, and a run holding it knows any other 'running' row is stale.
A crash mid-commit leaves the catalog at its last commit (the catalog database's own
transaction); Parquet files written for a commit that never happened are orphans that
``newsflow maintain`` deletes.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newsflow.clock import utcnow
from newsflow.warehouse.extensions import load_fts
from newsflow.warehouse.lake import (
    PUBLISH_AUTHOR,
    PUBLISH_MESSAGE,
    Location,
    attach,
    lake_sql,
    location,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or used; the message says why in one line."""


class WarehouseLocked(WarehouseError):
    """Another process holds the catalog; worth retrying in a moment."""


class IngestRunning(WarehouseError):
    """Another ingest run is using the warehouse; this one must not start."""


class OldWarehouse(WarehouseError):
    """The configured path is a DuckDB file from before DuckLake: convert it first."""


def lock_path(published: Path) -> Path:
    """The lock file an ingest run holds for its whole duration."""
    published = Path(published)
    return published.with_name(f".{published.stem}.ingest.lock")


@contextmanager
def ingest_lock(published: Path) -> Iterator[None]:
    """Hold the warehouse's ingest lock, or raise ``IngestRunning`` if another run has it."""
    path = lock_path(Path(published))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WarehouseError(f"cannot use the warehouse folder: {_os_message(path, exc)}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise IngestRunning(
                f"another ingest run (pid {holder}) is writing {location(published).describe()}; "
                "this run was not started"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


# Connections (by id) inside a ``transaction`` block: a nested block joins the outer one.
_IN_TRANSACTION: set[int] = set()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All of the block's writes, or none of them: commit on success, roll back on any error.

    Inside another ``transaction`` on the same connection the block is part of the outer
    one (which commits or rolls back everything): one DuckLake commit, whose fixed cost is
    a round of catalog writes, for a whole batch's load and clustering.
    """
    key = id(con)
    if key in _IN_TRANSACTION:
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    _IN_TRANSACTION.add(key)
    try:
        yield con
    except BaseException:
        _IN_TRANSACTION.discard(key)
        con.execute("ROLLBACK")
        raise
    _IN_TRANSACTION.discard(key)
    con.execute("COMMIT")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration file, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise WarehouseError(f"{path}: migration file names look like 0001_name.sql")
        found.append((int(match.group(1)), path.stem, path.read_text(encoding="utf-8")))
    versions = [version for version, _, _ in found]
    if len(set(versions)) != len(versions):
        raise WarehouseError(f"{MIGRATIONS_DIR}: two migrations share a version number")
    return found


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con``'s current database is a DuckLake (else a plain DuckDB file)."""
    row = con.execute(
        "SELECT type FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return bool(row and row[0] == "ducklake")


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded in ``schema_migrations``; return their names.

    The same files serve a DuckLake (through ``lake_sql``, which drops the keys DuckLake
    refuses) and a plain DuckDB file (old warehouses, and the schema test's reference).
    """
    lake = is_lake(con)
    create = (
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    con.execute(lake_sql(create) if lake else create)
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    pending = [m for m in migrations() if m[0] not in applied]
    if pending:
        load_fts(con)  # the search index's macros use its stem()
    if lake:
        if pending:
            # One commit for them all: each DuckLake commit costs a round of catalog writes.
            # A table's layout (sort key, row group size) is set before a later migration
            # rewrites its rows, so the rewrite is written in that layout.
            # (Only tables from before this transaction: DuckLake sets no option on a table
            # created in it; new tables get their layout after the commit.)
            older = _table_columns(con)
            with transaction(con):
                _layout(con, older)
                for version, name, sql in pending:
                    con.execute(lake_sql(sql))
                    if _LAID_OUT.search(sql):
                        _layout(con, older)
                    con.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [version, name, utcnow()],
                    )
        _layout(con)
        return [name for _, name, _ in pending]
    done = []
    for version, name, sql in pending:
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, utcnow()])
        done.append(name)
    return done


# Rows per Parquet row group. Tables with long texts: a reader decompresses a whole column
# chunk at once, so ~5 KB articles in DuckDB's default row groups (122,880 rows) would need
# hundreds of MB to stream (`export`, `search` under their memory ceiling). Tables a batch
# looks up by a list of keys: a key can only skip the row groups whose min/max exclude it, so
# the fewer rows a row group holds, the less a batch's random keys read.
_ROW_GROUP_ROWS = {"articles": 1024, "syndication_buckets": 2048, "article_signatures": 2048}

# Tables read by key (a query's terms, a batch's buckets and signatures, pages and names,
# an entity's mentions and quotes):
# their files are written sorted by it (on insert and when ``maintain`` merges them), so
# Parquet's min/max statistics let a lookup skip the files and row groups that cannot hold
# its keys instead of reading the whole column.
_SORTED_BY = {
    "search_postings": ("term",),
    "syndication_buckets": ("lsh_key",),
    "article_signatures": ("article_id",),
    "entity_names": ("name_key",),
    "entity_mentions": ("entity_id",),
    "quotes": ("speaker_entity_id",),
    "pages": ("page_url",),
}

# A migration that creates or alters one of these tables (its layout is set again after it).
_LAID_OUT = re.compile(
    r"\b(?:CREATE|ALTER)\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"
    + "|".join(sorted(set(_ROW_GROUP_ROWS) | set(_SORTED_BY)))
    + r")\b",
    re.IGNORECASE,
)


def _table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """The current database's tables and their columns."""
    columns: dict[str, set[str]] = defaultdict(set)
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database()"
    ).fetchall():
        columns[table].add(column)
    return columns


def _layout(con: duckdb.DuckDBPyConnection, among: Collection[str] | None = None) -> None:
    """Give the lake's tables (those in ``among`` when given) their row group size and sort
    key where they differ (tables or key columns a migration has not made yet are left for
    later)."""
    name = con.execute("SELECT current_database()").fetchone()[0]
    columns = {
        table: names
        for table, names in _table_columns(con).items()
        if among is None or table in among
    }
    options = dict(
        con.execute(
            "SELECT scope_entry, value FROM ducklake_options(?) "
            "WHERE option_name = 'parquet_row_group_size' AND scope = 'TABLE'",
            [name],
        ).fetchall()
    )
    for table, rows in _ROW_GROUP_ROWS.items():
        if table in columns and str(options.get(f"main.{table}")) != str(rows):
            con.execute(
                f"CALL {_quoted(name)}.set_option('parquet_row_group_size', ?, table_name => ?)",
                [rows, table],
            )
    meta = _quoted(f"__ducklake_metadata_{name}")
    current: dict[str, list[str]] = defaultdict(list)
    for table, expression in con.execute(
        f"""
        SELECT t.table_name, e.expression
        FROM {meta}.ducklake_sort_info s
        JOIN {meta}.ducklake_table t ON t.table_id = s.table_id AND t.end_snapshot IS NULL
        JOIN {meta}.ducklake_sort_expression e ON e.sort_id = s.sort_id
        WHERE s.end_snapshot IS NULL
        ORDER BY t.table_name, e.sort_key_index
        """  # noqa: S608 (the lake's own metadata catalog)
    ).fetchall():
        current[table].append(expression)
    for table, keys in _SORTED_BY.items():
        if set(keys) <= columns.get(table, set()) and tuple(current.get(table, ())) != keys:
            con.execute(f"ALTER TABLE {table} SET SORTED BY ({', '.join(keys)})")  # noqa: S608


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return ("lock" in text and "block" not in text) or "busy" in text


def refuse_old(published: Path | Location) -> None:
    """A DuckDB file from before DuckLake at the configured path: say how to convert it."""
    where = location(published)
    if where.path.suffix == ".duckdb" and where.path.is_file() and not where.exists():
        raise OldWarehouse(
            f"{where.path} is a DuckDB warehouse from an older newsflow; convert it once with "
            "`newsflow migrate-warehouse`"
        )


def _memory_connection() -> duckdb.DuckDBPyConnection:
    """A fresh instance for one lake connection (its settings are its own).

    Extensions come from the pinned packages (``extensions.py``), never from the network.
    Their signature check (a hash of each file, tens of MB) would cost every reader a large
    part of a second; the files are exactly what pip installed, so it is skipped. Analysts'
    connections are locked (``lock_down``) before any of their SQL runs: no LOAD.
    """
    return duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_unsigned_extensions": True,
        },
    )


def _prepare_catalog(where: Location) -> None:
    """Create the folders of a new local lake; its SQLite catalog in WAL mode, so readers
    never wait for the writer's commits."""
    file = where.catalog_file
    if file is not None and not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(file)) as catalog:
            catalog.execute("PRAGMA journal_mode=WAL")
    folder = where.data_folder
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)


def open_lake(where: Location, *, converting: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the lake (created if new), its catalog the current one.

    An old DuckDB file at the configured path is refused, unless ``converting`` it."""
    if not converting:
        refuse_old(where)
    try:
        _prepare_catalog(where)
    except OSError as exc:
        raise WarehouseError(_os_message(where.path, exc)) from None
    except sqlite3.Error as exc:
        raise WarehouseError(f"cannot create {where.describe()}: {exc}") from None
    con = _memory_connection()
    try:
        name = attach(con, where, read_only=False)
        con.execute(f"USE {_quoted(name)}")
        _no_inlining(con, name)
    except duckdb.Error as exc:
        con.close()
        if _is_lock_error(exc):
            raise WarehouseLocked(f"{where.describe()} is locked by another process") from None
        raise WarehouseError(f"cannot open {where.describe()}: {_first_line(exc)}") from None
    return con


def _no_inlining(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Store the lake's "no data inlining" in its catalog, for every writer (the ATTACH option
    holds for one connection only; see ``lake.attach`` for why)."""
    row = con.execute(
        "SELECT value FROM ducklake_options(?) WHERE option_name = 'data_inlining_row_limit'",
        [name],
    ).fetchone()
    if row is None or str(row[0]) != "0":
        con.execute(f"CALL {_quoted(name)}.set_option('data_inlining_row_limit', 0)")


@contextmanager
def open_ingest(published: Path | Location) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the lake read-write for the flow (its only writer), creating or migrating it."""
    con = open_lake(location(published))
    try:
        apply_migrations(con)
        yield con
    finally:
        con.close()


def publish_on(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> int:
    """Commit the snapshot that readers will attach from now on; return its id.

    Everything committed before it is in it. It writes one row (``publications``): DuckLake
    makes no snapshot of an empty commit.
    """
    name = con.execute("SELECT current_database()").fetchone()[0]
    extra = json.dumps({"run_id": run_id}) if run_id else None
    try:
        with transaction(con):
            con.execute("INSERT INTO publications VALUES (?, ?)", [run_id, utcnow()])
            con.execute(
                f"CALL {_quoted(name)}.set_commit_message(?, ?, extra_info => ?)",
                [PUBLISH_AUTHOR, PUBLISH_MESSAGE, extra],
            )
        row = con.execute(
            "SELECT max(snapshot_id) FROM ducklake_snapshots(?) WHERE commit_message = ?",
            [name, PUBLISH_MESSAGE],
        ).fetchone()
    except duckdb.Error as exc:
        raise WarehouseError(f"publish failed: {_first_line(exc)}") from None
    return int(row[0])


def publish(published: Path | Location, run_id: str | None = None) -> int:
    """Publish what was committed so far (see ``publish_on``) on a connection of its own;
    return the snapshot id. (A flow holding a connection calls ``publish_on`` with it.)

    A failure (disk full, read-only folder, catalog gone) is a ``WarehouseError`` of one
    line; readers keep the previous published snapshot.
    """
    try:
        with open_ingest(published) as con:
            return publish_on(con, run_id)
    except OSError as exc:
        raise WarehouseError(f"publish failed: {_os_message(Path(published), exc)}") from None


def _os_message(path: Path, exc: OSError) -> str:
    """One line for an OS error on ``path``, with a hint for the usual causes."""
    hints = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EISDIR: "the path is a folder",
        errno.ENOENT: "no such file or folder",
        errno.EEXIST: "exists and is not a folder",
    }
    why = hints.get(exc.errno or 0, exc.strerror or str(exc))
    where = exc.filename or path
    return f"{where}: {why}"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A published snapshot: what ``newsflow snapshots`` lists and ``--as-of`` picks."""

    snapshot_id: int
    time: datetime  # UTC, when it was committed
    run_id: str | None


def published_snapshots(con: duckdb.DuckDBPyConnection, name: str) -> list[Snapshot]:
    """The published snapshots of the lake attached as ``name``, oldest first."""
    rows = con.execute(
        "SELECT snapshot_id, snapshot_time, json_extract_string(commit_extra_info, '$.run_id') "
        "FROM ducklake_snapshots(?) WHERE commit_message = ? ORDER BY snapshot_id",
        [name, PUBLISH_MESSAGE],
    ).fetchall()
    return [Snapshot(int(r[0]), _utc(r[1]), r[2]) for r in rows]


def _utc(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def pick_snapshot(snapshots: Sequence[Snapshot], as_of: str | None) -> Snapshot:
    """The newest snapshot, or the one ``as_of`` names: a run id (that run's publish), a
    snapshot id, or a time (the newest published at or before it; ISO 8601, UTC)."""
    if not snapshots:
        raise WarehouseError("no published run yet (run `newsflow ingest` first)")
    if as_of is None:
        return snapshots[-1]
    text = as_of.strip()
    by_run = [s for s in snapshots if s.run_id == text]
    if by_run:
        return by_run[-1]
    if text.isdigit():
        by_id = [s for s in snapshots if s.snapshot_id == int(text)]
        if by_id:
            return by_id[0]
        raise WarehouseError(f"--as-of {text}: no published snapshot has that id")
    try:
        when = _utc(datetime.fromisoformat(text))
    except ValueError:
        raise WarehouseError(
            f"--as-of {text!r}: not a run id of a published run, a snapshot id or a time "
            "(e.g. 2026-11-01T12:00)"
        ) from None
    before = [s for s in snapshots if s.time <= when]
    if not before:
        raise WarehouseError(f"--as-of {text}: nothing was published by then")
    return before[-1]


def attach_published(
    con: duckdb.DuckDBPyConnection, where: Location, as_of: str | None = None
) -> tuple[str, Snapshot]:
    """Attach the lake read-only at its newest (or ``as_of``) published snapshot."""
    name = attach(con, where, read_only=True)
    try:
        chosen = pick_snapshot(published_snapshots(con, name), as_of)
    finally:
        con.execute(f"DETACH {_quoted(name)}")
    attach(con, where, read_only=True, snapshot=chosen.snapshot_id)
    return name, chosen


def _open_reader(
    published: Path | Location, as_of: str | None
) -> tuple[duckdb.DuckDBPyConnection, Location, Snapshot]:
    where = location(published)
    refuse_old(where)
    if not where.exists():
        raise WarehouseError(f"{where.describe()}: no warehouse yet (run `newsflow ingest` first)")
    con = _memory_connection()
    try:
        name, chosen = attach_published(con, where, as_of)
        con.execute(f"USE {_quoted(name)}")
    except WarehouseError:
        con.close()
        raise
    except duckdb.Error as exc:
        con.close()
        if _is_lock_error(exc):
            raise WarehouseLocked(f"{where.describe()} is locked by another process") from None
        raise WarehouseError(f"cannot open {where.describe()}: {_first_line(exc)}") from None
    return con, where, chosen


def connect_published(
    published: Path | Location, *, as_of: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the newest published snapshot (or the one ``as_of`` names)."""
    return _open_reader(published, as_of)[0]


def connect_locked(
    published: Path | Location,
    *,
    allowed_directories: Sequence[str] = (),
    prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    as_of: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published snapshot that can reach nothing else.

    The lake is attached read-only to a fresh in-memory instance at the snapshot, so the
    locked settings belong to this connection alone. ``prepare`` runs before the lock (it
    may load extensions); the snapshot's catalog, named after the file, is the current one.
    """
    con, where, _ = _open_reader(published, as_of)
    try:
        if prepare is not None:
            prepare(con)
        # The lake's own data files (a folder, or an s3:// prefix) stay readable.
        lock_down(con, allowed_directories=[where.data_path, *allowed_directories])
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(f"cannot open {where.describe()}: {_first_line(exc)}") from None
    return con


def lock_down(con: duckdb.DuckDBPyConnection, *, allowed_directories: Sequence[str] = ()) -> None:
    """Make ``con`` unable to reach anything but its own database (analysts' commands).

    No file reads or writes (``read_csv('/etc/passwd')``, ``COPY ... TO``), no ``ATTACH``
    of other files, no extension installed or loaded (so no network), and the settings
    locked so a query cannot undo this. ``allowed_directories`` keeps one output folder
    writable (``export``). Load needed extensions (FTS) before calling it.
    """
    if allowed_directories:
        con.execute("SET allowed_directories = ?", [list(allowed_directories)])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


# The lake's extensions read their catalog with their own file access, which
# ``enable_external_access`` does not govern: their functions (and dynamic SQL, which could
# name them) are refused in analysts' queries, and only queries (SELECT) run.
_REFUSED_PREFIXES = ("sqlite_", "postgres_", "ducklake_", "mysql_")
_REFUSED_FUNCTIONS = frozenset({"query", "query_table"})


def check_analyst_sql(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Raise ``WarehouseError`` (one line) unless ``query`` is one SELECT that calls none of
    the functions that could reach past the snapshot (see above)."""
    statements = con.extract_statements(query)
    if len(statements) != 1:
        raise WarehouseError(f"expected one SQL statement, got {len(statements)}")
    if statements[0].type != duckdb.StatementType.SELECT:
        kind = statements[0].type.name.lower()
        raise WarehouseError(f"only queries (SELECT) run here, not {kind}")
    tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [query]).fetchone()[0])
    for name in sorted(_function_names(tree)):
        if name.lower().startswith(_REFUSED_PREFIXES) or name.lower() in _REFUSED_FUNCTIONS:
            raise WarehouseError(f"{name}() is not available in analysts' queries")


def _function_names(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "function_name" and isinstance(value, str):
                found.add(value)
            else:
                found |= _function_names(value)
    elif isinstance(node, list):
        for value in node:
            found |= _function_names(value)
    return found
