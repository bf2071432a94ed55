"""Poll RSS/Atom feeds politely and turn them into ``FeedItem`` records.

Polling is cheap when nothing changed: a conditional GET (ETag / Last-Modified) lets the
server answer 304, and when a server ignores validators the sha256 of the body still tells
us the feed is unchanged, so it is not parsed again. A broken feed keeps every item that
can be read; one bad feed never stops the others.

feedparser only ever sees bytes we fetched (wrapped in a stream: given raw bytes,
``feedparser.parse`` first tries them as a *local file name*); it never fetches anything.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import lxml.etree
import lxml.html

from newsflow.clock import utcnow
from newsflow.config.settings import FeedSettings, FetchSettings
from newsflow.tasks.fetch import fallback, sitemaps
from newsflow.tasks.fetch.errors import FetchError
from newsflow.tasks.fetch.hostlimit import HostSpacing, host_key, run_by_host
from newsflow.tasks.fetch.http import build_client, get
from newsflow.tasks.fetch.pages import looks_like_html
from newsflow.tasks.fetch.robots import RobotsCache
from newsflow.tasks.fetch.urls import canonicalize_url, unwrap_redirector
from newsflow.tasks.records import FeedItem, FeedPoll, FeedState
from newsflow.tasks.text import CAPS, clean_field

log = logging.getLogger(__name__)

ACCEPT_FEEDS = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_BLOCK_END = re.compile(r"(?i)<\s*(?:br|hr|/p|/div|/li|/h[1-6]|/tr|/td|/th|/blockquote)\b[^>]*>")
_SPACES = re.compile(r"\s+")
# An HTML tag or comment. feedparser calls a title "text/plain" when it holds a tag it does
# not allow (<script>, <img onerror=...>), so such markup would otherwise pass as text.
_MARKUP = re.compile(r"<(?:/?[a-zA-Z][\w:-]*(?:\s[^<>]*)?/?|!--.*?--)>", re.S)
# How much raw text one field may bring to the HTML parser, per character of its cap: enough
# for heavy markup, while a 10 MB <title> is never parsed whole only to be cut.
_RAW_PER_CAPPED_CHAR = 50
_MAX_ERROR_CHARS = 300
# A numeric character reference (decimal or hex) in the raw bytes of a feed.
_CHARREF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")
_BAD_CODE_POINT = b"&#xFFFD;"


def poll_feeds(
    feeds: list[FeedSettings],
    states: dict[str, FeedState],
    settings: FetchSettings,
    *,
    client: httpx.Client | None = None,
    spacing: HostSpacing | None = None,
) -> list[FeedPoll]:
    """Poll every enabled feed concurrently (per-host limits apply); one poll per feed, in order.

    ``states`` maps feed URL to what the last successful poll stored (validators, hash).
    ``spacing`` shares the run's per-host delay with the page fetches.
    """
    active = [feed for feed in feeds if feed.enabled]
    # Child sitemaps of an index are fetched within the poll: robots.txt and spacing apply.
    robots = RobotsCache(settings) if settings.respect_robots_txt else None
    with nullcontext(client) if client is not None else build_client(settings) as http:
        jobs = [
            (
                host_key(feed.url),
                partial(_poll_safely, http, feed, states.get(feed.url), settings, spacing, robots),
            )
            for feed in active
        ]
        return run_by_host(
            jobs,
            concurrency=settings.concurrency,
            per_host=settings.per_host_concurrency,
            delay=settings.per_host_delay,
            spacing=spacing,
        )


def poll_feed(
    client: httpx.Client,
    feed: FeedSettings,
    state: FeedState | None,
    settings: FetchSettings,
    spacing: HostSpacing | None = None,
    robots: RobotsCache | None = None,
) -> FeedPoll:
    """Poll one feed: "unchanged" (304 or same body hash), "ok" with items, or "failed".

    A feed that lists nothing or keeps failing takes its stories from its sitemap fallback
    (``tasks.fetch.fallback``) when it has one.

    On "unchanged" and "failed" the poll carries the previous validators and hash, so storing
    them never loses what a later conditional GET needs.
    """
    started = time.monotonic()
    poll = FeedPoll(
        feed_url=feed.url,
        name=feed.name,
        status="failed",
        etag=state.etag if state else None,
        last_modified=state.last_modified if state else None,
        content_hash=state.content_hash if state else None,
        polled_at=utcnow(),
    )
    _fill_poll(poll, client, feed, state, settings, spacing, robots)
    if fallback.needs_fallback(poll, feed, state, settings):
        fallback.apply_fallback(poll, client, feed, state, settings, spacing, robots)
    poll.seconds = time.monotonic() - started
    return poll


def _fill_poll(
    poll: FeedPoll,
    client: httpx.Client,
    feed: FeedSettings,
    state: FeedState | None,
    settings: FetchSettings,
    spacing: HostSpacing | None = None,
    robots: RobotsCache | None = None,
) -> None:
    try:
        response = get(
            client,
            feed.url,
            settings,
            headers=_request_headers(state),
            max_bytes=settings.max_feed_bytes,
        )
    except FetchError as exc:
        poll.error, poll.http_status = exc.reason, exc.http_status
        poll.retry_after_seconds = exc.retry_after
        return
    poll.http_status = response.status
    poll.max_age_seconds = cache_max_age(response.headers.get("cache-control"))
    if response.status == 304:
        if state is None or not (state.etag or state.last_modified):
            poll.error = "http 304 to an unconditional request"
            return
        poll.status = "unchanged"
        poll.etag = response.headers.get("etag") or poll.etag
        poll.last_modified = response.headers.get("last-modified") or poll.last_modified
        return
    body = response.content
    poll.bytes = len(body)
    digest = hashlib.sha256(body).hexdigest()
    validators = (response.headers.get("etag"), response.headers.get("last-modified"))
    if state is not None and state.content_hash == digest:
        poll.status = "unchanged"
        poll.etag, poll.last_modified = validators
        return
    if not body.strip():
        poll.error = "empty response body"
        return
    parsed: ParsedFeed | sitemaps.SitemapRead
    if sitemaps.looks_like_sitemap(body):  # the kind comes from the content, not the URL
        parsed = sitemaps.read_sitemap(
            client, feed.url, body, state, settings,
            base_url=response.final_url, spacing=spacing, robots=robots,
        )  # fmt: skip
        poll.kind, poll.children = parsed.kind, parsed.children
    else:
        parsed = parse_feed_document(body, feed.url, response.headers, base_url=response.final_url)
    items, error = parsed.items, parsed.error
    poll.error = error
    poll.ttl_seconds = parsed.ttl_seconds
    poll.title = parsed.title if isinstance(parsed, ParsedFeed) else None  # a sitemap: none
    if items or error is None:
        poll.status = "ok"
        poll.items = items
        if getattr(parsed, "complete", True):  # an index with children left: read it again
            poll.etag, poll.last_modified = validators
            poll.content_hash = digest
        else:
            poll.etag = poll.last_modified = poll.content_hash = None


@dataclass(slots=True)
class ParsedFeed:
    """A parsed feed document: its items, a problem report, and its own polling hint."""

    items: list[FeedItem] = field(default_factory=list)
    error: str | None = None
    ttl_seconds: float | None = None  # <ttl> (minutes in RSS) or sy:updatePeriod/Frequency
    title: str | None = None  # the channel's own title: a publisher signal for its pages


def parse_feed(
    content: bytes,
    feed_url: str,
    headers: Mapping[str, str] | None = None,
    *,
    base_url: str | None = None,
) -> tuple[list[FeedItem], str | None]:
    """Items of a feed document and a problem report (None when the feed was clean).

    See ``parse_feed_document``, which also returns the feed's polling hint.
    """
    parsed = parse_feed_document(content, feed_url, headers, base_url=base_url)
    return parsed.items, parsed.error


def parse_feed_document(
    content: bytes,
    feed_url: str,
    headers: Mapping[str, str] | None = None,
    *,
    base_url: str | None = None,
) -> ParsedFeed:
    """Items of a feed document and a problem report (None when the feed was clean).

    A feed with readable entries gives them even when broken further on (the parse error
    comes back as the report). No items plus a report means nothing usable: HTML instead of
    a feed, an empty or truncated document. ``base_url`` (default ``feed_url``) resolves
    relative links; ``headers`` are the HTTP response headers (encodings, language).
    """
    header_map = {name.lower(): value for name, value in (headers or {}).items()}
    base = base_url or feed_url
    if not content.strip():
        return ParsedFeed(error="empty document")
    if content[:1].isspace() and content.lstrip().startswith(b"<?xml"):
        # Whitespace before the XML declaration (a common template bug) makes the whole
        # document invalid XML and sends feedparser to its lenient fallback parser.
        content = content.lstrip()
    try:
        parsed = feedparser.parse(
            io.BytesIO(_replace_bad_charrefs(content)),  # a stream: no path, no URL
            response_headers=_feedparser_headers(header_map, base),
            resolve_relative_uris=True,
            sanitize_html=True,
        )
    except Exception as exc:  # a parser bug on hostile input is this feed's problem only
        log.warning("feedparser failed on %s: %r", feed_url, exc)
        return ParsedFeed(error=f"unparsable feed: {type(exc).__name__}: {exc}"[:_MAX_ERROR_CHARS])
    problem = _bozo_message(parsed) if parsed.get("bozo") else None
    if not parsed.entries:
        media = header_map.get("content-type", "").split(";", 1)[0].strip().lower()
        if media in _HTML_TYPES or (not parsed.get("version") and looks_like_html(content)):
            return ParsedFeed(error=f"not a feed: got an HTML page ({media or 'no content type'})")
        if problem:
            return ParsedFeed(error=f"unparsable feed: {problem}")
        if not parsed.get("version"):
            return ParsedFeed(error="not a feed: no RSS, RDF or Atom document element")
        return ParsedFeed(ttl_seconds=feed_ttl(parsed.feed), title=feed_title(parsed.feed))
    language = parsed.feed.get("language") or header_map.get("content-language")
    items: list[FeedItem] = []
    seen: set[str] = set()
    skipped = 0
    broken = 0
    for entry in parsed.entries:
        try:
            item = _item(entry, feed_url, base, language)
        except Exception as exc:  # one bad entry is one bad entry: the others are kept
            log.warning("skipping an entry of %s: %r", feed_url, exc)
            broken += 1
            continue
        if item is None:
            skipped += 1
        elif item.url not in seen:
            seen.add(item.url)
            items.append(item)
    notes = [problem] if problem else []
    if skipped:
        notes.append(f"{skipped} of {len(parsed.entries)} entries skipped: no http(s) link")
    if broken:
        notes.append(f"{broken} of {len(parsed.entries)} entries skipped: unreadable")
    return ParsedFeed(
        items=items,
        error="; ".join(notes) or None,
        ttl_seconds=feed_ttl(parsed.feed),
        title=feed_title(parsed.feed),
    )


def feed_title(channel: Mapping[str, Any]) -> str | None:
    """The channel's ``<title>`` as plain text on one line (tags and entities resolved)."""
    return _field_text(channel.get("title"), channel.get("title_detail"), "title")


