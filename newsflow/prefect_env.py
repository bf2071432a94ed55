"""Prefect settings newsflow applies before Prefect is imported.

Offline machines make Prefect's anonymous telemetry print tracebacks, so it is off unless
the user turned it on explicitly.
"""

from __future__ import annotations

import os


def configure_prefect_env() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
