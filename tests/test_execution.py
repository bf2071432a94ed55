"""What keeps a big run fast: tapering batches, one warehouse connection per run, a search
index left alone by a run that stored nothing, and the CPU stage behind a pool of any runner."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from newsflow.config.settings import ExecutionSettings, NlpSettings
from newsflow.flows.execution import cpu_pool
from newsflow.flows.ingest import _batches
from newsflow.tasks.load import search_index, store
from newsflow.tasks.records import Article, FetchedPage, ProcessedBatch
from newsflow.warehouse.db import open_ingest
from newsflow.warehouse.run_connection import connection, run_session

SITE = Path(__file__).parent / "fixtures" / "site"


def test_batches_cover_every_page_once_in_order_and_shrink_at_the_end() -> None:
    urls = [f"https://example.org/{i}" for i in range(2000)]
    batches = list(_batches(urls, 50, 2))
    assert [url for batch in batches for url in batch] == urls
    sizes = [len(batch) for batch in batches]
    assert max(sizes) == 50 and sizes[0] == 50
    # The last rounds are small, so both workers finish at about the same time.
    assert sizes[-4:] == sorted(sizes[-4:], reverse=True) and sizes[-1] <= 5
    assert sizes == sorted(sizes, reverse=True)


def test_batches_never_exceed_the_configured_size() -> None:
    for count, size, slots in [(8, 3, 1), (13, 3, 2), (7, 50, 2), (1, 1, 4), (0, 5, 2)]:
        batches = list(_batches([str(i) for i in range(count)], size, slots))
        assert all(0 < len(batch) <= size for batch in batches)
        assert sum(len(batch) for batch in batches) == count


def _article(number: int) -> Article:
    return Article(
        article_id=f"id{number:04d}",
        url=f"https://example.org/story/{number}",
        page_url=f"https://example.org/story/{number}",
        title=f"Harbour story {number}",
        text=f"The harbour master said the port would reopen on day {number}. " * 5,
        fetched_at=datetime(2025, 6, 1),
    )


def test_a_run_that_stored_nothing_leaves_the_search_index_as_it_is(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with connection(db) as con:
        store.store_batch(con, ProcessedBatch(articles=[_article(1)]), [], run_id="r1")
        assert search_index.is_current(con)  # the load indexed its article
        store.store_batch(con, ProcessedBatch(articles=[_article(2)]), [], run_id="r2")
        assert search_index.is_current(con)
        indexed = con.execute("SELECT max(indexed_at) FROM search_docs").fetchone()
        assert search_index.catch_up(con) == 0
        assert con.execute("SELECT max(indexed_at) FROM search_docs").fetchone() == indexed


def test_a_run_session_shares_one_connection_and_leaves_the_data_on_disk(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with run_session(db):
        with connection(db) as first:
            store.store_batch(
                con=first,
                batch=ProcessedBatch(articles=[_article(1)]),
                fetch_failures=[],
                run_id="r",
            )
        with connection(db) as second:
            assert second is first
            assert second.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    # Closed with the session: another process can open the file and sees the article.
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from newsflow.warehouse.db import open_ingest\n"
            "with open_ingest(sys.argv[1]) as c:\n"
            "    print(c.execute('SELECT count(*) FROM articles').fetchone()[0])",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert count == "1"


def test_outside_a_session_each_use_opens_its_own_connection(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with connection(db) as first:
        first.execute("SELECT 1")
    with connection(db) as second:
        assert second is not first
    with open_ingest(db) as reader:
        assert reader.execute("SELECT count(*) FROM articles").fetchone() == (0,)


def test_thread_runner_pool_extracts_and_analyses_a_page() -> None:
    page = SITE / "world" / "2025" / "03" / "11" / "black-sea-grain-talks-geneva.html"
    fetched = FetchedPage(
        url="https://herald.example/world/2025/03/11/black-sea-grain-talks-geneva.html",
        http_status=200,
        content_type="text/html",
        html=page.read_text(encoding="utf-8"),
        fetched_at=datetime(2025, 3, 12),
    )
    with cpu_pool(ExecutionSettings(runner="thread", workers=1), NlpSettings()) as pool:
        assert pool.slots == 1
        batch = pool.submit([fetched], NlpSettings()).result()
    assert [a.title for a in batch.articles] == [
        "Black Sea grain talks to resume after five-hour Geneva meeting"
    ]
    analysis = batch.analyses[batch.articles[0].article_id]
    assert analysis.mentions and analysis.quotes
    assert batch.nlp_seconds > 0
