"""The backfill flow: a sitemap (index) -> the stories of a date window -> the ingest path.

The index is walked down to the child sitemaps that can hold the window (``tasks.fetch.
backfill``), their stories in the window are queued in the warehouse, and then fetched
newest first through the ingest flow's own fetch -> extract + NLP -> load pipeline, within
the same politeness limits (robots.txt, host spacing, per-host concurrency). The window's
state is in the warehouse (``backfills``, ``backfill_children``, ``pages``): the same command
run again after a kill reads only the children not read yet and fetches what is still
pending.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.task_runners import ThreadPoolTaskRunner

from newsflow.config.settings import Settings, load_settings
from newsflow.flows import progress
from newsflow.flows.execution import cpu_pool, task_runner_for
from newsflow.flows.ingest import RunSummary, _fetch_process_load, finish_stage
from newsflow.flows.retries import DB_TASK_RETRIES
from newsflow.tasks.fetch import backfill as window
from newsflow.tasks.fetch import sitemaps
from newsflow.tasks.fetch.hostlimit import HostSpacing
from newsflow.tasks.fetch.http import build_client
from newsflow.tasks.fetch.robots import RobotsCache
from newsflow.tasks.load import backfill as state
from newsflow.tasks.load import runs
from newsflow.tasks.records import SitemapChild
from newsflow.warehouse.db import ingest_lock
from newsflow.warehouse.run_connection import connection, run_session

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}


class BackfillError(RuntimeError):
    """The backfill cannot start (its source cannot be read); one line for the CLI."""


@dataclass(slots=True)
class BackfillSummary:
    run: RunSummary
    children_total: int = 0  # child sitemaps that can hold the window
    children_read: int = 0  # read by this run
    children_done_before: int = 0
    children_failed: int = 0
    children_skipped: int = 0  # cannot hold the window (lastmod, URL date)
    queued: int = 0  # pages new to the warehouse
    to_fetch: int = 0
    failures: list[str] = field(default_factory=list)


@task(name="begin-backfill", **_TASK, **DB_TASK_RETRIES)
def begin_backfill(
    db: Path, source: str, since: datetime, until: datetime, run_id: str
) -> set[str]:
    with connection(db) as con:
        runs.mark_interrupted_runs(con, run_id)
        runs.start_run(con, run_id)
        return state.begin(con, source, since, until, run_id)


@task(name="finish-backfill", **_TASK, **DB_TASK_RETRIES)
def finish_backfill(
    db: Path, source: str, since: datetime, until: datetime, total: int, error: str | None
) -> None:
    with connection(db) as con:
        state.finish(con, source, since, until, children_total=total, error=error)


@flow(name="newsflow-backfill", task_runner=ThreadPoolTaskRunner(max_workers=4))
def backfill(
    source_url: str,
    since: datetime,
    until: datetime,
    config_path: str | None = None,
    db_path: str | None = None,
) -> BackfillSummary:
    """Queue and load the stories a sitemap (index) lists for [since, until)."""
    started = time.perf_counter()
    settings = load_settings(config_path, db_path=db_path)
    db = settings.warehouse.path
    summary = BackfillSummary(run=RunSummary(run_id=str(get_run_context().flow_run.id)))
    with ingest_lock(db), run_session(db):
        _run(db, settings, summary, source_url, since, until, started)
    get_run_logger().info("backfill finished: %s", summary.run.counts())
    return summary


def _run(
    db: Path,
    settings: Settings,
    summary: BackfillSummary,
    source: str,
    since: datetime,
    until: datetime,
    started: float,
) -> None:
    run = summary.run
    error: str | None = None
    spacing = HostSpacing(settings.fetch.per_host_delay)
    try:
        with run.timed("begin"):
            done = begin_backfill(db, source, since, until, run.run_id)
        summary.children_done_before = len(done)
        with run.timed("poll"):
            _walk(db, settings, summary, source, (since, until), done, spacing)
        run.new_items = summary.queued
        with connection(db) as con:
            todo = state.pages_in_window(
                con, source, since, until, max_attempts=settings.fetch.max_attempts
            )
        summary.to_fetch = len(todo)
        progress.report(
            "sitemaps",
            f"{summary.children_total} child sitemaps can hold the window "
            f"({summary.children_read} read now, {summary.children_done_before} before, "
            f"{summary.children_failed} failed, {summary.children_skipped} outside it); "
            f"{summary.queued} new stories, {len(todo)} pages to fetch, newest first",
        )
        if todo:
            with cpu_pool(settings.execution, settings.nlp) as pool:
                _fetch_process_load(db, todo, settings, run, pool, spacing)
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        run.seconds = round(time.perf_counter() - started, 3)
        failed = "; ".join(summary.failures)[:500] or None
        finish_backfill(db, source, since, until, summary.children_total, error or failed)
        finish_stage(db, run, error)


def _walk(
    db: Path,
    settings: Settings,
    summary: BackfillSummary,
    source: str,
    span: tuple[datetime, datetime],
    done: set[str],
    spacing: HostSpacing,
) -> None:
    """Read the children that can hold the window, newest first, queueing as it goes."""
    robots = RobotsCache(settings.fetch) if settings.fetch.respect_robots_txt else None
    since, until = span
    with build_client(settings.fetch) as client:
        fetch = sitemaps.partial_fetch(client, settings.fetch, spacing, robots)
        body, reason = fetch(source)
        if body is None:
            raise BackfillError(f"{source}: {reason}")
        top = sitemaps.parse_sitemap(body, source, max_bytes=settings.fetch.max_feed_bytes)
        if top.kind != "sitemap_index":
            summary.children_total = 1
            _queue(db, summary, source, span, source, top)
            return
        seen = {source}

        def walk(children: list[SitemapChild], depth: int) -> None:
            for child in sorted(children, key=window.child_order, reverse=True):
                if child.url in seen:
                    continue
                seen.add(child.url)
                if not window.child_can_hold(child, since, until):
                    summary.children_skipped += 1
                    continue
                if child.url in done:
                    summary.children_total += 1
                    continue
                body, reason = fetch(child.url)
                if body is None:
                    summary.children_total += 1
                    summary.children_failed += 1
                    summary.failures.append(f"{child.url}: {reason}")
                    with connection(db) as con:
                        state.queue_child(con, source, span, child.url, [], error=reason)
                    continue
                document = sitemaps.parse_sitemap(
                    body, source, base_url=child.url, max_bytes=settings.fetch.max_feed_bytes
                )
                if document.kind == "sitemap_index":
                    if depth < sitemaps.MAX_DEPTH:
                        walk(document.children, depth + 1)
                    continue
                summary.children_total += 1
                _queue(db, summary, source, span, child.url, document)

        walk(top.children, 1)


def _queue(
    db: Path,
    summary: BackfillSummary,
    source: str,
    span: tuple[datetime, datetime],
    child_url: str,
    document: sitemaps.SitemapDocument,
) -> None:
    items = [item for item in document.items if window.in_window(item, *span, child_url)]
    for item in items:
        item.source_kind = "backfill"
    error = document.error if not document.items else None
    with connection(db) as con:
        new = state.queue_child(con, source, span, child_url, items, error=error)
    if error:
        summary.children_failed += 1
        summary.failures.append(f"{child_url}: {error}")
    else:
        summary.children_read += 1
    summary.queued += new
    progress.report("sitemaps", f"{child_url}: {len(items)} stories in the window, {new} new")


def run_backfill(
    source_url: str,
    since: datetime,
    until: datetime,
    config_path: str | None = None,
    db_path: str | None = None,
) -> BackfillSummary:
    """``backfill`` on the task runner ``[execution]`` asks for."""
    settings = load_settings(config_path, db_path=db_path)
    flow_with_runner = backfill.with_options(task_runner=task_runner_for(settings.execution))
    return flow_with_runner(
        source_url=source_url,
        since=since,
        until=until,
        config_path=config_path,
        db_path=db_path,
    )
