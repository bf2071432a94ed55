"""A local story that names no outlet of its own, for the publisher tests.

Served from 127.0.0.1 (a host that names nothing) with twelve paragraphs of body, so the
extractor keeps it as an article and only the signals a test adds can name its publisher.
"""

from __future__ import annotations

from datetime import datetime

from nethelpers import fast_settings
from pytest_httpserver import HTTPServer

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.fetch.pages import fetch_pages
from newsflow.tasks.records import Article

LOCAL = "http://127.0.0.1:8765/story/1"
PARAGRAPHS = "".join(
    f"<p>On day {i} the harbour board discussed berth {i * 5}, and after a long debate the "
    f"members voted that dredging plan {i * 2} would go ahead before the winter storms.</p>"
    for i in range(12)
)
FETCHED = datetime(2025, 3, 12, 12, 0)


def served_article(server: HTTPServer, path: str, html: str) -> Article:
    """``html`` served at ``path`` on 127.0.0.1, fetched as an ingest fetches it, and
    extracted: the page's markup is all that can name anyone."""
    server.expect_request(path).respond_with_data(html, content_type="text/html")
    [page] = fetch_pages([server.url_for(path)], fast_settings())
    assert page.html, page.error
    article = extract_article(page.html, url=page.url, fetched_at=page.fetched_at)
    assert isinstance(article, Article), article
    return article
