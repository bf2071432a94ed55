"""Article body and metadata from a page's HTML: the extraction stage of the pipeline.

``extract_article`` is the one function the flow and ``bench/extraction.py`` both call, so
the benchmark measures exactly what ingestion stores. How the body is chosen (measured on
the article-extraction benchmark, see bench/extraction.py for the figures):

1. parse once with trafilatura's loader, read the markup's own facts (page_metadata), and
   drop link-only lists and readers' comment sections (cleanup);
2. run trafilatura twice without its readability/jusText fallback (``fast``): once
   favouring recall (also reading metadata), once favouring precision;
3. keep the precision text unless it lost more than ``PRECISION_MIN_SHARE`` of the recall
   text's words (then precision mode has cut real content), clean both first; a paywall's
   prompt closing the chosen text goes last (removed earlier, it would tip that choice);
4. if nothing usable is left, fall back to a JSON-LD ``articleBody`` of enough words.

Input is data from the internet: it is capped in size and element count, and any parser or
extractor error becomes a ``PageFailure`` with the reason, never an exception.
"""

from __future__ import annotations

import copy
import html as html_entities
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html

from newsflow.clock import utcnow
from newsflow.tasks.extract.bylines import (
    agency_in_dateline,
    choose_authors,
    credited_authors,
    handle_credit,
    signoff_credit,
)
from newsflow.tasks.extract.cleanup import (
    clean_body,
    drop_comment_sections,
    prune_link_lists,
    without_paywall_prompt,
)
from newsflow.tasks.extract.embeds import embedded_posts, post_quotes, restore_posts
from newsflow.tasks.extract.headline import choose_headline
from newsflow.tasks.extract.lead import blocks_after_headline, restore_lead
from newsflow.tasks.extract.metadata import (
    PageMetadata,
    choose_publication,
    read_page_metadata,
    trusted_canonical,
)
from newsflow.tasks.extract.publisher import (
    PublisherSources,
    choose_publisher,
    names_a_site,
    readable_domain,
)
from newsflow.tasks.extract.site_links import SiteLinks, read_site_links
from newsflow.tasks.extract.site_names import (
    TITLE_PART_KINDS,
    agreed_name,
    channel_name,
    read_name_signals,
)
from newsflow.tasks.extract.split_body import join_split_bodies
from newsflow.tasks.extract.timestamps import parse_stamp
from newsflow.tasks.extract.translations import keep_translations
from newsflow.tasks.fetch.urls import article_id_for, canonicalize_url
from newsflow.tasks.records import Article, PageFailure
from newsflow.tasks.text import CAPS, clean_field, clean_text

MAX_HTML_CHARS = 3_000_000  # longer input is truncated: no article needs more markup
MAX_ELEMENTS = 150_000  # a tree this big is a generated page, and trafilatura gets slow
PARSER_MAX_DEPTH = 255  # libxml2 stops reading HTML nested deeper than 256 elements
MIN_WORDS = 25  # fewer words of body text than this is not an article
PRECISION_MIN_SHARE = 0.6

NO_TEXT = "no extractable text"

_WORD = re.compile(r"\w+")
# Scripts written without spaces between words (Thai, Lao, Burmese, Khmer, Chinese, Japanese
# kana): a \w+ run there is a whole clause, so their letters are counted instead.
_UNSPACED = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff]"
)
UNSPACED_CHARS_PER_WORD = 2
_TAG = re.compile(r"<[^>]+>")
log = logging.getLogger(__name__)

for _name in ("trafilatura", "htmldate", "courlan"):  # they log every odd page at WARNING
    logging.getLogger(_name).setLevel(logging.ERROR)


