"""Publisher of pages shaped like the small sites of other libraries' test pages (#12, item 4).

Clubs, blogs and personal sites often state no ``og:site_name`` or JSON-LD publisher; their
``<title>`` still names them ("Quay Rowing Club | Story", "Story « Quay Notes"), and the
domain spells the same name without its spaces. Each page is served from 127.0.0.1 and
fetched as an ingest fetches it; its canonical link gives the site's own address. The names
are invented.
"""

from __future__ import annotations

import pytest
from harbour_story import PARAGRAPHS, served_article
from pytest_httpserver import HTTPServer

from newsflow.tasks.records import Article


def _served(
    server: HTTPServer,
    path: str,
    title: str,
    canonical: str | None,
    h1: str = "<h1>Harbour dredging approved</h1>",
    header: str = "",
    head: str = "",
) -> Article:
    link = f"<link rel='canonical' href='{canonical}'>" if canonical else ""
    html = (
        f"<!DOCTYPE html><html lang='de'><head><title>{title}</title>{link}{head}</head><body>"
        f"<header>{header}</header><article>{h1}{PARAGRAPHS}</article></body></html>"
    )
    return served_article(server, path, html)


def test_a_title_leading_with_the_site_name_names_it_as_written(server: HTTPServer) -> None:
    article = _served(
        server,
        "/club",
        "Quay Rowing Club 1990 e. V. | Harbour dredging approved",
        "https://www.quay-rowingclub.de/news/dredging",
    )
    assert (article.publisher, article.publisher_source) == ("Quay Rowing Club", "page")
    assert article.title == "Harbour dredging approved"


def test_a_person_named_by_the_domain_and_the_title_is_the_publisher(server: HTTPServer) -> None:
    article = _served(server, "/person", "Mira Halvorsen", "https://www.mira-halvorsen.at/dredging")
    assert article.publisher == "Mira Halvorsen"


def test_the_domain_mentioned_inside_the_headline_stays_the_domain(server: HTTPServer) -> None:
    article = _served(
        server,
        "/mention",
        "Harbour dredging approved by the city of Quayport",
        "https://www.quayport.de/rathaus/dredging",
    )
    assert (article.publisher, article.publisher_source) == ("quayport.de", "domain")


def test_a_blog_title_pointing_back_at_the_site_names_it(server: HTTPServer) -> None:
    article = _served(
        server,
        "/blog",
        "Harbour dredging approved &laquo; Quay Notes",
        "http://www.qnotes-blog.de/2012/dredging/",
    )
    assert article.publisher == "Quay Notes"
    pointer = _served(
        server,
        "/pointer",
        "Harbour dredging approved &lsaquo; Quay Notes",
        "http://www.qnotes-blog.de/2012/pointer/",
    )
    assert pointer.publisher == "Quay Notes"


def test_a_page_without_a_heading_still_names_the_blog_its_title_points_at(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/no-heading",
        "Harbour dredging approved &lsaquo; Quay Notes",
        "http://www.qnotes-blog.de/2012/no-heading/",
        h1="",
    )
    assert article.publisher == "Quay Notes"


def test_a_canonical_link_with_an_empty_host_label_names_no_outlet(server: HTTPServer) -> None:
    article = _served(
        server, "/vendor", "Harbour dredging approved", "https://.cms-vendor.de", h1=""
    )
    assert article.publisher is None


def test_a_quotation_in_guillemets_is_no_site_suffix(server: HTTPServer) -> None:
    article = _served(
        server,
        "/quote",
        "Le port dit &laquo; Quay Notes &raquo; aujourd'hui",
        "http://www.qnotes-blog.fr/2012/citation/",
    )
    assert article.publisher == "qnotes-blog.fr"


