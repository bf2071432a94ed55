"""Feed polling and parsing against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime
from pathlib import Path

import pytest
from nethelpers import fast_settings
from pytest_httpserver import HTTPServer

from newsflow.config.settings import FeedSettings
from newsflow.tasks.fetch import feeds, http
from newsflow.tasks.fetch.feeds import parse_feed, poll_feeds
from newsflow.tasks.records import FeedState
from newsflow.tasks.text import CAPS

RSS = "application/rss+xml; charset=utf-8"


def rss(*items: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return (
        f'{declaration}<rss version="2.0"><channel><title>Desk</title>'
        f"<link>https://news.example/</link>{''.join(items)}</channel></rss>"
    )


def item(link: str, title: str = "A story", extra: str = "") -> str:
    return f"<item><title>{title}</title><link>{link}</link>{extra}</item>"


def feed(server: HTTPServer, path: str, name: str | None = None) -> FeedSettings:
    return FeedSettings(name=name or path.strip("/"), url=server.url_for(path))


def test_first_poll_parses_items_and_keeps_validators(server: HTTPServer) -> None:
    body = rss(
        item(
            "https://news.example/world/1?utm_source=rss",
            "First",
            "<pubDate>Tue, 02 Jan 2024 10:30:00 +0200</pubDate>",
        ),
        item("https://news.example/world/2", "Second"),
    )
    server.expect_request("/feed.xml").respond_with_data(
        body,
        content_type=RSS,
        headers={"ETag": '"v1"', "Last-Modified": "Tue, 02 Jan 2024 09:00:00 GMT"},
    )
    [poll] = poll_feeds([feed(server, "/feed.xml")], {}, fast_settings())
    assert poll.status == "ok", poll.error
    assert poll.error is None
    assert (poll.http_status, poll.etag, poll.last_modified) == (
        200,
        '"v1"',
        "Tue, 02 Jan 2024 09:00:00 GMT",
    )
    assert poll.content_hash == hashlib.sha256(body.encode()).hexdigest()
    assert poll.bytes == len(body.encode())
    assert poll.polled_at is not None and poll.polled_at.tzinfo is None
    first, second = poll.items
    assert first.url == "https://news.example/world/1"
    assert first.link == "https://news.example/world/1?utm_source=rss"
    assert first.feed_url == server.url_for("/feed.xml")
    assert first.published_at == datetime(2024, 1, 2, 8, 30)  # naive UTC
    assert second.title == "Second" and second.published_at is None


def test_conditional_get_sends_validators_and_304_is_unchanged(server: HTTPServer) -> None:
    server.expect_request("/feed.xml").respond_with_data("", status=304, headers={"ETag": '"v1"'})
    url = server.url_for("/feed.xml")
    state = FeedState(
        url=url, etag='"v1"', last_modified="Tue, 02 Jan 2024 09:00:00 GMT", content_hash="abc"
    )
    [poll] = poll_feeds([feed(server, "/feed.xml")], {url: state}, fast_settings())
    request = server.log[0][0]
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == "Tue, 02 Jan 2024 09:00:00 GMT"
    assert (poll.status, poll.http_status, poll.items) == ("unchanged", 304, [])
    assert (poll.etag, poll.last_modified, poll.content_hash) == (
        '"v1"',
        "Tue, 02 Jan 2024 09:00:00 GMT",
        "abc",
    )


def test_same_body_hash_is_unchanged_when_server_ignores_validators(server: HTTPServer) -> None:
    body = rss(item("https://news.example/a")).encode()
    server.expect_request("/feed.xml").respond_with_data(body, content_type=RSS)
    url = server.url_for("/feed.xml")
    state = FeedState(url=url, etag='"old"', content_hash=hashlib.sha256(body).hexdigest())
    [poll] = poll_feeds([feed(server, "/feed.xml")], {url: state}, fast_settings())
    assert poll.status == "unchanged"
    assert poll.items == []
    assert poll.http_status == 200


def test_changed_body_is_parsed_again(server: HTTPServer) -> None:
    server.expect_request("/feed.xml").respond_with_data(
        rss(item("https://news.example/new")), content_type=RSS
    )
    url = server.url_for("/feed.xml")
    [poll] = poll_feeds(
        [feed(server, "/feed.xml")],
        {url: FeedState(url=url, content_hash="0" * 64)},
        fast_settings(),
    )
    assert poll.status == "ok"
    assert [i.url for i in poll.items] == ["https://news.example/new"]


def test_feed_broken_midway_keeps_its_items_and_records_the_error(server: HTTPServer) -> None:
    full = rss(*(item(f"https://news.example/{n}", f"Story {n}") for n in range(1, 5)))
    cut = full.index("<item>", full.index("Story 3")) + 20  # inside the fourth item
    server.expect_request("/broken.xml").respond_with_data(full[:cut], content_type=RSS)
    [poll] = poll_feeds([feed(server, "/broken.xml")], {}, fast_settings())
    assert poll.status == "ok"
    assert [i.title for i in poll.items][:3] == ["Story 1", "Story 2", "Story 3"]
    assert poll.error is not None and "SAXParseException" in poll.error


def test_html_instead_of_a_feed_fails_and_other_feeds_still_succeed(server: HTTPServer) -> None:
    server.expect_request("/html").respond_with_data(
        "<!DOCTYPE html><html><head><title>Home</title></head><body><a href='/x'>x</a></body></html>",
        content_type="text/html; charset=utf-8",
    )
    server.expect_request("/good.xml").respond_with_data(
        rss(item("https://news.example/ok")), content_type=RSS
    )
    server.expect_request("/down.xml").respond_with_data("oops", status=503)
    polls = poll_feeds(
        [feed(server, "/html"), feed(server, "/good.xml"), feed(server, "/down.xml")],
        {},
        fast_settings(),
    )
    html, good, down = polls
    assert html.status == "failed"
    assert html.error is not None and html.error.startswith("not a feed: got an HTML page")
    assert html.content_hash is None  # a failed poll must not mark the body as seen
    assert good.status == "ok" and len(good.items) == 1
    assert (down.status, down.error, down.http_status) == ("failed", "http 503", 503)


def test_empty_200_fails_with_a_clear_error(server: HTTPServer) -> None:
    server.expect_request("/empty.xml").respond_with_data("", content_type=RSS)
    [poll] = poll_feeds([feed(server, "/empty.xml")], {}, fast_settings())
    assert (poll.status, poll.error) == ("failed", "empty response body")


def test_truncated_to_nothing_fails(server: HTTPServer) -> None:
    server.expect_request("/cut.xml").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><chan', content_type=RSS
    )
    [poll] = poll_feeds([feed(server, "/cut.xml")], {}, fast_settings())
    assert poll.status == "failed"
    assert poll.error is not None and poll.error.startswith("unparsable feed")


def test_undeclared_cp1252_feed_decodes_correctly(server: HTTPServer) -> None:
    title = "“Déjà vu” at the café — ministers’ row"
    body = rss(item("https://news.example/cafe", title), declaration="").encode("cp1252")
    server.expect_request("/legacy.xml").respond_with_data(body, content_type="text/xml")
    [poll] = poll_feeds([feed(server, "/legacy.xml")], {}, fast_settings())
    assert poll.status == "ok"
    assert poll.items[0].title == title


def test_relative_links_resolve_against_the_final_feed_url_and_xml_base(
    server: HTTPServer,
) -> None:
    server.expect_request("/feed").respond_with_data(
        "", status=301, headers={"Location": "/feeds/world.xml"}
    )
    body = rss(
        item("../2024/story-one.html", "One"),
        '<item xml:base="https://other.example/blog/"><title>Two</title><link>post-2</link></item>',
    )
    server.expect_request("/feeds/world.xml").respond_with_data(body, content_type=RSS)
    [poll] = poll_feeds([feed(server, "/feed")], {}, fast_settings())
    assert [i.url for i in poll.items] == [
        server.url_for("/2024/story-one.html"),
        "https://other.example/blog/post-2",
    ]
    assert poll.items[0].feed_url == server.url_for("/feed")


def test_tracking_params_are_stripped_and_duplicates_collapsed() -> None:
    body = rss(
        item("https://news.example/story?id=7&amp;utm_source=rss&amp;utm_medium=feed", "Once"),
        item("https://NEWS.example/story?fbclid=abc&amp;id=7#comments", "Twice"),
        item("https://news.example/other", "Other"),
    ).encode()
    items, error = parse_feed(body, "https://news.example/feed.xml")
    assert error is None
    assert [(i.url, i.title) for i in items] == [
        ("https://news.example/story?id=7", "Once"),
        ("https://news.example/other", "Other"),
    ]


def test_items_without_link_are_skipped_but_a_url_guid_serves(server: HTTPServer) -> None:
    body = rss(
        "<item><title>Guid only</title><guid>https://news.example/by-guid</guid></item>",
        '<item><title>No link</title><guid isPermaLink="false">tag:x,2024:1</guid></item>',
        item("https://news.example/linked", "Linked"),
    ).encode()
    items, error = parse_feed(body, "https://news.example/feed.xml")
    assert [i.url for i in items] == ["https://news.example/by-guid", "https://news.example/linked"]
    assert error == "1 of 3 entries skipped: no http(s) link"


def test_html_in_titles_is_stripped_and_dates_are_naive_utc() -> None:
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Alerts</title>
<entry><title type="html">&lt;b&gt;Slack&lt;/b&gt; shares &amp;amp; more</title>
<link href="https://www.google.com/url?rct=j&amp;url=https://markets.example/slack?utm_campaign=x&amp;ct=ga"/>
<id>tag:alerts,1</id><updated>2019-07-10T13:53:37+02:00</updated>
<summary type="html">&lt;p&gt;First para.&lt;/p&gt;&lt;p&gt;Second.&lt;/p&gt;</summary></entry></feed>"""
    [entry], error = parse_feed(atom.encode(), "https://alerts.example/feed")
    assert error is None
    assert entry.title == "Slack shares & more"
    assert entry.url == "https://markets.example/slack"  # unwrapped and cleaned
    assert entry.published_at == datetime(2019, 7, 10, 11, 53, 37)
    assert entry.summary == "First para. Second."
    assert entry.guid == "tag:alerts,1"


