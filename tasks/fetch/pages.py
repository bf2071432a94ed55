"""Fetch story pages: concurrent, polite per host, guarded, robots-aware, never raising.

Every URL yields exactly one ``FetchedPage`` in input order: the decoded HTML, or an
``error`` with a short reason ("http 404", "timeout", "not html: application/pdf",
"robots.txt disallows") and ``retryable`` taken from the exception tree in
``tasks.errors``.
"""

from __future__ import annotations

import dataclasses
import logging
from contextlib import nullcontext
from functools import partial

import httpx

from newsflow.clock import utcnow
from newsflow.config.settings import FetchSettings
from newsflow.tasks.fetch.charset import decode_html
from newsflow.tasks.fetch.errors import FetchError, PermanentFetchError, TransientFetchError
from newsflow.tasks.fetch.hostlimit import HostSpacing, host_key, run_by_host
from newsflow.tasks.fetch.http import build_client, get
from newsflow.tasks.fetch.robots import RobotsCache
from newsflow.tasks.records import FetchedPage

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
# What an HTML document starts with (after whitespace, BOM, comments): WHATWG MIME sniffing.
_HTML_STARTS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<title",
    b"<meta",
    b"<script",
    b"<style",
    b"<div",
    b"<p",
    b"<h1",
    b"<table",
    b"<a ",
    b"<br",
    b"<!--",
)


def fetch_pages(
    urls: list[str],
    settings: FetchSettings,
    *,
    robots: RobotsCache | None = None,
    client: httpx.Client | None = None,
    spacing: HostSpacing | None = None,
) -> list[FetchedPage]:
    """Fetch ``urls`` (duplicates fetched once); one ``FetchedPage`` per input, same order.

    Pass one ``RobotsCache`` for the whole run so robots.txt is read once per site; without
    it (and with ``respect_robots_txt``) a cache lives for this call only. Likewise pass one
    ``HostSpacing`` so ``per_host_delay`` also holds between calls (batches) of a run.
    """
    if settings.respect_robots_txt and robots is None:
        robots = RobotsCache(settings)
    if not settings.respect_robots_txt:
        robots = None
    unique = list(dict.fromkeys(urls))
    with nullcontext(client) if client is not None else build_client(settings) as http:
        jobs = [(host_key(url), partial(fetch_page, http, url, settings, robots)) for url in unique]
        results = run_by_host(
            jobs,
            concurrency=settings.concurrency,
            per_host=settings.per_host_concurrency,
            delay=settings.per_host_delay,
            spacing=spacing,
        )
    by_url = dict(zip(unique, results, strict=True))
    pages: list[FetchedPage] = []
    handed_out: set[str] = set()
    for url in urls:  # a repeated URL gets its own copy, not a shared object
        page = by_url[url]
        pages.append(dataclasses.replace(page) if url in handed_out else page)
        handed_out.add(url)
    return pages


def fetch_page(
    client: httpx.Client,
    url: str,
    settings: FetchSettings,
    robots: RobotsCache | None = None,
) -> FetchedPage:
    """Fetch one page; every failure becomes a ``FetchedPage`` with ``error`` set."""
    try:
        if robots is not None and not robots.allowed(url, client=client):
            raise PermanentFetchError("robots.txt disallows", url=url)
        response = get(
            client, url, settings, headers={"Accept": ACCEPT_HTML}, on_headers=_require_html
        )
        if response.content_type is None and not looks_like_html(response.content):
            raise PermanentFetchError("not html: no content type, body is not HTML", url=url)
        if not response.content.strip():
            raise TransientFetchError("empty body", url=url, http_status=response.status)
        return FetchedPage(
            url=url,
            final_url=response.final_url,
            http_status=response.status,
            content_type=response.content_type or "text/html",
            html=decode_html(response.content, response.charset),
            fetched_at=response.fetched_at,
        )
    except FetchError as exc:
        page = _failed(url, exc.reason, exc.retryable, exc.http_status, exc.url)
        page.retry_after = exc.retry_after
        return page
    except Exception as exc:  # a bug must cost one page, not the batch
        log.exception("unexpected error fetching %s", url)
        return _failed(url, f"unexpected error: {type(exc).__name__}: {exc}", False, None, None)


def looks_like_html(content: bytes) -> bool:
    """Sniff a body without a Content-Type: does it start like an HTML document?"""
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if head.startswith(b"<?xml"):
        return b"<html" in head
    return head.startswith(_HTML_STARTS)


def _require_html(response: httpx.Response) -> None:
    media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media and media not in HTML_TYPES:
        raise PermanentFetchError(
            f"not html: {media}", url=str(response.url), http_status=response.status_code
        )


def _failed(
    url: str, reason: str, retryable: bool, http_status: int | None, final_url: str | None
) -> FetchedPage:
    return FetchedPage(
        url=url,
        final_url=final_url,
        http_status=http_status,
        error=reason,
        retryable=retryable,
        fetched_at=utcnow(),
    )