def test_a_logo_with_the_initials_of_the_title_suffix_confirms_it(server: HTTPServer) -> None:
    """Served from 127.0.0.1 with no canonical link: only the page can name its outlet."""
    article = _served(
        server,
        "/initials",
        "Harbour dredging approved - Quay Software Foundation",
        None,
        header="<a href='/'><img src='/img/qsf-logo.png' alt='QSF'></a>",
    )
    assert article.publisher == "Quay Software Foundation"
    other = _served(
        server,
        "/other-initials",
        "Harbour dredging approved - Quay Software Foundation",
        None,
        header="<a href='/'><img src='/img/logo.png' alt='QSN'></a>",
    )
    assert other.publisher is None


def test_a_publishing_systems_default_name_is_not_the_outlet(server: HTTPServer) -> None:
    article = _served(
        server,
        "/default",
        "Harbour dredging approved",
        "https://www.quaytimes.com/2025/harbour",
        head="<meta property='og:site_name' content='WordPress'>"
        "<meta name='application-name' content='WordPress'>",
    )
    assert (article.publisher, article.publisher_source) == ("quaytimes.com", "domain")
    own = _served(
        server,
        "/own",
        "Harbour dredging approved",
        "https://wordpress.org/news/2025/harbour",
        head="<meta property='og:site_name' content='WordPress'>",
    )
    assert own.publisher == "WordPress"


@pytest.mark.parametrize("suffix", ["Home", "Startseite"])
def test_a_title_ending_in_the_home_pages_name_names_no_outlet(
    server: HTTPServer, suffix: str
) -> None:
    article = _served(
        server,
        f"/home-{suffix}",
        f"Harbour dredging approved | {suffix}",
        "https://www.quaytimes.com/2025/harbour",
    )
    assert article.publisher == "quaytimes.com"


def test_a_blog_named_before_a_colon_in_the_title_names_itself(server: HTTPServer) -> None:
    article = _served(
        server,
        "/colon",
        "Quay Insider: Harbour dredging approved",
        "https://blog.quay.org/2016/12/harbour.html",
    )
    assert article.publisher == "Quay Insider"
    headline = _served(
        server,
        "/colon-headline",
        "Quay 3.6 released",
        "https://blog.quay.org/2016/12/release.html",
        h1="<h1>Quay 3.6 released</h1>",
    )
    assert headline.publisher == "Quay"  # the headline is no name; its word for the site is


def test_a_slogan_after_the_site_name_is_not_the_outlet(server: HTTPServer) -> None:
    article = _served(
        server,
        "/slogan",
        "Harbour dredging approved - Analyse - Quayview.de - Ihr unabhängiges Portal",
        "http://www.quayview.de/analyse/harbour",
    )
    assert article.publisher == "Quayview.de"
    assert article.title == "Harbour dredging approved"  # the h1, not the title's tail


def test_a_path_like_title_suffix_names_the_site_at_its_end(server: HTTPServer) -> None:
    article = _served(
        server,
        "/photo",
        "Harbour dredging approved – Foto 26034451 / Quaypix",
        "https://quaypix.example.com/photo/26034451/harbour",
    )
    assert article.publisher == "Quaypix"


def test_a_blog_on_a_hosting_platform_is_its_own_outlet(server: HTTPServer) -> None:
    article = _served(
        server,
        "/hosted",
        "Harbour dredging approved",
        "http://quaynotes.blogspot.com/2011/03/harbour.html",
    )
    assert (article.publisher, article.publisher_source) == (
        "quaynotes.blogspot.com",
        "domain",
    )


def test_a_stated_publisher_its_domain_confirms_beats_a_parent_company(
    server: HTTPServer,
) -> None:
    jsonld = (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "publisher": '
        '{"@type": "Organization", "name": "QuayPartner"}}</script>'
    )
    article = _served(
        server,
        "/parent",
        "Harbour dredging approved - quaypartner.de",
        "https://www.quaypartner.de/a/harbour,3050673",
        head=jsonld,
        header="<img src='/img/logo.png' alt='Quay Media Group'>"
        "<p>© 2019 Quay Media Group GmbH, München.</p>",
    )
    assert article.publisher == "QuayPartner"