def test_markup_feedparser_leaves_in_plain_titles_is_stripped() -> None:
    """feedparser calls a title with a tag it does not allow text/plain: its tags would pass
    as text into the item's title and, from the channel title, into the publisher."""
    hostile = (
        "&lt;img src=x onerror=alert(1)&gt;Harbour &lt;script&gt;steal()&lt;/script&gt;Gazette"
    )
    body = (
        rss(item("https://news.example/1", hostile), item("https://news.example/2", "3 &lt; 5"))
        .replace("<title>Desk</title>", f"<title>{hostile}</title>")
        .encode()
    )
    parsed = feeds.parse_feed_document(body, "https://news.example/feed.xml")
    assert parsed.title == "Harbour Gazette"
    assert [i.title for i in parsed.items] == ["Harbour Gazette", "3 < 5"]


def test_a_huge_channel_title_is_read_only_as_far_as_its_cap() -> None:
    body = rss(item("https://news.example/1", "One")).replace(
        "<title>Desk</title>",
        "<title>" + "&lt;b&gt;Harbour&lt;/b&gt; Gazette " * 200_000 + "</title>",
    )
    parsed = feeds.parse_feed_document(body.encode(), "https://news.example/feed.xml")
    assert parsed.title is not None and parsed.title.startswith("Harbour Gazette Harbour")
    assert len(parsed.title) == CAPS["title"] and "<" not in parsed.title
    assert [i.url for i in parsed.items] == ["https://news.example/1"]


