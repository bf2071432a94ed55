"""Months unattended: analysts are never locked out, and a run killed at any moment loses
nothing and duplicates nothing.

A reference warehouse is built by clean runs over a local news site (3 stories, then 15
more) while separate analyst processes query the published file in a loop. A second
warehouse starts from the same first run, then gets the 15 stories through runs killed with
SIGKILL mid-fetch, mid-NLP, mid-load and mid-publish, and one last run; it must end with
exactly the reference's articles, mentions and quotes.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from shared_lake import CATALOGS, SharedLake, new_shared_lake
from story_site import StorySite, thread_config

from newsflow.warehouse.db import connect_published, open_ingest
from newsflow.warehouse.lake import location

pytestmark = pytest.mark.slow

TESTS = Path(__file__).parent
FIRST, MORE = range(0, 3), range(3, 18)


@pytest.fixture(scope="module")
def site() -> Iterator[StorySite]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    stories = StorySite(server, {"a": FIRST, "b": MORE})
    yield stories
    stories.release()
    server.clear()
    server.stop()


def configs(site: StorySite, workdir: Path, shared: SharedLake | None = None) -> tuple[Path, Path]:
    """Config with feed a only, and with feeds a and b; both write workdir/news.duckdb (on
    PostgreSQL + S3 with ``shared``, registered in this process too)."""
    db = workdir / "news.duckdb"
    extra = ""
    if shared is not None:
        shared.configure(db)
        extra = shared.toml()
    return (
        thread_config(workdir / "a.toml", site, db, ["a"], extra),
        thread_config(workdir / "ab.toml", site, db, ["a", "b"], extra),
    )


class Reader:
    """An analyst process running tests/snapshot_reader.py until stopped."""

    def __init__(self, mode: str, db: Path, workdir: Path, config: Path) -> None:
        self.log = workdir / f"reader-{mode}.jsonl"
        self._stop = workdir / f"stop-{mode}"
        self._proc = subprocess.Popen(
            [sys.executable, str(TESTS / "snapshot_reader.py"), mode, str(db), str(self.log)]
            + [str(self._stop), str(config)],
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while not (self.log.exists() and self.log.read_text()):
            assert self._proc.poll() is None, self._proc.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "reader did not start"
            time.sleep(0.02)

    def observations(self) -> list[dict[str, Any]]:
        """What the reader has logged so far (complete lines only)."""
        lines = self.log.read_text().splitlines(keepends=True)
        return [json.loads(line) for line in lines if line.endswith("\n")]

    def wait_to_see(self, counts: tuple[int, int], timeout: float = 30) -> None:
        """Poll the reader's log until one of its queries saw (articles, mentions) == counts."""
        deadline = time.monotonic() + timeout
        while not any(
            (o.get("articles"), o.get("mentions")) == counts for o in self.observations()
        ):
            assert self._proc.poll() is None, self._proc.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, f"the reader never saw {counts}"
            time.sleep(0.02)

    def stop(self) -> list[dict[str, Any]]:
        self._stop.touch()
        _, stderr = self._proc.communicate(timeout=30)
        assert self._proc.returncode == 0, stderr
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@dataclass
class Reference:
    catalog: str  # sqlite | postgres
    db: Path
    phase1: Path  # copy of the warehouse files after the first run
    totals: tuple[tuple[int, int], tuple[int, int]]  # (articles, mentions) after runs 1, 2
    run2: tuple[float, float]  # start and end of the second run (epoch seconds)
    holding: list[dict[str, Any]]
    reopening: list[dict[str, Any]]
    read_write: list[dict[str, Any]]
    run3_status: str


def _copy_lake(db: Path, to: Path) -> None:
    """Copy a warehouse (its catalog and data files) to the name ``to``."""
    source, target = location(db), location(to)
    shutil.copy(source.catalog_file, target.catalog_file)
    shutil.copytree(source.data_folder, target.data_folder)


def _totals(db: Path) -> tuple[int, int]:
    with connect_published(db) as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM entity_mentions)"
        ).fetchone()


