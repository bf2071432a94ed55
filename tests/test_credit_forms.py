"""Credits as feeds and pages write them, by form rather than by outlet, and hostile text.

The forms come from real feeds (RSS ``<author>`` e-mails, "X in Place", "Surname, I.");
names are invented.
"""

from __future__ import annotations

import html as html_text
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nethelpers import fast_settings
from pytest_httpserver import HTTPServer

from newsflow.config.settings import NlpSettings
from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.extract.bylines import choose_authors, credited_authors
from newsflow.tasks.extract.publisher import PublisherSources, choose_publisher
from newsflow.tasks.extract.site_names import channel_name
from newsflow.tasks.fetch.pages import fetch_pages
from newsflow.tasks.load import store
from newsflow.tasks.process import process_pages
from newsflow.tasks.records import Article
from newsflow.tasks.text import is_clean
from newsflow.warehouse.db import connect_published, open_ingest, publish


@pytest.mark.parametrize(
    ("byline", "people"),
    [
        ("desk@example-news.it (Carla Bruni)", ["Carla Bruni"]),  # RSS 2.0 <author>
        ("Dan Oyelaran in Lagos", ["Dan Oyelaran"]),
        ("Mia Kort in Halifax, Canada", ["Mia Kort"]),
        ("Ana Ruiz in Quito and Piet Bos in Lima", ["Ana Ruiz", "Piet Bos"]),
        ("Lena Ohm Environment editor", ["Lena Ohm"]),
        ("Rui Sal, AP Science Writer", ["Rui Sal"]),
        ("Kim Tal (morning), Jo Lind and Abe Moss (evening)", ["Kim Tal", "Jo Lind", "Abe Moss"]),
        ("Henry Ward III", ["Henry Ward III"]),
        ("Okafor, C. N.", ["C. N. Okafor"]),
        ("Baum, E., Rossi-Lanz, P.-L.", ["E. Baum", "P.-L. Rossi-Lanz"]),
        # a run of initials is no name; reading it must not backtrack without end
        ("Okafor, " + "C. " * 40, ["Okafor"]),
        ("Okafor, " + "C. " * 40 + "x", ["Okafor"]),
        ("Jane Roe, MS, RDN", ["Jane Roe"]),  # letters after a full name are a degree
        ("Staff and agencies", []),
        ("Editorial", ["Editorial"]),  # a desk credit stands only as the whole credit
        ("news-desk@example.com", []),
        ("Jane ( Roe", ["Jane Roe"]),  # a bracket with no partner is no part of a name
        ("Jane Roe ((( and [John Doe", ["Jane Roe", "John Doe"]),
    ],
)
def test_byline_forms(byline: str, people: list[str]) -> None:
    assert credited_authors([[byline]]) == people


@pytest.mark.parametrize(
    ("title", "host", "publisher"),
    [
        ("Northwind Gazette – World", "127.0.0.1", "Northwind Gazette"),
        ("x - x - x", "127.0.0.1", None),  # a placeholder, repeated: no outlet
        ("x", "127.0.0.1", None),
        ("Harbour News - Harbour News", "127.0.0.1", None),
        ("Latest news", "127.0.0.1", None),
        ("quaySide Subject Collection: Genomics", "quayside.org", "quaySide"),
        ("Everything Quayside", "blog.quayside.com", "Quayside"),
        ("RSS Feed do Site Notícias Rápidas", "www.noticiasrapidas.com.br", "Notícias Rápidas"),
        ("Diário de Lisboa - Últimas", "www.dl.pt", "Diário de Lisboa"),
        ("Alerts - Widgets", "www.unrelated.example", None),
    ],
)
def test_channel_title_names_the_outlet_only_when_it_can(
    title: str, host: str, publisher: str | None
) -> None:
    assert channel_name(title, [], host) == publisher


_HOSTILE = st.text(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from("\u200b\u202e()@,;&|-–:."),
    max_size=200,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_HOSTILE, max_size=4), _HOSTILE, _HOSTILE)
def test_credit_parsers_take_any_text(bylines: list[str], title: str, outlet: str) -> None:
    people = choose_authors([bylines], bylines, outlet or None, page_text=title)
    assert all(isinstance(name, str) and name.strip() for name in people)
    for host in ("127.0.0.1", "news.example.com"):
        named = channel_name(title, [], host)
        assert named is None or named.strip()
    publisher = choose_publisher(
        PublisherSources(
            site_name=outlet,
            jsonld_publishers=[title],
            title_tag=title,
            headline=None,
            application_name=outlet,
            url=f"http://news.example.com/{len(title)}",
        )
    )
    assert publisher is None or isinstance(publisher, str)


