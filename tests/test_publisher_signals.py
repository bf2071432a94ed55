"""The outlet of a page served from an address that names nothing (a mirror, 127.0.0.1).

``newsflow ingest`` of a test site or a local copy sees http://127.0.0.1:PORT/..., so the
host cannot name the outlet. Pages without ``og:site_name`` or a JSON-LD publisher still
name it in weaker places; each case below is a page shape met on real sites, built small.
A name is believed only when two different kinds of signal agree on it.
"""

from __future__ import annotations

from pathlib import Path

from harbour_story import FETCHED, LOCAL, PARAGRAPHS
from trafilatura.utils import load_html

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.extract.site_names import MAX_TITLE_PARTS, read_name_signals
from newsflow.tasks.load import poll_records
from newsflow.tasks.load import store as load
from newsflow.tasks.records import Article, FeedItem, FeedPoll, ProcessedBatch
from newsflow.warehouse.db import open_ingest


def _extract(head: str = "", top: str = "", foot: str = "", url: str = LOCAL) -> Article:
    html = (
        f"<!DOCTYPE html><html lang='en'><head>{head}</head><body><header>{top}</header>"
        f"<article><h1>Harbour dredging approved</h1>{PARAGRAPHS}</article>"
        f"<footer>{foot}</footer></body></html>"
    )
    article = extract_article(html, url=url, fetched_at=FETCHED)
    assert isinstance(article, Article), article
    return article


def test_title_suffix_confirmed_by_the_copyright_line_names_the_outlet_and_leaves_the_title() -> (
    None
):
    article = _extract(
        head="<title>Harbour dredging approved - Entermedia</title>",
        foot="<div>Copyright ⓒ Entermedia.co.kr. 무단전재 및 재배포 금지</div>",
    )
    assert (article.publisher, article.publisher_source) == ("Entermedia", "page")
    assert article.title == "Harbour dredging approved"


def test_logo_alt_text_and_copyright_holder_agree_on_the_outlet() -> None:
    article = _extract(
        top="<a href='/'><img src='/img/ascom-logo.svg' class='logo-svg' alt='ascom-image-Logo'>"
        "</a>",
        foot="<div class='copyright'><p>©2019 Ascom</p></div>",
    )
    assert article.publisher == "Ascom"  # the copyright line spells it for readers


def test_app_title_and_twitter_handle_agree_on_the_outlet() -> None:
    article = _extract(
        head="<meta name='apple-mobile-web-app-title' content='Hawaii News Now'>"
        "<meta name='twitter:site' content='@HawaiiNewsNow'>"
    )
    assert article.publisher == "Hawaii News Now"


def test_advertised_feed_title_and_publisher_profile_agree_on_the_outlet() -> None:
    article = _extract(
        head="<link rel='alternate' type='application/rss+xml' title='Moneycontrol » Feed' "
        "href='/rss'><link rel='publisher' href='https://plus.google.com/+moneycontrol'>"
    )
    assert article.publisher == "Moneycontrol"


def test_one_weak_signal_alone_is_not_believed() -> None:
    # a copyright line often names the parent company, not the outlet
    parent = _extract(foot="<p>© 2025 Advance Local Media LLC. All rights reserved.</p>")
    assert (parent.publisher, parent.publisher_source) == (None, "domain")
    # <title> and og:title come from one template: their suffixes are one signal, not two
    template = _extract(
        head="<title>Harbour dredging approved | Sports</title>"
        "<meta property='og:title' content='Harbour dredging approved | Sports'>"
    )
    assert template.publisher is None


def test_signals_that_disagree_name_no_outlet() -> None:
    article = _extract(
        head="<title>Harbour dredging approved | Coast Edition</title>"
        "<meta name='twitter:site' content='@portwatch'>",
        top="<img src='/logo.png' alt='Gray Television'>",
        foot="<p>Copyright 2025 Nexstar Media Inc.</p>",
    )
    assert article.publisher is None


