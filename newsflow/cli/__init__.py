"""The ``newsflow`` command line.

Prefect's environment is set before anything imports Prefect; then each command module
registers its commands on the one Typer app.
"""

from newsflow.prefect_env import configure_prefect_env

configure_prefect_env()

from newsflow.cli import analyst, lake, pipeline, sources  # noqa: E402,F401  (register their commands)
from newsflow.cli.app import app  # noqa: E402

__all__ = ["app"]
