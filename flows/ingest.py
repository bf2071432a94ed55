"""The ingest flow: poll feeds -> record items -> fetch pages -> extract + NLP -> load -> publish.

Thin orchestration only; every step is a plain function in ``tasks/`` wrapped as a few large
Prefect tasks (one per stage, or per batch of stories), never one task per article.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.task_runners import ThreadPoolTaskRunner

from config.settings import ExecutionSettings, FetchSettings, NlpSettings, Settings, load_settings
from flows import progress
from tasks import feeds, fetch, load, process, search, syndication
from tasks.records import FeedPoll, FetchedPage, ProcessedBatch
from tasks.robots import RobotsCache
from warehouse.db import open_ingest, publish

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}


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

    def counts(self) -> dict[str, Any]:
        values = asdict(self)
        values.pop("run_id")
        return values


@task(name="begin-run", **_TASK)
def begin_run(db: Path, run_id: str) -> dict[str, Any]:
    with open_ingest(db) as con:
        load.start_run(con, run_id)
        return load.read_feed_states(con)


@task(name="poll-feeds", **_TASK)
def poll_feeds(settings: Settings, states: dict[str, Any]) -> list[FeedPoll]:
    enabled = [feed for feed in settings.feeds if feed.enabled]
    return feeds.poll_feeds(enabled, states, settings.fetch)


@task(name="record-polls", **_TASK)
def record_polls(db: Path, polls: list[FeedPoll], max_attempts: int) -> tuple[int, list[str]]:
    with open_ingest(db) as con:
        new_items = load.record_polls(con, polls)
        return new_items, load.pages_to_fetch(con, max_attempts=max_attempts)


@task(name="fetch-pages", **_TASK)
def fetch_pages(
    urls: list[str], settings: FetchSettings, robots: RobotsCache | None
) -> list[FetchedPage]:
    return fetch.fetch_pages(urls, settings, robots=robots)


@task(name="extract-and-analyze", **_TASK)
def extract_and_analyze(
    pages: list[FetchedPage], nlp: NlpSettings, execution: ExecutionSettings
) -> ProcessedBatch:
    if execution.runner == "process":
        pool = process.local_pool(execution.workers, nlp.model)
        return pool.submit(process.process_pages, pages, nlp).result()
    return process.process_pages(pages, nlp)


@task(name="load-batch", **_TASK)
def load_batch(
    db: Path, batch: ProcessedBatch, failed: list[FetchedPage], run_id: str
) -> load.BatchCounts:
    with open_ingest(db) as con:
        counts = load.store_batch(con, batch, failed, run_id=run_id)
        syndication.assign_clusters(con)
        return counts


@task(name="finish-run", **_TASK)
def finish_run(db: Path, summary: RunSummary, error: str | None) -> None:
    with open_ingest(db) as con:
        search.rebuild_index(con)
        load.finish_run(con, summary.run_id, summary.counts(), error=error)
    publish(db)


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _current_run_id() -> str:
    return str(get_run_context().flow_run.id)


@flow(name="newsflow-ingest", task_runner=ThreadPoolTaskRunner(max_workers=4))
def ingest(config_path: str | None = None, db_path: str | None = None) -> RunSummary:
    """One pass over every configured feed, loading new stories into the warehouse."""
    started = time.perf_counter()
    settings = load_settings(config_path, db_path=db_path)
    db = settings.warehouse.path
    summary = RunSummary(run_id=_current_run_id())
    error: str | None = None
    try:
        states = begin_run(db, summary.run_id)
        polls = poll_feeds(settings, states)
        summary.feeds_polled = len(polls)
        summary.feeds_unchanged = sum(p.status == "unchanged" for p in polls)
        summary.feeds_failed = sum(p.status == "failed" for p in polls)
        summary.new_items, todo = record_polls(db, polls, settings.fetch.max_attempts)
        progress.report(
            "feeds",
            f"{summary.feeds_polled} polled, {summary.feeds_unchanged} unchanged, "
            f"{summary.feeds_failed} failed; {summary.new_items} new items, "
            f"{len(todo)} pages to fetch",
        )
        _fetch_process_load(db, todo, settings, summary)
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        process.shutdown_pools()
        summary.seconds = round(time.perf_counter() - started, 3)
        finish_run(db, summary, error)
    get_run_logger().info("run finished: %s", summary.counts())
    return summary


def _fetch_process_load(db: Path, todo: list[str], settings: Settings, summary: RunSummary) -> None:
    """Pipeline the batches: fetch batch n+1 while workers analyse batch n, load in order.

    At most ``workers + 1`` batches are in flight, so memory stays flat however many stories
    a run has.
    """
    in_flight: deque[tuple[Future | Any, list[FetchedPage], int]] = deque()
    window = settings.execution.workers + 1
    done = 0

    def drain_one() -> None:
        nonlocal done
        future, failed, size = in_flight.popleft()
        counts = load_batch(db, future.result(), failed, summary.run_id)
        summary.articles_stored += counts.articles
        summary.fetch_failures += counts.failures
        summary.mentions += counts.mentions
        summary.quotes += counts.quotes
        done += size
        progress.report(
            "pages",
            f"{done}/{len(todo)} done: {summary.articles_stored} articles stored, "
            f"{summary.fetch_failures} failed",
        )

    robots = RobotsCache(settings.fetch) if settings.fetch.respect_robots_txt else None
    for urls in _chunks(todo, settings.execution.batch_size):
        pages = fetch_pages(urls, settings.fetch, robots)
        ok = [page for page in pages if page.ok]
        failed = [page for page in pages if not page.ok]
        future = extract_and_analyze.submit(ok, settings.nlp, settings.execution)
        in_flight.append((future, failed, len(urls)))
        while len(in_flight) >= window:
            drain_one()
    while in_flight:
        drain_one()
