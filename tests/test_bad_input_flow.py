"""Bad input in a real flow run: every broken feed and page is recorded with its reason, the
run completes, and the healthy stories of the same run are stored.

One fault-injecting site on 127.0.0.1 serves, beside healthy stories: feeds that are
truncated XML, HTML, an empty 200, undeclared cp1252 and 20 MB; pages that are a PDF, an
image, 50 MB of HTML, deeply nested HTML, a redirect loop, a gzip bomb and a page with no
text; and a second server accepts connections and never answers.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from nethelpers import never_answer, raw_server
from pytest_httpserver import HTTPServer
from site_server import THREAD, write_config
from story_site import story_html
from werkzeug import Response

from newsflow.warehouse.db import connect_published

pytestmark = pytest.mark.slow

MB = 1_000_000
RSS = "application/rss+xml"


def rss(items: list[tuple[str, str]], declaration: str = '<?xml version="1.0"?>') -> str:
    entries = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    return f'{declaration}<rss version="2.0"><channel><title>Desk</title>{entries}</channel></rss>'


def _stream(head: bytes, unit: bytes, total: int, tail: bytes = b"") -> Iterator[bytes]:
    """``total`` bytes made of ``unit`` repeated, produced lazily (no 50 MB in memory)."""
    yield head
    for _ in range(total // len(unit)):
        yield unit
    yield tail


def _gzip_bomb() -> bytes:
    """About 100 MB of HTML-ish zeros, compressed to about 100 KB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(b"<html><body>")]
    parts += [compressor.compress(bytes(MB)) for _ in range(100)]
    return b"".join(parts) + compressor.flush()


def serve_faults(server: HTTPServer, silent: str) -> dict[str, str]:
    """Register the site; return the URL of every feed and page by name."""
    url = server.url_for
    server.no_handler_status_code = 404
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    for n in range(1, 5):
        path = f"/ok/{n}.html"
        server.expect_request(path).respond_with_data(story_html(n, path), content_type="text/html")
    pages = {
        "pdf": "/bad/report.pdf",
        "image": "/bad/photo.jpg",
        "huge_html": "/bad/huge.html",
        "nested": "/bad/nested.html",
        "loop": "/bad/loop-a.html",
        "gzip_bomb": "/bad/bomb.html",
        "no_text": "/bad/empty-shell.html",
    }
    server.expect_request(pages["pdf"]).respond_with_data(
        b"%PDF-1.7\n" + bytes(10_000), content_type="application/pdf"
    )
    server.expect_request(pages["image"]).respond_with_data(
        b"\xff\xd8\xff\xe0" + bytes(10_000), content_type="image/jpeg"
    )
    server.expect_request(pages["huge_html"]).respond_with_response(
        Response(
            _stream(b"<html><body>", b"<p>" + b"word " * 200 + b"</p>\n", 50 * MB),
            content_type="text/html",
        )
    )
    server.expect_request(pages["nested"]).respond_with_data(
        "<html><body>" + "<div>" * 50_000 + "deep" + "</div>" * 50_000 + "</body></html>",
        content_type="text/html",
    )
    server.expect_request("/bad/loop-a.html").respond_with_data(
        "", status=302, headers={"Location": "/bad/loop-b.html"}
    )
    server.expect_request("/bad/loop-b.html").respond_with_data(
        "", status=302, headers={"Location": "/bad/loop-a.html"}
    )
    server.expect_request(pages["gzip_bomb"]).respond_with_data(
        _gzip_bomb(), content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    server.expect_request(pages["no_text"]).respond_with_data(
        "<html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
        content_type="text/html",
    )
    links = {name: url(path) for name, path in pages.items()} | {"silent": f"{silent}/story.html"}
    healthy = rss([("One", url("/ok/1.html"))] + [(name, link) for name, link in links.items()])
    server.expect_request("/feeds/healthy.xml").respond_with_data(healthy, content_type=RSS)

    whole = rss([("Two", url("/ok/2.html")), ("Three", url("/ok/3.html")), ("Four", "x")])
    server.expect_request("/feeds/truncated.xml").respond_with_data(
        whole[: whole.index("<item><title>Four")] + "<item><ti", content_type=RSS
    )
    cp1252 = rss([("“Café” talks – day two", url("/ok/4.html"))], declaration="")
    server.expect_request("/feeds/cp1252.xml").respond_with_data(
        cp1252.encode("cp1252"), content_type="text/xml"
    )
    server.expect_request("/feeds/html.xml").respond_with_data(
        "<!doctype html><html><body><h1>Welcome</h1></body></html>", content_type="text/html"
    )
    server.expect_request("/feeds/empty.xml").respond_with_data("", content_type=RSS)
    item = b"<item><title>Filler</title><link>https://news.example/filler</link></item>\n" * 500
    server.expect_request("/feeds/huge.xml").respond_with_response(
        Response(
            _stream(b'<?xml version="1.0"?><rss version="2.0"><channel>', item, 20 * MB),
            content_type=RSS,
        )
    )
    feeds = ("healthy", "truncated", "cp1252", "html", "empty", "huge")
    return links | {f"feed_{name}": url(f"/feeds/{name}.xml") for name in feeds}


@pytest.fixture(scope="module")
def outcome(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from newsflow.flows.ingest import ingest

    workdir = tmp_path_factory.mktemp("bad-input")
    db = workdir / "news.duckdb"
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        with raw_server(never_answer) as silent:
            urls = serve_faults(server, silent)
            feeds = [(name[5:], link) for name, link in urls.items() if name.startswith("feed_")]
            config = write_config(
                workdir / "feeds.toml",
                db,
                feeds=feeds,
                execution=THREAD,
                fetch={"read_timeout": "1.0", "total_timeout": "3.0"},
            )
            summary = ingest(config_path=str(config))
    finally:
        server.clear()
        server.stop()
    con = connect_published(db)
    yield summary, urls, con, server
    con.close()


def test_the_run_completes_and_stores_every_healthy_story(outcome: Any) -> None:
    summary, urls, con, _ = outcome
    stored = {
        page for (page,) in con.execute("SELECT page_url FROM pages WHERE status = 'ok'").fetchall()
    }
    healthy = {
        urls["feed_healthy"].replace("/feeds/healthy.xml", f"/ok/{n}.html") for n in (1, 2, 3, 4)
    }
    assert stored == healthy
    assert summary.articles_stored == 4
    [(status, error)] = con.execute(
        "SELECT status, error FROM runs WHERE run_id = ?", [summary.run_id]
    ).fetchall()
    assert (status, error) == ("completed", None)


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("pdf", "not html: application/pdf"),
        ("image", "not html: image/jpeg"),
        ("huge_html", "too large: > 5000000 bytes"),
        ("nested", "page nested too deeply to parse"),
        ("loop", "redirect loop"),
        ("gzip_bomb", "too large: > 5000000 bytes"),
        ("no_text", "no extractable text"),
        ("silent", "timeout"),
    ],
)
def test_each_bad_page_is_recorded_with_its_reason(outcome: Any, page: str, reason: str) -> None:
    _, urls, con, _ = outcome
    row = con.execute(
        "SELECT status, last_error, attempts FROM pages WHERE page_url = ?", [urls[page]]
    ).fetchone()
    assert row == ("failed", reason, 1)


