"""A warehouse built by a real ingest flow run over the fixture site, once per test session.

Modules that need one call ``flow_built_warehouse`` from a fixture that depends on
``prefect_harness``; the first call runs the flow (about 10 s), later ones reuse the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from site_server import serve_site, write_config

_BUILT: dict[str, Path] = {}


def flow_built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published warehouse of one flow run over the fixture feeds (and two bad ones)."""
    if "db" in _BUILT:
        return _BUILT["db"]
    from newsflow.flows.ingest import ingest

    workdir = tmp_path_factory.mktemp("flow-warehouse")
    db = workdir / "news.duckdb"
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        site = serve_site(server)
        config = write_config(
            workdir / "feeds.toml",
            site,
            db,
            feeds=[
                ("Herald – World", f"{site}/feeds/world.xml"),
                ("Herald – Politics", f"{site}/feeds/politics.atom"),
                ("Herald – not a feed", f"{site}/feeds/not-a-feed.xml"),
            ],
        )
        ingest(config_path=str(config), db_path=str(db))
    finally:
        server.clear()
        server.stop()
    _BUILT["db"] = db
    return db
