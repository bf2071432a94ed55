"""The WARC import flow: WARC files -> HTML pages -> extract + NLP -> load -> publish.

Pages read from a file take the ingest flow's own path after the fetch: the same CPU pool,
``store_batch``, the syndication clustering, the search index and the snapshot publish.
With a local pool this process reads each file and hands its pages out in batches; with
``runner = "dask"`` the files are spread over the cluster instead: each worker reads a byte
range of a file itself and sends back the analysis (``tasks.warc_worker``), so no page
crosses this process twice. Either way this process is the warehouse's only writer. Each
file is marked done in ``warc_files`` when read to its end, so a second import of the same
files adds nothing, and an import killed midway resumes with the file it was reading,
leaving out the pages it had already loaded.
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
from newsflow.flows.execution import (
    BatchFuture,
    CpuPool,
    DaskPool,
    RangeFuture,
    cpu_pool,
    task_runner_for,
)
from newsflow.flows.ingest import RunSummary, finish_stage, load_group_stage
from newsflow.flows.retries import DB_TASK_RETRIES
from newsflow.tasks.fetch.warc import WarcCounts, WarcPage, byte_ranges, read_warc
from newsflow.tasks.load import runs
from newsflow.tasks.load import warc as warc_store
from newsflow.tasks.records import FetchedPage, ProcessedBatch
from newsflow.tasks.warc_worker import RangeResult, keep_pages
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


@task(name="loaded-warc-pages", **_TASK, **DB_TASK_RETRIES)
def loaded_pages(db: Path, path: str) -> set[str]:
    with connection(db) as con:
        return warc_store.loaded_pages(con, path)


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
                if isinstance(pool, DaskPool):
                    _import_on_cluster(db, settings, summary, todo, pool, since, hosts)
                else:
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
        _load(db, settings, summary, batch)
        _report(path, counts, summary)

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
    while in_flight:
        drain_one()
    _finish_file(db, summary, path)


def _load(db: Path, settings: Settings, summary: ImportSummary, batch: ProcessedBatch) -> None:
    """Load one analysed batch (this process is the only writer) and count it."""
    run = summary.run
    run.add_time("extract", batch.extract_seconds)
    run.add_time("nlp", batch.nlp_seconds)
    with run.timed("load"):
        loaded = load_group_stage(db, quote([(batch, [])]), run.run_id, settings.fetch)
    run.add_time("load", -loaded.cluster_seconds)
    run.add_time("cluster", loaded.cluster_seconds)
    run.articles_stored += loaded.counts.articles
    run.fetch_failures += loaded.counts.failures
    run.mentions += loaded.counts.mentions
    run.quotes += loaded.counts.quotes


def _report(path: Path, counts: WarcCounts, summary: ImportSummary) -> None:
    """A progress line once a batch is in the warehouse (what a kill can no longer undo)."""
    progress.report(
        "warc",
        f"{path.name}: {counts.records} records, {counts.html_pages} HTML pages read; "
        f"{summary.run.articles_stored} articles stored",
    )


def _finish_file(db: Path, summary: ImportSummary, path: Path) -> None:
    """Mark the file read to its end: an import of it again skips it."""
    counts = summary.counts[str(path)]
    if counts.error:
        get_run_logger().warning("%s: %s", path, counts.error)
    mark_file(db, str(path), summary.run.run_id, counts)
    read = not (counts.error and counts.records == 0)
    summary.files_done += 1 if read else 0
    progress.report("warc", f"{path.name}: {'done' if read else 'failed'}")


def _import_on_cluster(
    db: Path,
    settings: Settings,
    summary: ImportSummary,
    paths: list[Path],
    pool: DaskPool,
    since: datetime | None,
    hosts: frozenset[str] | None,
) -> None:
    """Spread the files' byte ranges over the Dask workers; load the results in order.

    One range more than the cluster has threads is in flight, so a worker that finishes
    finds the next range queued while this process loads the finished one. A file is done
    when its last range is loaded.
    """
    run = summary.run
    left: dict[Path, int] = {}  # ranges of each file not loaded yet
    in_flight: deque[tuple[Path, RangeFuture]] = deque()
    options = {"since": since, "hosts": hosts, "max_bytes": settings.fetch.max_bytes}

    def ranges() -> Iterator[tuple[Path, tuple[int, int | None], object]]:
        for path in paths:
            summary.counts[str(path)] = WarcCounts()
            mark_file(db, str(path), run.run_id, None)
            skip = pool.share(frozenset(loaded_pages(db, str(path))))
            spans = byte_ranges(path, 4 * pool.slots)
            left[path] = len(spans)
            for span in spans:
                yield path, span, skip

    def drain_one() -> None:
        path, future = in_flight.popleft()
        with run.timed("wait"):
            result: RangeResult = future.result()
        counts = summary.counts[str(path)]
        _add_counts(counts, result.counts)
        run.add_time("fetch", result.read_seconds)
        with run.timed("record"):
            fresh = queue_pages(db, str(path), quote(result.pages))
        dropped = len(result.pages) - len(fresh)  # stored before, or in another range
        counts.skipped_duplicate += dropped
        counts.html_pages -= dropped
        run.new_items += len(fresh)
        _load(db, settings, summary, keep_pages(result.batch, {page.url for page in fresh}))
        _report(path, counts, summary)
        left[path] -= 1
        if left[path] == 0:
            _finish_file(db, summary, path)

    for path, span, skip in ranges():
        future = pool.submit_range(str(path), span, settings.nlp, skip=skip, **options)
        in_flight.append((path, future))
        while len(in_flight) > pool.slots:
            drain_one()
    while in_flight:
        drain_one()


def _add_counts(total: WarcCounts, part: WarcCounts) -> None:
    for name in (
        "records",
        "html_pages",
        "skipped_non_html",
        "skipped_truncated",
        "skipped_duplicate",
        "skipped_filtered",
    ):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.error = total.error or part.error


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
    "dask"``, whose workers then read and analyse the files' byte ranges)."""
    settings = load_settings(config_path, db_path=db_path)
    flow_with_runner = import_warc.with_options(task_runner=task_runner_for(settings.execution))
    return flow_with_runner(
        paths=paths, config_path=config_path, db_path=db_path, since=since, hosts=hosts
    )
