"""End-to-end throughput of ``newsflow ingest`` against the compute ceiling of the same work.

    .venv/bin/python bench/throughput.py [--n 2000] [--workers 2] [--feeds 20] [--data DIR]
                                         [--small 200] [--runner process|dask]
                                         [--batch-size 50] [--quick] [--keep]

A local HTTP server serves N article pages made from the extraction benchmark's pages
(``DIR/html/*.html.gz``): page ``i`` is benchmark page ``i % 119`` with its ``<title>`` and
``rel=canonical`` rewritten to ``/story/i``, so every copy is a distinct story. ``--feeds``
RSS feeds list them (feed ``k`` lists the stories ``i % feeds == k``) and answer
``If-None-Match`` with 304 like real feed hosts; robots.txt allows everything.

Runs of the real CLI (``newsflow ingest`` as a subprocess, fresh config and warehouse, its
own PREFECT_HOME so the first run pays Prefect's cold start and later runs do not):

1. cold start: one feed whose port refuses at once, empty warehouse (Prefect's database created from scratch);
2. N = ``--small`` stories on an empty warehouse, then N = ``--n`` on another one:
   articles per second over the command's whole wall time, the stages recorded in the
   ``runs`` row, and the peak RSS of the ingest process tree (flow, Prefect's server, the
   workers; psutil, every 0.1 s) and the CPU seconds each of them used;
3. on the N warehouse, 100 feeds (the N run's feeds and 80 more listing stored stories)
   polled twice: the second run sees only 304s. Its flow time is ``unchanged_100_s``
   (after start-up) and its whole wall time is ``startup_s`` (ingest with nothing new).

Then the compute ceiling, with no Prefect, no HTTP and no DuckDB: ``tasks.process.
process_pages`` on the same N pages in the same batches, in a warm pool of ``--workers``
processes kept busy; efficiency = end-to-end rate / ceiling rate. And NLP alone
(``tasks.nlp.analyze_texts``) on the benchmark's distinct texts in 1 process and in 2.

The machine's other load matters (2 shared cores): the load average is printed before and
after. Last line: ``throughput: n=... articles_per_s=... ceiling_per_s=... efficiency=...
nlp_scaling=... rss_ratio=... unchanged_100_s=... startup_s=...``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing import get_context
from pathlib import Path

import duckdb
import psutil
from shared_data import SHARED

from newsflow.clock import utcnow
from newsflow.config.settings import ExecutionSettings, NlpSettings
from newsflow.tasks.records import FetchedPage, ProcessedBatch
from newsflow.warehouse.db import connect_published

DEFAULT_DATA = SHARED / "benchdata/extraction"
EXTRA_FEEDS = 80  # added to the N run's feeds for the 100-feed unchanged run
STAGES = (
    "begin",
    "poll",
    "record",
    "fetch",
    "extract",
    "nlp",
    "wait",
    "load",
    "cluster",
    "index",
)

_CANONICAL = re.compile(
    r"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>|<meta\b[^>]*\bproperty\s*=\s*[\"']?og:url\b[^>]*>",
    re.IGNORECASE,
)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


# --- the site --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Template:
    """A benchmark page split around its title and with its canonical claims removed."""

    before: str  # up to the canonical link's slot
    middle: str  # from the slot to the title text
    after: str  # after the title text
    title: str


def make_template(page: str) -> Template:
    page = _CANONICAL.sub("", page)
    title_match = _TITLE.search(page)
    if title_match is None:
        head = _HEAD.search(page)
        at = head.end() if head else 0
        page = page[:at] + "<title></title>" + page[at:]
        title_match = _TITLE.search(page)
        assert title_match is not None
    head = _HEAD.search(page, 0, title_match.start())
    slot = head.end() if head else title_match.start()
    return Template(
        before=page[:slot],
        middle=page[slot : title_match.start(1)],
        after=page[title_match.end(1) :],
        title=html.unescape(" ".join(title_match.group(1).split())) or "Story",
    )


class StorySite:
    """N distinct story pages made from a few real ones, and feeds that list them."""

    def __init__(self, templates: list[Template], n: int, feeds: int) -> None:
        self.templates = templates
        self.n = n
        self.feeds = feeds
        self.base = ""
        self.requests: dict[str, int] = {"story": 0, "feed": 0, "304": 0}
        self._lock = threading.Lock()
        self._published = datetime(2025, 6, 1, tzinfo=UTC)

    def story_url(self, i: int) -> str:
        return f"{self.base}/story/{i}"

    def story_title(self, i: int) -> str:
        return f"{self.templates[i % len(self.templates)].title} (story {i})"

    def story_html(self, i: int) -> str:
        t = self.templates[i % len(self.templates)]
        canonical = f'<link rel="canonical" href="{self.story_url(i)}">'
        return "".join((t.before, canonical, t.middle, html.escape(self.story_title(i)), t.after))

    def feed_stories(self, name: str) -> list[int] | None:
        """Stories listed by ``/feeds/k.xml`` (k < feeds) or ``/extra/k.xml`` (stored ones)."""
        kind, _, rest = name.partition("/")
        if not rest.endswith(".xml") or not rest[:-4].isdigit():
            return None
        k = int(rest[:-4])
        if kind == "feeds" and k < self.feeds:
            return list(range(k, self.n, self.feeds))
        if kind == "extra" and k < EXTRA_FEEDS:
            return [(k * 7 + j) % self.n for j in range(10)]
        return None

    def feed_xml(self, name: str, stories: list[int]) -> bytes:
        items = []
        for i in stories:
            published = format_datetime(self._published + timedelta(minutes=i))
            items.append(
                f"<item><title>{html.escape(self.story_title(i))}</title>"
                f"<link>{self.story_url(i)}</link>"
                f'<guid isPermaLink="true">{self.story_url(i)}</guid>'
                f"<pubDate>{published}</pubDate></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench {name}</title><link>{self.base}/</link>"
            f"<description>throughput bench feed</description>{''.join(items)}"
            "</channel></rss>"
        ).encode()

    def count(self, key: str) -> None:
        with self._lock:
            self.requests[key] += 1


def _handler(site: StorySite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            path = self.path.split("?", 1)[0]
            if path == "/robots.txt":
                self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            elif path.startswith("/story/") and path[7:].isdigit() and int(path[7:]) < site.n:
                site.count("story")
                body = site.story_html(int(path[7:])).encode("utf-8")
                self._send(200, body, "text/html; charset=utf-8")
            elif (stories := site.feed_stories(path.lstrip("/"))) is not None:
                body = site.feed_xml(path, stories)
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    site.count("304")
                    self._send(304, b"", None, etag=etag)
                else:
                    site.count("feed")
                    self._send(200, body, "application/rss+xml; charset=utf-8", etag=etag)
            else:
                self._send(404, b"not found", "text/plain")

        def _send(
            self, status: int, body: bytes, content_type: str | None, etag: str | None = None
        ) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler


class _SiteServer(ThreadingHTTPServer):
    # The stdlib's listen backlog of 5 drops the SYNs of a burst of new connections, and
    # each dropped one costs the client a 1 s retransmit: real sites do not do that.
    request_queue_size = 256
    daemon_threads = True


def start_site(site: StorySite) -> ThreadingHTTPServer:
    server = _SiteServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def load_templates(data: Path) -> list[Template]:
    files = sorted((data / "html").glob("*.html.gz"))
    if not files:
        raise SystemExit(f"no pages in {data / 'html'} (use --data DIR)")
    templates = []
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
            templates.append(make_template(handle.read()))
    return templates


# --- running the CLI -------------------------------------------------------------------------


@dataclass(slots=True)
class RunResult:
    wall_s: float
    peak_rss_mb: float
    peak_rss_by_role_mb: dict[str, float]
    at_peak_mb: dict[str, float]
    cpu_s: dict[str, float]  # by role: flow, prefect-server, workers, other; bench: the site
    external: float  # cores' worth of CPU used by other processes during the run
    row: dict[str, object]  # the runs row
    stages: dict[str, float]  # run_stages of the run
    articles: int  # articles in the warehouse after the run
    output: str

    @property
    def flow_s(self) -> float:
        """The flow's own time: from the run's start to its row being finished (after the
        search index, before the snapshot copy)."""
        started, finished = self.row.get("started_at"), self.row.get("finished_at")
        if isinstance(started, datetime) and isinstance(finished, datetime):
            return (finished - started).total_seconds()
        return float(self.row.get("seconds") or 0.0)


class TreeSampler:
    """Peak RSS of a process and its descendants, and each one's last CPU times."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.peak_by_role: dict[str, int] = {}
        self.at_peak: dict[str, int] = {}  # by role, at the moment of the tree's peak
        self.cpu: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _role(self, proc: psutil.Process) -> str:
        if proc.pid == self.root.pid:
            return "flow"
        try:
            cmd = " ".join(proc.cmdline())
        except psutil.Error:
            return "other"
        if "uvicorn" in cmd or "prefect.server" in cmd:
            return "prefect-server"
        if "multiprocessing" in cmd or "dask" in cmd or "distributed" in cmd:
            return "workers"
        return "other"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            by_role: dict[str, int] = {}
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                    times = proc.cpu_times()
                    known = self.cpu.get(proc.pid, ("other", 0.0))[0]
                    role = known if known != "other" else self._role(proc)
                    self.cpu[proc.pid] = (role, times.user + times.system)
                except psutil.Error:
                    continue
                total += rss
                by_role[role] = by_role.get(role, 0) + rss
            if total > self.peak:
                self.peak, self.at_peak = total, by_role
            for role, rss in by_role.items():
                self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), rss)
            self._stop.wait(self.interval)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        by_role: dict[str, float] = {}
        for role, seconds in self.cpu.values():
            by_role[role] = by_role.get(role, 0.0) + seconds
        return by_role


