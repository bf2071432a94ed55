"""Prefect operations: one run at a time, lock errors retried inside the run, and a
prefect.yaml that really deploys the flow to a Prefect server."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from site_server import write_config
from typer.testing import CliRunner

from newsflow.warehouse.db import IngestRunning, ingest_lock, open_ingest
from newsflow.warehouse.lake import location

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def _no_feeds_config(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "news.duckdb"
    return write_config(tmp_path / "feeds.toml", db, feeds=[]), db


def test_a_second_run_is_refused_while_one_is_going(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsflow.cli import app
    from newsflow.flows.ingest import ingest

    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "WARNING")  # what the CLI sets; undone after
    config, db = _no_feeds_config(tmp_path)
    with ingest_lock(db):  # another run holds the warehouse
        with pytest.raises(IngestRunning, match="another ingest run"):
            ingest(config_path=str(config))
        # The CLI needs an enabled feed to start at all; the lock refuses it before polling.
        feed = [("A", "http://127.0.0.1:9/feed.xml")]
        with_feed = write_config(tmp_path / "cli.toml", db, feeds=feed)
        cli = CliRunner().invoke(app, ["ingest", "--config", str(with_feed)])
    assert cli.exit_code == 2
    assert cli.stderr.startswith("newsflow: error: another ingest run (pid ")
    assert cli.stderr.count("\n") == 1
    assert not location(db).exists()  # the refused runs touched nothing
    ingest(config_path=str(config))  # once the lock is free, runs go ahead


class _ReleaseOnRetry(logging.Handler):
    """Lets the lock holder go the moment Prefect schedules the task's first retry."""

    def __init__(self, holder: subprocess.Popen[str]) -> None:
        super().__init__(logging.INFO)
        self.holder = holder
        self.retries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "Retry 1/" not in message or self.retries:
            return
        self.retries.append(message)
        _release(self.holder)


def _release(holder: subprocess.Popen[str]) -> None:
    """Ask the holder to close its connection and wait until it has (its process ended)."""
    if holder.poll() is None:
        assert holder.stdin is not None
        holder.stdin.write("release\n")
        holder.stdin.close()
        holder.wait(timeout=30)


def test_a_locked_warehouse_is_retried_with_back_off_inside_the_run(
    prefect_harness: None, tmp_path: Path
) -> None:
    """Someone holds a write transaction on the catalog: the run's first attempt fails on the
    lock, and the retry, once that someone has closed it, succeeds.

    The holder keeps the file until Prefect logs the retry it scheduled, so the outcome does
    not depend on how fast this machine runs the flow.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from newsflow.flows.ingest import ingest

    config, db = _no_feeds_config(tmp_path)
    with open_ingest(db):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
            " c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True);"
            " sys.stdin.readline(); c.close()",
            str(location(db).catalog_file),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    task_log = logging.getLogger("prefect.task_runs")
    watcher = _ReleaseOnRetry(holder)
    level = task_log.level
    task_log.setLevel(logging.INFO)
    task_log.addHandler(watcher)
    try:
        summary = ingest(config_path=str(config))
    finally:
        task_log.removeHandler(watcher)
        task_log.setLevel(level)
        _release(holder)
    assert holder.returncode == 0
    [retry] = watcher.retries
    assert "lock" in retry.lower(), retry  # the first attempt failed on the lock

    async def begin_run_count() -> int:
        async with get_client() as client:
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[summary.run_id]))
            )
        return next(run.run_count for run in runs if run.name.startswith("begin"))

    assert asyncio.run(begin_run_count()) == 2  # failed on the lock, retried, succeeded
    with open_ingest(db) as con:
        assert con.execute("SELECT status FROM runs").fetchall() == [("completed",)]


def test_prefect_yaml_deploys_the_flow_with_schedule_and_no_overlap(
    prefect_harness: None, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.settings import PREFECT_API_URL

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    [deployment] = spec["deployments"]
    assert deployment["entrypoint"] == "flows/ingest.py:ingest"

    async def create_pool() -> None:
        async with get_client() as client:
            await client.create_work_pool(
                WorkPoolCreate(name=deployment["work_pool"]["name"], type="process"),
                overwrite=True,
            )

    asyncio.run(create_pool())
    env = {
        "PATH": str(Path(sys.executable).parent),
        "HOME": str(tmp_path),
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "prefect"), "--no-prompt", "deploy", "--all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    async def read() -> object:
        async with get_client() as client:
            return await client.read_deployment_by_name(f"newsflow-ingest/{deployment['name']}")

    created = asyncio.run(read())
    assert created.entrypoint == "flows/ingest.py:ingest"  # type: ignore[attr-defined]
    assert created.parameters == {  # type: ignore[attr-defined]
        "config_path": "config/feeds.toml",
        "db_path": None,
        "poll_all": False,
    }
    [schedule] = created.schedules  # type: ignore[attr-defined]
    assert schedule.schedule.cron == "*/30 * * * *"
    limit = created.concurrency_options  # type: ignore[attr-defined]
    assert created.global_concurrency_limit.limit == 1  # type: ignore[attr-defined]
    assert limit.collision_strategy == "CANCEL_NEW"
    assert created.work_pool_name == "newsflow"  # type: ignore[attr-defined]
    [step] = created.pull_steps  # type: ignore[attr-defined]
    directory = step["prefect.deployments.steps.set_working_directory"]["directory"]
    assert Path(directory) == ROOT
