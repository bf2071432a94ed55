"""SIGTERM (what `kill`, systemd and container runtimes send) ends `newsflow ingest` cleanly:
exit code 130, the run recorded as 'interrupted' in a consistent warehouse, and no process
of the run left behind (Prefect's temporary server, the worker pool).

The test waits on state (the site holding a story request, the process exiting, the run's
processes gone), never on elapsed time: its timeouts only stop a hung run, and are
generous because a loaded machine can take minutes to start Prefect's server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from pytest_httpserver import HTTPServer
from site_server import PROCESS, write_config
from story_site import StorySite

from newsflow.warehouse.db import connect_published

pytestmark = pytest.mark.slow
NEWSFLOW = str(Path(sys.executable).parent / "newsflow")
STORIES = range(1, 9)
# Every process the run starts inherits its environment: this variable finds them all,
# whenever they started and whoever their parent is by then.
MARK = "NEWSFLOW_TEST_SIGTERM_RUN"
GUARD_S = 600.0  # failure guard for a hung run, not a speed requirement


@pytest.fixture
def site() -> Iterator[StorySite]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield StorySite(server, {"world": STORIES})
    server.clear()
    server.stop()


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _run_processes(mark: str) -> list[psutil.Process]:
    """Live processes started by the marked run (its own included)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(MARK) == mark and _alive(process):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _wait_gone(mark: str, timeout: float) -> list[psutil.Process]:
    """Wait until no process of the run is alive (or ``timeout``); the ones still alive."""
    deadline = time.monotonic() + timeout
    while (left := _run_processes(mark)) and time.monotonic() < deadline:
        psutil.wait_procs(left, timeout=1.0)  # returns as soon as they have exited
    return left


@pytest.mark.timeout(3 * GUARD_S)
def test_sigterm_ends_the_run_as_interrupted_with_no_child_left(
    site: StorySite, tmp_path: Path
) -> None:
    db = tmp_path / "news.duckdb"
    config = write_config(  # the worker pool too must be gone after the SIGTERM
        tmp_path / "feeds.toml", db, feeds=[("W", site.feed_url("world"))], execution=PROCESS
    )
    reached = site.hold_request(after=2)  # held until released: the run is mid-fetch
    mark = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # temporary server
    env[MARK] = mark
    # newsflow itself raises Prefect's 20 s start-up limit for its temporary server.
    env.pop("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", None)
    stderr_path = tmp_path / "stderr.txt"
    with (tmp_path / "stdout.txt").open("w") as out, stderr_path.open("w") as err:
        proc = subprocess.Popen(
            [NEWSFLOW, "ingest", "--config", str(config), "--progress"],
            env=env,
            stdout=out,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + GUARD_S
        while not reached.wait(timeout=1.0):  # or the run ended without fetching a story
            assert proc.poll() is None, stderr_path.read_text()
            assert time.monotonic() < deadline, "the run never fetched a story"
        started = [p for p in _run_processes(mark) if p.pid != proc.pid]
        assert started, "expected Prefect's temporary server to be running"
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        proc.wait(timeout=GUARD_S)
        print(f"stopped {time.monotonic() - sent:.1f} s after SIGTERM")
    finally:
        site.release()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = stderr_path.read_text()
    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1].startswith("newsflow: error: interrupted"), stderr
    assert [p.cmdline() for p in _wait_gone(mark, GUARD_S)] == []

    with connect_published(db) as con:  # the snapshot the interrupted run published
        [(status, finished, stored)] = con.execute(
            "SELECT status, finished_at IS NOT NULL, articles_stored FROM runs"
        ).fetchall()
        pages = dict(con.execute("SELECT status, count(*) FROM pages GROUP BY status").fetchall())
        articles = con.execute("SELECT count(*) FROM articles").fetchone()
        orphans = con.execute(
            "SELECT count(*) FROM pages LEFT JOIN articles USING (article_id) "
            "WHERE pages.status = 'ok' AND articles.article_id IS NULL"
        ).fetchone()
    assert (status, finished) == ("interrupted", True)
    # Nothing lost: every story is either stored or still queued for the next run.
    assert set(pages) <= {"ok", "pending"}, pages
    assert sum(pages.values()) == len(STORIES)
    assert articles == (pages.get("ok", 0),) and stored == pages.get("ok", 0)
    assert orphans == (0,)