def machine_busy() -> float:
    """CPU seconds every process on the machine has used so far (all cores)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def external_cores(busy_before: float, own_cpu: float, wall: float) -> float:
    """Cores' worth of CPU that other processes (other users of the machine) took."""
    return max(0.0, (machine_busy() - busy_before - own_cpu) / wall)


def newsflow_command() -> list[str]:
    script = Path(sys.executable).parent / "newsflow"
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsflow.cli"]


# Ingest needs an enabled feed; this one costs a refused connection and nothing else.
DEAD_FEED = "http://127.0.0.1:9/feed.xml"


def write_config(
    path: Path,
    db: Path,
    feeds: list[str],
    workers: int,
    runner: str = "process",
    batch_size: int | None = None,
) -> Path:
    lines = [
        "[warehouse]",
        f"path = {json.dumps(str(db))}",
        "[fetch]",
        "allow_private_addresses = true",
        "per_host_concurrency = 8",
        "[execution]",
        f"runner = {json.dumps(runner)}",
        f"workers = {workers}",
        f"batch_size = {batch_size or ExecutionSettings().batch_size}",
    ]
    for number, url in enumerate(feeds):
        lines += ["[[feeds]]", f'name = "bench {number}"', f"url = {json.dumps(url)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_ingest(config: Path, db: Path, env: dict[str, str], log: Path) -> RunResult:
    started = time.perf_counter()
    busy = machine_busy()
    bench_cpu = time.process_time()  # this process: the HTTP site (and the sampler)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*newsflow_command(), "ingest", "--config", str(config), "--quiet", "--all"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=config.parent,
        )
        sampler = TreeSampler(proc.pid)
        code = proc.wait()
        wall = time.perf_counter() - started
        cpu = sampler.stop()
        cpu["bench-site"] = time.process_time() - bench_cpu
        external = external_cores(busy, sum(cpu.values()), wall)
    output = log.read_text(errors="replace")
    if code != 0:
        raise SystemExit(f"newsflow ingest failed ({code}); log {log}:\n{output[-3000:]}")
    con = connect_published(db)
    try:
        cursor = con.execute("SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
        columns = [c[0] for c in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True))
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        try:
            stages = dict(
                con.execute(
                    "SELECT stage, seconds FROM run_stages WHERE run_id = ?", [row["run_id"]]
                ).fetchall()
            )
        except duckdb.CatalogException:  # a warehouse from before migration 0007
            stages = {}
    finally:
        con.close()
    return RunResult(
        wall_s=wall,
        peak_rss_mb=sampler.peak / 2**20,
        peak_rss_by_role_mb={role: rss / 2**20 for role, rss in sampler.peak_by_role.items()},
        at_peak_mb={role: rss / 2**20 for role, rss in sampler.at_peak.items()},
        cpu_s=cpu,
        external=external,
        row=row,
        stages=stages,
        articles=int(articles),
        output=output,
    )


