"""Publisher, headline and authors of pages shaped like old libraries' real test pages (#12).

Each page is served from 127.0.0.1 (a host that names nothing) and fetched as an ingest
fetches it, so only the page can name its outlet: a ``<title>`` ending in a host name, a
site name followed by a tagline, the site's name put before the headline, a copyright
holder that is a company, a reader account widget beside the byline. The names are invented.
"""

from __future__ import annotations

from harbour_story import PARAGRAPHS, served_article
from pytest_httpserver import HTTPServer

from newsflow.tasks.records import Article


def _served(
    server: HTTPServer,
    path: str,
    title: str,
    h1: str = "<h1>Harbour dredging approved</h1>",
    head: str = "",
    header: str = "",
    footer: str = "",
) -> Article:
    html = (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head><body>"
        f"<header>{header}</header><article>{h1}{PARAGRAPHS}</article>"
        f"<footer>{footer}</footer></body></html>"
    )
    return served_article(server, path, html)


def test_a_title_ending_in_a_host_name_loses_it_whatever_host_serves_the_page(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/host-suffix",
        "Harbour dredging approved - hirek.quayport.hu",
        h1="<h1>Storm season</h1>",  # a kicker above the story, not its headline
        # the general extractor takes its site name from here, not from the title's suffix
        head="<meta name='copyright' content='Copyright (c) 2007 Quay Portal Kft.'>",
    )
    assert article.title == "Harbour dredging approved"


def test_the_name_the_footer_and_title_agree_on_leaves_the_headline(server: HTTPServer) -> None:
    # a feed named like the title's section ties the title's parts: the footer settles it
    article = _served(
        server,
        "/personal",
        "Harbour dredging approved | Notes | Mira Halvorsen",
        h1="<h1>Hi, I'm Mira.</h1>",
        head="<link rel='alternate' type='application/rss+xml' title='Notes' href='/notes.xml'>",
        footer="<p>&copy; 2012 Mira Halvorsen</p>",
    )
    assert article.title == "Harbour dredging approved"
    assert article.publisher == "Mira Halvorsen"


def test_a_site_name_followed_by_a_tagline_after_a_comma_is_the_name(server: HTTPServer) -> None:
    article = _served(
        server, "/tagline", "Harbour dredging approved - Quaypedia, the free harbour almanac"
    )
    assert article.publisher == "Quaypedia"


def test_the_site_name_put_before_the_headline_names_the_site(server: HTTPServer) -> None:
    article = _served(server, "/lead", "QHB \u2014 Harbour dredging approved")
    assert (article.publisher, article.title) == ("QHB", "Harbour dredging approved")
    kicker = _served(server, "/kicker", "Exclusive \u2014 Harbour dredging approved")
    assert kicker.publisher is None  # a label over the story names no site


def test_a_company_holding_the_copyright_is_no_author(server: HTTPServer) -> None:
    article = _served(
        server,
        "/company",
        "Harbour dredging approved",
        head=(
            "<meta name='author' content='Jane Roe'><meta name='author' content='Grupa Quay Media'>"
        ),
        footer="<div><span>&copy; 2016 Grupa Quay Media S.A.</span></div>",
    )
    assert article.authors == ["Jane Roe"]


def test_the_account_widget_of_a_reader_not_signed_in_is_no_byline(server: HTTPServer) -> None:
    article = _served(
        server,
        "/widget",
        "Harbour dredging approved",
        header="<div id='nav-user'><span class='username'>Username</span></div>",
        h1=(
            "<h1>Harbour dredging approved</h1><span class='pb-byline'>By "
            "<a href='/people/jane-roe'>Jane Roe</a></span>"
        ),
    )
    assert article.authors == ["Jane Roe"]


def test_a_share_buttons_logo_does_not_contradict_the_titles_site_name(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/share",
        "Harbour dredging approved | quaynotes",
        footer="<a href='https://reddit.com/submit'><img src='/i/reddit-logo.png' alt='Reddit'></a>",
    )
    assert article.publisher == "quaynotes"


def test_a_logo_labelled_home_does_not_contradict_the_titles_site_name(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/home-logo",
        "Harbour dredging approved | quaynotes",
        header="<a href='/'><img src='/i/logo.png' alt='Startseite'></a>",
    )
    assert article.publisher == "quaynotes"


def test_a_name_the_footer_and_title_agree_on_in_the_domains_own_words_names_the_site(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/club-own-address",
        "Quayhafener Ruderverein e.V.",
        head="<link rel='canonical' href='https://www.ruderclub-quayhafen.de/news/dredging'>",
        footer="<p>&copy; 2020 Quayhafener Ruderverein</p>",
    )
    assert (article.publisher, article.publisher_source) == ("Quayhafener Ruderverein", "page")


def test_a_feed_link_spelling_the_domain_names_the_site_as_written(server: HTTPServer) -> None:
    article = _served(
        server,
        "/feed-link",
        "Harbour dredging approved",
        head=(
            "<link rel='canonical' href='https://blog.quaynotes.de/?p=959'>"
            "<link rel='alternate' type='application/rss+xml' title='QuayNotes | blog &raquo;"
            " Feed' href='https://blog.quaynotes.de/?feed=rss2'>"
        ),
    )
    assert article.publisher == "QuayNotes"


def test_a_by_line_citing_a_source_in_the_references_credits_no_author(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/references",
        "Harbour dredging approved",
        footer=(
            "<ol class='references'><li><span class='reference-text'>By Tom Roe, Quay"
            " Gazette. <a href='https://quay.example/dredging'>Dredging plan</a></span></li></ol>"
        ),
    )
    assert article.authors == []
