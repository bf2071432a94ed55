"""Hostile credits and markup on the metadata paths: cleaned, capped, never a lost article.

A feed may list a thousand authors or write markup and control characters into one; a
page's JSON-LD may nest past the parser's depth or put a number where a name belongs; a
byline may hold only a social handle. The article is still extracted, and nothing but whole,
clean names is credited. The names are invented.
"""

from __future__ import annotations

import json

import pytest
from harbour_story import FETCHED, LOCAL, PARAGRAPHS

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.fetch.feeds import parse_feed_document
from newsflow.tasks.records import Article
from newsflow.tasks.text import CAPS

_DC = "xmlns:dc='http://purl.org/dc/elements/1.1/'"


def _feed_author(credit: str) -> str | None:
    feed = (
        f"<?xml version='1.0'?><rss version='2.0' {_DC}><channel><title>Harbour Gazette"
        f"</title><item><title>Story</title><link>https://harbour.example/1</link>{credit}"
        "</item></channel></rss>"
    )
    [item] = parse_feed_document(feed.encode(), "https://harbour.example/rss").items
    return item.author


def _article(head: str = "", byline: str = "") -> Article:
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Harbour dredging approved</title>"
        f"{head}</head><body><article><h1>Harbour dredging approved</h1>{byline}{PARAGRAPHS}"
        "</article></body></html>"
    )
    article = extract_article(html, url=LOCAL, fetched_at=FETCHED)
    assert isinstance(article, Article), article
    return article


def test_a_thousand_feed_authors_are_capped_at_whole_names() -> None:
    names = [f"Reporter Number{i}" for i in range(1000)]
    author = _feed_author("".join(f"<dc:creator>{name}</dc:creator>" for name in names))
    assert author is not None and len(author) <= CAPS["author"]
    credited = author.split("; ")
    assert credited == names[: len(credited)]  # whole names, in order: none cut in half
    assert len(credited) > 1


def test_markup_and_control_characters_in_a_feed_author_are_cleaned() -> None:
    markup = "<dc:creator>&lt;a href='/staff/mh'&gt;Mira &lt;b&gt;Halvorsen&lt;/b&gt;&lt;/a&gt;</dc:creator>"
    assert _feed_author(markup) == "Mira Halvorsen"
    assert _feed_author("<dc:creator>Mira\u0007 Halvorsen\u200b</dc:creator>") == "Mira Halvorsen"
    huge = _feed_author(f"<author>{'Mira Halvorsen ' * 5000}</author>")
    assert huge is not None and len(huge) <= CAPS["author"]


def test_jsonld_nested_past_the_parser_depth_costs_nothing_but_itself() -> None:
    deep = "[" * 20_000 + "]" * 20_000
    article = _article(f"<script type='application/ld+json'>{deep}</script>")
    assert "harbour board" in article.text


@pytest.mark.parametrize(
    "data",
    [
        {"@type": "NewsArticle", "publisher": 42, "author": 7},
        {"@type": "NewsArticle", "publisher": {"name": 42}, "author": {"name": [1, None, {}]}},
        {"@type": "NewsArticle", "author": [{"@type": "Person", "name": ["", "  "]}]},
    ],
)
def test_numbers_and_empty_values_where_names_belong_name_nobody(data: object) -> None:
    article = _article(f"<script type='application/ld+json'>{json.dumps(data)}</script>")
    assert article.authors == []
    assert article.publisher is None  # served from 127.0.0.1: nothing else names it


def test_a_publisher_list_names_its_first_outlet() -> None:
    data = {"@type": "NewsArticle", "publisher": ["Quay Times", {"name": "Coastal Network"}]}
    article = _article(f"<script type='application/ld+json'>{json.dumps(data)}</script>")
    assert article.publisher == "Quay Times"


@pytest.mark.parametrize("byline", ["By @mirahalvorsen", "@mirahalvorsen", "By", "Written by:"])
def test_a_byline_of_a_handle_or_a_bare_label_credits_nobody(byline: str) -> None:
    assert _article(byline=f"<p class='byline'>{byline}</p>").authors == []
