"""WARC imports in the warehouse: which files are done, and the records pages came from.

A page from a WARC file is queued like a feed's (``feed_items`` with ``source_kind =
'warc'``, ``pages`` pending) and then loaded by ``store.store_batch`` like any fetched page,
so an import is idempotent the same way an ingest run is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

import duckdb

from newsflow.clock import utcnow
from newsflow.tasks.fetch.warc import WarcCounts, WarcPage
from newsflow.tasks.load import queue
from newsflow.tasks.load.keyed import insert_new
from newsflow.tasks.load.rows import arrow_table
from newsflow.tasks.records import FetchedPage
from newsflow.warehouse.db import transaction

WARC_SOURCE_PREFIX = "warc:"
_ITEM_COLUMNS = ["feed_url", "page_url", "link", "first_seen_at", "last_seen_at", "source_kind"]
_RECORD_COLUMNS = [
    "page_url",
    "warc_path",
    "target_uri",
    "warc_date",
    "ip_address",
    "record_id",
    "payload_digest",
]


def done_files(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Paths of the WARC files imported to the end (never read again)."""
    rows = con.execute("SELECT path FROM warc_files WHERE status = 'done'").fetchall()
    return {row[0] for row in rows}


def loaded_pages(con: duckdb.DuckDBPyConnection, path: str) -> set[str]:
    """Pages an earlier, killed import of ``path`` already took to the end (stored or
    failed): a resumed import leaves them out instead of analysing them again."""
    rows = con.execute(
        """
        SELECT r.page_url FROM warc_records r JOIN pages p USING (page_url)
        WHERE r.warc_path = ? AND p.status <> 'pending'
        """,
        [path],
    ).fetchall()
    return {row[0] for row in rows}


def start_file(con: duckdb.DuckDBPyConnection, path: str, run_id: str) -> None:
    con.execute(
        """
        MERGE INTO warc_files USING (
            SELECT ? AS path, ? AS run_id, ?::TIMESTAMP AS started_at
        ) AS s
        ON warc_files.path = s.path
        WHEN MATCHED THEN UPDATE SET status = 'reading', run_id = s.run_id, error = NULL
        WHEN NOT MATCHED THEN INSERT (path, status, run_id, started_at)
            VALUES (s.path, 'reading', s.run_id, s.started_at)
        """,
        [path, run_id, utcnow()],
    )


def finish_file(con: duckdb.DuckDBPyConnection, path: str, counts: WarcCounts) -> None:
    """``done``; or ``failed`` when not one record could be read (tried again next time)."""
    status = "failed" if counts.error and counts.records == 0 else "done"
    values = asdict(counts)
    con.execute(
        """
        UPDATE warc_files SET status = $status, records = $records, html_pages = $html_pages,
            skipped_non_html = $skipped_non_html, skipped_truncated = $skipped_truncated,
            skipped_duplicate = $skipped_duplicate, skipped_filtered = $skipped_filtered,
            error = $error, finished_at = $now
        WHERE path = $path
        """,
        {**values, "status": status, "now": utcnow(), "path": path},
    )


def queue_pages(
    con: duckdb.DuckDBPyConnection, path: str, pages: Sequence[WarcPage]
) -> list[FetchedPage]:
    """Record where each page came from and queue it; return the pages still to process.

    Pages already in the warehouse (stored from a feed, an earlier import, or this file
    before a kill) are not returned: they count as duplicates.
    """
    if not pages:
        return []
    now = utcnow()
    source = WARC_SOURCE_PREFIX + path
    items = [
        {
            "feed_url": source,
            "page_url": item.page.url,
            "link": item.target_uri,
            "first_seen_at": now,
            "last_seen_at": now,
            "source_kind": "warc",
        }
        for item in pages
    ]
    records = [
        {
            "page_url": item.page.url,
            "warc_path": path,
            "target_uri": item.target_uri,
            "warc_date": item.warc_date,
            "ip_address": item.ip_address,
            "record_id": item.record_id,
            "payload_digest": item.payload_digest,
        }
        for item in pages
    ]
    with transaction(con):
        con.register("batch_warc_items", arrow_table(con, "feed_items", items, _ITEM_COLUMNS))
        con.register(
            "batch_warc_records", arrow_table(con, "warc_records", records, _RECORD_COLUMNS)
        )
        insert_new(con, "feed_items", "batch_warc_items")
        insert_new(con, "warc_records", "batch_warc_records")
        queue.queue_pages(con, (item.page.url for item in pages), now)
        pending = {
            row[0]
            for row in con.execute(
                "SELECT page_url FROM pages JOIN batch_warc_items USING (page_url) "
                "WHERE pages.status = 'pending'"
            ).fetchall()
        }
        con.unregister("batch_warc_items")
        con.unregister("batch_warc_records")
    return [item.page for item in pages if item.page.url in pending]
