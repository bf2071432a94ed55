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

import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from newsflow.clock import utcnow
from newsflow.warehouse.extensions import load_fts

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
    pending = [m for m in migrations() if m[0] not in applied]
    if pending:
        load_fts(con)  # the search index's macros use its stem()
    done = []
    for version, name, sql in pending:
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


def _is_lock_error(exc: BaseException) -> bool:
    return "lock" in str(exc).lower() and "block" not in str(exc).lower()


def _check_readable(path: Path) -> None:
    """Open ``path`` and read its catalog; raise ``duckdb.Error`` if the file is damaged."""
    con = duckdb.connect(str(path), read_only=False)
    try:
        con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
    finally:
        con.close()


def recover_working_file(published: Path) -> str | None:
    """Move a damaged or unreadable ingest file aside and start again from the snapshot.

    Returns one line saying what was done, or None when the file is fine (or absent).
    Call it holding the ingest lock. The damaged file (and its WAL) is kept, renamed with
    a ``.damaged-<time>`` suffix, for inspection; the work it held beyond the last publish
    is lost, but the published snapshot is the last good state and loses nothing.
    """
    published = Path(published)
    work = ingest_path(published)
    if not work.exists():
        return None
    try:
        _check_readable(work)
        return None
    except duckdb.Error as exc:
        if _is_lock_error(exc):
            return None  # someone holds it: the normal open reports (and retries) that
        reason = str(exc).splitlines()[0][:200]
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    try:
        aside = work.with_name(f"{work.name}.damaged-{stamp}")
        os.replace(work, aside)
        wal = Path(f"{work}.wal")
        if wal.exists():
            os.replace(wal, Path(f"{aside}.wal"))
    except OSError as exc:
        raise WarehouseError(
            f"{work} is damaged ({reason}) and cannot be moved aside: {exc.strerror}"
        ) from None
    source = "the published snapshot" if published.exists() else "an empty warehouse"
    message = f"{work.name} was damaged ({reason}); moved to {aside.name}, rebuilt from {source}"
    return message


@contextmanager
def open_ingest(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the flow's private read-write database, creating or migrating it as needed.

    If the private file is missing but a published snapshot exists (first run after an
    upgrade, the private file was deleted, or ``recover_working_file`` moved a damaged one
    aside), the snapshot is the starting point.
    """
    published = Path(published)
    work = ingest_path(published)
    try:
        work.parent.mkdir(parents=True, exist_ok=True)
        if not work.exists() and published.exists():
            _durable_copy(published, work)
    except OSError as exc:
        raise WarehouseError(_os_message(work, exc)) from None
    con = _open(work, read_only=False)
    try:
        apply_migrations(con)
        yield con
    finally:
        con.close()


def publish(published: Path) -> None:
    """Atomically and durably replace the analysts' file with a checkpointed copy of the
    ingest file.

    The copy is fsynced before ``os.replace`` and the folder after it, so a power cut leaves
    either the old snapshot or the new one, never an empty or partial file. Any failure
    (disk full, read-only folder, a path that is not a folder) is a ``WarehouseError`` of
    one line, and the previous snapshot is left as it was.
    """
    published = Path(published)
    work = ingest_path(published)
    con = _open(work, read_only=False)
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot checkpoint {work}: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    tmp: Path | None = None
    try:
        _remove_stale_copies(published)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{published.name}.", suffix=".tmp", dir=published.parent
        )
        os.close(fd)
        tmp = Path(tmp_name)
        _durable_copy(work, tmp)
        os.chmod(tmp, 0o644)
        # A WAL beside the published file belongs to the file we are replacing: if it
        # survived, DuckDB would replay it onto the new snapshot.
        Path(f"{published}.wal").unlink(missing_ok=True)
        os.replace(tmp, published)
        _fsync_dir(published.parent)
    except OSError as exc:
        raise WarehouseError(f"publish failed: {_os_message(published, exc)}") from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _durable_copy(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` and fsync it, so it is on disk before it is used."""
    shutil.copyfile(source, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (the rename lives in the folder's own data)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


_RESERVED_CATALOGS = frozenset({"memory", "system", "temp", "main"})


def connect_locked(
    published: Path,
    *,
    allowed_directories: Sequence[str] = (),
    prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the snapshot that can reach nothing else (``lock_down``).

    The snapshot is attached read-only to a fresh in-memory instance, so the locked settings
    belong to this connection alone (DuckDB shares one instance, and its settings, between
    connections to the same file in a process). ``prepare`` runs before the lock (it may
    load extensions); the snapshot is the current catalog, named after the file.
    """
    published = Path(published)
    if not published.exists():
        raise WarehouseError(f"{published}: no warehouse yet (run `newsflow ingest` first)")
    name = published.stem if published.stem.lower() not in _RESERVED_CATALOGS else "warehouse"
    quoted = '"' + name.replace('"', '""') + '"'
    con = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        # ATTACH takes no parameters; the path is the configured file, quoted as a literal.
        literal = "'" + str(published).replace("'", "''") + "'"
        con.execute(f"ATTACH {literal} AS {quoted} (READ_ONLY)")
        con.execute(f"USE {quoted}")
        if prepare is not None:
            prepare(con)
        lock_down(con, allowed_directories=allowed_directories)
    except duckdb.IOException as exc:
        con.close()
        if _is_lock_error(exc):
            raise WarehouseLocked(f"{published} is locked by another process") from None
        raise WarehouseError(f"cannot open {published}: {str(exc).splitlines()[0]}") from None
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(f"cannot open {published}: {str(exc).splitlines()[0]}") from None
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
