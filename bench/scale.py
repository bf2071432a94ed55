"""What a run costs as the warehouse grows: ``newsflow ingest`` and search at N articles.

    .venv/bin/python bench/scale.py [--articles 100000] [--data DIR] [--workdir DIR] [--keep]

1. Seed (once per work directory): a real ``newsflow ingest`` of the extraction benchmark's
   pages (``DIR/html/*.html.gz``, served by a local HTTP server) on an empty warehouse, so
   the seed articles carry real mentions, quotes, signatures and buckets.
2. Growth to N articles (once per work directory: kept as ``grown-N``, so the code before
   and after a change is measured on the same data), in bulk and straight into the
   warehouse (no NLP): copies of the seed articles whose bodies have one word in four
   replaced by another word of the seed vocabulary (so each copy is a distinct story to the syndication check, with realistic
   term statistics), a title and URL of their own, older dates, the seed's mentions and
   quotes, their pages and feed items, MinHash signatures and LSH buckets; the entity
   counts are recounted. Then the snapshot is published.
3. Real runs of the CLI on it: a priming run with nothing new (it builds whatever search
   index the code keeps, as after an upgrade), a timed run with nothing new (``noop_s``),
   and a timed run whose second feed lists 50 new stories (``plus50_s``), with the peak
   bytes in the warehouse's folder during that run (``disk_ratio`` = peak / the lake's
   catalog and files after it). Then searches in this process (``search_s``: the slowest of a few
   queries, warm) and one ``newsflow search`` command (its wall time and peak RSS).

Steps 2-3 run at 10,000 articles first and then at N, so ``plus50_ratio`` compares the same
run at N and at 10k. The machine's other load matters (2 shared cores): the load average is
printed. Last line: ``articles=... noop_s=... plus50_s=... plus50_ratio=... search_s=...
disk_ratio=...``.
"""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from shared_data import CHECKOUT, SHARED
from throughput import (
    RunResult,
    StorySite,
    TreeSampler,
    _handler,
    _SiteServer,
    load_average,
    load_templates,
    newsflow_command,
    run_ingest,
    stage_line,
    write_config,
)

from newsflow.tasks.load import entity_registry, search, syndication
from newsflow.warehouse.db import connect_published, open_lake, publish
from newsflow.warehouse.lake import location
from newsflow.warehouse.maintain import maintain

DEFAULT_DATA = SHARED / "benchdata/extraction"
REFERENCE = 10_000
NEW_STORIES = 50
QUERIES = ("regime change", "government", '"prime minister"', "election results")
_CHUNK = 5_000


class ScaleSite(StorySite):
    """Feed 0 lists the seed stories (0 .. seed-1); feed 1 lists the 50 new ones after them."""

    def __init__(self, templates: list, seed: int) -> None:
        super().__init__(templates, seed + NEW_STORIES, feeds=2)
        self.seed = seed

    def feed_stories(self, name: str) -> list[int] | None:
        if name == "feeds/0.xml":
            return list(range(self.seed))
        if name == "feeds/1.xml":
            return list(range(self.seed, self.seed + NEW_STORIES))
        return None


class DiskSampler:
    """Peak bytes of the files in one folder while a run goes on."""

    def __init__(self, folder: Path, interval: float = 0.1) -> None:
        self.folder = folder
        self.interval = interval
        self.peak = self.size()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def size(self) -> int:
        return folder_bytes(self.folder)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.size())

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return max(self.peak, self.size())


def folder_bytes(folder: Path) -> int:
    """Bytes of every file under ``folder`` (the lake's catalog and its data files; not the
    run logs)."""
    total = 0
    for path in folder.rglob("*"):
        if path.suffix == ".log":
            continue
        try:
            total += path.stat().st_size if path.is_file() else 0
        except OSError:  # replaced or removed while listing
            continue
    return total


def copy_lake(source: Path, target: Path) -> None:
    """Copy a local lake (catalog file and data folder) to the name ``target``."""
    src, dst = location(source), location(target)
    shutil.copyfile(src.catalog_file, dst.catalog_file)
    shutil.copytree(src.data_folder, dst.data_folder)


