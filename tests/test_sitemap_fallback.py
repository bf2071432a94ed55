"""A feed's sitemap fallback ([[feeds]] sitemap): an empty or failing feed takes its stories
from the site's sitemap, against a real HTTP server and a real warehouse."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from nethelpers import fast_settings, raw_server, threaded_server
from pytest_httpserver import HTTPServer
from site_server import THREAD, serve_site

from newsflow.clock import utcnow
from newsflow.config.settings import ConfigError, FeedSettings, load_settings
from newsflow.tasks.fetch.feeds import poll_feeds
from newsflow.tasks.records import FeedState
from newsflow.warehouse.db import connect_published

XML = "application/xml"
RSS = "application/rss+xml"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
EMPTY_RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title></channel></rss>'


def iso(hours_ago: float) -> str:
    return (utcnow() - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def news_sitemap(*entries: tuple[str, str]) -> str:
    body = "".join(
        f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Desk</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{date}</news:publication_date><news:title>T</news:title>"
        f"</news:news></url>"
        for loc, date in entries
    )
    return f'<?xml version="1.0"?><urlset {NS} {NEWS_NS}>{body}</urlset>'


def rss(*links: str) -> str:
    items = "".join(f"<item><title>T</title><link>{link}</link></item>" for link in links)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>D</title>{items}</channel></rss>'
    )


def requested(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def feed(server: HTTPServer, path: str, **options: object) -> FeedSettings:
    server.no_handler_status_code = 404  # like a real site
    return FeedSettings(name=path, url=server.url_for(path), **options)  # type: ignore[arg-type]


def test_empty_feed_takes_the_recent_stories_of_the_news_sitemap_robots_txt_names(
    server: HTTPServer,
) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        f"User-agent: *\nAllow: /\nSitemap: {server.url_for('/sitemaps/news.xml')}\n"
    )
    server.expect_request("/rss.xml").respond_with_data(EMPTY_RSS, content_type=RSS)
    server.expect_request("/sitemaps/news.xml").respond_with_data(
        news_sitemap(
            ("https://news.example/fresh", iso(3)), ("https://news.example/old", iso(24 * 30))
        ),
        content_type=XML,
    )
    [poll] = poll_feeds([feed(server, "/rss.xml")], {}, fast_settings())
    assert poll.status == "ok"
    assert poll.fallback_url == server.url_for("/sitemaps/news.xml")
    assert [(item.url, item.source_kind) for item in poll.items] == [
        ("https://news.example/fresh", "sitemap_fallback")
    ]
    assert poll.items[0].feed_url == server.url_for("/rss.xml")
    assert poll.content_hash is None and poll.etag is None  # read again next time, no 304


def test_a_feed_with_stories_never_looks_for_a_sitemap(server: HTTPServer) -> None:
    server.expect_request("/rss.xml").respond_with_data(
        rss("https://news.example/a"), content_type=RSS
    )
    [poll] = poll_feeds([feed(server, "/rss.xml")], {}, fast_settings())
    assert [item.source_kind for item in poll.items] == ["feed"]
    assert poll.fallback_url is None
    assert requested(server) == ["/rss.xml"]


def test_auto_prefers_a_news_sitemap_and_remembers_it(server: HTTPServer) -> None:
    server.expect_request("/rss.xml").respond_with_data(EMPTY_RSS, content_type=RSS)
    server.expect_request("/sitemap.xml").respond_with_data(
        f'<?xml version="1.0"?><urlset {NS}><url><loc>https://news.example/page</loc>'
        f"<lastmod>{iso(1)}</lastmod></url></urlset>",
        content_type=XML,
    )
    server.expect_request("/news-sitemap.xml").respond_with_data(
        news_sitemap(("https://news.example/story", iso(2))), content_type=XML
    )
    settings = fast_settings()
    [poll] = poll_feeds([feed(server, "/rss.xml")], {}, settings)
    assert poll.fallback_url == server.url_for("/news-sitemap.xml")
    assert [item.url for item in poll.items] == ["https://news.example/story"]

    server.clear_log()
    state = FeedState(url=server.url_for("/rss.xml"), fallback_sitemap=poll.fallback_url)
    [again] = poll_feeds([feed(server, "/rss.xml")], {state.url: state}, settings)
    assert [item.url for item in again.items] == ["https://news.example/story"]
    assert requested(server) == ["/rss.xml", "/news-sitemap.xml"]  # no discovery again


def test_a_failing_feed_falls_back_from_its_second_failure_in_a_row(server: HTTPServer) -> None:
    server.expect_request("/rss.xml").respond_with_data("down", status=500)
    server.expect_request("/news.xml").respond_with_data(
        news_sitemap(("https://news.example/story", iso(1))), content_type=XML
    )
    source = feed(server, "/rss.xml", sitemap=server.url_for("/news.xml"))
    settings = fast_settings(max_attempts=1)
    [first] = poll_feeds([source], {}, settings)
    assert first.status == "failed" and first.items == [] and first.fallback_url is None
    state = FeedState(url=source.url, failure_streak=1)
    [second] = poll_feeds([source], {source.url: state}, settings)
    assert second.status == "failed"  # the feed itself is still down, and says so
    assert [item.source_kind for item in second.items] == ["sitemap_fallback"]
    assert second.fallback_url == server.url_for("/news.xml")


def test_no_fallback_when_switched_off_and_a_clear_note_when_none_is_found(
    server: HTTPServer,
) -> None:
    server.expect_request("/rss.xml").respond_with_data(EMPTY_RSS, content_type=RSS)
    [poll] = poll_feeds([feed(server, "/rss.xml", sitemap=False)], {}, fast_settings())
    assert poll.status == "ok" and poll.items == [] and poll.error is None
    assert requested(server) == ["/rss.xml"]

    [poll] = poll_feeds([feed(server, "/rss.xml")], {}, fast_settings())
    assert poll.status == "ok" and poll.items == []
    assert poll.error == "sitemap fallback: no sitemap found"


@pytest.mark.parametrize(
    ("value", "accepted"),
    [('"auto"', True), ("false", True), ('"https://news.example/news.xml"', True),
     ("true", False), ('"news.xml"', False), ("3", False)],
)  # fmt: skip
def test_sitemap_setting_is_validated_with_a_one_line_error(
    tmp_path: Path, value: str, accepted: bool
) -> None:
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[[feeds]]\nname = "Desk"\nurl = "https://news.example/rss"\nsitemap = {value}\n',
        encoding="utf-8",
    )
    if accepted:
        load_settings(config)
        return
    with pytest.raises(ConfigError) as error:
        load_settings(config)
    assert "feeds[1].sitemap" in str(error.value) and "\n" not in str(error.value)


@pytest.fixture
def fallback_site() -> Iterator[tuple[HTTPServer, str]]:
    with threaded_server() as server:
        base = server.url_for("").rstrip("/")
        server.expect_request("/robots.txt").respond_with_data(
            f"User-agent: *\nAllow: /\nSitemap: {base}/news-sitemap.xml\n"
        )
        server.expect_request("/feeds/empty.xml").respond_with_data(EMPTY_RSS, content_type=RSS)
        recent = [
            "/climate/2025/11/22/methane-pledge-summit.html",
            "/politics/2025/06/03/dutch-coalition-talks-collapse.html",
        ]
        listed = [(base + path, iso(hours)) for hours, path in enumerate(recent, start=1)]
        listed.append((base + "/world/2025/03/11/black-sea-grain-talks-geneva.html", iso(24 * 9)))
        server.expect_request("/news-sitemap.xml").respond_with_data(
            news_sitemap(*listed), content_type=XML
        )
        serve_site(server)
        yield server, base


@pytest.mark.slow
def test_empty_feed_ingests_the_sitemap_stories_once_and_a_full_feed_ignores_it(
    prefect_harness: None, fallback_site: tuple[HTTPServer, str], tmp_path: Path
) -> None:
    from site_server import write_config

    from newsflow.flows.ingest import ingest

    server, base = fallback_site
    db = tmp_path / "news.duckdb"
    empty, world = base + "/feeds/empty.xml", base + "/feeds/world.xml"
    config = write_config(
        tmp_path / "feeds.toml", db, feeds=[("Empty", empty), ("World", world)], execution=THREAD
    )
    first = ingest(config_path=str(config), db_path=str(db), poll_all=True)
    assert requested(server).count("/news-sitemap.xml") == 1  # only the empty feed fell back
    second = ingest(config_path=str(config), db_path=str(db), poll_all=True)
    assert requested(server).count("/news-sitemap.xml") == 2
    assert second.new_items == 0 and second.articles_stored == 0
    with connect_published(db) as con:
        fallen_back = con.execute(
            "SELECT page_url FROM feed_items WHERE feed_url = ? AND source_kind = "
            "'sitemap_fallback' ORDER BY page_url",
            [empty],
        ).fetchall()
        assert fallen_back == [
            (base + "/climate/2025/11/22/methane-pledge-summit.html",),
            (base + "/politics/2025/06/03/dutch-coalition-talks-collapse.html",),
        ]  # the story dated nine days ago is no fallback's business
        assert con.execute(
            "SELECT count(*) FROM feed_items WHERE feed_url = ? AND source_kind <> 'feed'",
            [world],
        ).fetchone() == (0,)
        assert con.execute(
            "SELECT feed_url, count(*), count(fallback_url) FROM feed_fetches "
            "GROUP BY feed_url ORDER BY feed_url"
        ).fetchall() == [(empty, 2, 2), (world, 2, 0)]
        assert con.execute("SELECT fallback_sitemap_url FROM feeds WHERE feed_url = ?", [empty]
        ).fetchone() == (base + "/news-sitemap.xml",)  # fmt: skip
        stored = {
            row[0]
            for row in con.execute("SELECT page_url FROM pages WHERE status = 'ok'").fetchall()
        }
        assert {url for (url,) in fallen_back} <= stored
        total, distinct = con.execute(
            "SELECT count(*), count(DISTINCT url) FROM articles"
        ).fetchone()
        assert total == distinct == first.articles_stored


def test_a_host_that_does_not_answer_is_not_probed_for_sitemaps() -> None:
    asked: list[bytes] = []

    def silent(conn: socket.socket, stop: threading.Event) -> None:
        asked.append(conn.recv(65536).split(b"\r\n", 1)[0])
        stop.wait(30)

    with raw_server(silent) as base:
        dead = FeedSettings(name="Dead", url=f"{base}/rss.xml")
        state = FeedState(url=dead.url, failure_streak=3)
        [poll] = poll_feeds([dead], {dead.url: state}, fast_settings(max_attempts=1))
    assert poll.status == "failed" and poll.http_status is None
    assert poll.items == [] and poll.fallback_url is None
    assert "sitemap fallback: no sitemap found" in (poll.error or "")
    assert all(line.startswith(b"GET /rss.xml ") for line in asked)  # no robots.txt, no probe
