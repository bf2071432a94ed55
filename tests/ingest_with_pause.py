"""Run ``newsflow ingest`` that stops dead at one chosen moment, for the kill -9 tests.

    python tests/ingest_with_pause.py MARKER POINT N -- [newsflow ingest arguments]

POINT is where the process stops, the N-th time it gets there:

* ``nlp``: inside a batch's entity and quote analysis, after half of its texts went through
  the real spaCy pipeline (runner "thread", so the analysis runs in this process);
* ``load``: inside a batch's load transaction, after its articles were inserted and before
  its mentions are (the transaction is open, nothing is committed);
* ``publish``: inside the publish transaction, its row written, before its commit;
* ``none``: nowhere (the test kills the process from outside, e.g. mid-fetch).

At that moment the process writes MARKER and sleeps; the test then sends SIGKILL. Nothing
is mocked: the pipeline runs for real up to the pause point.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

MARKER, POINT, NTH = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
_count = 0


def _reached() -> bool:
    global _count
    _count += 1
    return _count == NTH


def _stop_here() -> None:
    MARKER.write_text(str(os.getpid()), encoding="utf-8")
    while True:
        time.sleep(60)


def _pause_in_nlp() -> None:
    import newsflow.tasks.nlp.pipeline

    analyze = newsflow.tasks.nlp.pipeline.analyze_texts

    def paused(texts: list[str], **kwargs: Any) -> Any:
        if _reached():
            half = max(1, len(texts) // 2)
            if kwargs.get("declared") is not None:  # per-text page languages
                kwargs = {**kwargs, "declared": kwargs["declared"][:half]}
            analyze(texts[:half], **kwargs)
            _stop_here()
        return analyze(texts, **kwargs)

    newsflow.tasks.nlp.pipeline.analyze_texts = paused


class _PausingConnection:
    """A DuckDB connection that stops before the N-th insert of entity mentions."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if "INSERT INTO entity_mentions" in query and _reached():
            _stop_here()
        return self._con.execute(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _pause_in_load() -> None:
    import newsflow.warehouse.db

    open_lake = newsflow.warehouse.db.open_lake
    newsflow.warehouse.db.open_lake = lambda where: _PausingConnection(open_lake(where))  # type: ignore[assignment]


def _pause_in_publish() -> None:
    import newsflow.warehouse.db

    publish_on = newsflow.warehouse.db.publish_on

    def paused(con: Any, run_id: str | None = None) -> int:
        if _reached():
            con.execute("BEGIN TRANSACTION")
            con.execute("INSERT INTO publications VALUES (?, now()::TIMESTAMP)", [run_id])
            _stop_here()
        return publish_on(con, run_id)

    newsflow.warehouse.db.publish_on = paused


if __name__ == "__main__":
    {"nlp": _pause_in_nlp, "load": _pause_in_load, "publish": _pause_in_publish}.get(
        POINT, lambda: None
    )()
    from newsflow.cli import app

    args = sys.argv[sys.argv.index("--") + 1 :]
    sys.argv = ["newsflow", "ingest", *args]
    app()
