"""The feed's channel title as the publisher of pages that name none (issue #12, item 4).

A story served from an address that names nothing (127.0.0.1, a mirror) and that carries no
``og:site_name``, JSON-LD publisher or agreeing weak signals would have no publisher; the
feed that listed it usually names the outlet in its ``<title>`` ("Top Stories - Harbour
Gazette"). Section words are left out, a title made only of them ("Latest news") names
nobody, and on a named host the title must agree with the page or the domain.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harbour_story import FETCHED, LOCAL, PARAGRAPHS
from pytest_httpserver import HTTPServer
from site_server import write_config

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.extract.site_names import channel_names
from newsflow.tasks.fetch.feeds import parse_feed_document
from newsflow.tasks.load import poll_records, queue, sources
from newsflow.tasks.records import Article, FeedItem, FeedPoll
from newsflow.tasks.text import CAPS, is_clean
from newsflow.warehouse.db import connect_published, open_ingest


def _page(head: str = "", headline: str = "Harbour dredging approved") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{headline}</title>{head}</head><body>"
        f"<article><h1>{headline}</h1>{PARAGRAPHS}</article></body></html>"
    )


def _extract(feed_title: str | None, head: str = "", url: str = LOCAL) -> Article:
    article = extract_article(_page(head), url=url, fetched_at=FETCHED, feed_title=feed_title)
    assert isinstance(article, Article), article
    return article


@pytest.mark.parametrize(
    ("title", "names"),
    [
        ("Top Stories - Harbour Gazette", ["Harbour Gazette"]),
        ("NYT > World", ["NYT"]),
        ("Reuters: Business News", ["Reuters"]),
        ("Harbour Gazette » Feed", ["Harbour Gazette"]),
        ("Politics | The Hill", ["The Hill"]),
        ("RSS Feed do Site Inovação Tecnológica", ["Inovação Tecnológica"]),
        ("Latest news", []),
        ("Top Stories", []),
        ("Comments on: Harbour dredging approved", []),
    ],
)
def test_channel_title_without_its_section_words(title: str, names: list[str]) -> None:
    assert channel_names(title) == names


def test_feed_title_names_the_outlet_of_a_local_page_that_names_none() -> None:
    assert _extract(None).publisher is None
    article = _extract("Top Stories - Harbour Gazette")
    assert (article.publisher, article.publisher_source) == ("Harbour Gazette", "feed")


def test_a_feed_titled_only_with_section_words_names_no_outlet() -> None:
    assert _extract("Latest news").publisher is None


def test_the_page_own_name_beats_the_feed_title() -> None:
    article = _extract(
        "Top Stories - Harbour Gazette", head="<meta property='og:site_name' content='Quay Times'>"
    )
    assert (article.publisher, article.publisher_source) == ("Quay Times", "page")


def test_on_a_named_host_the_feed_title_must_agree_with_the_page_or_domain() -> None:
    url = "https://www.quaytimes.com/2025/03/harbour"
    assert _extract("Top Stories - Harbour Gazette", url=url).publisher == "quaytimes.com"
    assert _extract("QuayTimes: Latest", url=url).publisher == "QuayTimes"
    # another part of the title names the outlet a weak page signal (the RSS link) names
    agreeing = "<link rel='alternate' type='application/rss+xml' title='Quay Times' href='/rss'>"
    named = _extract("Business | Quay Times", head=agreeing, url=url)
    assert named.publisher == "Quay Times"


def test_feed_document_gives_its_channel_title() -> None:
    rss = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>Top Stories &amp;amp; more"
        b" - Harbour Gazette</title><item><title>A</title><link>http://127.0.0.1:1/a</link>"
        b"</item></channel></rss>"
    )
    parsed = parse_feed_document(rss, "http://127.0.0.1:1/feed.xml")
    assert parsed.title == "Top Stories & more - Harbour Gazette"


def test_each_queued_page_gets_the_title_of_the_feed_that_listed_it_first(
    tmp_path: Path,
) -> None:
    page = "http://127.0.0.1:8765/story/9"

    def poll(feed: str, title: str | None, status: str = "ok") -> FeedPoll:
        items = [FeedItem(feed_url=feed, url=page, link=page)] if status == "ok" else []
        return FeedPoll(feed_url=feed, name=feed, status=status, items=items, title=title)

    with open_ingest(tmp_path / "news.duckdb") as con:
        first = poll("http://127.0.0.1:8765/a.xml", "Top Stories - Harbour Gazette")
        poll_records.record_polls(con, [first])
        sources.record_source_state(con, [first])
        later = poll("http://127.0.0.1:8765/b.xml", "Quay Times")
        poll_records.record_polls(con, [later])
        sources.record_source_state(con, [later])
        assert _titles(queue.page_feeds(con, [page])) == {page: "Top Stories - Harbour Gazette"}
        # an unchanged poll (304) keeps the title the feed stated before
        again = poll(first.feed_url, None, status="unchanged")
        poll_records.record_polls(con, [again])
        sources.record_source_state(con, [again])
        assert _titles(queue.page_feeds(con, [page, "http://127.0.0.1:8765/none"])) == {
            page: "Top Stories - Harbour Gazette"
        }


def _titles(first: dict[str, queue.PageFeed]) -> dict[str, str]:
    return {page: found.title for page, found in first.items() if found.title is not None}


def _rss(title: str, links: list[str]) -> str:
    items = "".join(
        f"<item><title>Story</title><link>{link}</link>"
        f"<pubDate>Tue, 11 Mar 2025 09:00:00 GMT</pubDate></item>"
        for link in links
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>{title}</title>{items}</channel></rss>"


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")  # a real flow run
def test_ingest_names_the_publisher_of_unnamed_local_pages_from_their_feed(
    server: HTTPServer, tmp_path: Path
) -> None:
    from newsflow.flows.ingest import ingest

    pages = {
        "/gazette/1": _page(headline="Harbour dredging approved"),
        "/gazette/2": _page(
            "<meta property='og:site_name' content='Quay Times'>", headline="Quay reopens"
        ),
        "/latest/1": _page(headline="Ferry timetable changes"),
    }
    for path, html in pages.items():
        server.expect_request(path).respond_with_data(html, content_type="text/html")
    feeds = {
        "/gazette.xml": _rss(
            "Top Stories - Harbour Gazette",
            [server.url_for("/gazette/1"), server.url_for("/gazette/2")],
        ),
        "/latest.xml": _rss("Latest news", [server.url_for("/latest/1")]),
    }
    for path, body in feeds.items():
        server.expect_request(path).respond_with_data(body, content_type="application/rss+xml")
    db = tmp_path / "news.duckdb"
    config = write_config(
        tmp_path / "feeds.toml",
        db,
        feeds=[
            ("Gazette", server.url_for("/gazette.xml")),
            ("Wire", server.url_for("/latest.xml")),
        ],
    )
    summary = ingest(config_path=str(config), db_path=str(db))
    assert summary.articles_stored == 3
    con = connect_published(db)  # the snapshot the run published
    try:
        rows = con.execute(
            "SELECT p.page_url, a.publisher, a.publisher_source, i.publisher"
            " FROM articles a JOIN pages p USING (article_id)"
            " JOIN article_info i USING (article_id)"
        ).fetchall()
        titles = con.execute("SELECT name, title FROM feeds ORDER BY name").fetchall()
    finally:
        con.close()
    by_path = {url.removeprefix(server.url_for("")).lstrip("/"): facts for url, *facts in rows}
    assert by_path == {
        # stored as the feed's name, marked so; the view analysts query shows it
        "gazette/1": ["Harbour Gazette", "feed", "Harbour Gazette"],
        "gazette/2": ["Quay Times", "page", "Quay Times"],  # the page's own name wins
        # "Latest news" names no outlet: nothing stored, the view falls back to the feed's name
        "latest/1": [None, "domain", "Wire"],
    }
    assert titles == [("Gazette", "Top Stories - Harbour Gazette"), ("Wire", "Latest news")]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")  # a real flow run
def test_hostile_channel_titles_are_cleaned_where_they_enter_and_stop_no_story(
    server: HTTPServer, tmp_path: Path
) -> None:
    """Tags, control and NUL references, a lone surrogate, invisible marks, a 2 MB title, a
    placeholder or none at all: each feed's title is stored clean and capped, and every story is stored."""
    feeds = {
        "tags": "&lt;img src=x onerror=alert(1)&gt;Harbour &lt;script&gt;x()&lt;/script&gt;Gazette",
        "controls": "Quay&#x1b;[31m Times&#0; &#xD800;",
        "invisible": "\u202eCoast\u200b Courier\u202c",
        "huge": "Harbour Gazette " * 130_000,
        "placeholder": "x - x - x",
        "missing": None,
    }
    for name, title in feeds.items():
        story = f"/{name}/1"
        server.expect_request(story).respond_with_data(
            _page(headline=f"Harbour story from the {name} feed"), content_type="text/html"
        )
        channel = f"<title>{title}</title>" if title is not None else ""
        body = _rss("", [server.url_for(story)]).replace("<title></title>", channel, 1)
        server.expect_request(f"/{name}.xml").respond_with_data(
            body.encode("utf-8"), content_type="application/rss+xml"
        )
    db = tmp_path / "news.duckdb"
    config = write_config(
        tmp_path / "feeds.toml", db, feeds=[(n, server.url_for(f"/{n}.xml")) for n in feeds]
    )
    from newsflow.flows.ingest import ingest

    summary = ingest(config_path=str(config), db_path=str(db))
    assert summary.articles_stored == len(feeds)
    con = connect_published(db)
    try:
        titles = dict(con.execute("SELECT name, title FROM feeds").fetchall())
        publishers = dict(
            con.execute(
                "SELECT split_part(p.page_url, '/', 4), a.publisher "
                "FROM articles a JOIN pages p USING (article_id)"
            ).fetchall()
        )
    finally:
        con.close()
    assert all(is_clean(title) for title in titles.values())
    assert titles["tags"] == publishers["tags"] == "Harbour Gazette"
    assert titles["invisible"] == publishers["invisible"] == "Coast Courier"
    assert "\x1b" not in titles["controls"] and publishers["controls"].startswith("Quay")
    assert len(titles["huge"]) == CAPS["title"]
    assert publishers["huge"] is None  # a thousand characters of title name no outlet
    assert publishers["placeholder"] is None  # a repeated one-letter part names nobody
    assert titles["missing"] is None and publishers["missing"] is None
