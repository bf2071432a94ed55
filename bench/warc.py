"""WARC import throughput: records read per second, and articles per second end to end
against the compute ceiling of the same pages.

    .venv/bin/python bench/warc.py [--n 600] [--workers 2] [--batch-size 50] [--runner dask]
        [--data DIR]

Writes a WARC.gz of N response records (CC-NEWS layout: one gzip member per record), made
from the extraction benchmark's pages (``DIR/html/*.html.gz``, default
``../shared/benchdata/extraction`` beside the checkout) exactly as bench/throughput.py makes
its stories (page ``i`` is benchmark page ``i % 119`` with its title and ``rel=canonical``
rewritten, so every record is a distinct story), plus one request record per response.

1. reading: ``tasks.fetch.warc.read_warc`` over the file (decompress, parse, decode):
   records per second, one process;
2. end to end: ``newsflow import-warc`` as a subprocess (fresh warehouse, its own
   PREFECT_HOME, warmed by one import of an empty file first so Prefect's database already
   exists, as on a machine that has run newsflow before): articles per second over the
   command's whole wall time, and over the flow's own time (``runs.seconds``);
3. the compute ceiling, with no Prefect, no WARC and no DuckDB: ``tasks.process.
   process_pages`` on the same N pages in the same batches in a warm pool of ``--workers``
   processes (bench/throughput.py's ``compute_ceiling``); efficiency = 2 / 3.

The machine's other load matters (2 shared cores): the load average and the other
processes' CPU during each phase are printed. Last line: ``warc: n=... records_per_s=...
articles_per_s=... flow_articles_per_s=... ceiling_per_s=... efficiency=...
flow_efficiency=...``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import (  # noqa: E402
    StorySite,
    compute_ceiling,
    external_cores,
    load_average,
    machine_busy,
    make_template,
    newsflow_command,
)
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from newsflow.config.settings import ExecutionSettings  # noqa: E402
from newsflow.tasks.fetch.warc import WarcCounts, read_warc  # noqa: E402
from newsflow.warehouse.db import connect_published  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchdata" / "extraction"
BASE = "https://bench.example"


def write_warc(site: StorySite, path: Path) -> int:
    """N request + response records, one gzip member each; returns the file's size."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for i in range(site.n):
            url = site.story_url(i)
            request = StatusAndHeaders(
                f"GET /story/{i} HTTP/1.1", [("Host", "bench.example")], is_http_request=True
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b""), http_headers=request
                )
            )
            body = site.story_html(i).encode("utf-8")
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                    warc_headers_dict={
                        "WARC-Date": "2025-11-22T10:00:00Z",
                        "WARC-IP-Address": "192.0.2.1",
                    },
                )
            )
    return path.stat().st_size


def read_rate(path: Path) -> tuple[int, int, float]:
    """(records, html pages, seconds) of one pass of ``read_warc``."""
    counts = WarcCounts()
    started = time.perf_counter()
    for _ in read_warc(path, counts):
        pass
    return counts.records, counts.html_pages, time.perf_counter() - started


