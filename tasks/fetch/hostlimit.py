"""Run many small network jobs concurrently while being polite to each host.

Jobs are grouped by host into "lanes": each host gets at most ``per_host`` lanes, and a lane
works through its host's queue one job at a time. A thread pool of ``concurrency`` workers
runs the lanes, so no worker ever sits blocked waiting for a busy host while other hosts
have work, and ``per_host`` is a hard limit by construction. ``delay`` spaces out the
*starts* of jobs on one host, across all its lanes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar
from urllib.parse import urlsplit

R = TypeVar("R")


def host_key(url: str) -> str:
    """The politeness key of a URL: its lower-cased host name (ports share the host)."""
    return (urlsplit(url).hostname or "").lower()


class HostSpacing:
    """Hands out start times at least ``delay`` seconds apart per host (thread-safe)."""

    def __init__(
        self,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._delay = delay
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_turn(self, host: str) -> None:
        """Block until ``host`` may receive the next request."""
        if self._delay <= 0:
            return
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self._delay
        if start > now:
            self._sleep(start - now)


def run_by_host(
    jobs: Sequence[tuple[str, Callable[[], R]]],
    *,
    concurrency: int,
    per_host: int,
    delay: float = 0.0,
    spacing: HostSpacing | None = None,
) -> list[R]:
    """Run ``(host, job)`` pairs; return each job's result in input order.

    Jobs should not raise: turn failures into result records. An exception that still
    escapes is re-raised here after the other lanes finish.
    """
    queues: dict[str, deque[int]] = {}
    for index, (host, _) in enumerate(jobs):
        queues.setdefault(host, deque()).append(index)
    spacing = spacing or HostSpacing(delay)
    results: list[R | None] = [None] * len(jobs)

    def lane(host: str) -> None:
        queue = queues[host]
        while True:
            try:
                index = queue.popleft()  # deque.popleft is atomic: lanes share the queue
            except IndexError:
                return
            spacing.wait_turn(host)
            results[index] = jobs[index][1]()

    # First lane of every host, then second lanes...: all hosts start early.
    lanes = [
        host for rank in range(per_host) for host, queue in queues.items() if len(queue) > rank
    ]
    if lanes:
        with ThreadPoolExecutor(
            max_workers=min(concurrency, len(lanes)), thread_name_prefix="newsflow-net"
        ) as pool:
            futures = [pool.submit(lane, host) for host in lanes]
            for future in futures:
                future.result()
    return results  # type: ignore[return-value]  # every slot was filled
