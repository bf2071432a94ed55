"""Feed health and adaptive polling: each feed polled as often as it publishes, within bounds,
every poll recorded, failing feeds backed off then paused; failed pages retried with back-off.

The schedule rules are plain functions (tested with fixed dates); the rest runs on real
DuckDB files, a real HTTP server on 127.0.0.1 and, at the end, real Prefect flow runs.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from nethelpers import fast_settings
from pytest_httpserver import HTTPServer
from site_server import SITE, THREAD, write_config
from typer.testing import CliRunner

from newsflow.config.settings import FeedSettings, PollingSettings
from newsflow.tasks.fetch.feeds import poll_feeds
from newsflow.tasks.fetch.polling import due_feeds, plan_next_poll, publishing_interval
from newsflow.tasks.load import poll_records, store
from newsflow.tasks.records import FeedState, FetchedPage, ProcessedBatch
from newsflow.warehouse.db import open_ingest

T0 = datetime(2025, 6, 1, 12, 0)
BOUNDS = PollingSettings(
    floor=600, ceiling=6 * 3600, pause_after_failures=3, paused_retry_interval=86400
)
H = 3600.0


def every(seconds: float, count: int = 10) -> list[datetime]:
    return [T0 - timedelta(seconds=seconds * n) for n in range(count)]


def plan(**kwargs):  # type: ignore[no-untyped-def]
    values = {
        "polled_at": T0,
        "failed": False,
        "failure_streak": 0,
        "error": None,
        "item_dates": [],
        "settings": BOUNDS,
    }
    values.update(kwargs)
    return plan_next_poll(**values)


# --- the rules ------------------------------------------------------------------------------


def test_publishing_interval_is_the_median_gap_of_recent_items() -> None:
    hourly_with_a_burst_and_a_silence = every(H, 8) + [T0 - timedelta(hours=7, minutes=1)]
    hourly_with_a_burst_and_a_silence.append(T0 - timedelta(days=5))
    assert publishing_interval(hourly_with_a_burst_and_a_silence) == H
    assert publishing_interval([T0, T0]) is None  # undated items: all seen at once
    assert publishing_interval([]) is None


def test_a_feed_is_polled_about_as_often_as_it_publishes() -> None:
    hourly = plan(item_dates=every(H))
    assert hourly.next_poll_at == T0 + timedelta(hours=1)
    assert hourly.reason == "publishes every 1 h"
    busy = plan(item_dates=every(120))
    assert busy.interval == BOUNDS.floor and "raised to the floor" in busy.reason
    rare = plan(item_dates=every(3 * 86400))
    assert rare.interval == BOUNDS.ceiling and "capped at the ceiling" in rare.reason
    unknown = plan(item_dates=[T0])
    assert unknown.interval == BOUNDS.floor and unknown.reason == "publishing rate unknown"


def test_ttl_cache_control_and_retry_after_slow_polling_down() -> None:
    hourly = every(H)
    assert plan(item_dates=hourly, ttl=2 * H).interval == 2 * H
    assert plan(item_dates=hourly, ttl=2 * H).reason == "the feed's ttl"
    assert plan(item_dates=hourly, max_age=3 * H).reason == "Cache-Control max-age"
    assert plan(item_dates=hourly, retry_after=4 * H).interval == 4 * H
    assert plan(item_dates=hourly, ttl=60).interval == H  # a short ttl does not speed it up
    assert plan(item_dates=hourly, ttl=30 * H).interval == BOUNDS.ceiling


def test_failing_feed_backs_off_then_is_paused_and_retried_rarely() -> None:
    first = plan(failed=True, failure_streak=1, error="http 503")
    second = plan(failed=True, failure_streak=2, error="http 503")
    assert (first.interval, second.interval) == (600, 1200)
    assert first.paused_reason is None
    assert plan(failed=True, failure_streak=2, retry_after=H).interval == H
    paused = plan(failed=True, failure_streak=3, error="http 404")
    assert paused.paused_reason == "3 polls in a row failed; last error: http 404"
    assert paused.next_poll_at == T0 + timedelta(days=1)


def test_only_due_feeds_are_polled_unless_all_are_asked_for() -> None:
    feeds = [
        FeedSettings(name=name, url=f"https://news.example/{name}")
        for name in ("new", "due", "soon", "later", "off")
    ]
    feeds[-1].enabled = False
    states = {
        "https://news.example/due": FeedState(url="-", next_poll_at=T0 - timedelta(minutes=5)),
        "https://news.example/soon": FeedState(url="-", next_poll_at=T0 + timedelta(seconds=20)),
        "https://news.example/later": FeedState(url="-", next_poll_at=T0 + timedelta(hours=1)),
    }
    assert [f.name for f in due_feeds(feeds, states, T0)] == ["new", "due", "soon"]
    assert [f.name for f in due_feeds(feeds, states, T0, poll_all=True)] == [
        "new",
        "due",
        "soon",
        "later",
    ]


# --- recorded polls, against a real server and a real DuckDB file ---------------------------


def hourly_rss(count: int, *, ttl: str = "") -> str:
    items = "".join(
        f"<item><title>Story {n}</title><link>https://news.example/{n}</link>"
        f"<pubDate>{format_datetime((T0 - timedelta(hours=n)).replace(tzinfo=UTC), usegmt=True)}</pubDate></item>"
        for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>D</title>{ttl}{items}</channel></rss>'


def _feed_rows(db: Path, url: str) -> tuple[tuple, list[tuple]]:
    with open_ingest(db) as con:
        feed = con.execute(
            "SELECT next_poll_at, poll_interval, poll_reason, ttl_seconds, paused_at, "
            "paused_reason, failure_streak FROM feeds WHERE feed_url = ?",
            [url],
        ).fetchone()
        fetches = con.execute(
            "SELECT run_id, status, http_status, bytes, items, new_items, error, seconds "
            "FROM feed_fetches WHERE feed_url = ? ORDER BY polled_at",
            [url],
        ).fetchall()
    return feed, fetches


def test_every_poll_is_recorded_and_schedules_the_next_one(
    server: HTTPServer, tmp_path: Path
) -> None:
    body = hourly_rss(6, ttl="<ttl>90</ttl>")
    server.expect_request("/feed.xml").respond_with_data(
        body, content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    feed = FeedSettings(name="Desk", url=server.url_for("/feed.xml"))
    db = tmp_path / "news.duckdb"
    settings = fast_settings()
    made = []
    for run in ("run-1", "run-2"):
        with open_ingest(db) as con:
            states = poll_records.read_feed_states(con)
            [poll] = poll_feeds([feed], states, settings)
            poll_records.record_polls(con, [poll], run_id=run, polling_settings=BOUNDS)
        made.append(poll)
    (next_poll, interval, reason, ttl, paused, _, streak), fetches = _feed_rows(db, feed.url)
    [(run1, status1, http1, bytes1, items1, new1, err1, secs1), second] = fetches
    assert (run1, status1, http1, bytes1, items1, new1, err1) == (
        "run-1",
        "ok",
        200,
        len(body.encode()),
        6,
        6,
        None,
    )
    assert made[0].seconds > 0 and secs1 == round(made[0].seconds, 3)  # the poll's own timing
    # The server ignores If-None-Match: the same body's hash says "unchanged".
    assert second[:6] == ("run-2", "unchanged", 200, len(body.encode()), 0, 0)
    # Publishes hourly, but its ttl asks for 90 minutes: the ttl is kept across the 304.
    assert (interval, reason, ttl) == (90 * 60, "the feed's ttl", 90 * 60.0)
    assert paused is None and streak == 0
    assert made[1].polled_at is not None
    assert next_poll == made[1].polled_at + timedelta(seconds=interval)


def test_feed_failing_many_times_is_paused_with_its_reason_then_resumes(
    server: HTTPServer, tmp_path: Path
) -> None:
    server.expect_ordered_request("/feed.xml").respond_with_data("gone", status=404)
    server.expect_ordered_request("/feed.xml").respond_with_data("gone", status=404)
    server.expect_ordered_request("/feed.xml").respond_with_data("gone", status=404)
    server.expect_ordered_request("/feed.xml").respond_with_data(
        hourly_rss(3), content_type="application/rss+xml"
    )
    # No sitemap fallback: its requests would leave the ordered responses above.
    feed = FeedSettings(name="Flaky", url=server.url_for("/feed.xml"), sitemap=False)
    db = tmp_path / "news.duckdb"
    seen = []
    for _ in range(4):
        with open_ingest(db) as con:
            polls = poll_feeds([feed], poll_records.read_feed_states(con), fast_settings())
            poll_records.record_polls(con, polls, polling_settings=BOUNDS)
        row, _ = _feed_rows(db, feed.url)
        seen.append(row)
    intervals = [row[1] for row in seen]
    assert intervals[:2] == [600, 1200]  # back-off
    third = seen[2]
    assert third[4] is not None  # paused_at
    assert third[5] == "3 polls in a row failed; last error: http 404"
    assert third[1] == 86400
    resumed = seen[3]
    assert (resumed[4], resumed[5], resumed[6]) == (None, None, 0)
    assert resumed[2] == "publishes every 1 h"


def test_retry_after_on_a_feed_sets_its_next_poll(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request("/feed.xml").respond_with_data(
        "busy", status=503, headers={"Retry-After": "7200"}
    )
    feed = FeedSettings(name="Busy", url=server.url_for("/feed.xml"))
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        [poll] = poll_feeds([feed], {}, fast_settings())
        poll_records.record_polls(con, [poll], polling_settings=BOUNDS)
    (next_poll, interval, reason, *_), [fetch] = _feed_rows(db, feed.url)
    assert (interval, reason) == (7200, "Retry-After")
    assert next_poll == poll.polled_at + timedelta(hours=2)
    assert fetch[1:3] == ("failed", 503) and fetch[6] == "http 503"
    assert len(server.log) == 1  # a long Retry-After is not waited for inside the run


def test_failed_pages_are_retried_with_back_off_then_kept_as_failed(tmp_path: Path) -> None:
    url = "https://news.example/flaky"
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        con.execute(
            "INSERT INTO pages (page_url, status, first_seen_at) VALUES (?, 'pending', ?)",
            [url, T0],
        )
        waits = []
        for attempt in range(3):
            failure = FetchedPage(url=url, error="http 503", retryable=True, http_status=503)
            if attempt == 1:
                failure.retry_after = 2 * H  # longer than the back-off: the server wins
            store.store_batch(
                con, ProcessedBatch(), [failure], run_id="r", max_attempts=3, retry_backoff=60
            )
            row = con.execute(
                "SELECT last_attempt_at, next_attempt_at, retryable, attempts, last_error "
                "FROM pages"
            ).fetchone()
            tried, due, retryable, attempts, error = row
            waits.append(None if due is None else (due - tried).total_seconds())
            if due is not None:
                early = due - timedelta(seconds=1)
                assert poll_records.pages_to_fetch(con, max_attempts=3, now=early) == []
                assert poll_records.pages_to_fetch(con, max_attempts=3, now=due) == [url]
    assert waits == [60, 2 * H, None]
    assert (retryable, attempts) == (False, 3)
    assert error == "http 503 (gave up after 3 attempts)"


# --- real flow runs ------------------------------------------------------------------------


@pytest.mark.slow
def test_runs_poll_only_due_feeds_and_finish_what_earlier_runs_left(
    prefect_harness: None, server: HTTPServer, tmp_path: Path
) -> None:
    """Run 1 polls, a page fails with 503; run 2 polls nothing (not due) yet retries that
    page; --all polls every feed again; `newsflow feeds` shows the schedule."""
    from newsflow.cli import app
    from newsflow.flows.ingest import ingest

    story = "/world/2025/03/11/black-sea-grain-talks-geneva.html"
    page = (SITE / story.lstrip("/")).read_bytes()
    server.expect_oneshot_request(story).respond_with_data("busy", status=503)
    server.expect_request(story).respond_with_data(page, content_type="text/html")
    body = hourly_rss(0).replace(
        "</channel>",
        f"<item><title>Grain</title><link>{server.url_for(story)}</link></item></channel>",
    )
    server.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml")
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    db = tmp_path / "news.duckdb"
    config = write_config(
        tmp_path / "feeds.toml",
        db,
        feeds=[("Desk", server.url_for("/feed.xml"))],
        execution=THREAD,
        fetch={"retry_backoff": "0.0"},
    )

    first = ingest(config_path=str(config), db_path=str(db))
    second = ingest(config_path=str(config), db_path=str(db))
    forced = ingest(config_path=str(config), db_path=str(db), poll_all=True)

    assert (first.feeds_polled, first.articles_stored, first.fetch_failures) == (1, 0, 1)
    assert (second.feeds_polled, second.feeds_not_due, second.articles_stored) == (0, 1, 1)
    assert (forced.feeds_polled, forced.feeds_not_due, forced.articles_stored) == (1, 0, 0)
    shown = CliRunner().invoke(app, ["feeds", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    header, line = shown.stdout.splitlines()
    assert "next poll" in header and "/day" in header
    assert line.startswith("unchanged") and server.url_for("/feed.xml") in line
    assert len(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", line)) == 2  # last success, next poll
    assert " 0.1 " in line  # one item in 7 days
