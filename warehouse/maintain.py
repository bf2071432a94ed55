"""Keeping the lake's files few and its disk use near its live data (``newsflow maintain``).

Each batch's commit writes a small Parquet file per table it touches. On its own schedule
(``[warehouse] maintain_cron`` under ``newsflow serve``, or cron), maintenance:

1. expires the snapshots no reader can ask for: the intermediate ones of each run (readers
   attach published snapshots only), and published ones older than ``keep_days`` when set
   (by default every published snapshot is kept: history to cite);
2. merges adjacent small files into larger ones, per table;
3. deletes the files no kept snapshot uses any more, and orphans left by a killed commit.

It takes the ingest lock, so it never runs during an ingest run (and vice versa).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from newsflow.warehouse.db import (
    WarehouseError,
    ingest_lock,
    open_lake,
    published_snapshots,
)
from newsflow.warehouse.lake import Location, location


@dataclass(frozen=True, slots=True)
class MaintainSummary:
    expired_snapshots: int
    files_before: int
    files_after: int
    bytes_before: int
    bytes_after: int


def _files(con: duckdb.DuckDBPyConnection, name: str) -> tuple[int, int]:
    """(data files, bytes) the lake's catalog lists, current and kept for old snapshots."""
    meta = f'"__ducklake_metadata_{name}"'
    row = con.execute(
        f"SELECT count(*), coalesce(sum(file_size_bytes), 0) FROM {meta}.ducklake_data_file"  # noqa: S608
    ).fetchone()
    return int(row[0]), int(row[1])


def maintain(
    published: Path | Location, *, keep_days: float | None = None, grace_seconds: float = 0
) -> MaintainSummary:
    """Expire, merge and clean up (see the module's docstring); return what changed.

    ``grace_seconds``: files younger than this are left alone by the orphan sweep.
    """
    where = location(published)
    if not where.exists():
        raise WarehouseError(f"{where.describe()}: no warehouse yet (run `newsflow ingest` first)")
    with ingest_lock(where.path):
        con = open_lake(where)
        try:
            return _maintain(con, keep_days, grace_seconds)
        except duckdb.Error as exc:
            raise WarehouseError(f"maintain failed: {str(exc).splitlines()[0][:300]}") from None
        finally:
            con.close()


def _maintain(
    con: duckdb.DuckDBPyConnection, keep_days: float | None, grace_seconds: float
) -> MaintainSummary:
    name = con.execute("SELECT current_database()").fetchone()[0]
    files_before, bytes_before = _files(con, name)
    published = published_snapshots(con, name)
    keep = {s.snapshot_id for s in published}
    if keep_days is not None and published:
        horizon = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=keep_days)
        old = [s.snapshot_id for s in published[:-1] if s.time < horizon]
        keep -= set(old)
    current = con.execute("SELECT id FROM ducklake_current_snapshot(?)", [name]).fetchone()[0]
    keep.add(int(current))
    every = [
        r[0]
        for r in con.execute("SELECT snapshot_id FROM ducklake_snapshots(?)", [name]).fetchall()
    ]
    expire = sorted(int(s) for s in every if int(s) not in keep)
    if expire:
        con.execute("CALL ducklake_expire_snapshots(?, versions => ?)", [name, expire])
    con.execute("CALL ducklake_merge_adjacent_files(?)", [name])
    # Merging replaced files in the current snapshot; their old copies are used by no kept
    # snapshot only if nothing between was kept: the cleanup deletes exactly those.
    con.execute("CALL ducklake_cleanup_old_files(?, cleanup_all => true)", [name])
    older = datetime.now(UTC) - timedelta(seconds=grace_seconds)
    con.execute("CALL ducklake_delete_orphaned_files(?, older_than => ?)", [name, older])
    files_after, bytes_after = _files(con, name)
    return MaintainSummary(len(expire), files_before, files_after, bytes_before, bytes_after)