def extract_article(
    html: str,
    *,
    url: str,
    fetched_at: datetime | None = None,
    feed_title: str | None = None,
    feed_author: str | None = None,
) -> Article | PageFailure:
    """The article in ``html`` (served at ``url``), or why there is none.

    ``feed_title`` is the channel title of the feed that listed the page: it names the
    publisher when the page itself names none (``site_names.channel_name``).

    ``Article.url`` is the page's canonical link when it is trustworthy (see
    ``page_metadata.trusted_canonical``), else ``url``; both are canonicalised, and
    ``article_id`` is derived from it. Dates are naive UTC.
    """
    try:
        page_url = canonicalize_url(url)
    except ValueError as err:
        return PageFailure(url=url, reason=f"bad page url: {err}", retryable=False)
    if not html or not html.strip():
        return PageFailure(url=url, reason="empty page", retryable=False)
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    try:
        return _extract(
            html,
            url=url,
            page_url=page_url,
            fetched_at=_naive_utc(fetched_at),
            feed_title=feed_title,
            feed_author=feed_author,
        )
    except (RecursionError, MemoryError) as err:
        return PageFailure(
            url=url, reason=f"page too complex: {type(err).__name__}", retryable=False
        )
    except Exception as err:  # noqa: BLE001 - a hostile page must not stop the batch
        log.warning("extraction failed for %s: %r", url, err)
        return PageFailure(
            url=url, reason=f"extraction error: {type(err).__name__}: {err}"[:300], retryable=False
        )


def _extract(
    html: str,
    *,
    url: str,
    page_url: str,
    fetched_at: datetime | None,
    feed_title: str | None,
    feed_author: str | None = None,
) -> Article | PageFailure:
    tree = load_html(html)
    if tree is None:
        return PageFailure(url=url, reason="not parseable as HTML", retryable=False)
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        return PageFailure(
            url=url, reason=f"page too complex: {elements} elements", retryable=False
        )
    meta = read_page_metadata(tree)
    signals = read_name_signals(tree, meta.metas, meta.title_tag)
    canonical = trusted_canonical(meta, page_url)
    story_url = page_url
    if canonical:
        try:
            story_url = canonicalize_url(canonical)
        except ValueError:
            story_url = page_url
    site_url = claimed_site_url(meta, story_url)
    host = urlsplit(site_url).hostname or ""
    # the page's own links stand in for a host that names nothing (read before pruning)
    links = SiteLinks() if names_a_site(host) else read_site_links(tree)
    outlet = agreed_name(signals)
    voting = agreed_name([s for s in signals if s.kind not in TITLE_PART_KINDS])
    shown = visible_text(tree)
    posts = embedded_posts(tree)
    join_split_bodies(tree)
    keep_translations(tree)
    prune_link_lists(tree)
    drop_comment_sections(tree)
    blocks = blocks_after_headline(tree)
    summaries = [meta.metas.get("description"), meta.metas.get("og:description")]

    recall = _run_trafilatura(copy.deepcopy(tree), url, favor_recall=True, with_metadata=True)
    precision = _run_trafilatura(tree, url, favor_precision=True, with_metadata=False)
    recall_text = clean_body(recall.text or "", meta.titles) if recall else ""
    precision_text = clean_body(precision.text or "", meta.titles) if precision else ""
    chosen = without_paywall_prompt(_choose(recall_text, precision_text))
    text = restore_posts(restore_lead(chosen, blocks, summaries), posts)
    text = clean_text(text, CAPS["text"]) or ""
    if _words(text) < MIN_WORDS:
        text = clean_text(_jsonld_body(meta), CAPS["text"]) or text
    if _words(text) < MIN_WORDS:
        if _depth(tree) >= PARSER_MAX_DEPTH:
            return PageFailure(url=url, reason="page nested too deeply to parse", retryable=False)
        return PageFailure(url=url, reason=NO_TEXT, retryable=False)

    now = fetched_at or utcnow()
    extra = [("extractor", parse_stamp((recall.date if recall else None) or ""))]
    published, source, rejected = choose_publication(
        meta, now, [(name, stamp) for name, stamp in extra if stamp is not None]
    )
    sitename = _named_site(_clean_field(recall.sitename if recall else None))
    if sitename and recall and recall.title and _same_text(sitename, recall.title):
        sitename = None  # the extractor's guess from the page's title names no site
    site_names = [n for n in (meta.metas.get("og:site_name"), sitename) if n]
    site_names += meta.jsonld_publishers
    site_names += [name for name in (outlet, voting) if name]
    title = choose_headline(
        meta.h1s,
        [
            meta.headline,
            meta.metas.get("og:title"),
            meta.metas.get("twitter:title"),
            meta.title_tag,
        ],
        site_names,
        host,
        fallback=recall.title if recall else None,
    )
    stated = clean_field(
        choose_publisher(
            PublisherSources(
                site_name=meta.metas.get("og:site_name"),
                jsonld_publishers=meta.jsonld_publishers,
                title_tag=meta.title_tag,
                headline=title,
                application_name=meta.metas.get("application-name"),
                url=site_url,
                microdata_publishers=[*meta.microdata_publishers, *_named(meta)],
                organisations=meta.organisations,
                agreed_name=voting,
                title_agreed=outlet,
                websites=meta.websites,
                page_names=[s.name for s in signals if s.kind in ("copyright", "logo")],
                feed_names=[s.name for s in signals if s.kind == "feed"],
                mastheads=[h1 for h1 in meta.h1s if h1 and h1 != title],
                linked_sites=links.sites,
                home_names=links.home_names,
            )
        ),
        "sitename",
    )
    publisher, publisher_source = _publisher_with_source(
        stated, clean_field(channel_name(feed_title, signals, host), "sitename"), site_url
    )
    holders = [signal.name for signal in signals if signal.kind == "copyright"]
    authors = _authors(
        meta,
        recall,
        publisher,
        sitename,
        shown=shown,
        text=text,
        holders=holders,
        feed_author=feed_author,
    )
    return Article(
        article_id=article_id_for(story_url),
        url=story_url,
        page_url=url,
        title=clean_field(title, "title") or clean_field(recall.title if recall else None, "title"),
        text=text,
        author=clean_field("; ".join(authors), "author"),
        authors=authors,
        published_at=published.utc() if published else None,
        published_at_source=source,
        published_precision=published.precision if published else None,
        published_at_rejected=rejected.utc() if rejected else None,
        modified_at=meta.modified.utc() if meta.modified else None,
        language=clean_field(page_language(meta, recall), "language"),
        sitename=clean_field(sitename, "sitename"),
        publisher=publisher,
        publisher_source=publisher_source,
        description=clean_field(recall.description if recall else None, "description"),
        fetched_at=fetched_at,
        is_accessible_for_free=meta.free,
        section=_clean_field(meta.section),
        tags=[t for t in (_clean_field(t) for t in meta.tags) if t],
        image_url=_clean_field(meta.image_url),
        embedded_quotes=post_quotes(posts, text),
    )


