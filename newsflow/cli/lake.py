"""Warehouse commands of the ``newsflow`` CLI: snapshots, migrate-warehouse, maintain.

Registered on the one Typer app when ``newsflow.cli`` imports this module. A problem a user
can fix is one line on stderr with exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsflow.cli.app import ConfigOpt, DbOpt, app, fail, settings_or_exit
from newsflow.config.settings import DEFAULT_CONFIG_PATH


@app.command()
def snapshots(
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Newest N only.")] = 50,
) -> None:
    """List the published snapshots, newest first, with the run each one ends.

    Any of them can be read again exactly: newsflow sql --as-of RUN_ID|SNAPSHOT|TIME "...".
    """
    from newsflow.warehouse.db import WarehouseError, connect_published, published_snapshots

    settings = settings_or_exit(config, db)
    try:
        con = connect_published(settings.warehouse.path)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    try:
        name = con.execute("SELECT current_database()").fetchone()[0]
        found = published_snapshots(con, name)
        runs = {
            row[0]: row[1:]
            for row in con.execute(
                "SELECT run_id, status, articles_stored, started_at FROM runs"
            ).fetchall()
        }
    finally:
        con.close()
    typer.echo(f"{'snapshot':>8}  {'published (UTC)':<19}  {'run':<36}  {'status':<11}  stored")
    for snap in reversed(found[-limit:]):
        status, stored, _ = runs.get(snap.run_id, ("-", None, None))
        typer.echo(
            f"{snap.snapshot_id:>8}  {snap.time:%Y-%m-%d %H:%M:%S}  {snap.run_id or '-':<36}  "
            f"{status:<11}  {'' if stored is None else stored}"
        )


@app.command("migrate-warehouse")
def migrate_warehouse(
    old: Annotated[
        Path | None,
        typer.Argument(help="The old DuckDB warehouse file (default: [warehouse] path)."),
    ] = None,
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
) -> None:
    """Convert a DuckDB warehouse (newsflow before DuckLake) into the lake, once.

    The old file is left as it was. Every table's rows are copied, then counted and
    checksummed on both sides; a mismatch removes the new lake and fails.
    Example: newsflow migrate-warehouse warehouse/news.duckdb
    """
    from newsflow.warehouse.db import WarehouseError
    from newsflow.warehouse.lake import location
    from newsflow.warehouse.migrate import migrate

    settings = settings_or_exit(config, db)
    source = old or settings.warehouse.path
    if source.suffix != ".duckdb":
        source = source.with_suffix(".duckdb")
    try:
        read, checks = migrate(source, settings.warehouse.path)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    for check in checks:
        typer.echo(f"{check.table}: {check.rows} rows, checksum {check.checksum:x}: same")
    where = location(settings.warehouse.path)
    typer.echo(
        f"converted {read} into {where.describe()} (data: {where.data_path}); "
        f"{len(checks)} tables match. The old file is untouched; delete it when you like."
    )


@app.command()
def maintain(
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
    keep_days: Annotated[
        float | None,
        typer.Option(
            "--keep-days",
            min=0,
            help="Also forget published snapshots older than this (default: keep them all).",
        ),
    ] = None,
) -> None:
    """Merge the small files runs leave, drop snapshots no reader can ask for, delete
    unused and orphaned files. Safe at any time: it waits for no run, and a run waits for it
    (one holds the ingest lock). Schedule it daily (`serve` does: [warehouse] maintain_cron).
    """
    from newsflow.warehouse.db import WarehouseError
    from newsflow.warehouse.maintain import maintain as run_maintain

    settings = settings_or_exit(config, db)
    try:
        done = run_maintain(settings.warehouse.path, keep_days=keep_days)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    typer.echo(
        f"snapshots expired: {done.expired_snapshots} | files: {done.files_before} -> "
        f"{done.files_after} | bytes: {done.bytes_before} -> {done.bytes_after}"
    )