_UPDATE_PERIODS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 7 * 86400,
    "monthly": 30 * 86400,
    "yearly": 365 * 86400,
}
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.I)


def feed_ttl(channel: Mapping[str, Any]) -> float | None:
    """How long the feed says it may be cached, in seconds: RSS ``<ttl>`` (minutes) or the
    syndication module's ``updatePeriod`` / ``updateFrequency``; None when it says nothing."""
    ttl = str(channel.get("ttl") or "").strip()
    if ttl.isdigit() and int(ttl) > 0:
        return int(ttl) * 60.0
    period = _UPDATE_PERIODS.get(str(channel.get("sy_updateperiod") or "").strip().lower())
    if period is None:
        return None
    frequency = str(channel.get("sy_updatefrequency") or "1").strip()
    return period / int(frequency) if frequency.isdigit() and int(frequency) > 0 else period


def cache_max_age(cache_control: str | None) -> float | None:
    """``max-age`` of a Cache-Control header in seconds (None when absent or ``no-store``)."""
    if not cache_control or "no-store" in cache_control.lower():
        return None
    match = _MAX_AGE.search(cache_control)
    return float(match.group(1)) if match else None


def _poll_safely(
    client: httpx.Client,
    feed: FeedSettings,
    state: FeedState | None,
    settings: FetchSettings,
    spacing: HostSpacing | None = None,
    robots: RobotsCache | None = None,
) -> FeedPoll:
    try:
        return poll_feed(client, feed, state, settings, spacing, robots)
    except Exception as exc:  # a bug in one feed's handling must not cost the others
        log.exception("unexpected error polling %s", feed.url)
        return FeedPoll(
            feed_url=feed.url,
            name=feed.name,
            status="failed",
            error=f"unexpected error: {type(exc).__name__}: {exc}"[:_MAX_ERROR_CHARS],
            etag=state.etag if state else None,
            last_modified=state.last_modified if state else None,
            content_hash=state.content_hash if state else None,
            polled_at=utcnow(),
        )


