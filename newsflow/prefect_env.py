"""Prefect settings newsflow applies before Prefect is imported.

Offline machines make Prefect's anonymous telemetry print tracebacks, so it is off unless
the user turned it on explicitly. Prefect gives its temporary per-run server 20 s to start,
which a busy machine (a scheduled run next to other jobs) can miss: the run would then fail
before fetching anything, so newsflow allows longer unless the user set a limit.
"""

from __future__ import annotations

import os


def configure_prefect_env() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
