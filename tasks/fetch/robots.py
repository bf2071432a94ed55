"""robots.txt, fetched once per site per run and asked before every page fetch.

Parsing is Protego's (Scrapy's parser): it follows RFC 9309, including ``*`` and ``$`` in
paths and longest-match precedence between Allow and Disallow, which the standard
library's ``urllib.robotparser`` gets wrong.

Unavailable robots.txt:

* missing or any 4xx -> everything allowed (RFC 9309 section 2.3.1.3);
* 5xx, timeout, connection failure, blocked, too large -> everything allowed for this run.
  RFC 9309 asks crawlers to assume "disallow all" on 5xx. We choose to allow: newsflow
  fetches only the handful of story pages a site's own feed announces, at a polite rate,
  and a broken robots endpoint would otherwise silence a news source until someone
  notices. The choice is logged per site.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

import httpx
from protego import Protego

from newsflow.config.settings import FetchSettings
from newsflow.tasks.fetch.errors import FetchError
from newsflow.tasks.fetch.http import build_client, get

log = logging.getLogger(__name__)

MAX_ROBOTS_BYTES = 500_000  # Google's limit; anything beyond is ignored by crawlers


def robots_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against: ``newsflow/0.1 (...)`` -> ``newsflow``."""
    token = user_agent.strip().split("/", 1)[0].split(" ", 1)[0]
    return token or user_agent


class RobotsCache:
    """Parsed robots.txt per origin (scheme, host, port) for one run; thread-safe.

    Create one per run and pass it to every ``fetch_pages`` call of that run, so each site's
    robots.txt is requested once. ``fetches`` counts the robots.txt requests made.
    """

    def __init__(self, settings: FetchSettings) -> None:
        self._settings = settings
        self._agent = robots_token(settings.user_agent)
        self._rules: dict[str, Protego | None] = {}  # None = allow everything
        self._origin_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def allowed(self, url: str, *, client: httpx.Client | None = None) -> bool:
        """May our user agent fetch ``url``? Fetches the site's robots.txt on first use."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        rules = self._rules_for(origin, client)
        return True if rules is None else bool(rules.can_fetch(url, self._agent))

    def _rules_for(self, origin: str, client: httpx.Client | None) -> Protego | None:
        with self._lock:
            if origin in self._rules:
                return self._rules[origin]
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:  # one fetch per origin even when many threads ask at once
            with self._lock:
                if origin in self._rules:
                    return self._rules[origin]
            rules = self._fetch(origin + "/robots.txt", client)
            with self._lock:
                self._rules[origin] = rules
            return rules

    def _fetch(self, robots_url: str, client: httpx.Client | None) -> Protego | None:
        with self._lock:
            self.fetches += 1
        own_client = client is None
        http = build_client(self._settings) if client is None else client
        try:
            response = get(
                http,
                robots_url,
                self._settings,
                max_bytes=min(MAX_ROBOTS_BYTES, self._settings.max_bytes),
            )
        except FetchError as exc:
            status = exc.http_status
            if status is not None and 400 <= status < 500:
                log.debug("%s: %s, treating as allow-all", robots_url, exc.reason)
            else:
                log.warning(
                    "%s unavailable (%s): allowing all for this run", robots_url, exc.reason
                )
            return None
        finally:
            if own_client:
                http.close()
        text = response.content.decode("utf-8", errors="replace")
        return Protego.parse(text)


def robots_sitemaps(http: httpx.Client, origin: str, settings: FetchSettings) -> list[str]:
    """The ``Sitemap:`` URLs of the site's robots.txt (none when it has none)."""
    try:
        response = get(
            http,
            origin + "/robots.txt",
            settings,
            max_bytes=min(MAX_ROBOTS_BYTES, settings.max_bytes),
        )
    except FetchError:
        return []
    rules = Protego.parse(response.content.decode("utf-8", errors="replace"))
    return [url for url in rules.sitemaps if urlsplit(url).scheme in ("http", "https")]