def stage_line(stages: dict[str, float]) -> str:
    parts = [f"{stage} {stages[stage]:.2f}" for stage in STAGES if stage in stages]
    return ", ".join(parts) if parts else "(no stage timings recorded)"


def describe(label: str, result: RunResult) -> None:
    flow_s = result.flow_s
    print(
        f"  {label}: {result.articles} articles in {result.wall_s:.1f} s wall "
        f"({result.articles / result.wall_s:.2f}/s), flow {flow_s:.1f} s, "
        f"start-up and exit {result.wall_s - flow_s:.1f} s, peak RSS {result.peak_rss_mb:.0f} MB"
    )
    print(f"    other processes on the machine meanwhile: {result.external:.2f} cores")
    roles = ", ".join(f"{r} {mb:.0f}" for r, mb in sorted(result.peak_rss_by_role_mb.items()))
    at_peak = ", ".join(f"{r} {mb:.0f}" for r, mb in sorted(result.at_peak_mb.items()))
    print(f"    peak RSS by process (MB): at the tree's peak {at_peak}; each its own peak {roles}")
    print(f"    stages (s; extract and nlp summed over workers): {stage_line(result.stages)}")
    cpu = ", ".join(f"{role} {seconds:.1f}" for role, seconds in sorted(result.cpu_s.items()))
    print(f"    CPU seconds by process: {cpu}")