@pytest.mark.parametrize(
    ("feed", "status", "reason"),
    [
        ("truncated", "ok", "SAXParseException"),  # its readable items were kept
        ("html", "failed", "not a feed: got an HTML page (text/html)"),
        ("empty", "failed", "empty response body"),
        ("huge", "failed", "too large: > 10000000 bytes"),
        ("cp1252", "ok", "parsed as windows-1252"),  # noted, items kept
        ("healthy", "ok", None),
    ],
)
def test_each_feed_poll_is_recorded_with_its_reason(
    outcome: Any, feed: str, status: str, reason: str | None
) -> None:
    summary, urls, con, _ = outcome
    row = con.execute(
        "SELECT status, error FROM feed_fetches WHERE feed_url = ? AND run_id = ?",
        [urls[f"feed_{feed}"], summary.run_id],
    ).fetchone()
    assert row is not None and row[0] == status
    if reason is None:
        assert row[1] is None
    else:
        assert row[1] is not None and reason in row[1]


def test_undeclared_cp1252_feed_titles_are_read_correctly(outcome: Any) -> None:
    _, urls, con, _ = outcome
    [(title,)] = con.execute(
        "SELECT title FROM feed_items WHERE feed_url = ?", [urls["feed_cp1252"]]
    ).fetchall()
    assert title == "“Café” talks – day two"


def test_only_the_timeout_will_be_retried(outcome: Any) -> None:
    _, urls, con, _ = outcome
    retried = con.execute(
        "SELECT page_url FROM pages WHERE retryable AND next_attempt_at IS NOT NULL"
    ).fetchall()
    assert retried == [(urls["silent"],)]
