"""Peak memory of ``newsflow export`` and ``newsflow search`` as the warehouse grows.

    .venv/bin/python bench/memory.py [--sizes 20000 80000] [--workdir DIR]

For each size, a synthetic warehouse is built once per work directory (kept, so the code
before and after a change is measured on the same files): articles of about 700 words drawn
from a Zipf-like vocabulary over a year of days, with "regime change" in one article in
twenty and "government" in one in three (so a query's hits grow with the warehouse, as they
do in a real one), ten mentions and two quotes per article, their pages, feed items and
signatures, and the search index written by the loader's own ``search_index.catch_up``.
Then the real CLI runs as a subprocess and its peak RSS is sampled: ``newsflow export``
to Parquet and to CSV, and ``newsflow search`` for a few queries.

No ``../shared`` data is needed. Last line: ``sizes=A,B export_peak_mb=a,b csv_peak_mb=a,b
search_peak_mb=a,b export_ratio=... search_ratio=...`` (ratio = peak at B / peak at A; flat
memory is a ratio near 1 however large B / A is).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from shared_data import CHECKOUT
from throughput import TreeSampler, load_average, newsflow_command

from newsflow.tasks.load import search_index
from newsflow.warehouse.db import open_ingest, publish
from newsflow.warehouse.lake import location

QUERIES = ("regime change", "government", '"regime change"')
WORDS_PER_ARTICLE = 700
VOCABULARY = 30_000
_CHUNK = 10_000
_SYLLABLES = ["ka", "lo", "mi", "ten", "ras", "por", "vel", "du", "sin", "gra"]


def _word_sql(index: str) -> str:
    """A pronounceable word for a vocabulary index (its decimal digits as syllables)."""
    digits = f"string_split(CAST({index} AS VARCHAR), '')"
    table = "[" + ", ".join(f"'{s}'" for s in _SYLLABLES) + "]"
    return (
        f"array_to_string(list_transform({digits}, lambda d: {table}[CAST(d AS INTEGER) + 1]), '')"
    )


def build(db: Path, articles: int) -> None:
    """A published warehouse of ``articles`` synthetic articles and their rows."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open_ingest(db) as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(
            "INSERT INTO feeds (feed_url, name) "
            "SELECT 'https://news' || i || '.example/feed.xml', 'Outlet ' || i FROM range(10) r(i)"
        )
        con.execute(
            f"CREATE TEMP TABLE vocab AS SELECT i, {_word_sql('i + 10')} AS w "
            f"FROM range({VOCABULARY}) r(i)"
        )
        for start in range(0, articles, _CHUNK):
            _add_chunk(con, start, min(articles, start + _CHUNK))
        search_index.catch_up(con, chunk=5_000)
    publish(db)


