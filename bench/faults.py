"""Fault matrix of issue #11 through real runs of the `newsflow` CLI: does anything a feed, a
page, a signal or an analyst does stop ingestion or lose a row?

    .venv/bin/python bench/faults.py [--flood N] [--cap N] [--keep DIR]

Serves tests/fault_site.py on 127.0.0.1 (healthy stories beside a page with a lone
surrogate, NUL and ESC; a feed item ``x &#xD800;``; a 9.5 MB title; a feed of ``--flood``
items; utf-7 and rot13 pages; a canonical on another port) and runs ``newsflow ingest`` as a
user would (its own process, Prefect's temporary server). Then, on the same warehouse:
``newsflow sql`` attacks, a truncated working file, SIGTERM mid-run, a publish onto a path
that became a folder, bad configs and bad paths, ``export --overwrite`` over the user's
files. Each fault "survives" when the user sees what the issue asks for (one line and exit
2, or the run goes on), and ``rows_lost`` counts healthy stories not stored.

Needs no data from ../shared. Last line: ``faults=N survived=N rows_lost=N``.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fault_site import FaultSite  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402
from site_server import write_config  # noqa: E402

from newsflow.tasks.fetch.errors import BlockedURL  # noqa: E402
from newsflow.tasks.fetch.guard import check_address_allowed  # noqa: E402
from newsflow.tasks.text import is_clean  # noqa: E402
from newsflow.warehouse.db import connect_published, open_ingest  # noqa: E402
from newsflow.warehouse.lake import location  # noqa: E402

NEWSFLOW = str(Path(sys.executable).parent / "newsflow")


class Matrix:
    """Records each fault's outcome and prints one line per fault."""

    def __init__(self) -> None:
        self.results: list[tuple[str, bool, str]] = []

    def check(self, name: str, test: Callable[[], tuple[bool, str]]) -> None:
        try:
            ok, note = test()
        except Exception as exc:  # noqa: BLE001 - a fault that breaks the check did not survive
            ok, note = False, f"{type(exc).__name__}: {exc}"
        self.results.append((name, ok, note))
        print(f"{'ok  ' if ok else 'FAIL'} {name:<44} {note}"[:200], flush=True)


