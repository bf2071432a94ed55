"""The WARC import flow: WARC files -> HTML pages -> extract + NLP -> load -> publish.

Pages read from a file take the ingest flow's own path after the fetch: the same CPU pool
(worker processes, or the Dask cluster with ``runner = "dask"``), ``store_batch``, the
syndication clustering, the search index and the snapshot publish. Each file is marked done
in ``warc_files`` when read to its end, so a second import of the same files adds nothing and
an import killed midway resumes with the file it was reading.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from newsflow.config.settings import Settings, load_settings
from newsflow.flows import progress
from newsflow.flows.execution import BatchFuture, CpuPool, cpu_pool, task_runner_for
from newsflow.flows.ingest import RunSummary, finish_stage, load_stage
from newsflow.flows.retries import DB_TASK_RETRIES
from newsflow.tasks.fetch.warc import WarcCounts, WarcPage, read_warc
from newsflow.tasks.load import runs
from newsflow.tasks.load import warc as warc_store
from newsflow.tasks.records import FetchedPage
from newsflow.warehouse.db import ingest_lock
from newsflow.warehouse.run_connection import connection, run_session

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}


@dataclass(slots=True)
class ImportSummary:
    """What one import did, per file and in all (the run's counts go to ``runs``)."""

    run: RunSummary
    files_done: int = 0
    files_skipped: int = 0  # done by an earlier import
    counts: dict[str, WarcCounts] = field(default_factory=dict)

    def total(self, name: str) -> int:
        return sum(getattr(counts, name) for counts in self.counts.values())


@task(name="begin-import", **_TASK, **DB_TASK_RETRIES)
def begin_import(db: Path, run_id: str) -> set[str]:
    with connection(db) as con:
        runs.mark_interrupted_runs(con, run_id)
        runs.start_run(con, run_id)
        return warc_store.done_files(con)


@task(name="queue-warc-pages", **_TASK, **DB_TASK_RETRIES)
def queue_pages(db: Path, path: str, pages: list[WarcPage]) -> list[FetchedPage]:
    with connection(db) as con:
        return warc_store.queue_pages(con, path, pages)


@task(name="mark-warc-file", **_TASK, **DB_TASK_RETRIES)
def mark_file(db: Path, path: str, run_id: str, counts: WarcCounts | None) -> None:
    with connection(db) as con:
        if counts is None:
            warc_store.start_file(con, path, run_id)
        else:
            warc_store.finish_file(con, path, counts)


@flow(name="newsflow-import-warc", task_runner=ThreadPoolTaskRunner(max_workers=4))
def import_warc(
    paths: list[str],
    config_path: str | None = None,
    db_path: str | None = None,
    since: datetime | None = None,
    hosts: frozenset[str] | None = None,
) -> ImportSummary:
    """Import the HTML pages of WARC files (skipping files an earlier import finished)."""
    from prefect.context import get_run_context

    started = time.perf_counter()
    settings = load_settings(config_path, db_path=db_path)
    db = settings.warehouse.path
    summary = ImportSummary(run=RunSummary(run_id=str(get_run_context().flow_run.id)))
    with ingest_lock(db), run_session(db):
        _run(db, settings, summary, [Path(p) for p in paths], since, hosts, started)
    get_run_logger().info("import finished: %s", summary.run.counts())
    return summary


def _run(
    db: Path,
    settings: Settings,
    summary: ImportSummary,
    paths: list[Path],
    since: datetime | None,
    hosts: frozenset[str] | None,
    started: float,
) -> None:
    run = summary.run
    error: str | None = None
    try:
        with run.timed("begin"):
            done = begin_import(db, run.run_id)
        todo = [path for path in paths if str(path) not in done]
        summary.files_skipped = len(paths) - len(todo)
        if todo:
            with cpu_pool(settings.execution, settings.nlp) as pool:
                for path in todo:
                    _import_file(db, settings, summary, path, pool, since, hosts)
        progress.report(
            "warc",
            f"{summary.files_done} files imported ({summary.files_skipped} done before): "
            f"{run.articles_stored} articles stored",
        )
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        run.seconds = round(time.perf_counter() - started, 3)
        finish_stage(db, run, error)


def _chunks(pages: Iterable[WarcPage], size: int) -> Iterator[list[WarcPage]]:
    iterator = iter(pages)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _import_file(
    db: Path,
    settings: Settings,
    summary: ImportSummary,
    path: Path,
    pool: CpuPool,
    since: datetime | None,
    hosts: frozenset[str] | None,
) -> None:
    """Read one file in batches; the workers analyse a batch while the next one is read."""
    run = summary.run
    key = str(path)
    counts = summary.counts[key] = WarcCounts()
    mark_file(db, key, run.run_id, None)
    in_flight: deque[tuple[BatchFuture, int]] = deque()

    def drain_one() -> None:
        future, _ = in_flight.popleft()
        with run.timed("wait"):
            batch = future.result()
        run.add_time("extract", batch.extract_seconds)
        run.add_time("nlp", batch.nlp_seconds)
        with run.timed("load"):
            loaded = load_stage(db, quote(batch), [], run.run_id, settings.fetch)
        run.add_time("load", -loaded.cluster_seconds)
        run.add_time("cluster", loaded.cluster_seconds)
        run.articles_stored += loaded.counts.articles
        run.fetch_failures += loaded.counts.failures
        run.mentions += loaded.counts.mentions
        run.quotes += loaded.counts.quotes

    pages = read_warc(path, counts, since=since, hosts=hosts, max_bytes=settings.fetch.max_bytes)
    for chunk in _chunks(_timed(pages, run), settings.execution.batch_size):
        with run.timed("record"):
            fresh = queue_pages(db, key, quote(chunk))
        counts.skipped_duplicate += len(chunk) - len(fresh)  # stored before
        counts.html_pages -= len(chunk) - len(fresh)
        run.new_items += len(fresh)
        if fresh:
            in_flight.append((pool.submit(fresh, settings.nlp), len(fresh)))
        while len(in_flight) > pool.slots:
            drain_one()
        progress.report(
            "warc",
            f"{path.name}: {counts.records} records, {counts.html_pages} HTML pages, "
            f"{run.articles_stored} articles stored",
        )
    while in_flight:
        drain_one()
    if counts.error:
        get_run_logger().warning("%s: %s", path, counts.error)
    mark_file(db, key, run.run_id, counts)
    summary.files_done += 1 if not (counts.error and counts.records == 0) else 0


def _timed(pages: Iterable[WarcPage], run: RunSummary) -> Iterator[WarcPage]:
    """The pages, with the time spent reading the file counted as the run's "fetch"."""
    iterator = iter(pages)
    while True:
        began = time.perf_counter()
        page = next(iterator, None)
        run.add_time("fetch", time.perf_counter() - began)
        if page is None:
            return
        yield page


def run_import_warc(
    paths: list[str],
    config_path: str | None = None,
    db_path: str | None = None,
    since: datetime | None = None,
    hosts: frozenset[str] | None = None,
) -> ImportSummary:
    """``import_warc`` on the task runner ``[execution]`` asks for (Dask with ``runner =
    "dask"``, whose cluster then analyses every file's pages)."""
    settings = load_settings(config_path, db_path=db_path)
    flow_with_runner = import_warc.with_options(task_runner=task_runner_for(settings.execution))
    return flow_with_runner(
        paths=paths, config_path=config_path, db_path=db_path, since=since, hosts=hosts
    )
