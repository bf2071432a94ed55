"""Issue #11, piece by piece: each fault an attacker or a careless operator found, on real
parts (DuckDB files, the CLI, the parsers), with what a user must see instead."""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from newsflow.cli import app
from newsflow.config.settings import ConfigError, load_settings
from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.fetch.charset import decode_html
from newsflow.tasks.fetch.errors import BlockedURL
from newsflow.tasks.fetch.fairshare import fair_order
from newsflow.tasks.fetch.feeds import parse_feed
from newsflow.tasks.fetch.guard import check_address_allowed
from newsflow.tasks.load import poll_records
from newsflow.tasks.load import store as load
from newsflow.tasks.load.isolate import store_isolating
from newsflow.tasks.records import Article, FeedItem, FeedPoll, ProcessedBatch
from newsflow.tasks.text import CAPS, clean_text, is_clean
from newsflow.warehouse.db import WarehouseError, connect_published, open_ingest, publish
from newsflow.warehouse.lake import location

# --- text at the boundary -------------------------------------------------------------


def test_clean_text_removes_what_cannot_be_stored_or_printed() -> None:
    assert clean_text("Head \ud800 line", 100) == "Head \ufffd line"
    assert clean_text("a\x00b\x1b[2Jc\r\nd\te", 100) == "ab[2Jc\nd\te"
    assert clean_text("\ud83d\ude00", 100) == "\U0001f600"  # a pair written as two escapes
    assert clean_text("  x \n y ", 100, one_line=True) == "x y"
    assert clean_text("x" * 50, 10) == "x" * 10
    assert clean_text("\x00 \x1b", 10) is None


def test_one_line_fields_lose_invisible_marks_that_make_a_name_differ() -> None:
    # a zero-width space, a BOM, a right-to-left override and its end, an isolate
    spoofed = "\ufeffJo\u200bhn \u202eSmith\u202c \u2067Lee\u2069"
    assert clean_text(spoofed, 100, one_line=True) == "John Smith Lee"
    assert clean_text("\u200b\u202e", 100, one_line=True) is None
    # joiners that scripts need stay: a family emoji, a Persian word with a ZWNJ
    kept = "\U0001f468\u200d\U0001f469 \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert clean_text(kept, 100, one_line=True) == kept


def test_bodies_lose_invisible_marks_but_keep_the_word_breaks_their_script_needs() -> None:
    body = "Jo\u200bhn Smith met \u202bEmma Wu\u202c and \u2067Ива\u200bн\u2069 Петров.\n\nNext"
    assert clean_text(body, 1_000) == "John Smith met Emma Wu and Иван Петров.\n\nNext"
    # Greek and Arabic words are spaced too: their zero-width spaces and joiners go.
    assert clean_text("Αθ\u200bήνα مر\u2060حبا", 100) == "Αθήνα مرحبا"
    # Right-to-left text keeps the direction marks that order its numbers and brackets; a
    # mark among Latin letters only splits a name; a one-line name loses every mark.
    hebrew = "\u05e9\u05dc\u05d5\u05dd (123)\u200f \u0645\u0631\u062d\u0628\u0627\u200e!"
    assert clean_text(hebrew, 100) == hebrew
    assert clean_text("Jo\u200ehn Smith\u200f said", 100) == "John Smith said"
    assert clean_text("\u200f\u0639\u0644\u064a", 100, one_line=True) == "\u0639\u0644\u064a"
    # Thai, Khmer and Japanese mark word boundaries with a zero-width space: kept.
    for spaced_by_zwsp in ("ภาษา\u200bไทย", "ភាសា\u200bខ្មែរ", "日本語\u200bです"):
        assert clean_text(spaced_by_zwsp, 100) == spaced_by_zwsp
        assert clean_text(spaced_by_zwsp, 100, one_line=True) == spaced_by_zwsp
    # The joiners scripts spell with stay in bodies as in one-line fields.
    joined = "\U0001f468\u200d\U0001f469 \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert clean_text(joined, 100) == joined