def newsflow(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.run(
        [NEWSFLOW, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def one_line_exit_2(result: subprocess.CompletedProcess[str]) -> tuple[bool, str]:
    lines = result.stderr.strip().splitlines()
    ok = result.returncode == 2 and len(lines) == 1 and "Traceback" not in result.stderr
    return ok, f"exit {result.returncode}: {lines[-1] if lines else ''}"


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with connect_published(db) as con:
        return con.execute(sql, params or []).fetchall()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flood", type=int, default=20_000, help="items of the flooding feed")
    parser.add_argument("--cap", type=int, default=300, help="max_items_per_feed_per_run")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsflow-faults-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(work / "prefect"))
    # Each run starts Prefect's temporary server; on a busy machine that takes a while.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    matrix = Matrix()
    try:
        site = FaultSite(server, flood=args.flood)
        lost = run_matrix(matrix, site, work, args.cap)
    finally:
        server.clear()
        server.stop()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    survived = sum(ok for _, ok, _ in matrix.results)
    print(f"faults={len(matrix.results)} survived={survived} rows_lost={lost}")
    return 0 if survived == len(matrix.results) and lost == 0 else 1


def run_matrix(matrix: Matrix, site: FaultSite, work: Path, cap: int) -> int:
    db = work / "warehouse" / "news.duckdb"
    config = write_config(
        work / "feeds.toml", db, feeds=site.feeds(), fetch={"max_items_per_feed_per_run": str(cap)}
    )
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("batch_size = 3", "batch_size = 25"), encoding="utf-8")

    started = time.monotonic()
    first = newsflow("ingest", "--config", str(config))
    seconds = time.monotonic() - started
    print(f"run 1: exit {first.returncode} in {seconds:.1f} s: {first.stdout.strip()}")
    if first.returncode != 0:
        print(first.stderr[-2000:])
        if not db.exists():
            print(f"faults=1 survived=0 rows_lost={len(site.must_store())}")
            raise SystemExit(1)
    stored = {u for (u,) in rows(db, "SELECT page_url FROM pages WHERE status = 'ok'")}
    lost = len(set(site.must_store()) - stored)

    def status_of(url: str) -> tuple[str, str | None]:
        [(status, title)] = rows(
            db,
            "SELECT p.status, a.title FROM pages p LEFT JOIN articles a USING (article_id) "
            "WHERE p.page_url = ?",
            [url],
        )
        return status, title

    def surrogate_page() -> tuple[bool, str]:
        status, title = status_of(site.urls["surrogate"])
        return status == "ok" and is_clean(title), f"{status}: {title!r}"

    def bad_item() -> tuple[bool, str]:
        titles = rows(
            db, "SELECT title FROM feed_items WHERE feed_url = ?", [site.urls["feed_bad_item"]]
        )
        return len(titles) == 2, f"{len(titles)} of 2 items recorded"

    def flood() -> tuple[bool, str]:
        [(tried, pending)] = rows(
            db,
            "SELECT count(*) FILTER (attempts > 0), count(*) FILTER (status = 'pending') "
            "FROM pages WHERE page_url LIKE ?",
            [site.base + "/flood/%"],
        )
        ok = tried <= cap and tried + pending == site.flood and lost == 0
        return ok, f"{tried} fetched, {pending} queued, healthy stories lost: {lost}"

    def huge_title() -> tuple[bool, str]:
        [(length,)] = rows(db, "SELECT max(length(title)) FROM feed_items")
        return length <= 1000, f"longest stored title {length} chars"

    def clean_columns() -> tuple[bool, str]:
        values = rows(db, "SELECT title, text, author, sitename, description FROM articles")
        values += rows(db, "SELECT title, link, guid, NULL, NULL FROM feed_items")
        dirty = sum(not is_clean(v) for row in values for v in row)
        return dirty == 0, f"{dirty} unclean values"

    def charset(name: str) -> Callable[[], tuple[bool, str]]:
        def check() -> tuple[bool, str]:
            status, _ = status_of(site.urls[name])
            [(text,)] = rows(
                db,
                "SELECT coalesce(a.text, p.last_error) FROM pages p "
                "LEFT JOIN articles a USING (article_id) WHERE p.page_url = ?",
                [site.urls[name]],
            )
            return status == "ok" and "<b>" not in text, status

        return check

    def other_port() -> tuple[bool, str]:
        [(url,)] = rows(
            db,
            "SELECT a.url FROM pages p JOIN articles a USING (article_id) WHERE p.page_url = ?",
            [site.urls["other_port"]],
        )
        return url == site.urls["other_port"], f"stored as {url}"

    matrix.check("run 1 completes", lambda: (first.returncode == 0, f"{seconds:.1f} s"))
    matrix.check("page: lone surrogate + NUL + ESC headline", surrogate_page)
    matrix.check("feed item: x &#xD800;", bad_item)
    matrix.check(f"feed: {site.flood} items (cap {cap})", flood)
    matrix.check("feed item: 9.5 MB title", huge_title)
    matrix.check("stored text columns clean", clean_columns)
    matrix.check("page: utf-7 meta charset", charset("utf7"))
    matrix.check("page: rot13 meta charset", charset("rot13"))
    matrix.check("page: canonical on another port", other_port)

    snapshot = db.read_bytes()
    attacks = {
        "sql: ATTACH other READ_WRITE": f"ATTACH '{work / 'other.duckdb'}' AS m (READ_WRITE)",
        "sql: ATTACH snapshot READ_WRITE": f"ATTACH '{db}' AS rw (READ_WRITE)",
        "sql: COPY TO file": f"COPY (SELECT 1) TO '{work / 'out.csv'}'",
        "sql: read_csv /etc/passwd": "SELECT * FROM read_csv('/etc/passwd')",
        "sql: INSTALL FROM http": "INSTALL httpfs FROM 'http://127.0.0.1:9/'",
        "sql: two statements": "SELECT 1; SELECT 2",
        "sql: DELETE": "DELETE FROM articles",
    }
    for name, query in attacks.items():
        matrix.check(name, lambda q=query: one_line_exit_2(newsflow("sql", q, "-c", str(config))))
    matrix.check(
        "sql: snapshot unchanged, no file written",
        lambda: (
            db.read_bytes() == snapshot
            and not (work / "other.duckdb").exists()
            and not (work / "out.csv").exists(),
            "",
        ),
    )

    def csv_controls() -> tuple[bool, str]:
        result = newsflow("sql", "SELECT chr(27) || '[2J' AS x", "--csv", "-c", str(config))
        return result.returncode == 0 and "\x1b" not in result.stdout, repr(result.stdout)

    matrix.check("sql --csv: raw ESC", csv_controls)

    def orphan_files() -> tuple[bool, str]:
        before = rows(db, "SELECT count(*) FROM articles")[0][0]
        orphan = location(db).data_folder / "main" / "articles" / "ducklake-killed.parquet"
        orphan.write_bytes(b"PAR1 half a file")  # what a commit killed mid-write leaves
        result = newsflow("ingest", "--config", str(config), "--progress")
        after = rows(db, "SELECT count(*) FROM articles")[0][0]
        cleaned = newsflow("maintain", "--config", str(config))
        ok = result.returncode == 0 and after >= before and not orphan.exists()
        return ok, f"exit {result.returncode}; articles {before} -> {after}; {cleaned.stdout}"

    matrix.check("files of a killed commit", orphan_files)
    matrix.check("SIGTERM mid-run", lambda: sigterm(config, db))

    def publish_fails() -> tuple[bool, str]:
        folder = location(db).data_folder / "main" / "publications"
        moved = folder.with_name("publications.kept")
        folder.rename(moved)
        folder.write_text("not a folder")  # the publish's file cannot be written
        try:
            result = newsflow("ingest", "--config", str(config), "--all")
            with open_ingest(db) as con:
                [(status,)] = con.execute(
                    "SELECT status FROM runs ORDER BY started_at DESC LIMIT 1"
                ).fetchall()
        finally:
            folder.unlink()
            moved.rename(folder)
        ok, note = one_line_exit_2(result)
        return ok and status == "failed", f"run {status}; {note}"

    matrix.check("publish fails (its folder became a file)", publish_fails)

    feed = f'[[feeds]]\nname = "A"\nurl = "{site.urls["feed_healthy"]}"\n'
    bad_configs = {
        "config: read_timeout = inf": "[fetch]\nread_timeout = inf\n" + feed,
        "config: 6-field cron": '[schedule]\ncron = "*/5 * * * * *"\n' + feed,
        "config: cron 0 0 31 2 *": '[schedule]\ncron = "0 0 31 2 *"\n' + feed,
        "config: workers = 100000": "[execution]\nworkers = 100000\n" + feed,
        "config: no feed": "",
    }
    for name, body in bad_configs.items():
        path = work / "bad.toml"
        path.write_text(body, encoding="utf-8")
        matrix.check(name, lambda p=path: one_line_exit_2(newsflow("ingest", "-c", str(p))))
    matrix.check(
        "config path is a folder", lambda: one_line_exit_2(newsflow("ingest", "-c", str(work)))
    )
    blocker = work / "a-file"
    blocker.write_text("x")
    matrix.check(
        "warehouse folder is a file",
        lambda: one_line_exit_2(
            newsflow("ingest", "-c", str(config), "--db", str(blocker / "news.duckdb"))
        ),
    )

    def export_keeps_user_files() -> tuple[bool, str]:
        out = work / "export"
        newsflow("export", str(out), "-c", str(config))
        mine = out / "articles" / "notes.txt"
        mine.write_text("mine")
        ok, note = one_line_exit_2(newsflow("export", str(out), "--overwrite", "-c", str(config)))
        return ok and mine.exists(), note

    matrix.check("export --overwrite over user files", export_keeps_user_files)
    dangling = work / "dangling"
    dangling.symlink_to(work / "nowhere")
    matrix.check(
        "export to a dangling link",
        lambda: one_line_exit_2(newsflow("export", str(dangling), "-c", str(config))),
    )

    for address in ("2002:7f00:1::", "2002:a9fe:a9fe::", "64:ff9b::a00:1"):

        def guard(a: str = address) -> tuple[bool, str]:
            try:
                check_address_allowed(ipaddress.ip_address(a), allow_private=False)
            except BlockedURL as exc:
                return True, str(exc)
            return False, "allowed"

        matrix.check(f"guard: {address}", guard)
    return lost


def sigterm(config: Path, db: Path) -> tuple[bool, str]:
    """SIGTERM once the run fetches pages: exit within seconds, 'interrupted', no orphan."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    proc = subprocess.Popen(
        [NEWSFLOW, "ingest", "--config", str(config), "--progress", "--all"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # the first stage line: polling done, pages next
            if line.startswith("[feeds]"):
                break
        children = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        proc.wait(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    _, alive = psutil.wait_procs(children, timeout=10)  # a child may take a moment to exit
    left = [" ".join(c.cmdline()[:4]) for c in alive if c.status() != psutil.STATUS_ZOMBIE]
    [(status,)] = rows(db, "SELECT status FROM runs ORDER BY started_at DESC LIMIT 1")
    ok = proc.returncode == 130 and not left and status == "interrupted" and took < 30
    return ok, f"exit {proc.returncode} after {took:.1f} s, run {status}, children left: {left}"


if __name__ == "__main__":
    sys.exit(main())
