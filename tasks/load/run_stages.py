"""Where a run spent its time, one row per stage in ``run_stages`` (migration 0007).

Read it to see what limits a deployment: a large ``wait`` means the workers are the
bottleneck (add cores or Dask workers); a large ``fetch`` or ``load`` means the flow process
is (the single writer, or the network).
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb


def record(con: duckdb.DuckDBPyConnection, run_id: str, stages: Mapping[str, float]) -> None:
    """Store (or replace) the stage timings of one run."""
    if not stages:
        return
    con.execute(
        "DELETE FROM run_stages WHERE run_id = ? AND list_contains(?, stage)",
        [run_id, list(stages)],
    )
    # One statement: on the lake each autocommitted INSERT would be a commit of its own.
    con.execute(
        "INSERT INTO run_stages (run_id, stage, seconds) "
        "SELECT ?, unnest(?::VARCHAR[]), unnest(?::DOUBLE[])",
        [run_id, list(stages), [round(seconds, 3) for seconds in stages.values()]],
    )


def read(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, float]:
    rows = con.execute(
        "SELECT stage, seconds FROM run_stages WHERE run_id = ?", [run_id]
    ).fetchall()
    return dict(rows)
