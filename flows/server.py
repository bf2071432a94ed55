"""A local Prefect server for ``newsflow serve`` when the user has none.

Prefect schedules nothing against its temporary in-process server, so serving on a schedule
needs a real API. When ``PREFECT_API_URL`` is unset we start ``prefect server start`` on a
free loopback port, point this process at it, and stop it on exit.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

STARTUP_TIMEOUT_S = 90.0


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM if newsflow dies, even by SIGKILL (no orphan servers)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(api_url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with code {proc.returncode}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"prefect server did not become healthy within {timeout:.0f} s")


@contextmanager
def prefect_api() -> Iterator[str]:
    """Yield a Prefect API URL: the user's ``PREFECT_API_URL``, or a local server we start."""
    existing = os.environ.get("PREFECT_API_URL")
    if existing:
        yield existing
        return
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_die_with_parent,  # noqa: PLW1509 - runs before exec, no threads involved
    )
    try:
        _wait_healthy(api_url, proc, STARTUP_TIMEOUT_S)
        os.environ["PREFECT_API_URL"] = api_url
        print(f"Prefect server started: UI at http://127.0.0.1:{port}", flush=True)
        yield api_url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
