"""One connection to the lake for a whole run, instead of one per task.

Attaching the lake (loading the extensions, reading the catalog) costs a little every time;
within ``run_session`` the warehouse tasks share one connection, opened by the first task
that needs it (so Prefect's lock retries still apply to opening it) and closed when the
session ends. Each committed transaction is a DuckLake snapshot, durable in the catalog.

The connection is only ever used from the flow's own thread (its tasks are called, not
submitted), and never passed to a task as an argument.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

from newsflow.warehouse.db import open_ingest
from newsflow.warehouse.lake import Location, location

# DuckDB's buffer pool may grow to memory_limit (80 % of RAM by default): held for a whole
# run, that would grow with the run's size. Capped, the pool evicts and the flow stays flat.
RUN_MEMORY_LIMIT = "512MB"


class _Session:
    def __init__(self) -> None:
        self.stack = ExitStack()
        self.con: duckdb.DuckDBPyConnection | None = None


_SESSIONS: dict[Path, _Session] = {}


def _key(published: Path | Location) -> Path:
    return location(published).path


@contextmanager
def run_session(published: Path) -> Iterator[None]:
    """While open, ``connection(published)`` hands out one shared connection."""
    key = _key(published)
    if key in _SESSIONS:  # nested: the outer session owns the connection
        yield
        return
    session = _SESSIONS[key] = _Session()
    try:
        yield
    finally:
        del _SESSIONS[key]
        session.stack.close()


@contextmanager
def connection(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The run's shared connection inside ``run_session``; a connection of its own outside."""
    session = _SESSIONS.get(_key(published))
    if session is None:
        with open_ingest(published) as con:
            yield con
        return
    if session.con is None:
        con = session.stack.enter_context(open_ingest(published))
        con.execute("SET memory_limit = ?", [RUN_MEMORY_LIMIT])
        session.con = con
    yield session.con
