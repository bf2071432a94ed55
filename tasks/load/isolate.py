"""Load a batch so that one unstorable article fails only its own page.

``store_batch`` writes a batch in one transaction; if any row cannot be stored (a value
Arrow or DuckDB refuses) the whole batch rolls back, and the same pages would come back and
fail again on every run, blocking the queue. Here a failed batch is retried article by
article: each article that still cannot be stored becomes a failed page with the reason,
never retried, and everything else is stored.

``store_group`` loads several finished batches as one: a lake commit and each of the load's
statements have a fixed cost (a Parquet file and catalog rows per table written), paid once
for the group instead of once per batch. If the group cannot be stored, each of its batches
is loaded on its own, so a bad batch costs the others nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

import duckdb

from newsflow.tasks.load import store as load
from newsflow.tasks.records import FetchedPage, PageFailure, ProcessedBatch
from newsflow.tasks.text import clean_field
from newsflow.warehouse.db import transaction

log = logging.getLogger(__name__)

# Errors of the database itself (file, lock, connection) are not the data's fault: they
# propagate, so the run fails and the pages stay queued.
_NOT_DATA = (duckdb.IOException, duckdb.ConnectionException, duckdb.FatalException, MemoryError)


Group = Sequence[tuple[ProcessedBatch, Sequence[FetchedPage]]]


def merged(batches: Sequence[ProcessedBatch]) -> ProcessedBatch:
    """One batch holding the articles, analyses and failures of ``batches``, in order."""
    if len(batches) == 1:
        return batches[0]
    analyses = {}
    for batch in batches:
        analyses.update(batch.analyses)
    return ProcessedBatch(
        articles=[a for batch in batches for a in batch.articles],
        analyses=analyses,
        failures=[f for batch in batches for f in batch.failures],
        extract_seconds=sum(batch.extract_seconds for batch in batches),
        nlp_seconds=sum(batch.nlp_seconds for batch in batches),
    )


def store_group(
    con: duckdb.DuckDBPyConnection,
    group: Group,
    *,
    run_id: str,
    then: Callable[[load.BatchCounts], object] | None = None,
    **options: object,
) -> load.BatchCounts:
    """Store the (batch, its fetch failures) pairs of ``group`` in one commit, ``then`` (the
    clustering) included; if that fails on the data, each pair with ``store_isolating``."""
    if len(group) == 1:
        batch, fetch_failures = group[0]
        return store_isolating(con, batch, fetch_failures, run_id=run_id, then=then, **options)
    whole = merged([batch for batch, _ in group])
    failed = [page for _, pages in group for page in pages]
    counts = _in_one_commit(con, whole, failed, run_id, then, options)
    if counts is not None:
        return counts
    log.warning("a group of %d batches could not be stored; one by one", len(group))
    return _summed(
        [
            store_isolating(con, batch, pages, run_id=run_id, then=then, **options)
            for batch, pages in group
        ]
    )


def _in_one_commit(
    con: duckdb.DuckDBPyConnection,
    batch: ProcessedBatch,
    fetch_failures: Sequence[FetchedPage],
    run_id: str,
    then: Callable[[load.BatchCounts], object] | None,
    options: dict[str, object],
) -> load.BatchCounts | None:
    """``store_batch`` and ``then`` in one transaction; None (rolled back) when the data is
    refused, so the caller can store the parts one by one. Failures of the database itself
    are raised: storing less would not help."""
    try:
        with transaction(con):
            counts = load.store_batch(con, batch, fetch_failures, run_id=run_id, **options)  # type: ignore[arg-type]
            if then is not None:
                then(counts)
        return counts
    except _NOT_DATA:
        raise
    except Exception as exc:  # noqa: BLE001 - a bad value must cost its own part only
        log.warning("could not be stored in one commit: %r", exc)
        return None


def _summed(totals: Sequence[load.BatchCounts]) -> load.BatchCounts:
    return load.BatchCounts(
        articles=sum(c.articles for c in totals),
        mentions=sum(c.mentions for c in totals),
        quotes=sum(c.quotes for c in totals),
        failures=sum(c.failures for c in totals),
        article_ids=tuple(i for c in totals for i in c.article_ids),
        article_dates=tuple(d for c in totals for d in c.article_dates),
    )


def store_isolating(
    con: duckdb.DuckDBPyConnection,
    batch: ProcessedBatch,
    fetch_failures: Sequence[FetchedPage],
    *,
    run_id: str,
    then: Callable[[load.BatchCounts], object] | None = None,
    **options: object,
) -> load.BatchCounts:
    """``store_batch``, falling back to one article at a time when the batch fails.

    ``then`` (the batch's clustering) runs on the counts in the same transaction as the
    batch, so the whole batch is one commit; after a fallback it runs on its own.
    """
    counts = _in_one_commit(con, batch, fetch_failures, run_id, then, options)
    if counts is not None:
        return counts
    log.warning("batch could not be stored; storing its pages one by one")
    totals: list[load.BatchCounts] = []
    failures = list(batch.failures)
    for article in batch.articles:
        single = ProcessedBatch(
            articles=[article],
            analyses={
                key: value for key, value in batch.analyses.items() if key == article.article_id
            },
        )
        try:
            counts = load.store_batch(con, single, [], run_id=run_id, **options)  # type: ignore[arg-type]
        except _NOT_DATA:
            raise
        except Exception as exc:  # noqa: BLE001
            reason = clean_field(f"could not store: {type(exc).__name__}: {exc}", "metadata")
            failures.append(
                PageFailure(
                    url=article.page_url, reason=reason or "could not store", retryable=False
                )
            )
            continue
        totals.append(counts)
    rest = ProcessedBatch(failures=failures)
    safe_fetch_failures = [
        replace(page, error=clean_field(page.error, "metadata") or "unknown error")
        for page in fetch_failures
    ]
    totals.append(load.store_batch(con, rest, safe_fetch_failures, run_id=run_id, **options))  # type: ignore[arg-type]
    counts = _summed(totals)
    if then is not None:
        then(counts)
    return counts
