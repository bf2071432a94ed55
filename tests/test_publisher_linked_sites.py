"""Publisher of a page served from 127.0.0.1 that names its outlet only once (#12, item 4).

Served from a host that names nothing, a page's lone copyright line, logo, home link or
``<title>`` could name a parent company or a partner as well as the outlet. The page's own
links still point at its site: a name that spells a domain the page links to more than once
is the site's, as it would be on the page's own address; a short ``<h1>`` above the
headline (the masthead) picks the site's name out of a "Story - Site - Slogan" title. Each
page is served from 127.0.0.1 and fetched as an ingest fetches it. The names are invented.
"""

from __future__ import annotations

from harbour_story import PARAGRAPHS, served_article
from pytest_httpserver import HTTPServer

from newsflow.tasks.records import Article


def _served(
    server: HTTPServer,
    path: str,
    footer: str,
    title: str = "Harbour dredging approved",
    h1: str = "<h1>Harbour dredging approved</h1>",
    nav: str = "",
) -> Article:
    html = (
        f"<!DOCTYPE html><html lang='de'><head><title>{title}</title></head><body>"
        f"<nav>{nav}</nav><article>{h1}{PARAGRAPHS}</article>"
        f"<footer>{footer}</footer></body></html>"
    )
    return served_article(server, path, html)


def _links(site: str, count: int) -> str:
    return "".join(f"<a href='https://www.{site}/page-{n}'>Page {n}</a> " for n in range(count))


def test_a_copyright_holder_spelling_a_domain_the_page_links_to_names_it(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/holder",
        "<p>&copy; 2019 Team QUAYWORKS DIGITAL. All rights reserved.</p>",
        nav=_links("quayworks-digital.de", 3),
    )
    assert (article.publisher, article.publisher_source) == ("QUAYWORKS DIGITAL", "page")


def test_a_home_links_text_names_the_site_it_leads_to(server: HTTPServer) -> None:
    nav = "<a href='http://www.quaylii.org.nz/'>QuayLII</a> &gt;&gt; " + _links("quaylii.org.nz", 2)
    article = _served(server, "/home-link", "", nav=nav)
    assert article.publisher == "QuayLII"


def test_a_title_other_than_the_headline_spelling_a_linked_domain_names_it(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/person",
        "",
        title="Mira Halvorsen",
        h1="<h1>Harbour dredging approved. Mira Halvorsen visits the quay.</h1>",
        nav=_links("mira-halvorsen.at", 2),
    )
    assert article.publisher == "Mira Halvorsen"


def test_a_holder_whose_domain_is_linked_once_stays_unnamed(server: HTTPServer) -> None:
    article = _served(
        server,
        "/partner",
        "<p>&copy; 2019 Harbour Holdings</p>"
        "<a href='https://www.harbourholdings.com/'>Harbour Holdings</a>",
    )
    assert (article.publisher, article.publisher_source) == (None, "domain")


def test_a_parent_company_beside_a_title_suffix_is_no_publisher(server: HTTPServer) -> None:
    article = _served(
        server,
        "/parent",
        "<p>&copy; 2019 Quaymedia Group</p>" + _links("quaymedia.com", 2),
        title="Harbour dredging approved - Daily Quay",
    )
    assert (article.publisher, article.publisher_source) == (None, "domain")


def test_the_headlines_subject_linked_often_is_no_publisher(server: HTTPServer) -> None:
    article = _served(
        server,
        "/subject",
        "",
        title="Quaygit tips for the harbour office",
        h1="<h1>Quaygit tips for the harbour office</h1>",
        nav=_links("quaygit.com", 4),
    )
    assert (article.publisher, article.publisher_source) == (None, "domain")


def test_no_part_of_a_title_that_is_the_headline_names_the_site(server: HTTPServer) -> None:
    article = _served(
        server,
        "/draft",
        "",
        title="draft-quay-harbour-04 - harbourStore",
        h1="<h1>draft-quay-harbour-04 - harbourStore</h1>",
        nav=_links("harbourstore.io", 3),
    )
    assert (article.publisher, article.publisher_source) == (None, "domain")


def test_a_masthead_heading_names_the_title_part_before_a_slogan(server: HTTPServer) -> None:
    article = _served(
        server,
        "/masthead",
        "",
        title="Quay app 2.0 approved - Quay Notes - Harbour News",
        h1="<h1>Quay Notes</h1><h2>Ports, ferries and dredgers</h2><h1>Quay app 2.0 approved</h1>",
    )
    # a general extractor takes "Quay app 2.0 approved - Quay Notes" for the site's name
    assert article.title == "Quay app 2.0 approved"
    assert article.publisher == "Quay Notes"
