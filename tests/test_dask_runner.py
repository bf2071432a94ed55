"""``[execution] runner = "dask"``: the CPU stage runs on a Dask cluster, with the same result.

A real 2-worker ``LocalCluster`` (separate processes) is started by the test and named in
the config by its address, as a user would name a remote scheduler. The flow runs through
``run_ingest`` (the CLI's entry point, which puts the flow on Prefect's ``DaskTaskRunner``)
over the fixture site; the rows must equal those of a run on the local process pool, and the
batches must really have been computed by the cluster's workers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from site_server import write_config

from newsflow.warehouse.db import connect_published

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as started:
        yield started


def _feeds(news_site: str) -> list[tuple[str, str]]:
    return [
        ("Herald – World", f"{news_site}/feeds/world.xml"),
        ("Herald – Politics", f"{news_site}/feeds/politics.atom"),
    ]


def _run(tmp: Path, news_site: str, execution: str, *, served: bool = False) -> Path:
    """One ingest run; ``served`` calls the flow as deployments do (decorator's runner)."""
    from newsflow.flows.ingest import ingest, run_ingest

    tmp.mkdir(parents=True, exist_ok=True)
    db = tmp / "news.duckdb"
    config = write_config(tmp / "feeds.toml", db, feeds=_feeds(news_site), execution=execution)
    entry = ingest if served else run_ingest
    summary = entry(config_path=str(config), db_path=str(db))
    assert summary.articles_stored > 0
    return db


def _rows(db: Path) -> dict[str, set[tuple]]:
    con = connect_published(db)
    try:
        return {
            "articles": set(
                con.execute("SELECT article_id, url, title, text, author FROM articles").fetchall()
            ),
            "mentions": set(
                con.execute(
                    "SELECT article_id, text, label, canonical, start_char, end_char "
                    "FROM entity_mentions"
                ).fetchall()
            ),
            "quotes": set(
                con.execute(
                    "SELECT article_id, quote, speaker, kind, start_char, end_char FROM quotes"
                ).fetchall()
            ),
            "stages": dict(con.execute("SELECT stage, seconds FROM run_stages").fetchall()),
        }
    finally:
        con.close()


def test_dask_cluster_stores_the_same_rows_as_local_processes(
    prefect_harness: None, news_site: str, cluster: Any, tmp_path: Path
) -> None:
    from distributed import Client, get_task_stream

    local = _rows(_run(tmp_path / "local", news_site, 'runner = "process"\nworkers = 1\n'))

    with Client(cluster) as client, get_task_stream(client) as stream:
        dask_db = _run(
            tmp_path / "dask",
            news_site,
            f'runner = "dask"\naddress = "{cluster.scheduler_address}"\n',
        )
        # Each worker process loaded the spaCy pipeline itself (once), and the flow process
        # never shipped it: it only exists in the workers' module cache.
        loaded = client.run(_pipelines_loaded)
    on_dask = _rows(dask_db)

    assert on_dask["articles"] == local["articles"]
    assert on_dask["mentions"] == local["mentions"]
    assert on_dask["quotes"] == local["quotes"]
    assert len(local["articles"]) == 6 and local["quotes"]

    batches = [task for task in stream.data if str(task["key"]).startswith("process_pages")]
    assert batches, "no batch was computed on the Dask cluster"
    assert {task["worker"] for task in batches} <= set(cluster.scheduler_info["workers"])
    assert len(loaded) == 2 and all(pids for pids in loaded.values())
    # The workers' extract and NLP seconds came back with the batches, and the run records the
    # same stages as a local one (the flow process waited on the cluster, not on a local pool).
    assert on_dask["stages"]["nlp"] > 0 and on_dask["stages"]["extract"] > 0
    assert set(on_dask["stages"]) == set(local["stages"])


def test_a_served_flow_reads_the_runner_from_config_too(
    prefect_harness: None, news_site: str, cluster: Any, tmp_path: Path
) -> None:
    """Deployments load the flow as declared (a thread task runner): the CPU stage still
    goes to the configured cluster."""
    from distributed import Client, get_task_stream

    with Client(cluster) as client, get_task_stream(client) as stream:
        db = _run(
            tmp_path,
            news_site,
            f'runner = "dask"\naddress = "{cluster.scheduler_address}"\n',
            served=True,
        )
    assert len(_rows(db)["articles"]) == 6
    assert any(str(task["key"]).startswith("process_pages") for task in stream.data)


def _pipelines_loaded() -> list[int]:
    from newsflow.tasks.nlp import pipeline as nlp

    return [os.getpid()] if nlp._PIPELINES else []  # noqa: SLF001 - what the test checks


def test_unreachable_scheduler_is_one_clear_error(
    prefect_harness: None, news_site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsflow.flows import execution

    monkeypatch.setattr(execution, "DASK_CONNECT_TIMEOUT_S", 2.0)  # nobody listens on port 9
    with pytest.raises(RuntimeError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        _run(tmp_path, news_site, 'runner = "dask"\naddress = "tcp://127.0.0.1:9"\n')
