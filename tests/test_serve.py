"""`newsflow serve` really fires scheduled runs, never two at once, and cleans up on exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from site_server import write_config

from newsflow.warehouse.db import WarehouseError, connect_published
from newsflow.warehouse.lake import location

pytestmark = pytest.mark.slow


def _completed_runs(db: Path) -> list[tuple]:
    if not location(db).exists():
        return []
    try:
        with connect_published(db) as con:
            return con.execute(
                "SELECT started_at, finished_at FROM runs WHERE status = 'completed' ORDER BY 1"
            ).fetchall()
    except (duckdb.Error, WarehouseError):
        return []


def test_serve_runs_the_flow_on_schedule_without_overlap(news_site: str, tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    config = write_config(
        tmp_path / "feeds.toml",
        db,
        feeds=[("Herald – World", f"{news_site}/feeds/world.xml")],
        schedule="interval_seconds = 4",
    )
    # No API URL: serve starts its own Prefect server, on the session's PREFECT_HOME, whose
    # database the other temporary servers of the session have already migrated (or will reuse).
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    log = tmp_path / "serve.log"
    proc = subprocess.Popen(  # output to a file: a full pipe would block the server
        [str(Path(sys.executable).parent / "newsflow"), "serve", "--config", str(config)],
        env=env,
        cwd=tmp_path,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 240
        runs: list[tuple] = []
        while time.monotonic() < deadline and len(runs) < 2:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.5)  # polls the warehouse for the runs' rows
            runs = _completed_runs(db)
        assert len(runs) >= 2, "scheduled runs did not fire"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    output = log.read_text()
    assert "Prefect server started" in output
    assert proc.returncode == 0, output[-2000:]
    for (_, end), (start, _) in zip(runs, runs[1:], strict=False):
        assert end <= start, "two runs overlapped"
    with connect_published(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
