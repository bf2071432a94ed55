"""Analyst views, the data dictionary and the saved queries, on real DuckDB warehouses.

Most tests use the hand-written warehouse of tests/analyst_data.py (loaded through the real
load path); the last ones use a warehouse built by a real flow run over the fixture site.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import analyst_data
import duckdb
import pytest
from analyst_data import GRAIN, GRAIN_COPIES
from site_server import expected
from typer.testing import CliRunner

from newsflow.cli import app
from newsflow.clock import utcnow
from newsflow.tasks.load import poll_records, runs, search
from newsflow.tasks.records import FeedItem, FeedPoll
from newsflow.warehouse.db import connect_published, open_ingest, publish

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "warehouse" / "README.md"
QUERIES = sorted((ROOT / "warehouse" / "queries").glob("*.sql"))


@pytest.fixture(scope="module")
def con(analyst_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = connect_published(analyst_warehouse)
    search.load_fts(connection)
    yield connection
    connection.close()


def test_article_info_falls_back_for_day_and_source(con: duckdb.DuckDBPyConnection) -> None:
    rows = {
        r[0]: r[1:]
        for r in con.execute("SELECT article_id, day, source, feeds FROM article_info").fetchall()
    }
    assert rows["art-wire"] == (date(2025, 3, 10), "Global Wire", ["Global Wire – World"])
    # No date and no site name on the page: fetch date and the carrying feed's name.
    assert rows["art-strike"] == (
        analyst_data.FETCHED_AT.date(),
        "Coastal Times",
        ["Coastal Times"],
    )


def test_daily_entity_mentions_count_mentions_and_articles(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT mentions, articles FROM daily_entity_mentions "
        "WHERE canonical = 'Oleg Petrenko' AND label = 'PERSON' AND day = DATE '2025-03-10'"
    ).fetchone()
    wire = next(s for s in analyst_data.stories() if s.key == "wire")
    planet = next(s for s in analyst_data.stories() if s.key == "planet-copy")
    assert row == (
        wire.text.count("Oleg Petrenko") + planet.text.count("Oleg Petrenko"),
        2,
    )


def test_quotes_in_context_carry_speaker_title_url_source_and_day(
    con: duckdb.DuckDBPyConnection,
) -> None:
    row = con.execute(
        "SELECT speaker, kind, quote, title, url, source, day FROM quotes_in_context "
        "WHERE article_id = 'art-regime'"
    ).fetchone()
    assert row == (
        "Rufus Firefly",
        "direct",
        '"The Freedonia Party will not bow to the mob,"',
        "Freedonia protesters demand regime change",
        "https://planet.example.org/world/freedonia-protests",
        "Daily Planet",
        date(2025, 3, 11),
    )


def test_who_quotes_whom_tells_quoted_names_from_names_nearby(
    con: duckdb.DuckDBPyConnection,
) -> None:
    pairs = {
        (speaker, mentioned): (quotes, articles)
        for speaker, mentioned, quotes, articles in con.execute(
            "SELECT speaker, mentioned, quotes, articles FROM who_quotes_whom"
        ).fetchall()
    }
    # Ana Costa names Oleg Petrenko inside her quote, in all three copies of the story.
    assert pairs[("Ana Costa", "Oleg Petrenko")] == (3, 3)
    # London is in the same articles but not in her words.
    assert pairs[("Ana Costa", "London")] == (0, 3)
    assert pairs[("Rufus Firefly", "Freedonia Party")] == (1, 1)
    assert not [pair for pair in pairs if pair[0] == pair[1]]


def test_co_mentions_list_each_pair_once_per_article(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT entity_a, entity_b FROM co_mentions WHERE article_id = 'art-regime'"
    ).fetchall()
    names = sorted({"Rufus Firefly", "Freedonia Party", "Sylvania", "Teasdale Gloria", "Brussels"})
    assert sorted(rows) == [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    pairs = con.execute(
        "SELECT count(*) FROM co_mentions WHERE entity_a = 'Ana Costa' AND entity_b = 'Oleg Petrenko'"
    ).fetchone()
    assert pairs == (len(GRAIN_COPIES),)


def test_daily_source_volume_counts_each_article_once(con: duckdb.DuckDBPyConnection) -> None:
    volume = con.execute(
        "SELECT source, day, articles FROM daily_source_volume ORDER BY day, source"
    ).fetchall()
    total = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert sum(n for _, _, n in volume) == total
    assert ("Daily Planet", date(2025, 3, 10), 1) in volume


def _poll(key: str, status: str, when, items: list[str] = ()) -> FeedPoll:  # type: ignore[assignment]
    name, url = analyst_data.FEEDS[key]
    return FeedPoll(
        feed_url=url,
        name=name,
        status=status,  # type: ignore[arg-type]
        error="connection refused" if status == "failed" else None,
        polled_at=when,
        items=[FeedItem(feed_url=url, url=page, link=page) for page in items],
    )


def test_feed_coverage_gaps_name_every_problem(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    long_ago = utcnow() - timedelta(days=10)
    with open_ingest(db) as con:
        runs.start_run(con, "old")
        poll_records.record_polls(
            con,
            [
                _poll("wire", "ok", long_ago, ["https://w/1"]),
                _poll("planet", "ok", long_ago, ["https://p/1"]),
                _poll("coast", "ok", long_ago, ["https://c/1"]),
                _poll("dead", "failed", long_ago),
            ],
        )
        runs.start_run(con, "latest")
        now = utcnow()  # the latest run polls after it started
        poll_records.record_polls(
            con,
            [
                _poll("wire", "ok", now, ["https://w/1"]),  # polled fine, nothing new
                _poll("planet", "ok", now, ["https://p/1", "https://p/2"]),  # healthy
                _poll("dead", "failed", now),
                # coast: removed from the config, not polled any more
            ],
        )
    publish(db)
    with connect_published(db) as con:
        gaps = dict(con.execute("SELECT name, gap FROM feed_coverage_gaps").fetchall())
        health = con.execute(
            "SELECT new_items_7d, hours_since_success FROM feed_health WHERE name = ?",
            [analyst_data.FEEDS["planet"][0]],
        ).fetchone()
    wire, planet, coast, dead = (
        analyst_data.FEEDS[k][0] for k in ("wire", "planet", "coast", "dead")
    )
    assert planet not in gaps
    assert health[0] == 1 and health[1] < 1
    assert gaps[wire] == "no new item for 7 days"
    assert gaps[dead] == "never polled successfully; failing: last 2 poll(s) failed"
    assert gaps[coast] == (
        "no successful poll for 24 h; no new item for 7 days; not polled by the latest run"
    )


# --- the data dictionary -------------------------------------------------------------------


def _readme_sections() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    parts = re.split(r"^### ", text, flags=re.M)[1:]
    return {part.split("\n", 1)[0].strip(): part for part in parts}


def test_readme_documents_every_table_view_and_column(con: duckdb.DuckDBPyConnection) -> None:
    sections = _readme_sections()
    columns = con.execute(
        """
        SELECT table_name, column_name FROM duckdb_columns()
        WHERE database_name = current_database() AND schema_name = 'main'
          AND table_name NOT IN ('feed_coverage_gaps')  -- documented as feed_health + gap
        ORDER BY table_name, column_index
        """
    ).fetchall()
    missing = [
        f"{table}.{column}"
        for table, column in columns
        if table not in sections or f"| `{column}` |" not in sections[table]
    ]
    assert not missing, f"document these in warehouse/README.md: {missing}"
    assert "`gap`" in sections["feed_coverage_gaps"]


def _readme_queries() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def test_readme_has_example_queries() -> None:
    assert len(_readme_queries()) >= 8


@pytest.mark.parametrize("number", range(len(_readme_queries())))
def test_readme_example_query_runs(con: duckdb.DuckDBPyConnection, number: int) -> None:
    query = _readme_queries()[number]
    rows = con.execute(query).fetchall()
    assert rows, f"example {number + 1} returns nothing on the test warehouse:\n{query}"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_saved_query_runs_and_answers(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    columns = con.execute(path.read_text(encoding="utf-8")).description
    rows = con.fetchall()
    assert columns and rows, f"{path.name} returns nothing on the test warehouse"
    assert path.name in README.read_text(encoding="utf-8"), f"list {path.name} in the README"


def test_saved_query_runs_through_the_cli_by_name(analyst_warehouse: Path) -> None:
    args = ["--csv", "--db", str(analyst_warehouse), "-c", "/dev/null"]
    result = CliRunner().invoke(app, ["query", "syndicated_stories", *args])
    assert result.exit_code == 0, result.output
    header, first, *rest = result.stdout.splitlines()
    assert header.startswith("cluster_id,copies,sources")
    assert first.startswith("art-wire,3,3,")
    assert rest == []


def test_the_cli_sql_can_rank_with_bm25(analyst_warehouse: Path) -> None:
    query = "SELECT article_id FROM search_bm25('Freedonia') ORDER BY score DESC"
    result = CliRunner().invoke(
        app, ["sql", query, "--csv", "--db", str(analyst_warehouse), "-c", "/dev/null"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["article_id", "art-regime"]


# --- a warehouse built by the real flow over the fixture site ----------------------------------


@pytest.fixture(scope="module")
def flow_con(flow_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = connect_published(flow_warehouse)
    search.load_fts(connection)
    yield connection
    connection.close()


@pytest.mark.slow
def test_flow_built_views_answer_the_common_questions(flow_con: duckdb.DuckDBPyConnection) -> None:
    pages = expected()["pages"]
    volume = flow_con.execute(
        "SELECT source, sum(articles) FROM daily_source_volume GROUP BY 1"
    ).fetchall()
    assert volume == [(expected()["sitename"], len(pages))]
    days = {d for (d,) in flow_con.execute("SELECT DISTINCT day FROM article_info").fetchall()}
    assert days == {date.fromisoformat(p["published"][:10]) for p in pages.values()}
    # Every quote is there once, with its own article's title and URL.
    joined = flow_con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE c.title = a.title AND c.url = a.url
                                          AND c.speaker IS NOT DISTINCT FROM q.speaker)
        FROM quotes q
        JOIN articles a USING (article_id)
        JOIN quotes_in_context c
          ON c.article_id = q.article_id AND c.start_char = q.start_char
        """
    ).fetchone()
    quotes = flow_con.execute("SELECT count(*) FROM quotes").fetchone()[0]
    assert joined == (quotes, quotes) and quotes > 10
    titles = {
        t for (t,) in flow_con.execute("SELECT DISTINCT title FROM quotes_in_context").fetchall()
    }
    assert titles == {p["title"] for p in pages.values() if p["quotes"]}
    # Daily mentions add up to the mentions table, entity by entity.
    mismatched = flow_con.execute(
        """
        SELECT count(*) FROM (
            SELECT canonical, label, count(*) AS n FROM entity_mentions GROUP BY ALL
        ) m
        FULL JOIN (
            SELECT canonical, label, sum(mentions) AS n FROM daily_entity_mentions GROUP BY ALL
        ) d USING (canonical, label)
        WHERE m.n IS DISTINCT FROM d.n
        """
    ).fetchone()[0]
    assert mismatched == 0
    gaps = dict(flow_con.execute("SELECT name, gap FROM feed_coverage_gaps").fetchall())
    assert list(gaps) == ["Herald – not a feed"]
    assert "never polled successfully" in gaps["Herald – not a feed"]


