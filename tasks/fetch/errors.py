"""Why a fetch failed, as a small exception tree that decides what happens next.

::

    FetchError                  base; ``reason`` is the short label stored with the item
    ├── TransientFetchError     retry later: timeouts, connection errors, DNS hiccups, 429, 5xx
    │   └── FetchTimeout        the request missed its connect/read/total deadline
    └── PermanentFetchError     record and skip: 4xx, not HTML, too large, bad redirects
        ├── BlockedURL          refused by the address guard (scheme, private/metadata address)
        ├── TooLarge            the decoded body passed the byte cap
        └── RedirectError       redirect loop, too many redirects, redirect without Location

Callers read ``retryable`` instead of testing classes, so a new subclass needs no caller change.
"""

from __future__ import annotations

from typing import ClassVar


class FetchError(Exception):
    """A URL could not be fetched; ``reason`` is short and human-readable ("http 404")."""

    retryable: ClassVar[bool] = False

    def __init__(
        self,
        reason: str,
        *,
        url: str | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.http_status = http_status
        self.retry_after = retry_after  # seconds the server asked us to wait, if it said


class TransientFetchError(FetchError):
    """Worth retrying later: the same request may well succeed."""

    retryable = True


class FetchTimeout(TransientFetchError):
    """The request did not finish within its deadline."""


class PermanentFetchError(FetchError):
    """Retrying will not help: record the reason and skip the URL."""


class BlockedURL(PermanentFetchError):
    """The URL's scheme or address is not one we are willing to contact."""


class TooLarge(PermanentFetchError):
    """The (decoded) body is larger than the configured cap."""


class RedirectError(PermanentFetchError):
    """Redirects that go nowhere: a loop, too many hops, or a 3xx without Location."""
