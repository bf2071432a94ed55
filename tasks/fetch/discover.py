"""Find a site's feeds and sitemaps: ``newsflow discover URL``.

Candidates come from the home page (``<link rel="alternate">`` to RSS/Atom), robots.txt
(``Sitemap:`` lines), and a few common paths. Each one is fetched (politely: robots.txt,
host spacing, our guarded client) and kept only when its content is a feed or a sitemap, with
the kind read from the content as the ingest flow does.
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import nullcontext
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
import lxml.html

from newsflow.config.settings import FetchSettings
from newsflow.tasks.fetch import sitemaps
from newsflow.tasks.fetch.errors import FetchError
from newsflow.tasks.fetch.feeds import ACCEPT_FEEDS, parse_feed_document
from newsflow.tasks.fetch.hostlimit import HostSpacing, host_key
from newsflow.tasks.fetch.http import build_client, get
from newsflow.tasks.fetch.pages import ACCEPT_HTML
from newsflow.tasks.fetch.robots import RobotsCache, robots_sitemaps

log = logging.getLogger(__name__)

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml"}
)
COMMON_FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")
COMMON_SITEMAP_PATHS = ("/sitemap.xml", "/news-sitemap.xml", "/sitemap_index.xml")


@dataclass(frozen=True, slots=True)
class Source:
    """A feed or sitemap found on a site, ready to become a ``[[feeds]]`` entry."""

    url: str
    kind: str  # feed | sitemap | sitemap_index | news_sitemap
    name: str
    via: str  # where we found it


def discover(
    site_url: str, settings: FetchSettings, *, client: httpx.Client | None = None
) -> tuple[list[Source], list[str]]:
    """The feeds and sitemaps of the site at ``site_url``, and notes on what failed."""
    notes: list[str] = []
    spacing = HostSpacing(settings.per_host_delay)
    robots = RobotsCache(settings) if settings.respect_robots_txt else None
    with nullcontext(client) if client is not None else build_client(settings) as http:

        def fetch(url: str, accept: str) -> bytes | None:
            if robots is not None and not robots.allowed(url, client=http):
                notes.append(f"{url}: robots.txt disallows")
                return None
            spacing.wait_turn(host_key(url))
            try:
                return get(
                    http,
                    url,
                    settings,
                    headers={"Accept": accept},
                    max_bytes=settings.max_feed_bytes,
                ).content
            except FetchError as exc:
                if exc.http_status not in (404, 410):
                    notes.append(f"{url}: {exc.reason}")
                return None

        candidates: dict[str, tuple[str, str | None]] = {}  # url -> (via, title)
        home = fetch(site_url, ACCEPT_HTML)
        if home is None:
            notes.append(f"{site_url}: home page unavailable; trying common paths")
        else:
            for url, title in alternate_links(home, site_url):
                candidates.setdefault(url, ('<link rel="alternate">', title))
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
        for url in robots_sitemaps(http, origin, settings):
            candidates.setdefault(url, ("robots.txt Sitemap:", None))
        for path in COMMON_FEED_PATHS + COMMON_SITEMAP_PATHS:
            candidates.setdefault(origin + path, ("common path", None))

        found: list[Source] = []
        bodies: set[str] = set()  # /feed redirecting to /rss.xml is one source, not two
        for url, (via, title) in candidates.items():
            body = fetch(url, ACCEPT_FEEDS)
            kind = _kind(body, url) if body else None
            digest = hashlib.sha256(body or b"").hexdigest()
            if kind is not None and digest not in bodies:
                bodies.add(digest)
                found.append(Source(url=url, kind=kind, name=_name(url, kind, title), via=via))
    return found, notes


def alternate_links(html: bytes, base: str) -> list[tuple[str, str | None]]:
    """(absolute URL, title) of the page's ``<link rel="alternate">`` feeds, in order."""
    try:
        document = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    links = []
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base, href)
            if urlsplit(url).scheme in ("http", "https"):
                links.append((url, (link.get("title") or "").strip() or None))
    return links


def as_toml(sources: list[Source]) -> str:
    """Ready-to-paste ``[[feeds]]`` entries."""
    blocks = [
        f"# {source.kind}, found via {source.via}\n"
        f"[[feeds]]\nname = {json.dumps(source.name)}\nurl = {json.dumps(source.url)}\n"
        for source in sources
    ]
    return "\n".join(blocks)


def _kind(body: bytes, url: str) -> str | None:
    kind = sitemaps.document_kind(body)
    if kind is not None:
        return kind
    parsed = parse_feed_document(body, url)
    return "feed" if parsed.items or parsed.error is None else None


def _name(url: str, kind: str, title: str | None) -> str:
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    if title:
        return f"{host}: {title}"
    path = urlsplit(url).path or "/"
    return f"{host} {kind.replace('_', ' ')} {path}"
