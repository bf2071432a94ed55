"""Golden tests of article extraction on the fixture news site, plus hostile and empty pages.

The fixture pages and their expected output live side by side in tests/fixtures/site
(``expected.json``): a diff in body, metadata or canonical URL is a regression.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsflow.tasks.extract.article import (
    MAX_ELEMENTS,
    MAX_HTML_CHARS,
    NO_TEXT,
    extract_article,
)
from newsflow.tasks.fetch.charset import decode_html
from newsflow.tasks.fetch.urls import article_id_for
from newsflow.tasks.records import Article, PageFailure

SITE = Path(__file__).parent / "fixtures" / "site"
EXPECTED = json.loads((SITE / "expected.json").read_text(encoding="utf-8"))
BASE = "http://127.0.0.1:8765"
PARAGRAPHS = "".join(
    f"<p>On day {i} the city council debated budget line {i * 7}, and members agreed "
    f"after a long argument that measure {i * 3} would be put to a public vote.</p>"
    for i in range(12)
)


def _fixture_article(path: str) -> Article:
    body = (SITE / path).read_bytes()
    result = extract_article(decode_html(body, None), url=f"{BASE}/{path}")
    assert isinstance(result, Article), result
    return result


def _page(head: str = "", body: str = PARAGRAPHS) -> str:
    return f"<!DOCTYPE html><html lang='en'><head>{head}</head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize("path", sorted(EXPECTED["pages"]))
def test_body_has_the_article_and_none_of_the_boilerplate(path: str) -> None:
    want = EXPECTED["pages"][path]
    text = _fixture_article(path).text
    for sentence in want["body_must"]:
        assert sentence in text
    for boilerplate in want["body_must_not"]:
        assert boilerplate not in text
    assert not text.startswith(want["title"]), "headline repeated as body text"


@pytest.mark.parametrize("path", sorted(EXPECTED["pages"]))
def test_metadata_matches_the_page(path: str) -> None:
    want = EXPECTED["pages"][path]
    article = _fixture_article(path)
    assert article.title == want["title"]
    assert article.author == want["author"]
    assert article.published_at is not None
    assert article.published_at.isoformat() == want["published"]
    assert article.sitename == EXPECTED["sitename"]
    assert article.language == EXPECTED["language"]
    assert article.url == BASE + want["canonical"]
    assert article.page_url == f"{BASE}/{path}"
    assert article.article_id == article_id_for(article.url)


def test_canonical_link_that_differs_from_the_served_url_becomes_the_story_url() -> None:
    article = _fixture_article("business/ecb-rates-decision-live.html")
    assert article.url == f"{BASE}/business/2025/04/17/ecb-holds-rates-signals-patience.html"
    assert article.article_id != article_id_for(article.page_url)


def test_windows_1252_page_decoded_by_the_fetch_layer_keeps_its_typography() -> None:
    path = "climate/2025/11/22/methane-pledge-summit.html"
    raw = (SITE / path).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is cp1252 bytes
    article = _fixture_article(path)
    assert article.author == "Inès Moreau"
    assert article.title == "Summit’s methane pledge falls short of scientists’ hopes"
    assert "“Nobody here got everything they wanted,” he said." in article.text
    assert "€3.8bn" in article.text
    assert "\ufffd" not in article.text


def test_page_without_text_is_a_permanent_failure() -> None:
    shell = (
        "<html><head><title>Loading…</title></head>"
        "<body><div id='app'></div><script>window.render()</script></body></html>"
    )
    result = extract_article(shell, url=f"{BASE}/news/app")
    assert isinstance(result, PageFailure)
    assert result.reason == NO_TEXT
    assert result.retryable is False
    assert result.url == f"{BASE}/news/app"


@pytest.mark.parametrize("html", ["", "   \n", "<html></html>"])
def test_empty_input_is_a_failure_not_an_exception(html: str) -> None:
    result = extract_article(html, url=f"{BASE}/news/empty")
    assert isinstance(result, PageFailure)
    assert not result.retryable


@pytest.mark.timeout(60)
def test_deeply_nested_page_fails_cleanly() -> None:
    html = "<html><body>" + "<div>" * 50_000 + PARAGRAPHS + "</div>" * 50_000 + "</body></html>"
    result = extract_article(html, url=f"{BASE}/news/deep")
    assert isinstance(result, PageFailure)
    assert "nested too deeply" in result.reason


@pytest.mark.timeout(60)
def test_page_with_too_many_elements_fails_cleanly() -> None:
    html = _page(body="<span>x</span>" * (MAX_ELEMENTS + 10) + PARAGRAPHS)
    result = extract_article(html, url=f"{BASE}/news/wide")
    assert isinstance(result, PageFailure)
    assert "too complex" in result.reason


@pytest.mark.timeout(600)  # a guard against a hang, generous for a loaded machine
@pytest.mark.slow  # trafilatura reads the 3 MB the page is cut to
def test_huge_page_is_truncated_and_still_yields_its_beginning() -> None:
    filler = "<p>Filler paragraph of a generated page that goes on and on and on.</p>" * 150_000
    tail = "<p>The last paragraph says the harbour bridge reopens on Monday morning.</p>"
    html = _page(body=PARAGRAPHS * 2 + filler + tail)
    assert len(html) > 3 * MAX_HTML_CHARS
    assert html.count("<p>") > MAX_ELEMENTS  # whole, the page would be refused as too complex
    result = extract_article(html, url=f"{BASE}/news/huge")
    assert isinstance(result, Article), result
    assert "measure 33 would be put to a public vote" in result.text
    assert "harbour bridge" not in result.text  # it lies past the cut: never parsed


def test_jsonld_article_body_is_used_when_the_markup_has_no_text() -> None:
    body = " ".join(f"Sentence {i} of the story told only in structured data." for i in range(8))
    head = (
        '<script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "headline": "Told in data", "articleBody": body})
        + "</script>"
    )
    result = extract_article(_page(head=head, body="<div id='app'></div>"), url=f"{BASE}/n/1")
    assert isinstance(result, Article)
    assert result.text == body
    assert result.title == "Told in data"


@pytest.mark.parametrize(
    ("href", "story_url"),
    [
        ("/news/2025/story.html?utm_source=x#top", f"{BASE}/news/2025/story.html"),
        ("https://evil.example.net/news/other.html", f"{BASE}/news/page.html"),
        ("/", f"{BASE}/news/page.html"),
        ("mailto:desk@example.com", f"{BASE}/news/page.html"),
    ],
    ids=["relative-with-tracking", "other-site", "home-page", "not-http"],
)
def test_only_same_site_canonical_links_are_trusted(href: str, story_url: str) -> None:
    html = _page(head=f'<link rel="canonical" href="{href}">')
    result = extract_article(html, url=f"{BASE}/news/page.html")
    assert isinstance(result, Article)
    assert result.url == story_url
    assert result.article_id == article_id_for(story_url)


def test_same_site_canonical_on_another_subdomain_is_trusted() -> None:
    html = _page(head='<link rel="canonical" href="https://www.herald.example.co.uk/a/b.html">')
    result = extract_article(html, url="https://amp.herald.example.co.uk/a/b.amp.html")
    assert isinstance(result, Article)
    assert result.url == "https://www.herald.example.co.uk/a/b.html"


def test_og_url_is_used_when_there_is_no_canonical_link() -> None:
    html = _page(head=f'<meta property="og:url" content="{BASE}/news/real.html">')
    result = extract_article(html, url=f"{BASE}/news/page.html?page=1")
    assert isinstance(result, Article)
    assert result.url == f"{BASE}/news/real.html"


def test_publication_time_is_converted_to_naive_utc_and_future_dates_rejected() -> None:
    head = '<meta property="article:published_time" content="2025-01-02T01:30:00+05:30">'
    article = extract_article(_page(head=head), url=f"{BASE}/n/2")
    assert isinstance(article, Article)
    assert article.published_at == datetime(2025, 1, 1, 20, 0)

    fetched = datetime(2025, 1, 10, tzinfo=timezone(timedelta(hours=2)))
    future = '<meta property="article:published_time" content="2031-01-01T00:00:00Z">'
    article = extract_article(_page(head=future), url=f"{BASE}/n/3", fetched_at=fetched)
    assert isinstance(article, Article)
    assert article.published_at is None or article.published_at <= datetime(2025, 1, 10)
    assert article.fetched_at == datetime(2025, 1, 9, 22, 0)
    assert article.fetched_at.tzinfo is None


def test_undeclared_language_stays_unknown() -> None:
    html = _page().replace(" lang='en'", "")
    article = extract_article(html, url=f"{BASE}/n/4")
    assert isinstance(article, Article)
    assert article.language is None


def test_invalid_page_url_is_reported() -> None:
    result = extract_article(_page(), url="ftp://example.com/x")
    assert isinstance(result, PageFailure)
    assert "bad page url" in result.reason


def test_headline_link_lists_and_copyright_tail_are_not_body_text() -> None:
    body = (
        "<h1>Council puts budget measures to a public vote</h1>"
        + PARAGRAPHS
        + "<ul><li>Parks: 2 million</li><li>Roads: 5 million</li></ul>"
        + "<ul><li><a href='/a'>Another story about the council</a></li>"
        + "<li><a href='/b'>Mayor resigns after vote</a></li></ul>"
        + "<p>Related: <a href='/c'>How the budget works</a></p>"
        + "<p>© 2025 Gazette Media. All rights reserved.</p>"
    )
    head = "<title>Council puts budget measures to a public vote | Gazette</title>"
    article = extract_article(_page(head=head, body=body), url=f"{BASE}/n/6")
    assert isinstance(article, Article)
    assert article.text.startswith("On day 0 the city council debated budget line 0")
    assert "Roads: 5 million" in article.text
    for boilerplate in ("Mayor resigns", "How the budget works", "All rights reserved"):
        assert boilerplate not in article.text
    assert article.title == "Council puts budget measures to a public vote"
