"""The one way newsflow speaks HTTP: guarded, capped, deadlined GET requests.

* ``build_client`` makes an ``httpx.Client`` that announces itself honestly, pools
  connections, never follows redirects on its own, and checks every address it connects to
  against the SSRF guard (so DNS rebinding cannot bypass ``check_url_allowed``).
* ``get`` follows redirects by hand (each hop guard-checked), streams the body and stops at
  the byte cap *after* decompression (a gzip bomb costs at most the cap), enforces one total
  deadline over connect + TLS + headers + body, honours short ``Retry-After`` waits, and
  raises the exception tree from ``tasks.errors`` (re-exported here).
"""

from __future__ import annotations

import contextvars
import email.utils
import functools
import logging
import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx

from newsflow.clock import utcnow
from newsflow.config.settings import FetchSettings
from newsflow.tasks.fetch.errors import (
    BlockedURL,
    FetchError,
    FetchTimeout,
    PermanentFetchError,
    RedirectError,
    TooLarge,
    TransientFetchError,
)
from newsflow.tasks.fetch.guard import check_url_allowed, resolve_allowed

__all__ = [
    "BlockedURL",
    "FetchError",
    "FetchTimeout",
    "HttpResponse",
    "PermanentFetchError",
    "RedirectError",
    "TooLarge",
    "TransientFetchError",
    "build_client",
    "get",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_4XX = frozenset({408, 425, 429})
# Retry inside the run only when the server asks for a short pause; longer waits are the
# next run's business (the item stays retryable).
MAX_INLINE_RETRY_AFTER = 5.0
# Only encodings we can decode incrementally with an output cap (no br/zstd: their
# decoders here cannot bound output per call).
ACCEPT_ENCODING = "gzip, deflate"

# Absolute monotonic deadline of the request running in this thread (None = no deadline).
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "newsflow_http_deadline", default=None
)


