"""A WARC byte range read and analysed where it runs: on a Dask worker, next to the data.

With ``runner = "dask"`` the import flow sends each worker a file's byte range (not its
pages): the worker reads the records that start in it, extracts and analyses the HTML
pages, and sends back the analysis with each page's provenance but without its HTML. The
flow stays the warehouse's only writer and keeps each file's resume state.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsflow.config.settings import NlpSettings
from newsflow.tasks import process
from newsflow.tasks.fetch.warc import WarcCounts, WarcPage, read_warc
from newsflow.tasks.records import ProcessedBatch


@dataclass(slots=True)
class RangeResult:
    """What one byte range gave: counts, the pages' provenance (no HTML) and their analysis."""

    counts: WarcCounts
    pages: list[WarcPage] = field(default_factory=list)
    batch: ProcessedBatch = field(default_factory=ProcessedBatch)
    read_seconds: float = 0.0


def process_range(
    path: str,
    span: tuple[int, int | None],
    nlp: NlpSettings,
    *,
    since: datetime | None = None,
    hosts: frozenset[str] | None = None,
    max_bytes: int,
    skip: Collection[str] = (),
) -> RangeResult:
    """Read the range's HTML pages, leave out ``skip`` (stored before a kill), analyse the
    rest in one ``process_pages`` call."""
    counts = WarcCounts()
    started = time.perf_counter()
    pages: list[WarcPage] = []
    for page in read_warc(
        Path(path), counts, since=since, hosts=hosts, max_bytes=max_bytes, span=span
    ):
        if page.page.url in skip:
            counts.html_pages -= 1
            counts.skipped_duplicate += 1
        else:
            pages.append(page)
    read_seconds = time.perf_counter() - started
    batch = process.process_pages([page.page for page in pages], nlp)
    for page in pages:
        page.page.html = None  # the flow needs where a page came from, not its markup
    return RangeResult(counts=counts, pages=pages, batch=batch, read_seconds=read_seconds)


def keep_pages(batch: ProcessedBatch, urls: Collection[str]) -> ProcessedBatch:
    """The part of ``batch`` about the pages in ``urls`` (the ones still to load)."""
    articles = [article for article in batch.articles if article.page_url in urls]
    return ProcessedBatch(
        articles=articles,
        analyses={article.article_id: batch.analyses[article.article_id] for article in articles},
        failures=[failure for failure in batch.failures if failure.url in urls],
        extract_seconds=batch.extract_seconds,
        nlp_seconds=batch.nlp_seconds,
    )
