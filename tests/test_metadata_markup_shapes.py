"""Author and publisher markup in the shapes other extraction libraries' test pages show.

Each page is served from 127.0.0.1 (a host that names no outlet) and fetched as an ingest
fetches it, so only the markup under test can credit anyone or name the publisher. The
shapes come from real pages (a JSON-LD Person naming two people, a template's trailing
comma, a URL where the publisher's name belongs, an "author" box in a photo caption, a
pull quote or a sidebar); the names are invented.
"""

from __future__ import annotations

import json

import pytest
from harbour_story import PARAGRAPHS, served_article
from nethelpers import fast_settings
from pytest_httpserver import HTTPServer

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.fetch.pages import fetch_pages
from newsflow.tasks.records import Article


def _served(
    server: HTTPServer,
    path: str,
    head: str = "",
    body: str = "",
    title: str = "Harbour dredging approved",
) -> Article:
    html = (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>"
        f"{head}</head><body><article><h1>Harbour dredging approved</h1>{body}{PARAGRAPHS}"
        "</article></body></html>"
    )
    return served_article(server, path, html)


def _jsonld(data: object) -> str:
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


def test_a_person_node_naming_two_people_credits_both(server: HTTPServer) -> None:
    data = {
        "@type": "NewsArticle",
        "headline": "Harbour dredging approved",
        "author": [{"@type": "Person", "name": ["Oskar Lindqvist", "Mira Halvorsen"]}],
    }
    article = _served(server, "/two-names", _jsonld(data))
    assert article.authors == ["Oskar Lindqvist", "Mira Halvorsen"]


def test_a_stray_mark_before_a_jsonld_name_is_not_part_of_it(server: HTTPServer) -> None:
    data = {
        "@type": "NewsArticle",
        "author": [
            {"@type": "Person", "name": "Oskar Lindqvist"},
            {"@type": "Person", "name": "\u00bf\tmira Halvorsen"},
        ],
    }
    article = _served(server, "/stray-mark", _jsonld(data))
    assert article.authors == ["Oskar Lindqvist", "Mira Halvorsen"]


def test_a_trailing_comma_does_not_hide_the_jsonld_block(server: HTTPServer) -> None:
    # The author too: a broken block's publisher alone is still read (see the last test).
    head = (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "publisher": '
        '{"@type": "NewsMediaOrganization", "name": "Harbour Gazette",}, "author": '
        '[{"@type": "Person", "name": "Mira Halvorsen"},],}</script>'
    )
    article = _served(server, "/trailing-comma", head)
    assert (article.publisher, article.authors) == ("Harbour Gazette", ["Mira Halvorsen"])


def test_a_url_in_the_publisher_name_names_no_outlet(server: HTTPServer) -> None:
    data = {
        "@type": "NewsArticle",
        "publisher": {"@type": "Organization", "name": "https://www.harbour-gazette.example"},
    }
    article = _served(server, "/url-publisher", _jsonld(data))
    assert article.publisher is None  # 127.0.0.1 names nothing either


@pytest.mark.parametrize(
    "box",
    [
        "<figure><img src='/dredger.jpg'><div class='author'>Per Nygaard</div></figure>",
        "<div class='pullquote'><p>We waited long enough.</p>"
        "<p class='quote-author'>Per Nygaard</p></div>",
        "<div class='sidebar'><span class='author'>Per Nygaard</span></div>",
    ],
)
def test_an_author_box_in_a_caption_quote_or_sidebar_credits_nobody(
    server: HTTPServer, box: str
) -> None:
    byline = "<p class='byline'>By Oskar Lindqvist</p>"
    assert _served(server, "/box", body=box).authors == []
    assert _served(server, "/box-and-byline", body=byline + box).authors == ["Oskar Lindqvist"]


def _publisher_jsonld(name: str) -> str:
    return _jsonld({"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": name}})


def test_two_sources_agreeing_on_the_outlet_beat_one(server: HTTPServer) -> None:
    # og:site_name names the network; the JSON-LD publisher and the title's suffix agree
    # on the paper.
    network = "<meta property='og:site_name' content='Coastal Network'>"
    title = "Harbour dredging approved - Quay Times"
    alone = _served(server, "/network-alone", network)
    assert alone.publisher == "Coastal Network"
    one = _served(server, "/network-and-jsonld", network + _publisher_jsonld("Quay Times"))
    assert one.publisher == "Coastal Network"  # one against one: the order decides
    two = _served(
        server, "/network-and-two", network + _publisher_jsonld("Quay Times"), title=title
    )
    assert two.publisher == "Quay Times"