@dataclass(kw_only=True, slots=True)
class HttpResponse:
    """A finished GET: status, headers (lower-case names) and the decoded body bytes."""

    url: str  # what we asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    seconds: float = 0.0
    fetched_at: datetime | None = None  # naive UTC

    @property
    def content_type(self) -> str | None:
        """Media type without parameters, lower-case ("text/html"), or None if absent."""
        value = self.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        return value or None

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of Content-Type, if any."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The system CA bundle, read once per process (about 30 ms each time otherwise: one
    client is built per batch of pages); SSL contexts are safe to share between threads."""
    return httpx.create_ssl_context()


def build_client(settings: FetchSettings) -> httpx.Client:
    """An ``httpx.Client`` for one run: pooled, timed out, guarded, no automatic redirects."""
    timeout = httpx.Timeout(
        connect=min(settings.connect_timeout, settings.total_timeout),
        read=min(settings.read_timeout, settings.total_timeout),
        write=min(settings.read_timeout, settings.total_timeout),
        pool=settings.total_timeout,
    )
    limits = httpx.Limits(
        max_connections=settings.concurrency + 4,
        max_keepalive_connections=settings.concurrency,
        keepalive_expiry=30.0,
    )
    transport = httpx.HTTPTransport(limits=limits, retries=0, verify=_tls_context())
    _install_guarded_backend(transport, allow_private=settings.allow_private_addresses)
    return httpx.Client(
        transport=transport,  # an explicit transport also means: no proxies from env vars
        timeout=timeout,
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
    )


def get(
    client: httpx.Client,
    url: str,
    settings: FetchSettings,
    *,
    headers: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
    on_headers: Callable[[httpx.Response], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> HttpResponse:
    """GET ``url``: follow redirects (guarded), read at most ``max_bytes`` decoded bytes.

    Returns 2xx and 304 responses; raises ``TransientFetchError`` or
    ``PermanentFetchError`` otherwise. ``on_headers`` may raise to refuse a response before
    its body is read (e.g. not HTML). A 429/503 with a ``Retry-After`` of at most
    ``MAX_INLINE_RETRY_AFTER`` seconds is retried, up to ``settings.max_attempts`` tries.
    """
    cap = max_bytes if max_bytes is not None else settings.max_bytes
    attempt = 1
    while True:
        try:
            return _get_once(client, url, settings, headers or {}, cap, on_headers)
        except TransientFetchError as exc:
            wait = exc.retry_after
            if attempt >= settings.max_attempts or wait is None or wait > MAX_INLINE_RETRY_AFTER:
                raise
            log.info("%s: %s, retrying in %.1f s", url, exc.reason, wait)
            sleep(wait)
            attempt += 1


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _get_once(
    client: httpx.Client,
    url: str,
    settings: FetchSettings,
    headers: Mapping[str, str],
    cap: int,
    on_headers: Callable[[httpx.Response], None] | None,
) -> HttpResponse:
    started = time.monotonic()
    token = _deadline.set(started + settings.total_timeout)
    current = url
    seen = {_without_fragment(url)}
    try:
        for hop in range(settings.max_redirects + 1):
            check_url_allowed(current, allow_private=settings.allow_private_addresses)
            with _translate_errors(current):
                request = client.build_request("GET", current, headers=headers)
                response = client.send(request, stream=True)
                try:
                    if response.status_code in REDIRECT_STATUSES:
                        current = _next_hop(response, current, seen, hop, settings.max_redirects)
                        continue
                    _raise_for_status(response, current)
                    content = b""
                    if response.status_code != 304:
                        if on_headers is not None:
                            on_headers(response)
                        content = _read_capped(response, cap)
                finally:
                    response.close()
            return HttpResponse(
                url=url,
                final_url=current,
                status=response.status_code,
                headers={name.lower(): value for name, value in response.headers.items()},
                content=content,
                seconds=time.monotonic() - started,
                fetched_at=utcnow(),
            )
        raise AssertionError("unreachable: the redirect loop returns or raises")
    finally:
        _deadline.reset(token)


def _next_hop(response: httpx.Response, current: str, seen: set[str], hop: int, limit: int) -> str:
    location = response.headers.get("location", "").strip()
    if not location:
        raise RedirectError(
            f"http {response.status_code} without location",
            url=current,
            http_status=response.status_code,
        )
    target = _without_fragment(urljoin(current, location))
    if target in seen:
        raise RedirectError("redirect loop", url=target, http_status=response.status_code)
    if hop >= limit:
        raise RedirectError(
            f"too many redirects (> {limit})", url=target, http_status=response.status_code
        )
    seen.add(target)
    return target


def _raise_for_status(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if 200 <= status < 300 or status == 304:
        return
    reason = f"http {status}"
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if status >= 500 or status in TRANSIENT_4XX:
        raise TransientFetchError(reason, url=url, http_status=status, retry_after=retry_after)
    raise PermanentFetchError(reason, url=url, http_status=status)


def _read_capped(response: httpx.Response, cap: int) -> bytes:
    """Stream the body, decompressing ourselves so the *decoded* size never passes ``cap``."""
    too_large = f"too large: > {cap} bytes"
    decoder = _BodyDecoder(response.headers.get("content-encoding", ""))
    declared = response.headers.get("content-length", "")
    if decoder.identity and declared.isdigit() and int(declared) > cap:
        raise TooLarge(too_large, url=str(response.url), http_status=response.status_code)
    body = bytearray()
    for chunk in _chain(response.iter_raw(), [b""]):
        room = cap - len(body)
        body += decoder.decode(chunk, room + 1, final=not chunk)
        if len(body) > cap:
            raise TooLarge(too_large, url=str(response.url), http_status=response.status_code)
    return bytes(body)


def _chain(*parts: Iterable[bytes]) -> Iterable[bytes]:
    for part in parts:
        yield from part


class _BodyDecoder:
    """Incremental gzip/deflate decoding with a bound on the output of every call."""

    def __init__(self, content_encoding: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        self.identity = not codings
        self._raw_deflate_fallback = False
        if self.identity:
            self._wbits = 0
        elif codings in (["gzip"], ["x-gzip"]):
            self._wbits = 16 + zlib.MAX_WBITS
        elif codings == ["deflate"]:
            self._wbits = zlib.MAX_WBITS
            self._raw_deflate_fallback = True  # some servers send raw deflate
        else:
            raise PermanentFetchError(f"unsupported content-encoding: {content_encoding}")
        self._z = zlib.decompressobj(self._wbits) if not self.identity else None
        self._started = False

    def decode(self, data: bytes, limit: int, *, final: bool = False) -> bytes:
        """At most ``limit`` decoded bytes from ``data`` (more input is left pending)."""
        if self._z is None:
            return data[:limit]
        try:
            out = self._z.decompress(data, limit)
            self._started = self._started or bool(out)
        except zlib.error as exc:
            if self._raw_deflate_fallback and not self._started:
                self._raw_deflate_fallback = False
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.decode(data, limit, final=final)
            raise PermanentFetchError(f"corrupt {self._kind} body: {exc}") from None
        # gzip allows several members back to back; start a fresh decoder for the next one.
        while self._z.eof and self._z.unused_data and len(out) < limit:
            rest = self._z.unused_data
            self._z = zlib.decompressobj(self._wbits)
            out += self._z.decompress(rest, limit - len(out))
        if final and len(out) < limit:
            out += self._z.flush()
        return out

    @property
    def _kind(self) -> str:
        return "gzip" if self._wbits > zlib.MAX_WBITS else "deflate"


@contextmanager
def _translate_errors(url: str) -> Iterator[None]:
    """Map httpx/httpcore transport failures onto the fetch exception tree."""
    try:
        yield
    except FetchError:
        raise
    except (httpx.TimeoutException, httpcore.TimeoutException) as exc:
        raise FetchTimeout("timeout", url=url) from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise PermanentFetchError(f"invalid url: {exc}", url=url) from exc
    except (httpx.TransportError, httpcore.NetworkError) as exc:
        raise TransientFetchError(f"connection error: {_short(exc)}", url=url) from exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _without_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


# --- connect-time guard and total deadline ------------------------------------------------


def _remaining(timeout: float | None, timeout_error: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of the current request's total deadline."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise timeout_error("total deadline exceeded")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read/write also respects the request's total deadline.

    The deadline is looked up when the call happens, so a pooled connection reused by a
    later request obeys that request's deadline.
    """

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, _remaining(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Resolve, check every address with the guard, then connect to a checked address."""

    def __init__(self, *, allow_private: bool) -> None:
        self._allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve_allowed(host, port, allow_private=self._allow_private)
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(
                    address,
                    port,
                    _remaining(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except httpcore.ConnectError as exc:  # try the next address (IPv6 vs IPv4)
                last_error = exc
                continue
            return _DeadlineStream(stream)
        raise last_error or httpcore.ConnectError(f"no address for {host}")


def _install_guarded_backend(transport: httpx.HTTPTransport, *, allow_private: bool) -> None:
    # httpx has no public hook for the network backend; fail loudly if its internals move,
    # rather than silently running without the connect-time guard.
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("cannot install the address guard: httpx/httpcore internals changed")
    pool._network_backend = _GuardedBackend(allow_private=allow_private)
