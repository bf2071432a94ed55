"""Shared test set-up: an isolated Prefect home, and a Prefect test server for flow tests.

Prefect reads its settings when imported, so the environment is set here, before any test
module imports it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="newsflow-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.pop("PREFECT_API_URL", None)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test server for the whole session (about 8 s, paid once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
