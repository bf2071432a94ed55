"""The one way rows are written: the page retry policy, and rows typed by the database."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from newsflow.tasks.fetch.retry import plan_page_retry
from newsflow.tasks.load.rows import (
    ARTICLE_COLUMNS,
    QUOTE_COLUMNS,
    analysis_rows,
    arrow_table,
    article_row,
)
from newsflow.tasks.records import Analysis, Article, Mention, Quote
from newsflow.warehouse.db import open_ingest, transaction

T0 = datetime(2026, 3, 1, 12, 0)


def test_retry_waits_four_times_longer_after_each_attempt() -> None:
    waits = [
        plan_page_retry(
            error="timeout", retryable=True, attempts_before=n, attempted_at=T0, backoff=60
        ).next_attempt_at
        for n in range(3)
    ]
    assert waits == [T0 + timedelta(seconds=s) for s in (60, 240, 960)]


def test_a_longer_retry_after_wins_over_the_backoff() -> None:
    plan = plan_page_retry(
        error="http 429", retryable=True, attempts_before=0, attempted_at=T0, retry_after=7200
    )
    assert plan.next_attempt_at == T0 + timedelta(hours=2)


def test_the_last_attempt_gives_up_and_says_so() -> None:
    plan = plan_page_retry(
        error="http 503", retryable=True, attempts_before=2, attempted_at=T0, max_attempts=3
    )
    assert (plan.retryable, plan.next_attempt_at) == (False, None)
    assert plan.error == "http 503 (gave up after 3 attempts)"


def test_a_permanent_failure_is_never_retried() -> None:
    plan = plan_page_retry(error="http 404", retryable=False, attempts_before=0, attempted_at=T0)
    assert (plan.retryable, plan.next_attempt_at, plan.error) == (False, None, "http 404")


def _article() -> Article:
    return Article(
        article_id="a1",
        url="https://example.org/story",
        page_url="https://example.org/story?utm_source=x",
        title="Title",
        text="Ann Lee said yes.",
        published_at=T0,
    )


def test_rows_take_their_types_from_the_warehouse(tmp_path: Path) -> None:
    with open_ingest(tmp_path / "news.duckdb") as con:
        table = arrow_table(
            con, "articles", [article_row(_article(), "run-1", T0)], ARTICLE_COLUMNS
        )
        declared = {
            name: dtype
            for name, dtype in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'articles'"
            ).fetchall()
        }
        assert set(table.column_names) <= set(declared)
        assert "page_url" not in table.column_names  # the page is pages' business
        assert table.schema.field("published_at").type == pa.timestamp("us")
        with transaction(con):
            con.register("staged", table)
            con.execute("INSERT INTO articles BY NAME SELECT * FROM staged")
        assert con.execute("SELECT run_id, fetched_at FROM articles").fetchall() == [("run-1", T0)]


def test_one_row_per_span_with_its_lineage() -> None:
    quote = Quote(quote="yes", speaker="Ann Lee", kind="direct", start_char=0, end_char=3)
    analysis = Analysis(
        mentions=[
            Mention(text="Ann Lee", label="PERSON", canonical="Ann Lee", start_char=0, end_char=7)
        ]
        * 2,
        quotes=[quote, quote],
        extractor_version="v1",
        model="m",
    )
    mentions, quotes = analysis_rows({"a1": analysis, "a2": analysis}, keep={"a1"})
    assert [(m["article_id"], m["extractor_version"], m["model"]) for m in mentions] == [
        ("a1", "v1", "m")
    ]
    assert len(quotes) == 1 and set(quotes[0]) == set(QUOTE_COLUMNS)


def test_a_failed_transaction_writes_nothing(tmp_path: Path) -> None:
    with open_ingest(tmp_path / "news.duckdb") as con:
        with pytest.raises(RuntimeError), transaction(con):
            con.execute(
                "INSERT INTO runs (run_id, started_at, status) VALUES ('r', ?, 'running')", [T0]
            )
            raise RuntimeError("disk full")
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (0,)
