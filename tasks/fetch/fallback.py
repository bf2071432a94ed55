"""A feed's sitemap fallback: stories from the site's sitemap when its feed lists none.

A feed that goes empty (a CMS migration, a broken template) or keeps failing would
otherwise lose stories silently. ``[[feeds]] sitemap`` says where to look instead: a
sitemap URL, or ``"auto"``: the sitemap found last time, else the ``Sitemap:`` lines of the
site's robots.txt and the common paths ``newsflow discover`` tries, a Google News sitemap
preferred. Only recent stories are taken (``sitemap_fallback_max_age``, and the newest
``FALLBACK_CHILDREN`` children of an index): a fallback stands in for the feed, it is not a
backfill of the site's archive. Requests are polite like any other (robots.txt, spacing).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import httpx

from newsflow.clock import utcnow
from newsflow.config.settings import FeedSettings, FetchSettings
from newsflow.tasks.fetch import sitemaps
from newsflow.tasks.fetch.hostlimit import HostSpacing
from newsflow.tasks.fetch.robots import RobotsCache, robots_sitemaps
from newsflow.tasks.records import FeedItem, FeedPoll, FeedState

# Child sitemaps of an index read per fallback, newest first.
FALLBACK_CHILDREN = 3
NEWS_SITEMAP_PATHS = ("/news-sitemap.xml", "/sitemap_news.xml", "/sitemap-news.xml")
OTHER_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml")


@dataclass(slots=True)
class FallbackRead:
    """The sitemap used (None when none was found) and its recent stories."""

    url: str | None = None
    items: list[FeedItem] = field(default_factory=list)
    error: str | None = None


def needs_fallback(
    poll: FeedPoll, feed: FeedSettings, state: FeedState | None, settings: FetchSettings
) -> bool:
    """A feed with a fallback that listed nothing, or failed the configured polls in a row."""
    if feed.sitemap_fallback is None or poll.kind != "feed":
        return False
    if poll.status == "ok":
        return not poll.items
    streak = (state.failure_streak if state is not None else 0) + 1
    return poll.status == "failed" and streak >= settings.sitemap_fallback_after_failures


def apply_fallback(
    poll: FeedPoll,
    client: httpx.Client,
    feed: FeedSettings,
    state: FeedState | None,
    settings: FetchSettings,
    spacing: HostSpacing | None = None,
    robots: RobotsCache | None = None,
) -> None:
    """Give ``poll`` the fallback's stories, and say so in its error note.

    An empty feed then keeps no validators or body hash: the next poll reads it again (not
    a 304) and falls back again while it stays empty.
    """
    # A host that did not answer at all is not probed for sitemaps (each probe would wait
    # out the same timeout); a sitemap found before, or one configured, may be elsewhere.
    host_down = poll.status == "failed" and poll.http_status is None
    read = read_fallback(client, feed, state, settings, spacing, robots, probe=not host_down)
    poll.fallback_url = read.url
    poll.items = read.items
    if read.error:
        poll.error = "; ".join(filter(None, [poll.error, f"sitemap fallback: {read.error}"]))
    if poll.status == "ok":
        poll.etag = poll.last_modified = poll.content_hash = None


def read_fallback(
    client: httpx.Client,
    feed: FeedSettings,
    state: FeedState | None,
    settings: FetchSettings,
    spacing: HostSpacing | None = None,
    robots: RobotsCache | None = None,
    *,
    probe: bool = True,
) -> FallbackRead:
    """The recent stories of the feed's fallback sitemap; never raises. ``probe`` = False
    tries only a configured or remembered sitemap, not the site's robots.txt and paths."""
    limited = settings.model_copy(
        update={"max_sitemap_children": min(settings.max_sitemap_children, FALLBACK_CHILDREN)}
    )
    fetch = sitemaps.partial_fetch(client, limited, spacing, robots)
    notes: list[str] = []
    chosen: tuple[str, bytes] | None = None
    for url in _candidates(client, feed, state, settings, probe):
        if url == feed.url:
            continue
        body, reason = fetch(url)
        kind = sitemaps.document_kind(body) if body else None
        if kind is None:
            if feed.sitemap_fallback != "auto":
                notes.append(f"{url}: {reason or 'not a sitemap'}")
            elif reason and not reason.startswith(("http ", "robots.txt")):
                notes.append(f"{url}: {reason}")  # the site stopped answering: stop probing
                break
            continue
        if chosen is None:
            chosen = (url, body or b"")
        if kind == "news_sitemap" or feed.sitemap_fallback != "auto" or _is_cached(url, state):
            chosen = (url, body or b"")
            break
    if chosen is None:
        return FallbackRead(error="; ".join(notes) or "no sitemap found")
    url, body = chosen
    read = sitemaps.read_sitemap(
        client, feed.url, body, None, limited, base_url=url, spacing=spacing, robots=robots
    )
    oldest = utcnow() - timedelta(seconds=settings.sitemap_fallback_max_age)
    items = []
    for item in read.items:
        when = sitemaps.item_date(item)
        if when is not None and when >= oldest:
            item.source_kind = "sitemap_fallback"
            items.append(item)
    if read.error:
        notes.append(read.error)
    return FallbackRead(url=url, items=items, error="; ".join(notes) or None)


def _is_cached(url: str, state: FeedState | None) -> bool:
    return state is not None and state.fallback_sitemap == url


def _candidates(
    client: httpx.Client,
    feed: FeedSettings,
    state: FeedState | None,
    settings: FetchSettings,
    probe: bool,
) -> Iterator[str]:
    """The configured URL; or, for "auto", the one found last time, then the site's own."""
    configured = feed.sitemap_fallback
    if configured is None:
        return
    if configured != "auto":
        yield configured
        return
    if state is not None and state.fallback_sitemap:
        yield state.fallback_sitemap
    if not probe:
        return
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(feed.url))
    seen: set[str] = set()
    listed = robots_sitemaps(client, origin, settings)
    news_first = sorted(listed, key=lambda url: "news" not in url.lower())
    for url in [*news_first, *(origin + path for path in NEWS_SITEMAP_PATHS + OTHER_SITEMAP_PATHS)]:
        if url not in seen:
            seen.add(url)
            yield url