def _request_headers(state: FeedState | None) -> dict[str, str]:
    headers = {"Accept": ACCEPT_FEEDS}
    if state is not None and state.etag:
        headers["If-None-Match"] = state.etag
    if state is not None and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _replace_bad_charrefs(content: bytes) -> bytes:
    """Replace character references to lone surrogates, NUL and out-of-range code points
    with U+FFFD: feedparser's fallback parser raises on them, losing the whole feed."""

    def fix(match: re.Match[bytes]) -> bytes:
        ref = match.group(1)
        code = int(ref[1:], 16) if ref[:1] in (b"x", b"X") else int(ref)
        return (
            _BAD_CODE_POINT
            if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF
            else match.group(0)
        )

    return _CHARREF.sub(fix, content) if b"&#" in content else content


def _feedparser_headers(headers: Mapping[str, str], base: str) -> dict[str, str]:
    """The response headers feedparser should see.

    ``text/xml`` without charset meant us-ascii under RFC 3023, which made feedparser flag
    every such UTF-8 feed; RFC 7303 replaced that rule with "read the XML declaration",
    which is what feedparser does for ``application/xml``. No Content-Type at all is
    treated the same way instead of being reported as "not XML".
    """
    content_type = headers.get("content-type", "").strip()
    media = content_type.split(";", 1)[0].strip().lower()
    if not content_type or (media == "text/xml" and "charset" not in content_type.lower()):
        content_type = "application/xml"
    result = {"content-type": content_type, "content-location": base}
    if headers.get("content-language"):
        result["content-language"] = headers["content-language"]
    return result


