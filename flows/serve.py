"""Serving the ingest flow on the configured schedule, never two runs at once."""

from __future__ import annotations

from pathlib import Path

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType
from prefect.schedules import Cron, Interval, Schedule

from newsflow.config.settings import Settings
from newsflow.flows.ingest import ingest

DEPLOYMENT_NAME = "scheduled"


def serve_ingest(settings: Settings, config_path: Path) -> None:
    """Block serving ``newsflow-ingest``: a late run is cancelled, never stacked."""
    configured = settings.schedule
    schedule: Schedule = (
        Interval(configured.interval_seconds, timezone=configured.timezone)
        if configured.interval_seconds
        else Cron(configured.cron, timezone=configured.timezone)
    )
    ingest.serve(
        name=DEPLOYMENT_NAME,
        parameters={
            "config_path": str(config_path.resolve()),
            "db_path": str(settings.warehouse.path.resolve()),
        },
        global_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
        ),
        schedules=[schedule],
        # Load the flow by module name: works from any directory once newsflow is installed.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
