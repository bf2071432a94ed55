"""Which queued pages a run fetches, and in what order: a fair share for every feed and host.

The queue is oldest first, so one feed that lists 100,000 items (or a host that answers
slowly) would otherwise fill every batch of the run while the other feeds' stories wait.
Here each feed gets at most ``max_per_feed`` pages per run (the rest stay queued for later
runs: nothing is dropped), and the pages are dealt round-robin over hosts, and within a host
over feeds, so every batch mixes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, zip_longest

from newsflow.tasks.fetch.hostlimit import host_key

_GAP = object()


def fair_order(urls: Sequence[str], feed_of: Mapping[str, str], max_per_feed: int) -> list[str]:
    """``urls`` (queue order) capped per feed and interleaved over hosts, then feeds.

    ``feed_of`` maps a page to the feed that listed it; a page no feed lists counts as a
    feed of its own host.
    """
    by_feed: dict[str, list[str]] = {}
    for url in urls:
        feed = feed_of.get(url) or f"host:{host_key(url)}"
        pages = by_feed.setdefault(feed, [])
        if len(pages) < max_per_feed:
            pages.append(url)
    by_host: dict[str, list[list[str]]] = {}
    for pages in by_feed.values():
        by_host.setdefault(host_key(pages[0]), []).append(pages)
    # A feed's pages may live on several hosts; the host of its first page is where it is
    # dealt, which is enough to keep one flooding feed from filling the batches.
    host_queues = [_round_robin(feeds) for feeds in by_host.values()]
    return _round_robin(host_queues)


def _round_robin(queues: Iterable[Sequence[str]]) -> list[str]:
    return [
        url for url in chain.from_iterable(zip_longest(*queues, fillvalue=_GAP)) if url is not _GAP
    ]  # type: ignore[misc]
