"""The Typer app and what every command shares: its options and its one-line errors.

Errors a user can fix (bad config, missing warehouse, bad SQL) are one clear line on stderr
and exit code 2; tracebacks are for bugs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsflow.config.settings import ConfigError, Settings, load_settings

app = typer.Typer(
    help="newsflow: news feeds -> article bodies -> entities and quotes -> DuckDB.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ConfigOpt = Annotated[
    Path, typer.Option("--config", "-c", help="Config file (TOML).", show_default=True)
]
DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file; overrides [warehouse] path in the config."),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line to stderr and return an Exit to raise."""
    typer.echo(f"newsflow: error: {message}", err=True)
    return typer.Exit(code)


def settings_or_exit(config: Path, db: Path | None, *, ingesting: bool = False) -> Settings:
    """The validated settings, or exit 2 with one line; ``ingesting`` also requires an
    enabled feed."""
    try:
        settings = load_settings(config, db_path=db)
        if ingesting:
            settings.check_can_ingest()
    except ConfigError as exc:
        raise fail(str(exc) if str(config) in str(exc) else f"{config}: {exc}") from None
    return settings