def test_a_feed_item_with_a_surrogate_reference_keeps_its_feed() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>x &#xD800;</title><link>http://a.example/1</link></item>"
        b"<item><title>ok &#0; &#x110000;</title><link>http://a.example/2</link></item>"
        b"</channel></rss>"
    )
    items, error = parse_feed(rss, "http://a.example/feed")
    assert [(item.url, item.title) for item in items] == [
        ("http://a.example/1", "x \ufffd"),
        ("http://a.example/2", "ok \ufffd \ufffd"),
    ]
    assert error is None


def test_feed_titles_lose_controls_and_are_capped() -> None:
    title = "A\x1b[31m\x00B" + "z" * 20_000
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title><![CDATA[{title}]]></title><link>http://a.example/1</link></item>"
        "</channel></rss>"
    ).encode()
    [item], _ = parse_feed(rss, "http://a.example/feed")
    assert item.title is not None and item.title.startswith("A[31mB")
    assert len(item.title) == CAPS["title"] and is_clean(item.title)


def test_a_page_whose_jsonld_headline_holds_a_lone_surrogate_extracts_clean() -> None:
    body = " ".join(f"Sentence number {n} of a real article about the harbour." for n in range(20))
    html = (
        '<html><head><script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": "Head \\ud800 line\\u001b", '
        f'"articleBody": "{body} \\ud800"}}</script></head><body><div></div></body></html>'
    )
    article = extract_article(html, url="http://a.example/story")
    assert isinstance(article, Article)
    assert article.title == "Head \ufffd line"
    assert is_clean(article.text) and "harbour" in article.text


# --- the loader: one unstorable article fails its page only ---------------------------


def _queued(con: duckdb.DuckDBPyConnection, urls: list[str]) -> None:
    items = [FeedItem(feed_url="http://a.example/feed", url=u, link=u) for u in urls]
    poll = FeedPoll(
        feed_url="http://a.example/feed",
        name="A",
        status="ok",
        items=items,
        polled_at=datetime(2025, 1, 1),
    )
    poll_records.record_polls(con, [poll], run_id="r0")


def _raw_article(n: int, title: str) -> Article:
    url = f"http://a.example/{n}"
    return Article(
        article_id=f"id-{n}", url=url, page_url=url, title=title, text=f"Text of story {n}."
    )


def test_an_unstorable_article_fails_its_page_and_the_batch_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    good, bad = _raw_article(1, "Fine"), _raw_article(2, "Head \ud800 line")
    with open_ingest(db) as con:
        _queued(con, [good.page_url, bad.page_url])
        with pytest.raises(UnicodeEncodeError):  # what made every run fail before
            load.store_batch(con, ProcessedBatch(articles=[good, bad]), [], run_id="r1")
        counts = store_isolating(con, ProcessedBatch(articles=[good, bad]), [], run_id="r1")
        pages = dict(
            con.execute(
                "SELECT page_url, status || ' ' || coalesce(last_error, '') FROM pages"
            ).fetchall()
        )
        queued = poll_records.pages_to_fetch(con, max_attempts=3)
    assert (counts.articles, counts.failures) == (1, 1)
    assert pages[good.page_url] == "ok "
    assert pages[bad.page_url].startswith("failed could not store: UnicodeEncodeError")
    assert queued == []  # the bad page no longer blocks the queue


# --- warehouse files --------------------------------------------------------------------


