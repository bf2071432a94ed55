"""Publisher named by the site's own statements outside the usual metadata (#12, item 4).

A WordPress site's SEO plugin writes the site's name into a JSON-LD ``WebSite`` node of an
``@graph`` and nothing into ``og:site_name``; a small site's footer credits its team in a
copyright line whose words spell the domain. Each page is served from 127.0.0.1 and fetched
as an ingest fetches it; its canonical link gives the site's own address. Names invented.
"""

from __future__ import annotations

import json

from harbour_story import PARAGRAPHS, served_article
from pytest_httpserver import HTTPServer

from newsflow.tasks.records import Article

SITE = "https://www.quaynotes.de/"


def _served(
    server: HTTPServer, path: str, canonical: str, *, graph: list[dict] = (), footer: str = ""
) -> Article:
    script = (
        "<script type='application/ld+json'>"
        + json.dumps({"@context": "https://schema.org", "@graph": list(graph)})
        + "</script>"
        if graph
        else ""
    )
    html = (
        "<!DOCTYPE html><html lang='de'><head><title>Harbour dredging approved</title>"
        f"<link rel='canonical' href='{canonical}'>{script}</head><body>"
        f"<article><h1>Harbour dredging approved</h1>{PARAGRAPHS}</article>"
        f"<footer>{footer}</footer></body></html>"
    )
    return served_article(server, path, html)


def _website(name: str, url: str = SITE) -> dict:
    return {"@type": "WebSite", "@id": f"{url}#website", "url": url, "name": name}


def _webpage(url: str) -> dict:
    return {"@type": "WebPage", "@id": url, "url": url, "name": "Harbour dredging approved"}


def test_the_sites_website_node_names_the_publisher(server: HTTPServer) -> None:
    url = SITE + "2024/dredging/"
    article = _served(server, "/yoast", url, graph=[_webpage(url), _website("Harbour Ledger")])
    assert (article.publisher, article.publisher_source) == ("Harbour Ledger", "page")


def test_a_website_node_holding_a_slogan_names_no_publisher(server: HTTPServer) -> None:
    url = SITE + "2024/slogan/"
    slogan = _website("News and views from the harbour every single day")
    article = _served(server, "/slogan", url, graph=[_webpage(url), slogan])
    assert (article.publisher, article.publisher_source) == ("quaynotes.de", "domain")


def test_another_sites_website_node_names_no_publisher(server: HTTPServer) -> None:
    url = SITE + "2024/partner/"
    partner = _website("Partner Network", "https://www.partner-network.com/")
    article = _served(server, "/partner", url, graph=[_webpage(url), partner])
    assert (article.publisher, article.publisher_source) == ("quaynotes.de", "domain")


def test_a_copyright_holder_spelling_the_domain_names_the_site(server: HTTPServer) -> None:
    article = _served(
        server,
        "/team",
        "https://www.harbour-ledger.de/2024/dredging/",
        footer="<p>© 2024 Team HARBOUR LEDGER | Impressum | Datenschutz</p>",
    )
    assert (article.publisher, article.publisher_source) == ("HARBOUR LEDGER", "page")


def test_a_logo_text_spelling_the_domain_names_the_site(server: HTTPServer) -> None:
    article = _served(
        server,
        "/logo",
        "https://www.harbourledger.de/2024/dredging/",
        footer="<a href='/'><img src='/img/logo.png' alt='Harbour Ledger'></a>",
    )
    assert (article.publisher, article.publisher_source) == ("Harbour Ledger", "page")


def test_a_holder_named_after_the_domains_one_word_is_no_site_name(server: HTTPServer) -> None:
    # "Landeshauptstadt Quayport" on quayport.de: the city the holder is named after.
    article = _served(
        server,
        "/city",
        "https://www.quayport.de/rathaus/dredging/",
        footer="<p>© 2024 Landeshauptstadt Quayport</p>",
    )
    assert (article.publisher, article.publisher_source) == ("quayport.de", "domain")
