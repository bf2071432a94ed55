"""Source commands beyond the configured feeds: import-warc, discover, backfill."""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from newsflow.cli.app import ConfigOpt, DbOpt, app, fail, settings_or_exit
from newsflow.config.settings import DEFAULT_CONFIG_PATH

DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]


def _expand(patterns: list[str]) -> list[str]:
    """Absolute paths of the files the arguments name (globs expanded), in order, once each."""
    found: list[str] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not matches:
            raise fail(f"{pattern}: no file matches")
        for match in matches:
            path = Path(match)
            if not path.is_file():
                raise fail(f"{match}: no such file")
            found.append(str(path.resolve()))
    return list(dict.fromkeys(found))


@app.command("import-warc")
def import_warc(
    paths: Annotated[list[str], typer.Argument(help="WARC or WARC.gz files, or globs.")],
    since: Annotated[
        datetime | None,
        typer.Option("--since", formats=DATE_FORMATS, help="Skip records captured before (UTC)."),
    ] = None,
    hosts: Annotated[
        Path | None,
        typer.Option("--hosts", help="Keep only these hosts (one a line; subdomains too)."),
    ] = None,
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
) -> None:
    """Load the HTML pages of WARC files (e.g. CC-NEWS) like fetched ones.

    Response records of HTML pages go through the same extraction, NLP and load as an
    ingest run; the rest (requests, non-HTML, truncated, duplicates) is counted and skipped.
    A file imported to its end is never read again, so a second import adds nothing, and an
    import killed midway resumes with the file it was reading.
    Example: newsflow import-warc 'CC-NEWS-20251122*.warc.gz' --hosts news-hosts.txt
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    settings = settings_or_exit(config, db)
    files = _expand(paths)
    host_set = None
    if hosts is not None:
        from newsflow.tasks.fetch.warc import read_hosts_file

        try:
            host_set = read_hosts_file(hosts)
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(f"{hosts}: {getattr(exc, 'strerror', None) or exc}") from None
    from newsflow.flows import progress
    from newsflow.flows.import_warc import run_import_warc
    from newsflow.warehouse.db import IngestRunning, ingest_lock

    def show(stage: str, message: str) -> None:
        typer.echo(f"[{stage}] {message}", err=True)

    if sys.stderr.isatty():
        progress.add_listener(show)
    try:
        with ingest_lock(settings.warehouse.path):
            pass
        summary = run_import_warc(
            files,
            config_path=str(config),
            db_path=str(settings.warehouse.path),
            since=since,
            hosts=host_set,
        )
    except IngestRunning as exc:
        raise fail(str(exc)) from None
    finally:
        progress.remove_listener(show)
    for path, counts in summary.counts.items():
        if counts.error:
            typer.echo(f"newsflow: warning: {path}: {counts.error}", err=True)
    run = summary.run
    typer.echo(
        f"files: {summary.files_done} imported, {summary.files_skipped} done before | "
        f"records: {summary.total('records')} | html pages: {summary.total('html_pages')} | "
        f"skipped: {summary.total('skipped_non_html')} not html, "
        f"{summary.total('skipped_truncated')} truncated, "
        f"{summary.total('skipped_duplicate')} duplicate, "
        f"{summary.total('skipped_filtered')} filtered | "
        f"articles stored: {run.articles_stored} | failed: {run.fetch_failures} | "
        f"mentions: {run.mentions} | quotes: {run.quotes} | {run.seconds:.1f} s"
    )


@app.command()
def discover(
    url: Annotated[str, typer.Argument(help="The site's home page, e.g. https://news.example/")],
    add: Annotated[
        bool, typer.Option("--add", help="Append the sources found to the config file.")
    ] = False,
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
) -> None:
    """Find a site's feeds and sitemaps and print them as [[feeds]] entries.

    Looks at the home page's <link rel="alternate">, robots.txt Sitemap: lines and common
    paths (/feed, /rss.xml, /sitemap.xml, /news-sitemap.xml, ...), keeping what really is a
    feed or a sitemap. --add appends the ones not configured yet to the config file.
    Example: newsflow discover https://news.example/ --add
    """
    from urllib.parse import urlsplit

    from newsflow.config.settings import Settings
    from newsflow.tasks.fetch.discover import as_toml
    from newsflow.tasks.fetch.discover import discover as find_sources

    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise fail(f"not an http(s) URL: {url!r}")
    settings = settings_or_exit(config, db) if config.exists() or add else Settings()
    found, notes = find_sources(url, settings.fetch)
    for note in notes:
        typer.echo(f"newsflow: note: {note}", err=True)
    if not found:
        raise fail(f"{url}: no feed or sitemap found")
    if not add:
        typer.echo(as_toml(found), nl=False)
        return
    configured = {feed.url for feed in settings.feeds}
    new = [source for source in found if source.url not in configured]
    if not new:
        typer.echo(f"{config}: all {len(found)} sources found are already configured")
        return
    before = config.read_text(encoding="utf-8")
    separator = (
        "" if before.endswith("\n\n") or not before else ("\n" if before.endswith("\n") else "\n\n")
    )
    config.write_text(before + separator + as_toml(new), encoding="utf-8")
    try:
        settings_or_exit(config, db)
    except typer.Exit:
        config.write_text(before, encoding="utf-8")  # leave the file as it was
        raise
    typer.echo(f"{config}: added {len(new)} sources ({len(found) - len(new)} already there)")


@app.command()
def backfill(
    source_url: Annotated[str, typer.Argument(help="A sitemap index, sitemap or news sitemap.")],
    since: Annotated[
        datetime,
        typer.Option("--since", formats=DATE_FORMATS, help="Start of the window (UTC)."),
    ],
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until", formats=DATE_FORMATS, help="End of the window (UTC, exclusive); now."
        ),
    ] = None,
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
) -> None:
    """Load the stories a site's sitemaps list for a date window, newest first.

    Walks the sitemap index down to the child sitemaps that can hold the window (their
    lastmod, dates in their URLs), queues the stories dated in it and fetches them within
    the usual politeness limits. Killed midway, the same command resumes where it stopped.
    Example: newsflow backfill https://news.example/sitemap.xml --since 2025-11-01
    """
    from urllib.parse import urlsplit

    from newsflow.clock import utcnow

    if urlsplit(source_url).scheme not in ("http", "https") or not urlsplit(source_url).netloc:
        raise fail(f"not an http(s) URL: {source_url!r}")
    end = until or utcnow()
    if since >= end:
        raise fail(f"--since {since:%Y-%m-%d %H:%M} is not before --until {end:%Y-%m-%d %H:%M}")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    settings = settings_or_exit(config, db)
    from newsflow.flows.backfill import BackfillError, run_backfill
    from newsflow.warehouse.db import IngestRunning, ingest_lock

    with _progress_bar(sys.stderr.isatty()):
        try:
            with ingest_lock(settings.warehouse.path):
                pass
            summary = run_backfill(
                source_url,
                since,
                end,
                config_path=str(config),
                db_path=str(settings.warehouse.path),
            )
        except (IngestRunning, BackfillError) as exc:
            raise fail(str(exc)) from None
    for failure in summary.failures:
        typer.echo(f"newsflow: warning: {failure}", err=True)
    run = summary.run
    typer.echo(
        f"child sitemaps: {summary.children_total} for the window "
        f"({summary.children_read} read, {summary.children_done_before} read before, "
        f"{summary.children_failed} failed, {summary.children_skipped} outside it) | "
        f"new stories: {summary.queued} | fetched: {summary.to_fetch} | "
        f"articles stored: {run.articles_stored} | failed fetches: {run.fetch_failures} | "
        f"{run.seconds:.1f} s"
    )


@contextmanager
def _progress_bar(enabled: bool, width: int = 30) -> Iterator[None]:
    """A progress bar of the page fetches on stderr (a terminal only), fed by the flow's
    ``pages`` progress lines ("12/340 done: ..."); other stages print one line each."""
    if not enabled:
        yield
        return
    import re

    from newsflow.flows import progress

    pattern = re.compile(r"^(\d+)/(\d+) done(.*)$")
    drawn = False

    def listen(stage: str, message: str) -> None:
        nonlocal drawn
        match = pattern.match(message) if stage == "pages" else None
        if match is None:
            sys.stderr.write(("\n" if drawn else "") + f"[{stage}] {message}\n")
            drawn = False
        else:
            done, total = int(match[1]), max(1, int(match[2]))
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r[pages] [{bar}] {done}/{total}{match[3]}\x1b[K")
            drawn = True
        sys.stderr.flush()

    progress.add_listener(listen)
    try:
        yield
    finally:
        progress.remove_listener(listen)
        if drawn:
            sys.stderr.write("\n")