def test_names_hidden_by_invisible_marks_are_stored_and_found_whole(
    server: HTTPServer, tmp_path: Path, model: str
) -> None:
    # The lead sits outside the body container, so it is restored from the page itself:
    # text the body extractor never normalised.
    lead = (
        "Finance minister Jo\u200bhn Hartley and opposition leader \u2067Maria Castellanos"
        "\u2069 agreed on Monday that the harbour levy would be cut by half before winter."
    )
    paragraphs = "".join(
        f"<p>On day {i} the port council debated budget line {i * 7}, and members agreed "
        f"after a long argument that measure {i * 3} would be put to a public vote.</p>"
        for i in range(8)
    )
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Harbour levy halved</title></head><body>"
        f"<div class='page'><article><h1>Harbour levy halved</h1><p>{lead}</p>"
        "<div class='article-body'><p><em>Subscribe to our newsletter today!</em></p>"
        f"{paragraphs}</div></article></div></body></html>"
    )
    server.expect_request("/levy").respond_with_data(html, content_type="text/html")
    [page] = fetch_pages([server.url_for("/levy")], fast_settings())
    batch = process_pages([page], NlpSettings(model=model))
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        store.store_batch(con, batch, [], run_id="run-1")
    publish(db)
    con = connect_published(db)
    try:
        [(text,)] = con.execute("SELECT text FROM articles").fetchall()
        people = {
            row[0]
            for row in con.execute(
                "SELECT text FROM entity_mentions WHERE label = 'PERSON'"
            ).fetchall()
        }
    finally:
        con.close()
    assert text.startswith("Finance minister John Hartley and opposition leader Maria Castellanos")
    assert is_clean(text) and not {"\u200b", "\u2067", "\u2069"} & set(text)
    assert {"John Hartley", "Maria Castellanos"} <= people


_BODY = "".join(
    f"<p>On day {i} the port council debated budget line {i * 7}, and members agreed after "
    f"a long argument that measure {i * 3} would be put to a public vote.</p>"
    for i in range(6)
)


def _article(head: str, byline: str = "", footer: str = "") -> list[str]:
    html = (
        f"<!DOCTYPE html><html lang='en'><head><title>Levy vote</title>{head}</head><body>"
        f"<article><h1>Levy vote</h1>{byline}{_BODY}</article><footer>{footer}</footer>"
        "</body></html>"
    )
    article = extract_article(html, url="https://harbour-news.example/2025/levy-vote")
    assert isinstance(article, Article), article
    return article.authors


def _jsonld(data: object) -> str:
    text = json.dumps(data).replace("</", "<\\/")  # a "</script>" inside must not end it
    return f"<script type='application/ld+json'>{text}</script>"


def test_an_author_given_by_reference_in_a_graph_is_read() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "NewsArticle", "headline": "Levy vote", "author": {"@id": "#p1"}},
            {"@type": "Person", "@id": "#p1", "name": "Oskar Lindqvist"},
        ],
    }
    assert _article(_jsonld(graph)) == ["Oskar Lindqvist"]


def test_a_referenced_account_does_not_outrank_the_byline_readers_see() -> None:
    # SEO plugins fill the graph's Person from the CMS account that posted the story.
    graph = {
        "@graph": [
            {"@type": "NewsArticle", "headline": "Levy vote", "author": {"@id": "#p1"}},
            {"@type": "Person", "@id": "#p1", "name": "Web Producer"},
        ]
    }
    byline = "<p class='byline'>By Oskar Lindqvist</p>"
    assert _article(_jsonld(graph), byline) == ["Oskar Lindqvist"]


def test_an_author_typed_organization_is_a_credit_not_a_person() -> None:
    data = {
        "@type": "NewsArticle",
        "headline": "Levy vote",
        "author": [
            {"@type": "Organization", "name": "Baltic Wire Service"},
            {"@type": "Person", "name": "Oskar Lindqvist"},
        ],
    }
    assert _article(_jsonld(data)) == ["Oskar Lindqvist"]
    data["author"] = {"@type": "Organization", "name": "Baltic Wire Service"}
    assert _article(_jsonld(data)) == ["Baltic Wire Service"]  # the only credit


def test_article_author_counts_as_a_name_never_as_a_profile_url() -> None:
    name = "<meta property='article:author' content='Oskar Lindqvist'>"
    url = "<meta property='article:author' content='https://www.facebook.com/harbournews'>"
    assert _article(name) == ["Oskar Lindqvist"]
    assert _article(url) == []


def test_the_copyright_holder_credited_as_author_is_no_person() -> None:
    head = "<meta name='author' content='Meridian Holdings'>"
    byline = "<p class='byline'>By Oskar Lindqvist</p>"
    footer = "<p>© 2025 Meridian Holdings. All rights reserved.</p>"
    assert _article(head, byline, footer) == ["Oskar Lindqvist"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _HOSTILE,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["@id", "@type", "name", "url", "x"]), children, max_size=4
        )
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON, _JSON, _HOSTILE)
def test_any_jsonld_credit_leaves_the_page_readable(
    author: object, publisher: object, meta: str
) -> None:
    data = {
        "@graph": [
            {"@type": "NewsArticle", "@id": "#a", "author": author, "publisher": publisher},
            {"@type": "Person", "@id": "#a", "name": meta, "author": {"@id": "#a"}},
        ]
    }
    head = _jsonld(data) + f'<meta property="article:author" content="{html_text.escape(meta)}">'
    html = (
        f"<html><head><title>Levy vote</title>{head}</head><body><article><h1>Levy vote"
        f"</h1>{_BODY}</article></body></html>"
    )
    article = extract_article(html, url="https://harbour-news.example/2025/levy-vote")
    assert isinstance(article, Article)
    assert all(is_clean(name) and name.strip() for name in article.authors)
    assert is_clean(article.publisher) and is_clean(article.author)
