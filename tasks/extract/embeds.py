"""Embedded social posts (tweets, Instagram posts) as direct quotes of the account's owner.

An embedded post is the author's own words, shown verbatim: readers take it as a quote,
and the quote annotator cannot see who wrote it (there is no "said" or quotation mark).
The embed's markup names the account ("— Arvind Kejriwal (@ArvindKejriwal)", "A post
shared by Name (@handle)"), so extraction records each post here and, once the body text
is final, turns the ones the body kept into ``Quote`` records with offsets into it.
This is the interface to the NLP stage: ``Article.embedded_quotes``, merged with the
quotes it finds (``merge_quotes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from newsflow.tasks.records import Fragment, Quote

_EMBED_CLASSES = re.compile(r"\b(twitter-tweet|instagram-media|tiktok-embed)\b")
_TWEET_BY = re.compile(r"[—–-]\s*(?P<name>[^()\n]{1,80}?)\s*\(@(?P<handle>\w{1,30})\)")
_SHARED_BY = re.compile(
    r"shared by\s+(?P<name>[^()\n]{0,80}?)\s*\(@(?P<handle>[\w.]{1,30})\)", re.I
)
_WORD = re.compile(r"\w+")
_HONORIFIC = re.compile(r"^(?:Rep|Sen|Gov|Dr|Mr|Mrs|Ms|Pres|Prof|Sir|Lord|Dame)\.?\s+")
MIN_WORDS = 3  # a post shorter than this ("pic.twitter.com/x") is no quote
MAX_MATCH_WORDS = 120


@dataclass(frozen=True, slots=True)
class EmbeddedPost:
    """The words of one embedded post and the account that wrote them."""

    text: str
    speaker: str  # the name the embed gives, else "@handle"
    handle: str


def embedded_posts(tree: HtmlElement) -> list[EmbeddedPost]:
    """Every embedded post in ``tree`` whose embed names its account, in page order."""
    posts: list[EmbeddedPost] = []
    for element in tree.iter("blockquote"):
        if not _EMBED_CLASSES.search(element.get("class") or ""):
            continue
        whole = " ".join(element.itertext())
        match = _TWEET_BY.search(whole) or _SHARED_BY.search(whole)
        if match is None:
            continue
        paragraphs = element.findall(".//p")
        text = " ".join(" ".join(p.itertext()) for p in paragraphs[:1]) if paragraphs else ""
        text = " ".join(text.split())
        if len(_WORD.findall(text)) < MIN_WORDS:
            continue
        name = _HONORIFIC.sub("", " ".join(match["name"].split()))
        posts.append(
            EmbeddedPost(text=text, speaker=name or f"@{match['handle']}", handle=match["handle"])
        )
    return posts


def post_quotes(posts: list[EmbeddedPost], body: str) -> list[Quote]:
    """A direct quote for each post the body kept, its span found whatever the spacing."""
    quotes: list[Quote] = []
    taken = 0
    for post in posts:
        words = _WORD.findall(post.text)[:MAX_MATCH_WORDS]
        pattern = re.compile(r"\W+".join(re.escape(w) for w in words))
        match = pattern.search(body, taken) or pattern.search(body)
        if match is None:
            continue
        words_said = body[match.start() : match.end()]
        quotes.append(
            Quote(
                quote=words_said,
                speaker=post.speaker,
                kind="direct",
                start_char=match.start(),
                end_char=match.end(),
                cue=None,
                verbatim=words_said,  # a post is its author's own words throughout
                fragments=[
                    Fragment(text=words_said, start_char=match.start(), end_char=match.end())
                ],
            )
        )
        taken = match.end()
    return quotes


def merge_quotes(found: list[Quote], embedded: list[Quote]) -> list[Quote]:
    """The NLP stage's quotes with the embedded posts; a post replaces what overlaps it.

    Inside a post the NLP stage sees no attribution, so what it found there has the wrong
    speaker or none.
    """
    kept = [
        q
        for q in found
        if all(q.end_char <= e.start_char or q.start_char >= e.end_char for e in embedded)
    ]
    return sorted(kept + list(embedded), key=lambda q: (q.start_char, q.end_char))
