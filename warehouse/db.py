"""Opening, migrating and publishing the DuckDB warehouse.

Two files, so analysts and the scheduled flow never lock each other out:

* the *published* file (``[warehouse] path``, e.g. ``warehouse/news.duckdb``) is what analysts
  open, read-only; it is only ever replaced whole, atomically, with ``os.replace``;
* the *ingest* file (``warehouse/.news.ingest.duckdb``) is private to the flow, which is its only
  writer. At the end of every run it is checkpointed and copied over the published file.

Open readers keep seeing the previous snapshot (the old inode) until they reconnect; new
connections see the new one; nobody ever sees a half-loaded run.

One ingest run at a time: ``ingest_lock`` holds an OS lock on ``.news.ingest.lock`` for the
whole run. The kernel releases it when the process dies, even by kill -9, so a crashed run
never blocks the next one, and a run holding it knows any other 'running' row is stale.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from newsflow.clock import utcnow

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or used; the message says why in one line."""


class WarehouseLocked(WarehouseError):
    """Another process holds the file; worth retrying in a moment."""


class IngestRunning(WarehouseError):
    """Another ingest run is using the warehouse; this one must not start."""


def ingest_path(published: Path) -> Path:
    """The flow's private working copy that sits beside the published file."""
    return published.with_name(f".{published.stem}.ingest{published.suffix}")


def lock_path(published: Path) -> Path:
    """The lock file an ingest run holds for its whole duration."""
    return published.with_name(f".{published.stem}.ingest.lock")


@contextmanager
def ingest_lock(published: Path) -> Iterator[None]:
    """Hold the warehouse's ingest lock, or raise ``IngestRunning`` if another run has it."""
    path = lock_path(Path(published))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise IngestRunning(
                f"another ingest run (pid {holder}) is writing {ingest_path(Path(published))}; "
                "this run was not started"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All of the block's writes, or none of them: commit on success, roll back on any error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
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


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded in ``schema_migrations``; return their names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    done = []
    for version, name, sql in migrations():
        if version in applied:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, utcnow()])
        done.append(name)
    return done


def _open(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseLocked(
                f"{path} is locked by another process (is another ingest running?)"
            ) from None
        raise WarehouseError(f"cannot open {path}: {exc}") from None


@contextmanager
def open_ingest(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the flow's private read-write database, creating or migrating it as needed.

    If the private file is missing but a published snapshot exists (first run after an
    upgrade, or the private file was deleted), the snapshot is the starting point.
    """
    published = Path(published)
    work = ingest_path(published)
    work.parent.mkdir(parents=True, exist_ok=True)
    if not work.exists() and published.exists():
        shutil.copyfile(published, work)
    con = _open(work, read_only=False)
    try:
        apply_migrations(con)
        yield con
    finally:
        con.close()


def publish(published: Path) -> None:
    """Atomically replace the analysts' file with a checkpointed copy of the ingest file."""
    published = Path(published)
    work = ingest_path(published)
    con = _open(work, read_only=False)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    _remove_stale_copies(published)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{published.name}.", suffix=".tmp", dir=published.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(work, tmp)
        os.chmod(tmp, 0o644)
        # A WAL beside the published file belongs to the file we are replacing: if it
        # survived, DuckDB would replay it onto the new snapshot.
        Path(f"{published}.wal").unlink(missing_ok=True)
        os.replace(tmp, published)
    finally:
        tmp.unlink(missing_ok=True)


def _remove_stale_copies(published: Path) -> None:
    """Delete copies left by a publish that was killed before its ``os.replace``.

    Only the ingest run holding the lock publishes, so any such file is stale.
    """
    for stale in published.parent.glob(f".{published.name}.*.tmp"):
        stale.unlink(missing_ok=True)


def connect_published(published: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the analysts' snapshot."""
    published = Path(published)
    if not published.exists():
        raise WarehouseError(f"{published}: no warehouse yet (run `newsflow ingest` first)")
    return _open(published, read_only=True)
