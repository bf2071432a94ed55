"""Converting a DuckDB warehouse (newsflow before DuckLake) into the lake, losing nothing.

The old file is never changed: it is copied, the copy is brought to the current migrations
(the same files, applied as they always were), and every table is copied into a new lake in
one transaction, published as its first snapshot. Then each table's row count and an
order-independent checksum of its rows are compared on both sides; any difference is an
error and the new lake is removed.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from newsflow.warehouse.db import (
    WarehouseError,
    apply_migrations,
    ingest_lock,
    open_lake,
    publish_on,
    transaction,
)
from newsflow.warehouse.lake import Location, literal, location


@dataclass(frozen=True, slots=True)
class TableCheck:
    """One table compared after the copy."""

    table: str
    rows: int
    checksum: int
    matches: bool


def old_sources(path: Path) -> list[Path]:
    """The old warehouse files at ``path``: the flow's private file first (it holds every
    committed batch, published or not), then the published file."""
    path = Path(path)
    private = path.with_name(f".{path.stem}.ingest{path.suffix}")
    return [p for p in (private, path) if p.is_file()]


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
        "AND NOT temporary ORDER BY table_name",
        [catalog],
    ).fetchall()
    return [row[0] for row in rows]


def _fingerprint(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> tuple[int, int]:
    """(rows, checksum): the sum of every row's hash (as a struct of its columns, by name)."""
    columns = [
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? "
            "AND schema_name = 'main' AND table_name = ? ORDER BY column_name",
            [catalog, table],
        ).fetchall()
    ]
    packed = ", ".join(f'"{c}" := t."{c}"' for c in columns)
    count, total = con.execute(
        f"SELECT count(*), coalesce(sum(hash(struct_pack({packed}))::HUGEINT), 0) "  # noqa: S608
        f'FROM "{catalog}".main."{table}" t'
    ).fetchone()
    return int(count), int(total)


def migrate(old: Path, target: Path | Location) -> tuple[Path, list[TableCheck]]:
    """Copy the DuckDB warehouse at ``old`` into a new lake at ``target``; return the file
    read and the per-table checks. Raises ``WarehouseError`` (one line) on any problem."""
    where = location(target)
    sources = old_sources(old)
    if not sources:
        raise WarehouseError(f"{old}: no DuckDB warehouse there to convert")
    if where.catalog_file is not None and where.catalog_file.exists():
        raise WarehouseError(f"{where.describe()} exists already; nothing was converted")
    with ingest_lock(where.path):
        source, work = _readable_copy(sources)
        try:
            checks = _copy_into_lake(work, where)
        except BaseException:
            _remove_lake(where)
            raise
        finally:
            shutil.rmtree(work.parent, ignore_errors=True)
    bad = [c.table for c in checks if not c.matches]
    if bad:
        _remove_lake(where)
        raise WarehouseError(f"conversion did not match for {', '.join(bad)}; the lake was removed")
    return source, checks


def _readable_copy(sources: list[Path]) -> tuple[Path, Path]:
    """A migrated private copy of the first readable source: (source, copy)."""
    errors = []
    for source in sources:
        folder = Path(tempfile.mkdtemp(prefix=".newsflow-migrate-", dir=source.parent))
        work = folder / "old.duckdb"
        try:
            shutil.copyfile(source, work)
            wal = Path(f"{source}.wal")
            if wal.exists():
                shutil.copyfile(wal, Path(f"{work}.wal"))
            with duckdb.connect(str(work)) as con:
                apply_migrations(con)
            return source, work
        except (OSError, duckdb.Error) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            errors.append(f"{source.name}: {str(exc).splitlines()[0][:200]}")
    raise WarehouseError("cannot read the old warehouse: " + "; ".join(errors))


def _copy_into_lake(work: Path, where: Location) -> list[TableCheck]:
    con = open_lake(where, converting=True)
    try:
        apply_migrations(con)
        lake = con.execute("SELECT current_database()").fetchone()[0]
        con.execute(f"ATTACH {literal(str(work))} AS old (READ_ONLY)")
        old_tables = _tables(con, "old")
        new_tables = _tables(con, lake)
        missing = sorted(set(old_tables) - set(new_tables))
        if missing:
            raise WarehouseError(f"tables the migrations do not make: {', '.join(missing)}")
        copied = [t for t in new_tables if t in old_tables and t != "schema_migrations"]
        with transaction(con):
            for table in copied:
                # The migrations' own rows (stop words, zero totals) give way to the old ones.
                # Table names come from the catalogs, not from input.
                con.execute(f'DELETE FROM "{table}"')  # noqa: S608
                con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM old.main."{table}"')  # noqa: S608
        checks = []
        for table in copied:
            before = _fingerprint(con, "old", table)
            after = _fingerprint(con, lake, table)
            checks.append(TableCheck(table, after[0], after[1], before == after))
        con.execute("DETACH old")
        if all(check.matches for check in checks):
            publish_on(con, None)  # the converted rows are the first published snapshot
        return checks
    except duckdb.Error as exc:
        raise WarehouseError(f"conversion failed: {str(exc).splitlines()[0][:300]}") from None
    finally:
        con.close()


def _remove_lake(where: Location) -> None:
    """Remove a half-made local lake (a PostgreSQL catalog is left to its owner)."""
    if where.catalog_file is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{where.catalog_file}{suffix}").unlink(missing_ok=True)
    if where.data_folder is not None:
        shutil.rmtree(where.data_folder, ignore_errors=True)
