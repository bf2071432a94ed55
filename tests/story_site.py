"""A local news site with as many distinct stories as a test needs, for crash and reader tests.

Story ``k`` is fixture page ``k % 6`` (tests/fixtures/site) served at ``/story/k.html`` with
its ``rel=canonical`` rewritten to that path, so every story is its own article with the
real pages' entities and quotes. Feeds list stories by number and answer 304 to a matching
``If-None-Match``. The site counts story requests and can hold one of them until the test
lets it go, so a test can kill the crawler while that request is in flight.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from pytest_httpserver import HTTPServer
from site_server import SITE, THREAD, expected, write_config
from werkzeug import Request, Response

_CANONICAL = re.compile(rb'<link rel="canonical" href="[^"]*">')
_PAGES = [(SITE / path).read_bytes() for path in sorted(expected()["pages"])]


def story_html(number: int, path: str) -> bytes:
    """Fixture page ``number % 6`` as served at ``path`` (its canonical link rewritten)."""
    page = _PAGES[number % len(_PAGES)]
    return _CANONICAL.sub(f'<link rel="canonical" href="{path}">'.encode(), page)


class StorySite:
    """Stories and feeds on a pytest-httpserver; ``feeds`` maps a feed name to story numbers."""

    def __init__(self, server: HTTPServer, feeds: dict[str, Iterable[int]]) -> None:
        self.base = server.url_for("").rstrip("/")
        self.story_requests = 0
        self._lock = threading.Lock()
        self._hold: tuple[int, threading.Event] | None = None
        self._release = threading.Event()
        server.no_handler_status_code = 404
        server.expect_request(re.compile(r"^/story/\d+\.html$")).respond_with_handler(self._story)
        for name, numbers in feeds.items():
            server.expect_request(f"/feeds/{name}.xml").respond_with_handler(
                self._feed_handler(self._rss(name, list(numbers)))
            )
        server.expect_request("/robots.txt").respond_with_data("", status=404)

    def feed_url(self, name: str) -> str:
        return f"{self.base}/feeds/{name}.xml"

    def story_url(self, number: int) -> str:
        return f"{self.base}/story/{number}.html"

    def hold_request(self, after: int) -> threading.Event:
        """Hold the ``after``-th story request from now until ``release``; the event fires
        when that request arrives."""
        reached = threading.Event()
        with self._lock:
            self._release.clear()
            self._hold = (self.story_requests + after, reached)
        return reached

    def release(self) -> None:
        """Let a held request answer (its client may be gone by then)."""
        self._release.set()

    def _story(self, request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[1].split(".")[0])
        with self._lock:
            self.story_requests += 1
            hold = self._hold if self._hold and self._hold[0] == self.story_requests else None
        if hold is not None:
            hold[1].set()
            self._release.wait(timeout=120)
        return Response(story_html(number, request.path), content_type="text/html")

    def _rss(self, name: str, numbers: list[int]) -> bytes:
        newest = datetime(2025, 11, 22, 20, 0, tzinfo=UTC)
        items = "".join(
            f"<item><title>Story {n}</title><link>{self.story_url(n)}</link>"
            f"<pubDate>{format_datetime(newest - timedelta(hours=n), usegmt=True)}</pubDate></item>"
            for n in numbers
        )
        return (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Herald {name}</title><link>{self.base}/</link>{items}</channel></rss>"
        ).encode()

    @staticmethod
    def _feed_handler(body: bytes):  # type: ignore[no-untyped-def]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

        def handle(request: Request) -> Response:
            if request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})
            return Response(body, content_type="application/rss+xml", headers={"ETag": etag})

        return handle


def thread_config(
    path: Path, site: StorySite, db: Path, feeds: list[str], warehouse: str = ""
) -> Path:
    """A config for the story site's ``feeds`` (by name), the analysis in the ingest process;
    ``warehouse``: TOML after ``[warehouse] path`` (a shared catalog)."""
    named = [(f"Herald {name}", site.feed_url(name)) for name in feeds]
    return write_config(path, db, feeds=named, execution=THREAD, warehouse=warehouse)
