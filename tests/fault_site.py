"""A news site whose feeds and pages carry the faults of issue #11, beside healthy stories.

Used by tests/test_robust_flow.py and bench/faults.py. Healthy stories are fixture pages
(``story_html``) at ``/story/N.html``; every fault is one feed or one page:

* a page whose JSON-LD ``headline`` (and ``<title>``) hold a lone surrogate, NUL and ESC;
* a feed item titled ``x &#xD800;`` beside healthy items of the same feed;
* a feed item with a 9.5 MB title;
* a feed listing ``flood`` items (all on one host) beside the healthy feed;
* pages declaring ``utf-7`` and ``rot13`` as their charset;
* a page whose ``rel=canonical`` points at the same IP on another port.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from pytest_httpserver import HTTPServer
from story_site import story_html
from werkzeug import Request, Response

RSS = "application/rss+xml"
HEALTHY = range(1, 7)  # story numbers the healthy feed lists
BAD_ITEM_STORIES = (7, 8)  # healthy stories listed by the feed with the bad item
HUGE_TITLE_STORY = 9
HUGE_TITLE_CHARS = 9_500_000
_TITLE = re.compile(rb"<title>[^<]*</title>")


def rss(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Desk</title>'
        f"{entries}</channel></rss>"
    ).encode()


def _with_jsonld(page: bytes, headline: str) -> bytes:
    """``page`` with a JSON-LD NewsArticle whose headline is ``headline`` (JSON-escaped as
    written, so lone surrogates arrive as ``\\ud800``) and the same text as its <title>."""
    block = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        + json.dumps(headline)
        + "}</script></head>"
    ).encode()
    title = "<title>" + headline.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    page = _TITLE.sub((title + "</title>").encode(), page, count=1)
    return page.replace(b"</head>", block, 1)


@dataclass
class FaultSite:
    """The fault site on ``server``; URLs by name, and the stories that must be stored."""

    server: HTTPServer
    flood: int = 2_000
    urls: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        server, base = self.server, self.server.url_for("").rstrip("/")
        self.base = base
        server.no_handler_status_code = 404
        server.expect_request("/robots.txt").respond_with_data("", status=404)
        server.expect_request(re.compile(r"^/story/\d+\.html$")).respond_with_handler(self._story)
        server.expect_request(re.compile(r"^/flood/\d+\.html$")).respond_with_handler(
            self._flood_page
        )
        pages = {
            "surrogate": "/bad/surrogate.html",
            "utf7": "/bad/utf7.html",
            "rot13": "/bad/rot13.html",
            "other_port": "/bad/other-port.html",
        }
        surrogate = _with_jsonld(story_html(2, pages["surrogate"]), "Head \ud800 line \x00\x1b[2J")
        server.expect_request(pages["surrogate"]).respond_with_data(
            surrogate, content_type="text/html; charset=utf-8"
        )
        utf7 = story_html(3, pages["utf7"]).replace(b"<head>", b"<head><meta charset=utf-7>", 1)
        marker = b"<p>+ADw-b+AD4-plus+ADw-/b+AD4- "
        utf7 = utf7.replace(
            b'<div class="story-body">\n    <p>', b'<div class="story-body">' + marker, 1
        )
        server.expect_request(pages["utf7"]).respond_with_data(utf7, content_type="text/html")
        rot13 = story_html(4, pages["rot13"]).replace(b"<head>", b"<head><meta charset=rot13>", 1)
        server.expect_request(pages["rot13"]).respond_with_data(rot13, content_type="text/html")
        port = int(base.rsplit(":", 1)[1])
        other = story_html(5, pages["other_port"]).replace(
            b'<link rel="canonical" href="/bad/other-port.html">',
            f'<link rel="canonical" href="http://127.0.0.1:{port + 1}/x.html">'.encode(),
        )
        server.expect_request(pages["other_port"]).respond_with_data(
            other, content_type="text/html"
        )
        self.urls = {name: base + path for name, path in pages.items()}

        healthy = [(f"Story {n}", self.story_url(n)) for n in HEALTHY]
        healthy += [(name, url) for name, url in self.urls.items()]
        self._feed("healthy", rss(healthy))
        bad_item = [("x &#xD800; \x1b[31mred", self.story_url(BAD_ITEM_STORIES[0]))]
        bad_item += [("fine", self.story_url(BAD_ITEM_STORIES[1]))]
        self._feed("bad_item", rss(bad_item))
        huge = [("H" * HUGE_TITLE_CHARS, self.story_url(HUGE_TITLE_STORY))]
        self._feed("huge_title", rss(huge))
        self._feed("flood", rss([(f"F{k}", f"{base}/flood/{k}.html") for k in range(self.flood)]))

    def _feed(self, name: str, body: bytes) -> None:
        path = f"/feeds/{name}.xml"
        self.server.expect_request(path).respond_with_data(body, content_type=RSS)
        self.urls[f"feed_{name}"] = self.base + path

    def feeds(self) -> list[tuple[str, str]]:
        return [(name[5:], url) for name, url in self.urls.items() if name.startswith("feed_")]

    def story_url(self, number: int) -> str:
        return f"{self.base}/story/{number}.html"

    def must_store(self) -> list[str]:
        """Healthy stories every run must store whatever else the site does."""
        numbers = [*HEALTHY, *BAD_ITEM_STORIES, HUGE_TITLE_STORY]
        return [self.story_url(n) for n in numbers]

    @staticmethod
    def _story(request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[1].split(".")[0])
        return Response(story_html(number, request.path), content_type="text/html")

    @staticmethod
    def _flood_page(request: Request) -> Response:
        return Response(b"<html><body><p>tiny</p></body></html>", content_type="text/html")
