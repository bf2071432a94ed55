"""Sitemaps as feed sources, against a real HTTP server on 127.0.0.1 and a real warehouse."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from nethelpers import fast_settings, threaded_server
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsflow.config.settings import FeedSettings
from newsflow.tasks.fetch.feeds import poll_feeds
from newsflow.tasks.fetch.sitemaps import document_kind, parse_sitemap
from newsflow.tasks.load import poll_records as load
from newsflow.tasks.load import sources
from newsflow.tasks.records import FeedState
from newsflow.warehouse.db import open_ingest

XML = "application/xml"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def urlset(*entries: str, news: bool = False) -> str:
    extra = f" {NEWS_NS}" if news else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}{extra}>{"".join(entries)}</urlset>'


def url(loc: str, lastmod: str | None = None) -> str:
    mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return f"<url><loc>{loc}</loc>{mod}</url>"


def news_url(loc: str, date: str, title: str, keywords: str = "", language: str = "en") -> str:
    return (
        f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Desk</news:name>"
        f"<news:language>{language}</news:language></news:publication>"
        f"<news:publication_date>{date}</news:publication_date>"
        f"<news:title>{title}</news:title><news:keywords>{keywords}</news:keywords>"
        f"</news:news></url>"
    )


def index(*children: tuple[str, str | None]) -> str:
    body = "".join(
        f"<sitemap><loc>{loc}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</sitemap>"
        for loc, mod in children
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{body}</sitemapindex>'


@pytest.fixture(scope="module")
def _server() -> Iterator[HTTPServer]:
    with threaded_server() as server:
        yield server


@pytest.fixture
def server(_server: HTTPServer) -> HTTPServer:
    _server.clear()
    return _server


def source(server: HTTPServer, path: str) -> FeedSettings:
    return FeedSettings(name=path.strip("/"), url=server.url_for(path))


def requested(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def test_news_sitemap_keeps_publication_date_title_keywords_and_language(
    server: HTTPServer,
) -> None:
    server.expect_request("/news.xml").respond_with_data(
        urlset(
            news_url(
                "https://news.example/a?utm_source=x",
                "2025-11-20T10:00:00+02:00",
                "Rates held",
                "economy, ecb",
                "de",
            ),
            news_url("https://news.example/b", "2025-11-21", "Summit opens"),
            news=True,
        ),
        content_type=XML,
    )
    [poll] = poll_feeds([source(server, "/news.xml")], {}, fast_settings())
    assert poll.status == "ok", poll.error
    assert poll.kind == "news_sitemap"
    by_url = {item.url: item for item in poll.items}
    first = by_url["https://news.example/a"]  # tracking parameter stripped
    assert first.published_at == datetime(2025, 11, 20, 8, 0)  # naive UTC
    assert (first.title, first.keywords, first.language) == ("Rates held", "economy, ecb", "de")
    assert first.source_kind == "news_sitemap"
    assert by_url["https://news.example/b"].published_at == datetime(2025, 11, 21)
    assert [item.url for item in poll.items][0] == "https://news.example/b"  # newest first


def test_kind_is_read_from_the_content_not_the_url() -> None:
    assert document_kind(index(("https://x.example/a.xml", None)).encode()) == "sitemap_index"
    assert document_kind(urlset(url("https://x.example/a")).encode()) == "sitemap"
    assert document_kind(gzip.compress(urlset(url("https://x.example/a")).encode())) == "sitemap"
    rss = b'<?xml version="1.0"?><!-- urlset --><rss version="2.0"><channel/></rss>'
    assert document_kind(rss) is None


def test_index_reads_plain_and_gzip_children_then_skips_unchanged_ones(
    server: HTTPServer,
) -> None:
    server.expect_request("/index.xml").respond_with_data(
        index(
            (server.url_for("/a.xml"), "2025-11-20"),
            (server.url_for("/b.xml.gz"), "2025-11-21T08:00:00Z"),
        ),
        content_type=XML,
    )
    server.expect_request("/a.xml").respond_with_data(
        urlset(url("https://news.example/old", "2025-11-19")), content_type=XML
    )
    server.expect_request("/b.xml.gz").respond_with_data(
        gzip.compress(urlset(url("https://news.example/new", "2025-11-21")).encode()),
        content_type="application/gzip",
    )
    settings = fast_settings()
    [poll] = poll_feeds([source(server, "/index.xml")], {}, settings)
    assert poll.status == "ok", poll.error
    assert poll.kind == "sitemap_index"
    assert [item.url for item in poll.items] == [
        "https://news.example/new",
        "https://news.example/old",
    ]
    assert all(item.source_kind == "sitemap" for item in poll.items)
    assert {child.status for child in poll.children} == {"read"}

    # Next poll: the index changed (b has a new lastmod), a did not: only b is fetched.
    server.clear()
    server.expect_request("/index.xml").respond_with_data(
        index(
            (server.url_for("/a.xml"), "2025-11-20"),
            (server.url_for("/b.xml.gz"), "2025-11-22T08:00:00Z"),
        ),
        content_type=XML,
    )
    server.expect_request("/b.xml.gz").respond_with_data(
        gzip.compress(urlset(url("https://news.example/newer", "2025-11-22")).encode()),
        content_type="application/gzip",
    )
    state = FeedState(
        url=poll.feed_url,
        sitemap_children={child.url: child.lastmod for child in poll.children if child.lastmod},
    )
    [second] = poll_feeds([source(server, "/index.xml")], {poll.feed_url: state}, settings)
    assert second.status == "ok", second.error
    assert requested(server) == ["/index.xml", "/b.xml.gz"]
    assert [item.url for item in second.items] == ["https://news.example/newer"]
    assert {c.url.rsplit("/", 1)[-1]: c.status for c in second.children} == {
        "a.xml": "unchanged",
        "b.xml.gz": "read",
    }


def test_sitemap_loop_is_cut_and_reported(server: HTTPServer) -> None:
    server.expect_request("/loop.xml").respond_with_data(
        index((server.url_for("/loop.xml"), None), (server.url_for("/inner.xml"), None)),
        content_type=XML,
    )
    server.expect_request("/inner.xml").respond_with_data(  # an index listing its parent
        index((server.url_for("/loop.xml"), None), (server.url_for("/leaf.xml"), None)),
        content_type=XML,
    )
    server.expect_request("/leaf.xml").respond_with_data(
        urlset(url("https://news.example/leaf")), content_type=XML
    )
    [poll] = poll_feeds([source(server, "/loop.xml")], {}, fast_settings())
    assert poll.status == "ok"
    assert [item.url for item in poll.items] == ["https://news.example/leaf"]
    assert "sitemap loop" in (poll.error or "")
    assert requested(server).count("/loop.xml") == 1


def test_50000_url_sitemap_keeps_the_newest_up_to_the_cap(server: HTTPServer) -> None:
    start = datetime(2025, 1, 1)
    entries = [
        url(f"https://news.example/s/{n}", (start + timedelta(minutes=n)).isoformat() + "Z")
        for n in range(50_000)
    ]
    body = urlset(*entries).encode()
    server.expect_request("/big.xml").respond_with_data(body, content_type=XML)
    [poll] = poll_feeds(
        [source(server, "/big.xml")], {}, fast_settings(max_sitemap_urls=1_000, total_timeout=20)
    )
    assert poll.status == "ok"
    assert len(poll.items) == 1_000
    assert poll.items[0].url == "https://news.example/s/49999"
    assert poll.items[-1].url == "https://news.example/s/49000"
    assert "50000 URLs listed, the newest 1000 kept" in (poll.error or "")
    assert len(parse_sitemap(body, "https://news.example/big.xml").items) == 50_000


def test_truncated_gzip_keeps_what_was_read_and_other_children_still_count(
    server: HTTPServer,
) -> None:
    whole = gzip.compress(
        urlset(*(url(f"https://news.example/t/{n}") for n in range(2_000))).encode()
    )
    server.expect_request("/index.xml").respond_with_data(
        index((server.url_for("/cut.xml.gz"), None), (server.url_for("/ok.xml"), None)),
        content_type=XML,
    )
    server.expect_request("/cut.xml.gz").respond_with_data(
        whole[: len(whole) // 2], content_type="application/gzip"
    )
    server.expect_request("/ok.xml").respond_with_data(
        urlset(url("https://news.example/fine")), content_type=XML
    )
    [poll] = poll_feeds([source(server, "/index.xml")], {}, fast_settings())
    assert poll.status == "ok"
    urls = {item.url for item in poll.items}
    assert "https://news.example/fine" in urls
    assert "https://news.example/t/0" in urls  # read before the cut
    assert 1 < len(urls) < 2_001
    assert "truncated gzip member" in (poll.error or "")


def test_failed_child_is_a_note_and_the_index_is_read_again_next_time(
    server: HTTPServer,
) -> None:
    server.expect_request("/index.xml").respond_with_data(
        index((server.url_for("/gone.xml"), "2025-11-01"), (server.url_for("/ok.xml"), None)),
        content_type=XML,
        headers={"ETag": '"v1"'},
    )
    server.expect_request("/gone.xml").respond_with_data("", status=404)
    server.expect_request("/ok.xml").respond_with_data(
        urlset(url("https://news.example/fine")), content_type=XML
    )
    [poll] = poll_feeds([source(server, "/index.xml")], {}, fast_settings())
    assert poll.status == "ok"
    assert [item.url for item in poll.items] == ["https://news.example/fine"]
    assert "gone.xml: http 404" in (poll.error or "")
    assert poll.etag is None and poll.content_hash is None  # no 304 hides the failed child


def test_sitemap_polls_are_stored_with_kind_source_and_children(
    server: HTTPServer, tmp_path: Path
) -> None:
    server.expect_request("/index.xml").respond_with_data(
        index((server.url_for("/news.xml"), "2025-11-21T08:00:00Z")), content_type=XML
    )
    server.expect_request("/news.xml").respond_with_data(
        urlset(news_url("https://news.example/a", "2025-11-20", "Rates held", "ecb"), news=True),
        content_type=XML,
    )
    feed = source(server, "/index.xml")
    polls = poll_feeds([feed], {}, fast_settings())
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        assert load.record_polls(con, polls, run_id="r1") == 1
        sources.record_source_state(con, polls)
        row = con.execute(
            "SELECT source_kind, published_at, title, keywords, language FROM feed_items"
        ).fetchone()
        assert row == ("news_sitemap", datetime(2025, 11, 20), "Rates held", "ecb", "en")
        assert con.execute("SELECT kind FROM feeds").fetchone() == ("sitemap_index",)
        states = load.read_feed_states(con)
        sources.attach_sitemap_children(con, states)
    assert states[feed.url].sitemap_children == {
        server.url_for("/news.xml"): "2025-11-21T08:00:00Z"
    }


def test_rss_feeds_still_record_feed_as_their_source(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request("/rss.xml").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>D</title>'
        "<item><title>T</title><link>https://news.example/r</link></item></channel></rss>",
        content_type="application/rss+xml",
    )
    polls = poll_feeds([source(server, "/rss.xml")], {}, fast_settings())
    with open_ingest(tmp_path / "news.duckdb") as con:
        load.record_polls(con, polls, run_id="r1")
        sources.record_source_state(con, polls)
        assert con.execute("SELECT source_kind FROM feed_items").fetchall() == [("feed",)]
        assert con.execute("SELECT kind FROM feeds").fetchone() == ("feed",)


def test_children_over_the_cap_are_deferred_and_read_at_the_next_poll(
    server: HTTPServer, tmp_path: Path
) -> None:
    days = {"a.xml": "2025-11-20", "b.xml": "2025-11-21", "c.xml": "2025-11-22"}
    server.expect_request("/index.xml").respond_with_data(
        index(*((server.url_for(f"/{name}"), day) for name, day in days.items())),
        content_type=XML,
    )
    for name, day in days.items():
        server.expect_request(f"/{name}").respond_with_data(
            urlset(url(f"https://news.example/{name}", day)), content_type=XML
        )
    feed = source(server, "/index.xml")
    settings = fast_settings(max_sitemap_children=2)
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        polls = poll_feeds([feed], {}, settings)
        load.record_polls(con, polls, run_id="r1")
        sources.record_source_state(con, polls)
        states = load.read_feed_states(con)
        sources.attach_sitemap_children(con, states)
    [first] = polls
    assert requested(server) == ["/index.xml", "/c.xml", "/b.xml"]  # the newest two
    assert {c.url.rsplit("/", 1)[-1]: c.status for c in first.children}["a.xml"] == "deferred"
    assert first.etag is None and first.content_hash is None  # the index is read again

    server.clear_log()
    [second] = poll_feeds([feed], states, settings)
    assert requested(server) == ["/index.xml", "/a.xml"]
    assert [item.url for item in second.items] == ["https://news.example/a.xml"]


def test_a_sitemap_source_is_polled_with_a_conditional_get(server: HTTPServer) -> None:
    body = urlset(
        news_url("https://news.example/a", "2025-11-20", "Rates held", "ecb"), news=True
    ).encode()

    def handle(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(body, content_type=XML, headers={"ETag": '"v1"'})

    server.expect_request("/news.xml").respond_with_handler(handle)
    feed = source(server, "/news.xml")
    [first] = poll_feeds([feed], {}, fast_settings())
    assert (first.status, first.kind, first.etag) == ("ok", "news_sitemap", '"v1"')
    state = FeedState(url=feed.url, etag=first.etag, content_hash=first.content_hash)
    [second] = poll_feeds([feed], {feed.url: state}, fast_settings())
    assert (second.status, second.http_status, second.items) == ("unchanged", 304, [])
