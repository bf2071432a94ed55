"""Publisher named by a part of ``<title>`` other than its suffix, confirmed elsewhere (#12, item 4).

Small sites put their name before a slogan ("Story | Quay Notes - Design . Rowing"), lead
with it ("Quay Notes: Story" on Blogger), title a home page with it alone, or follow it
with a comma ("QPA, Quay Port Authority"). A logo, a feed link or a copyright line that
says the same name confirms it. Each page is served from 127.0.0.1, fetched as an ingest
fetches it, so only the page can name its outlet. The names are invented.
"""

from __future__ import annotations

from harbour_story import PARAGRAPHS, served_article
from pytest_httpserver import HTTPServer

from newsflow.tasks.records import Article


def _served(server: HTTPServer, path: str, title: str, head: str = "", header: str = "") -> Article:
    html = (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head><body>"
        f"<header>{header}</header><article><h1>Harbour dredging approved</h1>{PARAGRAPHS}"
        "</article></body></html>"
    )
    return served_article(server, path, html)


def _logo(name: str) -> str:
    return f"<a href='/'><img class='site-logo' src='/logo.png' alt='{name}'></a>"


def test_the_site_name_before_a_slogan_in_the_title_is_confirmed_by_the_logo(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/slogan",
        "Harbour dredging approved | Quay Notes - Webdesign . Rowing . Training",
        header=_logo("Quay Notes"),
    )
    assert (article.publisher, article.publisher_source) == ("Quay Notes", "page")
    assert article.title == "Harbour dredging approved"


def test_a_home_page_titled_with_the_site_name_alone_is_named_by_it(server: HTTPServer) -> None:
    article = _served(server, "/home", "QUAYWORKS", header=_logo("Quayworks"))
    assert article.publisher == "QUAYWORKS"


def test_the_name_before_a_comma_in_the_title_suffix_is_confirmed_by_the_logo(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/comma",
        "Harbour dredging approved – QPA, Harbour Authority of Quayport",
        header=_logo("QPA"),
    )
    assert article.publisher == "QPA"


def test_a_hosted_blog_is_named_by_its_title_not_its_account(server: HTTPServer) -> None:
    head = (
        "<link rel='canonical' href='http://qnotes1987.blogspot.com/2011/03/dredging.html'>"
        "<link rel='alternate' type='application/rss+xml' title='Quay Notes - RSS'"
        " href='/feeds/posts/default?alt=rss'>"
    )
    article = _served(server, "/blogger", "Quay Notes: Harbour dredging approved", head=head)
    assert (article.publisher, article.publisher_source) == ("Quay Notes", "page")


def test_a_section_leading_the_title_names_no_outlet(server: HTTPServer) -> None:
    head = "<link rel='alternate' type='application/rss+xml' title='Blog' href='/feed'>"
    article = _served(server, "/section", "Blog - Harbour dredging approved", head=head)
    assert article.publisher is None


def test_the_sites_organization_is_its_publisher_when_the_copyright_line_names_it(
    server: HTTPServer,
) -> None:
    head = (
        '<script type=\'application/ld+json\'>{"@context": "https://schema.org",'
        ' "@type": "Organization", "name": "QUAYWORKS AG",'
        ' "url": "https://www.quayworks.ch/"}</script>'
    )
    footer = "<footer><p>© 2020 quayworks</p></footer>"
    article = _served(server, "/org", "Harbour dredging approved", head=head, header=footer)
    assert article.publisher == "QUAYWORKS AG"
    unconfirmed = _served(server, "/org-alone", "Harbour dredging approved", head=head)
    assert unconfirmed.publisher is None


def test_a_logo_naming_the_outlet_confirms_the_title_naming_its_desk(server: HTTPServer) -> None:
    article = _served(
        server,
        "/desk",
        "Harbour dredging approved - Quayport Lifestyle",
        header=_logo("Quayport.com"),
    )
    assert article.publisher == "Quayport Lifestyle"


def test_a_title_suffix_no_logo_or_copyright_line_contradicts_names_the_outlet(
    server: HTTPServer,
) -> None:
    article = _served(server, "/alone", "Harbour dredging approved - Les oreilles du port")
    assert (article.publisher, article.publisher_source) == ("Les oreilles du port", "page")
    contradicted = _served(
        server,
        "/contradicted",
        "Harbour dredging approved - Les oreilles du port",
        header="<footer><p>© 2025 Gray Media</p></footer>",
    )
    assert contradicted.publisher is None


def test_a_headline_leading_with_the_copyright_holder_is_not_the_outlet(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/headline",
        "Quayworks wins harbour contract",
        header="<footer><p>© 2025 Quayworks</p></footer>",
    )
    assert article.publisher is None


def test_title_parts_a_logo_repeats_cast_no_vote_against_the_stated_site_name(
    server: HTTPServer,
) -> None:
    article = _served(
        server,
        "/stated",
        "Harbour Gazette | Harbour dredging approved",
        head="<meta property='og:site_name' content='Quay Notes'>",
        header=_logo("Harbour Gazette"),
    )
    assert article.publisher == "Quay Notes"
