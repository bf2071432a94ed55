"""When a failed page is tried again: the page retry policy, as a pure function.

A retryable failure waits ``backoff`` seconds after its first attempt, four times longer after
each further one, or as long as the server's Retry-After asks when that is longer. The
``max_attempts``-th failure is final, and its reason says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_RETRY_BACKOFF = 900.0  # seconds before a failed page's first retry


@dataclass(frozen=True, slots=True)
class RetryPlan:
    retryable: bool
    next_attempt_at: datetime | None
    error: str


def plan_page_retry(
    *,
    error: str,
    retryable: bool,
    attempts_before: int,
    attempted_at: datetime,
    retry_after: float | None = None,
    max_attempts: int | None = None,
    backoff: float = DEFAULT_RETRY_BACKOFF,
) -> RetryPlan:
    """What a page's failure means for its next attempt (``attempts_before``: earlier tries)."""
    attempts = attempts_before + 1
    if not retryable:
        return RetryPlan(retryable=False, next_attempt_at=None, error=error)
    if max_attempts is not None and attempts >= max_attempts:
        return RetryPlan(
            retryable=False,
            next_attempt_at=None,
            error=f"{error} (gave up after {attempts} attempts)",
        )
    wait = max(retry_after or 0.0, backoff * 4**attempts_before)
    return RetryPlan(
        retryable=True, next_attempt_at=attempted_at + timedelta(seconds=wait), error=error
    )
