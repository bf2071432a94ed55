"""Analyst commands of the ``newsflow`` CLI: query, search, export, report, feeds.

Registered on the one Typer app when ``newsflow.cli`` imports this module. Every command reads
the published snapshot (read-only), takes ``--config`` and ``--db`` like the others, and
reports a problem a user can fix as one line on stderr with exit code 2.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Annotated

import duckdb
import typer

import newsflow.warehouse
from newsflow.cli.app import ConfigOpt, DbOpt, app, fail, settings_or_exit
from newsflow.config.settings import DEFAULT_CONFIG_PATH

SAVED_QUERIES = Path(newsflow.warehouse.__file__).parent / "queries"

AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Read the snapshot a past run published: its run id, a snapshot id, or a UTC "
        "time (the last snapshot published by then), e.g. 2026-11-01T12:00. "
        "See `newsflow snapshots`.",
    ),
]

SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Only articles whose day (publication, else fetch date) is on or after YYYY-MM-DD.",
    ),
]

# C0/C1 control characters (terminal escapes among them): fetched text is data, not commands.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str | None) -> str:
    """One line of fetched text, safe to print to a terminal."""
    return _CONTROL.sub("", " ".join((text or "").split()))


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    from newsflow.tasks.load.search import parse_day

    try:
        return parse_day(value)
    except ValueError as exc:
        raise fail(f"--since: {exc}") from None


# DuckDB's memory for the commands that stream (`export`, `search`): a ceiling, not a need.
# Without it DuckDB keeps every block it reads (up to most of the machine's memory), so a
# command's memory would grow with the warehouse; past it, DuckDB evicts or spills to a
# private temporary folder.
STREAM_MEMORY_LIMIT = "128MB"


@contextmanager
def _published(
    config: Path,
    db: Path | None,
    *,
    writable_dir: Path | None = None,
    streaming: bool = False,
    as_of: str | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only, locked-down connection to the published warehouse (see
    ``warehouse.db.lock_down``; ``writable_dir`` stays writable); errors become one line.
    ``streaming`` bounds DuckDB's memory (``STREAM_MEMORY_LIMIT``) and lets it write rows
    in any order."""
    from newsflow.warehouse.db import WarehouseError, connect_locked

    settings = settings_or_exit(config, db)
    allowed = [str(writable_dir.resolve())] if writable_dir is not None else []
    with ExitStack() as stack:
        prepare = _load_search_functions
        if streaming:
            spill = stack.enter_context(tempfile.TemporaryDirectory(prefix="newsflow-spill-"))
            prepare = partial(_prepare_streaming, spill=spill)
        try:
            con = connect_locked(
                settings.warehouse.path,
                allowed_directories=allowed,
                prepare=prepare,
                as_of=as_of,
            )
        except WarehouseError as exc:
            raise fail(str(exc)) from None
        stack.callback(con.close)
        try:
            yield con
        except duckdb.Error as exc:
            raise fail(str(exc).splitlines()[0]) from None


def _prepare_streaming(con: duckdb.DuckDBPyConnection, *, spill: str) -> None:
    """Before the lock: the search functions, the memory ceiling and where to spill."""
    from newsflow.export import prepare

    _load_search_functions(con)
    con.execute("SET memory_limit = ?", [STREAM_MEMORY_LIMIT])
    con.execute("SET temp_directory = ?", [spill])
    prepare(con)


def saved_queries() -> dict[str, Path]:
    """The saved queries shipped in warehouse/queries, by name."""
    return {path.stem: path for path in sorted(SAVED_QUERIES.glob("*.sql"))}


