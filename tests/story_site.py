"""A local news site with as many distinct stories as a test needs, for crash and reader tests.

Story ``k`` is fixture page ``k % 6`` (tests/fixtures/site) served at ``/story/k.html`` with
its ``rel=canonical`` rewritten to that path, so every story is its own article with the
real pages' entities and quotes. Feeds list stories by number and answer 304 to a matching
``If-None-Match``. The site counts story requests and can hold one of them, so a test can
kill the crawler while that request is in flight.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from pytest_httpserver import HTTPServer
from site_server import SITE, expected, write_config
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
        self._hold: tuple[int, float, threading.Event] | None = None
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

    def hold_request(self, after: int, seconds: float) -> threading.Event:
        """Hold the ``after``-th story request from now for ``seconds``; the event fires then."""
        reached = threading.Event()
        with self._lock:
            self._hold = (self.story_requests + after, seconds, reached)
        return reached

    def _story(self, request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[1].split(".")[0])
        with self._lock:
            self.story_requests += 1
            hold = self._hold if self._hold and self._hold[0] == self.story_requests else None
        if hold is not None:
            hold[2].set()
            time.sleep(hold[1])
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


def thread_config(path: Path, site: StorySite, db: Path, feeds: list[str], **fetch: str) -> Path:
    """A config for the story site's ``feeds`` (by name); see ``tuned_config``."""
    named = [(f"Herald {name}", site.feed_url(name)) for name in feeds]
    return tuned_config(path, site.base, db, named, **fetch)


def tuned_config(
    path: Path, base: str, db: Path, feeds: list[tuple[str, str]], **fetch: str
) -> Path:
    """``write_config`` with the analysis in a thread of the ingest process, batches of 3.

    ``fetch`` replaces ``[fetch]`` keys written by ``write_config`` (values as TOML text).
    """
    write_config(path, base, db, feeds=feeds)
    text = path.read_text(encoding="utf-8").replace('runner = "process"', 'runner = "thread"')
    for key, value in fetch.items():
        text, found = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        assert found == 1, key
    path.write_text(text, encoding="utf-8")
    return path
