"""`newsflow discover`: a site's feeds and sitemaps, found on a real server on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_inprocess import newsflow
from nethelpers import fast_settings, threaded_server
from pytest_httpserver import HTTPServer
from site_server import write_config

from newsflow.config.settings import load_settings
from newsflow.tasks.fetch.discover import as_toml, discover

NEWSFLOW = str(Path(sys.executable).parent / "newsflow")
RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>World</title>'
    "<item><title>T</title><link>https://news.example/a</link></item></channel></rss>"
)
ATOM = (
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Politics</title>'
    '<entry><title>P</title><link href="https://news.example/p"/><id>p</id></entry></feed>'
)
NEWS_SITEMAP = (
    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
    "<loc>https://news.example/n</loc><news:news><news:publication_date>2025-11-22"
    "</news:publication_date><news:title>N</news:title></news:news></url></urlset>"
)
INDEX = (
    '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<sitemap><loc>https://news.example/s1.xml</loc></sitemap></sitemapindex>"
)


@pytest.fixture(scope="module")
def site() -> Iterator[HTTPServer]:
    with threaded_server() as server:
        server.expect_request("/").respond_with_data(
            "<html><head><title>News</title>"
            '<link rel="alternate" type="application/rss+xml" title="World" href="/world.rss">'
            '<link rel="alternate" type="application/atom+xml" href="politics.atom">'
            '<link rel="stylesheet" href="/site.css"></head><body>Hi</body></html>',
            content_type="text/html",
        )
        server.expect_request("/world.rss").respond_with_data(
            RSS, content_type="application/rss+xml"
        )
        server.expect_request("/politics.atom").respond_with_data(
            ATOM, content_type="application/atom+xml"
        )
        server.expect_request("/robots.txt").respond_with_data(
            f"User-agent: *\nDisallow: /private\nSitemap: {server.url_for('/news-map.xml')}\n"
        )
        server.expect_request("/news-map.xml").respond_with_data(
            NEWS_SITEMAP, content_type="application/xml"
        )
        server.expect_request("/sitemap.xml").respond_with_data(
            INDEX, content_type="application/xml"
        )
        # /feed redirects to the RSS feed: the same source, listed once.
        server.expect_request("/feed").respond_with_data(
            "", status=301, headers={"Location": server.url_for("/world.rss")}
        )
        server.expect_request("/rss").respond_with_data(
            "<html><body>Not a feed</body></html>", content_type="text/html"
        )
        yield server


def test_feeds_and_sitemaps_are_found_with_their_kind(site: HTTPServer) -> None:
    found, _ = discover(site.url_for("/"), fast_settings(respect_robots_txt=True))
    kinds = {source.url.rsplit("/", 1)[-1]: source.kind for source in found}
    assert kinds == {
        "world.rss": "feed",
        "politics.atom": "feed",
        "news-map.xml": "news_sitemap",
        "sitemap.xml": "sitemap_index",
    }
    by_url = {source.url.rsplit("/", 1)[-1]: source for source in found}
    assert by_url["world.rss"].name.endswith(": World")
    assert by_url["news-map.xml"].via == "robots.txt Sitemap:"
    assert "[[feeds]]" in as_toml(found)


def test_discover_add_appends_new_sources_once_and_keeps_the_config_valid(
    site: HTTPServer, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "feeds.toml",
        tmp_path / "news.duckdb",
        feeds=[("World", site.url_for("/world.rss"))],
    )
    # The first run is the real executable; the others run the command in this process.
    run = subprocess.run(
        [NEWSFLOW, "discover", site.url_for("/"), "--add", "--config", str(config)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "added 3 sources (1 already there)" in run.stdout
    urls = [feed.url for feed in load_settings(config).feeds]
    assert len(urls) == 4 and len(set(urls)) == 4
    again = newsflow("discover", site.url_for("/"), "--add", "--config", str(config))
    assert again.returncode == 0, again.stderr
    assert "already configured" in again.stdout
    assert len(load_settings(config).feeds) == 4


def test_discover_on_a_site_without_sources_says_so(tmp_path: Path) -> None:
    with threaded_server() as server:
        server.expect_request("/").respond_with_data(
            "<html><body>plain</body></html>", content_type="text/html"
        )
        config = write_config(tmp_path / "feeds.toml", tmp_path / "n.duckdb", feeds=[])
        run = newsflow("discover", server.url_for("/"), "--config", str(config))
    assert run.returncode == 2
    assert "no feed or sitemap found" in run.stderr