@pytest.mark.slow
def test_flow_built_warehouse_has_search_and_one_cluster_per_story(
    flow_con: duckdb.DuckDBPyConnection,
) -> None:
    pages = expected()["pages"]
    clusters = flow_con.execute("SELECT count(*), sum(copies) FROM syndication_clusters").fetchone()
    assert clusters == (len(pages), len(pages))  # six different stories: no false merges
    grain = next(p for path, p in pages.items() if "grain" in path)
    hits = search.search(flow_con, "grain talks Geneva", limit=3)
    assert hits[0].title == grain["title"]
    for path in QUERIES:
        flow_con.execute(path.read_text(encoding="utf-8")).fetchall()
    for query in _readme_queries():
        flow_con.execute(query).fetchall()


def test_grain_copies_share_text() -> None:
    """Guard for the fixtures above: the copies really are the same wire text."""
    stories = {s.key: s for s in analyst_data.stories()}
    assert stories["planet-copy"].text in GRAIN


def test_query_lists_saved_queries_and_rejects_unknown_ones(analyst_warehouse: Path) -> None:
    listed = CliRunner().invoke(app, ["query", "--list"])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [p.stem for p in QUERIES]
    unknown = CliRunner().invoke(
        app, ["query", "nope", "--db", str(analyst_warehouse), "-c", "/dev/null"]
    )
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        "newsflow: error: no saved query 'nope' and no such file (newsflow query --list)\n"
    )


def test_feeds_command_joins_the_config_with_feed_health(
    analyst_warehouse: Path, tmp_path: Path
) -> None:
    (wire_name, wire_url), (planet_name, planet_url) = (
        analyst_data.FEEDS["wire"],
        analyst_data.FEEDS["planet"],
    )
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[[feeds]]\nname = "{wire_name}"\nurl = "{wire_url}"\n'
        f'[[feeds]]\nname = "{planet_name}"\nurl = "{planet_url}"\nenabled = false\n',
        encoding="utf-8",
    )
    _urls = [url for _, url in analyst_data.FEEDS.values()]
    args = ["feeds", "--db", str(analyst_warehouse), "--config", str(config)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    assert header.split()[:3] == ["status", "fails", "pages"]
    by_url = {url: line for line in lines for url in _urls if f"  {url}" in line}
    assert by_url[wire_url].startswith("ok") and "[" not in by_url[wire_url]
    assert by_url[planet_url].endswith("[disabled]")
    dead = by_url[analyst_data.FEEDS["dead"][1]]
    assert dead.startswith("failed") and "not in the config" in dead
    problems = CliRunner().invoke(app, [*args, "--problems"])
    assert wire_url not in problems.stdout and planet_url in problems.stdout