def test_one_outlet_spelled_two_ways_is_no_disagreement(server: HTTPServer) -> None:
    site = "<meta property='og:site_name' content='Quay'>"
    title = "Harbour dredging approved - Quay.com"
    article = _served(server, "/spellings", site + _publisher_jsonld("Quay.com"), title=title)
    assert article.publisher == "Quay"


def test_rival_outlets_sharing_a_masthead_word_still_disagree(server: HTTPServer) -> None:
    # A portal's "Metro News" copy of "Quay Daily News"'s story: "News" in both names does
    # not make them one outlet, so the paper's two agreeing sources win.
    site = "<meta property='og:site_name' content='Metro News'>"
    title = "Harbour dredging approved - Quay Daily News"
    article = _served(
        server, "/rival-news", site + _publisher_jsonld("Quay Daily News"), title=title
    )
    assert article.publisher == "Quay Daily News"


def test_a_section_as_site_name_is_not_the_publisher(server: HTTPServer) -> None:
    section = "<meta property='og:site_name' content='Politics'>"
    assert _served(server, "/section-alone", section).publisher is None
    both = _served(server, "/section-and-jsonld", section + _publisher_jsonld("Quay Times"))
    assert both.publisher == "Quay Times"
    outlet = "<meta property='og:site_name' content='National Post'>"  # section words, an outlet
    assert _served(server, "/outlet-of-section-words", outlet).publisher == "National Post"


def test_a_page_served_from_a_host_and_port_never_names_it(server: HTTPServer) -> None:
    article = _served(server, "/no-name")
    assert article.publisher is None
    assert article.sitename is None  # not "127.0.0.1:PORT"


def _headline(server: HTTPServer, path: str, title: str, head: str, h1s: list[str]) -> str | None:
    headings = "".join(f"<h1>{h}</h1>" for h in h1s)
    html = (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head><body>"
        f"<header>{headings[: headings.index('</h1>') + 5]}</header><article>"
        f"{headings[headings.index('</h1>') + 5 :]}{PARAGRAPHS}</article></body></html>"
        if len(h1s) > 1
        else f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head><body>"
        f"<article>{headings}{PARAGRAPHS}</article></body></html>"
    )
    server.expect_request(path).respond_with_data(html, content_type="text/html")
    [page] = fetch_pages([server.url_for(path)], fast_settings())
    article = extract_article(page.html or "", url=page.url)
    assert isinstance(article, Article), article
    return article.title


def test_a_logo_heading_matching_the_title_suffix_is_not_the_headline(server: HTTPServer) -> None:
    # the suffix is too long for the logo's one word to be recognised as the site's name
    title = "Harbour dredging approved by the port board | Kystposten Nyheter fra Vestland"
    got = _headline(
        server, "/logo-h1", title, "", ["Kystposten", "Harbour dredging approved by the port board"]
    )
    assert got == "Harbour dredging approved by the port board"


def test_a_site_name_glued_to_the_heading_is_cut(server: HTTPServer) -> None:
    site = "<meta property='og:site_name' content='Quay Times'>"
    title = "Harbour dredging approved » Local » News » Quay Times"
    h1 = "Harbour dredging approved<span class='brand'>Quay Times</span>"
    assert _headline(server, "/glued", title, site, [h1]) == "Harbour dredging approved"


def test_a_title_running_on_into_the_site_name_does_not_extend_the_heading(
    server: HTTPServer,
) -> None:
    head = (
        "<meta property='og:site_name' content='Quay Times'>"
        "<meta property='og:title' content='Harbour dredging approved'>"
    )
    title = "Harbour dredging approved photo 1 World news: Quay Times"
    got = _headline(
        server, "/runs-on", title, head, ["World news: Quay Times", "Harbour dredging approved"]
    )
    assert got == "Harbour dredging approved"


@pytest.mark.parametrize(
    ("meta", "publisher"),
    [
        ("<meta property='article:publisher' content='Harbour Gazette'>", "Harbour Gazette"),
        ("<meta name='article:publisher' content='Harbour Gazette'>", "Harbour Gazette"),
        ("<meta property='article:publisher' content='https://www.facebook.com/gazette'>", None),
    ],
)
def test_article_publisher_names_the_outlet_when_it_is_a_name(
    server: HTTPServer, meta: str, publisher: str | None
) -> None:
    assert _served(server, "/article-publisher", meta).publisher == publisher


def test_a_jsonld_block_broken_by_its_body_still_names_its_publisher(server: HTTPServer) -> None:
    broken = (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "publisher": '
        '{"@type": "Organization", "name": "Harbour Gazette", "logo": {"url": "/l.png"}}, '
        '"articleBody": "<p>See <a href="/x">the plan</a></p>"}</script>'
    )
    assert _served(server, "/broken-jsonld", broken).publisher == "Harbour Gazette"