@app.command()
def query(
    name: Annotated[
        str | None,
        typer.Argument(help="A saved query's name (see --list) or the path of a .sql file."),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the saved queries.")] = False,
    max_rows: Annotated[int, typer.Option(help="Rows to print at most.")] = 40,
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Run a saved query (warehouse/queries/NAME.sql) or a .sql file on the warehouse.

    Example: newsflow query most_quoted_speakers --csv > speakers.csv
    """
    saved = saved_queries()
    if list_ or name is None:
        for stem, path in saved.items():
            first = path.read_text(encoding="utf-8").splitlines()[0]
            typer.echo(f"{stem:<30} {first.removeprefix('--').strip()}")
        return
    path = saved.get(name) or Path(name)
    if not path.is_file():
        raise fail(f"no saved query {name!r} and no such file (newsflow query --list)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{path}: cannot read: {exc}") from None
    sql(query=text, config=config, db=db, max_rows=max_rows, csv=csv, as_of=as_of)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to look for in titles and bodies.")],
    since: SinceOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Articles to show.")] = 10,
    all_copies: Annotated[
        bool,
        typer.Option("--all-copies", help="Show every syndicated copy, not one per story."),
    ] = False,
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
) -> None:
    """Full-text search (BM25 over titles and bodies, stemmed): best matches first, with a snippet.

    Example: newsflow search "regime change" --since 2025-03-01 --limit 5
    """
    from newsflow.tasks.load.search import SearchError
    from newsflow.tasks.load.search import search as run_search

    day = _since(since)
    with _published(config, db, streaming=True) as con:
        try:
            hits = run_search(con, query, since=day, limit=limit, all_copies=all_copies)
        except SearchError as exc:
            raise fail(str(exc)) from None
    if not hits:
        typer.echo(f"no articles match {printable(query)!r}", err=True)
        return
    for rank, hit in enumerate(hits, start=1):
        typer.echo(
            f"{rank:>2}. {hit.day.isoformat()}  {printable(hit.source)}  (score {hit.score:.2f})"
        )
        typer.echo(f"    {printable(hit.title) or '(untitled)'}")
        typer.echo(f"    {printable(hit.url)}")
        typer.echo(f"    {printable(hit.snippet)}")
        if hit.also_in:
            others = ", ".join(printable(source) for source in hit.also_in)
            typer.echo(f"    also run by: {others}")


@app.command()
def export(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the tables into.")],
    format: Annotated[
        str, typer.Option("--format", "-f", help="parquet (partitioned by pub_date) or csv.")
    ] = "parquet",
    since: SinceOpt = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace tables exported there before.")
    ] = False,
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Export every table to Parquet (hive-partitioned by pub_date) or CSV files.

    Example: newsflow export --format parquet exports/ --since 2025-03-01
    """
    from newsflow.export import ExportError, export_warehouse

    if format not in ("parquet", "csv"):
        raise fail(f"--format: expected parquet or csv, got {format!r}")
    day = _since(since)
    with _published(config, db, writable_dir=out_dir, streaming=True, as_of=as_of) as con:
        try:
            done = export_warehouse(con, out_dir, fmt=format, since=day, overwrite=overwrite)  # type: ignore[arg-type]
        except ExportError as exc:
            raise fail(str(exc)) from None
    for table in done:
        layout = "partitioned by pub_date" if table.partitioned else "one file"
        typer.echo(f"{table.table}: {table.rows} rows -> {table.path} ({layout})")


@app.command()
def report(
    since: SinceOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
) -> None:
    """Write a self-contained HTML report of the week (charts, top names, latest quotes).

    Article volume per source per day, the most mentioned people and organisations with
    their trend, the most quoted speakers and the latest quotes with links. Default period:
    the 7 days up to the latest article.

    Example: newsflow report --since 2025-03-01 --out week.html
    """
    from newsflow.report import write_report

    day = _since(since)
    if not out.parent.is_dir():
        raise fail(f"--out: no such directory: {out.parent}")
    with _published(config, db) as con:
        try:
            summary = write_report(con, out, since=day)
        except OSError as exc:
            raise fail(f"cannot write {out}: {exc.strerror}") from None
    typer.echo(
        f"{summary.path}: {summary.since.isoformat()} to {summary.until.isoformat()}, "
        f"{summary.articles} articles, {summary.quotes} quotes, {summary.bytes // 1024} KiB"
    )


@app.command()
def feeds(
    problems: Annotated[
        bool, typer.Option("--problems", help="Only feeds with a coverage gap.")
    ] = False,
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
) -> None:
    """List the configured feeds with their health in the warehouse (view feed_health).

    One line per feed: status ("paused" once it failed too often), failed polls in a row,
    pages listed (in the last 7 days), items published per day (last 7 days), last
    successful poll, next poll (UTC), name, URL, and the coverage gap or pause reason if any.
    Feeds in the warehouse but no longer in the config are listed too.
    Example: newsflow feeds --problems
    """
    settings = settings_or_exit(config, db)
    health: dict[str, dict] = {}
    from newsflow.warehouse.lake import location

    if location(settings.warehouse.path).exists():
        with _published(config, db) as con:
            # SELECT h.*: a snapshot published before migration 0006 lacks the newer columns.
            cursor = con.execute(
                """
                SELECT h.*, g.gap
                FROM feed_health h LEFT JOIN feed_coverage_gaps g USING (feed_url)
                ORDER BY h.name
                """
            )
            names = [column[0] for column in cursor.description]
            health = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    configured = {feed.url: feed for feed in settings.feeds}
    urls = list(configured) + [url for url in health if url not in configured]
    typer.echo(
        f"{'status':<12} {'fails':>5} {'pages':>6} {'(7 d)':>6} {'/day':>6} "
        f"{'last success':<16} {'next poll':<16}  name  url"
    )
    for url in urls:
        feed = configured.get(url)
        row = health.get(url, {"last_status": "never polled"})
        status = "paused" if row.get("paused") else row["last_status"]
        gap = row.get("gap")
        if feed is None:
            gap = "; ".join(filter(None, [gap, "not in the config"]))
        elif not feed.enabled:
            gap = "; ".join(filter(None, [gap, "disabled"]))
        if problems and not gap and status != "never polled":
            continue
        per_day = row.get("items_per_day")
        typer.echo(
            f"{status:<12} {row.get('failure_streak', 0):>5} {row.get('items', 0):>6} "
            f"{row.get('new_items_7d', 0):>6} {'-' if per_day is None else per_day:>6} "
            f"{_minute(row.get('last_success_at')):<16} {_minute(row.get('next_poll_at')):<16}  "
            f"{printable(feed.name if feed else row.get('name'))}  {printable(url)}"
            + (f"  [{printable(gap)}]" if gap else "")
        )


def _minute(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else "-"


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query.")],
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
    max_rows: Annotated[int, typer.Option(help="Rows to print at most.")] = 40,
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Run a read-only query against the published warehouse and print the result.

    Example: newsflow sql "SELECT speaker, count(*) FROM quotes GROUP BY 1 ORDER BY 2 DESC"
    Last month's figures, exactly: newsflow sql --as-of 2026-10-31T23:59 "SELECT ..."
    """
    from newsflow.warehouse.db import WarehouseError, check_analyst_sql

    with _published(config, db, as_of=as_of) as con:
        try:
            check_analyst_sql(con, query)
        except WarehouseError as exc:
            raise fail(str(exc)) from None
        relation = con.sql(query)
        if relation is None:
            return
        if csv:
            import csv as csv_module

            writer = csv_module.writer(sys.stdout)
            writer.writerow([escape_controls(name) for name in relation.columns])
            for row in relation.fetchall():
                writer.writerow([escape_controls(value) for value in row])
        else:
            relation.show(max_rows=max_rows, max_width=10_000)


# Controls but tab and newline (which CSV quotes): shown as \xNN, never sent raw.
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(value: object) -> object:
    """A string with terminal control characters escaped (ESC becomes the four characters
    backslash, x, 1, b)."""
    if not isinstance(value, str):
        return value
    return _RAW_CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", value)


def _load_search_functions(con: object) -> None:
    """Load the FTS extension, whose stem() the search macros (search_bm25, search_phrase) use."""
    from contextlib import suppress

    from newsflow.tasks.load.search import SearchError, load_fts

    with suppress(SearchError):  # plain SQL still works without the extension
        load_fts(con)  # type: ignore[arg-type]