# --- the compute ceiling ---------------------------------------------------------------------


@dataclass(slots=True)
class Ceiling:
    articles: int
    seconds: float
    extract_s: float
    nlp_s: float
    cpu_s: float  # CPU seconds of the worker processes
    external: float  # cores' worth of CPU used by other processes meanwhile
    texts: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


def _batch_pages(site: StorySite, first: int, size: int) -> list[FetchedPage]:
    now = utcnow()
    return [
        FetchedPage(
            url=site.story_url(i),
            final_url=site.story_url(i),
            http_status=200,
            content_type="text/html",
            html=site.story_html(i),
            fetched_at=now,
        )
        for i in range(first, min(first + size, site.n))
    ]


def _warm_pool(workers: int, model: str) -> ProcessPoolExecutor:
    from newsflow.tasks.nlp.pipeline import load_pipeline

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=load_pipeline,
        initargs=(model,),
    )
    # One task per worker that holds it a moment, so every worker is started and warm.
    for future in [pool.submit(time.sleep, 0.5) for _ in range(workers)]:
        future.result()
    return pool


def compute_ceiling(site: StorySite, workers: int, batch_size: int, keep_texts: int) -> Ceiling:
    """``process_pages`` over every page, ``workers`` warm processes, 2 batches queued each."""
    from newsflow.tasks.process import process_pages

    nlp = NlpSettings()
    pool = _warm_pool(workers, nlp.model)
    pids = list(pool._processes)  # noqa: SLF001 - a bench may peek
    cpu_before = _cpu_seconds(pids)
    busy = machine_busy()
    bench_cpu = time.process_time()
    try:
        in_flight: deque[Future[ProcessedBatch]] = deque()
        articles = 0
        extract_s = nlp_s = 0.0
        texts: list[str] = []
        started = time.perf_counter()

        def collect() -> None:
            nonlocal articles, extract_s, nlp_s
            batch = in_flight.popleft().result()
            articles += len(batch.articles)
            extract_s += batch.extract_seconds
            nlp_s += batch.nlp_seconds
            texts.extend(a.text for a in batch.articles[: max(0, keep_texts - len(texts))])

        for first in range(0, site.n, batch_size):
            in_flight.append(pool.submit(process_pages, _batch_pages(site, first, batch_size), nlp))
            while len(in_flight) > 2 * workers:
                collect()
        while in_flight:
            collect()
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds(pids) - cpu_before
        own = cpu + time.process_time() - bench_cpu
        external = external_cores(busy, own, time.perf_counter() - started)
    finally:
        pool.shutdown()
    return Ceiling(articles, seconds, extract_s, nlp_s, cpu, external, texts)


@dataclass(frozen=True, slots=True)
class NlpRate:
    per_s: float  # texts per second of wall time
    cpu_per_text: float  # worker CPU seconds per text: rises when the processes contend


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        times = psutil.Process(pid).cpu_times()
        total += times.user + times.system
    return total


def nlp_rate(texts: list[str], workers: int, chunk: int = 2) -> NlpRate:
    """``analyze_texts`` over ``texts`` in ``workers`` warm processes, ``chunk`` per call."""
    from newsflow.tasks.nlp.pipeline import analyze_texts

    nlp = NlpSettings()
    pool = _warm_pool(workers, nlp.model)
    pids = list(pool._processes)  # noqa: SLF001 - a bench may peek
    try:
        cpu = _cpu_seconds(pids)
        started = time.perf_counter()
        futures = [
            pool.submit(
                analyze_texts,
                texts[i : i + chunk],
                model=nlp.model,
                batch_size=nlp.batch_size,
                max_chars=nlp.max_chars,
            )
            for i in range(0, len(texts), chunk)
        ]
        for future in futures:
            future.result()
        wall = time.perf_counter() - started
        return NlpRate(len(texts) / wall, (_cpu_seconds(pids) - cpu) / len(texts))
    finally:
        pool.shutdown()


