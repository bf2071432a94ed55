"""SIGTERM (what `kill`, systemd and container runtimes send) ends `newsflow ingest` cleanly:
within seconds, recorded as 'interrupted', and no child process left behind (Prefect's
temporary server, the worker pool)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from pytest_httpserver import HTTPServer
from site_server import write_config
from story_site import StorySite

from newsflow.warehouse.db import connect_published

pytestmark = pytest.mark.slow
NEWSFLOW = str(Path(sys.executable).parent / "newsflow")


@pytest.fixture
def site() -> Iterator[StorySite]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield StorySite(server, {"world": range(1, 9)})
    server.clear()
    server.stop()


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_sigterm_ends_the_run_as_interrupted_with_no_child_left(
    site: StorySite, tmp_path: Path
) -> None:
    db = tmp_path / "news.duckdb"
    config = write_config(tmp_path / "feeds.toml", db, feeds=[("W", site.feed_url("world"))])
    reached = site.hold_request(after=2)  # held until released: the run is mid-fetch
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # temporary server
    proc = subprocess.Popen(
        [NEWSFLOW, "ingest", "--config", str(config), "--progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reached.wait(timeout=180), "the run never fetched a story"
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children, "expected Prefect's temporary server and a worker"
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        _, stderr = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        site.release()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert took < 20, f"took {took:.1f} s to stop"
    print(f"stopped {took:.1f} s after SIGTERM")
    assert stderr.strip().splitlines()[-1].startswith("newsflow: error: interrupted")
    psutil.wait_procs(children, timeout=10)  # a child may take a moment to exit
    assert [child.cmdline() for child in children if _alive(child)] == []
    with connect_published(db) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
