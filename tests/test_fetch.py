"""Page fetching against a real HTTP server on 127.0.0.1: what a run keeps, skips or retries."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from nethelpers import (
    ConcurrencyCounter,
    FrozenClock,
    fast_settings,
    never_answer,
    raw_server,
    send_fixed,
    trickle_forever,
)
from pytest_httpserver import HTTPServer
from werkzeug import Response

from newsflow.tasks.fetch.errors import BlockedURL, TransientFetchError
from newsflow.tasks.fetch.hostlimit import HostSpacing
from newsflow.tasks.fetch.http import build_client, get, parse_retry_after
from newsflow.tasks.fetch.pages import fetch_pages
from newsflow.tasks.fetch.robots import RobotsCache

PAGE = "<html><head><title>Café</title></head><body><p>“It’s déjà vu,” she said.</p></body></html>"
MB = 1_000_000


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """About 100 MB of zeros, gzip-compressed to about 100 KB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    parts = [compressor.compress(zeros) for _ in range(100)]
    return b"".join(parts) + compressor.flush()


def paths_requested(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


class CountingSender:
    """A ``raw_server`` behaviour: ``head``, then ``parts`` until done or the client hangs up.

    ``sent`` counts the body bytes handed to the socket, ``hung_up`` says the client closed
    the connection before the end, and ``done`` fires when the connection is over.
    """

    def __init__(self, head: bytes, parts: list[bytes]) -> None:
        self.head = head
        self.parts = parts
        self.sent = 0
        self.hung_up = False
        self.done = threading.Event()

    def __call__(self, conn: socket.socket, stop: threading.Event) -> None:
        conn.recv(65536)
        try:
            conn.sendall(self.head)
            for part in self.parts:
                conn.sendall(part)
                self.sent += len(part)
        except OSError:
            self.hung_up = True
        finally:
            conn.close()
            self.done.set()


# Runs in a fresh process so its peak resident size is the fetcher's alone: tracemalloc in
# the test process would also count the allocations of every other thread (Prefect's,
# the servers').
_FETCH_AND_MEASURE = """
import json, sys
from newsflow.config.settings import FetchSettings
from newsflow.tasks.fetch.pages import fetch_pages

def status_kb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

warm_url, url, settings_json = sys.argv[1:]
settings = FetchSettings.model_validate_json(settings_json)
fetch_pages([warm_url], settings)  # imports, TLS context, threads: paid before measuring
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # the peak resident size restarts from the current one
before = status_kb("VmRSS")
[page] = fetch_pages([url], settings)
growth = (status_kb("VmHWM") - before) * 1024
print(json.dumps({"error": page.error, "retryable": page.retryable, "peak_growth": growth}))
"""


def fetch_in_child(url: str, *, max_bytes: int) -> tuple[str | None, bool, int]:
    """Fetch ``url`` in a child process: the page's error, retryable, and how far the child's
    peak resident size rose during that fetch (bytes), after a warm-up fetch of a small page."""
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs Linux /proc to reset and read a process's peak resident size")
    small = b"<html><body>warm</body></html>"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
    # Generous timeouts: only the cap may end these fetches, however loaded the machine is.
    settings = fast_settings(
        max_bytes=max_bytes, connect_timeout=60.0, read_timeout=60.0, total_timeout=120.0
    )
    with raw_server(send_fixed(head % len(small), [small])) as warm:
        child = subprocess.run(
            [sys.executable, "-c", _FETCH_AND_MEASURE, warm + "/", url, settings.model_dump_json()],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    assert child.returncode == 0, child.stderr
    result = json.loads(child.stdout.splitlines()[-1])
    return result["error"], result["retryable"], result["peak_growth"]


def test_html_page_is_fetched_and_decoded(server: HTTPServer) -> None:
    server.expect_request("/story").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    [page] = fetch_pages([server.url_for("/story")], fast_settings())
    assert page.ok, page.error
    assert page.html == PAGE
    assert page.http_status == 200
    assert page.content_type == "text/html"
    assert page.final_url == server.url_for("/story")
    assert page.fetched_at is not None and page.fetched_at.tzinfo is None
    user_agent = server.log[0][0].headers["User-Agent"]
    assert user_agent == fast_settings().user_agent


def test_undeclared_cp1252_page_comes_out_readable(server: HTTPServer) -> None:
    response = Response(PAGE.encode("cp1252"))
    del response.headers["Content-Type"]
    server.expect_request("/old").respond_with_response(response)
    [page] = fetch_pages([server.url_for("/old")], fast_settings())
    assert page.ok, page.error
    assert "“It’s déjà vu,”" in page.html
    assert "Café" in page.html


def test_gzip_page_is_decompressed(server: HTTPServer) -> None:
    server.expect_request("/gz").respond_with_data(
        gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"}, content_type="text/html"
    )
    [page] = fetch_pages([server.url_for("/gz")], fast_settings())
    assert page.html == PAGE


def test_404_is_a_permanent_failure(server: HTTPServer) -> None:
    server.expect_request("/gone").respond_with_data("nope", status=404)
    [page] = fetch_pages([server.url_for("/gone")], fast_settings())
    assert not page.ok
    assert (page.error, page.retryable, page.http_status) == ("http 404", False, 404)


def test_503_is_retryable(server: HTTPServer) -> None:
    server.expect_request("/busy").respond_with_data("later", status=503)
    [page] = fetch_pages([server.url_for("/busy")], fast_settings())
    assert (page.error, page.retryable, page.http_status) == ("http 503", True, 503)


def test_pdf_is_refused_as_not_html(server: HTTPServer) -> None:
    server.expect_request("/report.pdf").respond_with_data(
        b"%PDF-1.7\n" + bytes(3 * MB), content_type="application/pdf"
    )
    [page] = fetch_pages([server.url_for("/report.pdf")], fast_settings())
    assert page.error == "not html: application/pdf"
    assert page.retryable is False


def test_body_without_content_type_is_sniffed(server: HTTPServer) -> None:
    html = Response(b"\n  <!DOCTYPE html><html><body>hi</body></html>")
    binary = Response(b"\x89PNG\r\n\x1a\n" + bytes(100))
    for response in (html, binary):
        del response.headers["Content-Type"]
    server.expect_request("/html").respond_with_response(html)
    server.expect_request("/png").respond_with_response(binary)
    ok, bad = fetch_pages([server.url_for("/html"), server.url_for("/png")], fast_settings())
    assert ok.ok and "hi" in ok.html
    assert bad.error is not None and bad.error.startswith("not html")


def test_oversized_page_stops_at_the_cap_without_buffering_it() -> None:
    chunk = b"<p>" + b"x" * 65530 + b"</p>"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
    sender = CountingSender(head, [chunk] * 1000)  # 64 MB, no Content-Length
    with raw_server(sender) as base:
        error, retryable, peak_growth = fetch_in_child(base + "/huge", max_bytes=MB)
        assert sender.done.wait(timeout=60), "the server never finished the response"
    assert (error, retryable) == (f"too large: > {MB} bytes", False)
    assert sender.hung_up, f"the client read all {sender.sent} bytes"
    assert peak_growth < 8 * MB, peak_growth  # reading the whole body would take 64 MB


def test_declared_oversized_page_is_refused_before_reading(server: HTTPServer) -> None:
    server.expect_request("/big").respond_with_data(b"x" * (2 * MB), content_type="text/html")
    [page] = fetch_pages([server.url_for("/big")], fast_settings(max_bytes=MB))
    assert page.error == f"too large: > {MB} bytes"


def test_gzip_bomb_is_cut_at_the_decoded_cap(gzip_bomb: bytes) -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n" % len(gzip_bomb)
    )
    with raw_server(send_fixed(head, [gzip_bomb])) as base:
        error, retryable, peak_growth = fetch_in_child(base + "/bomb", max_bytes=MB)
    assert (error, retryable) == (f"too large: > {MB} bytes", False)
    assert peak_growth < 8 * MB, peak_growth  # the bomb decodes to 100 MB


def test_redirects_are_followed_and_final_url_recorded(server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/mid"})
    server.expect_request("/mid").respond_with_data("", status=302, headers={"Location": "/new#x"})
    server.expect_request("/new").respond_with_data(PAGE, content_type="text/html")
    [page] = fetch_pages([server.url_for("/old")], fast_settings())
    assert page.ok
    assert page.url == server.url_for("/old")
    assert page.final_url == server.url_for("/new")


def test_redirect_to_cloud_metadata_is_refused_even_with_private_allowed(
    server: HTTPServer,
) -> None:
    target = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
    server.expect_request("/innocent").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    [page] = fetch_pages([server.url_for("/innocent")], fast_settings(allow_private_addresses=True))
    assert page.error == "blocked: cloud metadata address 169.254.169.254"
    assert page.retryable is False
    assert page.final_url == target


def test_private_address_is_refused_before_any_request(server: HTTPServer) -> None:
    server.expect_request("/admin").respond_with_data("secret", content_type="text/html")
    [page] = fetch_pages([server.url_for("/admin")], fast_settings(allow_private_addresses=False))
    assert page.error == "blocked: loopback address 127.0.0.1"
    assert server.log == []


def test_connect_time_guard_blocks_even_a_bare_client_request(server: HTTPServer) -> None:
    """The client itself refuses private addresses, so DNS rebinding cannot bypass the guard."""
    server.expect_request("/admin").respond_with_data("secret")
    client = build_client(fast_settings(allow_private_addresses=False))
    with client, pytest.raises(BlockedURL, match="loopback"):
        client.get(server.url_for("/admin"))
    assert server.log == []


def test_redirect_loop_is_a_permanent_failure(server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    [page] = fetch_pages([server.url_for("/a")], fast_settings())
    assert (page.error, page.retryable) == ("redirect loop", False)


def test_too_many_redirects(server: HTTPServer) -> None:
    for hop in range(6):
        server.expect_request(f"/r{hop}").respond_with_data(
            "", status=307, headers={"Location": f"/r{hop + 1}"}
        )
    [page] = fetch_pages([server.url_for("/r0")], fast_settings(max_redirects=3))
    assert page.error == "too many redirects (> 3)"
    assert paths_requested(server) == ["/r0", "/r1", "/r2", "/r3"]


@pytest.mark.timeout(120)  # guard: only the 0.5 s total deadline can end this fetch
def test_silent_server_times_out_within_the_total_deadline() -> None:
    settings = fast_settings(read_timeout=600.0, total_timeout=0.5)
    with raw_server(never_answer) as base:
        [page] = fetch_pages([base + "/story"], settings)
    assert (page.error, page.retryable) == ("timeout", True)


@pytest.mark.timeout(120)  # guard: the body never ends, only the total deadline can end it
def test_trickling_body_cannot_outlive_the_total_deadline() -> None:
    """Each read succeeds (a byte every 50 ms) yet the request ends at the total deadline."""
    settings = fast_settings(read_timeout=600.0, total_timeout=0.5)
    with raw_server(trickle_forever) as base:
        [page] = fetch_pages([base + "/slow"], settings)
    assert page.error == "timeout"


def test_connection_refused_is_retryable() -> None:
    with raw_server(never_answer) as base:
        pass  # the port is closed again once the server is gone
    [page] = fetch_pages([base + "/x"], fast_settings())
    assert page.retryable is True
    assert page.error is not None and page.error.startswith("connection error")


def test_robots_txt_is_honoured_and_fetched_once_per_host(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /\n\nUser-agent: newsflow\nDisallow: /private/\nAllow: /\n",
        content_type="text/plain",
    )
    server.expect_request("/news/1").respond_with_data(PAGE, content_type="text/html")
    server.expect_request("/news/2").respond_with_data(PAGE, content_type="text/html")
    settings = fast_settings(respect_robots_txt=True)
    robots = RobotsCache(settings)
    first = fetch_pages(
        [server.url_for("/news/1"), server.url_for("/private/x"), server.url_for("/news/2")],
        settings,
        robots=robots,
    )
    second = fetch_pages([server.url_for("/private/y")], settings, robots=robots)
    assert [page.error for page in first] == [None, "robots.txt disallows", None]
    assert second[0].error == "robots.txt disallows"
    assert paths_requested(server).count("/robots.txt") == 1
    assert "/private/x" not in paths_requested(server)


def test_missing_robots_txt_allows_everything(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/news/1").respond_with_data(PAGE, content_type="text/html")
    [page] = fetch_pages([server.url_for("/news/1")], fast_settings(respect_robots_txt=True))
    assert page.ok


def test_robots_txt_server_error_allows_fetching(server: HTTPServer) -> None:
    """Documented choice: a broken robots.txt endpoint does not silence a news site."""
    server.expect_request("/robots.txt").respond_with_data("down", status=500)
    server.expect_request("/news/1").respond_with_data(PAGE, content_type="text/html")
    [page] = fetch_pages([server.url_for("/news/1")], fast_settings(respect_robots_txt=True))
    assert page.ok


def test_robots_wildcards_follow_rfc_9309(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /*?print=\nDisallow: /*.pdf$\nAllow: /\n",
        content_type="text/plain",
    )
    robots = RobotsCache(fast_settings(respect_robots_txt=True))
    assert robots.allowed(server.url_for("/story"))
    assert not robots.allowed(server.url_for("/story?print=1"))
    assert not robots.allowed(server.url_for("/files/report.pdf"))
    assert robots.allowed(server.url_for("/files/report.pdf.html"))
    assert robots.fetches == 1


def test_retry_after_on_429_is_honoured(server: HTTPServer) -> None:
    server.expect_ordered_request("/limited").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    server.expect_ordered_request("/limited").respond_with_data(PAGE, content_type="text/html")
    waits: list[float] = []
    settings = fast_settings()
    with build_client(settings) as client:
        response = get(client, server.url_for("/limited"), settings, sleep=waits.append)
    assert (response.status, response.content) == (200, PAGE.encode())
    assert waits == [1.0]  # waited what the server asked, once, before the second request
    assert paths_requested(server) == ["/limited", "/limited"]


def test_retry_after_is_retried_at_most_max_attempts_times(server: HTTPServer) -> None:
    server.expect_request("/limited").respond_with_data(
        "slow down", status=503, headers={"Retry-After": "2"}
    )
    waits: list[float] = []
    settings = fast_settings(max_attempts=3)
    with build_client(settings) as client, pytest.raises(TransientFetchError) as info:
        get(client, server.url_for("/limited"), settings, sleep=waits.append)
    assert info.value.http_status == 503
    assert waits == [2.0, 2.0]
    assert len(server.log) == 3


def test_long_retry_after_is_left_to_a_later_run(server: HTTPServer) -> None:
    server.expect_request("/limited").respond_with_data(
        "come back tomorrow", status=429, headers={"Retry-After": "3600"}
    )
    settings = fast_settings()
    with build_client(settings) as client, pytest.raises(TransientFetchError) as info:
        get(client, server.url_for("/limited"), settings)
    assert info.value.retryable is True
    assert info.value.retry_after == 3600
    assert len(server.log) == 1


def test_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 10) == 10
    assert parse_retry_after("120") == 120
    assert parse_retry_after("soon") is None


def test_per_host_concurrency_is_respected(server: HTTPServer) -> None:
    counter = ConcurrencyCounter(gather=2, linger=0.05)
    server.expect_request("/p").respond_with_handler(counter)
    port = server.port
    urls = [f"http://127.0.0.1:{port}/p?n={n}" for n in range(6)]
    urls += [f"http://localhost:{port}/p?n={n}" for n in range(6)]
    settings = fast_settings(per_host_concurrency=2, concurrency=8)
    pages = fetch_pages(urls, settings)
    assert all(page.ok for page in pages)
    assert counter.peak == {"127.0.0.1": 2, "localhost": 2}


def test_per_host_delay_spaces_requests(server: HTTPServer) -> None:
    """With the clock stopped, each request on a host waits one more delay than the last."""
    server.expect_request("/p").respond_with_data("<html>ok</html>", content_type="text/html")
    clock = FrozenClock()
    settings = fast_settings(per_host_concurrency=2, per_host_delay=0.2)
    spacing = HostSpacing(settings.per_host_delay, clock=clock.now, sleep=clock.sleep)
    urls = [server.url_for(f"/p?n={n}") for n in range(3)]
    pages = fetch_pages(urls, settings, spacing=spacing)
    assert all(page.ok for page in pages)
    assert sorted(clock.sleeps) == pytest.approx([0.2, 0.4])
    assert len(server.log) == 3


def test_per_host_delay_from_the_settings_holds_on_the_real_clock(server: HTTPServer) -> None:
    server.expect_request("/p").respond_with_data("<html>ok</html>", content_type="text/html")
    urls = [server.url_for(f"/p?n={n}") for n in range(3)]
    started = time.monotonic()
    fetch_pages(urls, fast_settings(per_host_concurrency=2, per_host_delay=0.2))
    assert time.monotonic() - started >= 0.4  # the third start is two delays after the first
    assert len(server.log) == 3


def test_results_keep_input_order_and_duplicates(server: HTTPServer) -> None:
    server.expect_request("/1").respond_with_data("<html>1</html>", content_type="text/html")
    server.expect_request("/2").respond_with_data("nope", status=410)
    urls = [
        server.url_for("/1"),
        server.url_for("/2"),
        "mailto:desk@example.com",
        server.url_for("/1"),
    ]
    pages = fetch_pages(urls, fast_settings())
    assert [page.url for page in pages] == urls
    assert [page.error for page in pages] == [
        None,
        "http 410",
        "blocked: scheme 'mailto' not allowed",
        None,
    ]
    assert pages[0] is not pages[3]
    assert paths_requested(server).count("/1") == 1


def test_client_sends_honest_user_agent_and_no_automatic_redirects() -> None:
    settings = fast_settings(user_agent="newsflow-test/1.0 (+https://example.org/bot)")
    with build_client(settings) as client:
        assert client.headers["User-Agent"] == settings.user_agent
        assert client.follow_redirects is False


def test_no_single_timeout_outlasts_the_total_deadline() -> None:
    settings = fast_settings(connect_timeout=3.0, read_timeout=20.0, total_timeout=5.0)
    with build_client(settings) as client:
        timeout = client.timeout
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (3.0, 5.0, 5.0, 5.0)


def test_per_host_delay_holds_across_the_batches_of_a_run(server: HTTPServer) -> None:
    """The flow fetches in batches; one HostSpacing per run keeps the delay between them."""
    server.expect_request("/p").respond_with_data("<html>ok</html>", content_type="text/html")
    clock = FrozenClock()
    settings = fast_settings(per_host_concurrency=2, per_host_delay=0.2)
    spacing = HostSpacing(settings.per_host_delay, clock=clock.now, sleep=clock.sleep)
    for batch in range(3):
        fetch_pages([server.url_for(f"/p?batch={batch}")], settings, spacing=spacing)
    assert clock.sleeps == pytest.approx([0.2, 0.4])  # batches 2 and 3 waited their turn
    assert len(server.log) == 3


def test_long_retry_after_is_kept_with_the_failed_page(server: HTTPServer) -> None:
    server.expect_request("/busy").respond_with_data(
        "later", status=503, headers={"Retry-After": "600"}
    )
    [page] = fetch_pages([server.url_for("/busy")], fast_settings())
    assert (page.error, page.retryable, page.retry_after) == ("http 503", True, 600)
    assert len(server.log) == 1


def test_host_name_resolving_to_loopback_is_refused(server: HTTPServer) -> None:
    server.expect_request("/admin").respond_with_data("secret", content_type="text/html")
    url = f"http://localhost:{server.port}/admin"
    [page] = fetch_pages([url], fast_settings(allow_private_addresses=False))
    assert page.error is not None and page.error.startswith("blocked: loopback address")
    assert page.retryable is False
    assert server.log == []


def test_redirect_to_a_local_file_is_refused(server: HTTPServer) -> None:
    server.expect_request("/innocent").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    [page] = fetch_pages([server.url_for("/innocent")], fast_settings())
    assert page.error == "blocked: scheme 'file' not allowed"
