"""`newsflow backfill`: a date window of a site's sitemaps, loaded newest first, resumable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from cli_inprocess import Ran, newsflow
from nethelpers import threaded_server
from pytest_httpserver import HTTPServer
from site_server import serve_site, write_config
from werkzeug import Request, Response

from newsflow.tasks.fetch.backfill import child_can_hold, in_window, url_period
from newsflow.tasks.load import backfill as state
from newsflow.tasks.records import FeedItem, SitemapChild
from newsflow.warehouse.db import connect_published, open_ingest

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
NOV, DEC = datetime(2025, 11, 1), datetime(2025, 12, 1)


def test_periods_named_by_sitemap_urls() -> None:
    assert url_period("https://x.example/sitemap-2025-11-22.xml") == (
        datetime(2025, 11, 22),
        datetime(2025, 11, 23),
    )
    assert url_period("https://x.example/2025/12/sitemap.xml") == (
        datetime(2025, 12, 1),
        datetime(2026, 1, 1),
    )
    assert url_period("https://x.example/posts-2024.xml") == (
        datetime(2024, 1, 1),
        datetime(2025, 1, 1),
    )
    assert url_period("https://x.example/sitemap-video.xml") is None


def test_children_that_cannot_hold_the_window_are_left_out() -> None:
    def child(url: str, lastmod: str | None = None) -> SitemapChild:
        return SitemapChild(url=url, lastmod=lastmod)

    assert child_can_hold(child("https://x.example/a.xml", "2025-11-03"), NOV, DEC)
    assert not child_can_hold(child("https://x.example/a.xml", "2025-10-31T23:00:00Z"), NOV, DEC)
    assert not child_can_hold(child("https://x.example/sitemap-2025-10.xml"), NOV, DEC)
    assert child_can_hold(child("https://x.example/sitemap-2025-11-30.xml"), NOV, DEC)
    assert child_can_hold(child("https://x.example/sitemap-articles.xml"), NOV, DEC)


def test_stories_are_kept_by_their_date_or_their_sitemap_period() -> None:
    def item(published: datetime | None = None, lastmod: datetime | None = None) -> FeedItem:
        return FeedItem(
            feed_url="s",
            url="https://x.example/a",
            link="l",
            published_at=published,
            lastmod=lastmod,
        )

    assert in_window(item(datetime(2025, 11, 2)), NOV, DEC, "https://x.example/s.xml")
    assert not in_window(item(datetime(2025, 12, 1)), NOV, DEC, "https://x.example/s.xml")
    assert in_window(item(lastmod=datetime(2025, 11, 5)), NOV, DEC, "https://x.example/s.xml")
    assert in_window(item(), NOV, DEC, "https://x.example/sitemap-2025-11-05.xml")
    assert not in_window(item(), NOV, DEC, "https://x.example/sitemap.xml")


def test_queued_stories_come_back_newest_first_and_once(tmp_path: Path) -> None:
    def item(n: int, day: int) -> FeedItem:
        return FeedItem(
            feed_url="s",
            url=f"https://x.example/{n}",
            link="l",
            published_at=datetime(2025, 11, day),
        )

    with open_ingest(tmp_path / "news.duckdb") as con:
        state.begin(con, "https://x.example/s.xml", NOV, DEC, "r1")
        new = state.queue_child(
            con, "https://x.example/s.xml", (NOV, DEC), "c1", [item(1, 3), item(2, 20), item(3, 9)]
        )
        again = state.queue_child(con, "https://x.example/s.xml", (NOV, DEC), "c1", [item(2, 20)])
        todo = state.pages_in_window(con, "https://x.example/s.xml", NOV, DEC, max_attempts=3)
        assert state.begin(con, "https://x.example/s.xml", NOV, DEC, "r2") == {"c1"}
    assert (new, again) == (3, 0)
    assert todo == ["https://x.example/2", "https://x.example/3", "https://x.example/1"]


def _urlset(base: str, *entries: tuple[str, str, bool]) -> str:
    body = ""
    for path, date, news in entries:
        if news:
            body += (
                f"<url><loc>{base}/{path}</loc><news:news><news:publication_date>{date}"
                f"</news:publication_date><news:title>T</news:title></news:news></url>"
            )
        else:
            body += f"<url><loc>{base}/{path}</loc><lastmod>{date}</lastmod></url>"
    return f'<?xml version="1.0"?><urlset {NS} {NEWS}>{body}</urlset>'


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[HTTPServer, dict[str, bool]]]:
    switches = {"may_down": True}
    with threaded_server() as server:
        base = serve_site(server)
        children = [
            ("posts-2025-11.xml", "2025-11-23"),
            ("posts-2025-06.xml", "2025-06-04"),
            ("posts-2025-05.xml", "2025-05-21"),
            ("posts-2025-03.xml", "2025-03-12"),
            ("posts-2025-02.xml", None),
        ]
        index = "".join(
            f"<sitemap><loc>{base}/sitemaps/{name}</loc>"
            + (f"<lastmod>{mod}</lastmod>" if mod else "")
            + "</sitemap>"
            for name, mod in children
        )
        server.expect_request("/sitemap.xml").respond_with_data(
            f'<?xml version="1.0"?><sitemapindex {NS}>{index}</sitemapindex>',
            content_type="application/xml",
        )
        xml = "application/xml"
        server.expect_request("/sitemaps/posts-2025-11.xml").respond_with_data(
            _urlset(
                base,
                ("climate/2025/11/22/methane-pledge-summit.html", "2025-11-22T20:40:00Z", True),
            ),
            content_type=xml,
        )
        server.expect_request("/sitemaps/posts-2025-06.xml").respond_with_data(
            _urlset(
                base,
                ("politics/2025/06/03/dutch-coalition-talks-collapse.html", "2025-06-03", False),
                ("business/ecb-rates-decision-live.html", "2025-04-17", False),
            ),
            content_type=xml,
        )

        def may(request: Request) -> Response:
            if switches["may_down"]:
                return Response("busy", status=503)
            body = _urlset(
                base, ("world/2025/05/20/eu-japan-digital-trade-pact.html", "2025-05-20", False)
            )
            return Response(body, content_type=xml)

        server.expect_request("/sitemaps/posts-2025-05.xml").respond_with_handler(may)
        for name in ("posts-2025-03.xml", "posts-2025-02.xml"):
            server.expect_request(f"/sitemaps/{name}").respond_with_data(
                _urlset(
                    base,
                    ("world/2025/03/11/black-sea-grain-talks-geneva.html", "2025-03-11", False),
                ),
                content_type=xml,
            )
        yield server, switches


def _backfill(config: Path, *args: str) -> Ran:
    """`newsflow backfill` in this process (the real executable: test_resume_kill)."""
    return newsflow("backfill", "--config", str(config), *args)


@pytest.mark.slow
def test_backfill_loads_the_window_and_resumes_what_failed(
    prefect_harness: None, site: tuple[HTTPServer, dict[str, bool]], tmp_path: Path
) -> None:
    server, switches = site
    db = tmp_path / "news.duckdb"
    config = write_config(tmp_path / "feeds.toml", db, feeds=[])
    source = server.url_for("/sitemap.xml")
    args = (source, "--since", "2025-05-01", "--until", "2025-12-01")

    server.log.clear()
    first = _backfill(config, *args)
    assert first.returncode == 0, first.stderr
    assert "posts-2025-05.xml: http 503" in first.stderr
    paths = [request.path for request, _ in server.log]
    assert "/sitemaps/posts-2025-03.xml" not in paths  # modified before the window
    assert "/sitemaps/posts-2025-02.xml" not in paths  # its URL names February
    assert "/business/ecb-rates-decision-live.html" not in paths  # dated April
    with connect_published(db) as con:
        titles = {row[0] for row in con.execute("SELECT url FROM articles").fetchall()}
        assert titles == {
            f"{server.url_for('/').rstrip('/')}/climate/2025/11/22/methane-pledge-summit.html",
            f"{server.url_for('/').rstrip('/')}/politics/2025/06/03/dutch-coalition-talks-collapse.html",
        }
        assert con.execute(
            "SELECT status, children_total, children_done FROM backfills"
        ).fetchone() == (
            "failed",
            3,
            2,
        )
        assert con.execute("SELECT DISTINCT source_kind FROM feed_items").fetchall() == [
            ("backfill",)
        ]
        assert con.execute("SELECT status, new_items, articles_stored FROM runs").fetchall() == [
            ("completed", 2, 2)
        ]

    switches["may_down"] = False
    server.log.clear()
    second = _backfill(config, *args)
    assert second.returncode == 0, second.stderr
    sitemap_requests = [r.path for r, _ in server.log if r.path.startswith("/sitemap")]
    assert sitemap_requests == ["/sitemap.xml", "/sitemaps/posts-2025-05.xml"]
    assert "articles stored: 1" in second.stdout
    with connect_published(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (3,)
        assert con.execute("SELECT status, children_done FROM backfills").fetchone() == (
            "completed",
            3,
        )
