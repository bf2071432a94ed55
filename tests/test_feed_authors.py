"""The feed item's author: stored with the item, and the credit of a page that gives none.

RSS ``<author>`` ("desk@x (Name)") and ``<dc:creator>``, Atom ``<author><name>`` are read
as the feed wrote them into ``feed_items.author``. Extraction credits them when the page
credits nobody, and when the page's own candidates disagree, the one the feed agrees with
wins. The names are invented.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harbour_story import FETCHED, LOCAL, PARAGRAPHS
from pytest_httpserver import HTTPServer
from site_server import write_config

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.fetch.feeds import parse_feed_document
from newsflow.tasks.records import Article
from newsflow.warehouse.db import connect_published

_DC = "xmlns:dc='http://purl.org/dc/elements/1.1/'"


def _page(head: str = "", byline: str = "", headline: str = "Harbour dredging approved") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{headline}</title>{head}</head><body>"
        f"<article><h1>{headline}</h1>{byline}{PARAGRAPHS}</article></body></html>"
    )


def _rss(items: list[tuple[str, str]]) -> str:
    """An RSS feed of (link, credit markup) items."""
    body = "".join(
        f"<item><title>Story</title><link>{link}</link>{credit}"
        "<pubDate>Tue, 11 Mar 2025 09:00:00 GMT</pubDate></item>"
        for link, credit in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0' {_DC}><channel><title>Harbour Gazette"
        f"</title>{body}</channel></rss>"
    )


@pytest.mark.parametrize(
    ("credit", "author"),
    [
        (
            "<author>desk@harbour.example (Mira Halvorsen)</author>",
            "desk@harbour.example (Mira Halvorsen)",
        ),
        ("<dc:creator>Mira Halvorsen</dc:creator>", "Mira Halvorsen"),
        ("<dc:creator><![CDATA[<b>Mira</b> Halvorsen]]></dc:creator>", "Mira Halvorsen"),
        ("", None),
    ],
)
def test_rss_item_authors_are_read_as_written(credit: str, author: str | None) -> None:
    parsed = parse_feed_document(
        _rss([("https://harbour.example/1", credit)]).encode(), "https://harbour.example/rss"
    )
    assert [item.author for item in parsed.items] == [author]


def test_atom_entry_authors_are_all_read() -> None:
    atom = (
        "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Gazette</title>"
        "<entry><title>Story</title><link href='https://harbour.example/1'/><id>1</id>"
        "<updated>2025-03-11T09:00:00Z</updated><author><name>Mira Halvorsen</name></author>"
        "<author><name>Oskar Lindqvist</name></author></entry></feed>"
    )
    [item] = parse_feed_document(atom.encode(), "https://harbour.example/atom").items
    assert item.author == "Mira Halvorsen; Oskar Lindqvist"


def _authors(html: str, feed_author: str | None) -> list[str]:
    article = extract_article(html, url=LOCAL, fetched_at=FETCHED, feed_author=feed_author)
    assert isinstance(article, Article), article
    return article.authors


def test_the_feed_credits_a_page_that_credits_nobody() -> None:
    assert _authors(_page(), None) == []
    assert _authors(_page(), "desk@harbour.example (Mira Halvorsen)") == ["Mira Halvorsen"]


def test_the_page_credit_wins_over_the_feed() -> None:
    byline = "<p class='byline'>By Oskar Lindqvist</p>"
    assert _authors(_page(byline=byline), "Mira Halvorsen") == ["Oskar Lindqvist"]


def test_the_feed_settles_which_of_the_pages_candidates_to_believe() -> None:
    # The SEO schema names the account that posted the story; the byline readers see names
    # someone else entirely, and the feed agrees with the byline.
    head = (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "author": '
        '{"@type": "Person", "name": "Per Nygaard"}}</script>'
    )
    box = "<div class='author-box'><span class='author'>Oskar Lindqvist</span></div>"
    assert _authors(_page(head, box), None) == ["Per Nygaard"]
    assert _authors(_page(head, box), "Oskar Lindqvist") == ["Oskar Lindqvist"]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")  # a real flow run
def test_ingest_stores_feed_authors_and_credits_pages_that_name_nobody(
    server: HTTPServer, tmp_path: Path
) -> None:
    from newsflow.flows.ingest import ingest

    pages = {
        "/story/1": _page(headline="Harbour dredging approved"),
        "/story/2": _page(
            byline="<p class='byline'>By Oskar Lindqvist</p>", headline="Quay reopens"
        ),
        "/story/3": _page(headline="Ferry timetable changes"),
    }
    for path, html in pages.items():
        server.expect_request(path).respond_with_data(html, content_type="text/html")
    feed = _rss(
        [
            (server.url_for("/story/1"), "<dc:creator>Mira Halvorsen</dc:creator>"),
            (server.url_for("/story/2"), "<dc:creator>Mira Halvorsen</dc:creator>"),
            (server.url_for("/story/3"), ""),
        ]
    )
    server.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    db = tmp_path / "news.duckdb"
    config = write_config(
        tmp_path / "feeds.toml", db, feeds=[("Gazette", server.url_for("/feed.xml"))]
    )
    summary = ingest(config_path=str(config), db_path=str(db))
    assert summary.articles_stored == 3
    con = connect_published(db)
    try:
        items = dict(con.execute("SELECT page_url, author FROM feed_items").fetchall())
        stored = dict(
            con.execute(
                "SELECT p.page_url, a.author FROM articles a JOIN pages p USING (article_id)"
            ).fetchall()
        )
        people = con.execute(
            "SELECT p.page_url, list(w.name ORDER BY w.position) FROM article_authors w "
            "JOIN pages p USING (article_id) GROUP BY ALL"
        ).fetchall()
    finally:
        con.close()
    url = server.url_for
    assert items == {
        url("/story/1"): "Mira Halvorsen",
        url("/story/2"): "Mira Halvorsen",
        url("/story/3"): None,
    }
    assert stored == {
        url("/story/1"): "Mira Halvorsen",
        url("/story/2"): "Oskar Lindqvist",
        url("/story/3"): None,
    }
    assert dict(people) == {
        url("/story/1"): ["Mira Halvorsen"],
        url("/story/2"): ["Oskar Lindqvist"],
    }
