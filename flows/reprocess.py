"""The reprocess flow: stored article text -> entities and quotes again -> replace rows -> publish.

Thin orchestration of ``newsflow.tasks.load.reprocess``: pick the articles, one Prefect task per batch
(each batch replaced in its own transaction), then publish the snapshot. It holds the ingest
lock throughout, so it never interleaves with an ingest run.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from newsflow.config.settings import NlpSettings, load_settings
from newsflow.flows.retries import DB_TASK_RETRIES
from newsflow.tasks.load import reprocess as work
from newsflow.warehouse.db import ingest_lock, open_ingest, publish

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}


@task(name="select", **_TASK, **DB_TASK_RETRIES)
def select_stage(
    db: Path, since: datetime | None, only_outdated: bool, nlp: NlpSettings
) -> list[str]:
    from newsflow.tasks.nlp.pipeline import EXTRACTOR_VERSION, pipeline_id

    with open_ingest(db) as con:
        return work.articles_to_reprocess(
            con,
            since=since,
            only_outdated=only_outdated,
            extractor_version=EXTRACTOR_VERSION,
            model=pipeline_id(nlp.model),
        )


@task(name="reprocess", **_TASK, **DB_TASK_RETRIES)
def reprocess_stage(db: Path, article_ids: list[str], nlp: NlpSettings) -> work.ReplacedRows:
    with open_ingest(db) as con:
        return work.reprocess_batch(con, article_ids, nlp)


@task(name="publish", **_TASK, **DB_TASK_RETRIES)
def publish_stage(db: Path) -> None:
    publish(db)


@flow(name="newsflow-reprocess")
def reprocess(
    config_path: str | None = None,
    db_path: str | None = None,
    since: datetime | None = None,
    only_outdated: bool = False,
    batch_articles: int = work.DEFAULT_BATCH_ARTICLES,
) -> work.ReprocessSummary:
    """Re-run the NLP on stored articles (all, or those of ``since`` and later) and replace
    their mentions and quotes; analysts see the result when the snapshot is published."""
    from newsflow.tasks.nlp.pipeline import EXTRACTOR_VERSION, pipeline_id

    started = time.perf_counter()
    settings = load_settings(config_path, db_path=db_path)
    db = settings.warehouse.path
    summary = work.ReprocessSummary(
        extractor_version=EXTRACTOR_VERSION, model=pipeline_id(settings.nlp.model)
    )
    with ingest_lock(db):
        ids = select_stage(db, since, only_outdated, settings.nlp)
        for batch in work.batches(ids, batch_articles):
            summary.add(reprocess_stage(db, batch, settings.nlp))
        if ids:
            publish_stage(db)
    summary.seconds = round(time.perf_counter() - started, 3)
    get_run_logger().info("reprocess finished: %s", summary)
    return summary