def _authors(
    meta: PageMetadata,
    recall: Document | None,
    publisher: str | None,
    sitename: str | None,
    *,
    shown: str,
    text: str,
    holders: Sequence[str] = (),
    feed_author: str | None = None,
) -> list[str]:
    """The writers the page credits; when no byline names one, the credit the story gives
    itself: a wire dateline or the outlet's own name opening it, a blog account's handle,
    a Korean sign-off. A name the page types as an organisation, or its copyright holder
    (``holders``: "© Condé Nast" beside a ``meta author`` "Condé Nast"), is no person.

    Stated sources, most reliable first: the JSON-LD author, the extractor's byline,
    ``meta name=author`` with ``article:author`` (when a name, not a profile URL), then a
    JSON-LD author given only by reference (an SEO plugin's CMS account); the visible byline
    is preferred when it shares a person with them or they name none (``choose_authors``).

    The feed item's author (``feed_author``) is evidence when the page's candidates disagree,
    and the credit when the page gives none at all."""
    feed = credited_authors([[feed_author]], publisher or sitename) if feed_author else []
    authors = choose_authors(
        [
            meta.jsonld_authors,
            [recall.author or ""] if recall else [],
            [meta.metas.get("author") or "", _name_or_nothing(meta.metas.get("article:author"))],
            meta.jsonld_referenced_authors,
        ],
        meta.bylines,
        publisher or sitename,
        page_text=shown,
        organisations=[*meta.jsonld_organisation_authors, *holders],
        evidence=feed,
    )
    if not authors:
        credit = (
            agency_in_dateline(text, [publisher, meta.metas.get("og:site_name")])
            or handle_credit(meta.bylines)
            or signoff_credit(text)
        )
        authors = [credit] if credit else feed
    return [name for name in (clean_field(a, "author") for a in authors) if name]


def _name_or_nothing(value: str | None) -> str:
    """``article:author`` as a name; usually it is a profile URL, which names nobody."""
    text = (value or "").strip()
    return "" if re.match(r"(?:https?:)?//|www\.", text, re.I) else text


