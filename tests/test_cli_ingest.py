"""`newsflow ingest` talks to a terminal, and stays quiet on a schedule or in a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from site_server import serve_site, write_config

pytestmark = pytest.mark.slow
NEWSFLOW = str(Path(sys.executable).parent / "newsflow")


@pytest.fixture(scope="module")
def site() -> str:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield serve_site(server)
    server.clear()
    server.stop()


def _ingest(config: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    env.pop("PREFECT_LOGGING_LEVEL", None)
    return subprocess.run(
        [NEWSFLOW, "ingest", "--config", str(config), *flags],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_quiet_when_not_a_terminal_and_progress_on_request(
    prefect_harness: None, site: str, tmp_path: Path
) -> None:
    feeds = [("Herald – World", f"{site}/feeds/world.xml")]
    quiet = _ingest(write_config(tmp_path / "a.toml", site, tmp_path / "a.duckdb", feeds=feeds))
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    assert quiet.stdout.count("\n") == 1 and "articles stored: 4" in quiet.stdout

    loud = _ingest(
        write_config(tmp_path / "b.toml", site, tmp_path / "b.duckdb", feeds=feeds), "--progress"
    )
    assert loud.returncode == 0, loud.stderr
    stages = [line for line in loud.stderr.splitlines() if line.startswith("[")]
    assert stages[0].startswith("[feeds] 1 polled")
    assert stages[-1].startswith("[pages] 6/6 done: 4 articles stored, 2 failed")
