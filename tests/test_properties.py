"""Property-based checks of the input boundary (issue #11): arbitrary bytes and Unicode never
raise past feed parsing, page decoding, metadata, extraction, the NLP entry point or the
loader, and every text that comes out (and is stored) is valid, clean UTF-8."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml.html import document_fromstring

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.extract.metadata import read_page_metadata
from newsflow.tasks.fetch.charset import decode_html
from newsflow.tasks.fetch.feeds import parse_feed
from newsflow.tasks.load import poll_records
from newsflow.tasks.load.isolate import store_isolating
from newsflow.tasks.records import Article, FeedItem, FeedPoll, PageFailure, ProcessedBatch
from newsflow.tasks.text import CAPS, clean_text, is_clean
from newsflow.warehouse.db import open_ingest

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Any code point, lone surrogates and controls included.
ANY_TEXT = st.text(alphabet=st.characters(codec=None, min_codepoint=0), max_size=200)
CHARREFS = st.integers(min_value=0, max_value=0x11FFFF).map(lambda code: f"&#x{code:X};")


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


@FAST
@given(st.binary(max_size=2000))
def test_parse_feed_takes_any_bytes(content: bytes) -> None:
    items, error = parse_feed(content, "http://a.example/feed")
    assert error is None or isinstance(error, str)
    for item in items:
        assert all(is_clean(v) for v in (item.title, item.summary, item.guid, item.link))


@FAST
@given(st.lists(st.one_of(ANY_TEXT.map(_xml_text), CHARREFS), min_size=1, max_size=6))
def test_feed_items_with_any_title_come_out_clean(parts: list[str]) -> None:
    title = "".join(parts)
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{title}</title><link>http://a.example/1</link></item>"
        "<item><title>ok</title><link>http://a.example/2</link></item></channel></rss>"
    ).encode("utf-8", "surrogatepass")
    items, _ = parse_feed(rss, "http://a.example/feed")
    assert "http://a.example/2" in [item.url for item in items]  # the rest of the feed kept
    for item in items:
        assert is_clean(item.title) and len(item.title or "") <= CAPS["title"]


ODD_LABELS = ["idna", "punycode", "utf-7", "rot13", "undefined", "hz", "base64", "utf-32", "zlib"]
LABELS = st.one_of(st.none(), st.text(max_size=20), st.sampled_from(ODD_LABELS))


@FAST
@given(st.binary(max_size=3000), LABELS, LABELS)
def test_decode_html_takes_any_bytes_and_label(
    content: bytes, declared: str | None, meta: str | None
) -> None:
    if meta is not None and meta.isascii() and '"' not in meta:
        content = f'<meta charset="{meta}">'.encode() + content
    assert isinstance(decode_html(content, declared), str)


@FAST
@given(ANY_TEXT, ANY_TEXT)
def test_metadata_from_any_jsonld_and_meta_is_clean(headline: str, meta: str) -> None:
    block = json.dumps({"@type": "NewsArticle", "headline": headline, "articleBody": meta})
    html = (
        f"<html><head><title>{_xml_text(meta)}</title>"
        f'<script type="application/ld+json">{block}</script></head><body><h1>x</h1></body></html>'
    )
    tree = document_fromstring(clean_text(html, 10**6) or "<html></html>")
    page = read_page_metadata(tree)
    assert is_clean(page.headline) and all(is_clean(t) for t in page.titles)
    assert all(is_clean(b) for b in page.jsonld_bodies)


@FAST
@given(ANY_TEXT, st.lists(ANY_TEXT, min_size=1, max_size=5))
def test_extract_article_takes_any_text(title: str, paragraphs: list[str]) -> None:
    body = "".join(
        f"<p>{_xml_text(p)} the harbour reopened on Monday after repairs.</p>" for p in paragraphs
    )
    html = f"<html><head><title>{_xml_text(title)}</title></head><body><article>{body}</article></body></html>"
    result = extract_article(html, url="http://a.example/story")
    assert isinstance(result, Article | PageFailure)
    if isinstance(result, Article):
        fields = (result.title, result.text, result.author, result.sitename, result.description)
        assert all(is_clean(value) for value in fields)


@pytest.fixture(scope="module")
def nlp_model() -> str:
    from newsflow.config.settings import NlpSettings

    return NlpSettings().model


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(ANY_TEXT, min_size=1, max_size=4))
def test_the_nlp_entry_point_takes_any_clean_text(nlp_model: str, texts: list[str]) -> None:
    from newsflow.tasks.nlp.pipeline import analyze_texts

    cleaned = [clean_text(text, CAPS["text"]) or "" for text in texts]
    analyses = analyze_texts(cleaned, model=nlp_model)
    assert len(analyses) == len(cleaned)
    for text, analysis in zip(cleaned, analyses, strict=True):
        for mention in analysis.mentions:
            assert 0 <= mention.start_char <= mention.end_char <= len(text)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_ingest(tmp_path_factory.mktemp("props") / "news.duckdb") as con:
        yield con


_counter = iter(range(10**9))


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT)
def test_the_loader_never_raises_on_any_unicode(
    warehouse: duckdb.DuckDBPyConnection, title: str, text: str, author: str
) -> None:
    n = next(_counter)
    url = f"http://a.example/{n}"
    article = Article(
        article_id=f"id-{n}", url=url, page_url=url, title=title, text=text or "x", author=author
    )
    con = warehouse
    poll = FeedPoll(
        feed_url="http://a.example/feed",
        name="A",
        status="ok",
        items=[FeedItem(feed_url="http://a.example/feed", url=url, link=url)],
        polled_at=datetime(2025, 1, 1),
    )
    poll_records.record_polls(con, [poll], run_id="r")
    counts = store_isolating(con, ProcessedBatch(articles=[article]), [], run_id="r")
    [(status,)] = con.execute("SELECT status FROM pages WHERE page_url = ?", [url]).fetchall()
    stored = con.execute(
        "SELECT title, text, author FROM articles WHERE article_id = ?", [article.article_id]
    ).fetchall()
    assert counts.articles + counts.failures == 1
    assert status == ("ok" if counts.articles else "failed")
    for row in stored:  # whatever DuckDB accepted reads back as valid text
        assert all(value is None or isinstance(value, str) for value in row)
        for value in row:
            (value or "").encode("utf-8")
