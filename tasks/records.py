"""Typed records that cross stage boundaries: feeds -> fetch -> extract -> nlp -> load.

Each stage takes and returns these plain dataclasses, so the data's shape is visible where
it moves between functions, processes and Prefect tasks (they pickle cheaply).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

PollStatus = Literal["ok", "unchanged", "failed"]
# What listed a story: a feed, a (news) sitemap, a feed's sitemap fallback, a backfill walk
# or a WARC file.
SourceKind = Literal["feed", "sitemap", "news_sitemap", "sitemap_fallback", "backfill", "warc"]
# What a configured source URL turned out to be (detected from its content).
FeedKind = Literal["feed", "sitemap", "sitemap_index", "news_sitemap"]
QuoteKind = Literal["direct", "mixed", "indirect"]


@dataclass(kw_only=True, slots=True)
class FeedState:
    """What we remember about a feed between polls (conditional GET validators)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    next_poll_at: datetime | None = None  # naive UTC; None = poll at the next run
    # For a sitemap index: child sitemap URL -> the <lastmod> it had when last read.
    sitemap_children: dict[str, str] = field(default_factory=dict)
    failure_streak: int = 0  # failed polls in a row before this one
    fallback_sitemap: str | None = None  # the sitemap "auto" found for the feed last time


@dataclass(kw_only=True, slots=True)
class FeedItem:
    """One entry of a parsed feed; ``url`` is absolute and canonicalised."""

    feed_url: str
    url: str
    link: str
    guid: str | None = None
    title: str | None = None
    published_at: datetime | None = None  # naive UTC
    summary: str | None = None
    source_kind: SourceKind = "feed"
    lastmod: datetime | None = None  # sitemap <lastmod>, naive UTC
    keywords: str | None = None  # news:keywords
    language: str | None = None  # news:language
    author: str | None = None  # RSS <author> / <dc:creator>, Atom <author>, as written


@dataclass(kw_only=True, slots=True)
class SitemapChild:
    """A child sitemap an index listed, and what reading it gave this time."""

    url: str
    lastmod: str | None = None  # as the index wrote it
    status: Literal["read", "unchanged", "failed", "deferred"] = "read"
    urls: int = 0
    error: str | None = None


@dataclass(kw_only=True, slots=True)
class FeedPoll:
    """The outcome of polling one feed once."""

    feed_url: str
    name: str
    status: PollStatus
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    bytes: int = 0
    seconds: float = 0.0
    error: str | None = None
    items: list[FeedItem] = field(default_factory=list)
    polled_at: datetime | None = None  # naive UTC
    # What the server and the feed say about polling again (seconds), for the schedule:
    ttl_seconds: float | None = None  # RSS <ttl> or sy:updatePeriod/updateFrequency
    max_age_seconds: float | None = None  # Cache-Control: max-age
    retry_after_seconds: float | None = None  # Retry-After of a 429/503
    kind: FeedKind = "feed"
    children: list[SitemapChild] = field(default_factory=list)  # of a sitemap index
    fallback_url: str | None = None  # the sitemap read because the feed was empty or failing
    title: str | None = None  # the feed's channel title, as the feed writes it


@dataclass(kw_only=True, slots=True)
class FetchedPage:
    """A fetched HTML page, or the reason it could not be fetched (``error`` set)."""

    url: str  # the canonical item URL we asked for (key of the ``pages`` table)
    final_url: str | None = None  # after redirects
    http_status: int | None = None
    content_type: str | None = None
    html: str | None = None
    error: str | None = None
    retryable: bool = False
    fetched_at: datetime | None = None  # naive UTC
    retry_after: float | None = None  # seconds the server asked us to wait (429/503)
    # Title of the feed that listed the page: extraction's last-resort publisher signal.
    feed_title: str | None = None
    # Author the feed item credits: extraction's author when the page credits nobody.
    feed_author: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.html is not None


@dataclass(kw_only=True, slots=True)
class Article:
    """Clean article text and metadata extracted from one page."""

    article_id: str
    url: str  # canonical URL of the story (page's rel=canonical when present)
    page_url: str  # the item URL that led to it
    title: str | None
    text: str
    author: str | None = None
    published_at: datetime | None = None  # naive UTC
    language: str | None = None
    sitename: str | None = None
    description: str | None = None
    fetched_at: datetime | None = None  # naive UTC
    # Credited people in byline order (the agency when no person is credited); ``author``
    # is their display string.
    authors: list[str] = field(default_factory=list)
    # outlet name the page states, else its registrable domain (None for an IP or localhost)
    publisher: str | None = None
    publisher_source: str | None = None  # page | feed | domain
    published_at_source: str | None = None  # jsonld | time_element | meta | dateline | ...
    published_precision: str | None = None  # second | minute | day
    published_at_rejected: datetime | None = None  # an implausible claim, kept as a flag
    modified_at: datetime | None = None  # naive UTC
    is_accessible_for_free: bool | None = None  # JSON-LD paywall flag
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None
    # Embedded posts the body kept, as direct quotes of their account (tasks.extract.embeds).
    embedded_quotes: list[Quote] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class Mention:
    """A named-entity mention; offsets index into ``Article.text``."""

    text: str
    label: str
    canonical: str
    start_char: int
    end_char: int


@dataclass(kw_only=True, slots=True)
class Quote:
    """A quote and its speaker; offsets index into ``Article.text``.

    ``kind``: direct (``quote`` holds only the quoted words, the fragments of a quote split
    around its attribution joined by a space), mixed (a reported clause with quoted words
    inside: ``quote`` is the clause, ``verbatim`` the quoted words) or indirect (no quotation
    marks). ``start_char``/``end_char`` cover the whole span, attribution included.
    """

    quote: str
    speaker: str | None
    kind: QuoteKind
    start_char: int
    end_char: int
    cue: str | None = None
    speaker_label: str | None = None  # PERSON, ORG or GROUP; None when the speaker is unknown
    verbatim: str | None = None  # the words inside the quotation marks (direct and mixed)
    fragments: list[Fragment] = field(default_factory=list)  # where those words are


@dataclass(kw_only=True, slots=True)
class Fragment:
    """One run of quoted words (without the marks); offsets index into ``Article.text``."""

    text: str
    start_char: int
    end_char: int


@dataclass(kw_only=True, slots=True)
class Analysis:
    """Entities and quotes of one text, with what produced them (stored as lineage)."""

    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    extractor_version: str | None = None  # newsflow.tasks.nlp.pipeline.EXTRACTOR_VERSION
    model: str | None = None  # spaCy pipeline and version, e.g. en_core_web_sm-3.8.0
    language: str | None = None  # ISO 639-1 code detected from the text; None when unknown


@dataclass(kw_only=True, slots=True)
class PageFailure:
    """A page that yielded no article, with the reason (kept in ``pages``)."""

    url: str
    reason: str
    retryable: bool
    http_status: int | None = None
    retry_after: float | None = None  # seconds the server asked us to wait (429/503)


@dataclass(kw_only=True, slots=True)
class ProcessedBatch:
    """What the CPU stage returns for a batch of fetched pages: ready to load."""

    articles: list[Article] = field(default_factory=list)
    analyses: dict[str, Analysis] = field(default_factory=dict)  # by article_id
    failures: list[PageFailure] = field(default_factory=list)
    extract_seconds: float = 0.0
    nlp_seconds: float = 0.0
