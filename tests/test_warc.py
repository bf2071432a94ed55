"""WARC import: real pages written as WARC records here, read back, and loaded end to end."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from cli_inprocess import Ran, newsflow
from site_server import write_config
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsflow.tasks.fetch.warc import WarcCounts, byte_ranges, read_hosts_file, read_warc
from newsflow.tasks.load import warc as warc_store
from newsflow.warehouse.db import connect_published, open_ingest

SITE = Path(__file__).parent / "fixtures" / "site"
PAGES = sorted(SITE.rglob("*.html"))


def page_url(path: Path, host: str = "news.example") -> str:
    return f"https://{host}/{path.relative_to(SITE).as_posix()}"


def response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    *,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    date: str = "2025-11-22T10:00:00Z",
    extra: dict[str, str] | None = None,
) -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    headers = {"WARC-Date": date, "WARC-IP-Address": "192.0.2.7", **(extra or {})}
    record = writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=headers
    )
    writer.write_record(record)


def write_warc(path: Path, *, gzip: bool = True, host: str = "news.example") -> Path:
    """The fixture site's real pages as response records, plus what a crawl also holds."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", host)], is_http_request=True)
        writer.write_record(
            writer.create_warc_record(
                page_url(PAGES[0], host), "request", payload=io.BytesIO(b""), http_headers=request
            )
        )
        for page in PAGES:
            response(writer, page_url(page, host), page.read_bytes())
        response(
            writer, f"https://{host}/files/report.pdf", b"%PDF-1.4", content_type="application/pdf"
        )
        response(writer, f"https://{host}/missing", b"<html>gone</html>", status="404 Not Found")
        # The same story again (a tracking parameter does not make it new).
        response(writer, page_url(PAGES[0], host) + "?utm_source=rss", PAGES[0].read_bytes())
        response(
            writer,
            f"https://{host}/cut-at-crawl",
            b"<html><body><p>half",
            extra={"WARC-Truncated": "length"},
        )
    return path


def read_all(path: Path, **options: object) -> tuple[list[str], WarcCounts]:
    counts = WarcCounts()
    urls = [page.page.url for page in read_warc(path, counts, **options)]  # type: ignore[arg-type]
    return urls, counts


@pytest.mark.parametrize("gzip", [True, False])
def test_html_responses_are_read_and_everything_else_counted(tmp_path: Path, gzip: bool) -> None:
    path = write_warc(tmp_path / ("a.warc.gz" if gzip else "a.warc"), gzip=gzip)
    counts = WarcCounts()
    pages = list(read_warc(path, counts))
    assert [page.page.url for page in pages] == [page_url(p) for p in PAGES]
    first = pages[0]
    assert first.ip_address == "192.0.2.7"
    assert first.warc_date == datetime(2025, 11, 22, 10, 0)
    assert first.page.fetched_at == datetime(2025, 11, 22, 10, 0)
    assert first.record_id and first.payload_digest
    assert "<html" in (first.page.html or "").lower()
    assert (counts.records, counts.html_pages) == (len(PAGES) + 5, len(PAGES))
    assert counts.skipped_non_html == 3  # request, PDF, 404
    assert counts.skipped_duplicate == 1
    assert counts.skipped_truncated == 1
    assert counts.error is None


def test_record_with_a_short_length_is_dropped_and_the_next_ones_still_read(
    tmp_path: Path,
) -> None:
    data = write_warc(tmp_path / "a.warc", gzip=False).read_bytes()
    first_html = data.index(b"WARC-Type: response")
    at = data.index(b"Content-Length: ", first_html)
    end = data.index(b"\r\n", at)
    length = int(data[at + 16 : end])
    broken = tmp_path / "bad-length.warc"
    broken.write_bytes(data[:at] + f"Content-Length: {length - 25}".encode() + data[end:])
    urls, counts = read_all(broken)
    assert urls == [page_url(p) for p in PAGES[1:]]
    assert counts.skipped_truncated == 2  # the bad record and the one cut at crawl time


def test_record_with_a_long_length_is_dropped_and_reading_resumes_after_it(
    tmp_path: Path,
) -> None:
    data = write_warc(tmp_path / "a.warc", gzip=False).read_bytes()
    third = data.index(b"WARC-Type: response", data.index(b"WARC-Type: response") + 1)
    at = data.index(b"Content-Length: ", third)
    end = data.index(b"\r\n", at)
    length = int(data[at + 16 : end])
    broken = tmp_path / "long.warc"
    broken.write_bytes(data[:at] + f"Content-Length: {length + 40}".encode() + data[end:])
    urls, counts = read_all(broken)
    assert urls == [page_url(p) for p in PAGES if p != PAGES[1]]
    assert counts.error and "unreadable record" in counts.error


