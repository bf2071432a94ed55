"""When to poll each feed next: as often as it publishes, as rarely as it asks, within bounds.

A feed that publishes every 20 minutes is polled about every 20 minutes; one that publishes
twice a day, every 12 hours (or ``ceiling``, if lower). The publishing interval is the
median gap between the dates of its latest items (robust to a burst or a long silence).
What the feed or server asks for (RSS ``<ttl>``, ``sy:updatePeriod``, ``Cache-Control:
max-age``, ``Retry-After``) is a lower bound on the interval. Everything is clamped to
``[floor, ceiling]`` from ``[polling]``.

A failing feed backs off (``floor``, 2 x ``floor``, 4 x ``floor``...); after
``pause_after_failures`` failures in a row it is paused, with the reason, and tried again
only every ``paused_retry_interval`` until it answers.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsflow.config.settings import FeedSettings, PollingSettings
from newsflow.tasks.records import FeedState

# Item dates used to estimate how often a feed publishes.
RECENT_ITEMS = 20
# A feed due this close after a run starts is polled by that run: runs start on the minute,
# polls finish a few seconds later, so the next due time lands just after the next run start.
DUE_SLACK = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class PollPlan:
    """The next poll of one feed and why; ``paused_reason`` is set while the feed is paused."""

    next_poll_at: datetime
    interval: float  # seconds
    reason: str
    paused_reason: str | None = None


def publishing_interval(dates: Iterable[datetime], *, recent: int = RECENT_ITEMS) -> float | None:
    """Median gap in seconds between the ``recent`` latest distinct item dates, or None.

    None when fewer than two distinct dates are known (a new feed without dates).
    """
    latest = sorted(set(dates), reverse=True)[:recent]
    if len(latest) < 2:
        return None
    gaps = [
        (newer - older).total_seconds() for newer, older in zip(latest, latest[1:], strict=False)
    ]
    return float(statistics.median(gaps))


def plan_next_poll(
    *,
    polled_at: datetime,
    failed: bool,
    failure_streak: int,
    error: str | None,
    item_dates: Sequence[datetime],
    settings: PollingSettings,
    ttl: float | None = None,
    max_age: float | None = None,
    retry_after: float | None = None,
) -> PollPlan:
    """Decide the next poll after a poll at ``polled_at``.

    ``failure_streak`` counts failed polls in a row including this one (0 after a success).
    """
    if failed and failure_streak >= settings.pause_after_failures:
        interval = max(settings.paused_retry_interval, retry_after or 0.0)
        last = f"; last error: {error}" if error else ""
        return PollPlan(
            next_poll_at=polled_at + timedelta(seconds=interval),
            interval=interval,
            reason=f"paused: retried every {human_duration(interval)}",
            paused_reason=f"{failure_streak} polls in a row failed{last}",
        )
    if failed:
        backoff = settings.floor * 2 ** max(failure_streak - 1, 0)
        candidates = [(backoff, f"back-off after {failure_streak} failed poll(s)")]
    else:
        rate = publishing_interval(item_dates)
        candidates = [
            (rate, f"publishes every {human_duration(rate)}")
            if rate is not None
            else (settings.floor, "publishing rate unknown")
        ]
        candidates += [(ttl, "the feed's ttl"), (max_age, "Cache-Control max-age")]
    candidates.append((retry_after, "Retry-After"))
    interval, reason = max(
        ((value, why) for value, why in candidates if value is not None), key=lambda c: c[0]
    )
    if interval < settings.floor:
        interval, reason = settings.floor, f"{reason}; raised to the floor"
    elif interval > settings.ceiling:
        interval, reason = settings.ceiling, f"{reason}; capped at the ceiling"
    return PollPlan(
        next_poll_at=polled_at + timedelta(seconds=interval), interval=interval, reason=reason
    )


def due_feeds(
    feeds: Sequence[FeedSettings],
    states: Mapping[str, FeedState],
    now: datetime,
    *,
    poll_all: bool = False,
) -> list[FeedSettings]:
    """The enabled feeds a run starting at ``now`` polls: due ones, or all with ``poll_all``."""
    enabled = [feed for feed in feeds if feed.enabled]
    if poll_all:
        return enabled
    return [feed for feed in enabled if _is_due(states.get(feed.url), now)]


def _is_due(state: FeedState | None, now: datetime) -> bool:
    return state is None or state.next_poll_at is None or state.next_poll_at <= now + DUE_SLACK


def human_duration(seconds: float) -> str:
    """A short duration for people: "45 s", "20 min", "2.5 h", "3 d"."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h".replace(".0 h", " h")
    return f"{seconds / 86400:.1f} d".replace(".0 d", " d")
