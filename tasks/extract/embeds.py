"""Embedded social posts (tweets, Instagram posts) as direct quotes of the account's owner.

An embedded post is the author's own words, shown verbatim: readers take it as a quote,
and the quote annotator cannot see who wrote it (there is no "said" or quotation mark).
The embed's markup names the account ("— Arvind Kejriwal (@ArvindKejriwal)", "A post
shared by Name (@handle)"), so extraction records each post here and, once the body text
is final, turns the ones the body kept into ``Quote`` records with offsets into it.

The extractor drops some embeds outright (a wrapper classed ``embed`` or ``social`` reads
as boilerplate to it). Such a post is put back into the body as its own lines, after the
paragraph that preceded it on the page, so the quote is not lost with the markup.
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
ANCHOR_MIN_WORDS = 5  # a paragraph with fewer words is no place to find again
ANCHOR_WORDS = 12


@dataclass(frozen=True, slots=True)
class EmbeddedPost:
    """The words of one embedded post and the account that wrote them."""

    text: str
    speaker: str  # the name the embed gives, else "@handle"
    handle: str
    after: str = ""  # the last words of the paragraph before the embed: where it goes back


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
            EmbeddedPost(
                text=text,
                speaker=name or f"@{match['handle']}",
                handle=match["handle"],
                after=_preceding_words(element),
            )
        )
    return posts


def restore_posts(body: str, posts: list[EmbeddedPost]) -> str:
    """``body`` with each post it lost put back after the paragraph that preceded it.

    A post goes back as its text and a credit line ("— Name (@handle)"), as the embed shows
    it. A post whose place cannot be found in the body stays out: a quote out of place
    would be misread.
    """
    for post in posts:
        if not post.after or _find(post.text, body) is not None:
            continue
        anchor = _find(post.after, body)
        if anchor is None:
            continue
        end = body.find("\n", anchor.end())
        end = len(body) if end < 0 else end
        credit = f"— {post.speaker} (@{post.handle})"
        body = f"{body[:end]}\n{post.text}\n{credit}{body[end:]}"
    return body


def _preceding_words(element: HtmlElement) -> str:
    """The last words of the nearest paragraph before ``element`` with a few words."""
    for paragraph in element.xpath("preceding::p[position() <= 5]")[::-1]:
        words = _WORD.findall(paragraph.text_content())
        if len(words) >= ANCHOR_MIN_WORDS:
            return " ".join(words[-ANCHOR_WORDS:])
    return ""


def _find(text: str, body: str, start: int = 0) -> re.Match[str] | None:
    words = _WORD.findall(text)[:MAX_MATCH_WORDS]
    if not words:
        return None
    return re.compile(r"\W+".join(re.escape(w) for w in words)).search(body, start)


def post_quotes(posts: list[EmbeddedPost], body: str) -> list[Quote]:
    """A direct quote for each post the body kept, its span found whatever the spacing."""
    quotes: list[Quote] = []
    taken = 0
    for post in posts:
        match = _find(post.text, body, taken) or _find(post.text, body)
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