def _item(entry: Any, feed_url: str, base: str, language: str | None) -> FeedItem | None:
    link = _entry_link(entry)
    if link is None:
        return None
    absolute = urljoin(base, link.strip())
    target = entry.get("feedburner_origlink") or absolute  # the story, not the ad proxy
    try:
        url = canonicalize_url(unwrap_redirector(urljoin(base, target.strip())))
    except ValueError:
        return None
    if len(url) > CAPS["url"]:
        return None
    return FeedItem(
        feed_url=feed_url,
        url=url,
        link=clean_field(absolute, "url") or url,
        guid=clean_field(entry.get("id"), "guid"),
        title=_field_text(entry.get("title"), entry.get("title_detail"), "title"),
        published_at=_entry_date(entry, language),
        summary=_field_text(entry.get("summary"), {"type": "text/html"}, "summary"),
        author=entry_author(entry),
    )


def entry_author(entry: Mapping[str, Any]) -> str | None:
    """The entry's credited authors as one line, as the feed wrote them: its ``author``
    string (RSS ``<author>`` "desk@x.org (Jane Roe)", ``dc:creator``, the first Atom
    author), or every Atom ``<author>`` / ``dc:creator`` name when it has several (the
    e-mail split feedparser makes of a single credit can cut it: not used for one)."""
    names = [
        str(a["name"])
        for a in entry.get("authors") or []
        if isinstance(a, Mapping) and isinstance(a.get("name"), str) and a["name"].strip()
    ]
    joined = _whole_names(list(dict.fromkeys(names))) if len(names) > 1 else entry.get("author")
    return _field_text(joined, {"type": "text/html"}, "author")


