"""The writer loads several finished batches in one commit (``isolate.store_group``): the
warehouse ends up exactly as if they had been loaded one by one, and a batch that cannot be
stored costs the others nothing."""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from nlp_warehouse import ARTICLES, FETCHED_AT
from prefect import flow
from site_server import write_config

from newsflow.config.settings import NlpSettings, load_settings
from newsflow.flows.execution import cpu_pool
from newsflow.flows.ingest import RunSummary, _fetch_process_load
from newsflow.tasks.load import poll_records, syndication
from newsflow.tasks.load.isolate import store_group, store_isolating
from newsflow.tasks.load.store import BatchCounts
from newsflow.tasks.nlp.pipeline import analyze_texts
from newsflow.tasks.records import Article, FeedItem, FeedPoll, FetchedPage, ProcessedBatch
from newsflow.warehouse.db import open_ingest

FEED = "https://news.example.com/feed"


def _article(key: str, title: str | None = None) -> Article:
    url = f"https://news.example.com/{key}"
    published, text = ARTICLES.get(key, (None, f"Short note {key} about the harbour."))
    return Article(
        article_id=f"art-{key}",
        url=url,
        page_url=url,
        title=title or text.split("\n", 1)[0],
        text=text,
        published_at=published,
        fetched_at=FETCHED_AT,
    )


def _batch(articles: list[Article], model: str) -> ProcessedBatch:
    analyses = analyze_texts([a.text for a in articles], model=model)
    return ProcessedBatch(
        articles=articles,
        analyses={a.article_id: an for a, an in zip(articles, analyses, strict=True)},
    )


def _queue(con: duckdb.DuckDBPyConnection, articles: list[Article]) -> None:
    items = [FeedItem(feed_url=FEED, url=a.page_url, link=a.page_url) for a in articles]
    poll = FeedPoll(
        feed_url=FEED, name="News", status="ok", items=items, polled_at=datetime(2025, 3, 14)
    )
    poll_records.record_polls(con, [poll], run_id="r0")


def _clustering(con: duckdb.DuckDBPyConnection):  # noqa: ANN202 - a loader's ``then``
    def cluster(counts: BatchCounts) -> None:
        syndication.assign_clusters(con, counts.article_ids)

    return cluster


def _snapshots(con: duckdb.DuckDBPyConnection) -> int:
    name = con.execute("SELECT current_database()").fetchone()[0]
    return con.execute("SELECT count(*) FROM ducklake_snapshots(?)", [name]).fetchone()[0]


_CONTENTS = {
    "articles": "SELECT article_id, title, published_at FROM articles",
    "pages": "SELECT page_url, status, article_id, attempts FROM pages",
    "mentions": "SELECT article_id, start_char, end_char, canonical, entity_id FROM entity_mentions",
    "quotes": "SELECT article_id, start_char, end_char, speaker_entity_id FROM quotes",
    "entities": "SELECT * EXCLUDE (first_seen, last_seen) FROM entities",
    "names": "SELECT name_key, label, mentions, articles, entity_id FROM entity_names",
    "clusters": "SELECT article_id, cluster_id FROM article_signatures",
    "search": "SELECT docs, total_length FROM search_stats",
    "postings": "SELECT term, article_id, tf FROM search_postings",
}