def test_dates_in_other_languages_are_understood() -> None:
    body = rss(
        item(
            "https://noticias.example/1", "Um", "<pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate>"
        ),
    ).replace("<title>Desk</title>", "<title>Desk</title><language>pt-br</language>")
    [entry], _ = parse_feed(body.encode(), "https://noticias.example/feed")
    assert entry.published_at == datetime(2018, 9, 24, 22, 42, 40)


def test_parse_feed_never_reads_local_files(tmp_path: Path) -> None:
    """Raw bytes that name a file must be parsed as bytes, not opened (feedparser would)."""
    secret = tmp_path / "secret.xml"
    secret.write_text(rss(item("https://internal.example/secret")), encoding="utf-8")
    items, error = parse_feed(str(secret).encode(), "https://evil.example/feed")
    assert items == []
    assert error is not None


def test_oversized_feed_fails_without_parsing(server: HTTPServer) -> None:
    server.expect_request("/huge.xml").respond_with_data(
        rss(*(item(f"https://news.example/{n}") for n in range(2000))), content_type=RSS
    )
    [poll] = poll_feeds([feed(server, "/huge.xml")], {}, fast_settings(max_feed_bytes=10_000))
    assert (poll.status, poll.error) == ("failed", "too large: > 10000 bytes")