def test_on_a_named_host_agreement_only_respells_the_domain() -> None:
    respelled = _extract(
        head="<meta name='apple-mobile-web-app-title' content='Hawaii News Now'>"
        "<meta name='twitter:site' content='@HawaiiNewsNow'>",
        url="https://www.hawaiinewsnow.com/2025/03/11/harbour/",
    )
    assert (respelled.publisher, respelled.publisher_source) == ("Hawaii News Now", "page")
    parent = _extract(
        top="<img src='/logo.png' alt='Gray Media'>",
        foot="<p>© 2025 Gray Media</p>",
        url="https://www.wvlt.tv/2025/03/11/harbour/",
    )
    assert (parent.publisher, parent.publisher_source) == ("wvlt.tv", "domain")


def test_unnamed_local_page_shows_its_feeds_name_in_the_views(tmp_path: Path) -> None:
    article = _extract()
    assert article.publisher is None
    item = FeedItem(feed_url="http://127.0.0.1:8765/feed.xml", url=LOCAL, link=LOCAL)
    poll = FeedPoll(feed_url=item.feed_url, name="Harbour Gazette", status="ok", items=[item])
    with open_ingest(tmp_path / "news.duckdb") as con:
        poll_records.record_polls(con, [poll])
        load.store_batch(con, ProcessedBatch(articles=[article]), [], run_id="r1")
        assert con.execute("SELECT publisher FROM articles").fetchone() == (None,)
        assert con.execute("SELECT source, publisher FROM article_info").fetchone() == (
            "Harbour Gazette",
            "Harbour Gazette",
        )


def test_wordpress_feed_link_and_logo_title_name_the_outlet_despite_their_extra_words() -> None:
    article = _extract(
        head="<title>Global Voices Online » Harbour dredging approved</title>"
        "<link rel='alternate' type='application/rss+xml' href='/feed/' "
        "title='Global Voices Online Overall RSS 2.0 Feed (everything)'>"
        "<link rel='alternate' type='application/rss+xml' href='/comments/feed/' "
        "title='Global Voices Online Comments RSS 2.0 Feed'>",
        top="<a href='/'><img id='logo' src='/img/gvo-logo-lg.png' "
        "alt='Global Voices Online - The world is talking. Are you listening?'></a>",
    )
    assert article.publisher == "Global Voices Online"


def test_the_word_copyright_in_a_sentence_is_not_a_copyright_line() -> None:
    html = (
        "<html><body><p>The bill would protect copyright companies, critics said.</p>"
        "<p>Copyright 2009 Harbour Gazette. All rights reserved.</p></body></html>"
    )
    tree = load_html(html)
    signals = read_name_signals(tree, {}, None)
    assert [s.name for s in signals if s.kind == "copyright"] == ["Harbour Gazette"]


def test_a_title_of_thousands_of_parts_gives_only_its_first_few_as_signals() -> None:
    title = "Harbour Gazette - " + " - ".join(f"Section {i}" for i in range(5000)) + " - End"
    signals = read_name_signals(load_html("<html><body><p>x</p></body></html>"), {}, title)
    parts = [s.name for s in signals if s.kind in ("title_part", "title_whole")]
    assert parts[0] == "Harbour Gazette"
    assert len(parts) <= MAX_TITLE_PARTS


def test_a_site_name_spelled_as_a_domain_names_the_outlet_of_a_local_page() -> None:
    branded = _extract(
        head="<title>Harbour dredging approved - PanHarbour.Net</title>"
        "<meta property='og:site_name' content='PanHarbour.Net'>",
        top="<a href='/'><img src='/i/logo.gif' alt='PanHarbour Network'></a>",
        foot="<div>© 2025 PanHarbour Network</div>",
    )
    assert branded.publisher == "PanHarbour.Net"  # as the site spells itself, not the logo
    lowercase = _extract(head="<meta property='og:site_name' content='panharbour.net'>")
    assert lowercase.publisher == "panharbour.net"