def _shared(request: pytest.FixtureRequest) -> SharedLake:
    return new_shared_lake(
        request.getfixturevalue("postgres_server"), request.getfixturevalue("s3_endpoint")
    )


# Every test here runs on both catalogs: a SQLite file with local Parquet files, and
# PostgreSQL with the Parquet files in S3 (real servers, tests/services.py).
@pytest.fixture(scope="module", params=CATALOGS)
def reference(
    request: pytest.FixtureRequest,
    prefect_harness: None,
    site: StorySite,
    tmp_path_factory: pytest.TempPathFactory,
) -> Reference:
    from newsflow.flows.ingest import ingest

    workdir = tmp_path_factory.mktemp(f"reference-{request.param}")
    shared = _shared(request) if request.param == "postgres" else None
    config_a, config_ab = configs(site, workdir, shared)
    db = workdir / "news.duckdb"
    ingest(config_path=str(config_a))
    phase1 = workdir / "phase1"
    phase1.mkdir()
    if shared is None:
        _copy_lake(db, phase1 / db.name)
    first = _totals(db)

    holding = Reader("hold", db, workdir, config_ab)
    reopening = Reader("reopen", db, workdir, config_ab)
    started = time.time()
    ingest(config_path=str(config_ab))
    ended = time.time()
    second = _totals(db)
    reopening.wait_to_see(second)  # the reconnecting analyst has reached the new snapshot
    held_log, reopen_log = holding.stop(), reopening.stop()

    read_write = Reader("hold-rw", db, workdir, config_ab)
    summary = ingest(config_path=str(config_ab), poll_all=True)
    # A new connection opens the new snapshot while the analyst still holds the old one.
    with connect_published(db) as con:
        [(status,)] = con.execute(
            "SELECT status FROM runs WHERE run_id = ?", [summary.run_id]
        ).fetchall()
    rw_log = read_write.stop()
    return Reference(
        catalog=request.param,
        db=db,
        phase1=phase1,
        totals=(first, second),
        run2=(started, ended),
        holding=held_log,
        reopening=reopen_log,
        read_write=rw_log,
        run3_status=status,
    )


def _consistent(observation: dict[str, Any]) -> bool:
    """The counts match what the completed runs say they stored, and no run is half done."""
    return (
        observation["articles"] == observation["stored"]
        and observation["mentions"] == observation["stored_mentions"]
        and observation["running_runs"] == 0
    )


# --- item 4: analysts are never locked out ---------------------------------------------------


def test_reader_holding_the_file_open_never_fails_and_keeps_its_snapshot(
    reference: Reference,
) -> None:
    log = reference.holding
    assert [o for o in log if "error" in o] == []
    during = [o for o in log if reference.run2[0] <= o["t"] <= reference.run2[1]]
    assert len(during) >= 10, "the reader did not query across the run"
    old_articles, old_mentions = reference.totals[0]
    assert {(o["articles"], o["mentions"]) for o in log} == {(old_articles, old_mentions)}
    assert all(_consistent(o) for o in log)


def test_reader_reconnecting_sees_the_old_then_the_new_snapshot_never_a_half_run(
    reference: Reference,
) -> None:
    log = reference.reopening
    assert [o for o in log if "error" in o] == []
    assert all(_consistent(o) for o in log)
    counts = [(o["articles"], o["mentions"]) for o in log]
    old, new = reference.totals
    assert new[0] == old[0] + len(MORE)
    assert set(counts) == {old, new}
    switch = counts.index(new)
    assert set(counts[switch:]) == {new}, "an old snapshot came back after the new one"
    assert log[switch]["t"] >= reference.run2[0]
    assert sum(reference.run2[0] <= o["t"] <= reference.run2[1] for o in log) >= 10


def test_analyst_read_write_connection_does_not_fail_the_ingest(reference: Reference) -> None:
    assert reference.run3_status == "completed"
    assert reference.read_write, "the read-write analyst made no query"
    assert [o for o in reference.read_write if "error" in o] == []
    # Attached read-write, unpinned, the analyst follows the commits (which is why
    # `newsflow sql` and the documented form attach the published snapshot read-only).
    assert {o["completed_runs"] for o in reference.read_write} <= {2, 3}
    with connect_published(reference.db) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (3,)


