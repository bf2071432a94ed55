"""Real servers for the tests that need a shared warehouse: a PostgreSQL cluster (the DuckLake
catalog when several machines share the warehouse) and a local S3-compatible store (moto's
server mode, for ``data_path = "s3://…"``).

Both are started by the session's fixtures and stopped at its end. `make install-services`
installs them (Debian's ``postgresql`` and the ``moto[server]`` test extra); where that could
not happen the tests that need them are skipped with the reason.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

START_TIMEOUT = 60.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- PostgreSQL ---------------------------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's binaries (Debian keeps them off PATH)."""
    candidates = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass(frozen=True)
class PostgresServer:
    """A running throw-away cluster; ``dsn`` names its ``newsflow`` database."""

    bin_dir: Path
    host: str
    port: int
    user: str
    runas: tuple[str, ...]

    def dsn(self, dbname: str = "newsflow") -> str:
        """A libpq key=value connection string, the form ``ducklake:postgres:`` takes."""
        return f"dbname={dbname} host={self.host} port={self.port} user={self.user}"

    def create_database(self, dbname: str) -> str:
        """A new empty database (a fresh DuckLake catalog per test); returns its DSN."""
        _run(
            [
                *self.runas,
                str(self.bin_dir / "createdb"),
                "-h",
                self.host,
                "-p",
                str(self.port),
                "-U",
                self.user,
                dbname,
            ]
        )
        return self.dsn(dbname)


def _run(cmd: list[str]) -> None:
    """Run a set-up command; its output goes into the failure message."""
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=START_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")


def _postgres_runas(workdir: Path) -> tuple[str, ...]:
    """PostgreSQL refuses to run as root: as root, run it as the ``postgres`` OS user."""
    if os.geteuid() != 0:
        return ()
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no `postgres` OS user to run PostgreSQL as")
    if shutil.which("runuser") is None:
        pytest.skip("running as root and `runuser` is missing (util-linux)")
    os.chown(workdir, user.pw_uid, user.pw_gid)
    return ("runuser", "-u", "postgres", "--")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A fresh PostgreSQL cluster on a free port of 127.0.0.1, deleted at the session's end."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (`make install-services` installs it)")
    # Not under pytest's tmp dir: that is private to the test user, and the server may run
    # as another user.
    workdir = Path(tempfile.mkdtemp(prefix="newsflow-pg-"))
    try:
        runas = _postgres_runas(workdir)
        data, log = workdir / "data", workdir / "server.log"
        _run(
            [
                *runas,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ]
        )
        port = free_port()
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        # -w waits until the server accepts connections (pg_ctl's own readiness probe).
        _run(
            [
                *runas,
                str(bin_dir / "pg_ctl"),
                "start",
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-t",
                str(int(START_TIMEOUT)),
                "-o",
                options,
            ]
        )
        try:
            server = PostgresServer(bin_dir, "127.0.0.1", port, "postgres", runas)
            server.create_database("newsflow")
            yield server
        finally:
            subprocess.run(
                [*runas, str(bin_dir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w"],
                capture_output=True,
                timeout=START_TIMEOUT,
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_dsn(postgres_server: PostgresServer) -> str:
    """The DSN of the session cluster's ``newsflow`` database."""
    return postgres_server.dsn()


# --- S3 (moto server) ---------------------------------------------------------------------


@dataclass(frozen=True)
class S3Endpoint:
    """A running local S3-compatible server and one bucket on it."""

    host: str
    port: int
    key_id: str
    secret: str
    region: str
    bucket: str

    @property
    def endpoint(self) -> str:
        """``host:port``: DuckDB's ``ENDPOINT`` takes no scheme (``USE_SSL false`` says http)."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def client(self):  # -> botocore S3 client (boto3 has no stubs here)
        """A boto3 client on this server, for checking what landed in the bucket."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=self.key_id,
            aws_secret_access_key=self.secret,
            region_name=self.region,
        )

    def create_bucket(self, bucket: str) -> S3Endpoint:
        """Another empty bucket on the same server (one per test keeps tests apart)."""
        self.client().create_bucket(Bucket=bucket)
        return S3Endpoint(self.host, self.port, self.key_id, self.secret, self.region, bucket)

    def secret_sql(self, name: str = "lake_s3") -> str:
        """The DuckDB ``CREATE SECRET`` for this server (values are test constants)."""
        return (
            f"CREATE OR REPLACE SECRET {name} (TYPE s3, KEY_ID '{self.key_id}', "
            f"SECRET '{self.secret}', REGION '{self.region}', ENDPOINT '{self.endpoint}', "
            "URL_STYLE 'path', USE_SSL false)"
        )


def _moto_command(port: int) -> list[str] | None:
    try:
        import moto.server  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


def _wait_for_http(url: str, process: subprocess.Popen[bytes]) -> None:
    """Until the server answers HTTP (or dies, or the time runs out)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.05)  # poll interval of the readiness probe, not a synchronisation
    raise RuntimeError(f"moto server did not answer on {url} within {START_TIMEOUT:.0f} s")


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Endpoint]:
    """moto's S3 server on a free port of 127.0.0.1 with a ``newsflow`` bucket."""
    port = free_port()
    command = _moto_command(port)
    if command is None:
        pytest.skip("moto[server] is not installed (`make install-test` installs it)")
    env = {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            try:
                _wait_for_http(f"http://127.0.0.1:{port}/moto-api/", process)
            except RuntimeError as error:
                log.seek(0)
                raise RuntimeError(f"{error}\n{log.read().decode(errors='replace')}") from None
            base = S3Endpoint("127.0.0.1", port, "testing", "testing", "us-east-1", "")
            yield base.create_bucket("newsflow")
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def s3_endpoint(s3_server: S3Endpoint) -> S3Endpoint:
    """The session's S3 server and its ``newsflow`` bucket."""
    return s3_server
