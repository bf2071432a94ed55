"""A broken config stops newsflow with one line naming the file and the key, exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsflow.config.settings import ConfigError, load_settings

NEWSFLOW = str(Path(sys.executable).parent / "newsflow")


@pytest.mark.parametrize(
    ("toml", "key", "message"),
    [
        ("[fetch]\ntimeuot = 3\n", "fetch.timeuot", "unknown key"),
        ('[[feeds]]\nname = "A"\n', "feeds[1].url", "required key is missing"),
        ('[[feeds]]\nname = "A"\nurl = "ftp://example.org/feed"\n', "feeds[1].url", "http(s)"),
        ('[schedule]\ncron = "61 * * * *"\n', "schedule.cron", "cron"),
        ('[schedule]\ntimezone = "Mars/Olympus"\n', "schedule.timezone", "time zone"),
        ("[fetch]\nmax_bytes = -1\n", "fetch.max_bytes", "greater than 0"),
        ('[execution]\nrunner = "cluster"\n', "execution.runner", "'process'"),
        ("[[feeds]\n", "invalid TOML", "line 1"),
    ],
)
def test_config_error_is_one_line_naming_file_and_key(
    tmp_path: Path, toml: str, key: str, message: str
) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{path}: ")
    assert key in text and message in text


def test_cli_exits_2_with_the_error_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('[[feeds]]\nname = "A"\nurl = "not a url"\n', encoding="utf-8")
    result = subprocess.run(
        [NEWSFLOW, "ingest", "--config", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "feeds[1].url" in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


def test_the_shipped_config_is_valid_and_lists_real_feeds() -> None:
    settings = load_settings(Path(__file__).parents[1] / "config" / "feeds.toml")
    assert 15 <= len(settings.feeds) <= 25
    assert all(feed.url.startswith("https://") for feed in settings.feeds)
    assert settings.fetch.allow_private_addresses is False
    assert str(settings.warehouse.path) == "warehouse/news.ducklake"


def test_db_option_overrides_the_warehouse_path(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('[warehouse]\npath = "a.duckdb"\n', encoding="utf-8")
    assert (
        load_settings(path, db_path=tmp_path / "b.duckdb").warehouse.path == tmp_path / "b.duckdb"
    )