def test_a_damaged_catalog_is_one_line_for_readers_and_the_writer(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        _queued(con, ["http://a.example/1"])
    publish(db)
    catalog = location(db).catalog_file
    catalog.write_bytes(catalog.read_bytes()[:5000])
    for open_it in (connect_published, lambda path: open_ingest(path).__enter__()):
        with pytest.raises(WarehouseError) as caught:
            open_it(db)
        assert "\n" not in str(caught.value) and "news.ducklake" in str(caught.value)


_DISK_FULL = """
import resource, signal, sys
from pathlib import Path
import duckdb
from newsflow.tasks.load.queue import queue_pages
from newsflow.warehouse.db import WarehouseError, open_ingest, publish, transaction
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
db = Path(sys.argv[1])
with open_ingest(db) as con:
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # writes past 4 KB fail: a full disk
    try:
        with transaction(con):
            queue_pages(con, [f"http://a.example/{n:06d}/" + "x" * 200 for n in range(2000)], None)
        publish(db)
    except (WarehouseError, duckdb.Error) as exc:
        print(str(exc).splitlines()[0])
"""


def test_a_run_on_a_full_disk_fails_in_one_line_and_readers_keep_the_snapshot(
    tmp_path: Path,
) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        _queued(con, ["http://a.example/1"])
    publish(db)
    result = subprocess.run(
        [sys.executable, "-c", _DISK_FULL, str(db)], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.count("\n") == 1, result.stdout + result.stderr
    with connect_published(db) as con:  # the published snapshot is whole
        assert con.execute("SELECT count(*) FROM pages").fetchone() == (1,)
    with open_ingest(db) as con:  # and the lake takes the next run
        _queued(con, ["http://a.example/2"])
    publish(db)
    with connect_published(db) as con:
        assert con.execute("SELECT count(*) FROM pages").fetchone() == (2,)


def test_a_data_folder_that_is_a_file_stops_the_writer_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db):
        pass
    publish(db)
    shutil.rmtree(location(db).data_folder)
    location(db).data_folder.write_text("not a folder")
    with pytest.raises(WarehouseError, match=r"news\.data: exists and is not a folder$"):
        open_ingest(db).__enter__()


# --- newsflow sql is read-only and reaches nothing -------------------------------------


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        _queued(con, ["http://a.example/1"])
        con.execute("UPDATE feed_items SET title = 'red \x1b[31m alert'")
    publish(db)
    return db


def _sql(db: Path, query: str, *flags: str) -> object:
    return CliRunner().invoke(app, ["sql", query, "--db", str(db), "-c", "/dev/null", *flags])


@pytest.mark.parametrize(
    "query",
    [
        "ATTACH '{other}' AS m (READ_WRITE)",
        "ATTACH '{db}' AS rw (READ_WRITE)",
        "SELECT * FROM sqlite_scan('{db}', 'ducklake_snapshot')",
        "SELECT * FROM query('SELECT * FROM sqlite_scan(''{db}'', ''ducklake_snapshot'')')",
        "SELECT * FROM ducklake_snapshots('news')",
        "COPY (SELECT 1) TO '{out}'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "INSTALL httpfs FROM 'http://127.0.0.1:9/'",
        "SELECT 1; SELECT 2",
        "SET enable_external_access = true",
        "DELETE FROM pages",
    ],
)
def test_sql_cannot_write_attach_read_files_or_install(snapshot: Path, query: str) -> None:
    catalog = location(snapshot).catalog_file
    before = catalog.read_bytes()
    other, out = snapshot.parent / "other.duckdb", snapshot.parent / "out.csv"
    result = _sql(snapshot, query.format(other=other, db=catalog, out=out))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert catalog.read_bytes() == before
    assert not other.exists() and not out.exists()


def test_sql_csv_escapes_control_characters(snapshot: Path) -> None:
    result = _sql(snapshot, "SELECT title FROM feed_items", "--csv")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "red \\x1b[31m alert" in result.stdout


def test_search_functions_still_work_in_locked_sql(snapshot: Path) -> None:
    result = _sql(snapshot, "SELECT stem('running', 'porter') AS s", "--csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["s", "run"]


# --- export ---------------------------------------------------------------------------


def test_export_overwrite_keeps_the_users_own_files(snapshot: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["export", str(out), "--db", str(snapshot), "-c", "/dev/null"]
    assert CliRunner().invoke(app, args).exit_code == 0
    mine = out / "articles" / "my-notes.txt"
    mine.write_text("mine")
    again = CliRunner().invoke(app, [*args, "--overwrite"])
    assert again.exit_code == 2 and again.stderr.count("\n") == 1
    assert "my-notes.txt" in again.stderr and mine.read_text() == "mine"


def test_export_to_a_dangling_link_is_one_line(snapshot: Path, tmp_path: Path) -> None:
    link = tmp_path / "gone"
    link.symlink_to(tmp_path / "nowhere")
    result = CliRunner().invoke(
        app, ["export", str(link), "--db", str(snapshot), "-c", "/dev/null"]
    )
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "link to nothing" in result.stderr


# --- config ---------------------------------------------------------------------------

_FEED = '[[feeds]]\nname = "A"\nurl = "https://a.example/feed"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fetch]\nread_timeout = inf\n" + _FEED, "fetch.read_timeout"),
        ("[fetch]\ntotal_timeout = nan\n" + _FEED, "fetch.total_timeout"),
        ("[fetch]\nconnect_timeout = 1e9\n" + _FEED, "fetch.connect_timeout"),
        ('[schedule]\ncron = "*/5 * * * * *"\n' + _FEED, "5 fields"),
        ('[schedule]\ncron = "0 0 31 2 *"\n' + _FEED, "never fires"),
        ("[execution]\nworkers = 100000\n" + _FEED, "execution.workers"),
        ("[fetch]\nmax_items_per_feed_per_run = 0\n" + _FEED, "max_items_per_feed_per_run"),
    ],
)
def test_config_refuses_values_that_would_hang_or_never_run(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_ingest_needs_an_enabled_feed(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('[[feeds]]\nname = "A"\nurl = "https://a.example/f"\nenabled = false\n')
    result = CliRunner().invoke(app, ["ingest", "-c", str(path), "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "no enabled feed" in result.stderr


def test_a_config_path_that_is_a_folder_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["feeds", "-c", str(tmp_path)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "is a folder" in result.stderr


def test_a_warehouse_under_a_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(_FEED)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(
        app, ["ingest", "-c", str(path), "--db", str(blocker / "news.duckdb")]
    )
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "not a folder" in result.stderr


# --- smaller ones ---------------------------------------------------------------------


def test_utf7_and_non_text_codecs_are_not_honoured() -> None:
    assert decode_html(b"<meta charset=utf-7><p>+ADw-b+AD4-</p>") == (
        "<meta charset=utf-7><p>+ADw-b+AD4-</p>"
    )
    assert decode_html(b"<meta charset=rot13><p>uryyb</p>") == "<meta charset=rot13><p>uryyb</p>"


@pytest.mark.parametrize(
    "address",
    ["2002:7f00:1::", "2002:a9fe:a9fe::", "64:ff9b::a00:1", "2001:0:4136:e378:8000:63bf:80ff:fffe"],
)
def test_private_addresses_inside_ipv6_forms_are_blocked(address: str) -> None:
    with pytest.raises(BlockedURL):
        check_address_allowed(ipaddress.ip_address(address), allow_private=False)
    check_address_allowed(ipaddress.ip_address("2606:4700::1111"), allow_private=False)


def test_a_canonical_on_another_port_of_the_same_ip_is_ignored() -> None:
    from newsflow.tasks.extract.metadata import PageMetadata, trusted_canonical

    page = "http://10.0.0.5:8080/news/story.html"
    assert (
        trusted_canonical(PageMetadata(canonical_href="http://10.0.0.5:9090/x.html"), page) is None
    )
    assert trusted_canonical(PageMetadata(canonical_href="/news/story-1.html"), page) == (
        "http://10.0.0.5:8080/news/story-1.html"
    )
    assert trusted_canonical(
        PageMetadata(canonical_href="https://a.example/s"), "http://a.example/t"
    ) == ("https://a.example/s")


def test_fair_order_caps_each_feed_and_interleaves_hosts() -> None:
    flood = [f"http://flood.example/{k}" for k in range(1000)]
    calm = [f"http://calm.example/{k}" for k in range(3)]
    feed_of = {u: "flood" for u in flood} | {u: "calm" for u in calm}
    order = fair_order(flood + calm, feed_of, max_per_feed=10)
    assert len(order) == 13 and set(calm) <= set(order)
    assert order[:6] == [flood[0], calm[0], flood[1], calm[1], flood[2], calm[2]]


def test_sigterm_handler_turns_into_keyboard_interrupt() -> None:
    code = (
        "import os, signal\n"
        "from newsflow.cli.pipeline import interrupt_on_sigterm\n"
        "interrupt_on_sigterm()\n"
        "try:\n    os.kill(os.getpid(), signal.SIGTERM)\n    signal.pause()\n"
        "except KeyboardInterrupt:\n    print('interrupted')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert result.stdout == "interrupted\n"