def write_config(
    path: Path, db: Path, workers: int, batch_size: int, runner: str = "process"
) -> Path:
    lines = [
        "[warehouse]",
        f"path = {json.dumps(str(db))}",
        "[execution]",
        f"runner = {json.dumps(runner)}",
        f"workers = {workers}",
        f"batch_size = {batch_size}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_import(config: Path, files: list[Path], env: dict[str, str], log: Path) -> float:
    """Seconds of one ``newsflow import-warc``; its output goes to ``log`` (shown if it fails)."""
    started = time.perf_counter()
    with log.open("a") as out:
        done = subprocess.run(
            [*newsflow_command(), "import-warc", "--config", str(config), *map(str, files)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=3600,
        )
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        raise SystemExit("import-warc failed:\n" + "\n".join(tail))
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=600, help="response records (stories)")
    parser.add_argument("--workers", type=int, default=ExecutionSettings().workers)
    parser.add_argument("--batch-size", type=int, default=ExecutionSettings().batch_size)
    parser.add_argument(
        "--runner",
        choices=["process", "dask"],
        default="process",
        help='"dask": a LocalCluster of --workers processes, started by the import',
    )
    args = parser.parse_args(argv)

    pages = sorted((args.data / "html").glob("*.html.gz"))
    if not pages:
        print(f"no benchmark pages in {args.data / 'html'}", file=sys.stderr)
        return 2
    templates = [make_template(gzip.decompress(p.read_bytes()).decode("utf-8")) for p in pages]
    site = StorySite(templates, args.n, feeds=1)
    site.base = BASE

    with tempfile.TemporaryDirectory(prefix="newsflow-bench-warc-") as tmp:
        work = Path(tmp)
        warc = work / "CC-NEWS-bench.warc.gz"
        size = write_warc(site, warc)
        print(f"WARC: {args.n} stories, {2 * args.n} records, {size / 1e6:.1f} MB gzip")
        print(f"load average: {load_average()}")

        # 1. reading alone
        busy = machine_busy()
        cpu = time.process_time()
        records, html_pages, read_s = read_rate(warc)
        ext = external_cores(busy, time.process_time() - cpu, read_s)
        print(
            f"read: {records} records ({html_pages} HTML pages) in {read_s:.2f} s = "
            f"{records / read_s:,.0f} records/s; other processes meanwhile: {ext:.2f} cores"
        )

        # 2. end to end, Prefect warmed by an empty import
        env = {**os.environ, "PREFECT_HOME": str(work / "prefect")}
        env.pop("PREFECT_API_URL", None)
        env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        # A fresh Prefect home migrates its database at the first start: on a loaded machine
        # that takes longer than Prefect's 20 s, and the warm-up import failed.
        env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
        db = work / "news.duckdb"
        config = write_config(work / "feeds.toml", db, args.workers, args.batch_size, args.runner)
        empty = work / "empty.warc.gz"
        empty.write_bytes(b"")
        log = work / "import.log"
        warm_s = run_import(config, [empty], env, log)
        busy = machine_busy()
        wall = run_import(config, [warc], env, log)
        ext_run = external_cores(busy, 0.0, wall)  # includes the import's own processes
        con = connect_published(db)
        try:
            articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            flow_s = con.execute(
                "SELECT seconds FROM runs ORDER BY started_at DESC LIMIT 1"
            ).fetchone()[0]
            stages = con.execute(
                "SELECT stage, round(seconds, 1) FROM run_stages WHERE run_id = "
                "(SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1) ORDER BY stage"
            ).fetchall()
        finally:
            con.close()
        rate = articles / wall
        flow_rate = articles / flow_s
        print(
            f"import-warc: {articles} articles in {wall:.1f} s = {rate:.2f}/s over the command "
            f"({flow_rate:.2f}/s over the flow's {flow_s:.1f} s; warm-up import {warm_s:.1f} s); "
            f"all processes: {ext_run:.2f} cores busy"
        )
        print("  stages (s; extract and nlp summed over workers): " + ", ".join(
            f"{stage} {seconds}" for stage, seconds in stages
        ))  # fmt: skip

        # 3. the compute ceiling on the same pages
        print(f"load average before the ceiling: {load_average()}")
        ceiling = compute_ceiling(site, args.workers, args.batch_size, keep_texts=0)
        print(
            f"ceiling: process_pages, {args.workers} processes, batches of {args.batch_size}: "
            f"{ceiling.articles} articles in {ceiling.seconds:.1f} s = {ceiling.rate:.2f}/s; "
            f"other processes meanwhile: {ceiling.external:.2f} cores"
        )
        print(f"load average after: {load_average()}")
    print(
        f"warc: n={args.n} runner={args.runner} records_per_s={records / read_s:.0f} articles_per_s={rate:.2f} "
        f"flow_articles_per_s={flow_rate:.2f} ceiling_per_s={ceiling.rate:.2f} "
        f"efficiency={rate / ceiling.rate:.3f} flow_efficiency={flow_rate / ceiling.rate:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