def visible_text(tree: HtmlElement) -> str:
    """The words a reader can see on the page (no scripts, styles or markup attributes)."""
    return " ".join(
        tree.xpath(
            "//body//text()[not(ancestor::script) and not(ancestor::style)"
            " and not(ancestor::noscript) and not(ancestor::template)]"
        )
    )


def claimed_site_url(meta: PageMetadata, story_url: str) -> str:
    """The URL the page claims for itself (canonical, ``og:url``), for naming its site only.

    A copy served from elsewhere (a mirror, a test server on 127.0.0.1:8765) still names its
    outlet's domain there; the story's key stays ``story_url``.
    """
    for href in (meta.canonical_href, meta.og_url):
        if not href:
            continue
        try:
            parts = urlsplit(urljoin(story_url, href))
            if parts.scheme in ("http", "https") and parts.hostname:
                return parts.geturl()
        except ValueError:
            continue
    return story_url


def page_language(meta: PageMetadata, recall: Document | None) -> str | None:
    """The language the page declares (``<html lang>``, ``og:locale``), else trafilatura's.

    Kept apart from language detection of the body (the NLP stage's job).
    """
    return meta.language or ((recall.language if recall else None) or None)


def _run_trafilatura(tree: HtmlElement, url: str, **options: bool) -> Document | None:
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=True,
        include_comments=False,
        include_tables=True,
        **options,
    )
    return document if isinstance(document, Document) else None


def _choose(recall_text: str, precision_text: str) -> str:
    """Precision-mode text unless it kept too little of what recall mode found."""
    recall_words, precision_words = _words(recall_text), _words(precision_text)
    if precision_words >= MIN_WORDS and precision_words >= PRECISION_MIN_SHARE * recall_words:
        return precision_text
    return recall_text


def _jsonld_body(meta: PageMetadata) -> str | None:
    """The longest JSON-LD ``articleBody``, tags stripped, if it has enough words."""
    bodies = sorted(meta.jsonld_bodies, key=len, reverse=True)
    if not bodies:
        return None
    plain = html_entities.unescape(_TAG.sub(" ", bodies[0]))
    text = "\n".join(" ".join(line.split()) for line in plain.splitlines())
    text = "\n".join(line for line in text.split("\n") if line)
    return text if _words(text) >= MIN_WORDS else None


def _depth(tree: HtmlElement) -> int:
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _words(text: str) -> int:
    """Words in ``text``; in a script without spaces, letters / ``UNSPACED_CHARS_PER_WORD``.

    Counting ``\\w+`` runs alone makes a Chinese page's boilerplate footer (many short runs)
    outweigh its body (few long ones), and the recall text with the footer would win."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(_WORD.findall(text))
    return len(_WORD.findall(_UNSPACED.sub(" ", text))) + unspaced // UNSPACED_CHARS_PER_WORD


def _publisher_with_source(
    stated: str | None, channel: str | None, site_url: str
) -> tuple[str | None, str]:
    """The publisher and where it came from: the page, the feed that listed it, or the domain.

    The feed's channel title is only a fallback for pages that name no publisher, and is
    marked as such so analysts can tell a name the page states from one the feed gave.
    """
    if stated:
        return stated, "page"
    if channel:
        return channel, "feed"
    return readable_domain(site_url), "domain"


_HOST_AND_PORT = re.compile(r"^(?:https?://)?[\w.-]+:\d+/?$|^(?:https?://)?\d+(?:\.\d+){3}/?$")


def _named_site(value: str | None) -> str | None:
    """A site name, never a host and port or an IP address (the extractor's last resort
    when a page served from 127.0.0.1 names nothing)."""
    return None if value and _HOST_AND_PORT.match(value) else value


def _named(meta: PageMetadata) -> list[str]:
    """``article:publisher`` when it is a name; usually it is a Facebook page's URL."""
    value = _name_or_nothing(meta.metas.get("article:publisher"))
    return [value] if value and "/" not in value and "@" not in value[:1] else []


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _clean_field(value: str | None) -> str | None:
    """A short metadata value on one line, clean and capped (``tasks.text``)."""
    return clean_field(value, "metadata")


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value
