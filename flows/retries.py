"""Which task failures are worth retrying inside a run, and how long to wait.

Only the warehouse tasks retry, and only when the catalog is locked by another process (a
tool holding a write transaction on the SQLite catalog, a backup): that clears by itself. Everything else is a bug or bad data, and retrying would only
repeat it. Network failures never reach Prefect: fetches turn them into recorded failures
that later runs retry with back-off (``pages.next_attempt_at``).
"""

from __future__ import annotations

from typing import Any

import duckdb

from newsflow.warehouse.db import WarehouseLocked

# Waits before the 1st, 2nd and 3rd retry of a warehouse task: a lock held by an analyst's
# query usually clears within seconds; longer than a minute, the run gives up and the next
# scheduled run starts over.
DB_RETRY_DELAYS = [2, 10, 30]


def is_lock_error(exc: BaseException) -> bool:
    """True for "file is locked by another process" errors, which clear by themselves."""
    if isinstance(exc, WarehouseLocked):
        return True
    text = str(exc).lower()
    # The catalog database busy with another writer's transaction (SQLite: "database is
    # locked"), or a DuckDB file held by another process.
    return isinstance(exc, duckdb.Error) and (
        "database is locked" in text or "lock" in text and isinstance(exc, duckdb.IOException)
    )


def retry_on_lock(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry the task only if it failed on a lock."""
    try:
        state.result()
    except BaseException as exc:  # noqa: BLE001 - the state's exception, re-raised to read it
        return is_lock_error(exc)
    return False


DB_TASK_RETRIES: dict[str, Any] = {
    "retries": len(DB_RETRY_DELAYS),
    "retry_delay_seconds": DB_RETRY_DELAYS,
    "retry_condition_fn": retry_on_lock,
}
