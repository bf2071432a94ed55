"""Each run's row in ``runs``: started, finished with its counts, or found interrupted."""

from __future__ import annotations

import duckdb

from newsflow.clock import utcnow

INTERRUPTED_ERROR = (
    "interrupted: the process ended before the run finished (killed, crashed or shut down); "
    "the next run resumed its work"
)


def mark_interrupted_runs(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Mark runs left 'running' by a process that died as 'interrupted'; return how many.

    Call it while holding the ingest lock (``newsflow.warehouse.db.ingest_lock``): then no other run
    can be going on, so every other 'running' row is stale. Their work is not lost: pages
    they queued and did not load are still pending, and the next run fetches them.
    """
    stale = con.execute(
        "SELECT count(*) FROM runs WHERE status = 'running' AND run_id <> ?", [run_id]
    ).fetchone()[0]
    if stale:
        con.execute(
            "UPDATE runs SET status = 'interrupted', error = ? "
            "WHERE status = 'running' AND run_id <> ?",
            [INTERRUPTED_ERROR, run_id],
        )
    return int(stale)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    con.execute(
        """
        MERGE INTO runs USING (SELECT ? AS run_id, ?::TIMESTAMP AS started_at) s
        ON runs.run_id = s.run_id
        WHEN MATCHED THEN UPDATE SET status = 'running'
        WHEN NOT MATCHED THEN INSERT (run_id, started_at, status)
            VALUES (s.run_id, s.started_at, 'running')
        """,
        [run_id, utcnow()],
    )


# The counters a run records, as ``runs`` names its columns.
RUN_COUNTERS = (
    "feeds_polled",
    "feeds_unchanged",
    "feeds_failed",
    "new_items",
    "articles_stored",
    "fetch_failures",
    "mentions",
    "quotes",
    "seconds",
    "feeds_not_due",
)


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    counts: dict[str, int | float],
    *,
    error: str | None,
) -> None:
    """Record a run's counts; ``counts`` keys are ``runs`` column names."""
    unknown = set(counts) - set(RUN_COUNTERS)
    if unknown:
        raise ValueError(f"unknown run counters: {sorted(unknown)}")
    con.execute(
        """
        UPDATE runs SET finished_at = ?, status = ?, error = ?,
            feeds_polled = ?, feeds_unchanged = ?, feeds_failed = ?, new_items = ?,
            articles_stored = ?, fetch_failures = ?, mentions = ?, quotes = ?, seconds = ?,
            feeds_not_due = ?
        WHERE run_id = ?
        """,
        [
            utcnow(),
            "failed" if error else "completed",
            error,
            *(counts.get(key, 0) for key in RUN_COUNTERS),
            run_id,
        ],
    )


def set_status(con: duckdb.DuckDBPyConnection, run_id: str, status: str, error: str | None) -> None:
    """Overrule what ``finish_run`` recorded: 'interrupted' by a signal, or 'failed' when
    the publish after it failed."""
    con.execute("UPDATE runs SET status = ?, error = ? WHERE run_id = ?", [status, error, run_id])