def _whole_names(names: list[str]) -> str:
    """The names joined with "; ", as many whole ones as fit the author cap: cutting the
    joined line at the cap would leave half a name ("Jane Ro") credited as a person."""
    kept: list[str] = []
    size = 0
    for name in (" ".join(n.split()) for n in names):
        if kept and size + 2 + len(name) > CAPS["author"]:
            break
        kept.append(name)
        size += len(name) + 2 * (len(kept) > 1)
    return "; ".join(kept)


def _entry_link(entry: Any) -> str | None:
    """The entry's link; a guid that is an http(s) URL stands in when there is none."""
    link = (entry.get("link") or "").strip()
    if link:
        return link
    for candidate in entry.get("links") or []:
        if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
            return str(candidate["href"])
    guid = (entry.get("id") or "").strip()
    if urlsplit(guid).scheme.lower() in ("http", "https"):
        return guid
    return None


def _field_text(value: object, detail: Mapping[str, Any] | None, field: str) -> str | None:
    """A feed field (``detail`` is feedparser's ``*_detail``) cleaned for ``field`` of ``CAPS``.

    Only the start of a huge value is parsed: the rest would be cut anyway.
    """
    if not isinstance(value, str):
        return clean_field(value, field)
    content_type = (detail or {}).get("type")
    return clean_field(
        _plain_text(value[: CAPS[field] * _RAW_PER_CAPPED_CHAR], content_type), field
    )


def _plain_text(value: str | None, content_type: str | None) -> str | None:
    """Text without tags or runs of whitespace (titles with <b>, CDATA padded with newlines)."""
    if not value:
        return None
    html = content_type in _HTML_TYPES
    if (html and ("<" in value or "&" in value)) or ("<" in value and _MARKUP.search(value)):
        value = _html_to_text(value)
    text = _SPACES.sub(" ", value).strip()
    return text or None


def _html_to_text(markup: str) -> str:
    """The text a reader would see: scripts and styles are code, not words."""
    markup = _BLOCK_END.sub(" ", markup)
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return re.sub(r"<[^>]*>", " ", markup)
    for code in root.xpath(".//script | .//style"):
        code.drop_tree()
    return root.text_content()


def _entry_date(entry: Any, language: str | None) -> datetime | None:
    """Published (else updated) time as naive UTC; other languages via dateparser."""
    # dict.get: FeedParserDict.get("updated...") silently falls back to "published" (with a
    # DeprecationWarning); we want each key for what it is.
    for key in ("published_parsed", "updated_parsed"):
        struct = dict.get(entry, key)
        if struct:
            try:
                return datetime(*struct[:6])
            except (TypeError, ValueError):
                pass
    for key in ("published", "updated"):
        raw = dict.get(entry, key)
        if raw:
            parsed = _parse_foreign_date(raw, language)
            if parsed is not None:
                return parsed
    return None


def _parse_foreign_date(raw: str, language: str | None) -> datetime | None:
    """Dates feedparser cannot read, such as "Seg, 24 Set 2018 19:42:40 -0300"."""
    import dateparser  # imported on first need: it is slow to load and rarely needed

    languages = (
        [language.strip()[:2].lower()] if language and language.strip()[:2].isalpha() else None
    )
    options = {
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "REQUIRE_PARTS": ["day", "month", "year"],
    }
    when = None
    for hint in [languages, None] if languages else [None]:
        try:
            when = dateparser.parse(raw, languages=hint, settings=options)
        except (ValueError, OverflowError, LookupError):  # unknown language code, odd input
            when = None
        if when is not None:
            return when.astimezone(UTC).replace(tzinfo=None)
    return None


def _bozo_message(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    text = f"{type(exc).__name__}: {exc}" if exc is not None else "malformed feed"
    return text[:_MAX_ERROR_CHARS]
