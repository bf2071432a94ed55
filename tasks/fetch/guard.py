"""Refuse URLs that would make the fetcher reach inside our own network (SSRF).

Feed links and redirects are chosen by strangers. Without a guard a feed could point us at
``http://169.254.169.254/`` (cloud credentials), the admin port of a database on localhost
or a router on 10.0.0.1. The guard allows only http(s) to hosts whose *every* resolved
address is public. Cloud metadata endpoints are refused even when private addresses are
allowed (tests and intranet deployments set ``allow_private_addresses``).

``check_url_allowed`` is called before each request and each redirect hop; the HTTP client
(``tasks.http``) checks the addresses again at connect time, so a DNS answer that changes
between the two lookups (DNS rebinding) cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from newsflow.tasks.fetch.errors import (
    BlockedURL,
    FetchError,
    PermanentFetchError,
    TransientFetchError,
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = {"http": 80, "https": 443}
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS IMDS over IPv6
    )
)


def check_url_allowed(url: str, *, allow_private: bool) -> None:
    """Raise ``BlockedURL`` unless ``url`` is http(s) and its host resolves to allowed addresses.

    DNS failures raise ``PermanentFetchError`` (no such name) or ``TransientFetchError``.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURL(f"blocked: scheme {scheme or '(none)'!r} not allowed", url=url)
    host = parts.hostname
    if not host:
        raise BlockedURL("blocked: URL has no host", url=url)
    try:
        port = parts.port or ALLOWED_SCHEMES[scheme]
    except ValueError:
        raise BlockedURL("blocked: invalid port", url=url) from None
    try:
        resolve_allowed(host, port, allow_private=allow_private)
    except FetchError as exc:
        exc.url = exc.url or url
        raise


def resolve_allowed(host: str, port: int, *, allow_private: bool) -> list[str]:
    """All addresses of ``host`` (as strings, resolver order) after checking every one."""
    name = host.strip("[]").rstrip(".").lower()
    if name in METADATA_HOSTS:
        raise BlockedURL(f"blocked: cloud metadata host {name}")
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            raise PermanentFetchError(f"dns: no such host {name}") from None
        raise TransientFetchError(f"dns: lookup failed for {name}: {exc.strerror}") from None
    except UnicodeError:
        raise PermanentFetchError(f"dns: invalid host name {name!r}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        check_address_allowed(ipaddress.ip_address(address.split("%", 1)[0]), allow_private)
    return addresses


def check_address_allowed(ip: IPAddress, allow_private: bool) -> None:
    """Raise ``BlockedURL`` for metadata addresses always, and for non-public ones unless allowed."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for candidate in (*embedded_ipv4(ip), ip):
        if candidate in METADATA_ADDRESSES:
            raise BlockedURL(f"blocked: cloud metadata address {ip}")
        if allow_private:
            continue
        kind = non_public_kind(candidate)
        if kind is not None:
            raise BlockedURL(f"blocked: {kind} address {ip}")


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix


def embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, 6to4, NAT64, Teredo): a router may
    deliver to them, so they must pass the same checks as the address itself."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in found if address is not None]


def non_public_kind(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address ("loopback", "private"...), or None."""
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)