def _add_chunk(con: duckdb.DuckDBPyConnection, start: int, stop: int) -> None:
    con.execute("BEGIN")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE chunk AS
        WITH tokens AS (
            SELECT n, k, floor({VOCABULARY} * pow(random(), 3))::INTEGER AS i
            FROM range(?, ?) a(n), range({WORDS_PER_ARTICLE}) t(k)
        ),
        texts AS (
            SELECT n, string_agg(v.w, ' ' ORDER BY k) AS body
            FROM tokens JOIN vocab v USING (i) GROUP BY n
        )
        SELECT n, substr(md5('article' || n), 1, 32) AS article_id,
               'https://news' || (n % 10) || '.example/story/' || n AS url,
               'Story ' || n || ' ' || split_part(body, ' ', 3) || ' ' || split_part(body, ' ', 9)
                   AS title,
               CASE WHEN n % 20 = 0 THEN 'The regime change was announced. ' ELSE '' END
                   || CASE WHEN n % 3 = 0 THEN 'The government said. ' ELSE '' END || body
                   AS text,
               TIMESTAMP '2025-01-01' + to_days(CAST(n % 365 AS INTEGER))
                   + to_minutes(CAST(n % 1440 AS INTEGER)) AS published_at,
               'https://news' || (n % 10) || '.example/feed.xml' AS feed_url
        FROM texts
        """,
        [start, stop],
    )
    con.execute(
        """
        INSERT INTO articles BY NAME
        SELECT article_id, url, title, text, 'A. Writer' AS author, published_at,
               'en' AS language, published_at + INTERVAL 1 HOUR AS fetched_at,
               'bench-memory' AS run_id, 'page' AS publisher_source,
               'Outlet ' || (n % 10) AS publisher
        FROM chunk
        """
    )
    con.execute(
        """
        INSERT INTO pages BY NAME
        SELECT url AS page_url, 'ok' AS status, article_id, 1 AS attempts, 200 AS http_status,
               false AS retryable, published_at AS first_seen_at, published_at AS last_attempt_at
        FROM chunk
        """
    )
    con.execute(
        """
        INSERT INTO feed_items BY NAME
        SELECT feed_url, url AS page_url, url AS link, url AS guid, title, published_at,
               published_at AS first_seen_at, published_at AS last_seen_at
        FROM chunk
        """
    )
    con.execute(
        """
        INSERT INTO entity_mentions BY NAME
        SELECT article_id, split_part(text, ' ', 10 * m + 1) AS text,
               CASE WHEN m % 2 = 0 THEN 'PERSON' ELSE 'ORG' END AS label,
               split_part(text, ' ', 10 * m + 1) AS canonical,
               100 * m AS start_char, 100 * m + 8 AS end_char,
               make_entity_id(CASE WHEN m % 2 = 0 THEN 'PERSON' ELSE 'ORG' END,
                              split_part(text, ' ', 10 * m + 1)) AS entity_id
        FROM chunk, range(10) r(m)
        """
    )
    con.execute(
        """
        INSERT INTO quotes BY NAME
        SELECT article_id, substr(text, 2000 + 400 * q, 150) AS quote,
               split_part(text, ' ', 5 + q) AS speaker, 'PERSON' AS speaker_label,
               'direct' AS kind, 'said' AS cue, 2000 + 400 * q AS start_char,
               2150 + 400 * q AS end_char
        FROM chunk, range(2) r(q)
        """
    )
    con.execute(
        """
        INSERT INTO article_signatures BY NAME
        SELECT article_id,
               list_transform(range(128), lambda j: CAST(hash(n, j) % 4294967295 AS UINTEGER))
                   AS minhash,
               article_id AS cluster_id, published_at AS assigned_at
        FROM chunk
        """
    )
    con.execute("COMMIT")


def peak_rss_mb(args: list[str], cwd: Path) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of one CLI command; it must succeed."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*newsflow_command(), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=cwd,
    )
    sampler = TreeSampler(proc.pid, interval=0.02)
    _, err = proc.communicate()
    wall = time.perf_counter() - started
    sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"newsflow {' '.join(args)} failed: {err.decode()[-500:]}")
    return sampler.peak / 2**20, wall


def measure(workdir: Path, articles: int) -> dict[str, float]:
    db = workdir / f"w{articles}" / "news.ducklake"
    if not location(db).exists():
        started = time.perf_counter()
        build(db, articles)
        print(f"{articles} articles: built in {time.perf_counter() - started:.0f} s")
    where = location(db)
    files = [where.catalog_file, *where.data_folder.rglob("*")]
    size_mb = sum(p.stat().st_size for p in files if p.is_file()) / 2**20
    out = workdir / f"out-{CHECKOUT.name}"
    common = ["--db", str(db), "-c", "/dev/null"]
    result: dict[str, float] = {"file_mb": size_mb}
    for fmt in ("parquet", "csv"):
        shutil.rmtree(out, ignore_errors=True)
        peak, wall = peak_rss_mb(["export", "--format", fmt, str(out), *common], workdir)
        result[f"{fmt}_peak_mb"], result[f"{fmt}_s"] = peak, wall
        shutil.rmtree(out, ignore_errors=True)
    searches = [peak_rss_mb(["search", q, *common], workdir) for q in QUERIES]
    result["search_peak_mb"] = max(p for p, _ in searches)
    result["search_s"] = max(s for _, s in searches)
    print(
        f"{articles} articles ({size_mb:.0f} MB file): export parquet peak "
        f"{result['parquet_peak_mb']:.0f} MB in {result['parquet_s']:.1f} s, csv peak "
        f"{result['csv_peak_mb']:.0f} MB in {result['csv_s']:.1f} s; search peak "
        f"{result['search_peak_mb']:.0f} MB, slowest {result['search_s']:.1f} s; "
        f"load average {load_average()}"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[20_000, 80_000])
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newsflow-memory",
        help="keeps the built warehouses between invocations",
    )
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    small, big = (measure(args.workdir, n) for n in sorted(args.sizes))
    a, b = sorted(args.sizes)
    print(
        f"sizes={a},{b} export_peak_mb={small['parquet_peak_mb']:.0f},{big['parquet_peak_mb']:.0f} "
        f"csv_peak_mb={small['csv_peak_mb']:.0f},{big['csv_peak_mb']:.0f} "
        f"search_peak_mb={small['search_peak_mb']:.0f},{big['search_peak_mb']:.0f} "
        f"export_ratio={big['parquet_peak_mb'] / small['parquet_peak_mb']:.2f} "
        f"search_ratio={big['search_peak_mb'] / small['search_peak_mb']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