# --- item 3: never lose or duplicate ---------------------------------------------------------


def _ingest_until(
    env: dict[str, str],
    point: str,
    nth: int,
    config: Path,
    workdir: Path,
    trigger: threading.Event | None = None,
) -> None:
    """Run `newsflow ingest` in a subprocess and SIGKILL it at ``point`` (or on ``trigger``)."""
    marker = workdir / f"reached-{point}"
    env = {**env, "PREFECT_LOGGING_LEVEL": "WARNING"}
    output = workdir / f"ingest-{point}.log"
    with output.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(TESTS / "ingest_with_pause.py"), str(marker), point, str(nth)]
            + ["--", "--config", str(config), "--quiet"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while not (marker.exists() or (trigger is not None and trigger.is_set())):
        assert proc.poll() is None, f"ingest ended before {point}: {output.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"ingest never reached {point}"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


def _articles(db: Path, *, committed: bool = False) -> list[tuple]:
    """Every article with its title and how many mentions and quotes it has, by URL: as
    published, or as committed by the flow (``committed``)."""
    with open_ingest(db) if committed else connect_published(db) as con:
        return con.execute(
            """
            SELECT a.url, a.title,
                   (SELECT count(*) FROM entity_mentions m WHERE m.article_id = a.article_id),
                   (SELECT count(*) FROM quotes q WHERE q.article_id = a.article_id)
            FROM articles a ORDER BY a.url
            """
        ).fetchall()


def _pages(db: Path) -> list[tuple]:
    with connect_published(db) as con:
        return con.execute("SELECT page_url, status FROM pages ORDER BY 1").fetchall()


def _run_statuses(db: Path) -> Counter[str]:
    with connect_published(db) as con:
        return Counter(status for (status,) in con.execute("SELECT status FROM runs").fetchall())


def test_runs_killed_at_any_moment_end_with_exactly_the_articles_of_a_clean_run(
    request: pytest.FixtureRequest,
    reference: Reference,
    site: StorySite,
    tmp_path: Path,
    prefect_env: dict[str, str],
) -> None:
    from newsflow.flows.ingest import ingest

    db = tmp_path / "news.duckdb"
    if reference.catalog == "postgres":  # a database cannot be copied like files: run 1 again
        config_a, config_ab = configs(site, tmp_path, _shared(request))
        ingest(config_path=str(config_a))
    else:
        _, config_ab = configs(site, tmp_path)
        _copy_lake(reference.phase1 / db.name, db)
    expected = {url: row for url, *row in _articles(reference.db)}
    first_snapshot = _articles(db)

    in_flight = site.hold_request(after=5)
    kills = [
        ("fetch", 1, in_flight),  # the 5th story request is in flight
        ("nlp", 2, None),  # half-way through the 2nd batch's analysis
        ("load", 2, None),  # inside the 2nd batch's load transaction
        ("publish", 1, None),  # inside the publish transaction, before its commit
    ]
    for point, nth, trigger in kills:
        _ingest_until(prefect_env, point, nth, config_ab, tmp_path, trigger)
        site.release()  # the held story request (if any) may answer: its crawler is dead
        # The flow's file: no article without all its mentions and quotes, none twice.
        partial = _articles(db, committed=True)
        assert len({url for url, *_ in partial}) == len(partial)
        assert all(expected[url] == row for url, *row in partial), point
        # The analysts' snapshot: still the first run's, and readable.
        assert _articles(db) == first_snapshot, point

    final = ingest(config_path=str(config_ab))

    assert _articles(db) == _articles(reference.db)
    assert len(_articles(db)) == len(FIRST) + len(MORE)
    assert _pages(db) == _pages(reference.db)
    assert {status for _, status in _pages(db)} == {"ok"}
    # The run killed mid-publish had recorded itself completed (all its work committed);
    # its snapshot reached the analysts with the next run's publish.
    assert _run_statuses(db) == Counter({"completed": 3, "interrupted": 3})
    assert final.feeds_polled == 0  # the killed runs had polled; their queue was kept
