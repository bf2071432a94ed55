"""Serving the ingest flow on the configured schedule, never two runs at once, and the
warehouse's maintenance on its own ([warehouse] maintain_cron)."""

from __future__ import annotations

from pathlib import Path

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType
from prefect.schedules import Cron, Interval, Schedule

from newsflow.config.settings import Settings
from newsflow.flows.ingest import ingest
from newsflow.flows.maintain import maintain_warehouse

DEPLOYMENT_NAME = "scheduled"


def serve_ingest(settings: Settings, config_path: Path) -> None:
    """Block serving ``newsflow-ingest``: a late run is cancelled, never stacked."""
    configured = settings.schedule
    schedule: Schedule = (
        Interval(configured.interval_seconds, timezone=configured.timezone)
        if configured.interval_seconds
        else Cron(configured.cron, timezone=configured.timezone)
    )
    parameters = {
        "config_path": str(config_path.resolve()),
        "db_path": str(settings.warehouse.path.resolve()),
    }
    deployments = [
        ingest.to_deployment(
            name=DEPLOYMENT_NAME,
            parameters=parameters,
            concurrency_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
            schedules=[schedule],
            # Load the flow by module name: works from any directory once newsflow is installed.
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
    ]
    if settings.warehouse.maintain_cron:
        deployments.append(
            maintain_warehouse.to_deployment(
                name="maintain",
                parameters=parameters,
                concurrency_limit=1,
                schedules=[Cron(settings.warehouse.maintain_cron, timezone=configured.timezone)],
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    serve(*deployments)
