"""Shared test set-up: an isolated Prefect home, a Prefect test server for flow tests, and the
fixtures several modules use (local HTTP servers, the spaCy model, built warehouses).

Prefect reads its settings when imported, so the environment is set here, before any test
module imports it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

pytest_plugins = ("services",)  # the PostgreSQL and S3 servers (tests/services.py)

_PREFECT_HOME = tempfile.mkdtemp(prefix="newsflow-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.pop("PREFECT_API_URL", None)


@pytest.hookimpl(tryfirst=True)  # before `-m "not slow"` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the Prefect server, PostgreSQL or the S3 server is slow whatever its
    module says: `make test-fast` must never start one."""
    servers = {"prefect_harness", "postgres_server", "s3_server"}
    for item in items:
        if servers.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test server for the whole session (about 8 s, paid once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def prefect_env(prefect_harness: None) -> dict[str, str]:
    """The environment for a subprocess that must report to the session's Prefect server."""
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}


@pytest.fixture(scope="session")
def news_site() -> Iterator[str]:
    """The fixture news site (tests/fixtures/site) on 127.0.0.1; yields its base URL."""
    from site_server import serve_site

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield serve_site(server)
    server.clear()
    server.stop()


@pytest.fixture(scope="session")
def _threaded_server() -> Iterator[HTTPServer]:
    from nethelpers import threaded_server

    with threaded_server() as server:
        yield server


@pytest.fixture
def server(_threaded_server: HTTPServer) -> HTTPServer:
    """A threaded HTTP server on 127.0.0.1 with no routes and an empty log."""
    _threaded_server.clear()
    return _threaded_server


@pytest.fixture(scope="session")
def model() -> str:
    """The real spaCy model's name, loaded once per session (later loads hit the cache)."""
    from nlp_warehouse import MODEL

    from newsflow.tasks.nlp.pipeline import load_pipeline

    load_pipeline(MODEL)
    return MODEL


@pytest.fixture(scope="session")
def analyst_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-written warehouse of tests/analyst_data.py, built once; tests only read it."""
    import analyst_data

    return analyst_data.build(tmp_path_factory.mktemp("analyst") / "news.duckdb")


@pytest.fixture(scope="session")
def flow_warehouse(
    prefect_harness: None, news_site: str, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The published warehouse of one real flow run over the fixture feeds (and a bad one),
    analysed in the default runner's worker process."""
    from site_server import PROCESS, write_config

    from newsflow.flows.ingest import ingest

    workdir = tmp_path_factory.mktemp("flow-warehouse")
    db = workdir / "news.duckdb"
    config = write_config(
        workdir / "feeds.toml",
        db,
        feeds=[
            ("Herald – World", f"{news_site}/feeds/world.xml"),
            ("Herald – Politics", f"{news_site}/feeds/politics.atom"),
            ("Herald – not a feed", f"{news_site}/feeds/not-a-feed.xml"),
        ],
        execution=PROCESS,  # the product's default runner, as shipped
    )
    ingest(config_path=str(config), db_path=str(db))
    return db
