"""An analyst's process for the reader tests: queries the published warehouse in a loop.

    python tests/snapshot_reader.py MODE DB OUT STOP [CONFIG]

MODE is how the analyst connects:

* ``hold``: one read-only connection to the published snapshot, kept for the whole test;
* ``reopen``: connect to the published snapshot, query, disconnect, again and again (sees
  each new snapshot);
* ``hold-rw``: the lake attached read-write by plain DuckDB, kept open (what an analyst who
  skips ``READ_ONLY`` does): it must not stop the ingest.

Each query's result goes to OUT as one JSON line: the article and mention counts, and what
the completed runs say they stored; or the error. The loop ends when the file STOP exists.
CONFIG (a newsflow config) says where the warehouse keeps its catalog and data, when shared.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

QUERY = """
SELECT
    (SELECT count(*) FROM articles),
    (SELECT count(*) FROM entity_mentions),
    (SELECT coalesce(sum(articles_stored), 0) FROM runs WHERE status = 'completed'),
    (SELECT coalesce(sum(mentions), 0) FROM runs WHERE status = 'completed'),
    (SELECT count(*) FROM runs WHERE status = 'completed'),
    (SELECT count(*) FROM runs WHERE status = 'running')
"""
KEYS = ("articles", "mentions", "stored", "stored_mentions", "completed_runs", "running_runs")


def _read_write(db: str) -> duckdb.DuckDBPyConnection:
    from newsflow.warehouse.db import _memory_connection
    from newsflow.warehouse.lake import attach, location

    con = _memory_connection()
    name = attach(con, location(Path(db)), read_only=False)
    con.execute(f"USE {name}")
    return con


def main(mode: str, db: str, out: str, stop: str, config: str | None = None) -> None:
    from newsflow.warehouse.db import WarehouseError, connect_published

    if config is not None:
        from newsflow.config.settings import load_settings

        load_settings(config)  # registers the warehouse's catalog and data path

    held = None
    if mode == "hold":
        held = connect_published(db)
    elif mode == "hold-rw":
        held = _read_write(db)
    with open(out, "a", encoding="utf-8") as log:
        while not Path(stop).exists():
            try:
                con = held or connect_published(db)
                try:
                    row = con.execute(QUERY).fetchone()
                finally:
                    if held is None:
                        con.close()
                record = dict(zip(KEYS, row, strict=True))
            except (duckdb.Error, WarehouseError) as exc:
                record = {"error": f"{type(exc).__name__}: {exc}"}
            record["t"] = time.time()
            log.write(json.dumps(record) + "\n")
            log.flush()
            time.sleep(0.02)
    if held is not None:
        held.close()


if __name__ == "__main__":
    main(*sys.argv[1:6])
