"""`newsflow backfill` and `newsflow import-warc` killed with SIGKILL mid-work, then run again:
nothing lost, nothing twice, and what was committed before the kill is not done again.

Each kill happens at a point the test knows from real state, never after a sleep: a story
request the test server holds until the kill (backfill), or the progress line the import
prints once a batch is in the warehouse (import-warc, read from a pseudo-terminal so the
command prints its progress as it does for a person).
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from nethelpers import threaded_server
from site_server import THREAD, write_config
from story_site import StorySite
from test_warc import PAGES, write_warc

from newsflow.warehouse.db import connect_published

NEWSFLOW = str(Path(sys.executable).parent / "newsflow")
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
STORIES = range(1, 16)  # five batches of three: the kill comes during the fifth
NEWEST = datetime(2025, 11, 22, 20, 0)
WAIT_S = 180.0  # a bound on a wait for the subprocess, not a synchronisation


@pytest.fixture
def site() -> Iterator[StorySite]:
    with threaded_server() as server:
        stories = StorySite(server, {})
        entries = "".join(
            f"<url><loc>{stories.story_url(n)}</loc><news:news><news:publication_date>"
            f"{(NEWEST - timedelta(hours=n)).replace(tzinfo=UTC).isoformat()}"
            f"</news:publication_date><news:title>Story {n}</news:title></news:news></url>"
            for n in STORIES
        )
        server.expect_request("/sitemap.xml").respond_with_data(
            f'<?xml version="1.0"?><sitemapindex {NS}><sitemap><loc>{stories.base}/news-2025-11'
            ".xml</loc><lastmod>2025-11-22</lastmod></sitemap></sitemapindex>",
            content_type="application/xml",
        )
        server.expect_request("/news-2025-11.xml").respond_with_data(
            f'<?xml version="1.0"?><urlset {NS} {NEWS_NS}>{entries}</urlset>',
            content_type="application/xml",
        )
        stories.server = server  # type: ignore[attr-defined]
        yield stories


@pytest.mark.slow
def test_backfill_killed_mid_fetch_resumes_without_refetching_what_it_stored(
    prefect_env: dict[str, str], site: StorySite, tmp_path: Path
) -> None:
    server = site.server  # type: ignore[attr-defined]
    db = tmp_path / "news.duckdb"
    config = write_config(tmp_path / "feeds.toml", db, feeds=[], execution=THREAD)
    command = [
        NEWSFLOW, "backfill", "--config", str(config), f"{site.base}/sitemap.xml",
        "--since", "2025-11-01", "--until", "2025-12-01",
    ]  # fmt: skip
    # Batches of 3, newest first; with one worker slot the writer loads the first two
    # batches (and any later one already analysed) in one commit before it fetches the fifth.
    reached = site.hold_request(after=13)
    killed = subprocess.Popen(
        command, env=prefect_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert reached.wait(WAIT_S), "the backfill never reached its third batch"
        killed.send_signal(signal.SIGKILL)
        killed.wait(WAIT_S)
    finally:
        site.release()
        if killed.poll() is None:
            killed.kill()
    assert killed.returncode == -signal.SIGKILL
    before_kill = [r.path for r, _ in server.log if r.path.startswith("/story/")]

    server.clear_log()  # (the held request may still log itself late: counted apart below)
    requests_before = site.story_requests
    terminal, stderr = os.openpty()  # as in a terminal: the command draws its progress bar
    again = subprocess.Popen(command, env=prefect_env, stdout=subprocess.PIPE, stderr=stderr)
    os.close(stderr)
    shown: list[str] = []
    try:
        _read_until(terminal, None, shown)
        out, _ = again.communicate(timeout=WAIT_S)
    finally:
        os.close(terminal)
    assert again.returncode == 0, "\n".join(shown[-20:])
    requested = [r.path for r, _ in server.log]
    assert "/news-2025-11.xml" not in requested  # the child read before the kill is done
    fetched_again = [path for path in requested if path.startswith("/story/")]
    every = {f"/story/{n}.html" for n in STORIES}
    loaded_first = every - set(fetched_again)  # the stories committed before the kill
    assert {f"/story/{n}.html" for n in range(1, 7)} <= loaded_first <= set(before_kill)
    again_n = len(STORIES) - len(loaded_first)
    assert len(set(fetched_again)) == again_n < len(STORIES)
    assert site.story_requests - requests_before == again_n  # each one once
    done = f"[pages] [{'#' * 30}] {again_n}/{again_n}: {again_n} articles stored"
    assert any(done in line for line in shown), shown[-5:]
    assert f"articles stored: {again_n}" in out.decode()
    with connect_published(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone() == (
            len(STORIES),
            len(STORIES),
        )
        assert con.execute(
            "SELECT status, coalesce(articles_stored, 0) FROM runs ORDER BY started_at"
        ).fetchall() == [("interrupted", 0), ("completed", again_n)]
        assert con.execute("SELECT status, children_done FROM backfills").fetchone() == (
            "completed",
            1,
        )


def _read_until(fd: int, pattern: re.Pattern[str] | None, seen: list[str]) -> re.Match[str] | None:
    """Lines from the terminal ``fd`` until one matches ``pattern`` (None when the command
    ended first; with no pattern, every line to the end)."""
    buffer = ""
    while True:
        ready, _, _ = select.select([fd], [], [], WAIT_S)
        if not ready:
            return None
        try:
            chunk = os.read(fd, 4096).decode("utf-8", "replace")
        except OSError:  # the command closed the terminal: it ended
            return None
        buffer += chunk.replace("\r", "\n")
        *lines, buffer = buffer.split("\n")
        for line in lines:
            seen.append(line)
            if pattern is not None and (match := pattern.search(line)):
                return match


@pytest.mark.slow
def test_import_warc_killed_mid_file_resumes_that_file_and_skips_the_finished_one(
    prefect_env: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "news.duckdb"
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[warehouse]\npath = "{db}"\n[execution]\nrunner = "thread"\nbatch_size = 2\n',
        encoding="utf-8",
    )
    first = write_warc(tmp_path / "CC-NEWS-1.warc.gz", host="one.example")
    second = write_warc(tmp_path / "CC-NEWS-2.warc.gz", host="two.example")
    command = [NEWSFLOW, "import-warc", "--config", str(config), str(first), str(second)]

    terminal, stderr = os.openpty()
    killed = subprocess.Popen(command, env=prefect_env, stdout=subprocess.DEVNULL, stderr=stderr)
    os.close(stderr)
    seen: list[str] = []
    try:
        line = re.compile(rf"\[warc\] {second.name}: .* (\d+) articles stored")
        match = _read_until(terminal, line, seen)  # a batch of the second file is loaded
        assert match is not None, "\n".join(seen[-20:])
        killed.send_signal(signal.SIGKILL)
        killed.wait(WAIT_S)
    finally:
        if killed.poll() is None:
            killed.kill()
        os.close(terminal)
    stored_before_kill = int(match[1])
    assert any(f"[warc] {first.name}: done" in text for text in seen)
    assert len(PAGES) < stored_before_kill < 2 * len(PAGES)

    again = subprocess.run(command, env=prefect_env, capture_output=True, text=True, timeout=WAIT_S)
    assert again.returncode == 0, again.stderr
    assert "files: 1 imported, 1 done before" in again.stdout
    with connect_published(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone() == (
            2 * len(PAGES),
            2 * len(PAGES),
        )
        runs = con.execute(
            "SELECT status, coalesce(articles_stored, 0) FROM runs ORDER BY started_at"
        ).fetchall()
        assert [status for status, _ in runs] == ["interrupted", "completed"]
        # At least what was committed before the kill is not stored again (the import may
        # have committed one more batch between its line and the kill).
        assert 0 < runs[1][1] <= 2 * len(PAGES) - stored_before_kill
        assert con.execute("SELECT path, status FROM warc_files ORDER BY path").fetchall() == [
            (str(first), "done"),
            (str(second), "done"),
        ]
        assert con.execute(
            "SELECT warc_path, count(*) FROM warc_records GROUP BY ALL ORDER BY ALL"
        ).fetchall() == [(str(first), len(PAGES)), (str(second), len(PAGES))]
