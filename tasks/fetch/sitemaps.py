"""Sitemaps as sources: a sitemap, a sitemap index or a Google News sitemap in ``[[feeds]]``.

The kind is read from the document (its root element and the news namespace), never from
the URL. Every request goes through our own client (``http.get``: the SSRF guard, byte cap,
deadline), robots.txt and the run's host spacing; parsing is lxml's ``iterparse`` with
entities and network off, element by element, so a 50,000-URL sitemap costs little memory.
Gzip sitemaps (``.xml.gz`` served as ``application/gzip``) are inflated here with the same
byte cap; a truncated member keeps the URLs read before the cut.

A sitemap index is walked down to its child sitemaps (nested indexes too, ``MAX_DEPTH``
levels). A child whose ``<lastmod>`` is the one we read last time is not fetched again; loops
(an index listing itself or a parent) are cut and reported; at most
``max_sitemap_children`` children are read per poll, newest first, the rest next time.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx
import lxml.etree

from newsflow.config.settings import FetchSettings
from newsflow.tasks.fetch.errors import FetchError
from newsflow.tasks.fetch.hostlimit import HostSpacing, host_key
from newsflow.tasks.fetch.http import get
from newsflow.tasks.fetch.robots import RobotsCache
from newsflow.tasks.fetch.urls import canonicalize_url, unwrap_redirector
from newsflow.tasks.records import FeedItem, FeedKind, FeedState, SitemapChild
from newsflow.tasks.text import clean_field

log = logging.getLogger(__name__)

NEWS_NS = b"http://www.google.com/schemas/sitemap-news/0.9"
ACCEPT_SITEMAPS = "application/xml, text/xml;q=0.9, application/gzip;q=0.8, */*;q=0.5"
MAX_DEPTH = 3  # index -> index -> index -> urlset
_GZIP_MAGIC = b"\x1f\x8b"
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S | re.I)
_ROOT = re.compile(rb"\s*<(?:[\w.-]+:)?([\w.-]+)")
_MAX_NOTE = 300


@dataclass(slots=True)
class SitemapDocument:
    """One parsed sitemap document: its page URLs (as items) or its child sitemaps."""

    kind: FeedKind
    items: list[FeedItem] = field(default_factory=list)
    children: list[SitemapChild] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class SitemapRead:
    """What one poll of a sitemap source gave: items, problems, and the children's state.

    ``complete`` is false when a child failed or was left for later: the poll then keeps no
    validators or body hash, so the next poll reads the index again instead of a 304.
    """

    kind: FeedKind
    items: list[FeedItem] = field(default_factory=list)
    children: list[SitemapChild] = field(default_factory=list)
    error: str | None = None
    ttl_seconds: float | None = None
    complete: bool = True


def document_kind(content: bytes) -> FeedKind | None:
    """``sitemap_index``, ``news_sitemap`` or ``sitemap`` from the root element; None for
    anything else (a feed, HTML). Gzip bodies are looked into."""
    if content[:2] == _GZIP_MAGIC:
        content, _ = gunzip_capped(content[:65536], 65536, partial_ok=True)
    head = content[:8192].lstrip(b"\xef\xbb\xbf")
    position = 0
    while match := _PROLOG.match(head, position):
        position = match.end()
    root = _ROOT.match(head, position)
    if root is None:
        return None
    name = root.group(1).lower()
    if name == b"sitemapindex":
        return "sitemap_index"
    if name == b"urlset":
        return "news_sitemap" if NEWS_NS in head else "sitemap"
    return None


def looks_like_sitemap(content: bytes) -> bool:
    return document_kind(content) is not None


def gunzip_capped(data: bytes, cap: int, *, partial_ok: bool = False) -> tuple[bytes, str | None]:
    """Inflate every gzip member of ``data`` up to ``cap`` bytes; (bytes, problem or None).

    A truncated or corrupt member keeps what was inflated before it; more than ``cap``
    bytes stops there with a problem (a gzip bomb costs at most the cap).
    """
    out: list[bytes] = []
    total = 0
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = inflater.decompress(data, cap + 1 - total)
        except zlib.error as exc:
            return b"".join(out), f"corrupt gzip: {exc}"
        out.append(chunk)
        total += len(chunk)
        if total > cap or inflater.unconsumed_tail:
            if partial_ok:
                return b"".join(out)[:cap], None
            return b"".join(out)[:cap], f"larger than {cap} bytes uncompressed"
        if not inflater.eof:
            return b"".join(out), "truncated gzip member"
        data = inflater.unused_data.lstrip(b"\0")
    return b"".join(out), None


def parse_sitemap(
    content: bytes, feed_url: str, *, base_url: str | None = None, max_bytes: int = 50_000_000
) -> SitemapDocument:
    """Page URLs (or child sitemaps) of one sitemap document, gzip or not; never raises.

    News sitemap fields are kept: ``news:publication_date`` is the item's date,
    ``news:title`` its title, ``news:keywords`` and ``news:language`` as they are; a plain
    sitemap's ``<lastmod>`` is kept as ``lastmod`` (it is not a publication date).
    """
    notes: list[str] = []
    if content[:2] == _GZIP_MAGIC:
        content, problem = gunzip_capped(content, max_bytes)
        if problem:
            notes.append(problem)
    kind = document_kind(content) or "sitemap"
    document = SitemapDocument(kind=kind)
    base = base_url or feed_url
    seen: set[str] = set()
    skipped = 0
    try:
        for _, element in lxml.etree.iterparse(
            io.BytesIO(content),
            events=("end",),
            tag=("{*}url", "{*}sitemap", "url", "sitemap"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            fields = _fields(element)
            _release(element)
            loc = fields.get("loc")
            if not loc:
                skipped += 1
                continue
            if _local(element.tag) == "sitemap":
                child = urljoin(base, loc)
                if _is_web_url(child) and child not in seen:
                    seen.add(child)
                    document.children.append(SitemapChild(url=child, lastmod=fields.get("lastmod")))
                continue
            item = _item(fields, feed_url, base)
            if item is None:
                skipped += 1
            elif item.url not in seen:
                seen.add(item.url)
                document.items.append(item)
    except lxml.etree.XMLSyntaxError as exc:
        notes.append(f"unparsable sitemap: {exc}"[:_MAX_NOTE])
    if any(item.source_kind == "news_sitemap" for item in document.items):
        document.kind = "news_sitemap"
    if skipped:
        notes.append(f"{skipped} entries skipped: no http(s) <loc>")
    document.error = "; ".join(notes) or None
    return document


def read_sitemap(
    client: httpx.Client,
    feed_url: str,
    body: bytes,
    state: FeedState | None,
    settings: FetchSettings,
    *,
    base_url: str | None = None,
    spacing: HostSpacing | None = None,
    robots: RobotsCache | None = None,
) -> SitemapRead:
    """Items of a sitemap source whose top document is ``body``; an index is walked down.

    Children are fetched politely (robots.txt, host spacing); one failing child is a note,
    never the end of the others. At most ``settings.max_sitemap_urls`` items are kept,
    newest first.
    """
    top = parse_sitemap(body, feed_url, base_url=base_url, max_bytes=settings.max_feed_bytes)
    read = SitemapRead(kind=top.kind, items=list(top.items))
    notes = [top.error] if top.error else []
    if top.kind == "sitemap_index":
        remembered = state.sitemap_children if state is not None else {}
        fetch = partial_fetch(client, settings, spacing, robots)
        walker = _Walker(feed_url, remembered, settings, fetch)
        walker.walk(top.children, {feed_url, base_url or feed_url}, depth=1)
        read.items, read.children = walker.items, walker.children
        notes.extend(walker.notes)
        read.complete = all(child.status in ("read", "unchanged") for child in walker.children)
    read.items = newest_first(read.items)
    cap = settings.max_sitemap_urls
    if len(read.items) > cap:
        notes.append(f"{len(read.items)} URLs listed, the newest {cap} kept (max_sitemap_urls)")
        read.items = read.items[:cap]
    read.error = "; ".join(notes)[: _MAX_NOTE * 3] or None
    return read


Fetcher = Callable[[str], tuple[bytes | None, str | None]]


def partial_fetch(
    client: httpx.Client,
    settings: FetchSettings,
    spacing: HostSpacing | None,
    robots: RobotsCache | None,
) -> Fetcher:
    """A function fetching one child sitemap politely: (body, None) or (None, reason)."""

    def fetch(url: str) -> tuple[bytes | None, str | None]:
        try:
            if robots is not None and not robots.allowed(url, client=client):
                return None, "robots.txt disallows"
            if spacing is not None:
                spacing.wait_turn(host_key(url))
            response = get(
                client,
                url,
                settings,
                headers={"Accept": ACCEPT_SITEMAPS},
                max_bytes=settings.max_feed_bytes,
            )
        except FetchError as exc:
            return None, exc.reason
        return response.content, None

    return fetch


class _Walker:
    """Walks an index's children depth-first, newest first, once each."""

    def __init__(
        self, feed_url: str, remembered: dict[str, str], settings: FetchSettings, fetch: Fetcher
    ) -> None:
        self.feed_url = feed_url
        self.remembered = remembered
        self.settings = settings
        self.fetch = fetch
        self.items: list[FeedItem] = []
        self.children: list[SitemapChild] = []
        self.notes: list[str] = []
        self.budget = settings.max_sitemap_children
        self._item_urls: set[str] = set()

    def walk(self, children: list[SitemapChild], seen: set[str], depth: int) -> None:
        for child in sorted(children, key=_lastmod_key, reverse=True):
            if child.url in seen:
                self.notes.append(f"sitemap loop: {child.url} is listed again, not read twice")
                continue
            seen.add(child.url)
            self.children.append(child)
            if child.lastmod and self.remembered.get(child.url) == child.lastmod:
                child.status = "unchanged"
                continue
            if self.budget <= 0:
                child.status = "deferred"
                continue
            self.budget -= 1
            body, reason = self.fetch(child.url)
            if body is None:
                child.status, child.error = "failed", reason
                self.notes.append(f"child sitemap {child.url}: {reason}")
                continue
            document = parse_sitemap(
                body, self.feed_url, base_url=child.url, max_bytes=self.settings.max_feed_bytes
            )
            if document.error:
                child.error = document.error
                self.notes.append(f"child sitemap {child.url}: {document.error}")
            if document.kind == "sitemap_index":
                if depth >= MAX_DEPTH:
                    child.status, child.error = "failed", f"index nested deeper than {MAX_DEPTH}"
                    self.notes.append(f"child sitemap {child.url}: {child.error}")
                    continue
                self.walk(document.children, seen, depth + 1)
            child.urls = len(document.items)
            if not document.items and document.error and document.kind != "sitemap_index":
                child.status = "failed"
            for item in document.items:
                if item.url not in self._item_urls:
                    self._item_urls.add(item.url)
                    self.items.append(item)