def _contents(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {name: sorted(con.execute(sql).fetchall()) for name, sql in _CONTENTS.items()}


def test_batches_loaded_in_one_commit_equal_the_same_batches_loaded_one_by_one(
    tmp_path: Path, model: str
) -> None:
    first = _batch([_article("talks")], model)
    second = _batch([_article("summit"), _article("strike")], model)
    everything = first.articles + second.articles

    with open_ingest(tmp_path / "one-by-one.duckdb") as con:
        _queue(con, everything)
        before = _snapshots(con)
        for batch in (first, second):
            store_isolating(con, batch, [], run_id="r1", then=_clustering(con))
        apart = _contents(con)
        assert _snapshots(con) - before == 2

    with open_ingest(tmp_path / "grouped.duckdb") as con:
        _queue(con, everything)
        before = _snapshots(con)
        counts = store_group(con, [(first, []), (second, [])], run_id="r1", then=_clustering(con))
        together = _contents(con)
        commits = _snapshots(con) - before

    assert commits == 1
    assert counts.articles == 3 and counts.mentions == len(together["mentions"]) > 0
    assert sorted(counts.article_ids) == ["art-strike", "art-summit", "art-talks"]
    assert together == apart
    # "Putin" in the second batch is the "Vladimir Putin" of the first.
    entity = {row[0]: row[4] for row in together["names"]}
    assert entity["putin"] == entity["vladimir putin"]


def test_an_unstorable_article_in_a_group_costs_the_other_batches_nothing(
    tmp_path: Path, model: str
) -> None:
    good = _batch([_article("talks"), _article("summit")], model)
    bad_one = _article("note", title="Head \ud800 line")  # Arrow cannot encode it
    mixed = ProcessedBatch(articles=[_article("strike"), bad_one])
    mixed.analyses.update(_batch([_article("strike")], model).analyses)

    with open_ingest(tmp_path / "news.duckdb") as con:
        _queue(con, good.articles + mixed.articles)
        counts = store_group(con, [(good, []), (mixed, [])], run_id="r1", then=_clustering(con))
        stored = {row[0] for row in con.execute("SELECT article_id FROM articles").fetchall()}
        signed = {
            row[0] for row in con.execute("SELECT article_id FROM article_signatures").fetchall()
        }
        pages = dict(con.execute("SELECT page_url, status FROM pages").fetchall())
        mentions = con.execute("SELECT count(DISTINCT article_id) FROM entity_mentions").fetchone()[
            0
        ]
        queued = poll_records.pages_to_fetch(con, max_attempts=3)

    assert stored == signed == {"art-talks", "art-summit", "art-strike"}
    assert (counts.articles, counts.failures) == (3, 1)
    assert mentions == 3
    assert pages[bad_one.page_url] == "failed"
    assert {status for url, status in pages.items() if url != bad_one.page_url} == {"ok"}
    assert queued == []  # the bad page does not come back on every run


@pytest.mark.parametrize("size", [1, 2])
def test_a_group_of_one_or_two_batches_reports_what_it_stored(tmp_path: Path, size: int) -> None:
    batches = [
        ProcessedBatch(articles=[_article(f"n{i}-{j}") for j in range(2)]) for i in range(size)
    ]
    with open_ingest(tmp_path / "news.duckdb") as con:
        _queue(con, [a for b in batches for a in b.articles])
        counts = store_group(con, [(b, []) for b in batches], run_id="r1")
        again = store_group(con, [(b, []) for b in batches], run_id="r2")  # idempotent
        stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert counts.articles == stored == 2 * size
    assert again.articles == 0


# --- the flow's pipeline: finished batches grouped, a failed batch's predecessors kept ------

STORIES = [
    "/world/2025/03/11/black-sea-grain-talks-geneva.html",
    "/world/2025/05/20/eu-japan-digital-trade-pact.html",
    "/world/2025/02/08/aid-convoys-reach-quake-villages.html",
    "/politics/2025/06/03/dutch-coalition-talks-collapse.html",
    "/climate/2025/11/22/methane-pledge-summit.html",
]


class _CrashingPool:
    """The thread runner's pool, except that the batch holding ``crash`` fails the way a
    worker process that died does (a worker cannot be made to die on cue here)."""

    def __init__(self, inner: Any, crash: str) -> None:
        self.inner, self.crash, self.slots = inner, crash, inner.slots

    def submit(self, pages: list[FetchedPage], nlp: NlpSettings) -> Future[ProcessedBatch]:
        if any(page.url == self.crash for page in pages):
            failed: Future[ProcessedBatch] = Future()
            failed.set_exception(BrokenProcessPool("a worker died"))
            return failed
        return self.inner.submit(pages, nlp)


def _commits_into(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """How many snapshots inserted rows into ``table`` (each load commit signs articles)."""
    name = con.execute("SELECT current_database()").fetchone()[0]
    table_id = con.execute(
        f'SELECT table_id FROM "__ducklake_metadata_{name}".ducklake_table '  # noqa: S608
        "WHERE table_name = ? AND end_snapshot IS NULL",
        [table],
    ).fetchone()[0]
    return con.execute(
        "SELECT count(*) FROM ducklake_snapshots(?) "
        "WHERE list_contains(changes['tables_inserted_into'], ?)",
        [name, str(table_id)],
    ).fetchone()[0]


def _pipeline(tmp_path: Path, news_site: str, crash: str | None) -> Pipeline:
    """The flow's fetch-process-load pipeline over the stories, in batches of one page."""
    db = tmp_path / "news.duckdb"
    config = write_config(tmp_path / "feeds.toml", db, feeds=[("W", f"{news_site}/w.xml")])
    settings = load_settings(str(config))
    settings.execution.batch_size = 1
    settings.execution.runner = "thread"
    urls = [news_site + path for path in STORIES]
    with open_ingest(db) as con:
        _queue(con, [Article(article_id=u, url=u, page_url=u, title="", text="") for u in urls])
    summary = RunSummary(run_id="r1")
    error: Exception | None = None

    @flow(name="pipeline")
    def pipeline() -> None:
        with cpu_pool(settings.execution, settings.nlp) as pool:
            _fetch_process_load(
                db, urls, settings, summary, _CrashingPool(pool, crash) if crash else pool
            )

    try:
        pipeline()
    except Exception as exc:  # noqa: BLE001 - the test looks at it
        error = exc
    with open_ingest(db) as con:
        stored = [
            row[0]
            for row in con.execute(
                "SELECT page_url FROM pages WHERE status = 'ok' ORDER BY page_url"
            ).fetchall()
        ]
        loads = _commits_into(con, "article_signatures")
    return Pipeline(summary, stored, loads, error)


@dataclass
class Pipeline:
    summary: RunSummary
    stored: list[str]  # pages stored ok
    loads: int  # load commits
    error: Exception | None


def test_the_pipeline_loads_finished_batches_in_groups(
    tmp_path: Path, news_site: str, prefect_harness: None
) -> None:
    run = _pipeline(tmp_path, news_site, crash=None)
    assert run.error is None
    assert run.summary.articles_stored == len(run.stored) == len(STORIES)
    # One worker slot: the writer waits for two batches per load, so five batches of one
    # page take at most three commits (two, two, one), never five.
    assert 1 <= run.loads <= 3


def test_a_batch_whose_worker_died_stops_the_run_after_the_batches_before_it_are_stored(
    tmp_path: Path, news_site: str, prefect_harness: None
) -> None:
    crash = news_site + STORIES[2]
    run = _pipeline(tmp_path, news_site, crash=crash)
    assert isinstance(run.error, BrokenProcessPool)
    assert set(run.stored) == {news_site + STORIES[0], news_site + STORIES[1]}
    assert run.summary.articles_stored == 2