# --- capacity on paper -----------------------------------------------------------------------

LOADED_TABLES = ("articles", "entity_mentions", "quotes", "pages")


def count_rows(db: Path) -> int:
    """Rows the load step wrote: articles, mentions, quotes and page results."""
    con = connect_published(db)
    try:
        return sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in LOADED_TABLES)
    finally:
        con.close()


def report_capacity(big: RunResult, ceiling: Ceiling, workers: int, rows: int) -> None:
    """Articles per day per core, where the single writer saturates, and CPU overhead."""
    per_core = ceiling.rate / workers
    print(
        f"per core: {per_core:.2f} articles/s = {per_core * 86400:,.0f} articles/day "
        f"({ceiling.cpu_s / ceiling.articles:.3f} CPU s per article in the ceiling, "
        f"{big.cpu_s.get('workers', 0.0) / big.articles:.3f} in the run's workers)"
    )
    stages = big.stages
    writer_s = stages.get("load", 0.0) + stages.get("cluster", 0.0)
    busy_s = writer_s + stages.get("fetch", 0.0)
    if writer_s > 0 and busy_s > 0:
        saturation = big.articles / busy_s
        print(
            f"single writer: load + cluster {writer_s:.1f} s for {rows:,} rows "
            f"({rows / writer_s:,.0f} rows/s, {big.articles / writer_s:.0f} articles/s); with "
            f"fetching, the flow process is busy {1000 * busy_s / big.articles:.1f} ms per "
            f"article: it saturates near {saturation:.0f} articles/s, the output of "
            f"{saturation / per_core:.0f} worker cores"
        )
    total = sum(big.cpu_s.values())
    overhead = total - big.cpu_s.get("workers", 0.0)
    print(
        f"CPU outside the workers (flow, Prefect server, HTTP site): {overhead:.1f} s of "
        f"{total:.1f} s ({overhead / total:.1%})"
    )


