"""Small files: how many Parquet files a run leaves in the lake, what they cost readers, and
what ``newsflow maintain`` gives back.

    .venv/bin/python bench/lake_files.py --lake SEED.ducklake [--runs 20] [--batches 5] [--size 10]

Starting from a copy of a lake (e.g. bench/scale.py's seed: real articles through the real
pipeline), each simulated run loads ``batches`` batches of ``size`` new articles through the
real loader (``store_batch``: articles, their search postings, pages) and publishes, as an
ingest run does. Then the analysts' queries are timed (warm, best of 3) on the published
snapshot, before and after ``maintain``. Last line: ``runs=... files_per_run=...
query_ms_before=... query_ms_after=... files_before=... files_after=... bytes_ratio=...``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from newsflow.tasks.load import store
from newsflow.tasks.records import Article, ProcessedBatch
from newsflow.warehouse.db import connect_published, open_ingest, publish_on
from newsflow.warehouse.extensions import load_fts
from newsflow.warehouse.lake import location
from newsflow.warehouse.maintain import maintain

QUERIES = {
    "count": "SELECT count(*) FROM articles",
    "volume": "SELECT * FROM daily_source_volume ORDER BY day DESC LIMIT 20",
    "search": "SELECT * FROM search_bm25('government minister') ORDER BY score DESC LIMIT 10",
    "pages": "SELECT status, count(*) FROM pages GROUP BY 1",
}


def parquet_files(db: Path) -> int:
    return sum(1 for _ in location(db).data_folder.rglob("*.parquet"))


def lake_bytes(db: Path) -> int:
    where = location(db)
    files = [where.catalog_file, *where.data_folder.rglob("*")]
    return sum(p.stat().st_size for p in files if p.is_file())


def time_queries(db: Path) -> float:
    """Milliseconds for all the queries, warm, best of 3."""
    con = connect_published(db)
    load_fts(con)  # the search macros use its stem()
    try:
        best = float("inf")
        for _ in range(4):  # the first warms the caches
            started = time.perf_counter()
            for sql in QUERIES.values():
                con.execute(sql).fetchall()
            best = min(best, time.perf_counter() - started)
        return best * 1000
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--lake", type=Path, required=True, help="a local lake to start from")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--size", type=int, default=10)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newsflow-lake-files-"))
    db = work / "news.ducklake"
    source, target = location(args.lake), location(db)
    shutil.copyfile(source.catalog_file, target.catalog_file)
    shutil.copytree(source.data_folder, target.data_folder)
    try:
        with open_ingest(db) as con:
            templates = con.execute(
                "SELECT article_id, url, title, text, fetched_at FROM articles ORDER BY 1"
            ).fetchall()
            before = parquet_files(db)
            n = 0
            for run in range(args.runs):
                for _ in range(args.batches):
                    articles = []
                    for _ in range(args.size):
                        _, url, title, text, fetched = templates[n % len(templates)]
                        n += 1
                        articles.append(
                            Article(
                                article_id=f"bench-{n}",
                                url=f"{url}?bench={n}",
                                page_url=f"{url}?bench={n}",
                                title=title,
                                text=text,
                                fetched_at=fetched + timedelta(hours=n),
                            )
                        )
                    store.store_batch(con, ProcessedBatch(articles=articles), [], run_id=f"b{run}")
                publish_on(con, f"b{run}")
        added = parquet_files(db) - before
        files_before, bytes_before = parquet_files(db), lake_bytes(db)
        query_before = time_queries(db)
        done = maintain(db)
        query_after = time_queries(db)
        files_after, bytes_after = parquet_files(db), lake_bytes(db)
        print(f"maintain: {done}")
        print(
            f"runs={args.runs} files_per_run={added / args.runs:.1f} "
            f"query_ms_before={query_before:.0f} query_ms_after={query_after:.0f} "
            f"files_before={files_before} files_after={files_after} "
            f"bytes_ratio={bytes_after / bytes_before:.2f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
