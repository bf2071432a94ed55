"""An analyst's process for the reader tests: queries the published warehouse in a loop.

    python tests/snapshot_reader.py MODE DB OUT STOP

MODE is how the analyst connects:

* ``hold``: one read-only connection, opened once and kept for the whole test;
* ``reopen``: connect read-only, query, disconnect, again and again (sees each new snapshot);
* ``hold-rw``: one read-write connection kept open (the DuckDB CLI's default).

Each query's result goes to OUT as one JSON line: the article and mention counts, and what
the completed runs say they stored; or the error. The loop ends when the file STOP exists.
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


def main(mode: str, db: str, out: str, stop: str) -> None:
    held = duckdb.connect(db, read_only=mode != "hold-rw") if mode != "reopen" else None
    with open(out, "a", encoding="utf-8") as log:
        while not Path(stop).exists():
            try:
                con = held or duckdb.connect(db, read_only=True)
                try:
                    row = con.execute(QUERY).fetchone()
                finally:
                    if held is None:
                        con.close()
                record = dict(zip(KEYS, row, strict=True))
            except duckdb.Error as exc:
                record = {"error": f"{type(exc).__name__}: {exc}"}
            record["t"] = time.time()
            log.write(json.dumps(record) + "\n")
            log.flush()
            time.sleep(0.02)
    if held is not None:
        held.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
