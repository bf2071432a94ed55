"""Which child sitemaps can hold a date window, and which of their stories fall in it.

A child sitemap last modified before the window began cannot list a story published in
it; a child whose URL names a day, month or year (``sitemap-2025-11-22.xml``,
``/2025/11/``, ``posts-2025.xml``) can only list stories of that period. A story's date is
its ``news:publication_date``, else its ``<lastmod>``; an undated story counts only when its
child's URL period lies inside the window.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from newsflow.tasks.fetch.sitemaps import item_date, parse_w3c_date
from newsflow.tasks.records import FeedItem, SitemapChild

_DAY = re.compile(r"(?<!\d)(20\d\d|19\d\d)[-/_.]?(0[1-9]|1[0-2])[-/_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
_MONTH = re.compile(r"(?<!\d)(20\d\d|19\d\d)[-/_.](0[1-9]|1[0-2])(?![\d])")
_YEAR = re.compile(r"(?<![\d])(20\d\d|19\d\d)(?![\d])")


def url_period(url: str) -> tuple[datetime, datetime] | None:
    """The [start, end) period a sitemap URL names (a day, a month or a year), if any."""
    if match := _DAY.search(url):
        try:
            start = datetime(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
        return start, start + timedelta(days=1)
    if match := _MONTH.search(url):
        year, month = int(match[1]), int(match[2])
        end = datetime(year + (month == 12), month % 12 + 1, 1)
        return datetime(year, month, 1), end
    if match := _YEAR.search(url):
        year = int(match[1])
        return datetime(year, 1, 1), datetime(year + 1, 1, 1)
    return None


def child_can_hold(child: SitemapChild, since: datetime, until: datetime) -> bool:
    """Can this child sitemap list stories published in [since, until)?"""
    lastmod = parse_w3c_date(child.lastmod)
    if lastmod is not None and lastmod < since:
        return False
    period = url_period(child.url)
    return period is None or (period[0] < until and period[1] > since)


def in_window(item: FeedItem, since: datetime, until: datetime, child_url: str) -> bool:
    """Is the story dated in [since, until)? Undated: only when the child's period is inside."""
    when = item_date(item)
    if when is not None:
        return since <= when < until
    period = url_period(child_url)
    return period is not None and since <= period[0] and period[1] <= until


def child_order(child: SitemapChild) -> datetime:
    """Newest first: by lastmod, else by the period the URL names."""
    lastmod = parse_w3c_date(child.lastmod)
    if lastmod is not None:
        return lastmod
    period = url_period(child.url)
    return period[1] if period else datetime.min
