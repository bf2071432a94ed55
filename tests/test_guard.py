"""The address guard keeps the fetcher out of our own network (SSRF protection)."""

from __future__ import annotations

import pytest

from newsflow.tasks.fetch.errors import BlockedURL, PermanentFetchError
from newsflow.tasks.fetch.guard import check_url_allowed


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/admin", "loopback address 127.0.0.1"),
        ("http://10.0.0.1/", "private address 10.0.0.1"),
        ("http://192.168.1.1:8080/", "private address 192.168.1.1"),
        ("http://[::1]/", "loopback address ::1"),
        ("http://[::ffff:127.0.0.1]/", "loopback address 127.0.0.1"),
        ("http://0.0.0.0/", "unspecified address 0.0.0.0"),
        ("http://224.0.0.1/", "multicast address 224.0.0.1"),
        ("http://169.254.1.1/", "link-local address 169.254.1.1"),
        ("http://100.64.0.1/", "non-public address 100.64.0.1"),
        ("http://localhost:9/", "loopback address"),
    ],
)
def test_non_public_addresses_are_blocked(url: str, reason: str) -> None:
    with pytest.raises(BlockedURL, match=reason) as info:
        check_url_allowed(url, allow_private=False)
    assert info.value.reason.startswith("blocked: ")
    assert not info.value.retryable


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_cloud_metadata_is_blocked_even_when_private_addresses_are_allowed(url: str) -> None:
    with pytest.raises(BlockedURL, match="cloud metadata"):
        check_url_allowed(url, allow_private=True)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://x/"])
def test_non_http_schemes_are_blocked(url: str) -> None:
    with pytest.raises(BlockedURL, match="scheme"):
        check_url_allowed(url, allow_private=True)


def test_private_addresses_pass_when_allowed() -> None:
    check_url_allowed("http://127.0.0.1:8000/", allow_private=True)
    check_url_allowed("http://localhost/", allow_private=True)


def test_public_literal_address_passes() -> None:
    check_url_allowed("https://93.184.215.14/", allow_private=False)


def test_blocked_error_is_a_permanent_fetch_error() -> None:
    assert issubclass(BlockedURL, PermanentFetchError)
