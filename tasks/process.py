"""The CPU stage: fetched pages -> extracted articles -> entities and quotes.

``process_pages`` is a plain function: the flow runs it in worker processes (a local pool
here, or Dask workers), where the spaCy pipeline is loaded once per process and reused.
trafilatura and spaCy are imported on first use, so the flow process, which only hands
batches out, never pays for them.
"""

from __future__ import annotations

import atexit
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from newsflow.config.settings import NlpSettings
from newsflow.tasks.records import Article, FetchedPage, PageFailure, ProcessedBatch


def process_pages(pages: Sequence[FetchedPage], nlp: NlpSettings) -> ProcessedBatch:
    """Extract every fetched page and analyse the articles in one ``nlp.pipe`` pass."""
    from newsflow.tasks.extract.article import extract_article
    from newsflow.tasks.extract.embeds import merge_quotes
    from newsflow.tasks.nlp.pipeline import analyze_texts

    batch = ProcessedBatch()
    started = time.perf_counter()
    articles: list[Article] = []
    for page in pages:
        if not page.ok:
            continue
        assert page.html is not None
        result = extract_article(
            page.html,
            url=page.final_url or page.url,
            fetched_at=page.fetched_at,
            feed_title=page.feed_title,
            feed_author=page.feed_author,
        )
        if isinstance(result, PageFailure):
            batch.failures.append(
                PageFailure(
                    url=page.url,
                    reason=result.reason,
                    retryable=result.retryable,
                    http_status=page.http_status,
                )
            )
            continue
        result.page_url = page.url
        articles.append(result)
    batch.extract_seconds = time.perf_counter() - started
    started = time.perf_counter()
    options = {
        "model": nlp.model,
        "models": nlp.models,
        "batch_size": nlp.batch_size,
        "max_chars": nlp.max_chars,
    }
    try:
        analyses = analyze_texts(
            [article.text for article in articles],
            declared=[article.language for article in articles],
            **options,
        )
    except Exception:  # noqa: BLE001 - one text the NLP cannot take must not cost the batch
        articles, analyses = _analyze_one_by_one(articles, batch, analyze_texts, options)
    for article, analysis in zip(articles, analyses, strict=True):
        article.language = analysis.language  # the text's language, else the page's claim
    batch.nlp_seconds = time.perf_counter() - started
    batch.articles = articles
    batch.analyses = {
        a.article_id: analysis for a, analysis in zip(articles, analyses, strict=True)
    }
    for article in articles:
        if article.embedded_quotes:
            analysis = batch.analyses[article.article_id]
            analysis.quotes = merge_quotes(analysis.quotes, article.embedded_quotes)
    return batch


def _analyze_one_by_one(
    articles: list[Article], batch: ProcessedBatch, analyze: Any, options: dict[str, Any]
) -> tuple[list[Article], list[Any]]:
    """Analyse each article alone; one that fails becomes a failed page with the reason."""
    kept, analyses = [], []
    for article in articles:
        try:
            [analysis] = analyze([article.text], declared=[article.language], **options)
        except Exception as exc:  # noqa: BLE001
            reason = f"analysis error: {type(exc).__name__}: {exc}"[:300]
            batch.failures.append(PageFailure(url=article.page_url, reason=reason, retryable=False))
            continue
        kept.append(article)
        analyses.append(analysis)
    return kept, analyses


def warm_worker(model: str) -> None:
    """Load the spaCy pipeline into this worker process now, not with its first batch."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from newsflow.tasks.nlp.pipeline import load_pipeline

    load_pipeline(model)


def _ready() -> None:
    """A no-op task: submitting one per worker makes the pool start them all at once."""


_POOLS: dict[tuple[int, str], ProcessPoolExecutor] = {}


def local_pool(workers: int, model: str) -> ProcessPoolExecutor:
    """A process pool whose workers each load the spaCy model once, shared for the process.

    Uses ``spawn`` so workers never inherit the parent's threads, locks or open databases.
    """
    key = (workers, model)
    if key not in _POOLS:
        _POOLS[key] = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context("spawn"),
            initializer=warm_worker,
            initargs=(model,),
        )
    return _POOLS[key]


def warm_pool(workers: int, model: str) -> ProcessPoolExecutor:
    """``local_pool`` with every worker started now: they load the model while the flow
    fetches the first batch (a pool otherwise starts workers one submitted task at a time)."""
    pool = local_pool(workers, model)
    for _ in range(workers):
        pool.submit(_ready)
    return pool


@atexit.register
def shutdown_pools() -> None:
    """Stop every worker now; a flow calls this when it ends so no worker outlives its run."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        workers = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=10)
