"""Naive UTC time: every TIMESTAMP the pipeline stores is UTC without a zone."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def naive_utc(value: datetime) -> datetime:
    """An aware time converted to naive UTC; a naive one is taken to be UTC already."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