def test_disabled_feeds_are_not_polled(server: HTTPServer) -> None:
    off = FeedSettings(name="off", url=server.url_for("/off.xml"), enabled=False)
    assert poll_feeds([off], {}, fast_settings()) == []
    assert server.log == []


def test_whitespace_before_xml_declaration_is_not_an_error() -> None:
    body = ("\n\n" + rss(item("https://news.example/a"), item("https://news.example/b"))).encode()
    items, error = parse_feed(body, "https://news.example/feed.xml")
    assert error is None
    assert len(items) == 2


def test_feed_asking_for_a_short_pause_is_retried_within_the_run(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.expect_ordered_request("/feed.xml").respond_with_data(
        "busy", status=503, headers={"Retry-After": "1"}
    )
    server.expect_ordered_request("/feed.xml").respond_with_data(
        rss(item("https://news.example/a")), content_type=RSS
    )
    waits: list[float] = []  # the real HTTP client, with its pause recorded instead of slept
    monkeypatch.setattr(feeds, "get", functools.partial(http.get, sleep=waits.append))
    [poll] = poll_feeds([feed(server, "/feed.xml")], {}, fast_settings())
    assert poll.status == "ok" and len(poll.items) == 1
    assert waits == [1.0]
    assert len(server.log) == 2


def test_feed_asking_for_a_long_pause_fails_and_says_how_long(server: HTTPServer) -> None:
    server.expect_request("/feed.xml").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    [poll] = poll_feeds([feed(server, "/feed.xml")], {}, fast_settings())
    assert (poll.status, poll.error, poll.retry_after_seconds) == ("failed", "http 429", 3600)
    assert len(server.log) == 1


def test_feed_polling_hints_are_read(server: HTTPServer) -> None:
    body = rss(item("https://news.example/a")).replace("<title>Desk</title>", "<ttl>30</ttl>")
    server.expect_request("/feed.xml").respond_with_data(
        body, content_type=RSS, headers={"Cache-Control": "public, max-age=1200"}
    )
    [poll] = poll_feeds([feed(server, "/feed.xml")], {}, fast_settings())
    assert (poll.ttl_seconds, poll.max_age_seconds) == (1800, 1200)


def test_feed_redirect_loop_fails_with_its_reason(server: HTTPServer) -> None:
    server.expect_request("/a.xml").respond_with_data(
        "", status=301, headers={"Location": "/b.xml"}
    )
    server.expect_request("/b.xml").respond_with_data(
        "", status=301, headers={"Location": "/a.xml"}
    )
    [poll] = poll_feeds([feed(server, "/a.xml")], {}, fast_settings())
    assert (poll.status, poll.error) == ("failed", "redirect loop")


def test_feed_on_a_host_name_resolving_to_loopback_is_refused(server: HTTPServer) -> None:
    server.expect_request("/feed.xml").respond_with_data(rss(), content_type=RSS)
    local = FeedSettings(name="local", url=f"http://localhost:{server.port}/feed.xml")
    [poll] = poll_feeds([local], {}, fast_settings(allow_private_addresses=False))
    assert poll.status == "failed"
    assert poll.error is not None and poll.error.startswith("blocked: loopback address")
    assert server.log == []
