"""The warehouse's upkeep as a flow, so `newsflow serve` runs it on its own schedule."""

from __future__ import annotations

from prefect import flow, get_run_logger

from newsflow.config.settings import load_settings
from newsflow.warehouse.maintain import MaintainSummary, maintain


@flow(name="newsflow-maintain")
def maintain_warehouse(
    config_path: str | None = None, db_path: str | None = None
) -> MaintainSummary:
    """Merge small files, expire unreachable snapshots, delete unused files (see
    ``warehouse/maintain.py``). Fails, touching nothing, while an ingest run holds the lock."""
    settings = load_settings(config_path, db_path=db_path)
    summary = maintain(settings.warehouse.path)
    get_run_logger().info("maintain finished: %s", summary)
    return summary
