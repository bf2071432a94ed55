"""Serve the fixture news site (tests/fixtures/site) from a real HTTP server on 127.0.0.1.

Feeds get ``{BASE}`` replaced by the server's URL and honour ``If-None-Match`` like a real
feed host. A few extra routes serve the broken cases the pipeline must survive.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SITE = Path(__file__).parent / "fixtures" / "site"

_TYPES = {
    ".html": "text/html",
    ".xml": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".pdf": "application/pdf",
}


def expected() -> dict[str, Any]:
    return json.loads((SITE / "expected.json").read_text(encoding="utf-8"))


def _feed_handler(body: bytes, content_type: str):
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    def handle(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type=content_type, headers={"ETag": etag})

    return handle


def serve_site(server: HTTPServer) -> str:
    """Register every fixture file (and the broken-feed routes); return the base URL."""
    base = server.url_for("").rstrip("/")
    server.no_handler_status_code = 404  # like a real site: unknown paths are 404, not 500
    for path in sorted(SITE.rglob("*")):
        if not path.is_file() or path.name in ("expected.json", "README.md"):
            continue
        route = "/" + path.relative_to(SITE).as_posix()
        content_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "text/plain"
        body = path.read_bytes()
        if route.startswith("/feeds/"):
            body = body.replace(b"{BASE}", base.encode())
            server.expect_request(route).respond_with_handler(_feed_handler(body, content_type))
        else:
            server.expect_request(route).respond_with_data(body, content_type=content_type)
    world = (SITE / "feeds" / "world.xml").read_bytes().replace(b"{BASE}", base.encode())
    cut = world.index(b"<item>", world.index(b"<item>", world.index(b"<item>") + 1) + 1)
    server.expect_request("/feeds/broken.xml").respond_with_data(
        world[: cut + 40], content_type="application/rss+xml"
    )
    server.expect_request("/feeds/not-a-feed.xml").respond_with_data(
        b"<!doctype html><html><body><h1>Welcome to our homepage</h1></body></html>",
        content_type="text/html",
    )
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    return base


# The product's default runner: a spawned worker process that imports newsflow and loads the
# model for each run. The tests about that pool (its workers, their clean-up, the flow as
# shipped) ask for it; the others analyse in a thread of the flow, which costs no process.
PROCESS = 'runner = "process"\nworkers = 1'
THREAD = 'runner = "thread"\nworkers = 1'  # the analysis in a thread of the ingest process

_FETCH = {
    "allow_private_addresses": "true",
    "connect_timeout": "2.0",
    "read_timeout": "5.0",
    "total_timeout": "10.0",
    "per_host_concurrency": "4",
    "per_host_delay": "0.0",
}


def write_config(
    path: Path,
    db: Path,
    *,
    feeds: list[tuple[str, str]],
    execution: str = THREAD,
    fetch: Mapping[str, str] | None = None,
    warehouse: str = "",
    **extra: str,
) -> Path:
    """A config for a local site: private addresses allowed, one worker, fast timeouts.

    ``execution`` is the runner's lines of ``[execution]`` (batches are always 3 pages;
    ``PROCESS`` for the product's default pool);
    ``fetch`` adds or replaces ``[fetch]`` keys (values as TOML text); ``warehouse`` adds
    TOML after ``[warehouse] path`` (a shared catalog); ``extra`` adds sections.
    """
    lines = ["[warehouse]", f"path = {json.dumps(str(db))}"]
    lines += [warehouse] if warehouse else []
    lines += ["[fetch]"]
    lines += [f"{key} = {value}" for key, value in (_FETCH | dict(fetch or {})).items()]
    lines += ["[execution]", execution, "batch_size = 3"]
    for section, body in extra.items():
        lines += [f"[{section}]", body]
    for name, url in feeds:
        lines += ["[[feeds]]", f"name = {json.dumps(name)}", f"url = {json.dumps(url)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
