"""Helpers for the network tests: fast settings, a threaded HTTP server, misbehaving sockets,
a request counter and a stopped clock. The shared ``server`` fixture (conftest.py) uses
``threaded_server``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsflow.config.settings import FetchSettings


def fast_settings(**overrides: Any) -> FetchSettings:
    """Small timeouts, the local test server allowed, robots off unless a test turns it on."""
    values: dict[str, Any] = {
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "total_timeout": 2.0,
        "allow_private_addresses": True,
        "respect_robots_txt": False,
        "concurrency": 8,
        "per_host_concurrency": 4,
        "max_attempts": 3,
    }
    values.update(overrides)
    return FetchSettings(**values)


@contextmanager
def threaded_server() -> Iterator[HTTPServer]:
    """A pytest-httpserver on 127.0.0.1 that handles requests concurrently."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


class ConcurrencyCounter:
    """A handler recording the most requests in flight per Host header.

    Each request is held until ``gather`` requests of its host are in flight (or ``wait``
    seconds pass), then ``linger`` seconds more, so requests the client sends together
    really overlap here, however slowly the machine schedules them, and one over a limit
    would be seen.
    """

    def __init__(
        self,
        gather: int = 1,
        *,
        linger: float = 0.0,
        wait: float = 10.0,
        body: bytes = b"<html><body>ok</body></html>",
    ) -> None:
        self.gather = gather
        self.linger = linger
        self.wait = wait
        self.body = body
        self.active: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self._changed = threading.Condition()

    def __call__(self, request: Request) -> Response:
        host = request.host.rsplit(":", 1)[0]
        with self._changed:
            self.active[host] = self.active.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), self.active[host])
            self._changed.notify_all()
            self._changed.wait_for(lambda: self.peak[host] >= self.gather, timeout=self.wait)
        if self.linger:
            time.sleep(self.linger)  # keep overlapping: a request over the limit would show
        with self._changed:
            self.active[host] -= 1
        return Response(self.body, content_type="text/html")


class FrozenClock:
    """A clock for ``HostSpacing`` that never moves; ``sleep`` records instead of waiting."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        return 1000.0

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


Behaviour = Callable[[socket.socket, threading.Event], None]


def never_answer(conn: socket.socket, stop: threading.Event) -> None:
    """Accept the connection, read the request, then say nothing until the test ends."""
    conn.recv(65536)
    stop.wait(30)


def trickle_forever(conn: socket.socket, stop: threading.Event) -> None:
    """Send headers, then one body byte every 50 ms: each read succeeds, the body never ends."""
    conn.recv(65536)
    try:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
        while not stop.wait(0.05):
            conn.sendall(b"x")
    except OSError:
        return


def send_fixed(head: bytes, parts: Iterable[bytes]) -> Behaviour:
    """Answer every request with ``head`` then ``parts``, then close: no per-request copies.

    Memory tests use this instead of werkzeug, which allocates several MB per response and
    would hide what the client itself holds.
    """

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        conn.recv(65536)
        try:
            conn.sendall(head)
            for part in parts:
                conn.sendall(part)
        except OSError:
            pass  # the client hung up early: that is the point of these tests
        finally:
            conn.close()

    return behaviour


@contextmanager
def raw_server(behaviour: Behaviour) -> Iterator[str]:
    """A bare TCP server on 127.0.0.1 running ``behaviour`` per connection; yields its URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    stop = threading.Event()
    connections: list[socket.socket] = []

    def accept_loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connections.append(conn)
            threading.Thread(target=behaviour, args=(conn, stop), daemon=True).start()

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in connections:
            conn.close()
        listener.close()
