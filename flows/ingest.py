"""The ingest flow: poll feeds -> record items -> fetch pages -> extract + NLP -> load -> publish.

Thin orchestration only; every step is a plain function in ``tasks/`` wrapped as a few large
Prefect tasks (one per stage, per batch of stories, or per group of batches loaded together),
never one task per article.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.exceptions import TerminationSignal
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from newsflow.clock import utcnow
from newsflow.config.settings import FetchSettings, Settings, load_settings
from newsflow.flows import progress
from newsflow.flows.execution import BatchFuture, CpuPool, cpu_pool, prewarmed_pool, task_runner_for
from newsflow.flows.retries import DB_TASK_RETRIES
from newsflow.tasks.fetch import feeds, polling
from newsflow.tasks.fetch import pages as fetch
from newsflow.tasks.fetch.fairshare import fair_order
from newsflow.tasks.fetch.hostlimit import HostSpacing
from newsflow.tasks.fetch.robots import RobotsCache
from newsflow.tasks.load import (
    isolate,
    poll_records,
    queue,
    run_stages,
    runs,
    search_index,
    sources,
    store,
    syndication,
)
from newsflow.tasks.records import FeedPoll, FetchedPage, ProcessedBatch
from newsflow.warehouse.db import WarehouseError, ingest_lock, publish_on, transaction
from newsflow.warehouse.run_connection import connection, run_session

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}
MIN_TAIL_BATCH = 5
# The writer loads at least this many finished batches per worker slot in one commit, and
# waits for no more than LOAD_GROUP_MAX (a cluster's many slots would otherwise hold many
# batches of pages in this process's memory; the gain flattens out long before).
LOAD_GROUP_PER_SLOT = 2
LOAD_GROUP_MAX = 8


@dataclass(slots=True)
class RunSummary:
    """What one run did; printed by the CLI and stored in ``runs``."""

    run_id: str
    feeds_polled: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    new_items: int = 0
    articles_stored: int = 0
    fetch_failures: int = 0
    mentions: int = 0
    quotes: int = 0
    seconds: float = 0.0
    feeds_not_due: int = 0
    # Seconds per stage (``run_stages``): flow-process wall time, except extract and nlp,
    # summed over the workers.
    stages: dict[str, float] = field(default_factory=dict)
    # Why the snapshot could not be published (the run is then recorded failed), or None.
    publish_error: str | None = None

    def counts(self) -> dict[str, Any]:
        values = asdict(self)
        for key in ("run_id", "stages", "publish_error"):
            values.pop(key)
        return values

    def add_time(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add_time(stage, time.perf_counter() - started)


@dataclass(frozen=True, slots=True)
class LoadedBatch:
    counts: store.BatchCounts
    cluster_seconds: float


@task(name="begin", **_TASK, **DB_TASK_RETRIES)
def begin_stage(db: Path, run_id: str) -> dict[str, Any]:
    with connection(db) as con:
        runs.mark_interrupted_runs(con, run_id)
        runs.start_run(con, run_id)
        states = poll_records.read_feed_states(con)
        sources.attach_sitemap_children(con, states)
        return states


@task(name="poll", **_TASK)
def poll_stage(
    settings: Settings,
    states: dict[str, Any],
    poll_all: bool = False,
    spacing: HostSpacing | None = None,
) -> tuple[list[FeedPoll], int]:
    """Poll the feeds that are due (all enabled ones with ``poll_all``); also count the rest."""
    enabled = [feed for feed in settings.feeds if feed.enabled]
    due = polling.due_feeds(enabled, states, utcnow(), poll_all=poll_all)
    polls = feeds.poll_feeds(due, states, settings.fetch, spacing=spacing)
    return polls, len(enabled) - len(due)


@task(name="record", **_TASK, **DB_TASK_RETRIES)
def record_stage(
    db: Path,
    polls: list[FeedPoll],
    max_attempts: int,
    run_id: str | None = None,
    settings: Settings | None = None,
) -> tuple[int, list[str], dict[str, queue.PageFeed]]:
    """Store the polls; the pages to fetch, in fair order, and who listed each first (its
    feed's title and its feed item's author go with the page to extraction)."""
    with connection(db) as con:
        with transaction(con):  # one commit for the polls and their sources' state
            new_items = poll_records.record_polls(
                con, polls, run_id=run_id, polling_settings=settings.polling if settings else None
            )
            sources.record_source_state(con, polls)
        todo = poll_records.pages_to_fetch(con, max_attempts=max_attempts)
        first = queue.page_feeds(con, todo)
        if settings is None:
            return new_items, todo, first
        cap = settings.fetch.max_items_per_feed_per_run
        feeds = {page: found.feed_url for page, found in first.items()}
        return new_items, fair_order(todo, feeds, cap), first


@task(name="fetch", **_TASK)
def fetch_stage(
    urls: list[str],
    settings: FetchSettings,
    robots: RobotsCache | None,
    spacing: HostSpacing | None = None,
) -> list[FetchedPage]:
    return fetch.fetch_pages(urls, settings, robots=robots, spacing=spacing)


@task(name="load", **_TASK, **DB_TASK_RETRIES)
def load_group_stage(
    db: Path,
    group: list[tuple[ProcessedBatch, list[FetchedPage]]],
    run_id: str,
    fetch_settings: FetchSettings | None = None,
) -> LoadedBatch:
    """Load the batches that finished while the writer was busy, and cluster their articles,
    in one commit (``isolate.store_group``: a bad batch still costs the others nothing)."""
    return _load(db, group, run_id, fetch_settings)


def _load(
    db: Path,
    group: list[tuple[ProcessedBatch, list[FetchedPage]]],
    run_id: str,
    fetch_settings: FetchSettings | None,
) -> LoadedBatch:
    retry = (
        {"max_attempts": fetch_settings.max_attempts, "retry_backoff": fetch_settings.retry_backoff}
        if fetch_settings
        else {}
    )
    with connection(db) as con:
        clustering = 0.0

        def cluster(counts: store.BatchCounts) -> None:
            nonlocal clustering
            started = time.perf_counter()
            dates = dict(counts.article_dates)
            known = {
                a.article_id: (dates[a.article_id], a.text)
                for batch, _ in group
                for a in batch.articles
                if a.article_id in dates
            }
            syndication.assign_clusters(con, counts.article_ids, known=known)
            clustering += time.perf_counter() - started

        # The batches and their clustering are one commit (a lake commit has a fixed cost).
        counts = isolate.store_group(con, group, run_id=run_id, then=cluster, **retry)
        return LoadedBatch(counts, clustering)


@task(name="finish", **_TASK, **DB_TASK_RETRIES)
def finish_stage(
    db: Path, summary: RunSummary, error: str | None, interrupted: bool = False
) -> str | None:
    """Record the run, then publish. A publish that fails (disk full, read-only folder)
    marks the run failed, leaves the previous snapshot as it was, and returns the one-line
    reason (returned, not raised: the CLI prints it as the run's only error line)."""
    with connection(db) as con:
        # Each batch signed and indexed its own articles; these only catch up on articles
        # stored some other way (an upgrade), at the cost of a count when there are none.
        with summary.timed("cluster"):
            syndication.assign_clusters(con)
        with summary.timed("index"):
            search_index.catch_up(con)
        with transaction(con):  # one lake commit for the run's own rows
            runs.finish_run(con, summary.run_id, summary.counts(), error=error)
            if interrupted:
                runs.set_status(con, summary.run_id, "interrupted", error)
            run_stages.record(con, summary.run_id, summary.stages)
    try:
        with connection(db) as con:
            publish_on(con, summary.run_id)
    except WarehouseError as exc:
        with connection(db) as con:
            runs.set_status(con, summary.run_id, "failed", f"{error}; {exc}" if error else str(exc))
        return str(exc)
    return None


def _batches(items: Sequence[str], size: int, slots: int) -> Iterator[list[str]]:
    """Batches of ``size``, then smaller ones as the queue runs out (down to
    ``MIN_TAIL_BATCH``), so that the workers finish together instead of one of them working
    alone through a last full batch."""
    start = 0
    while start < len(items):
        share = -(-(len(items) - start) // (2 * slots))  # ceil: half a round per slot
        end = start + min(size, max(MIN_TAIL_BATCH, share))
        yield list(items[start:end])
        start = end


def _current_run_id() -> str:
    return str(get_run_context().flow_run.id)


@flow(name="newsflow-ingest", task_runner=ThreadPoolTaskRunner(max_workers=4))
def ingest(
    config_path: str | None = None, db_path: str | None = None, poll_all: bool = False
) -> RunSummary:
    """One pass over the feeds that are due (every enabled feed with ``poll_all``), loading
    new stories and the pages earlier runs left to fetch into the warehouse."""
    started = time.perf_counter()
    settings = load_settings(config_path, db_path=db_path)
    db = settings.warehouse.path
    summary = RunSummary(run_id=_current_run_id())
    # One run at a time (a second one fails here, touching nothing); one warehouse
    # connection for all of the run's tasks.
    with ingest_lock(db), run_session(db):
        _run(db, settings, summary, poll_all, started)
    get_run_logger().info("run finished: %s", summary.counts())
    return summary


def _run(db: Path, settings: Settings, summary: RunSummary, poll_all: bool, started: float) -> None:
    error: str | None = None
    interrupted = False
    # One spacing per run: per_host_delay holds across the feed polls and every batch.
    spacing = HostSpacing(settings.fetch.per_host_delay)
    try:
        with summary.timed("begin"):
            states = begin_stage(db, summary.run_id)
        with summary.timed("poll"):
            polls, summary.feeds_not_due = poll_stage(settings, states, poll_all, spacing)
        summary.feeds_polled = len(polls)
        summary.feeds_unchanged = sum(p.status == "unchanged" for p in polls)
        summary.feeds_failed = sum(p.status == "failed" for p in polls)
        with summary.timed("record"):
            summary.new_items, todo, listed_by = record_stage(
                db, polls, settings.fetch.max_attempts, summary.run_id, settings
            )
        progress.report(
            "feeds",
            f"{summary.feeds_polled} polled ({summary.feeds_not_due} not due), "
            f"{summary.feeds_unchanged} unchanged, "
            f"{summary.feeds_failed} failed; {summary.new_items} new items, "
            f"{len(todo)} pages to fetch",
        )
        if todo:
            # Workers start (and load the model) while the first batch is fetched.
            with cpu_pool(settings.execution, settings.nlp) as pool:
                _fetch_process_load(db, todo, settings, summary, pool, spacing, listed_by)
    except (KeyboardInterrupt, TerminationSignal):  # SIGINT; SIGTERM (Prefect's or the CLI's)
        error, interrupted = "interrupted: stopped by a signal (SIGTERM or SIGINT)", True
        raise
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        summary.seconds = round(time.perf_counter() - started, 3)
        summary.publish_error = finish_stage(db, summary, error, interrupted)


def _fetch_process_load(
    db: Path,
    todo: list[str],
    settings: Settings,
    summary: RunSummary,
    pool: CpuPool,
    spacing: HostSpacing | None = None,
    listed_by: dict[str, queue.PageFeed] | None = None,
) -> None:
    """Pipeline the batches: fetch and load in this process while the workers analyse.

    The writer waits for the oldest ``LOAD_GROUP_PER_SLOT`` batches per worker slot (at most
    ``LOAD_GROUP_MAX``), then loads them and every later one already finished in one commit
    (``load_group_stage``): the load's cost is mostly fixed per commit and per statement, and
    this process's CPU is taken from the workers. Enough batches are in flight that the
    workers find the next ones queued while this process loads and fetches; memory stays
    flat however many stories a run has. ``listed_by`` (page URL -> the feed that listed it
    first) gives each page its feed's title, a publisher signal, and its feed item's author,
    an author signal, for extraction.
    """
    in_flight: deque[tuple[BatchFuture, list[FetchedPage], int]] = deque()
    group_size = min(LOAD_GROUP_PER_SLOT * pool.slots, LOAD_GROUP_MAX)
    window = group_size + pool.slots + 1
    done = 0

    def load(group: list[tuple[ProcessedBatch, list[FetchedPage], int]]) -> None:
        nonlocal done
        for batch, _, _ in group:
            summary.add_time("extract", batch.extract_seconds)
            summary.add_time("nlp", batch.nlp_seconds)
        with summary.timed("load"):  # the load itself, and Prefect's cost of the task call
            # quote(): Prefect would otherwise walk every mention and quote of the batches
            # twice per call looking for futures (about 0.3 s of this process per batch).
            pairs = [(batch, failed) for batch, failed, _ in group]
            loaded = load_group_stage(db, quote(pairs), summary.run_id, settings.fetch)
        summary.add_time("load", -loaded.cluster_seconds)
        summary.add_time("cluster", loaded.cluster_seconds)
        counts = loaded.counts
        summary.articles_stored += counts.articles
        summary.fetch_failures += counts.failures
        summary.mentions += counts.mentions
        summary.quotes += counts.quotes
        done += sum(size for _, _, size in group)
        progress.report(
            "pages",
            f"{done}/{len(todo)} done: {summary.articles_stored} articles stored, "
            f"{summary.fetch_failures} failed",
        )

    def drain(wait_for: int) -> None:
        """Load the oldest ``wait_for`` batches and the finished ones after them; a batch
        whose work failed still lets the ones before it be loaded, then stops the run."""
        group: list[tuple[ProcessedBatch, list[FetchedPage], int]] = []
        try:
            while in_flight and (len(group) < wait_for or in_flight[0][0].done()):
                future, failed, size = in_flight[0]
                with summary.timed("wait"):
                    batch = future.result()
                in_flight.popleft()
                group.append((batch, failed, size))
        finally:
            if group:
                load(group)

    robots = RobotsCache(settings.fetch) if settings.fetch.respect_robots_txt else None
    for urls in _batches(todo, settings.execution.batch_size, pool.slots):
        with summary.timed("fetch"):
            pages = fetch_stage(urls, settings.fetch, robots, spacing)
        for page in pages:
            found = (listed_by or {}).get(page.url)
            page.feed_title = found.title if found else None
            page.feed_author = found.author if found else None
        ok = [page for page in pages if page.ok]
        failed = [page for page in pages if not page.ok]
        future = pool.submit(ok, settings.nlp)
        in_flight.append((future, failed, len(urls)))
        if len(in_flight) >= window:
            drain(group_size)
    while in_flight:
        drain(min(group_size, len(in_flight)))


def run_ingest(
    config_path: str | None = None, db_path: str | None = None, poll_all: bool = False
) -> RunSummary:
    """Run ``ingest`` with the Prefect task runner ``[execution]`` asks for (the CLI's way in):
    with ``runner = "dask"`` the flow runs on a ``DaskTaskRunner`` whose cluster the CPU stage
    uses."""
    settings = load_settings(config_path, db_path=db_path)
    flow_with_runner = ingest.with_options(task_runner=task_runner_for(settings.execution))
    with prewarmed_pool(settings.execution, settings.nlp):
        return flow_with_runner(config_path=config_path, db_path=db_path, poll_all=poll_all)
