"""Where a batch's load and clustering spend their time, statement by statement, at N articles.

    .venv/bin/python bench/profile_load.py [--articles 10000 300000] [--workdir DIR] [--repeat 3]

Uses the grown warehouses of ``bench/scale.py`` (``WORKDIR/grown-N``, made by it; they are
copied, never written; the copy is migrated once, untimed) and one batch of the 50 stories scale.py's second feed adds, extracted
and analysed once in this process (cached as ``WORKDIR/profile-batch.pickle``). For each size
and repeat: a fresh copy of the grown lake, then the ingest flow's load stage on that batch
(``store_isolating`` and ``assign_clusters``) and the finish stage's catch-up checks, with
every statement timed. Prints the statements' times (median over repeats) per size, then one
line ``articles=... load_s=... cluster_s=... catch_up_s=...`` per size.
"""

from __future__ import annotations

import argparse
import inspect
import pickle
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb
from scale import NEW_STORIES, ScaleSite, copy_lake
from shared_data import SHARED
from throughput import _batch_pages, load_templates

from newsflow.config.settings import NlpSettings
from newsflow.tasks.load import isolate, search_index, syndication
from newsflow.tasks.records import ProcessedBatch
from newsflow.warehouse.db import apply_migrations, open_lake
from newsflow.warehouse.lake import location

DEFAULT_DATA = SHARED / "benchdata/extraction"


class TimedConnection:
    """A connection whose ``execute`` calls are timed, keyed by caller and statement."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.times: dict[str, float] = defaultdict(float)

    def execute(self, sql: str, *args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        frame = inspect.stack()[1]
        words = " ".join(sql.split())[:70]
        key = f"{Path(frame.filename).stem}.{frame.function}: {words}"
        started = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            self.times[key] += time.perf_counter() - started

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def make_batch(workdir: Path, data: Path) -> ProcessedBatch:
    """The 50 new stories of scale.py's second feed, extracted and analysed (cached)."""
    cache = workdir / "profile-batch.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())  # noqa: S301 - our own file
    from newsflow.tasks.process import process_pages

    templates = load_templates(data)
    site = ScaleSite(templates, len(templates))
    port = (workdir / "seed" / "port").read_text().strip()
    site.base = f"http://127.0.0.1:{port}"
    batch = process_pages(_batch_pages(site, site.seed, NEW_STORIES), NlpSettings())
    cache.write_bytes(pickle.dumps(batch))
    return batch


def _fake_index(con: duckdb.DuckDBPyConnection) -> None:
    """Rows in ``search_docs`` for the grown articles (their postings are not needed: the
    loader only appends postings), so the loader's checks see an index as large as after
    scale.py's priming run, which would take minutes to build here."""
    con.execute(
        "INSERT INTO search_docs BY NAME SELECT article_id, 100 AS length, now() AS indexed_at "
        "FROM articles ANTI JOIN search_docs USING (article_id)"
    )
    con.execute(
        "UPDATE search_stats SET docs = (SELECT count(*) FROM search_docs), "
        "total_length = (SELECT sum(length) FROM search_docs)"
    )


def migrated(grown: Path, scratch: Path) -> Path:
    """A copy of ``grown`` with this checkout's migrations applied (as the first run after
    an upgrade does, once), so each repeat copies it and times the loader only."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    db = scratch / "news.ducklake"
    copy_lake(grown, db)
    con = open_lake(location(db))
    try:
        started = time.perf_counter()
        applied = apply_migrations(con)
        if applied:
            print(f"migrations {', '.join(applied)}: {time.perf_counter() - started:.1f} s")
    finally:
        con.close()
    return db


def profile_once(grown: Path, scratch: Path, batch: ProcessedBatch) -> dict[str, float]:
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    db = scratch / "news.ducklake"
    copy_lake(grown, db)
    con = open_lake(location(db))
    _fake_index(con)
    timed = TimedConnection(con)
    try:
        stages: dict[str, float] = {}
        started = time.perf_counter()
        counts = isolate.store_isolating(timed, batch, [], run_id="profile")  # type: ignore[arg-type]
        stages["load"] = time.perf_counter() - started
        dates = dict(counts.article_dates)
        known = {
            a.article_id: (dates[a.article_id], a.text)
            for a in batch.articles
            if a.article_id in dates
        }
        started = time.perf_counter()
        syndication.assign_clusters(timed, counts.article_ids, known=known)  # type: ignore[arg-type]
        stages["cluster"] = time.perf_counter() - started
        started = time.perf_counter()
        syndication.assign_clusters(timed)  # type: ignore[arg-type]
        search_index.catch_up(timed)  # type: ignore[arg-type]
        stages["catch_up"] = time.perf_counter() - started
        if counts.articles != len({a.article_id for a in batch.articles}):
            raise SystemExit(f"the batch stored {counts.articles} articles, not all of them")
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return {**{f"= {k}": v for k, v in stages.items()}, **timed.times}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000, 300_000])
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "newsflow-scale-wt-lake"
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    batch = make_batch(args.workdir, args.data)
    summary = []
    for size in args.articles:
        grown = args.workdir / f"grown-{size}" / "news.ducklake"
        if not grown.exists():
            raise SystemExit(f"{grown} is missing: grow it with bench/scale.py --articles {size}")
        scratch = Path(tempfile.gettempdir()) / f"newsflow-profile-{size}"
        base = migrated(grown, scratch.with_name(scratch.name + "-base"))
        try:
            runs = [profile_once(base, scratch, batch) for _ in range(args.repeat)]
        finally:
            shutil.rmtree(base.parent, ignore_errors=True)
        keys = {k for run in runs for k in run}
        median = {k: statistics.median(run.get(k, 0.0) for run in runs) for k in keys}
        print(f"--- {size} articles (median of {args.repeat})")
        for key, seconds in sorted(median.items(), key=lambda kv: -kv[1])[: args.top]:
            print(f"{seconds * 1000:8.1f} ms  {key}")
        summary.append(
            f"articles={size} load_s={median['= load']:.2f} cluster_s={median['= cluster']:.2f} "
            f"catch_up_s={median['= catch_up']:.2f}"
        )
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