def test_file_cut_midway_keeps_the_whole_records(tmp_path: Path) -> None:
    data = write_warc(tmp_path / "a.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    urls, counts = read_all(cut)
    assert 0 < len(urls) < len(PAGES)
    assert urls == [page_url(p) for p in PAGES[: len(urls)]]


def test_since_and_hosts_filter_records(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "a.warc.gz", host="www.news.example")
    hosts = tmp_path / "hosts.txt"
    hosts.write_text("# wanted\nnews.example\n", encoding="utf-8")
    urls, _ = read_all(path, hosts=read_hosts_file(hosts))
    assert len(urls) == len(PAGES)
    hosts.write_text("other.example\n", encoding="utf-8")
    urls, counts = read_all(path, hosts=read_hosts_file(hosts))
    assert urls == [] and counts.skipped_filtered == len(PAGES) + 4
    urls, counts = read_all(path, since=datetime(2025, 11, 23))
    assert urls == []


def _import(config: Path, *args: str) -> Ran:
    """`newsflow import-warc` in this process (the real executable: test_resume_kill)."""
    return newsflow("import-warc", "--config", str(config), *args)


@pytest.mark.slow
def test_import_warc_loads_articles_once_and_resumes_a_file(
    prefect_harness: None, tmp_path: Path
) -> None:
    db = tmp_path / "news.duckdb"
    config = write_config(tmp_path / "feeds.toml", db, feeds=[])
    warc = write_warc(tmp_path / "CC-NEWS-1.warc.gz")
    (tmp_path / "CC-NEWS-2.warc.gz").write_bytes(b"")  # empty file: zero records, no harm

    first = _import(config, str(tmp_path / "CC-NEWS-*.warc.gz"))
    assert first.returncode == 0, first.stderr
    assert "files: 2 imported, 0 done before" in first.stdout
    with connect_published(db) as con:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert articles == len(PAGES)
        assert con.execute(
            "SELECT count(*) FROM feed_items WHERE source_kind = 'warc' AND feed_url = ?",
            ["warc:" + str(warc)],
        ).fetchone() == (len(PAGES),)
        assert con.execute(
            "SELECT DISTINCT ip_address, warc_date FROM warc_records"
        ).fetchall() == [("192.0.2.7", datetime(2025, 11, 22, 10, 0))]
        assert con.execute(
            "SELECT count(*) FROM articles WHERE fetched_at = TIMESTAMP '2025-11-22 10:00:00'"
        ).fetchone() == (len(PAGES),)
        assert con.execute("SELECT count(*) FROM entity_mentions").fetchone()[0] > 0
        runs = con.execute("SELECT status, articles_stored FROM runs").fetchall()
        assert runs == [("completed", len(PAGES))]

    again = _import(config, str(warc))
    assert again.returncode == 0, again.stderr
    assert "files: 0 imported, 1 done before" in again.stdout
    assert "articles stored: 0" in again.stdout

    # A kill mid-file leaves it 'reading': the next import reads it again, adds nothing twice.
    with open_ingest(db) as con:
        con.execute("UPDATE warc_files SET status = 'reading' WHERE path = ?", [str(warc)])
    resumed = _import(config, str(warc))
    assert resumed.returncode == 0, resumed.stderr
    assert "files: 1 imported" in resumed.stdout
    assert f"{len(PAGES) + 1} duplicate" in resumed.stdout
    with connect_published(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(PAGES)
        assert con.execute(
            "SELECT status FROM warc_files WHERE path = ?", [str(warc)]
        ).fetchone() == ("done",)


def test_a_file_that_is_not_a_warc_is_an_error_not_a_crash(tmp_path: Path) -> None:
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"\x1f\x8b\x08" + b"not really gzip" * 50)
    urls, counts = read_all(junk)
    assert urls == [] and counts.html_pages == 0
    assert counts.error or counts.skipped_truncated + counts.skipped_non_html == counts.records
    urls, counts = read_all(tmp_path / "missing.warc.gz")
    assert urls == [] and counts.error and "cannot open" in counts.error


@pytest.mark.slow
def test_import_warc_on_a_dask_cluster_reads_and_analyses_the_files_there(
    prefect_harness: None, tmp_path: Path
) -> None:
    from distributed import Client, LocalCluster, get_task_stream

    from newsflow.flows.import_warc import run_import_warc

    warc = write_warc(tmp_path / "CC-NEWS-1.warc.gz")
    other = write_warc(tmp_path / "CC-NEWS-2.warc.gz", host="other.example")
    db = tmp_path / "news.duckdb"
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        config = write_config(
            tmp_path / "feeds.toml",
            db,
            feeds=[],
            execution=f'runner = "dask"\naddress = "{cluster.scheduler_address}"',
        )
        with Client(cluster) as client, get_task_stream(client) as stream:
            summary = run_import_warc(
                [str(warc), str(other)], config_path=str(config), db_path=str(db)
            )
        keys = [str(task["key"]) for task in stream.data]
    assert summary.run.articles_stored == 2 * len(PAGES)
    assert summary.files_done == 2
    assert sum(key.startswith("process_range") for key in keys) >= 2  # a file is a range here
    assert not any(key.startswith("process_pages") for key in keys)  # no page left this process
    assert summary.total("skipped_duplicate") == 2 and summary.total("skipped_non_html") == 6
    with connect_published(db) as con:
        assert con.execute("SELECT count(*) FROM warc_records").fetchone() == (2 * len(PAGES),)
        assert con.execute("SELECT DISTINCT status FROM warc_files").fetchall() == [("done",)]
        # What a resumed import of the file would tell the workers to leave out.
        assert warc_store.loaded_pages(con, str(other)) == {
            page_url(p, "other.example") for p in PAGES
        }


def many_records(path: Path, copies: int) -> Path:
    """The fixture pages under ``copies`` hosts: enough gzip members to cut into ranges."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for copy in range(copies):
            for page in PAGES:
                response(writer, page_url(page, f"h{copy}.example"), page.read_bytes())
            response(
                writer, f"https://h{copy}.example/x.pdf", b"%PDF", content_type="application/pdf"
            )
    return path


def test_byte_ranges_give_every_record_to_exactly_one_range(tmp_path: Path) -> None:
    path = many_records(tmp_path / "big.warc.gz", copies=6)
    whole, counts = read_all(path)
    spans = byte_ranges(path, 7, min_bytes=1)
    assert len(spans) == 7 and spans[0][0] == 0 and spans[-1][1] is None
    parts: list[str] = []
    total = WarcCounts()
    for span in spans:  # most cuts fall inside a gzip member: the range skips to the next
        part = WarcCounts()
        parts += [page.page.url for page in read_warc(path, part, span=span)]
        assert part.error is None
        total.records += part.records
        total.skipped_non_html += part.skipped_non_html
    assert parts == whole and len(whole) == 6 * len(PAGES)
    assert (total.records, total.skipped_non_html) == (counts.records, counts.skipped_non_html)


def test_a_plain_warc_or_a_small_file_is_one_range(tmp_path: Path) -> None:
    plain = write_warc(tmp_path / "a.warc", gzip=False)
    assert byte_ranges(plain, 8, min_bytes=1) == [(0, None)]
    small = write_warc(tmp_path / "a.warc.gz")
    assert byte_ranges(small, 8) == [(0, None)]  # under a range's minimum size


def test_a_worker_range_leaves_out_pages_loaded_before_and_sends_no_html(
    tmp_path: Path, model: str
) -> None:
    from newsflow.config.settings import NlpSettings
    from newsflow.tasks.warc_worker import keep_pages, process_range

    path = write_warc(tmp_path / "a.warc.gz")
    loaded = {page_url(PAGES[0])}
    result = process_range(
        str(path), (0, None), NlpSettings(model=model), max_bytes=5_000_000, skip=loaded
    )
    urls = [page.page.url for page in result.pages]
    assert urls == [page_url(p) for p in PAGES[1:]]
    assert all(page.page.html is None for page in result.pages)
    assert result.counts.skipped_duplicate == 2  # the copy in the file, and the one loaded
    assert {article.page_url for article in result.batch.articles} <= set(urls)
    kept = keep_pages(result.batch, set(urls[:1]))
    assert {a.page_url for a in kept.articles} <= set(urls[:1])
    assert set(kept.analyses) == {a.article_id for a in kept.articles}


def test_import_warc_refuses_bad_arguments_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsflow.cli import app

    config = write_config(tmp_path / "feeds.toml", tmp_path / "news.duckdb", feeds=[])
    warc = write_warc(tmp_path / "a.warc.gz")
    cases = [
        ([str(tmp_path / "none-*.warc.gz")], "none-*.warc.gz: no file matches"),
        ([str(tmp_path / "missing.warc.gz")], "missing.warc.gz: no such file"),
        ([str(warc), "--hosts", str(tmp_path / "hosts.txt")], "hosts.txt: No such file"),
        ([str(warc), "--since", "yesterday"], "--since"),
    ]
    for args, message in cases:
        result = CliRunner().invoke(app, ["import-warc", "--config", str(config), *args])
        assert result.exit_code == 2, result.output
        assert message in result.output
    assert not (tmp_path / "news.duckdb").exists()  # nothing was started