@dataclass(slots=True)
class Measured:
    articles: int
    grow_s: float
    prime_s: float
    noop: RunResult
    plus50: RunResult
    peak_disk: int
    live_bytes: int
    search_s: float
    searches: dict[str, float]
    cli_search_s: float
    cli_search_rss_mb: float


def start_site(site: ScaleSite, workdir: Path) -> _SiteServer | None:
    """The site on the port the seed warehouse was made with: its URLs are in the seed.

    None when another scale.py on the same work directory serves it already (the same
    pages and feeds: two versions of the code can be measured side by side).
    """
    port_file = workdir / "seed" / "port"
    port = int(port_file.read_text()) if port_file.exists() else 0
    try:
        server = _SiteServer(("127.0.0.1", port), _handler(site))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        site.base = f"http://127.0.0.1:{port}"
        print(f"the site is served already on port {port} (another scale.py)")
        return None
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def env_for(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(workdir / "prefect")
    # The shared machine can be slow to start Prefect's ephemeral server.
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    return env


def seed_warehouse(workdir: Path, site: ScaleSite, env: dict[str, str]) -> Path:
    """A warehouse of the benchmark's real stories through the real pipeline (cached)."""
    seed = workdir / "seed" / "news.ducklake"
    if seed.exists():
        return seed
    seed.parent.mkdir(parents=True, exist_ok=True)
    (seed.parent / "port").write_text(site.base.rsplit(":", 1)[1])
    config = write_config(seed.parent / "feeds.toml", seed, [f"{site.base}/feeds/0.xml"], 2)
    result = run_ingest(config, seed, env, workdir / "seed.log")
    print(f"seed: {result.articles} articles through the pipeline in {result.wall_s:.1f} s")
    return seed


def grow(db: Path, target: int) -> None:
    """Copies of the seed articles (and their rows) up to ``target`` articles, in bulk; then
    maintained, as a long-lived warehouse is (daily)."""
    con = open_lake(location(db))
    try:
        seed = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        copies = -(-(target - seed) // seed)
        con.execute("CREATE TEMP TABLE seed AS SELECT * FROM articles")
        con.execute(
            """
            CREATE TEMP TABLE vocab AS
            SELECT list(DISTINCT w) AS words
            FROM (SELECT unnest(string_split(text, ' ')) AS w FROM seed) WHERE w <> ''
            """
        )
        con.execute(
            """
            CREATE TEMP TABLE copy_map AS
            SELECT s.article_id AS old_id, c.k,
                   substr(md5(s.article_id || ':' || c.k), 1, 32) AS new_id,
                   row_number() OVER (ORDER BY c.k, s.article_id) AS nth
            FROM seed s CROSS JOIN range(1, ? + 1) c(k)
            QUALIFY nth <= ?
            """,
            [copies, target - seed],
        )
        con.execute("BEGIN")
        con.execute(
            """
            INSERT INTO articles BY NAME
            SELECT m.new_id AS article_id, s.url || '?copy=' || m.k AS url,
                   s.title || ' (' || m.k || ')' AS title,
                   array_to_string(list_transform(string_split(s.text, ' '),
                       lambda w, i: CASE WHEN hash(m.k, i, s.article_id) % 4 = 0
                                    THEN v.words[(1 + hash(i, m.k) % len(v.words))::BIGINT] ELSE w END),
                       ' ') AS text,
                   s.author, s.published_at - to_hours(m.k) AS published_at, s.language,
                   s.sitename, s.description, s.fetched_at - to_hours(m.k) AS fetched_at,
                   'bench-growth' AS run_id
            FROM copy_map m JOIN seed s ON s.article_id = m.old_id CROSS JOIN vocab v
            """
        )
        con.execute(
            """
            INSERT INTO entity_mentions BY NAME
            SELECT e.* REPLACE (m.new_id AS article_id)
            FROM entity_mentions e JOIN copy_map m ON m.old_id = e.article_id
            """
        )
        con.execute(
            """
            INSERT INTO quotes BY NAME
            SELECT q.* REPLACE (m.new_id AS article_id)
            FROM quotes q JOIN copy_map m ON m.old_id = q.article_id
            """
        )
        con.execute(
            """
            CREATE TEMP TABLE copy_pages AS
            SELECT m.new_id, p.page_url || '?copy=' || m.k AS page_url, fi.feed_url,
                   a.fetched_at
            FROM copy_map m
            JOIN pages p ON p.article_id = m.old_id
            JOIN feed_items fi ON fi.page_url = p.page_url
            JOIN articles a ON a.article_id = m.new_id
            """
        )
        con.execute(
            """
            INSERT INTO pages BY NAME
            SELECT page_url, 'ok' AS status, new_id AS article_id, 1 AS attempts,
                   200 AS http_status, false AS retryable, fetched_at AS first_seen_at,
                   fetched_at AS last_attempt_at
            FROM copy_pages
            """
        )
        con.execute(
            """
            INSERT INTO feed_items BY NAME
            SELECT feed_url, page_url, page_url AS link, page_url AS guid,
                   fetched_at AS published_at, fetched_at AS first_seen_at,
                   fetched_at AS last_seen_at
            FROM copy_pages
            """
        )
        con.execute("COMMIT")
        con.execute("BEGIN")
        _sign(con)
        entity_registry.rebuild(con)  # names, links and counts, as the loader keeps them
        con.execute("COMMIT")
    finally:
        con.close()
    publish(db)
    maintain(db)


def _sign(con: duckdb.DuckDBPyConnection) -> None:
    """Signatures and buckets of the copies (each its own cluster: the bodies differ)."""
    todo = con.execute(
        "SELECT a.article_id FROM articles a ANTI JOIN article_signatures s USING (article_id)"
    ).fetchall()
    ids = [row[0] for row in todo]
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        con.register("chunk_ids", pa.table({"article_id": chunk}))
        texts = con.execute(
            "SELECT article_id, text FROM articles SEMI JOIN chunk_ids USING (article_id)"
        ).fetchall()
        con.unregister("chunk_ids")
        signatures, buckets = [], {"band": [], "bucket": [], "article_id": [], "lsh_key": []}
        for article_id, text in texts:
            signature = syndication.minhash(text)
            signatures.append((article_id, signature.tolist()))
            if len(syndication.words(text)) >= syndication.MIN_WORDS:
                for band, bucket in enumerate(syndication.band_buckets(signature)):
                    buckets["band"].append(band)
                    buckets["bucket"].append(bucket)
                    buckets["article_id"].append(article_id)
                    buckets["lsh_key"].append(syndication.lsh_key(band, bucket))
        sig_table = pa.table(
            {
                "article_id": [s[0] for s in signatures],
                "minhash": pa.array([s[1] for s in signatures], pa.list_(pa.uint32())),
            }
        )
        bucket_table = pa.table(
            {
                "band": pa.array(buckets["band"], pa.int16()),
                "bucket": pa.array(buckets["bucket"], pa.uint64()),
                "article_id": buckets["article_id"],
                "lsh_key": pa.array(buckets["lsh_key"], pa.int64()),
            }
        )
        con.register("sig_chunk", sig_table)
        con.register("bucket_chunk", bucket_table)
        con.execute(
            "INSERT INTO article_signatures BY NAME SELECT article_id, minhash, "
            "article_id AS cluster_id, NULL AS similarity, now() AS assigned_at FROM sig_chunk"
        )
        con.execute("INSERT INTO syndication_buckets BY NAME SELECT * FROM bucket_chunk")
        con.unregister("sig_chunk")
        con.unregister("bucket_chunk")


def time_searches(db: Path) -> dict[str, float]:
    con = connect_published(db)
    try:
        search.search(con, QUERIES[0])  # warm: the file's pages in the OS cache
        times = {}
        for query in QUERIES:
            started = time.perf_counter()
            search.search(con, query)
            times[query] = time.perf_counter() - started
        return times
    finally:
        con.close()


def cli_search(db: Path, env: dict[str, str]) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*newsflow_command(), "search", QUERIES[0], "--db", str(db), "-c", "/dev/null"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    sampler = TreeSampler(proc.pid)
    code = proc.wait()
    wall = time.perf_counter() - started
    sampler.stop()
    if code != 0:
        raise SystemExit(f"newsflow search failed ({code})")
    return wall, sampler.peak / 2**20


def measure(workdir: Path, seed: Path, site: ScaleSite, articles: int, env: dict) -> Measured:
    folder = workdir / f"n{articles}-{CHECKOUT.name}"  # per checkout: side by side runs
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db = folder / "news.ducklake"
    grown = workdir / f"grown-{articles}" / "news.ducklake"
    started = time.perf_counter()
    if not grown.exists():  # kept: the same data for every version of the code measured
        growing = workdir / f"growing-{articles}" / "news.ducklake"
        shutil.rmtree(growing.parent, ignore_errors=True)
        growing.parent.mkdir(parents=True)
        copy_lake(seed, growing)
        grow(growing, articles)
        growing.parent.rename(grown.parent)
    grow_s = time.perf_counter() - started
    copy_lake(grown, db)
    old = write_config(folder / "old.toml", db, [f"{site.base}/feeds/0.xml"], 2)
    both = write_config(
        folder / "both.toml", db, [f"{site.base}/feeds/0.xml", f"{site.base}/feeds/1.xml"], 2
    )
    prime = run_ingest(old, db, env, folder / "prime.log")
    noop = run_ingest(old, db, env, folder / "noop.log")
    disk = DiskSampler(folder)
    plus50 = run_ingest(both, db, env, folder / "plus50.log")
    peak = disk.stop()
    live = folder_bytes(folder)
    searches = time_searches(db)
    cli_s, cli_rss = cli_search(db, env)
    result = Measured(
        articles=plus50.articles - NEW_STORIES,
        grow_s=grow_s,
        prime_s=prime.wall_s,
        noop=noop,
        plus50=plus50,
        peak_disk=peak,
        live_bytes=live,
        search_s=max(searches.values()),
        searches=searches,
        cli_search_s=cli_s,
        cli_search_rss_mb=cli_rss,
    )
    describe(result)
    return result


def describe(m: Measured) -> None:
    added = m.plus50.articles - m.articles
    print(
        f"{m.articles} articles: grown in {m.grow_s:.0f} s, priming run {m.prime_s:.1f} s; "
        f"load average {load_average()}"
    )
    print(
        f"  nothing new: {m.noop.wall_s:.1f} s (flow {m.noop.flow_s:.1f} s); "
        f"stages: {stage_line(m.noop.stages)}"
    )
    print(
        f"  +{added} stories: {m.plus50.wall_s:.1f} s (flow {m.plus50.flow_s:.1f} s, the rest is "
        f"start-up); stages: {stage_line(m.plus50.stages)}; "
        f"peak RSS {m.plus50.peak_rss_mb:.0f} MB"
    )
    print(
        f"  disk: peak {m.peak_disk / 2**20:.0f} MB in the folder, the lake after it "
        f"{m.live_bytes / 2**20:.0f} MB"
    )
    timings = ", ".join(f"{q!r} {s * 1000:.0f} ms" for q, s in m.searches.items())
    print(
        f"  search: {timings}; `newsflow search` command {m.cli_search_s:.1f} s, "
        f"peak RSS {m.cli_search_rss_mb:.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--articles", type=int, default=REFERENCE)
    parser.add_argument(
        "--reference", type=int, default=REFERENCE, help="size the ratio is against"
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / f"newsflow-scale-{CHECKOUT.name}",
        help="keeps the seed warehouse between invocations",
    )
    parser.add_argument("--keep", action="store_true", help="keep the grown warehouses")
    args = parser.parse_args(argv)
    templates = load_templates(args.data)
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = env_for(args.workdir)
    site = ScaleSite(templates, len(templates))
    server = start_site(site, args.workdir)
    print(f"work directory {args.workdir}; load average {load_average()}")
    try:
        seed = seed_warehouse(args.workdir, site, env)
        sizes = sorted({args.reference, args.articles})
        results = {}
        for size in sizes:
            results[size] = measure(args.workdir, seed, site, size, env)
            if not args.keep:
                shutil.rmtree(args.workdir / f"n{size}-{CHECKOUT.name}", ignore_errors=True)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
    big, ref = results[args.articles], results[args.reference]
    print(
        f"articles={big.articles} noop_s={big.noop.wall_s:.1f} plus50_s={big.plus50.wall_s:.1f} "
        f"plus50_ratio={big.plus50.wall_s / ref.plus50.wall_s:.2f} search_s={big.search_s:.2f} "
        f"disk_ratio={big.peak_disk / big.live_bytes:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