# --- main ------------------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=2000, help="stories in the big run")
    parser.add_argument("--small", type=int, default=200, help="stories in the small run")
    parser.add_argument("--workers", type=int, default=ExecutionSettings().workers)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=ExecutionSettings().batch_size)
    parser.add_argument(
        "--runner",
        choices=("process", "dask"),
        default="process",
        help="[execution] runner of the ingest runs (dask: a LocalCluster of --workers)",
    )
    parser.add_argument("--nlp-texts", type=int, default=119, help="texts for NLP scaling")
    parser.add_argument("--quick", action="store_true", help="small N: a smoke run")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.small, args.nlp_texts = 120, 40, 24
    if args.small >= args.n:
        parser.error("--small must be below --n")

    templates = load_templates(args.data)
    batch_size = args.batch_size
    workdir = Path(tempfile.mkdtemp(prefix="newsflow-throughput-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(workdir / "prefect")
    print(
        f"work directory {workdir}; {len(templates)} distinct pages; load average {load_average()}"
    )
    try:
        # 1. cold start: Prefect's database created from scratch, nothing to do.
        cold_db = workdir / "cold" / "news.duckdb"
        cold_db.parent.mkdir()
        cold = run_ingest(
            write_config(
                cold_db.parent / "feeds.toml",
                cold_db,
                [DEAD_FEED],
                args.workers,
                args.runner,
                batch_size,
            ),
            cold_db,
            env,
            workdir / "cold.log",
        )
        print(f"cold start (fresh PREFECT_HOME, one refused feed): {cold.wall_s:.1f} s")

        # 2. N = small, then N = n, each on an empty warehouse.
        runs: dict[int, RunResult] = {}
        sites: dict[int, StorySite] = {}
        for n in (args.small, args.n):
            site = StorySite(templates, n, args.feeds)
            server = start_site(site)
            db = workdir / f"n{n}" / "news.duckdb"
            db.parent.mkdir()
            feeds = [f"{site.base}/feeds/{k}.xml" for k in range(args.feeds)]
            config = write_config(
                db.parent / "feeds.toml", db, feeds, args.workers, args.runner, batch_size
            )
            runs[n] = run_ingest(config, db, env, workdir / f"n{n}.log")
            describe(f"N={n}", runs[n])
            sites[n] = site
            if n != args.n:
                server.shutdown()
                server.server_close()

        writer_rows = count_rows(workdir / f"n{args.n}" / "news.duckdb")

        # 3. 100 feeds on the big warehouse: a priming poll, then all 304.
        site = sites[args.n]
        db = workdir / f"n{args.n}" / "news.duckdb"
        feeds = [f"{site.base}/feeds/{k}.xml" for k in range(args.feeds)]
        feeds += [f"{site.base}/extra/{k}.xml" for k in range(100 - args.feeds)]
        config = write_config(
            db.parent / "feeds100.toml", db, feeds, args.workers, args.runner, batch_size
        )
        prime = run_ingest(config, db, env, workdir / "feeds100-prime.log")
        before_304 = site.requests["304"]
        unchanged = run_ingest(config, db, env, workdir / "feeds100-unchanged.log")
        got_304 = site.requests["304"] - before_304
        unchanged_flow = unchanged.flow_s
        print(
            f"100 feeds, priming run {prime.wall_s:.1f} s ({prime.row.get('new_items')} new "
            f"items); unchanged run: {got_304} answered 304, flow {unchanged_flow:.2f} s, "
            f"whole command {unchanged.wall_s:.1f} s"
        )
        print(f"    stages: {stage_line(unchanged.stages)}")

        # 4. the compute ceiling on the big run's pages, then NLP scaling.
        print(f"load average before the ceiling: {load_average()}")
        ceiling = compute_ceiling(site, args.workers, batch_size, keep_texts=args.nlp_texts)
        print(
            f"ceiling: process_pages on {site.n} pages, {args.workers} processes, batches of "
            f"{batch_size}: {ceiling.articles} articles in {ceiling.seconds:.1f} s "
            f"({ceiling.rate:.2f}/s; extract {ceiling.extract_s:.1f} s, nlp {ceiling.nlp_s:.1f} s "
            f"summed over processes; worker CPU {ceiling.cpu_s:.1f} s); other processes on the "
            f"machine meanwhile: {ceiling.external:.2f} cores"
        )
        texts = ceiling.texts[: args.nlp_texts]
        # Best of two alternating rounds: other users of the machine only ever slow a round.
        rounds = [(nlp_rate(texts, 1), nlp_rate(texts, 2)) for _ in range(2)]
        one = max((r[0] for r in rounds), key=lambda rate: rate.per_s)
        two = max((r[1] for r in rounds), key=lambda rate: rate.per_s)
        print(
            f"NLP alone on {len(texts)} texts: 1 process {one.per_s:.2f}/s "
            f"({one.cpu_per_text:.3f} CPU s/text), 2 processes {two.per_s:.2f}/s "
            f"({two.cpu_per_text:.3f} CPU s/text), best of 2 rounds"
        )
        print(f"load average after: {load_average()}")
        server.shutdown()
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    big, small = runs[args.n], runs[args.small]
    report_capacity(big, ceiling, args.workers, writer_rows)
    rate = big.articles / big.wall_s
    flow_rate = big.articles / big.flow_s
    rss_ratio = big.peak_rss_mb / small.peak_rss_mb
    # Per core-second that other processes left free: robust to their load (as long as
    # they leave us most of the machine).
    cores = psutil.cpu_count() or args.workers

    def free(external: float) -> float:
        return cores - min(external, cores - 0.5)

    adjusted = (rate / ceiling.rate) * free(ceiling.external) / free(big.external)
    print(
        f"efficiency corrected for other processes' load ({big.external:.2f} cores during the "
        f"run, {ceiling.external:.2f} during the ceiling): {adjusted:.3f}"
    )
    print(
        f"efficiency {rate / ceiling.rate:.3f} over the whole command, "
        f"{flow_rate / ceiling.rate:.3f} after start-up; peak RSS N={args.small} "
        f"{small.peak_rss_mb:.0f} MB, N={args.n} {big.peak_rss_mb:.0f} MB"
    )
    print(
        f"throughput: n={args.n} articles_per_s={rate:.2f} ceiling_per_s={ceiling.rate:.2f} "
        f"efficiency={rate / ceiling.rate:.3f} efficiency_load_adj={adjusted:.3f} "
        f"nlp_scaling={two.per_s / one.per_s:.2f} rss_ratio={rss_ratio:.2f} unchanged_100_s={unchanged_flow:.2f} "
        f"startup_s={unchanged.wall_s:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
