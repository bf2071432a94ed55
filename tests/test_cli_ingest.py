"""`newsflow ingest` talks to a terminal, and stays quiet on a schedule or in a pipe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from site_server import write_config

pytestmark = pytest.mark.slow
NEWSFLOW = str(Path(sys.executable).parent / "newsflow")


def _ingest(env: dict[str, str], config: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in env.items() if name != "PREFECT_LOGGING_LEVEL"}
    return subprocess.run(
        [NEWSFLOW, "ingest", "--config", str(config), *flags],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_quiet_when_not_a_terminal_and_progress_on_request(
    prefect_env: dict[str, str], news_site: str, tmp_path: Path
) -> None:
    feeds = [("Herald – World", f"{news_site}/feeds/world.xml")]
    quiet = _ingest(
        prefect_env,
        write_config(tmp_path / "a.toml", tmp_path / "a.duckdb", feeds=feeds),
    )
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    assert quiet.stdout.count("\n") == 1 and "articles stored: 4" in quiet.stdout

    loud = _ingest(
        prefect_env,
        write_config(tmp_path / "b.toml", tmp_path / "b.duckdb", feeds=feeds),
        "--progress",
    )
    assert loud.returncode == 0, loud.stderr
    stages = [line for line in loud.stderr.splitlines() if line.startswith("[")]
    assert stages[0].startswith("[feeds] 1 polled")
    assert stages[-1].startswith("[pages] 6/6 done: 4 articles stored, 2 failed")