def newest_first(items: list[FeedItem]) -> list[FeedItem]:
    """Items by publication date (else lastmod), newest first; undated ones last, in order."""
    return sorted(items, key=lambda item: _item_date(item) or datetime.min, reverse=True)


def item_date(item: FeedItem) -> datetime | None:
    """The date that places a sitemap item in time: news publication date, else lastmod."""
    return _item_date(item)


def parse_w3c_date(value: str | None) -> datetime | None:
    """A W3C datetime (``2024-05-01``, ``2024-05-01T10:00:00+02:00``) as naive UTC, or None."""
    if not value:
        return None
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _item_date(item: FeedItem) -> datetime | None:
    return item.published_at or item.lastmod


def _lastmod_key(child: SitemapChild) -> datetime:
    return parse_w3c_date(child.lastmod) or datetime.min


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def _text(element: lxml.etree._Element) -> str | None:
    text = (element.text or "").strip()
    return text or None


def _fields(element: lxml.etree._Element) -> dict[str, str]:
    """``loc``, ``lastmod`` and the news fields of a <url> or <sitemap> element."""
    fields: dict[str, str] = {}
    for child in element:
        name = _local(child.tag)
        if name in ("loc", "lastmod") and _text(child):
            fields[name] = _text(child) or ""
        elif name == "news" and "{" in str(child.tag) and "sitemap-news" in str(child.tag):
            for part in child.iter():
                part_name = _local(part.tag)
                if part_name in ("publication_date", "title", "keywords", "language", "name"):
                    value = _text(part)
                    if value:
                        fields[f"news_{part_name}"] = value
            fields["news"] = "1"
    return fields


def _release(element: lxml.etree._Element) -> None:
    """Free a parsed element and the siblings before it (memory stays flat)."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _item(fields: dict[str, str], feed_url: str, base: str) -> FeedItem | None:
    link = urljoin(base, fields["loc"])
    if not _is_web_url(link):
        return None
    try:
        url = canonicalize_url(unwrap_redirector(link))
    except ValueError:
        return None
    news = "news" in fields
    return FeedItem(
        feed_url=feed_url,
        url=url,
        link=link,
        title=clean_field(fields.get("news_title"), "title"),
        published_at=parse_w3c_date(fields.get("news_publication_date")),
        source_kind="news_sitemap" if news else "sitemap",
        lastmod=parse_w3c_date(fields.get("lastmod")),
        keywords=clean_field(fields.get("news_keywords"), "metadata"),
        language=clean_field(fields.get("news_language"), "language"),
    )
