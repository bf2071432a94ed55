"""A warehouse shared by machines, for the tests that run on both catalogs: its catalog in a
fresh PostgreSQL database and its data files in a fresh S3 bucket (tests/services.py)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from services import PostgresServer, S3Endpoint

from newsflow.warehouse import lake

CATALOGS = ("sqlite", "postgres")


@dataclass(frozen=True)
class SharedLake:
    catalog: str  # "postgres:dbname=... host=..."
    data_path: str  # "s3://bucket/news/"
    s3: S3Endpoint

    def options(self) -> lake.S3Options:
        return lake.S3Options(
            endpoint=self.s3.endpoint,
            region=self.s3.region,
            key_id=self.s3.key_id,
            secret=self.s3.secret,
            url_style="path",
            use_ssl=False,
        )

    def configure(self, db: Path) -> Path:
        """Make this process find the warehouse named ``db`` on PostgreSQL + S3."""
        lake.configure(db, catalog=self.catalog, data_path=self.data_path, s3=self.options())
        return db

    def toml(self) -> str:
        """The ``[warehouse]`` keys (after ``path``) that say the same in a config."""
        s3 = self.options()
        return "\n".join(
            [
                f"catalog = {json.dumps(self.catalog)}",
                f"data_path = {json.dumps(self.data_path)}",
                "[warehouse.s3]",
                f"endpoint = {json.dumps(s3.endpoint)}",
                f"region = {json.dumps(s3.region)}",
                f"key_id = {json.dumps(s3.key_id)}",
                f"secret = {json.dumps(s3.secret)}",
                'url_style = "path"',
                "use_ssl = false",
            ]
        )


def new_shared_lake(postgres: PostgresServer, s3: S3Endpoint) -> SharedLake:
    """A fresh catalog database and a fresh bucket."""
    name = f"lake_{uuid.uuid4().hex[:12]}"
    dsn = postgres.create_database(name)
    bucket = s3.create_bucket(name.replace("_", "-"))
    return SharedLake(f"postgres:{dsn}", f"s3://{bucket.bucket}/news/", bucket)
