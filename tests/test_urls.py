"""One spelling per story: the same article reached through different links gets one key."""

from __future__ import annotations

import re

import pytest

from newsflow.tasks.fetch.urls import article_id_for, canonicalize_url, unwrap_redirector


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://News.Example.COM:80/World/Story.html", "http://news.example.com/World/Story.html"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/caf%c3%a9/%7Euser", "https://example.com/caf%C3%A9/~user"),
        ("https://example.com/café", "https://example.com/caf%C3%A9"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("  https://example.com/a\n", "https://example.com/a"),
    ],
)
def test_canonical_form(raw: str, expected: str) -> None:
    assert canonicalize_url(raw) == expected


def test_tracking_params_are_dropped_and_the_rest_sorted() -> None:
    url = (
        "https://example.com/story?utm_source=rss&b=2&fbclid=abc&a=1&gclid=x"
        "&mc_cid=1&mc_eid=2&igshid=3&_ga=4&ref=rss&utm_Medium=feed&a=0"
    )
    # Repeated names keep their order: a=1 came before a=0.
    assert canonicalize_url(url) == "https://example.com/story?a=1&a=0&b=2"


def test_document_identifying_params_are_kept_with_their_spelling() -> None:
    url = "https://example.com/noticia.php?id=010150200813&artigo=a%2Fb&page=2"
    assert (
        canonicalize_url(url)
        == "https://example.com/noticia.php?artigo=a%2Fb&id=010150200813&page=2"
    )


def test_path_case_is_kept() -> None:
    assert canonicalize_url("https://EXAMPLE.com/News/Story") == "https://example.com/News/Story"


def test_relative_links_resolve_against_base() -> None:
    base = "https://example.com/feeds/world.xml"
    assert canonicalize_url("../2024/story.html", base) == "https://example.com/2024/story.html"
    assert canonicalize_url("/abs?utm_campaign=x", base) == "https://example.com/abs"
    assert canonicalize_url("//cdn.example.org/x", base) == "https://cdn.example.org/x"


def test_canonicalization_is_idempotent() -> None:
    once = canonicalize_url("HTTP://Ex.com:80/a/../B?z=1&utm_x=2&a=%7e#f")
    assert canonicalize_url(once) == once


@pytest.mark.parametrize(
    "bad",
    [
        "mailto:desk@example.com",
        "javascript:alert(1)",
        "/relative/only",
        "ftp://x/y",
        "http:///nohost",
        "http://example.com:99999/",
    ],
)
def test_unusable_urls_raise_a_clear_error(bad: str) -> None:
    with pytest.raises(ValueError, match="URL"):
        canonicalize_url(bad)


def test_article_id_is_short_stable_and_ignores_noise() -> None:
    a = article_id_for("https://example.com/story?utm_source=twitter#top")
    b = article_id_for("HTTPS://EXAMPLE.COM:443/story")
    assert a == b
    assert re.fullmatch(r"[0-9a-f]{16}", a), a
    assert article_id_for("https://example.com/other-story") != a


def test_google_alerts_wrapper_is_unwrapped() -> None:
    wrapped = (
        "https://www.google.com/url?rct=j&sa=t&url=https://investorplace.com/2019/07/slack/&ct=ga"
    )
    assert unwrap_redirector(wrapped) == "https://investorplace.com/2019/07/slack/"
    plain = "https://www.google.com/search?q=x"
    assert unwrap_redirector(plain) == plain
