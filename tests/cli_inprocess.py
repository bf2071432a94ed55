"""Run a ``newsflow`` command inside the test process, for tests about what a command does
rather than about the command line itself.

A subprocess pays Python's start, newsflow's imports and the spaCy model load on every call;
in process, the command reports to the session's Prefect server and reuses the loaded
model. Each command keeps at least one test that runs the real executable (test_cli_ingest,
test_resume_kill, test_discover, ...).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ran:
    """What a finished command left: the fields of ``subprocess.CompletedProcess`` tests read."""

    returncode: int
    stdout: str
    stderr: str


def newsflow(*args: str) -> Ran:
    """``newsflow ARGS`` through its Typer app; an exception escaping it fails the test."""
    from typer.testing import CliRunner

    from newsflow.cli import app

    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)
